// SPDX-License-Identifier: MIT
/**
 * @module analysis/lint/links
 *
 * Link and route state: veth pairs with a down or missing peer, container interfaces that are
 * up without carrier, routes whose output interface is down, and netns with a global address
 * but no default route for that family. Pure.
 */
import type { NetworkNamespace } from '../../model/network.js';
import { isLinkLocalIp, routeText } from '../reach/index.js';
import { allNifs, isHostNetns, netnsObject, nifName, nifObject, noCarrier } from './objects.js';
import type { LintFinding, LintRuleFamily } from './types.js';

function hasContainer(ctx: Parameters<LintRuleFamily['check']>[0], n: NetworkNamespace): boolean {
  return (ctx.result.tenants.get(n.ns.id.ino) ?? []).some(
    (t) => t.type === 'proc' && t.container !== undefined,
  );
}

export const linkRules: LintRuleFamily = {
  name: 'links',
  codes: {
    'veth-peer-down': { severity: 'error', summary: 'a veth is up but its peer is down' },
    'veth-peer-missing': {
      severity: 'warning',
      summary: 'the peer of a veth is not in any discovered netns',
    },
    'no-carrier': {
      severity: 'warning',
      summary: 'an interface of a container (non-host netns) is up without carrier',
    },
    'route-via-down-interface': {
      severity: 'warning',
      summary: 'a route leaves through an interface that is down or has no carrier',
    },
    'default-route-missing': {
      severity: 'warning',
      summary: 'a netns with a global address has no default route for that family',
    },
  },
  check(ctx) {
    const { result } = ctx;
    const out: LintFinding[] = [];
    for (const nif of allNifs(result)) {
      if (nif.kind === 'veth') {
        if (nif.peer === undefined) {
          out.push({
            code: 'veth-peer-missing',
            severity: 'warning',
            objects: [nifObject(result, nif)],
            message: `the peer of veth ${nifName(result, nif)} is not in any discovered netns (deleted, or in a netns that could not be read)`,
          });
        } else if (nif.up && !nif.peer.up) {
          out.push({
            code: 'veth-peer-down',
            severity: 'error',
            objects: [nifObject(result, nif), nifObject(result, nif.peer)],
            message: `veth ${nifName(result, nif)} is up but its peer ${nifName(result, nif.peer)} is down: nothing passes`,
          });
        }
        if (nif.peer !== undefined && !nif.peer.up) continue; // reported above
      }
      if (noCarrier(nif) && nif.kind !== 'bridge' && !isHostNetns(result, nif.netns)) {
        out.push({
          code: 'no-carrier',
          severity: 'warning',
          objects: [nifObject(result, nif)],
          message: `${nifName(result, nif)} is up but has no carrier (${nif.operState})`,
        });
      }
    }
    for (const netns of result.network.netns.values()) {
      for (const r of netns.routes) {
        if (r.table === 255) continue;
        const oif = r.oif;
        if (oif === undefined || (oif.up && !noCarrier(oif))) continue;
        // an admin-up bridge without (up) ports has no carrier by design (an idle docker0)
        if (oif.up && oif.kind === 'bridge') continue;
        out.push({
          code: 'route-via-down-interface',
          severity: 'warning',
          objects: [
            {
              kind: 'route',
              id: `route-${netns.ns.id.ino}-${r.table}-${r.destination}/${r.destinationPrefixLen}`,
              name: routeText(r),
            },
            nifObject(result, oif),
          ],
          message: `route "${routeText(r)}" in ${netnsObject(result, netns).name} leaves through ${oif.name}, which is ${oif.up ? 'without carrier' : 'down'}`,
        });
      }
      if (isHostNetns(result, netns)) continue;
      for (const family of [4, 6] as const) {
        const addrs = [...netns.nifs.values()]
          .filter((n) => !n.loopback)
          .flatMap((n) => n.addresses)
          .filter((a) => a.family === family && !isLinkLocalIp(a.address));
        if (addrs.length === 0) continue;
        const hasDefault = netns.routes.some(
          (r) => r.family === family && r.destinationPrefixLen === 0 && r.table !== 255,
        );
        if (hasDefault) continue;
        const container = hasContainer(ctx, netns);
        out.push({
          code: 'default-route-missing',
          severity: container ? 'warning' : 'info',
          objects: [netnsObject(result, netns)],
          message: `${netnsObject(result, netns).name} has ${family === 4 ? 'IPv4' : 'IPv6'} address ${addrs[0]?.address ?? ''} but no ${family === 4 ? 'IPv4' : 'IPv6'} default route: only its directly connected subnets are reachable`,
        });
      }
    }
    return out;
  },
};
