// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/attr
 *
 * Netlink attribute (TLV) walking per `linux/netlink.h` (`struct nlattr`: u16 nla_len incl. the
 * 4-byte header, u16 nla_type whose top bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER; payload
 * padded to 4 bytes). {@link AttrCursor} is the allocation-light walker the decoders use: one
 * object per attribute list, no per-attribute allocation or closure; its typed getters check
 * the payload size and throw {@link DecodeError} instead of letting a RangeError escape.
 * {@link parseAttributes} gives a generic tree-free list for tests and round trips.
 */
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK } from './constants.js';
import { readS32, readU16, readU32, readU64 } from './bytes.js';
import { malformed, truncated } from './decode-error.js';
import { formatHex, formatIPv4, formatIPv6, formatMac } from './ip.js';

/**
 * Cursor over the attributes in `buf[start, end)`. Call {@link next} until it returns false;
 * after each successful call `type`, `flags`, `dataStart` and `dataLength` describe the
 * current attribute. Zero or short nla_len values throw (no infinite loop is possible: every
 * step advances by at least 4 bytes).
 */
export class AttrCursor {
  /** Buffer being walked. */
  buf: Buffer;
  /** Protocol family name for error reports ('rtnetlink', ...). */
  family: string;
  /** Current attribute type with the flag bits masked off. */
  type = 0;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER bits of the current attribute. */
  flags = 0;
  /** Offset of the current attribute's header. */
  offset = 0;
  /** Offset of the current attribute's payload. */
  dataStart = 0;
  /** Payload length (nla_len - 4). */
  dataLength = 0;
  #pos: number;
  #end: number;

  constructor(buf: Buffer, start: number, end: number, family: string) {
    if (start < 0 || end > buf.length || start > end)
      throw truncated(family, start, 'attribute list');
    this.buf = buf;
    this.family = family;
    this.#pos = start;
    this.#end = end;
  }

  /** Advances to the next attribute; false at the end of the list. */
  next(): boolean {
    const pos = this.#pos;
    const remaining = this.#end - pos;
    if (remaining <= 0) return false;
    if (remaining < NLA_HDRLEN) throw truncated(this.family, pos, 'attribute header');
    const buf = this.buf;
    const len = readU16(buf, pos);
    const rawType = readU16(buf, pos + 2);
    if (len < NLA_HDRLEN)
      throw malformed(this.family, pos, `attribute length ${len}`, rawType & NLA_TYPE_MASK);
    if (len > remaining)
      throw truncated(
        this.family,
        pos,
        `attribute (length ${len}, ${remaining} left)`,
        rawType & NLA_TYPE_MASK,
      );
    this.offset = pos;
    this.type = rawType & NLA_TYPE_MASK;
    this.flags = rawType & (NLA_F_NESTED | NLA_F_NET_BYTEORDER);
    this.dataStart = pos + NLA_HDRLEN;
    this.dataLength = len - NLA_HDRLEN;
    // The last attribute may lack its trailing padding; never step past the end.
    const nextPos = pos + ((len + 3) & ~3);
    this.#pos = nextPos < this.#end ? nextPos : this.#end;
    return true;
  }

  /** Cursor over the current attribute's payload (a nested attribute list). */
  nested(): AttrCursor {
    return new AttrCursor(this.buf, this.dataStart, this.dataStart + this.dataLength, this.family);
  }

  /** Throws DecodeError unless the current payload has at least `n` bytes. */
  need(n: number, what: string): void {
    if (this.dataLength < n)
      throw malformed(
        this.family,
        this.offset,
        `${what} payload (${this.dataLength} bytes)`,
        this.type,
      );
  }

  /** u8 payload. */
  u8(): number {
    this.need(1, 'u8');
    return this.buf[this.dataStart] ?? 0;
  }
  /** Host-order u16 payload. */
  u16(): number {
    this.need(2, 'u16');
    return readU16(this.buf, this.dataStart);
  }
  /** Big-endian u16 payload (ports, ethertypes). */
  be16(): number {
    this.need(2, 'be16');
    return this.buf.readUInt16BE(this.dataStart);
  }
  /** Host-order u32 payload. */
  u32(): number {
    this.need(4, 'u32');
    return readU32(this.buf, this.dataStart);
  }
  /** Big-endian u32 payload. */
  be32(): number {
    this.need(4, 'be32');
    return this.buf.readUInt32BE(this.dataStart);
  }
  /** Host-order s32 payload. */
  s32(): number {
    this.need(4, 's32');
    return readS32(this.buf, this.dataStart);
  }
  /** Host-order u64 payload. */
  u64(): bigint {
    this.need(8, 'u64');
    return readU64(this.buf, this.dataStart);
  }
  /** Big-endian u64 payload. */
  be64(): bigint {
    this.need(8, 'be64');
    return this.buf.readBigUInt64BE(this.dataStart);
  }
  /** NUL-terminated (or unterminated) string payload, cut at the first NUL. */
  str(): string {
    const s = this.dataStart;
    let e = s;
    const end = s + this.dataLength;
    while (e < end && this.buf[e] !== 0) e++;
    return this.buf.toString('utf8', s, e);
  }
  /** IPv4 (4 bytes) or IPv6 (16 bytes) address text, chosen by payload size. */
  ip(): string {
    if (this.dataLength === 4) return formatIPv4(this.buf, this.dataStart);
    if (this.dataLength === 16) return formatIPv6(this.buf, this.dataStart);
    throw malformed(
      this.family,
      this.offset,
      `IP address payload (${this.dataLength} bytes)`,
      this.type,
    );
  }
  /** Exactly 4 bytes as IPv4 text. */
  ipv4(): string {
    if (this.dataLength !== 4)
      throw malformed(
        this.family,
        this.offset,
        `IPv4 payload (${this.dataLength} bytes)`,
        this.type,
      );
    return formatIPv4(this.buf, this.dataStart);
  }
  /** Exactly 16 bytes as IPv6 text. */
  ipv6(): string {
    if (this.dataLength !== 16)
      throw malformed(
        this.family,
        this.offset,
        `IPv6 payload (${this.dataLength} bytes)`,
        this.type,
      );
    return formatIPv6(this.buf, this.dataStart);
  }
  /** Payload as colon hex (L2 address). */
  mac(): string {
    return formatMac(this.buf, this.dataStart, this.dataLength);
  }
  /** Payload as plain hex. */
  hex(): string {
    return formatHex(this.buf, this.dataStart, this.dataLength);
  }
  /** Payload as a view (no copy). */
  data(): Buffer {
    return this.buf.subarray(this.dataStart, this.dataStart + this.dataLength);
  }
}

/** One attribute of a generic parse: type (flags masked off), flag bits, payload view. */
export interface RawAttribute {
  readonly type: number;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER bits as sent. */
  readonly flags: number;
  /** Payload view into the parsed buffer (no copy). */
  readonly data: Buffer;
}

/** Generic parse of the attributes in `buf[start, end)` (no interpretation of payloads). */
export function parseAttributes(
  buf: Buffer,
  start: number,
  end: number,
  family: string,
): RawAttribute[] {
  const out: RawAttribute[] = [];
  const c = new AttrCursor(buf, start, end, family);
  while (c.next()) out.push({ type: c.type, flags: c.flags, data: c.data() });
  return out;
}
