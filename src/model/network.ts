// SPDX-License-Identifier: MIT
/**
 * @module model/network
 *
 * In-memory model of the network side: per network namespace its interfaces ("nifs"),
 * addresses, routes and policy rules, with relations between nifs as object references
 * (possibly across namespaces). Filled by `src/network`; turned into wire DTOs by `src/api/v1`.
 */
import type { Namespace } from './namespace.js';

/** RFC 2863 operational states, in kernel numbering (IF_OPER_*). */
export const OPER_STATES = [
  'UNKNOWN',
  'NOTPRESENT',
  'DOWN',
  'LOWERLAYERDOWN',
  'TESTING',
  'DORMANT',
  'UP',
] as const;
export type OperState = (typeof OPER_STATES)[number];

/** ethtool driver information (ETHTOOL_GDRVINFO); empty strings where the driver reports none. */
export interface DriverInfo {
  readonly driver: string;
  readonly version: string;
  readonly fwVersion: string;
  readonly busInfo: string;
  readonly eromVersion: string;
}

/** An IP address configured on a nif (RTM_NEWADDR). */
export interface NifAddress {
  readonly family: 4 | 6;
  /** Canonical text form (dotted IPv4, RFC 5952 IPv6). */
  readonly address: string;
  readonly prefixLen: number;
  /** RT scope number (0 universe, 200 site, 253 link, 254 host, 255 nowhere). */
  readonly scope: number;
  /** Seconds; 0xffffffff = forever. */
  readonly preferredLifetime: number;
  readonly validLifetime: number;
  readonly flags: number;
  /** IFA_LABEL (IPv4), if any. */
  readonly label: string | undefined;
  readonly broadcast: string | undefined;
  /** Peer address of point-to-point links (IFA_ADDRESS when it differs from IFA_LOCAL). */
  readonly peer: string | undefined;
}

/** Kind-specific data, discriminated by `kind`. */
export type NifKindData =
  | { readonly kind: 'veth' }
  | {
      readonly kind: 'bridge';
      readonly stpState?: number;
      readonly vlanFiltering?: boolean;
      readonly forwardDelay?: number;
      readonly helloTime?: number;
      readonly maxAge?: number;
      readonly ageingTime?: number;
      readonly priority?: number;
      readonly vlanProtocol?: number;
      readonly bridgeId?: string;
    }
  | { readonly kind: 'macvlan' | 'macvtap'; readonly mode: string; readonly flags?: number }
  | { readonly kind: 'ipvlan' | 'ipvtap'; readonly mode: string; readonly flags?: number }
  | {
      readonly kind: 'vlan';
      readonly vid: number;
      readonly protocol: number;
      readonly flags?: number;
    }
  | {
      readonly kind: 'vxlan';
      readonly vni: number;
      readonly local4?: string;
      readonly local6?: string;
      readonly group4?: string;
      readonly group6?: string;
      readonly port: number;
      readonly portLow: number;
      readonly portHigh: number;
      readonly ttl: number;
      readonly tos: number;
      readonly learning?: boolean;
      readonly proxy: boolean;
      readonly linkIndex?: number;
    }
  | {
      readonly kind: 'geneve';
      readonly vni: number;
      readonly remote4?: string;
      readonly remote6?: string;
      readonly port: number;
      readonly ttl: number;
      readonly tos: number;
    }
  | {
      readonly kind: 'tun';
      /** 'tun' or 'tap'. */
      readonly mode: 'tun' | 'tap';
      readonly owner?: number;
      readonly group?: number;
      readonly persist?: boolean;
      readonly multiQueue?: boolean;
      readonly numQueues?: number;
    }
  | {
      readonly kind: 'bond';
      readonly mode: number;
      readonly modeName: string;
      readonly activeSlave?: number;
      readonly miimon?: number;
    }
  | { readonly kind: 'vrf'; readonly table: number }
  | { readonly kind: 'wireguard' }
  | { readonly kind: 'other'; readonly name: string };

/** SR-IOV role numbers as on the v1 wire (0 none, 1 PF, 2 VF). */
export const SRIOV_ROLE = { none: 0, pf: 1, vf: 2 } as const;
export type SriovRole = (typeof SRIOV_ROLE)[keyof typeof SRIOV_ROLE];

