// SPDX-License-Identifier: MIT
/**
 * @module server/feed-netlink
 *
 * Pure core of the change feed's netlink source: {@link applyNotifications} turns decoded
 * RTNETLINK notifications of one netns into typed feed changes AND applies them to the feed
 * state the reconcile diffs against, so the next reconcile does not report them again. The
 * feed objects are built exactly as feed-state.ts builds them from a v1 document (same ids,
 * v1 kind and route type names, field order), so both sources describe a change identically.
 *
 * Kernel quirks handled: RTM_NEWLINK is sent for every flag/statistics change (no feed event
 * unless a reported field changed); an interface going away flushes its IPv4 routes without
 * RTM_DELROUTE, so a nif-removed also removes the routes through it; IPv6 cache clones
 * (RTM_F_CLONED) are not routes of the document and are ignored.
 */
import type { FeedChangeV1, FeedNifV1, FeedRouteV1 } from '../api/v1/index.js';
import { routeTypeName, v1Kind } from '../api/v1/index.js';
import { OPER_STATES } from '../model/network.js';
import { addressFromMessage } from '../network/index.js';
import type { LinkMessage, RouteMessage, RtnlNotification } from '../netlink/index.js';
import { nifChanges, type FeedState } from './feed-state.js';

/** rtm_flags RTM_F_CLONED (`linux/rtnetlink.h`). */
const RTM_F_CLONED = 0x200;
const AF_INET = 2;
const AF_INET6 = 10;
/** v1 puts the lower device of these kinds in `master` (api/v1/nifs.ts). */
const LOWER_AS_MASTER_KINDS = new Set(['vlan', 'ipvlan', 'ipvtap']);

const nifId = (netns: number, index: number): string => `nif-${netns}-${index}`;

function nifOf(netns: number, m: LinkMessage, addresses: readonly string[]): FeedNifV1 {
  const kind = m.kind ?? '';
  let masterIndex = m.masterIndex ?? 0;
  if (masterIndex <= 0 && LOWER_AS_MASTER_KINDS.has(kind) && m.linkNetnsId === undefined)
    masterIndex = m.linkIndex ?? 0;
  return {
    id: nifId(netns, m.index),
    netns,
    index: m.index,
    name: m.name,
    kind: v1Kind(kind),
    operstate: OPER_STATES[m.operState] ?? 'UNKNOWN',
    mtu: m.mtu,
    master: masterIndex > 0 ? nifId(netns, masterIndex) : '',
    addresses: [...addresses],
  };
}

function routeOf(state: FeedState, netns: number, m: RouteMessage): FeedRouteV1 | undefined {
  if (m.family !== AF_INET && m.family !== AF_INET6) return undefined;
  if ((m.flags & RTM_F_CLONED) !== 0) return undefined;
  const oif = m.oif !== undefined && m.oif > 0 ? nifId(netns, m.oif) : '';
  const via =
    m.via !== undefined && (m.via.family === AF_INET || m.via.family === AF_INET6)
      ? m.via.address
      : undefined;
  return {
    netns,
    family: m.family,
    type: routeTypeName(m.type),
    destination: m.dst ?? (m.family === AF_INET ? '0.0.0.0' : '::'),
    'destination-prefixlen': m.dstLen,
    'network-interface-idref': oif !== '' && state.nifs.has(oif) ? oif : '',
    'next-hop': m.gateway ?? via ?? '',
    table: m.table,
    priority: m.priority ?? 0,
  };
}

/** Addresses IPv4 first (as feed-state lists them), otherwise in arrival order. */
function withAddress(list: readonly string[], a: string, v4: boolean): string[] {
  if (list.includes(a)) return [...list];
  if (!v4) return [...list, a];
  const firstV6 = list.findIndex((x) => x.includes(':'));
  return firstV6 < 0 ? [...list, a] : [...list.slice(0, firstV6), a, ...list.slice(firstV6)];
}

/**
 * The feed changes `notes` (of netns `netns`, in arrival order) make, applied to `state`.
 * Notifications about a netns the state does not know yet are left to the reconcile (which
 * reports the netns with everything in it).
 */
export function applyNotifications(
  state: FeedState,
  netns: number,
  notes: readonly RtnlNotification[],
): FeedChangeV1[] {
  const out: FeedChangeV1[] = [];
  if (!state.netns.has(netns)) return out;
  for (const n of notes) {
    if (n.what === 'link') {
      const id = nifId(netns, n.link.index);
      const old = state.nifs.get(id);
      if (n.op === 'del') {
        if (old === undefined) continue;
        for (const [k, r] of state.routes) {
          if (r.netns === netns && r['network-interface-idref'] === id) {
            state.routes.delete(k);
            out.push({ type: 'route-removed', route: r });
          }
        }
        state.nifs.delete(id);
        out.push({ type: 'nif-removed', nif: old });
        continue;
      }
      const nif = nifOf(netns, n.link, old?.addresses ?? []);
      state.nifs.set(id, nif);
      if (old === undefined) out.push({ type: 'nif-added', nif });
      else {
        const changed = nifChanges(old, nif);
        if (changed.length > 0) out.push({ type: 'nif-changed', nif, changed });
      }
    } else if (n.what === 'addr') {
      const a = addressFromMessage(n.addr);
      const old = state.nifs.get(nifId(netns, n.addr.index));
      if (a === undefined || old === undefined) continue;
      const text = `${a.address}/${a.prefixLen}`;
      const addresses =
        n.op === 'new'
          ? withAddress(old.addresses, text, a.family === 4)
          : old.addresses.filter((x) => x !== text);
      if (addresses.length === old.addresses.length && n.op === 'new') continue;
      if (addresses.length === old.addresses.length && n.op === 'del') continue;
      const nif = { ...old, addresses };
      state.nifs.set(nif.id, nif);
      out.push({ type: 'nif-changed', nif, changed: ['addresses'] });
    } else {
      const r = routeOf(state, netns, n.route);
      if (r === undefined) continue;
      const key = JSON.stringify(r);
      if (n.op === 'new') {
        if (state.routes.has(key)) continue;
        state.routes.set(key, r);
        out.push({ type: 'route-added', route: r });
      } else if (state.routes.delete(key)) {
        out.push({ type: 'route-removed', route: r });
      }
    }
  }
  return out;
}
