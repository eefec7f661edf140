// SPDX-License-Identifier: MIT
/**
 * @module model/netns-facts
 *
 * Per-netns facts the reachability analysis needs beyond interfaces, addresses and routes:
 * whether the netns forwards IPv4/IPv6 (the `forwarding` sysctls read inside it) and its
 * netfilter state (nftables base chains with their rules, legacy iptables tables). Filled by
 * `src/network/netns-facts.ts`; consumed by `src/analysis/reach`. A field that could not be read
 * is `undefined` — the analysis then answers `unknown` where it matters instead of guessing.
 */

/** Netfilter hooks of the inet families (and the netdev ingress hook). */
export type FilterHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress';

/** nftables table families by their text names (NFPROTO_*). */
export type FilterFamily = 'inet' | 'ip' | 'ip6' | 'arp' | 'bridge' | 'netdev' | 'unknown';

/** A packet field a rule compares. */
export type FilterField =
  'l4proto' | 'iifname' | 'oifname' | 'saddr' | 'daddr' | 'sport' | 'dport' | 'nfproto';

/** One comparison of a rule (an nftables `payload`/`meta` load followed by a `cmp`). */
export interface FilterMatch {
  readonly field: FilterField;
  readonly op: 'eq' | 'neq';
  /** Protocol number, port, interface name or canonical address text. */
  readonly value: number | string;
  /** Prefix length for an address compared under a mask (`ip daddr 10.0.0.0/24`). */
  readonly prefixLen?: number;
}

/** A rule's verdict. */
export type FilterVerdict =
  | { readonly kind: 'accept' | 'drop' | 'reject' | 'return' | 'continue' }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string };

/** A NAT action: destination (`dnat`, `redirect` to the local host) or source (`snat`, `masquerade`). */
export interface FilterNat {
  readonly type: 'dnat' | 'snat' | 'masquerade' | 'redirect';
  /** New address (dnat/snat); undefined keeps it (or, for masquerade, the egress address). */
  readonly address?: string;
  /** New port, if any. */
  readonly port?: number;
}

/** One nftables rule, reduced to what the analysis can evaluate. */
export interface FilterRule {
  readonly handle: number;
  /** The comparisons the analysis can evaluate; all must hold for the rule to match. */
  readonly matches: readonly FilterMatch[];
  /**
   * False when the rule also uses conditions the analysis does not evaluate (sets, conntrack,
   * marks, …): it then may match when all `matches` hold, and cannot when one fails.
   */
  readonly complete: boolean;
  /** Terminal verdict; undefined when the rule has none (counter, log: it only continues). */
  readonly verdict: FilterVerdict | undefined;
  /** Address translation the rule applies when it matches (NAT chains). */
  readonly nat?: FilterNat;
  /** Names of the rule's expressions in order (`payload`, `cmp`, `immediate`, …), for messages. */
  readonly exprs: readonly string[];
}

/** One nftables chain (base chain when `hook` is set). */
export interface FilterChain {
  readonly family: FilterFamily;
  readonly table: string;
  readonly name: string;
  readonly hook: FilterHook | undefined;
  readonly priority: number | undefined;
  /** Chain type of a base chain: `filter`, `nat`, `route`. */
  readonly type: string | undefined;
  /** Base-chain policy. */
  readonly policy: 'accept' | 'drop' | undefined;
  readonly rules: FilterRule[];
}

/** Netfilter state of one netns. */
export interface NetnsFilter {
  /** All nftables chains (base and regular) of all tables. */
  readonly chains: readonly FilterChain[];
  /** Names of legacy (x_tables) iptables tables with state in this netns (`filter`, `nat`, …). */
  readonly legacyTables: readonly string[];
}

/** Facts of one netns; a field is undefined when it could not be read. */
export interface NetnsFacts {
  readonly ipv4Forwarding: boolean | undefined;
  readonly ipv6Forwarding: boolean | undefined;
  readonly filter: NetnsFilter | undefined;
  /**
   * br_netfilter's `bridge-nf-call-iptables` / `-ip6tables` of this netns: bridged IPv4/IPv6
   * packets then also pass the ip/ip6 forward hook (false when br_netfilter is not loaded).
   */
  readonly bridgeNfCall: { readonly ipv4: boolean; readonly ipv6: boolean } | undefined;
}

/** Facts of all netns, by netns inode. */
export type NetnsFactsModel = ReadonlyMap<number, NetnsFacts>;
