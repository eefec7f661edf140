// SPDX-License-Identifier: MIT
/**
 * @module network/tenants/sys-code
 *
 * The system error code (`ENOENT`, `EACCES`, …) behind any error the network layer sees: a
 * {@link NativeError}'s `sysCode`, a project error's cause code, or a Node system error's code.
 */
import { errorCode, ProjectError } from '../../errors.js';

/** System error code of `e`, if any. */
export function sysCodeOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'sysCode' in e) {
    const c = (e as { sysCode: unknown }).sysCode;
    if (typeof c === 'string') return c;
  }
  if (e instanceof ProjectError) return errorCode(e.cause);
  return errorCode(e);
}
