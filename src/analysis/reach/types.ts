// SPDX-License-Identifier: MIT
/**
 * @module analysis/reach/types
 *
 * The answer of `why FROM TO[:PORT]`: a verdict, the ordered hops of the walk, and for a path
 * that is not reachable the first failing hop with a stable reason code. This is also the JSON
 * shape `ghostwire why --json` prints (plain data, IDs as on the v1 wire).
 */

/** Overall verdict. `unknown` when the model cannot decide (filter rules not evaluable, the path leaves the host, …). */
export type Verdict = 'reachable' | 'unreachable' | 'unknown';

/** Stable reason codes of a failing or undecidable hop (documented in docs/analysis.md). */
export const REACH_REASONS = {
  'no-route': 'no route to the destination',
  'route-blackhole': 'a blackhole route drops the packet',
  'route-unreachable': 'an unreachable route rejects the packet',
  'route-prohibit': 'a prohibit route rejects the packet',
  'rule-blackhole': 'a blackhole policy rule drops the packet',
  'rule-unreachable': 'an unreachable policy rule rejects the packet',
  'rule-prohibit': 'a prohibit policy rule rejects the packet',
  'no-source-address': 'no usable source address',
  'interface-down': 'an interface on the path is down',
  'peer-down': 'the veth peer is down',
  'peer-missing': 'the veth peer is missing',
  'no-neighbour': 'nobody on the link has the next-hop address',
  'forwarding-disabled': 'a netns on the path does not forward',
  'forwarding-unknown': 'whether a netns on the path forwards could not be read',
  'no-listener': 'nothing listens on that port',
  'forward-target-unserved': 'a forward (DNAT) sends the packet where nothing listens',
  'listener-bound-elsewhere': 'a listener exists but is bound to another address',
  'ports-unread': 'the sockets of the destination netns could not be read',
  'filter-drop': 'a netfilter rule or policy drops the packet',
  'filter-may-drop': 'netfilter rules that may drop the packet are present',
  'filter-unread': 'the netfilter rules of a netns on the path could not be read',
  'nat-not-evaluated': 'NAT rules on the path may rewrite the packet and were not evaluated',
  'no-return-route': 'replies cannot get back',
  'delivered-elsewhere': 'the packet arrives in another netns than the one asked for',
  'no-address': 'the destination has no address to connect to',
  'leaves-host': 'the path leaves this host',
  'unsupported-link': 'the path crosses a link kind the analysis does not follow',
  loop: 'the packet loops',
} as const;

/** One reason code. */
export type ReachReason = keyof typeof REACH_REASONS;

/** A nif as the answer names it. */
export interface HopNif {
  /** v1 id `nif-<netns ino>-<ifindex>`. */
  readonly id: string;
  readonly name: string;
  readonly index: number;
}

/** A netns as the answer names it. */
export interface HopNetns {
  /** v1 id `netns-<ino>`. */
  readonly id: string;
  readonly inode: number;
  /** Display name: its tenants' names, or its reference. */
  readonly name: string;
}

/** Kind of a hop. */
export type HopStep =
  | 'source'
  | 'rule'
  | 'route'
  | 'egress'
  | 'link'
  | 'bridge'
  | 'ingress'
  | 'forward'
  | 'filter'
  | 'nat'
  | 'local'
  | 'listener'
  | 'return';

/** One step of the walk. */
export interface Hop {
  readonly step: HopStep;
  readonly netns: HopNetns;
  readonly nif?: HopNif;
  /** Human sentence of what happens here. */
  readonly text: string;
  /** `ip route` style text of the route used. */
  readonly route?: string;
  /** `ip rule` style text of the policy rule used. */
  readonly rule?: string;
  /** Netfilter chain (`family table chain`) and rule handle looked at. */
  readonly filter?: { readonly chain: string; readonly handle?: number };
  /** False for the failing (or undecidable) hop. */
  readonly ok: boolean;
}

/** The listener found at the destination. */
export interface ListenerInfo {
  readonly protocol: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
  readonly processes: ReadonlyArray<{ readonly pid: number; readonly comm: string }>;
  /** Tenant (container) names owning it. */
  readonly tenants: readonly string[];
}

/** An endpoint as resolved from the command line. */
export interface EndpointInfo {
  readonly spec: string;
  readonly kind: 'container' | 'group' | 'process' | 'netns' | 'ip';
  readonly netns?: HopNetns;
  readonly address?: string;
}

/** The complete answer. */
export interface ReachAnswer {
  readonly verdict: Verdict;
  readonly from: EndpointInfo;
  readonly to: EndpointInfo;
  readonly protocol: 'tcp' | 'udp';
  readonly port: number | undefined;
  /** Source and destination address of the packet walked. */
  readonly source: string | undefined;
  readonly destination: string;
  readonly hops: readonly Hop[];
  /** The first failing hop (index into `hops`) with its reason; absent when reachable. */
  readonly failure?: {
    readonly hop: number;
    readonly reason: ReachReason;
    readonly message: string;
  };
  readonly listener?: ListenerInfo;
  /** Further observations (other candidate addresses tried, duplicate neighbours, …). */
  readonly notes: readonly string[];
}
