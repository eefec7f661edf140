// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/bytes
 *
 * Host-byte-order integer access. Netlink headers and most attribute payloads are in the
 * host's byte order (`linux/netlink.h`); a few fields (ports, ethertypes, NLA_F_NET_BYTEORDER
 * attributes) are big-endian and read with the `BE` Buffer methods directly. Callers check
 * bounds first; these helpers never extend a read past what was checked.
 */

/** True on little-endian hosts (x86-64, arm64 in practice). */
export const HOST_LE: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The hot decode loops read with plain index arithmetic: cheaper than the bounds-checked
// Buffer methods, and safe because every caller has checked `off + size <= buf.length`.

/** Reads a host-order u16. */
export function readU16(buf: Uint8Array, off: number): number {
  const a = buf[off] as number;
  const b = buf[off + 1] as number;
  return HOST_LE ? a | (b << 8) : (a << 8) | b;
}
/** Reads a host-order u32. */
export function readU32(buf: Uint8Array, off: number): number {
  return readS32(buf, off) >>> 0;
}
/** Reads a host-order s32. */
export function readS32(buf: Uint8Array, off: number): number {
  const a = buf[off] as number;
  const b = buf[off + 1] as number;
  const c = buf[off + 2] as number;
  const d = buf[off + 3] as number;
  return HOST_LE ? a | (b << 8) | (c << 16) | (d << 24) : (a << 24) | (b << 16) | (c << 8) | d;
}
/** Reads a host-order u64 as bigint. */
export function readU64(buf: Buffer, off: number): bigint {
  return HOST_LE ? buf.readBigUInt64LE(off) : buf.readBigUInt64BE(off);
}
/** Writes a host-order u16. */
export function writeU16(buf: Buffer, v: number, off: number): void {
  if (HOST_LE) buf.writeUInt16LE(v, off);
  else buf.writeUInt16BE(v, off);
}
/** Writes a host-order u32. */
export function writeU32(buf: Buffer, v: number, off: number): void {
  if (HOST_LE) buf.writeUInt32LE(v >>> 0, off);
  else buf.writeUInt32BE(v >>> 0, off);
}
/** Writes a host-order s32. */
export function writeS32(buf: Buffer, v: number, off: number): void {
  if (HOST_LE) buf.writeInt32LE(v | 0, off);
  else buf.writeInt32BE(v | 0, off);
}
/** Writes a host-order u64. */
export function writeU64(buf: Buffer, v: bigint, off: number): void {
  if (HOST_LE) buf.writeBigUInt64LE(BigInt.asUintN(64, v), off);
  else buf.writeBigUInt64BE(BigInt.asUintN(64, v), off);
}

/** Rounds up to the netlink alignment (4 bytes; NLMSG_ALIGN / NLA_ALIGN). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}
