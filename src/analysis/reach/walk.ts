// SPDX-License-Identifier: MIT
/**
 * @module analysis/reach/walk
 *
 * The reachability walk: follows one packet the way the kernel would — policy rules and routes
 * of the netns it is in, the egress nif, across L2 (veth peer, bridge and its ports,
 * macvlan/ipvlan siblings and lower device) into the netns of the nif that owns the next-hop
 * address, forwarding there, … until a netns delivers it locally; then a listening socket for
 * the protocol, port and address, and finally the reply's way back. Netfilter base chains of
 * every hook passed are evaluated as far as {@link evaluateHook} can decide. Pure.
 */
import type { DiscoveryResult } from '../../model/discovery.js';
import type { FilterHook, NetnsFacts, NetnsFactsModel } from '../../model/netns-facts.js';
import type { Forward } from '../../model/forward.js';
import type { NetworkNamespace, Nif, Rule } from '../../model/network.js';
import type { Port } from '../../model/port.js';
import { hopNetns } from './endpoints.js';
import { chainText, evaluateHook, evaluateNat, type FilterPacket } from './filter.js';
import { ipFamily, isLinkLocalIp, sameIp, unmapV4 } from './ip.js';
import { RTN, localNifOf, routeLookup, routeText, ruleText, selectSource } from './routing.js';
import {
  REACH_REASONS,
  type Hop,
  type HopNif,
  type HopStep,
  type ListenerInfo,
  type ReachReason,
} from './types.js';

/** IPPROTO numbers. */
const L4 = { tcp: 6, udp: 17 } as const;

/** The packet walked. */
export interface Packet {
  readonly family: 4 | 6;
  readonly protocol: 'tcp' | 'udp';
  /** Source address; undefined until the origin netns selects one. */
  src: string | undefined;
  /** Destination; DNAT rewrites it (and the port). */
  dst: string;
  port: number | undefined;
}

/** A problem found on the way. */
export interface WalkIssue {
  readonly hop: number;
  readonly reason: ReachReason;
  readonly message: string;
}

/** Where one direction of the walk ended. */
export type WalkEnd =
  | {
      readonly kind: 'delivered';
      readonly netns: NetworkNamespace;
      /** Ingress nif (`lo` or the nif the packet came in by). */
      readonly iif: Nif | undefined;
      /** Netns passed (origin first, delivering one last). */
      readonly path: readonly NetworkNamespace[];
    }
  | { readonly kind: 'failed'; readonly issue: WalkIssue }
  | { readonly kind: 'undecided'; readonly issue: WalkIssue };

/** Default rules the kernel installs: not worth a separate mention in an answer. */
function isDefaultRule(r: Rule): boolean {
  return (
    r.action === 1 &&
    (r.src === undefined || r.srcLen === 0) &&
    (r.dst === undefined || r.dstLen === 0) &&
    r.iifName === undefined &&
    r.oifName === undefined &&
    ((r.priority === 0 && r.table === 255) ||
      (r.priority === 32766 && r.table === 254) ||
      (r.priority === 32767 && r.table === 253))
  );
}

/** The hop form of a nif. */
export function hopNif(n: Nif): HopNif {
  return { id: `nif-${n.netns.ns.id.ino}-${n.index}`, name: n.name, index: n.index };
}

/** Receivers on an L2 segment. */
interface L2Result {
  readonly endpoints: Array<{ readonly nif: Nif; readonly via: readonly Nif[] }>;
  readonly blocked: Array<{
    readonly nif: Nif;
    readonly reason: ReachReason;
    readonly message: string;
  }>;
  readonly leaves: Nif[];
}

function isUpper(kind: string): boolean {
  return kind === 'macvlan' || kind === 'macvtap' || kind === 'ipvlan' || kind === 'ipvtap';
}

/** IFF_LOWER_UP: the driver signals carrier (set at once; operstate follows via linkwatch). */
const IFF_LOWER_UP = 0x10000;

function carrierless(n: Nif): boolean {
  if ((n.flags & IFF_LOWER_UP) !== 0) return false;
  return n.operState === 'DOWN' || n.operState === 'LOWERLAYERDOWN' || n.operState === 'NOTPRESENT';
}

