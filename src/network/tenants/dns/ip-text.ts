// SPDX-License-Identifier: MIT
/**
 * @module network/tenants/dns/ip-text
 *
 * Strict validation and canonical formatting of IP address text as it appears in
 * `/etc/resolv.conf` and `/etc/hosts`. Accepts exactly what glibc's `inet_pton(3)` accepts
 * (dotted-quad IPv4 without leading zeros or shorthands; IPv6 with `::` and an optional
 * trailing dotted quad), plus an IPv6 `%zone` suffix, which glibc's resolver honours for
 * link-local name servers. Output: IPv4 as dotted quad, IPv6 in RFC 5952 form (lower case,
 * longest zero run compressed, IPv4-mapped as `::ffff:a.b.c.d`), zone kept verbatim.
 */
import { formatIPv6 } from '../../../netlink/core/ip.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_RE = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const ZONE_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Canonical dotted-quad text of strict IPv4 text, or undefined. */
export function canonicalIPv4(text: string): string | undefined {
  return IPV4_RE.test(text) ? text : undefined;
}

/** The 8 16-bit groups of strict IPv6 text (no zone), or undefined. */
export function parseIPv6Groups(text: string): number[] | undefined {
  let s = text;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (s.includes('.', lastColon)) {
    const v4 = s.slice(lastColon + 1);
    if (canonicalIPv4(v4) === undefined) return undefined;
    const b = v4.split('.').map(Number);
    tail = [((b[0] ?? 0) << 8) | (b[1] ?? 0), ((b[2] ?? 0) << 8) | (b[3] ?? 0)];
    // Drop the quad and its ':' separator, but keep a '::' that directly precedes the quad.
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const h of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return undefined;
      out.push(parseInt(h, 16));
    }
    return out;
  };
  const dbl = s.indexOf('::');
  let groups: number[];
  if (dbl >= 0) {
    if (s.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = groupsOf(s.slice(0, dbl));
    const rest = groupsOf(s.slice(dbl + 2));
    if (head === undefined || rest === undefined) return undefined;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  } else {
    const all = groupsOf(s);
    if (all === undefined) return undefined;
    groups = [...all, ...tail];
  }
  return groups.length === 8 ? groups : undefined;
}

/** RFC 5952 text of 8 IPv6 groups (formatted by the netlink layer's one RFC 5952 writer). */
export function formatIPv6Groups(g: readonly number[]): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const v = g[i] ?? 0;
    bytes[2 * i] = (v >> 8) & 0xff;
    bytes[2 * i + 1] = v & 0xff;
  }
  return formatIPv6(bytes);
}

/**
 * Canonical text of an IPv4 or IPv6 address (IPv6 optionally with `%zone`); undefined when
 * `text` is not a valid address (e.g. `1,2`, `1::xyz`, `010.1.1.1`, `1.2.3`).
 */
export function canonicalIp(text: string): string | undefined {
  if (!text.includes(':')) return canonicalIPv4(text);
  const pct = text.indexOf('%');
  const addr = pct < 0 ? text : text.slice(0, pct);
  const zone = pct < 0 ? undefined : text.slice(pct + 1);
  if (zone !== undefined && !ZONE_RE.test(zone)) return undefined;
  const g = parseIPv6Groups(addr);
  if (g === undefined) return undefined;
  const canon = formatIPv6Groups(g);
  return zone === undefined ? canon : `${canon}%${zone}`;
}
