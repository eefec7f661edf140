// SPDX-License-Identifier: MIT
/**
 * @module network/relations
 *
 * Relation resolution over all network namespaces, after every netns was read and NSIDs were
 * resolved (`nsid.ts`): bridge/bond/vrf master ↔ ports (IFLA_MASTER, same netns), veth peer
 * (IFLA_LINK + IFLA_LINK_NETNSID, often in another netns), macvlan/macvtap/ipvlan/vlan lower
 * device ↔ uppers, vxlan (IFLA_VXLAN_LINK) and IP tunnel underlay ↔ overlays. Pure; mutates the
 * nifs' relation fields in place and reports what could not be resolved as problems
 * (GW_ERR_NETWORK_RELATION) — a peer that vanished mid-discovery leaves the relation undefined.
 */
import type { NetworkNamespace, Nif } from '../model/network.js';
import type { Problem } from '../model/problem.js';
import { linkTarget, type LinkTarget } from './link-target.js';
import { netnsSubject, nifSubject } from './subject.js';

function problem(nif: Nif, message: string): Problem {
  return { code: 'GW_ERR_NETWORK_RELATION', message, subject: nifSubject(nif) };
}

/** Human name of a relation for messages. */
const RELATION_TEXT = { peer: 'veth peer', lower: 'lower device', underlay: 'underlay' } as const;

/**
 * The nif a link target names, or a problem text. `required` relations (veth peer, lower
 * device) without an index are problems; optional ones (underlay) are simply absent.
 */
function lookup(nif: Nif, t: LinkTarget): { nif: Nif } | { missing: string } | undefined {
  const what = RELATION_TEXT[t.relation];
  if (t.index === undefined) {
    return t.relation === 'underlay'
      ? undefined
      : { missing: `${what} of ${nif.name} is gone (kernel reports no ifindex)` };
  }
  let netns: NetworkNamespace | undefined = nif.netns;
  if (t.nsid !== undefined) {
    netns = t.nsid < 0 ? undefined : nif.netns.nsids.get(t.nsid);
    if (netns === undefined) {
      return {
        missing: `${what} ${t.index} of ${nif.name} is in NSID ${t.nsid}, which names no discovered netns`,
      };
    }
  }
  const other = netns.nifs.get(t.index);
  if (other === undefined) {
    return {
      missing: `${what} ${t.index} of ${nif.name} not found in ${netnsSubject(netns.ns)} (vanished?)`,
    };
  }
  return { nif: other };
}

/**
 * Resolves all relations of all nifs in `all` (in place) and returns the problems. Clears
 * previously set relations first, so it can be run again after NSIDs changed.
 */
export function resolveRelations(all: Iterable<NetworkNamespace>): Problem[] {
  const problems: Problem[] = [];
  const netnses = [...all];
  for (const netns of netnses) {
    for (const nif of netns.nifs.values()) {
      nif.master = undefined;
      nif.peer = undefined;
      nif.lower = undefined;
      nif.underlay = undefined;
      nif.ports.length = 0;
      nif.uppers.length = 0;
      nif.overlays.length = 0;
    }
  }
  for (const netns of netnses) {
    for (const nif of netns.nifs.values()) {
      const m = nif.raw.masterIndex;
      if (m !== undefined && m > 0) {
        const master = netns.nifs.get(m);
        if (master === undefined) {
          problems.push(
            problem(
              nif,
              `master ${m} of ${nif.name} not found in ${netnsSubject(netns.ns)} (vanished?)`,
            ),
          );
        } else {
          nif.master = master;
          master.ports.push(nif);
        }
      }
      const t = linkTarget(nif);
      if (t === undefined) continue;
      const found = lookup(nif, t);
      if (found === undefined) continue;
      if ('missing' in found) {
        problems.push(problem(nif, found.missing));
        continue;
      }
      const other = found.nif;
      switch (t.relation) {
        case 'peer':
          if (other.kind !== 'veth') {
            problems.push(
              problem(
                nif,
                `veth peer ${other.index} of ${nif.name} is a '${other.kind}', not a veth (vanished and reused?)`,
              ),
            );
          } else {
            nif.peer = other;
          }
          break;
        case 'lower':
          nif.lower = other;
          other.uppers.push(nif);
          break;
        case 'underlay':
          nif.underlay = other;
          other.overlays.push(nif);
          break;
      }
    }
  }
  return problems;
}