/** Every nif terminating L2 (an IP stack) that frames sent on `start` can reach. */
export function l2Reach(start: Nif, stopAt?: string): L2Result {
  const out: L2Result = { endpoints: [], blocked: [], leaves: [] };
  const seen = new Set<Nif>([start]);
  // with `stopAt`, the walk ends at the first station owning that address (ARP/ND is answered)
  let found = false;
  const owns = (n: Nif): boolean =>
    stopAt !== undefined && n.addresses.some((a) => sameIp(a.address, stopAt));
  const receive = (r: Nif, via: Nif[]): void => {
    if (found || seen.has(r)) return;
    seen.add(r);
    if (!r.up) {
      out.blocked.push({ nif: r, reason: 'interface-down', message: `${r.name} is down` });
      return;
    }
    const master = r.master;
    if (master !== undefined && master.kind === 'bridge') {
      if (!seen.has(master)) {
        seen.add(master);
        if (master.up) {
          out.endpoints.push({ nif: master, via: [...via, r] });
          if (owns(master)) found = true;
        } else
          out.blocked.push({
            nif: master,
            reason: 'interface-down',
            message: `bridge ${master.name} is down`,
          });
      }
      if (!master.up) return;
      for (const q of master.ports) if (q !== r && !found) transmit(q, [...via, r, master]);
      return;
    }
    out.endpoints.push({ nif: r, via });
    if (owns(r)) found = true;
    for (const u of r.uppers)
      if (isUpper(u.kind) && u.up && !seen.has(u)) {
        seen.add(u);
        out.endpoints.push({ nif: u, via: [...via, r] });
      }
  };
  const transmit = (n: Nif, via: Nif[]): void => {
    if (found) return;
    if (!n.up) {
      out.blocked.push({ nif: n, reason: 'interface-down', message: `${n.name} is down` });
      return;
    }
    if (n.kind === 'veth') {
      if (n.peer === undefined) {
        out.blocked.push({
          nif: n,
          reason: 'peer-missing',
          message: `the peer of veth ${n.name} is missing`,
        });
        return;
      }
      if (!n.peer.up) {
        out.blocked.push({
          nif: n.peer,
          reason: 'peer-down',
          message: `${n.peer.name}, the peer of ${n.name}, is down`,
        });
        return;
      }
      receive(n.peer, [...via, n]);
      return;
    }
    if (n.kind === 'bridge') {
      for (const q of n.ports)
        if (!seen.has(q)) {
          seen.add(q);
          transmit(q, [...via, n]);
        }
      return;
    }
    if (isUpper(n.kind)) {
      const lower = n.lower;
      if (lower === undefined) {
        out.leaves.push(n);
        return;
      }
      for (const s of lower.uppers) {
        if (s === n || seen.has(s) || !isUpper(s.kind)) continue;
        seen.add(s);
        if (s.up) out.endpoints.push({ nif: s, via: [...via, n, lower] });
      }
      seen.add(lower); // macvlan/ipvlan: the lower device itself does not receive
      transmit(lower, [...via, n]);
      return;
    }
    if (n.loopback) return;
    out.leaves.push(n);
  };
  transmit(start, []);
  return out;
}

interface Walk {
  readonly hops: Hop[];
  readonly notes: string[];
  /** First undecidable point (filter rules, unread facts); the verdict is unknown if nothing fails. */
  uncertain: WalkIssue | undefined;
  /** Translations applied on the way, in order. */
  readonly nats: Array<{
    readonly netns: NetworkNamespace;
    readonly hook: FilterHook;
    readonly type: 'dnat' | 'snat' | 'masquerade' | 'redirect';
    /** Address and port before the translation (of the destination for dnat/redirect, else the source). */
    readonly before: string;
    readonly after: string;
  }>;
  /** A NAT rule that might translate the packet could not be decided. */
  natDoubt: boolean;
  /**
   * A reply of an accepted connection: conntrack undoes the translations and established
   * traffic is assumed accepted, so NAT and filter chains are not evaluated.
   */
  reply: boolean;
}

/** Inputs of the walk. */
export interface WalkContext {
  readonly result: DiscoveryResult;
  /** Facts per netns; undefined = none were read (forwarding and filters are then unknown). */
  readonly facts: NetnsFactsModel | undefined;
}

function factsOf(ctx: WalkContext, netns: NetworkNamespace): NetnsFacts | undefined {
  return ctx.facts?.get(netns.ns.id.ino);
}

/** A new, empty walk record. */
export function newWalk(reply = false): Walk {
  return { hops: [], notes: [], uncertain: undefined, nats: [], natDoubt: false, reply };
}

