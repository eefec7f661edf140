// SPDX-License-Identifier: MIT
/**
 * @module components/Capture
 *
 * Capture buttons (shown only when the page was served with `Enable-Monolith`): a link with the
 * exact `packetflix:` URL; disabled with the reason for interfaces that are not operational; and
 * the bar capturing a chosen set of interfaces of one netns with one URL.
 */
import type { NetnsV1 } from '@gw/api';
import {
  captureUrl,
  netnsTarget,
  selectionTarget,
  type CaptureTarget,
  type NifSelection,
} from '../models/capture';
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

/** The capture bar of the chosen interfaces (one netns, one `packetflix:` URL). */
export function ChosenCapture({
  ns,
  sel,
  onClear,
  title = '',
}: {
  ns: NetnsV1;
  sel: NifSelection;
  onClear: () => void;
  /** Names the netns (in the wiring, where the bar is not next to its card). */
  title?: string;
}) {
  const t = selectionTarget(ns, sel);
  const names = t?.nifs ?? [];
  return (
    <p className="chosen-capture" role="group" aria-label="capture of chosen interfaces">
      <CaptureButton
        target={t ?? netnsTarget(ns, [])}
        label={`capture ${names.join(', ')}`}
        disabledReason={t === undefined ? 'choose up interfaces with their check boxes' : ''}
      />{' '}
      {t === undefined ? (
        <span className="muted">
          choose interfaces (check boxes, or Ctrl/⌘+click badges in the wiring) to capture them
          together
        </span>
      ) : (
        <>
          <span className="chosen-names">
            capture {names.length} chosen{title !== '' ? ` in ${title}` : ''}: {names.join(', ')}
          </span>{' '}
          <button type="button" onClick={onClear}>
            clear
          </button>
        </>
      )}
    </p>
  );
}
