// SPDX-License-Identifier: MIT
/**
 * @module analysis/reach/routing
 *
 * The kernel's route decision inside one netns, over the discovered rules and routes: policy
 * rules in priority order (FIB rules: selectors `from`, `to`, `iif`, `oif`, `fwmark`, `tos`,
 * `not`; actions lookup / blackhole / unreachable / prohibit / nop), then the longest-prefix
 * match in the table the rule names (lowest metric among equals; `throw` continues with the next
 * rule), and source address selection. Pure.
 */
import type { NetworkNamespace, Nif, Route, Rule } from '../../model/network.js';
import { inPrefix, isLinkLocalIp, isLoopbackIp } from './ip.js';

/** RTN_* route types (linux/rtnetlink.h). */
export const RTN = {
  unicast: 1,
  local: 2,
  broadcast: 3,
  anycast: 4,
  multicast: 5,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
  throw: 9,
} as const;

/** FR_ACT_* rule actions (linux/fib_rules.h). */
export const FR_ACT = {
  toTable: 1,
  goto: 2,
  nop: 3,
  blackhole: 6,
  unreachable: 7,
  prohibit: 8,
} as const;

/** RTNH_F_DEAD: the next hop's device is down (the kernel skips such routes). */
const RTNH_F_DEAD = 0x1;

const ROUTE_TYPE_TEXT: Readonly<Record<number, string>> = {
  1: 'unicast',
  2: 'local',
  3: 'broadcast',
  4: 'anycast',
  5: 'multicast',
  6: 'blackhole',
  7: 'unreachable',
  8: 'prohibit',
  9: 'throw',
};

/** Table names as `ip` prints them. */
export function tableName(t: number): string {
  return t === 254 ? 'main' : t === 255 ? 'local' : t === 253 ? 'default' : String(t);
}

/** `ip route` style text of a route. */
export function routeText(r: Route): string {
  const type = ROUTE_TYPE_TEXT[r.type] ?? `type ${r.type}`;
  const dst =
    r.destinationPrefixLen === 0 ? 'default' : `${r.destination}/${r.destinationPrefixLen}`;
  const parts = [r.type === RTN.unicast ? dst : `${type} ${dst}`];
  if (r.gateway !== undefined) parts.push(`via ${r.gateway}`);
  const oif = r.oif ?? r.multipath[0]?.oif;
  if (oif !== undefined) parts.push(`dev ${oif.name}`);
  if (r.prefSource !== undefined) parts.push(`src ${r.prefSource}`);
  if (r.metric !== 0) parts.push(`metric ${r.metric}`);
  parts.push(`table ${tableName(r.table)}`);
  return parts.join(' ');
}

const ACTION_TEXT: Readonly<Record<number, string>> = {
  1: 'lookup',
  2: 'goto',
  3: 'nop',
  6: 'blackhole',
  7: 'unreachable',
  8: 'prohibit',
};

/** `ip rule` style text of a rule. */
export function ruleText(r: Rule): string {
  const parts = [`${r.priority}:`];
  if (r.invert) parts.push('not');
  parts.push(r.src === undefined || r.srcLen === 0 ? 'from all' : `from ${r.src}/${r.srcLen}`);
  if (r.dst !== undefined && r.dstLen > 0) parts.push(`to ${r.dst}/${r.dstLen}`);
  if (r.iifName !== undefined) parts.push(`iif ${r.iifName}`);
  if (r.oifName !== undefined) parts.push(`oif ${r.oifName}`);
  if (r.fwmark !== undefined && (r.fwmark !== 0 || (r.fwmask ?? 0) !== 0))
    parts.push(`fwmark 0x${r.fwmark.toString(16)}`);
  const action = ACTION_TEXT[r.action] ?? `action ${r.action}`;
  parts.push(r.action === FR_ACT.toTable ? `lookup ${tableName(r.table)}` : action);
  return parts.join(' ');
}

/** The rules the kernel has in every netns until changed (ip rule show). */
function defaultRules(family: 4 | 6): Rule[] {
  const base = {
    family,
    action: FR_ACT.toTable,
    src: undefined,
    srcLen: 0,
    dst: undefined,
    dstLen: 0,
    iifName: undefined,
    oifName: undefined,
    fwmark: undefined,
    fwmask: undefined,
    tos: 0,
    invert: false,
    protocol: undefined,
  };
  const rules: Rule[] = [
    { ...base, priority: 0, table: 255 },
    { ...base, priority: 32766, table: 254 },
  ];
  if (family === 4) rules.push({ ...base, priority: 32767, table: 253 });
  return rules;
}

/** What a packet's route lookup knows about the packet. */
export interface FlowKey {
  readonly family: 4 | 6;
  readonly dst: string;
  /** Source address; undefined before source selection (the first lookup of a local socket). */
  readonly src: string | undefined;
  /** Incoming nif name; `lo` for locally generated packets. */
  readonly iif: string;
}

/** Outcome of one route lookup. */
export type Lookup =
  | { readonly kind: 'route'; readonly route: Route; readonly rule: Rule }
  | {
      readonly kind: 'rule-action';
      /** blackhole / unreachable / prohibit rule. */
      readonly rule: Rule;
    }
  | { readonly kind: 'none'; readonly rulesTried: readonly Rule[] };