function push(
  w: Walk,
  ctx: WalkContext,
  step: HopStep,
  netns: NetworkNamespace,
  text: string,
  extra: Partial<Pick<Hop, 'nif' | 'route' | 'rule' | 'filter'>> = {},
  ok = true,
): number {
  w.hops.push({ step, netns: hopNetns(ctx.result, netns), text, ok, ...extra });
  return w.hops.length - 1;
}

function failAt(w: Walk, hop: number, reason: ReachReason, message: string): WalkEnd {
  const h = w.hops[hop];
  if (h !== undefined) w.hops[hop] = { ...h, ok: false };
  return { kind: 'failed', issue: { hop, reason, message } };
}

function fail(
  w: Walk,
  ctx: WalkContext,
  step: HopStep,
  netns: NetworkNamespace,
  reason: ReachReason,
  message: string,
  extra: Partial<Pick<Hop, 'nif' | 'route' | 'rule' | 'filter'>> = {},
): WalkEnd {
  const hop = push(w, ctx, step, netns, message, extra, false);
  return { kind: 'failed', issue: { hop, reason, message } };
}

function doubt(w: Walk, hop: number, reason: ReachReason, message: string): void {
  const h = w.hops[hop];
  if (h !== undefined) w.hops[hop] = { ...h, ok: false };
  if (w.uncertain === undefined) w.uncertain = { hop, reason, message };
}

/** Runs the filter chains of `hook`; false when they drop (the walk then failed, `end` set). */
function filterHook(
  w: Walk,
  ctx: WalkContext,
  netns: NetworkNamespace,
  hook: FilterHook,
  pkt: Packet,
  iifname: string,
  oifname: string,
): WalkEnd | undefined {
  if (w.reply) return undefined;
  const facts = factsOf(ctx, netns);
  const filter = facts?.filter;
  if (filter === undefined) {
    if (!w.hops.some((h) => h.step === 'filter' && h.netns.inode === netns.ns.id.ino)) {
      const hop = push(
        w,
        ctx,
        'filter',
        netns,
        'netfilter rules of this netns could not be read',
        {},
        false,
      );
      doubt(
        w,
        hop,
        'filter-unread',
        `the netfilter rules of ${hopNetns(ctx.result, netns).name} could not be read`,
      );
    }
    return undefined;
  }
  if (
    filter.legacyTables.length > 0 &&
    !w.hops.some(
      (h) =>
        h.step === 'filter' &&
        h.netns.inode === netns.ns.id.ino &&
        h.filter?.chain.startsWith('iptables-legacy'),
    )
  ) {
    const chain = `iptables-legacy ${filter.legacyTables.join(',')}`;
    const hop = push(
      w,
      ctx,
      'filter',
      netns,
      `legacy iptables tables present (${filter.legacyTables.join(', ')}), not evaluated`,
      { filter: { chain } },
      false,
    );
    doubt(
      w,
      hop,
      'filter-may-drop',
      `legacy iptables tables (${filter.legacyTables.join(', ')}) in ${hopNetns(ctx.result, netns).name} may drop the packet; they are not evaluated`,
    );
  }
  const fp: FilterPacket = {
    family: pkt.family,
    l4proto: L4[pkt.protocol],
    iifname,
    oifname,
    saddr: pkt.src,
    daddr: pkt.dst,
    dport: pkt.port,
  };
  const r = evaluateHook(filter, hook, fp);
  if (r.kind === 'accept') return undefined;
  const chain = chainText(r.site.chain);
  const handle = r.site.rule?.handle;
  const where =
    handle === undefined
      ? `the ${r.site.chain.policy ?? ''} policy of chain ${chain}`
      : `rule ${handle} of chain ${chain}`;
  const extra = { filter: handle === undefined ? { chain } : { chain, handle } };
  if (r.kind === 'drop') {
    return fail(
      w,
      ctx,
      'filter',
      netns,
      'filter-drop',
      `${where} (hook ${hook}) drops the packet`,
      extra,
    );
  }
  const hop = push(
    w,
    ctx,
    'filter',
    netns,
    `${where} (hook ${hook}) may drop the packet: it uses ${r.site.rule?.exprs.join(', ') ?? 'expressions'} not evaluated`,
    extra,
    false,
  );
  doubt(
    w,
    hop,
    'filter-may-drop',
    `${where} (hook ${hook}) in ${hopNetns(ctx.result, netns).name} may drop the packet`,
  );
  return undefined;
}