/** A network interface ("nif") of one network namespace. */
export interface Nif {
  readonly netns: NetworkNamespace;
  readonly index: number;
  readonly name: string;
  /** Kernel ifalias (IFLA_IFALIAS); decorators overwrite it with the engine's network name. */
  alias: string;
  /** Kernel IFLA_INFO_KIND, '' when the link has none (physical devices, lo). */
  readonly kind: string;
  /** Secondary kind of a bridge/bond port (IFLA_INFO_SLAVE_KIND), '' if none. */
  readonly slaveKind: string;
  /** ARPHRD_* link type (ifi_type). */
  readonly linkType: number;
  /** L2 address as lowercase colon hex; '' when the link has none. */
  readonly mac: string;
  readonly broadcastMac: string;
  readonly mtu: number;
  readonly operState: OperState;
  /** IFF_* flags. */
  readonly flags: number;
  readonly up: boolean;
  readonly promisc: boolean;
  readonly loopback: boolean;
  /** No link kind and not loopback. */
  readonly physical: boolean;
  readonly txQueueLen: number;
  readonly qdisc: string;
  /** Raw relation attributes as the kernel sent them (indexes are in the netns named by linkNetnsId). */
  readonly raw: {
    readonly masterIndex: number | undefined;
    readonly linkIndex: number | undefined;
    readonly linkNetnsId: number | undefined;
  };
  readonly kindData: NifKindData | undefined;
  driverInfo: DriverInfo | undefined;
  sriovRole: SriovRole;
  readonly addresses: NifAddress[];
  /** Decorator labels (src/decorators, e.g. `gostwire/network/name`); empty when undecorated. */
  readonly labels: Record<string, string>;
  // --- relations (resolved after all namespaces were read)
  /** Bridge (or bond/vrf) this nif is a port of. */
  master: Nif | undefined;
  /** Ports of this bridge/bond/vrf. */
  readonly ports: Nif[];
  /** veth peer. */
  peer: Nif | undefined;
  /** Lower device of macvlan/macvtap/ipvlan/vlan. */
  lower: Nif | undefined;
  /** Upper devices stacked on this one (macvlan, ipvlan, vlan). */
  readonly uppers: Nif[];
  /** Underlay of a vxlan/geneve. */
  underlay: Nif | undefined;
  /** VXLANs using this nif as underlay. */
  readonly overlays: Nif[];
  /** SR-IOV: the PF of a VF. */
  pf: Nif | undefined;
  /** SR-IOV: the VFs of a PF. */
  readonly vfs: Nif[];
}

/** Fields a nif gets from relation resolution, ethtool/sysfs and decorators (empty when new). */
type NifLaterFields =
  | 'driverInfo'
  | 'sriovRole'
  | 'addresses'
  | 'labels'
  | 'master'
  | 'ports'
  | 'peer'
  | 'lower'
  | 'uppers'
  | 'underlay'
  | 'overlays'
  | 'pf'
  | 'vfs';

/** What a nif is made from: everything the link message itself says. */
export type NifLinkFields = Omit<Nif, NifLaterFields>;

/** A nif without addresses, relations, driver info or labels yet. */
export function newNif(fields: NifLinkFields): Nif {
  return {
    ...fields,
    driverInfo: undefined,
    sriovRole: SRIOV_ROLE.none,
    addresses: [],
    labels: {},
    master: undefined,
    ports: [],
    peer: undefined,
    lower: undefined,
    uppers: [],
    underlay: undefined,
    overlays: [],
    pf: undefined,
    vfs: [],
  };
}

/** A route (RTM_NEWROUTE), any table, v4 or v6. */
export interface Route {
  readonly family: 4 | 6;
  /** RTN_* type number. */
  readonly type: number;
  readonly table: number;
  /** Destination text ('0.0.0.0' / '::' for default). */
  readonly destination: string;
  readonly destinationPrefixLen: number;
  readonly source: string | undefined;
  readonly sourcePrefixLen: number;
  readonly prefSource: string | undefined;
  readonly gateway: string | undefined;
  /** Output interface (undefined when the route has none, e.g. blackhole, multipath). */
  readonly oif: Nif | undefined;
  readonly oifIndex: number | undefined;
  readonly metric: number;
  /** RTPROT_* number. */
  readonly protocol: number;
  /** RT_SCOPE_* number. */
  readonly scope: number;
  readonly tos: number;
  readonly flags: number;
  /** IPv6 router preference (RTA_PREF: 0 medium, 1 high, 3 low), if sent. */
  readonly pref: number | undefined;
  readonly multipath: readonly NextHop[];
}

/** One next hop of a multipath route. */
export interface NextHop {
  readonly gateway: string | undefined;
  readonly oif: Nif | undefined;
  readonly oifIndex: number;
  readonly weight: number;
  readonly flags: number;
}

/** A policy routing rule (RTM_NEWRULE). */
export interface Rule {
  readonly family: 4 | 6;
  readonly priority: number;
  readonly table: number;
  /** FR_ACT_* action number. */
  readonly action: number;
  readonly src: string | undefined;
  readonly srcLen: number;
  readonly dst: string | undefined;
  readonly dstLen: number;
  readonly iifName: string | undefined;
  readonly oifName: string | undefined;
  readonly fwmark: number | undefined;
  readonly fwmask: number | undefined;
  readonly tos: number;
  readonly invert: boolean;
  readonly protocol: number | undefined;
}

/** The network side of one network namespace. */
export interface NetworkNamespace {
  /** The namespace object from namespace discovery. */
  readonly ns: Namespace;
  /** Nifs by ifindex. */
  readonly nifs: Map<number, Nif>;
  readonly routes: Route[];
  readonly rules: Rule[];
  /** NSIDs this netns has assigned to other netns (nsid → that netns). */
  readonly nsids: Map<number, NetworkNamespace>;
}

/** Result of network discovery over all network namespaces. */
export interface NetworkModel {
  /** By netns inode. */
  readonly netns: Map<number, NetworkNamespace>;
}
