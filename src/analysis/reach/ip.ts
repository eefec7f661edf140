// SPDX-License-Identifier: MIT
/**
 * @module analysis/reach/ip
 *
 * Address arithmetic for the reachability walk: addresses as bigints, prefix containment and
 * the special ranges (loopback, link-local, wildcard). Pure.
 */
import { parseIp } from '../../netlink/index.js';

/** An address as number plus family. */
export interface IpValue {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** Parses address text (IPv4 dotted, IPv6); undefined when invalid. */
export function ipValue(text: string): IpValue | undefined {
  const p = parseIp(text);
  if (p === undefined) return undefined;
  let v = 0n;
  for (const b of p.bytes) v = (v << 8n) | BigInt(b);
  return { family: p.family === 2 ? 4 : 6, value: v };
}

/** Family of address text, undefined when invalid. */
export function ipFamily(text: string): 4 | 6 | undefined {
  return ipValue(text)?.family;
}

/** True when `addr` lies in `prefix/len` (same family). */
export function inPrefix(addr: string, prefix: string, len: number): boolean {
  const a = ipValue(addr);
  const p = ipValue(prefix);
  if (a === undefined || p === undefined || a.family !== p.family) return false;
  const bits = a.family === 4 ? 32 : 128;
  if (len <= 0) return true;
  if (len > bits) return false;
  const shift = BigInt(bits - len);
  return a.value >> shift === p.value >> shift;
}

/** Same address (canonical comparison, so `::ffff:1.2.3.4` and `1.2.3.4` differ). */
export function sameIp(a: string, b: string): boolean {
  const x = ipValue(a);
  const y = ipValue(b);
  return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}

/** 127.0.0.0/8 or ::1. */
export function isLoopbackIp(text: string): boolean {
  return inPrefix(text, '127.0.0.0', 8) || sameIp(text, '::1');
}

/** 169.254.0.0/16 or fe80::/10. */
export function isLinkLocalIp(text: string): boolean {
  return inPrefix(text, '169.254.0.0', 16) || inPrefix(text, 'fe80::', 10);
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else undefined. */
export function unmapV4(text: string): string | undefined {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  return m?.[1];
}
