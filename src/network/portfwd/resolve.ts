// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/resolve
 *
 * Resolution of a forward's target (reference §3.8, extended): starting in the netns holding
 * the rule, (1) a nif of the netns owns the target IP → done; (2) otherwise the routes decide:
 * the policy rules are walked in priority order (rules with selectors a forwarded packet of
 * unknown source cannot be judged by — `from` prefix, `iif`, `oif`, `fwmark`, … — are
 * skipped; without any rules the local, main and default tables are used), the longest prefix
 * of the selected table wins (lowest metric on ties); a `local` route means this netns (its
 * nif, e.g. `lo` for 127.0.0.0/8); blackhole/unreachable/prohibit stop; `throw` goes on with
 * the next rule. (3) Through the route's nif: a veth continues in its peer's netns; a bridge
 * continues behind the bridge port whose veth peer owns the target (or the gateway); anything
 * else cannot be followed. Every (netns, IP) is entered once, so routing cycles end with
 * `routing-loop`. Serving sockets are the listening TCP/bound UDP sockets of the final netns
 * with the forward's protocol and target port whose local IP is unspecified or the target.
 * Pure.
 */
import type { Forward, ForwardHop, ForwardResolution } from '../../model/forward.js';
import type { Namespace } from '../../model/namespace.js';
import type { NetworkModel, NetworkNamespace, Nif, Route } from '../../model/network.js';
import type { Port, PortOwner } from '../../model/port.js';
import { parseIp, RT } from '../../netlink/index.js';

/** Deepest netns nesting followed. */
export const MAX_RESOLVE_HOPS = 16;

function bytesOf(ip: string): Buffer | undefined {
  return parseIp(ip)?.bytes;
}

/** True when `ip` lies in `net`/`len` (same family). Pure. */
export function inPrefix(ip: Buffer, net: string, len: number): boolean {
  return inPrefixBytes(ip, bytesOf(net), len);
}

function sameIp(a: Buffer, text: string): boolean {
  const b = bytesOf(text);
  return b !== undefined && b.equals(a);
}

/**
 * Lookup caches of one resolution run: parsed addresses per netns and parsed route/rule
 * prefixes, so resolving many forwards does not re-parse every address of a big netns (a hub
 * with hundreds of nifs) for each of them. Valid while the network model does not change.
 */
export class ResolveCache {
  readonly #owners = new WeakMap<NetworkNamespace, Map<string, Nif[]>>();
  readonly #prefix = new Map<string, Buffer | undefined>();
  readonly #routes = new WeakMap<NetworkNamespace, Map<string, Route[]>>();

  /** Routes of one (family, table), longest prefix first, then lowest metric. */
  routes(nns: NetworkNamespace, family: 4 | 6, table: number): readonly Route[] {
    let m = this.#routes.get(nns);
    if (m === undefined) {
      m = new Map();
      for (const r of nns.routes) {
        if (r.type === RT.RTN_BROADCAST || r.type === RT.RTN_MULTICAST || r.type === RT.RTN_ANYCAST)
          continue;
        const k = `${r.family}/${r.table}`;
        const l = m.get(k);
        if (l === undefined) m.set(k, [r]);
        else l.push(r);
      }
      for (const l of m.values())
        l.sort((a, b) => b.destinationPrefixLen - a.destinationPrefixLen || a.metric - b.metric);
      this.#routes.set(nns, m);
    }
    return m.get(`${family}/${table}`) ?? [];
  }

  /** Nifs of `nns` with `ip` configured. */
  owners(nns: NetworkNamespace, ip: Buffer): Nif[] {
    let m = this.#owners.get(nns);
    if (m === undefined) {
      m = new Map();
      for (const nif of nns.nifs.values())
        for (const a of nif.addresses) {
          const b = bytesOf(a.address);
          if (b === undefined) continue;
          const k = b.toString('hex');
          const l = m.get(k);
          if (l === undefined) m.set(k, [nif]);
          else if (!l.includes(nif)) l.push(nif);
        }
      this.#owners.set(nns, m);
    }
    return m.get(ip.toString('hex')) ?? [];
  }

