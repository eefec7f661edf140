// SPDX-License-Identifier: MIT
/**
 * @module analysis/reach/filter
 *
 * Evaluates the nftables chains of one netfilter hook for one packet, as far as the rules can be
 * decided: comparisons of protocol, interface names, addresses and ports are evaluated; a rule
 * using anything else (sets, conntrack state, marks, …) "may match", and both of its branches
 * are followed. When both branches end alike the answer is still definite (an undecidable
 * `accept` before an `accept` policy changes nothing); otherwise the outcome is `maybe` and names
 * the rule. Pure.
 */
import type {
  FilterChain,
  FilterHook,
  FilterMatch,
  FilterNat,
  FilterRule,
  FilterVerdict,
  NetnsFilter,
} from '../../model/netns-facts.js';
import { inPrefix, sameIp } from './ip.js';

/** What the hooks see of the packet. */
export interface FilterPacket {
  readonly family: 4 | 6;
  /** IPPROTO_TCP 6 / IPPROTO_UDP 17. */
  readonly l4proto: number;
  /** '' where the hook has no input interface (output). */
  readonly iifname: string;
  /** '' where the hook has no output interface yet (prerouting, input). */
  readonly oifname: string;
  readonly saddr: string | undefined;
  readonly daddr: string;
  /** undefined = any port (no port asked). */
  readonly dport: number | undefined;
}

/** Where a filter outcome came from. */
export interface FilterSite {
  readonly chain: FilterChain;
  readonly rule: FilterRule | undefined;
}

/** Outcome of a hook. */
export type FilterOutcome =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop'; readonly site: FilterSite }
  | { readonly kind: 'maybe'; readonly site: FilterSite };

type Tri = 'yes' | 'no' | 'maybe';

function matchOne(m: FilterMatch, p: FilterPacket): Tri {
  let r: Tri;
  switch (m.field) {
    case 'l4proto':
      r = m.value === p.l4proto ? 'yes' : 'no';
      break;
    case 'nfproto':
      r = m.value === (p.family === 4 ? 2 : 10) ? 'yes' : 'no';
      break;
    case 'iifname':
    case 'oifname': {
      const have = m.field === 'iifname' ? p.iifname : p.oifname;
      const want = String(m.value);
      r = (want.endsWith('*') ? have.startsWith(want.slice(0, -1)) : have === want) ? 'yes' : 'no';
      break;
    }
    case 'saddr':
    case 'daddr': {
      const have = m.field === 'saddr' ? p.saddr : p.daddr;
      if (have === undefined) return 'maybe';
      const want = String(m.value);
      const hit =
        m.prefixLen !== undefined ? inPrefix(have, want, m.prefixLen) : sameIp(have, want);
      r = hit ? 'yes' : 'no';
      break;
    }
    case 'dport':
      if (p.dport === undefined) return 'maybe';
      r = m.value === p.dport ? 'yes' : 'no';
      break;
    case 'sport':
      return 'maybe'; // the client's ephemeral port is not known
  }
  if (m.op === 'neq') r = r === 'yes' ? 'no' : 'yes';
  return r;
}

function matchRule(rule: FilterRule, p: FilterPacket): Tri {
  let out: Tri = rule.complete ? 'yes' : 'maybe';
  for (const m of rule.matches) {
    const r = matchOne(m, p);
    if (r === 'no') return 'no';
    if (r === 'maybe') out = 'maybe';
  }
  return out;
}

type ChainResult =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop'; readonly site: FilterSite }
  | { readonly kind: 'return' }
  | { readonly kind: 'maybe'; readonly site: FilterSite };

interface Budget {
  steps: number;
}

function same(a: ChainResult, b: ChainResult): boolean {
  return a.kind === b.kind && a.kind !== 'maybe';
}

function atBase(r: ChainResult, base: FilterChain): ChainResult {
  if (r.kind !== 'return') return r;
  return base.policy === 'drop'
    ? { kind: 'drop', site: { chain: base, rule: undefined } }
    : { kind: 'accept' };
}

function evalFrom(
  chains: ReadonlyMap<string, FilterChain>,
  chain: FilterChain,
  start: number,
  p: FilterPacket,
  depth: number,
  budget: Budget,
): ChainResult {
  for (let i = start; i < chain.rules.length; i++) {
    const rule = chain.rules[i] as FilterRule;
    if (--budget.steps < 0 || depth > 16) return { kind: 'maybe', site: { chain, rule } };
    const m = matchRule(rule, p);
    if (m === 'no' || rule.verdict === undefined) continue;
    const taken = verdictResult(chains, chain, rule, i, p, depth, budget);
    if (m === 'yes') return taken;
    const skipped = evalFrom(chains, chain, i + 1, p, depth, budget);
    // in a base chain, falling off the end means its policy
    const t = depth === 0 ? atBase(taken, chain) : taken;
    if (same(t, depth === 0 ? atBase(skipped, chain) : skipped)) return t;
    if (taken.kind === 'maybe') return taken;
    return { kind: 'maybe', site: { chain, rule } };
  }
  return { kind: 'return' };
}

