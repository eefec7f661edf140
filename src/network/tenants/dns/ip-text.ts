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
import { formatIPv6, parseIPv4, parseIPv6 } from '../../../netlink/core/ip.js';

const ZONE_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Canonical dotted-quad text of strict IPv4 text (netlink's inet_pton-strict parser), or undefined. */
export function canonicalIPv4(text: string): string | undefined {
  return parseIPv4(text) === undefined ? undefined : text;
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
  const bytes = parseIPv6(addr);
  if (bytes === undefined) return undefined;
  const canon = formatIPv6(bytes);
  return zone === undefined ? canon : `${canon}%${zone}`;
}
