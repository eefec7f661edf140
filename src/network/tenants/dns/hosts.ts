// SPDX-License-Identifier: MIT
/**
 * @module network/tenants/dns/hosts
 *
 * Parser for `/etc/hosts` (hosts(5)): `IP canonical_hostname [aliases…]` per line; `#` starts a
 * comment anywhere in a line. Lines with fewer than two fields or an invalid address (strict
 * `inet_pton` syntax, see {@link canonicalIp}) are ignored. Each name yields one entry; a name
 * that appears again (on a later line or the same line) keeps its LAST address — so the usual
 * `127.0.0.1 localhost` followed by `::1 localhost` yields `localhost → ::1`. Entries keep the
 * order in which their names first appeared.
 */
import type { HostsEntry } from '../../../model/tenant-details.js';
import { canonicalIp } from './ip-text.js';

/** Parses hosts text (pure; never throws). */
export function parseHosts(text: string): HostsEntry[] {
  const byName = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const line = hash < 0 ? raw : raw.slice(0, hash);
    const f = line.split(/[ \t\r\f\v]+/).filter((t) => t !== '');
    if (f.length < 2) continue;
    const address = canonicalIp(f[0] ?? '');
    if (address === undefined) continue;
    for (const name of f.slice(1)) byName.set(name, address);
  }
  return [...byName].map(([name, address]) => ({ name, address }));
}
