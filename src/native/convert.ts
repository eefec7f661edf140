// SPDX-License-Identifier: MIT
/**
 * @module native/convert
 *
 * Turns what the raw addon throws or returns as a batch item (an `Error` shaped like Node's
 * system errors, see `binding.d.ts`) into a {@link NativeError} with a registered code,
 * `errno`, `syscall`, `sysCode` and the raw error as `cause`; and {@link call}, the one way the
 * wrappers reach the addon.
 */
import { type ErrorCode, errorCode, errorErrno, errorMessage, NativeError } from '../errors.js';
import type { NativeBinding, NativeSystemError } from './binding.js';
import { getNativeBinding } from './load.js';

/** True for an error object created by the addon (it names the failing `syscall`). */
export function isRawError(e: unknown): e is NativeSystemError {
  return e instanceof Error && typeof (e as Partial<NativeSystemError>).syscall === 'string';
}

/**
 * The code of a failure of a call that enters a namespace first: `GW_ERR_NS_SETNS_FAILED` when
 * the setns() failed, else `otherwise` (the check every namespace-entering wrapper shares).
 */
export function setnsOr(otherwise: ErrorCode): (e: unknown) => ErrorCode {
  return (e) => (isRawError(e) && e.syscall === 'setns' ? 'GW_ERR_NS_SETNS_FAILED' : otherwise);
}

/**
 * Converts a raw addon error (or anything thrown) into a NativeError with the given code.
 * Raw argument errors (they carry `argument`) always become GW_ERR_NATIVE_ARGUMENT.
 */
export function convert(
  e: unknown,
  code: ErrorCode,
  what: string,
  details: Record<string, unknown> = {},
): NativeError {
  if (e instanceof NativeError) return e;
  const raw = isRawError(e) ? e : undefined;
  const argument = raw?.argument;
  const errno = errorErrno(e);
  const fields: Record<string, unknown> = { ...details };
  if (raw !== undefined) {
    for (const k of ['path', 'root', 'ifName', 'nsType', 'fd'] as const) {
      const v = (raw as unknown as Record<string, unknown>)[k];
      if (v !== undefined && fields[k] === undefined) fields[k] = v;
    }
  }
  return new NativeError(
    typeof argument === 'string' ? 'GW_ERR_NATIVE_ARGUMENT' : code,
    `${what}: ${errorMessage(e)}`,
    {
      ...(errno !== undefined ? { errno: Math.abs(errno) } : {}),
      ...(raw !== undefined ? { syscall: raw.syscall } : {}),
      ...(errorCode(e) !== undefined ? { sysCode: errorCode(e) } : {}),
      cause: e,
      details: fields,
    },
  );
}

/** Calls the addon (loading it on first use), converting anything it throws. */
export function call<T>(
  code: ErrorCode | ((e: unknown) => ErrorCode),
  what: string,
  details: Record<string, unknown>,
  fn: (b: NativeBinding) => T,
): T {
  const b = getNativeBinding();
  try {
    return fn(b);
  } catch (e: unknown) {
    throw convert(e, typeof code === 'function' ? code(e) : code, what, details);
  }
}
