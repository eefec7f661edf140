// SPDX-License-Identifier: MIT
/**
 * @module model/forward
 *
 * Forwarded ports (reference §2.10/§3.8): per network namespace, every destination NAT that
 * sends traffic for an original destination (protocol, IP, port range) to a target (IP, port
 * range), with the back-end that produced it and where the target was resolved to: the
 * network namespace and nifs owning the target IP, and the listening sockets (with their
 * owner processes and tenants) serving it — or a reason why it could not be resolved.
 * Filled by `src/network/portfwd`; turned into the v1 `forwarded-ports` by `src/api/v1`.
 * docs/forwarding.md describes the back-ends, recognisers and the resolution rules.
 */
import type { Namespace } from './namespace.js';
import type { Nif } from './network.js';
import type { Port, PortOwner } from './port.js';

/** What produced a forward. */
export const FORWARD_BACKENDS = [
  'docker',
  'kube-proxy',
  'nft',
  'iptables-legacy',
  'docker-proxy',
] as const;
export type ForwardBackend = (typeof FORWARD_BACKENDS)[number];

/** Transport protocols of forwards. */
export type ForwardProtocol = 'tcp' | 'udp' | 'sctp';

/** Why a forward's target could not be resolved (`netnsid` 0 on the wire). */
export const FORWARD_UNRESOLVED_REASONS = [
  /** No route (in any table the policy rules select) covers the target IP. */
  'no-route',
  /** The best route is a blackhole/unreachable/prohibit route. */
  'unreachable-route',
  /** The best route has no output nif. */
  'route-without-nif',
  /** The route's nif is a bridge, but no bridge port's peer leads to the target. */
  'not-behind-bridge',
  /** The route leaves through a nif we cannot follow (physical, macvlan, vxlan, tun, …). */
  'leaves-via-nif',
  /** A veth whose peer is unknown (e.g. in a netns that could not be read). */
  'peer-unknown',
  /** Following routes came back to a (netns, IP) already visited, or went too deep. */
  'routing-loop',
  /** The netns holding the rule has no network model (could not be read). */
  'netns-unknown',
] as const;
export type ForwardUnresolvedReason = (typeof FORWARD_UNRESOLVED_REASONS)[number];

/** Where the rule that made a forward lives. */
export type ForwardOrigin =
  | {
      readonly kind: 'nftables';
      /** nf_tables family name: `ip`, `ip6`, `inet`. */
      readonly family: string;
      readonly table: string;
      readonly chain: string;
      readonly handle: bigint;
    }
  | {
      readonly kind: 'iptables-legacy';
      readonly family: 'ip' | 'ip6';
      readonly table: string;
      readonly chain: string;
      /** Index of the rule in its chain (0-based). */
      readonly index: number;
    }
  | { readonly kind: 'process'; readonly pid: number; readonly cmdline: readonly string[] };

/** One hop of a resolution: a netns entered through a nif. */
export interface ForwardHop {
  readonly netns: Namespace;
  /** The nif the path left this netns through (undefined at the final netns). */
  readonly via: Nif | undefined;
}

/** Outcome of following a forward's target IP through routes, bridges and veth pairs. */
export type ForwardResolution =
  | {
      readonly resolved: true;
      /** The netns whose nifs own the target IP. */
      readonly netns: Namespace;
      /** Nifs owning the target IP (`lo` for 127.0.0.0/8 style subnets on lo). */
      readonly nifs: readonly Nif[];
      /** Listening sockets serving the target (protocol, port, IP unspecified or equal). */
      readonly ports: readonly Port[];
      /** Owners of those sockets (deduplicated by PID, sorted). */
      readonly servers: readonly PortOwner[];
      /** Netns passed on the way, starting with the rule's netns. */
      readonly path: readonly ForwardHop[];
    }
  | {
      readonly resolved: false;
      readonly reason: ForwardUnresolvedReason;
      /** Human-readable detail (route, nif). */
      readonly detail: string;
    };

/** One forwarded port of a netns. */
export interface Forward {
  /** The netns holding the rule (or the docker-proxy process). */
  readonly netns: Namespace;
  readonly backend: ForwardBackend;
  readonly origin: ForwardOrigin;
  readonly protocol: ForwardProtocol;
  /** Family of the original destination. */
  readonly family: 4 | 6;
  /** Original destination IP; `0.0.0.0` / `::` = any address of the netns. */
  readonly ip: string;
  /** Original destination port range (inclusive; 0..65535 = every port). */
  readonly portMin: number;
  readonly portMax: number;
  /** `/etc/services` name of `portMin` for the protocol, '' if unknown. */
  readonly serviceName: string;
  /** Target IP (after DNAT). */
  readonly targetIp: string;
  /** Target port range (equals the original range when the rule keeps the port). */
  readonly targetPortMin: number;
  readonly targetPortMax: number;
  /** `/etc/services` name of `targetPortMin`, '' if unknown. */
  readonly targetServiceName: string;
  /** Set by the resolution step. */
  resolution: ForwardResolution | undefined;
}
