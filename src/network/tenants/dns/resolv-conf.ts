// SPDX-License-Identifier: MIT
/**
 * @module network/tenants/dns/resolv-conf
 *
 * Parser for `/etc/resolv.conf` (resolv.conf(5), glibc `res_init`): one `keyword value…` per
 * line; lines whose FIRST character is `#` or `;` are comments (a `#` later in a line is not a
 * comment, as in glibc); lines with fewer than two fields are ignored.
 *
 * - `nameserver <ip>`: the first value must be a valid IPv4 or IPv6 address (see
 *   {@link canonicalIp}); invalid ones (`1,2`, `1::xyz`) are dropped. All valid ones are kept
 *   in file order, even beyond glibc's limit of 3 (MAXNS), since this is a diagnosis view.
 * - `search <d>…` and `domain <d>` are mutually exclusive: the LAST such line wins; `domain`
 *   contributes only its first value.
 * - `options <o>…`: tokens of all such lines are collected (glibc applies them cumulatively).
 * - `sortlist` and unknown keywords are ignored.
 */
import { canonicalIp } from './ip-text.js';

/** Parsed resolv.conf. */
export interface ResolvConf {
  readonly nameservers: string[];
  readonly searchlist: string[];
  readonly options: string[];
}

/** Parses resolv.conf text (pure; never throws). */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let searchlist: string[] = [];
  const options: string[] = [];
  for (const raw of text.split('\n')) {
    const first = raw.charAt(0);
    if (first === '#' || first === ';') continue;
    const f = raw.split(/[ \t\r\f\v]+/).filter((t) => t !== '');
    if (f.length < 2) continue;
    const [keyword, value] = f;
    if (value === undefined) continue;
    switch (keyword) {
      case 'nameserver': {
        const ip = canonicalIp(value);
        if (ip !== undefined) nameservers.push(ip);
        break;
      }
      case 'domain':
        searchlist = [value];
        break;
      case 'search':
        searchlist = f.slice(1);
        break;
      case 'options':
        options.push(...f.slice(1));
        break;
      default:
        break;
    }
  }
  return { nameservers, searchlist, options };
}
