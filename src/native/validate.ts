// SPDX-License-Identifier: MIT
/**
 * @module native/validate
 *
 * Argument checks of the native wrappers: every wrapper validates its arguments here before
 * the addon sees them, and a bad one is a {@link NativeError} `GW_ERR_NATIVE_ARGUMENT` naming
 * the function and the argument.
 */
import { NativeError } from '../errors.js';

/** A namespace reference: an open nsfs fd, an nsfs path (`/proc/PID/ns/net`, `/run/netns/x`), or null = current. */
export type NsRef = number | string | null;

/** Largest fd / int argument the addon accepts (int32). */
export const INT32_MAX = 0x7fffffff;

/** The `GW_ERR_NATIVE_ARGUMENT` error for argument `name` of `fn`. */
export function argError(fn: string, name: string, value: unknown, expected: string): NativeError {
  let shown: string;
  try {
    shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    // String() throws for objects without a usable toString (e.g. a null prototype): name the type.
    shown = typeof value;
  }
  return new NativeError(
    'GW_ERR_NATIVE_ARGUMENT',
    `${fn}: invalid ${name} ${shown}: expected ${expected}`,
    {
      details: { function: fn, argument: name },
    },
  );
}

/** `v` if it is an integer in `min..max`; else throws {@link argError}. */
export function checkInt(fn: string, name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw argError(fn, name, v, `an integer in ${min}..${max}`);
  }
  return v;
}

/** `v` if it is an fd number (0..INT32_MAX). */
export function checkFd(fn: string, name: string, v: unknown): number {
  return checkInt(fn, name, v, 0, INT32_MAX);
}

/** `v` if it is a string without NUL (non-empty unless `allowEmpty`). */
export function checkString(fn: string, name: string, v: unknown, allowEmpty = false): string {
  if (typeof v !== 'string' || v.includes('\0') || (!allowEmpty && v === '')) {
    throw argError(
      fn,
      name,
      v,
      allowEmpty ? 'a string without NUL' : 'a non-empty string without NUL',
    );
  }
  return v;
}

/** `ns` if it is a namespace reference (`null` only when `allowNull`). */
export function checkNsRef(fn: string, ns: unknown, allowNull: boolean): NsRef {
  if (ns === null && allowNull) return null;
  if (typeof ns === 'string') return checkString(fn, 'ns', ns);
  if (typeof ns === 'number') return checkFd(fn, 'ns', ns);
  throw argError(
    fn,
    'ns',
    ns,
    allowNull ? 'an nsfs fd, an nsfs path or null' : 'an nsfs fd or an nsfs path',
  );
}

/** Human-readable name of a namespace reference for messages and `details.ref`. */
export function refName(ns: NsRef): string {
  if (ns === null) return 'current';
  return typeof ns === 'string' ? ns : `fd ${ns}`;
}
