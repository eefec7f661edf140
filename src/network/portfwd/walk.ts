// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/walk
 *
 * From the dumped NAT tables of one netns to forwards: every path from a NAT entry point (base
 * chains of type `nat` on the prerouting and output hooks, and chains no rule jumps to) through
 * jumps, gotos and verdict maps is followed with the constraints collected on the way
 * (`interpret.ts`), and every DNAT/redirect reached yields a forward. A jump back into a chain
 * already on the path is not followed (nf_tables rejects loops; legacy blobs could hold them).
 * The back-end of each forward is named by the recognisers (`recognise.ts`). Pure.
 */
import { NFT, type NftChain, type NftRule } from '../../netlink/nftables/index.js';
import type { ForwardBackend, ForwardProtocol } from '../../model/forward.js';
import {
  interpretRule,
  mergeConstraint,
  RuleInterpretError,
  type Constraint,
  type RuleAction,
  type RuleEffect,
  type SetWithElements,
} from './interpret.js';
import { classifyBackend } from './recognise.js';

/** The NAT-relevant content of one table (nf_tables or iptables-legacy). */
export interface NatTable {
  readonly source: 'nftables' | 'iptables-legacy';
  /** NFPROTO_IPV4, NFPROTO_IPV6 or NFPROTO_INET. */
  readonly family: number;
  readonly name: string;
  readonly chains: readonly NftChain[];
  /** Rules in chain order (legacy: `handle` = index in its chain). */
  readonly rules: readonly NftRule[];
  readonly sets: readonly SetWithElements[];
}

/** A forward before resolution. */
export interface RawForward {
  readonly backend: ForwardBackend;
  readonly source: 'nftables' | 'iptables-legacy';
  readonly tableFamily: number;
  readonly table: string;
  readonly chain: string;
  readonly handle: bigint;
  readonly protocol: ForwardProtocol;
  readonly family: 4 | 6;
  readonly ip: string;
  readonly portMin: number;
  readonly portMax: number;
  readonly targetIp: string;
  readonly targetPortMin: number;
  readonly targetPortMax: number;
}

/** A rule that could not be used (the other rules still are). */
export interface WalkProblem {
  readonly table: string;
  readonly chain: string;
  readonly handle: bigint;
  readonly message: string;
}

/** Deepest jump nesting followed (the kernel allows 16 for nf_tables). */
export const MAX_JUMP_DEPTH = 32;

/** nf_tables family name (`ip`, `ip6`, `inet`, …). */
export function familyName(family: number): string {
  switch (family) {
    case NFT.NFPROTO_IPV4:
      return 'ip';
    case NFT.NFPROTO_IPV6:
      return 'ip6';
    case NFT.NFPROTO_INET:
      return 'inet';
    case NFT.NFPROTO_ARP:
      return 'arp';
    case NFT.NFPROTO_BRIDGE:
      return 'bridge';
    case NFT.NFPROTO_NETDEV:
      return 'netdev';
    default:
      return `family-${family}`;
  }
}

const PROTOCOLS: Readonly<Record<number, ForwardProtocol>> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };

function isEntry(ch: NftChain): boolean {
  return (
    ch.hook !== undefined &&
    ch.type === 'nat' &&
    (ch.hook.hooknum === NFT.NF_INET_PRE_ROUTING || ch.hook.hooknum === NFT.NF_INET_LOCAL_OUT)
  );
}