  /** Parsed bytes of a prefix/address text (cached). */
  bytes(text: string): Buffer | undefined {
    if (this.#prefix.has(text)) return this.#prefix.get(text);
    const b = bytesOf(text);
    this.#prefix.set(text, b);
    return b;
  }
}

/** Nifs of `nns` with `ip` configured. */
export function owners(nns: NetworkNamespace, ip: Buffer): Nif[] {
  return new ResolveCache().owners(nns, ip);
}

function inPrefixBytes(ip: Buffer, n: Buffer | undefined, len: number): boolean {
  if (n === undefined || n.length !== ip.length) return false;
  const full = len >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== n[i]) return false;
  const rem = len & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return ((ip[full] ?? 0) & mask) === ((n[full] ?? 0) & mask);
}

const DEFAULT_TABLES = [255, 254, 253];

function tablesFor(
  nns: NetworkNamespace,
  ip: Buffer,
  family: 4 | 6,
  cache: ResolveCache,
): number[] | 'blocked' {
  const rules = nns.rules
    .filter((r) => r.family === family)
    .sort((a, b) => a.priority - b.priority);
  if (rules.length === 0) return DEFAULT_TABLES;
  const out: number[] = [];
  for (const r of rules) {
    if (r.srcLen > 0 || r.iifName !== undefined || r.oifName !== undefined) continue;
    if (r.fwmark !== undefined && r.fwmark !== 0) continue;
    const dstOk =
      r.dst === undefined || r.dstLen === 0 || inPrefixBytes(ip, cache.bytes(r.dst), r.dstLen);
    if (dstOk === r.invert) continue;
    if (r.action === RT.FR_ACT_TO_TBL) out.push(r.table);
    else if (
      r.action === RT.FR_ACT_BLACKHOLE ||
      r.action === RT.FR_ACT_UNREACHABLE ||
      r.action === 8
    )
      return out.length === 0 ? 'blocked' : out;
  }
  return out;
}

/** Best route for `ip` in table `table` (longest prefix, then lowest metric). Pure. */
export function bestRoute(
  nns: NetworkNamespace,
  ip: Buffer,
  family: 4 | 6,
  table: number,
  cache: ResolveCache = new ResolveCache(),
): Route | undefined {
  for (const r of cache.routes(nns, family, table))
    if (inPrefixBytes(ip, cache.bytes(r.destination), r.destinationPrefixLen)) return r;
  return undefined;
}

type Where =
  | {
      readonly found: true;
      readonly nns: NetworkNamespace;
      readonly nifs: Nif[];
      readonly path: ForwardHop[];
    }
  | {
      readonly found: false;
      readonly reason: Extract<ForwardResolution, { resolved: false }>['reason'];
      readonly detail: string;
    };

function netnsName(ns: Namespace): string {
  return `netns:[${ns.id.ino}]`;
}

/**
 * Where `ip` lives, seen from `start` (see module doc). `visited` guards against cycles.
 */
