// SPDX-License-Identifier: MIT
/**
 * @module analysis/lint/l2
 *
 * L2 domain hygiene: the same IP address on two interfaces of one L2 domain (veth pairs,
 * bridges and their ports, macvlan/ipvlan siblings: what ARP/ND of one reaches), and the same
 * MAC address twice among the stations of one bridge. Pure.
 */
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Nif } from '../../model/network.js';
import { isLinkLocalIp, isLoopbackIp, l2Reach } from '../reach/index.js';
import { allNifs, nifName, nifObject } from './objects.js';
import type { LintFinding, LintRuleFamily } from './types.js';

/** The stations (IP-stack endpoints) of each L2 domain; each domain once. */
export function l2Domains(result: DiscoveryResult): Nif[][] {
  const done = new Set<Nif>();
  const out: Nif[][] = [];
  for (const nif of allNifs(result)) {
    if (done.has(nif) || nif.loopback || nif.master !== undefined) continue;
    if (
      nif.kind !== 'veth' &&
      nif.kind !== 'bridge' &&
      !['macvlan', 'ipvlan', 'macvtap', 'ipvtap'].includes(nif.kind)
    )
      continue;
    const r = l2Reach(nif);
    const members = [nif, ...r.endpoints.map((e) => e.nif)].filter((n, i, a) => a.indexOf(n) === i);
    for (const m of members) done.add(m);
    if (members.length > 1) out.push(members);
  }
  return out;
}

export const l2Rules: LintRuleFamily = {
  name: 'l2',
  codes: {
    'duplicate-ip': {
      severity: 'error',
      summary: 'the same IP address is on two interfaces of one L2 domain',
    },
    'duplicate-mac': {
      severity: 'error',
      summary: 'the same MAC address is used twice on one bridge',
    },
  },
  check(ctx) {
    const { result } = ctx;
    const out: LintFinding[] = [];
    for (const members of l2Domains(result)) {
      const byIp = new Map<string, Nif[]>();
      for (const m of members) {
        for (const a of m.addresses) {
          if (isLoopbackIp(a.address) || isLinkLocalIp(a.address)) continue;
          const list = byIp.get(a.address) ?? [];
          if (!list.includes(m)) list.push(m);
          byIp.set(a.address, list);
        }
      }
      for (const [ip, nifs] of byIp) {
        if (nifs.length < 2) continue;
        out.push({
          code: 'duplicate-ip',
          severity: 'error',
          objects: nifs.map((n) => nifObject(result, n)),
          message: `${ip} is configured on ${nifs.map((n) => nifName(result, n)).join(' and ')}, which share one L2 domain: ARP/ND answers race`,
        });
      }
      if (!members.some((m) => m.kind === 'bridge')) continue;
      const byMac = new Map<string, Nif[]>();
      for (const m of members) {
        if (m.mac === '' || m.mac === '00:00:00:00:00:00') continue;
        byMac.set(m.mac, [...(byMac.get(m.mac) ?? []), m]);
      }
      for (const [mac, nifs] of byMac) {
        if (nifs.length < 2) continue;
        out.push({
          code: 'duplicate-mac',
          severity: 'error',
          objects: nifs.map((n) => nifObject(result, n)),
          message: `MAC ${mac} is used by ${nifs.map((n) => nifName(result, n)).join(' and ')} on one bridge: the bridge's forwarding table flaps between them`,
        });
      }
    }
    return out;
  },
};