function ruleMatches(r: Rule, k: FlowKey): boolean {
  let m = true;
  if (r.src !== undefined && r.srcLen > 0) {
    // the first lookup of an unbound socket has saddr 0.0.0.0: a `from` selector cannot match it
    m = k.src !== undefined && inPrefix(k.src, r.src, r.srcLen);
  }
  if (m && r.dst !== undefined && r.dstLen > 0) m = inPrefix(k.dst, r.dst, r.dstLen);
  if (m && r.iifName !== undefined) m = r.iifName === k.iif;
  if (m && r.oifName !== undefined) m = false; // sockets are not bound to a device here
  if (m && r.fwmark !== undefined && r.fwmark !== 0) m = false; // packets carry mark 0
  if (m && r.tos !== 0) m = false; // and TOS 0
  return r.invert ? !m : m;
}

/** The best route of `table` for `k` (longest prefix, then lowest metric); skips dead next hops. */
export function lookupTable(netns: NetworkNamespace, table: number, k: FlowKey): Route | undefined {
  let best: Route | undefined;
  for (const r of netns.routes) {
    if (r.family !== k.family || r.table !== table) continue;
    if ((r.flags & RTNH_F_DEAD) !== 0) continue;
    if (r.type === RTN.multicast || r.type === RTN.broadcast || r.type === RTN.anycast) continue;
    if (!inPrefix(k.dst, r.destination, r.destinationPrefixLen)) continue;
    if (r.sourcePrefixLen > 0 && r.source !== undefined) {
      if (k.src === undefined || !inPrefix(k.src, r.source, r.sourcePrefixLen)) continue;
    }
    if (r.tos !== 0) continue;
    if (
      best === undefined ||
      r.destinationPrefixLen > best.destinationPrefixLen ||
      (r.destinationPrefixLen === best.destinationPrefixLen && r.metric < best.metric)
    ) {
      best = r;
    }
  }
  return best;
}

/** True when the model has the local table for this family (a complete route dump). */
function hasLocalTable(netns: NetworkNamespace, family: 4 | 6): boolean {
  return netns.routes.some((r) => r.family === family && r.table === 255);
}

/**
 * The kernel's route decision for `k` in `netns`: rules by priority (the kernel defaults when the
 * model has none), each `lookup` tried in turn. A model without a local table (a synthetic or
 * partial one) treats the addresses of up nifs as local routes.
 */
export function routeLookup(netns: NetworkNamespace, k: FlowKey): Lookup {
  let rules = netns.rules.filter((r) => r.family === k.family);
  if (rules.length === 0) rules = defaultRules(k.family);
  rules = [...rules].sort((a, b) => a.priority - b.priority);
  const tried: Rule[] = [];
  for (const rule of rules) {
    if (!ruleMatches(rule, k)) continue;
    tried.push(rule);
    switch (rule.action) {
      case FR_ACT.toTable: {
        if (rule.table === 255 && !hasLocalTable(netns, k.family)) {
          const nif = localNifOf(netns, k.dst);
          if (nif !== undefined) return { kind: 'route', route: syntheticLocal(nif, k), rule };
          continue;
        }
        const route = lookupTable(netns, rule.table, k);
        if (route === undefined || route.type === RTN.throw) continue;
        return { kind: 'route', route, rule };
      }
      case FR_ACT.blackhole:
      case FR_ACT.unreachable:
      case FR_ACT.prohibit:
        return { kind: 'rule-action', rule };
      default:
        continue; // nop, goto (not followed): the kernel continues or jumps; we continue
    }
  }
  return { kind: 'none', rulesTried: tried };
}

function syntheticLocal(nif: Nif, k: FlowKey): Route {
  return {
    family: k.family,
    type: RTN.local,
    table: 255,
    destination: k.dst,
    destinationPrefixLen: k.family === 4 ? 32 : 128,
    source: undefined,
    sourcePrefixLen: 0,
    prefSource: undefined,
    gateway: undefined,
    oif: nif,
    oifIndex: nif.index,
    metric: 0,
    protocol: 2,
    scope: 254,
    tos: 0,
    flags: 0,
    pref: undefined,
    multipath: [],
  };
}

/** The up nif of `netns` carrying `addr` (127/8 counts for an up loopback), if any. */
export function localNifOf(netns: NetworkNamespace, addr: string): Nif | undefined {
  for (const nif of netns.nifs.values()) {
    if (!nif.up) continue;
    if (nif.loopback && isLoopbackIp(addr)) return nif;
    if (nif.addresses.some((a) => inPrefix(addr, a.address, a.family === 4 ? 32 : 128))) return nif;
  }
  return undefined;
}

/**
 * Source address selection for a locally generated packet leaving by `route` (simplified
 * inet_select_addr / RFC 6724): the route's preferred source, else an address of the egress
 * nif in the next hop's subnet, else any non-link-local address of it, else of any up nif.
 */
export function selectSource(
  netns: NetworkNamespace,
  route: Route,
  family: 4 | 6,
  nextHop: string,
): string | undefined {
  if (route.prefSource !== undefined) return route.prefSource;
  const oif = route.oif ?? route.multipath[0]?.oif;
  const usable = (n: Nif): string[] =>
    n.addresses
      .filter((a) => a.family === family && !isLinkLocalIp(a.address) && a.scope !== 254)
      .filter(() => n.up)
      .map((a) => a.address);
  if (oif !== undefined) {
    const subnet = oif.addresses.find(
      (a) =>
        a.family === family &&
        !isLinkLocalIp(a.address) &&
        inPrefix(nextHop, a.address, a.prefixLen),
    );
    if (subnet !== undefined) return subnet.address;
    const any = usable(oif)[0];
    if (any !== undefined) return any;
    if (oif.loopback && isLoopbackIp(nextHop)) return family === 4 ? '127.0.0.1' : '::1';
  }
  for (const n of netns.nifs.values()) {
    if (n.loopback) continue;
    const a = usable(n)[0];
    if (a !== undefined) return a;
  }
  return undefined;
}