export function whereIs(
  start: NetworkNamespace,
  ipText: string,
  cache: ResolveCache = new ResolveCache(),
): Where {
  const ip = bytesOf(ipText);
  if (ip === undefined)
    return { found: false, reason: 'no-route', detail: `not an IP address: ${ipText}` };
  const family: 4 | 6 = ip.length === 4 ? 4 : 6;
  const visited = new Set<string>();
  const path: ForwardHop[] = [];

  const step = (nns: NetworkNamespace, target: Buffer, depth: number): Where => {
    const key = `${nns.ns.id.ino}/${target.toString('hex')}`;
    if (visited.has(key) || depth > MAX_RESOLVE_HOPS)
      return {
        found: false,
        reason: 'routing-loop',
        detail: `${netnsName(nns.ns)} entered twice for ${ipText}`,
      };
    visited.add(key);
    const own = cache.owners(nns, ip);
    if (own.length > 0) {
      path.push({ netns: nns.ns, via: undefined });
      return { found: true, nns, nifs: own, path };
    }
    const tables = tablesFor(nns, target, family, cache);
    if (tables === 'blocked')
      return {
        found: false,
        reason: 'unreachable-route',
        detail: `policy rule blocks ${ipText} in ${netnsName(nns.ns)}`,
      };
    let route: Route | undefined;
    for (const t of tables) {
      const r = bestRoute(nns, target, family, t, cache);
      if (r === undefined) continue;
      if (r.type === RT.RTN_THROW) continue;
      route = r;
      break;
    }
    if (route === undefined)
      return {
        found: false,
        reason: 'no-route',
        detail: `no route to ${ipText} in ${netnsName(nns.ns)}`,
      };
    if (
      route.type === RT.RTN_BLACKHOLE ||
      route.type === RT.RTN_UNREACHABLE ||
      route.type === RT.RTN_PROHIBIT
    )
      return {
        found: false,
        reason: 'unreachable-route',
        detail: `route ${route.destination}/${route.destinationPrefixLen} type ${route.type} in ${netnsName(nns.ns)}`,
      };
    const hop = route.oif ?? route.multipath.find((h) => h.oif !== undefined)?.oif;
    const gateway = route.gateway ?? route.multipath.find((h) => h.gateway !== undefined)?.gateway;
    if (route.type === RT.RTN_LOCAL) {
      path.push({ netns: nns.ns, via: undefined });
      const lo = hop ?? [...nns.nifs.values()].find((n) => n.loopback);
      return { found: true, nns, nifs: lo === undefined ? [] : [lo], path };
    }
    if (hop === undefined)
      return {
        found: false,
        reason: 'route-without-nif',
        detail: `route ${route.destination}/${route.destinationPrefixLen} in ${netnsName(nns.ns)} has no nif`,
      };
    path.push({ netns: nns.ns, via: hop });
    if (hop.kind === 'veth') {
      const peer = hop.peer;
      if (peer === undefined)
        return {
          found: false,
          reason: 'peer-unknown',
          detail: `veth ${hop.name} in ${netnsName(nns.ns)} has no known peer`,
        };
      return step(peer.netns, target, depth + 1);
    }
    if (hop.kind === 'bridge') {
      const ports = hop.ports.filter((p) => p.kind === 'veth' && p.peer !== undefined);
      const direct = ports.find((p) => cache.owners((p.peer as Nif).netns, ip).length > 0);
      if (direct !== undefined) {
        path[path.length - 1] = { netns: nns.ns, via: direct };
        return step((direct.peer as Nif).netns, target, depth + 1);
      }
      const gw = gateway === undefined ? undefined : bytesOf(gateway);
      const viaGw =
        gw === undefined
          ? undefined
          : ports.find((p) => cache.owners((p.peer as Nif).netns, gw).length > 0);
      if (viaGw !== undefined) {
        path[path.length - 1] = { netns: nns.ns, via: viaGw };
        return step((viaGw.peer as Nif).netns, target, depth + 1);
      }
      return {
        found: false,
        reason: 'not-behind-bridge',
        detail: `no port of bridge ${hop.name} in ${netnsName(nns.ns)} leads to ${ipText}`,
      };
    }
    return {
      found: false,
      reason: 'leaves-via-nif',
      detail: `route leaves ${netnsName(nns.ns)} via ${hop.kind || 'device'} ${hop.name}`,
    };
  };
  return step(start, ip, 0);
}

/** Listening sockets of `ports` serving `f` at `ip` (see module doc). Pure. */
export function servingPorts(ports: readonly Port[], f: Forward): Port[] {
  const ip = bytesOf(f.targetIp);
  const family = ip?.length === 16 ? 6 : 4;
  return ports.filter(
    (p) =>
      p.protocol === f.protocol &&
      p.family === family &&
      p.localPort >= f.targetPortMin &&
      p.localPort <= f.targetPortMax &&
      p.macrostate === 'listening' &&
      (p.localAddress === '0.0.0.0' ||
        p.localAddress === '::' ||
        (ip !== undefined && sameIp(ip, p.localAddress))),
  );
}

/** Resolves every forward in place (sets `resolution`). */
export function resolveForwards(
  forwards: Iterable<Forward>,
  network: NetworkModel,
  ports: ReadonlyMap<number, readonly Port[]>,
): void {
  const cache = new ResolveCache();
  for (const f of forwards) {
    const start = network.netns.get(f.netns.id.ino);
    if (start === undefined) {
      f.resolution = {
        resolved: false,
        reason: 'netns-unknown',
        detail: `${netnsName(f.netns)} has no network model`,
      };
      continue;
    }
    const w = whereIs(start, f.targetIp, cache);
    if (!w.found) {
      f.resolution = { resolved: false, reason: w.reason, detail: w.detail };
      continue;
    }
    const served = servingPorts(ports.get(w.nns.ns.id.ino) ?? [], f);
    const byPid = new Map<number, PortOwner>();
    for (const p of served)
      for (const o of p.owners) if (!byPid.has(o.process.pid)) byPid.set(o.process.pid, o);
    f.resolution = {
      resolved: true,
      netns: w.nns.ns,
      nifs: w.nifs,
      ports: served,
      servers: [...byPid.values()].sort((a, b) => a.process.pid - b.process.pid),
      path: w.path,
    };
  }
}
