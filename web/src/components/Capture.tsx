// SPDX-License-Identifier: MIT
/**
 * @module components/Capture
 *
 * Capture buttons (shown only when the page was served with `Enable-Monolith`): a link with the
 * exact `packetflix:` URL; disabled with the reason for interfaces that are not operational.
 */
import { captureUrl, type CaptureTarget } from '../models/capture';
import { FinIcon } from './Icons';

/** A capture link; `disabledReason` non-empty renders a disabled button with that tooltip. */
export function CaptureButton({
  target,
  label,
  disabledReason = '',
}: {
  target: CaptureTarget;
  label: string;
  disabledReason?: string;
}) {
  if (disabledReason !== '' || target.nifs.length === 0)
    return (
      <button
        type="button"
        className="capture"
        disabled
        title={disabledReason || 'no interface to capture'}
        aria-label={`${label}: ${disabledReason || 'no interface to capture'}`}
      >
        <FinIcon />
      </button>
    );
  return (
    <a
      className="capture"
      href={captureUrl(document.baseURI, target)}
      title={label}
      aria-label={label}
    >
      <FinIcon />
    </a>
  );
}