/** Bridged packets: the bridge family's chains, and with br_netfilter the ip/ip6 forward hook. */
function bridgeFilter(w: Walk, ctx: WalkContext, bridge: Nif, pkt: Packet): WalkEnd | undefined {
  if (w.reply) return undefined;
  const facts = factsOf(ctx, bridge.netns);
  const call = pkt.family === 4 ? facts?.bridgeNfCall?.ipv4 : facts?.bridgeNfCall?.ipv6;
  if (call === true) {
    const e = filterHook(w, ctx, bridge.netns, 'forward', pkt, bridge.name, bridge.name);
    if (e !== undefined) return e;
  } else if (call === undefined && facts !== undefined) {
    const hop = push(
      w,
      ctx,
      'filter',
      bridge.netns,
      'whether bridged packets pass iptables (br_netfilter) could not be read',
      { nif: hopNif(bridge) },
      false,
    );
    doubt(
      w,
      hop,
      'filter-unread',
      `whether bridge ${bridge.name} passes packets through iptables could not be read`,
    );
  }
  const chains = facts?.filter?.chains.filter(
    (c) =>
      c.family === 'bridge' &&
      c.hook !== undefined &&
      c.hook !== 'output' &&
      (c.rules.length > 0 || c.policy === 'drop'),
  );
  const c = chains?.[0];
  if (c !== undefined) {
    const chain = chainText(c);
    const hop = push(
      w,
      ctx,
      'filter',
      bridge.netns,
      `bridge filter chain ${chain} (hook ${c.hook ?? ''}) is not evaluated and may drop the frame`,
      { nif: hopNif(bridge), filter: { chain } },
      false,
    );
    doubt(w, hop, 'filter-may-drop', `bridge filter chain ${chain} may drop the frame`);
  }
  return undefined;
}

function nifText(n: Nif): string {
  return `${n.name}(${n.index})`;
}

function hostPort(addr: string | undefined, port: number | undefined): string {
  const a = addr === undefined ? '?' : addr.includes(':') ? `[${addr}]` : addr;
  return port === undefined ? a : `${a}:${port}`;
}

/** The forward of `pkt` among the forwards discovery found in `netns` (any backend but `backends`). */
export function forwardFor(
  ctx: WalkContext,
  netns: NetworkNamespace,
  pkt: Packet,
  backends: ReadonlySet<string>,
): Forward | undefined {
  const list = ctx.result.forwards?.get(netns.ns.id.ino) ?? [];
  return list.find(
    (f) =>
      backends.has(f.backend) &&
      f.protocol === pkt.protocol &&
      f.family === pkt.family &&
      pkt.port !== undefined &&
      pkt.port >= f.portMin &&
      pkt.port <= f.portMax &&
      (f.ip === '0.0.0.0' || f.ip === '::'
        ? localNifOf(netns, pkt.dst) !== undefined
        : sameIp(f.ip, pkt.dst)),
  );
}

const LEGACY_BACKENDS = new Set(['iptables-legacy', 'docker', 'kube-proxy']);

/** DNAT by a forward the forwards discovery read from legacy iptables rules; true when applied. */
function legacyForward(
  w: Walk,
  ctx: WalkContext,
  netns: NetworkNamespace,
  hook: FilterHook,
  pkt: Packet,
): boolean {
  const f = forwardFor(ctx, netns, pkt, LEGACY_BACKENDS);
  if (f === undefined || f.origin.kind !== 'iptables-legacy' || pkt.port === undefined)
    return false;
  const before = hostPort(pkt.dst, pkt.port);
  pkt.port = f.targetPortMin + (pkt.port - f.portMin);
  pkt.dst = f.targetIp;
  const after = hostPort(pkt.dst, pkt.port);
  w.nats.push({ netns, hook, type: 'dnat', before, after });
  const chain = `iptables-legacy ${f.origin.family} ${f.origin.table} ${f.origin.chain}`;
  push(
    w,
    ctx,
    'nat',
    netns,
    `DNAT ${before} -> ${after} (forward of rule ${f.origin.index} in ${chain})`,
    {
      filter: { chain, handle: f.origin.index },
    },
  );
  return true;
}

/**
 * Applies the NAT chains of `hook` (prerouting/output: destination; postrouting: source) to the
 * packet in place and records a `nat` hop; an undecidable NAT rule is recorded as a doubt.
 */