function verdictResult(
  chains: ReadonlyMap<string, FilterChain>,
  chain: FilterChain,
  rule: FilterRule,
  index: number,
  p: FilterPacket,
  depth: number,
  budget: Budget,
): ChainResult {
  const v = rule.verdict;
  if (v === undefined) return { kind: 'return' };
  switch (v.kind) {
    case 'accept':
      return { kind: 'accept' };
    case 'drop':
    case 'reject':
      return { kind: 'drop', site: { chain, rule } };
    case 'return':
      return { kind: 'return' };
    case 'continue':
      return evalFrom(chains, chain, index + 1, p, depth, budget);
    case 'jump':
    case 'goto': {
      const target = chains.get(`${chain.family} ${chain.table} ${v.chain}`);
      if (target === undefined) return { kind: 'maybe', site: { chain, rule } };
      const r = evalFrom(chains, target, 0, p, depth + 1, budget);
      if (r.kind !== 'return') return r;
      // a jump returns to the next rule; a goto returns to the caller of this chain
      return v.kind === 'jump' ? evalFrom(chains, chain, index + 1, p, depth, budget) : r;
    }
  }
}

/** Text `family table chain` naming a chain in answers. */
export function chainText(c: FilterChain): string {
  return `${c.family} ${c.table} ${c.name}`;
}

/** Base chains of `hook` that apply to `family`, by priority. */
export function hookChains(
  filter: NetnsFilter,
  hook: FilterHook,
  family: 4 | 6,
  type: 'filter' | 'nat',
): FilterChain[] {
  const fam = family === 4 ? 'ip' : 'ip6';
  return filter.chains
    .filter(
      (c) =>
        c.hook === hook &&
        (c.family === fam || c.family === 'inet') &&
        (type === 'nat' ? c.type === 'nat' : c.type !== 'nat'),
    )
    .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
}

/**
 * Runs the filter base chains of `hook` in priority order (an accept ends one base chain; the
 * next one still runs; a drop ends all).
 */
export function evaluateHook(
  filter: NetnsFilter,
  hook: FilterHook,
  p: FilterPacket,
): FilterOutcome {
  const chains = new Map(filter.chains.map((c) => [`${c.family} ${c.table} ${c.name}`, c]));
  let maybe: FilterSite | undefined;
  for (const base of hookChains(filter, hook, p.family, 'filter')) {
    const budget = { steps: 20_000 };
    const r = atBase(evalFrom(chains, base, 0, p, 0, budget), base);
    if (r.kind === 'drop') return { kind: 'drop', site: r.site };
    if (r.kind === 'maybe' && maybe === undefined) maybe = r.site;
  }
  return maybe === undefined ? { kind: 'accept' } : { kind: 'maybe', site: maybe };
}

/** Outcome of the NAT chains of a hook. */
export type NatOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'nat'; readonly nat: FilterNat; readonly site: FilterSite }
  | { readonly kind: 'maybe'; readonly site: FilterSite };

function natFrom(
  chains: ReadonlyMap<string, FilterChain>,
  chain: FilterChain,
  p: FilterPacket,
  depth: number,
): NatOutcome | 'accept' | undefined {
  for (const rule of chain.rules) {
    const m = matchRule(rule, p);
    if (m === 'no') continue;
    const acts =
      rule.nat !== undefined || (rule.verdict !== undefined && rule.verdict.kind !== 'continue');
    if (!acts) continue;
    if (m === 'maybe') return { kind: 'maybe', site: { chain, rule } };
    if (rule.nat !== undefined) return { kind: 'nat', nat: rule.nat, site: { chain, rule } };
    const v = rule.verdict as FilterVerdict;
    if (v.kind === 'jump' || v.kind === 'goto') {
      const target = chains.get(`${chain.family} ${chain.table} ${v.chain}`);
      if (target === undefined || depth > 16) return { kind: 'maybe', site: { chain, rule } };
      const r = natFrom(chains, target, p, depth + 1);
      if (r !== undefined) return r;
      if (v.kind === 'goto') return undefined;
      continue;
    }
    if (v.kind === 'return') return undefined;
    return 'accept'; // accept / drop end the NAT chain without translation
  }
  return undefined;
}

/**
 * The first translation the NAT base chains of `hook` apply to the packet (the first packet of a
 * connection: NAT chains see only that one), or `maybe` when a rule that could translate it
 * cannot be decided.
 */
export function evaluateNat(filter: NetnsFilter, hook: FilterHook, p: FilterPacket): NatOutcome {
  const chains = new Map(filter.chains.map((c) => [`${c.family} ${c.table} ${c.name}`, c]));
  for (const base of hookChains(filter, hook, p.family, 'nat')) {
    const r = natFrom(chains, base, p, 0);
    if (r === undefined || r === 'accept') continue;
    return r;
  }
  return { kind: 'none' };
}
