// SPDX-License-Identifier: MIT
/**
 * @module models/ip
 *
 * Minimal IP text parsing for search: an address as a bigint with its family, and prefix
 * containment.
 */

/** A parsed address. */
export interface Ip {
  family: 4 | 6;
  value: bigint;
}

/** Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` and an embedded IPv4 tail). */
export function parseIp(text: string): Ip | undefined {
  const s = text.trim().replace(/%.*$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { family: 4, value: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n) };
  }
  if (!s.includes(':') || !/^[0-9a-f:.]+$/i.test(s)) return undefined;
  let str = s;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(str);
  if (v4 !== null) {
    const ip4 = parseIp(v4[1]!);
    if (ip4 === undefined) return undefined;
    const hi = (ip4.value >> 16n).toString(16);
    const lo = (ip4.value & 0xffffn).toString(16);
    str = `${str.slice(0, -v4[1]!.length)}${hi}:${lo}`;
  }
  const halves = str.split('::');
  if (halves.length > 2) return undefined;
  const grp = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = grp(halves[0]!);
  const rest = halves.length === 2 ? grp(halves[1]!) : [];
  const want = 8;
  if (halves.length === 1 && head.length !== want) return undefined;
  if (head.length + rest.length > want) return undefined;
  const groups = [...head, ...Array<string>(want - head.length - rest.length).fill('0'), ...rest];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return {
    family: 6,
    value: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n),
  };
}

/** Does `addr/prefixlen` contain `ip`? */
export function prefixContains(addr: string, prefixlen: number, ip: Ip): boolean {
  const a = parseIp(addr);
  if (a === undefined || a.family !== ip.family) return false;
  const bits = ip.family === 4 ? 32 : 128;
  const shift = BigInt(bits - Math.max(0, Math.min(bits, prefixlen)));
  return a.value >> shift === ip.value >> shift;
}
