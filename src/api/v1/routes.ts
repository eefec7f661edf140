// SPDX-License-Identifier: MIT
/**
 * @module api/v1/routes
 *
 * Maps the routes of a netns (every routing table) onto v1 `routes` entries, with the kernel's
 * RTN_* route types as Go's names and RTA_PREF as two hex digits.
 */
import type { Route } from '../../model/network.js';
import { nifIdOf } from './ids.js';
import type { RouteV1 } from './types.js';

/** RTN_* route type names (include/uapi/linux/rtnetlink.h), index = type number. */
export const ROUTE_TYPE_NAMES = [
  'unspec',
  'unicast',
  'local',
  'broadcast',
  'anycast',
  'multicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'nat',
  'xresolve',
] as const;

/** v1 route type name (`RouteType(n)` for numbers beyond the known ones, as Go prints them). */
export function routeTypeName(type: number): string {
  return ROUTE_TYPE_NAMES[type] ?? `RouteType(${type})`;
}

/** RTA_PREF (ICMPV6_ROUTER_PREF_*: 0 medium, 1 high, 3 low) as two hex digits; `00` when absent. */
export function routePreference(pref: number | undefined): string {
  return (pref ?? 0).toString(16).padStart(2, '0');
}

/** Maps one route, of any routing table (`table` carries the table number). */
export function routeV1(r: Route): RouteV1 {
  const out = {
    type: routeTypeName(r.type),
    family: r.family === 4 ? 2 : 10,
    destination: r.destination,
    'destination-prefixlen': r.destinationPrefixLen,
  } as RouteV1;
  if (r.oifIndex !== undefined && r.oifIndex > 0) {
    out.index = r.oifIndex;
    if (r.oif !== undefined) out['network-interface-idref'] = nifIdOf(r.oif);
  }
  if (r.gateway !== undefined) out['next-hop'] = r.gateway;
  out.preference = routePreference(r.pref);
  out.priority = r.metric;
  out.table = r.table;
  return out;
}