function natHook(
  w: Walk,
  ctx: WalkContext,
  netns: NetworkNamespace,
  hook: FilterHook,
  pkt: Packet,
  iif: Nif | undefined,
  oif: Nif | undefined,
): void {
  if (w.reply) return;
  const filter = factsOf(ctx, netns)?.filter;
  if (filter === undefined || filter.legacyTables.length > 0) {
    // nf_tables unread or legacy iptables present: the forwards discovery read those NAT rules
    if (hook !== 'postrouting' && legacyForward(w, ctx, netns, hook, pkt)) return;
    if (filter === undefined) return; // unread: already doubted by the filter hooks
  }
  const r = evaluateNat(filter, hook, {
    family: pkt.family,
    l4proto: L4[pkt.protocol],
    iifname: iif?.name ?? '',
    oifname: oif?.name ?? '',
    saddr: pkt.src,
    daddr: pkt.dst,
    dport: pkt.port,
  });
  if (r.kind === 'none') return;
  const chain = chainText(r.site.chain);
  const handle = r.site.rule?.handle;
  const extra = { filter: handle === undefined ? { chain } : { chain, handle } };
  if (r.kind === 'maybe') {
    w.natDoubt = true;
    const hop = push(
      w,
      ctx,
      'nat',
      netns,
      `NAT rule ${handle ?? '?'} of chain ${chain} (hook ${hook}) may translate the packet: it uses ${r.site.rule?.exprs.join(', ') ?? 'expressions'} not evaluated`,
      extra,
      false,
    );
    doubt(
      w,
      hop,
      'nat-not-evaluated',
      `NAT rule ${handle ?? '?'} of chain ${chain} in ${hopNetns(ctx.result, netns).name} may translate the packet`,
    );
    return;
  }
  const nat = r.nat;
  if (nat.type === 'dnat' || nat.type === 'redirect') {
    const before = hostPort(pkt.dst, pkt.port);
    const local =
      nat.type === 'redirect'
        ? iif === undefined
          ? pkt.family === 4
            ? '127.0.0.1'
            : '::1'
          : iif.addresses.find((a) => a.family === pkt.family)?.address
        : nat.address;
    if (local !== undefined) pkt.dst = local;
    if (nat.port !== undefined) pkt.port = nat.port;
    const after = hostPort(pkt.dst, pkt.port);
    w.nats.push({ netns, hook, type: nat.type, before, after });
    push(
      w,
      ctx,
      'nat',
      netns,
      `${nat.type === 'dnat' ? 'DNAT' : 'redirect'} ${before} -> ${after} (rule ${handle ?? '?'} of chain ${chain})`,
      extra,
    );
    return;
  }
  const before = pkt.src ?? '?';
  const src =
    nat.type === 'snat'
      ? nat.address
      : oif?.addresses.find((a) => a.family === pkt.family && !isLinkLocalIp(a.address))?.address;
  if (src !== undefined) pkt.src = src;
  w.nats.push({ netns, hook, type: nat.type, before, after: pkt.src ?? '?' });
  push(
    w,
    ctx,
    'nat',
    netns,
    `${nat.type === 'snat' ? 'SNAT' : 'masquerade'} source ${before} -> ${pkt.src ?? '?'} (rule ${handle ?? '?'} of chain ${chain})`,
    extra,
  );
}

/**
 * Walks `pkt` from `origin` (locally generated there) until some netns delivers it locally.
 * Hops are appended to `w`.
 */