function toForwards(
  t: NatTable,
  rule: NftRule,
  c: Constraint,
  action: Exclude<RuleAction, { kind: 'jump' | 'goto' }>,
  path: readonly string[],
): RawForward[] {
  const tableFamily =
    t.family === NFT.NFPROTO_IPV4 ? 4 : t.family === NFT.NFPROTO_IPV6 ? 6 : undefined;
  const family: 4 | 6 =
    c.family ??
    (c.daddr !== undefined ? (c.daddr.includes(':') ? 6 : 4) : undefined) ??
    (action.kind === 'dnat' ? (action.family ?? (action.addr.includes(':') ? 6 : 4)) : undefined) ??
    tableFamily ??
    4;
  const protos: ForwardProtocol[] = [];
  if (c.proto === undefined) protos.push('tcp', 'udp');
  else {
    const p = PROTOCOLS[c.proto];
    if (p === undefined) return [];
    protos.push(p);
  }
  const [portMin, portMax] = c.dport ?? [0, 65535];
  const targetIp = action.kind === 'dnat' ? action.addr : family === 6 ? '::1' : '127.0.0.1';
  const targetPortMin = action.portMin ?? portMin;
  const targetPortMax = action.portMin === undefined ? portMax : (action.portMax ?? action.portMin);
  const backend = classifyBackend(t, path, rule);
  return protos.map((protocol) => ({
    backend,
    source: t.source,
    tableFamily: t.family,
    table: t.name,
    chain: rule.chain,
    handle: rule.handle,
    protocol,
    family,
    ip: c.daddr ?? (family === 6 ? '::' : '0.0.0.0'),
    portMin,
    portMax,
    targetIp,
    targetPortMin,
    targetPortMax,
  }));
}

/**
 * All forwards of one table. Rules that cannot be interpreted (missing set, malformed
 * expressions, too many elements) are skipped with a {@link WalkProblem}.
 */
export function walkNatTable(t: NatTable): { forwards: RawForward[]; problems: WalkProblem[] } {
  const problems: WalkProblem[] = [];
  const forwards: RawForward[] = [];
  const seen = new Set<string>();
  const tableFamily =
    t.family === NFT.NFPROTO_IPV4 ? 4 : t.family === NFT.NFPROTO_IPV6 ? 6 : undefined;
  const setsByName = new Map(t.sets.map((s) => [s.set.name, s]));
  const rulesByChain = new Map<string, NftRule[]>();
  for (const r of t.rules) {
    let l = rulesByChain.get(r.chain);
    if (l === undefined) rulesByChain.set(r.chain, (l = []));
    l.push(r);
  }
  const effects = new Map<NftRule, RuleEffect[]>();
  const effectsOf = (r: NftRule): RuleEffect[] => {
    let e = effects.get(r);
    if (e !== undefined) return e;
    e = [];
    if (r.malformed !== undefined)
      problems.push({
        table: t.name,
        chain: r.chain,
        handle: r.handle,
        message: `malformed rule: ${r.malformed.message}`,
      });
    else
      try {
        e = interpretRule(r, tableFamily, (n) => setsByName.get(n));
      } catch (err: unknown) {
        if (!(err instanceof RuleInterpretError)) throw err;
        problems.push({ table: t.name, chain: r.chain, handle: r.handle, message: err.message });
      }
    effects.set(r, e);
    return e;
  };

  // chains some rule (or verdict map) jumps to
  const referenced = new Set<string>();
  for (const r of t.rules)
    for (const e of effectsOf(r))
      if (e.action.kind === 'jump' || e.action.kind === 'goto') referenced.add(e.action.chain);
  const roots = t.chains.filter(
    (ch) => isEntry(ch) || (ch.hook === undefined && !referenced.has(ch.name)),
  );

  const visit = (chain: string, c: Constraint, path: string[]): void => {
    for (const r of rulesByChain.get(chain) ?? []) {
      for (const eff of effectsOf(r)) {
        const m = mergeConstraint(c, eff.match);
        if (m === undefined) continue;
        const a = eff.action;
        if (a.kind !== 'dnat' && a.kind !== 'redirect') {
          if (path.includes(a.chain) || path.length >= MAX_JUMP_DEPTH) {
            problems.push({
              table: t.name,
              chain: r.chain,
              handle: r.handle,
              message: `jump to ${a.chain} not followed (loop or deeper than ${MAX_JUMP_DEPTH})`,
            });
            continue;
          }
          visit(a.chain, m, [...path, a.chain]);
          continue;
        }
        for (const f of toForwards(t, r, m, a, path)) {
          const key = `${f.chain}/${f.handle}/${f.protocol}/${f.family}/${f.ip}/${f.portMin}-${f.portMax}/${f.targetIp}/${f.targetPortMin}-${f.targetPortMax}`;
          if (seen.has(key)) continue;
          seen.add(key);
          forwards.push(f);
        }
      }
    }
  };
  for (const root of roots) visit(root.name, {}, [root.name]);
  return { forwards, problems };
}
