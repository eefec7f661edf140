// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/common
 *
 * Shared bits of the rtnetlink decoders: the family name used in errors, a mutable view type
 * for building readonly results, and a family-header size check.
 */
import { malformed, truncated } from '../core/decode-error.js';
import type { NetlinkMessage } from '../core/types.js';

/** Protocol family name reported in DecodeError/NetlinkError. */
export const RTNL = 'rtnetlink';

/** Writable view of a readonly decoded type (used only while building it). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Throws unless `msg` has type `expected` and a payload of at least `headerSize` bytes. */
export function checkMessage(
  msg: NetlinkMessage,
  expected: number,
  headerSize: number,
  what: string,
): void {
  if (msg.type !== expected)
    throw malformed(RTNL, msg.offset, `${what}: unexpected message type ${msg.type}`);
  if (msg.payload.length < headerSize)
    throw truncated(RTNL, msg.offset, `${what} header (${msg.payload.length} bytes)`);
}