export function walkPacket(
  ctx: WalkContext,
  w: Walk,
  origin: NetworkNamespace,
  pkt: Packet,
  startIif?: Nif,
): WalkEnd {
  let netns = origin;
  let iif: Nif | undefined = startIif;
  const path: NetworkNamespace[] = [origin];
  const seen = new Set<string>();
  for (let step = 0; step < 32; step++) {
    const key = `${netns.ns.id.ino}/${iif?.index ?? 0}`;
    if (seen.has(key))
      return fail(
        w,
        ctx,
        'route',
        netns,
        'loop',
        `the packet comes back to ${hopNetns(ctx.result, netns).name}: it loops`,
      );
    seen.add(key);
    const local = iif === undefined;
    const iifName = iif?.name ?? 'lo';
    // destination NAT happens before the route decision (output: re-routed after it)
    natHook(w, ctx, netns, local ? 'output' : 'prerouting', pkt, iif, undefined);
    let lk = routeLookup(netns, { family: pkt.family, dst: pkt.dst, src: pkt.src, iif: iifName });
    if (local && pkt.src === undefined && lk.kind === 'route') {
      const r0 = lk.route;
      const src =
        r0.type === RTN.local
          ? (r0.prefSource ?? pkt.dst)
          : selectSource(netns, r0, pkt.family, r0.gateway ?? r0.multipath[0]?.gateway ?? pkt.dst);
      if (src === undefined) {
        return fail(
          w,
          ctx,
          'source',
          netns,
          'no-source-address',
          `no ${pkt.family === 4 ? 'IPv4' : 'IPv6'} source address for ${routeText(r0)}`,
          { route: routeText(r0) },
        );
      }
      pkt.src = src;
      push(w, ctx, 'source', netns, `source address ${src}`);
      // the kernel looks up again with the chosen source (ip_route_connect): `from` rules apply now
      lk = routeLookup(netns, { family: pkt.family, dst: pkt.dst, src, iif: iifName });
    }
    if (lk.kind === 'none') {
      return fail(
        w,
        ctx,
        'route',
        netns,
        'no-route',
        `no route to ${pkt.dst} in ${hopNetns(ctx.result, netns).name} (rules tried: ${lk.rulesTried.map((r) => r.priority).join(', ') || 'none'})`,
      );
    }
    if (lk.kind === 'rule-action') {
      const t = ruleText(lk.rule);
      const reason: ReachReason =
        lk.rule.action === 6
          ? 'rule-blackhole'
          : lk.rule.action === 7
            ? 'rule-unreachable'
            : 'rule-prohibit';
      return fail(
        w,
        ctx,
        'rule',
        netns,
        reason,
        `policy rule "${t}" ${lk.rule.action === 6 ? 'drops' : 'rejects'} the packet`,
        { rule: t },
      );
    }
    const route = lk.route;
    const rule = isDefaultRule(lk.rule) ? undefined : ruleText(lk.rule);
    const rtext = routeText(route);
    const extra = { route: rtext, ...(rule === undefined ? {} : { rule }) };
    if (route.type === RTN.local) {
      push(
        w,
        ctx,
        'local',
        netns,
        `${pkt.dst} is local in ${hopNetns(ctx.result, netns).name}${iif === undefined ? '' : ` (arrived on ${nifText(iif)})`}`,
        { ...extra, ...(iif === undefined ? {} : { nif: hopNif(iif) }) },
      );
      if (local) {
        const e = filterHook(w, ctx, netns, 'output', pkt, '', 'lo');
        if (e !== undefined) return e;
      } else {
        const e = filterHook(w, ctx, netns, 'prerouting', pkt, iifName, '');
        if (e !== undefined) return e;
      }
      const e = filterHook(w, ctx, netns, 'input', pkt, iifName, '');
      if (e !== undefined) return e;
      return { kind: 'delivered', netns, iif: iif ?? loopbackOf(netns), path };
    }
    if (
      route.type === RTN.blackhole ||
      route.type === RTN.unreachable ||
      route.type === RTN.prohibit
    ) {
      const reason: ReachReason =
        route.type === RTN.blackhole
          ? 'route-blackhole'
          : route.type === RTN.unreachable
            ? 'route-unreachable'
            : 'route-prohibit';
      return fail(
        w,
        ctx,
        'route',
        netns,
        reason,
        `route "${rtext}" ${route.type === RTN.blackhole ? 'drops' : 'rejects'} the packet`,
        extra,
      );
    }
    if (!local) {
      const f = factsOf(ctx, netns);
      const fwd = pkt.family === 4 ? f?.ipv4Forwarding : f?.ipv6Forwarding;
      if (fwd === false) {
        return fail(
          w,
          ctx,
          'forward',
          netns,
          'forwarding-disabled',
          `${hopNetns(ctx.result, netns).name} does not forward ${pkt.family === 4 ? 'IPv4' : 'IPv6'} (net.ipv${pkt.family}.${pkt.family === 4 ? 'ip_forward' : 'conf.all.forwarding'} = 0)`,
          { nif: hopNif(iif as Nif) },
        );
      }
      const h = push(w, ctx, 'forward', netns, `forwarded from ${nifText(iif as Nif)}`, {
        nif: hopNif(iif as Nif),
      });
      if (fwd === undefined)
        doubt(
          w,
          h,
          'forwarding-unknown',
          `whether ${hopNetns(ctx.result, netns).name} forwards could not be read`,
        );
    }
    const oif = route.oif ?? route.multipath[0]?.oif;
    const gateway = route.gateway ?? route.multipath[0]?.gateway;
    if (route.multipath.length > 1)
      w.notes.push(`multipath route "${rtext}": followed its first next hop only`);
    if (oif === undefined) {
      return fail(
        w,
        ctx,
        'route',
        netns,
        'no-route',
        `route "${rtext}" has no output interface in the model`,
        extra,
      );
    }
    push(w, ctx, 'route', netns, `route ${rtext}`, { ...extra, nif: hopNif(oif) });
    if (local) {
      const e = filterHook(w, ctx, netns, 'output', pkt, '', oif.name);
      if (e !== undefined) return e;
    } else {
      let e = filterHook(w, ctx, netns, 'prerouting', pkt, iifName, '');
      if (e !== undefined) return e;
      e = filterHook(w, ctx, netns, 'forward', pkt, iifName, oif.name);
      if (e !== undefined) return e;
    }
    const e = filterHook(w, ctx, netns, 'postrouting', pkt, local ? '' : iifName, oif.name);
    if (e !== undefined) return e;
    natHook(w, ctx, netns, 'postrouting', pkt, iif, oif);
    if (oif.loopback) {
      return { kind: 'delivered', netns, iif: oif, path };
    }
    if (!oif.up)
      return fail(w, ctx, 'egress', netns, 'interface-down', `${nifText(oif)} is down`, {
        nif: hopNif(oif),
      });
    if (
      oif.kind === 'veth' &&
      oif.peer === undefined &&
      oif.raw.linkIndex !== undefined &&
      carrierless(oif)
    ) {
      return fail(
        w,
        ctx,
        'egress',
        netns,
        'peer-missing',
        `the peer of veth ${nifText(oif)} is missing`,
        { nif: hopNif(oif) },
      );
    }
    if (oif.kind === 'veth' && oif.peer !== undefined && !oif.peer.up) {
      return fail(
        w,
        ctx,
        'egress',
        netns,
        'peer-down',
        `${nifText(oif.peer)} in ${hopNetns(ctx.result, oif.peer.netns).name}, the peer of ${nifText(oif)}, is down`,
        { nif: hopNif(oif) },
      );
    }
    if (carrierless(oif)) {
      return fail(
        w,
        ctx,
        'egress',
        netns,
        'interface-down',
        `${nifText(oif)} has no carrier (${oif.operState})`,
        { nif: hopNif(oif) },
      );
    }
    const nextHop = gateway ?? pkt.dst;
    const eg = push(
      w,
      ctx,
      'egress',
      netns,
      `out of ${nifText(oif)} to ${gateway === undefined ? pkt.dst : `gateway ${gateway}`}`,
      { nif: hopNif(oif) },
    );
    const l2 = l2Reach(oif, nextHop);
    const owners = l2.endpoints.filter((ep) =>
      ep.nif.addresses.some((a) => sameIp(a.address, nextHop)),
    );
    if (owners.length === 0) {
      const b = l2.blocked[0];
      if (b !== undefined)
        return failAt(
          w,
          eg,
          b.reason,
          `${b.message}, so ${nextHop} cannot be reached on ${nifText(oif)}`,
        );
      if (l2.leaves.length > 0) {
        const leaf = l2.leaves[0] as Nif;
        const kind = leaf.kind === '' ? 'a physical interface' : `a ${leaf.kind}`;
        const hop = push(
          w,
          ctx,
          'link',
          leaf.netns,
          `leaves this host through ${kind} ${nifText(leaf)}`,
          { nif: hopNif(leaf) },
          false,
        );
        return {
          kind: 'undecided',
          issue: {
            hop,
            reason: leaf.kind === 'vlan' ? 'unsupported-link' : 'leaves-host',
            message: `the next hop ${nextHop} is not on this host (the path leaves through ${kind} ${nifText(leaf)})`,
          },
        };
      }
      return failAt(
        w,
        eg,
        'no-neighbour',
        `no interface on the link of ${nifText(oif)} has ${nextHop}`,
      );
    }
    if (owners.length > 1)
      w.notes.push(
        `${nextHop} is on ${owners.length} interfaces of one L2 domain: ${owners.map((o) => `${nifText(o.nif)} in ${hopNetns(ctx.result, o.nif.netns).name}`).join(', ')}`,
      );
    const rx = owners[0] as { nif: Nif; via: readonly Nif[] };
    for (const v of rx.via) {
      if (v === oif) continue;
      if (v.kind === 'bridge') {
        push(w, ctx, 'bridge', v.netns, `through bridge ${nifText(v)}`, { nif: hopNif(v) });
        const e = bridgeFilter(w, ctx, v, pkt);
        if (e !== undefined) return e;
      } else
        push(w, ctx, 'link', v.netns, `via ${v.kind || 'link'} ${nifText(v)}`, { nif: hopNif(v) });
    }
    push(w, ctx, 'ingress', rx.nif.netns, `into ${nifText(rx.nif)}`, { nif: hopNif(rx.nif) });
    netns = rx.nif.netns;
    iif = rx.nif;
    if (path[path.length - 1] !== netns) path.push(netns);
  }
  return fail(w, ctx, 'route', netns, 'loop', 'more than 32 hops: the packet loops');
}

