// SPDX-License-Identifier: MIT
/**
 * @module analysis/lint/mtu
 *
 * MTU consistency: both ends of a veth pair, all ports of a bridge and the far ends of its veth
 * ports, and a VXLAN against its underlay minus the encapsulation overhead (50 bytes over IPv4,
 * 70 over IPv6: outer IP + UDP + VXLAN + inner Ethernet). Mismatches make large packets vanish
 * (PMTU black holes) while small ones — pings, handshakes — pass. Pure.
 */
import type { Nif } from '../../model/network.js';
import { allNifs, nifName, nifObject } from './objects.js';
import type { LintFinding, LintRuleFamily } from './types.js';

/** VXLAN encapsulation overhead by underlay family. */
export const VXLAN_OVERHEAD = { 4: 50, 6: 70 } as const;

export const mtuRules: LintRuleFamily = {
  name: 'mtu',
  codes: {
    'mtu-veth-mismatch': {
      severity: 'warning',
      summary: 'the two ends of a veth pair have different MTUs',
    },
    'mtu-bridge-mismatch': {
      severity: 'warning',
      summary: 'the ports of a bridge (or the far ends of its veth ports) have different MTUs',
    },
    'mtu-vxlan-underlay': {
      severity: 'warning',
      summary: "a VXLAN's MTU exceeds its underlay's MTU minus the encapsulation overhead",
    },
  },
  check(ctx) {
    const { result } = ctx;
    const out: LintFinding[] = [];
    const seen = new Set<Nif>();
    for (const nif of allNifs(result)) {
      const peer = nif.peer;
      if (nif.kind === 'veth' && peer !== undefined && !seen.has(nif) && !seen.has(peer)) {
        seen.add(nif);
        seen.add(peer);
        if (nif.mtu !== peer.mtu) {
          out.push({
            code: 'mtu-veth-mismatch',
            severity: 'warning',
            objects: [nifObject(result, nif), nifObject(result, peer)],
            message: `veth ${nifName(result, nif)} has MTU ${nif.mtu} but its peer ${nifName(result, peer)} has ${peer.mtu}`,
          });
        }
      }
      if (nif.kind === 'bridge' && nif.ports.length > 0) {
        const members: Nif[] = [];
        for (const p of nif.ports) {
          members.push(p);
          if (p.kind === 'veth' && p.peer !== undefined) members.push(p.peer);
        }
        const mtus = new Set(members.map((m) => m.mtu));
        if (mtus.size > 1) {
          out.push({
            code: 'mtu-bridge-mismatch',
            severity: 'warning',
            objects: [nifObject(result, nif), ...members.map((m) => nifObject(result, m))],
            message: `bridge ${nifName(result, nif)} connects MTUs ${[...mtus].sort((a, b) => a - b).join(', ')}: ${members.map((m) => `${m.name} ${m.mtu}`).join(', ')}`,
          });
        }
      }
      if ((nif.kind === 'vxlan' || nif.kind === 'geneve') && nif.underlay !== undefined) {
        const kd = nif.kindData;
        const v6 = kd?.kind === 'vxlan' && (kd.local6 !== undefined || kd.group6 !== undefined);
        const overhead = VXLAN_OVERHEAD[v6 ? 6 : 4];
        const max = nif.underlay.mtu - overhead;
        if (nif.mtu > max) {
          out.push({
            code: 'mtu-vxlan-underlay',
            severity: 'warning',
            objects: [nifObject(result, nif), nifObject(result, nif.underlay)],
            message: `${nif.kind} ${nifName(result, nif)} has MTU ${nif.mtu}, but its underlay ${nifName(result, nif.underlay)} (MTU ${nif.underlay.mtu}) carries at most ${max} after ${overhead} bytes of encapsulation`,
          });
        }
      }
    }
    return out;
  },
};
