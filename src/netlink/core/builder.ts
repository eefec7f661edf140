// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/builder
 *
 * Builds one netlink message: `struct nlmsghdr`, a family header (any bytes), then attributes,
 * each padded to 4 bytes with zeros as the kernel's `nla_put` and iproute2's `addattr_l` do.
 * A family header shorter than a multiple of 4 (e.g. the 1-byte `struct rtgenmsg`) is padded
 * only when an attribute follows, so a bare RTM_GETNSID dump request keeps nlmsg_len 17 as
 * iproute2 sends it. `finish()` patches nlmsg_len and returns a copy of exactly that size.
 */
import { NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN } from './constants.js';
import { align4, writeS32, writeU16, writeU32, writeU64 } from './bytes.js';
import { parseIPv4, parseIPv6, parseIp } from './ip.js';
import type { RawAttribute } from './attr.js';

/** Fields of the message header to build. */
export interface HeaderFields {
  readonly type: number;
  readonly flags: number;
  readonly seq?: number;
  readonly pid?: number;
}

/** Incremental builder of one netlink message. Not reusable after {@link finish}. */
export class MessageBuilder {
  #buf: Buffer;
  #len: number;

  constructor(header: HeaderFields) {
    this.#buf = Buffer.alloc(256);
    writeU16(this.#buf, header.type, 4);
    writeU16(this.#buf, header.flags, 6);
    writeU32(this.#buf, header.seq ?? 0, 8);
    writeU32(this.#buf, header.pid ?? 0, 12);
    this.#len = NLMSG_HDRLEN;
  }

  /** Current length in bytes (unaligned). */
  get length(): number {
    return this.#len;
  }

  #reserve(n: number): number {
    const need = this.#len + n;
    if (need > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < need) size *= 2;
      const nb = Buffer.alloc(size);
      this.#buf.copy(nb, 0, 0, this.#len);
      this.#buf = nb;
    }
    const at = this.#len;
    this.#len = need;
    return at;
  }

  #alignUp(): void {
    const a = align4(this.#len);
    if (a !== this.#len) this.#reserve(a - this.#len); // Buffer.alloc gives zeros
  }

  /** Appends raw bytes (a family header such as `struct ifinfomsg`), not padded. */
  raw(bytes: Uint8Array): this {
    this.#alignUp();
    const at = this.#reserve(bytes.length);
    this.#buf.set(bytes, at);
    return this;
  }

  /** Appends an attribute with the given payload; `type` may include NLA_F_* bits. */
  attr(type: number, payload: Uint8Array): this {
    this.#alignUp();
    const len = NLA_HDRLEN + payload.length;
    if (len > 0xffff) throw new RangeError(`netlink attribute ${type} too long (${len} bytes)`);
    const at = this.#reserve(len);
    writeU16(this.#buf, len, at);
    writeU16(this.#buf, type, at + 2);
    this.#buf.set(payload, at + NLA_HDRLEN);
    this.#alignUp();
    return this;
  }

  /** Attribute without payload (NLA_FLAG). */
  flag(type: number): this {
    return this.attr(type, new Uint8Array(0));
  }
  /** u8 attribute. */
  u8(type: number, v: number): this {
    return this.attr(type, Uint8Array.of(v & 0xff));
  }
  /** Host-order u16 attribute. */
  u16(type: number, v: number): this {
    const b = Buffer.alloc(2);
    writeU16(b, v, 0);
    return this.attr(type, b);
  }
  /** Big-endian u16 attribute (ports, ethertypes). */
  be16(type: number, v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v, 0);
    return this.attr(type, b);
  }
  /** Host-order u32 attribute. */
  u32(type: number, v: number): this {
    const b = Buffer.alloc(4);
    writeU32(b, v, 0);
    return this.attr(type, b);
  }
  /** Big-endian u32 attribute. */
  be32(type: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0, 0);
    return this.attr(type, b);
  }
  /** Host-order s32 attribute. */
  s32(type: number, v: number): this {
    const b = Buffer.alloc(4);
    writeS32(b, v, 0);
    return this.attr(type, b);
  }
  /** Host-order u64 attribute. */
  u64(type: number, v: bigint): this {
    const b = Buffer.alloc(8);
    writeU64(b, v, 0);
    return this.attr(type, b);
  }
  /** NUL-terminated string attribute. */
  string(type: number, s: string): this {
    const b = Buffer.alloc(Buffer.byteLength(s) + 1);
    b.write(s, 0);
    return this.attr(type, b);
  }
  /** IP address attribute from text (4 or 16 bytes by the text's family). */
  ip(type: number, text: string): this {
    const p = parseIp(text);
    if (p === undefined) throw new RangeError(`not an IP address: ${text}`);
    return this.attr(type, p.bytes);
  }
  /** IPv4 attribute from dotted text. */
  ipv4(type: number, text: string): this {
    const b = parseIPv4(text);
    if (b === undefined) throw new RangeError(`not an IPv4 address: ${text}`);
    return this.attr(type, b);
  }
  /** IPv6 attribute from text. */
  ipv6(type: number, text: string): this {
    const b = parseIPv6(text);
    if (b === undefined) throw new RangeError(`not an IPv6 address: ${text}`);
    return this.attr(type, b);
  }

  /**
   * Opens a nested attribute; returns a token for {@link endNested}. Pass `flags` NLA_F_NESTED
   * (the default) or 0: the kernel itself sends IFLA_LINKINFO and friends without the flag.
   */
  beginNested(type: number, flags: number = NLA_F_NESTED): number {
    this.#alignUp();
    const at = this.#reserve(NLA_HDRLEN);
    writeU16(this.#buf, type | flags, at + 2);
    return at;
  }
  /** Closes the nested attribute opened at `token`, patching its nla_len. */
  endNested(token: number): this {
    this.#alignUp();
    const len = this.#len - token;
    if (len > 0xffff) throw new RangeError(`nested netlink attribute too long (${len} bytes)`);
    writeU16(this.#buf, len, token);
    return this;
  }

  /** Appends generically parsed attributes unchanged (type | flags, payload). */
  attributes(attrs: readonly RawAttribute[]): this {
    for (const a of attrs) this.attr(a.type | a.flags, a.data);
    return this;
  }

  /** Patches nlmsg_len and returns the message bytes (a fresh Buffer of exactly that length). */
  finish(): Buffer {
    writeU32(this.#buf, this.#len, 0);
    return Buffer.from(this.#buf.subarray(0, this.#len));
  }
}

/** Sets nlmsg_seq (and optionally nlmsg_pid) of a built message in place. */
export function setSequence(message: Buffer, seq: number, pid?: number): void {
  if (message.length < NLMSG_HDRLEN) throw new RangeError('not a netlink message');
  writeU32(message, seq, 8);
  if (pid !== undefined) writeU32(message, pid, 12);
}
