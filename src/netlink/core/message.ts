// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/message
 *
 * Framing of netlink messages (`struct nlmsghdr`, `linux/netlink.h`): walks a Buffer of
 * concatenated, 4-byte aligned messages (one or many datagrams) and returns views of each.
 * A message with nlmsg_len below 16 or beyond the buffer throws {@link DecodeError}.
 */
import { NLMSG_HDRLEN } from './constants.js';
import { align4, readU16, readU32 } from './bytes.js';
import { malformed, truncated } from './decode-error.js';
import type { NetlinkHeader, NetlinkMessage } from './types.js';

/** Reads the `struct nlmsghdr` at `offset` (the caller ensures 16 bytes are there). */
export function readHeader(buf: Buffer, offset: number): NetlinkHeader {
  return {
    length: readU32(buf, offset),
    type: readU16(buf, offset + 4),
    flags: readU16(buf, offset + 6),
    seq: readU32(buf, offset + 8),
    pid: readU32(buf, offset + 12),
  };
}

/**
 * Splits `buf` into messages. Payloads are views into `buf`. Trailing padding of the last
 * message may be missing; anything else that does not frame exactly throws.
 */
export function parseMessages(buf: Buffer, family: string): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let pos = 0;
  const end = buf.length;
  while (pos < end) {
    const remaining = end - pos;
    if (remaining < NLMSG_HDRLEN)
      throw truncated(family, pos, `message header (${remaining} bytes left)`);
    const length = readU32(buf, pos);
    if (length < NLMSG_HDRLEN) throw malformed(family, pos, `message length ${length}`);
    if (length > remaining)
      throw truncated(family, pos, `message (length ${length}, ${remaining} left)`);
    out.push({
      length,
      type: readU16(buf, pos + 4),
      flags: readU16(buf, pos + 6),
      seq: readU32(buf, pos + 8),
      pid: readU32(buf, pos + 12),
      payload: buf.subarray(pos + NLMSG_HDRLEN, pos + length),
      offset: pos,
    });
    pos += align4(length);
  }
  return out;
}