function loopbackOf(netns: NetworkNamespace): Nif | undefined {
  for (const n of netns.nifs.values()) if (n.loopback) return n;
  return undefined;
}

/** Does listening socket `p` accept packets for `dst` arriving on `iif`? */
function accepts(p: Port, dst: string, iif: Nif | undefined): boolean {
  if (p.boundIfIndex !== 0 && p.boundIfIndex !== iif?.index) return false;
  const a = p.localAddress;
  if (a === '0.0.0.0' || a === '::')
    return ipFamily(dst) === p.family || (a === '::' && p.v6only === false);
  return sameIp(a, dst) || (unmapV4(a) !== undefined && sameIp(unmapV4(a) as string, dst));
}

/** Result of the listener check. */
export type ListenerCheck =
  | { readonly kind: 'found'; readonly listener: ListenerInfo }
  | { readonly kind: 'none'; readonly reason: ReachReason; readonly message: string };

/** The listener for `pkt` in `netns`, or why there is none. */
export function findListener(
  result: DiscoveryResult,
  netns: NetworkNamespace,
  iif: Nif | undefined,
  pkt: Packet,
): ListenerCheck {
  const ports = result.ports.get(netns.ns.id.ino);
  const name = hopNetns(result, netns).name;
  if (ports === undefined) {
    return {
      kind: 'none',
      reason: 'ports-unread',
      message: `the sockets of ${name} could not be read`,
    };
  }
  const same = ports.filter(
    (p) =>
      p.protocol === pkt.protocol &&
      p.localPort === pkt.port &&
      p.macrostate === 'listening' &&
      !p.ipv4Mapped,
  );
  const hit =
    same.find((p) => accepts(p, pkt.dst, iif)) ??
    ports.find(
      (p) =>
        p.ipv4Mapped &&
        p.protocol === pkt.protocol &&
        p.localPort === pkt.port &&
        p.macrostate === 'listening' &&
        accepts(p, pkt.dst, iif),
    );
  if (hit !== undefined) {
    const owners = hit.aliasOf?.owners ?? hit.owners;
    return {
      kind: 'found',
      listener: {
        protocol: pkt.protocol,
        address: (hit.aliasOf ?? hit).localAddress,
        port: hit.localPort,
        processes: owners.map((o) => ({ pid: o.process.pid, comm: o.process.comm })),
        tenants: [
          ...new Set(owners.map((o) => o.tenant?.name ?? `${o.leader.comm}(${o.leader.pid})`)),
        ],
      },
    };
  }
  if (same.length > 0) {
    const where = [
      ...new Set(
        same.map(
          (p) =>
            (p.family === 6 ? `[${p.localAddress}]` : p.localAddress) +
            (p.boundIfIndex !== 0 ? `%${p.boundIfIndex}` : ''),
        ),
      ),
    ].join(', ');
    return {
      kind: 'none',
      reason: 'listener-bound-elsewhere',
      message: `${pkt.protocol} port ${pkt.port} in ${name} listens only on ${where}, not on ${pkt.dst}`,
    };
  }
  return {
    kind: 'none',
    reason: 'no-listener',
    message: `nothing listens on ${pkt.protocol} port ${pkt.port} in ${name}`,
  };
}

/** The sentence of a reason code. */
export function reasonText(r: ReachReason): string {
  return REACH_REASONS[r];
}
