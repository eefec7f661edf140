// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/types
 *
 * Decoded rtnetlink messages: plain, JSON-safe objects with camelCase fields, one interface per
 * message family (links, addresses, routes, rules, NSIDs). These are the codec's outputs; the
 * `network/` layer maps them into the model. Field comments name the uapi source
 * (`linux/rtnetlink.h`, `linux/if_link.h`, `linux/if_addr.h`, `linux/fib_rules.h`,
 * `linux/net_namespace.h`) and say when a field may be absent.
 *
 * IP addresses are text (dotted IPv4, RFC 5952 IPv6, lower case); L2 addresses are lower-case
 * colon hex (`aa:bb:cc:dd:ee:ff`).
 */

/** An IP address with its family, as in RTA_VIA (`struct rtvia`). */
export interface ViaAddress {
  /** AF_INET (2), AF_INET6 (10) or another address family number. */
  readonly family: number;
  /** Text form for AF_INET/AF_INET6; lower-case hex bytes for other families. */
  readonly address: string;
}

/**
 * Kind-specific link data from IFLA_LINKINFO/IFLA_INFO_DATA, discriminated by `kind`.
 * Fields the kernel did not send are absent (or, where marked, default to 0/false).
 * Unknown kinds become `{ kind: 'other', name }`.
 */
export type LinkKindData =
  | VethData
  | BridgeData
  | MacvlanData
  | IpvlanData
  | VlanData
  | VxlanData
  | GeneveData
  | TunData
  | BondData
  | VrfData
  | WireguardData
  | OtherKindData;

/** veth: the kernel sends no IFLA_INFO_DATA in dumps (IFLA_VETH_PEER exists only in requests). */
export interface VethData {
  readonly kind: 'veth';
}

/**
 * bridge (IFLA_BR_*). Times are in USER_HZ hundredths of a second as the kernel reports them
 * (`jiffies_to_clock_t`), e.g. forwardDelay 1500 = 15 s.
 */
export interface BridgeData {
  readonly kind: 'bridge';
  readonly forwardDelay?: number;
  readonly helloTime?: number;
  readonly maxAge?: number;
  readonly ageingTime?: number;
  /** 0 disabled, 1 kernel STP, 2 user STP. */
  readonly stpState?: number;
  readonly priority?: number;
  readonly vlanFiltering?: boolean;
  /** Ethertype in host order, e.g. 0x8100 (the kernel sends it big-endian). */
  readonly vlanProtocol?: number;
  /** `prio.mac` as in sysfs, e.g. `8000.aabbccddeeff`. */
  readonly bridgeId?: string;
  readonly rootId?: string;
  readonly vlanDefaultPvid?: number;
  readonly multicastSnooping?: boolean;
}

/** macvlan / macvtap (IFLA_MACVLAN_*). */
export interface MacvlanData {
  readonly kind: 'macvlan' | 'macvtap';
  /** private, vepa, bridge, passthru, source, or `unknown(<n>)`. */
  readonly mode: string;
  readonly modeNumber: number;
  readonly flags?: number;
}

/** ipvlan / ipvtap (IFLA_IPVLAN_*). */
export interface IpvlanData {
  readonly kind: 'ipvlan' | 'ipvtap';
  /** l2, l3, l3s, or `unknown(<n>)`. */
  readonly mode: string;
  readonly modeNumber: number;
  readonly flags?: number;
}

/** 802.1Q/802.1ad VLAN (IFLA_VLAN_*). */
export interface VlanData {
  readonly kind: 'vlan';
  /** VLAN id (0 when absent). */
  readonly vid: number;
  /** Ethertype in host order: 0x8100 (802.1Q) or 0x88a8 (802.1ad); 0x8100 when absent. */
  readonly protocol: number;
  /** VLAN_FLAG_* (from `struct ifla_vlan_flags`.flags). */
  readonly flags?: number;
}

/** VXLAN (IFLA_VXLAN_*). Ports are converted from network to host byte order. */
export interface VxlanData {
  readonly kind: 'vxlan';
  /** VNI (IFLA_VXLAN_ID), 0 when absent. */
  readonly vni: number;
  readonly group4?: string;
  readonly group6?: string;
  readonly local4?: string;
  readonly local6?: string;
  /** UDP destination port (IFLA_VXLAN_PORT), 0 when absent. */
  readonly port: number;
  /** Source port range (IFLA_VXLAN_PORT_RANGE), 0/0 when absent. */
  readonly portLow: number;
  readonly portHigh: number;
  readonly ttl: number;
  readonly tos: number;
  readonly learning?: boolean;
  /** IFLA_VXLAN_PROXY, false when absent. */
  readonly proxy: boolean;
  /** Underlay ifindex (IFLA_VXLAN_LINK), if bound to one. */
  readonly linkIndex?: number;
}

/** GENEVE (IFLA_GENEVE_*). */
export interface GeneveData {
  readonly kind: 'geneve';
  /** VNI (IFLA_GENEVE_ID), 0 when absent. */
  readonly vni: number;
  readonly remote4?: string;
  readonly remote6?: string;
  /** UDP port in host order (the kernel sends network order), 0 when absent. */
  readonly port: number;
  readonly ttl: number;
  readonly tos: number;
}

/** tun/tap (IFLA_TUN_*; dumps only since Linux 4.20). */
export interface TunData {
  readonly kind: 'tun';
  /** From IFLA_TUN_TYPE (IFF_TUN 1 / IFF_TAP 2); 'tun' when absent. */
  readonly mode: 'tun' | 'tap';
  readonly owner?: number;
  readonly group?: number;
  readonly pi?: boolean;
  readonly vnetHdr?: boolean;
  readonly persist?: boolean;
  readonly multiQueue?: boolean;
  readonly numQueues?: number;
  readonly numDisabledQueues?: number;
}

/** bonding master (IFLA_BOND_*). */
export interface BondData {
  readonly kind: 'bond';
  /** BOND_MODE_* number (0 when absent = balance-rr). */
  readonly mode: number;
  /** balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb. */
  readonly modeName: string;
  readonly activeSlave?: number;
  readonly miimon?: number;
}

/** VRF master (IFLA_VRF_TABLE). */
export interface VrfData {
  readonly kind: 'vrf';
  /** Routing table id, 0 when absent. */
  readonly table: number;
}

/** WireGuard: configuration is only available over generic netlink, not in IFLA_INFO_DATA. */
export interface WireguardData {
  readonly kind: 'wireguard';
}

/** Any kind without a decoder here; the kind name is passed through. */
export interface OtherKindData {
  readonly kind: 'other';
  readonly name: string;
}

/** A decoded RTM_NEWLINK (`struct ifinfomsg` + IFLA_* attributes, `linux/rtnetlink.h`, `linux/if_link.h`). */
export interface LinkMessage {
  /** ifi_family (normally AF_UNSPEC). */
  readonly family: number;
  /** ifi_index. */
  readonly index: number;
  /** ifi_type: ARPHRD_* link type. */
  readonly type: number;
  /** ifi_flags: IFF_* flags. */
  readonly flags: number;
  /** ifi_change. */
  readonly change: number;
  /** IFLA_IFNAME ('' if absent, which the kernel never does in dumps). */
  readonly name: string;
  /** IFLA_MTU (0 if absent). */
  readonly mtu: number;
  /** IFLA_OPERSTATE: IF_OPER_* number (0 UNKNOWN ... 6 UP); 0 when absent. */
  readonly operState: number;
  /** IFLA_ADDRESS as colon hex; '' when the link has none. */
  readonly mac: string;
  /** IFLA_BROADCAST as colon hex; '' when absent. */
  readonly broadcast: string;
  /** IFLA_PERM_ADDRESS (Linux 5.5+), if sent. */
  readonly permMac?: string;
  /** IFLA_IFALIAS ('' when none). */
  readonly alias: string;
  /** IFLA_MASTER: ifindex of the bridge/bond/vrf this link is a port of. */
  readonly masterIndex?: number;
  /** IFLA_LINK: lower/peer ifindex (in the netns named by linkNetnsId when that is present). */
  readonly linkIndex?: number;
  /** IFLA_LINK_NETNSID: NSID (as seen from this netns) of the netns holding linkIndex. */
  readonly linkNetnsId?: number;
  /** IFLA_TXQLEN (0 if absent). */
  readonly txQueueLen: number;
  /** IFLA_QDISC ('' if absent). */
  readonly qdisc: string;
  /** IFLA_GROUP, if sent. */
  readonly group?: number;
  /** IFLA_PROMISCUITY, if sent. */
  readonly promiscuity?: number;
  /** IFLA_CARRIER, if sent. */
  readonly carrier?: boolean;
  /** IFLA_LINKMODE, if sent. */
  readonly linkMode?: number;
  /** IFLA_NUM_TX_QUEUES / IFLA_NUM_RX_QUEUES, if sent. */
  readonly numTxQueues?: number;
  readonly numRxQueues?: number;
  /** IFLA_NUM_VF: number of SR-IOV VFs of a PF (only sent for PCI devices with VFs, and with RTEXT_FILTER_VF). */
  readonly numVf?: number;
  /** IFLA_PARENT_DEV_NAME (Linux 5.13+), e.g. PCI address `0000:3b:00.1`. */
  readonly parentDevName?: string;
  /** IFLA_PARENT_DEV_BUS_NAME (Linux 5.13+), e.g. `pci`. */
  readonly parentDevBusName?: string;
  /** IFLA_INFO_KIND ('veth', 'bridge', ...), absent for physical devices and lo. */
  readonly kind?: string;
  /** IFLA_INFO_SLAVE_KIND ('bridge', 'bond', 'vrf', ...) of a port. */
  readonly slaveKind?: string;
  /** Decoded IFLA_INFO_DATA (present whenever `kind` is). */
  readonly data?: LinkKindData;
}

/** IFA_CACHEINFO (`struct ifa_cacheinfo`, `linux/if_addr.h`). */
export interface AddressCacheInfo {
  /** Seconds; 0xffffffff = forever. */
  readonly preferredLifetime: number;
  readonly validLifetime: number;
  /** Hundredths of a second since boot. */
  readonly created: number;
  readonly updated: number;
}

/** A decoded RTM_NEWADDR (`struct ifaddrmsg` + IFA_* attributes, `linux/if_addr.h`). */
export interface AddressMessage {
  /** AF_INET (2) or AF_INET6 (10). */
  readonly family: number;
  readonly prefixLen: number;
  /** IFA_FLAGS when present (32 bit), else ifa_flags (8 bit). */
  readonly flags: number;
  /** RT_SCOPE_* number. */
  readonly scope: number;
  /** ifa_index: ifindex of the link. */
  readonly index: number;
  /** IFA_ADDRESS (on point-to-point links the peer address). */
  readonly address?: string;
  /** IFA_LOCAL (IPv4: the local address; absent on IPv6). */
  readonly local?: string;
  /** IFA_LABEL (IPv4 only). */
  readonly label?: string;
  readonly broadcast?: string;
  readonly anycast?: string;
  readonly multicast?: string;
  readonly cacheInfo?: AddressCacheInfo;
  /** IFA_RT_PRIORITY (metric of the prefix route), if sent. */
  readonly rtPriority?: number;
  /** IFA_PROTO (Linux 5.18+), if sent. */
  readonly protocol?: number;
}

/** One `struct rtnexthop` of RTA_MULTIPATH with its nested attributes. */
export interface NextHopMessage {
  /** rtnh_flags: RTNH_F_*. */
  readonly flags: number;
  /** rtnh_hops: weight - 1. */
  readonly hops: number;
  /** rtnh_hops + 1. */
  readonly weight: number;
  /** rtnh_ifindex. */
  readonly ifIndex: number;
  readonly gateway?: string;
  readonly via?: ViaAddress;
}

/** Route metrics (RTA_METRICS nested RTAX_* u32 values). */
export interface RouteMetrics {
  /** RTAX_MTU, if set. */
  readonly mtu?: number;
  /** RTAX_ADVMSS, if set. */
  readonly advmss?: number;
  /** RTAX_HOPLIMIT, if set. */
  readonly hopLimit?: number;
  /** Every RTAX_* value by number (u32 values; RTAX_CC_ALGO is a string and kept as its text). */
  readonly raw: Readonly<Record<number, number | string>>;
}

/** A decoded RTM_NEWROUTE (`struct rtmsg` + RTA_* attributes, `linux/rtnetlink.h`). */
export interface RouteMessage {
  readonly family: number;
  readonly dstLen: number;
  readonly srcLen: number;
  readonly tos: number;
  /** RTA_TABLE when present, else rtm_table. */
  readonly table: number;
  /** RTPROT_* number. */
  readonly protocol: number;
  /** RT_SCOPE_* number. */
  readonly scope: number;
  /** RTN_* number. */
  readonly type: number;
  /** rtm_flags: RTM_F_* / RTNH_F_*. */
  readonly flags: number;
  readonly dst?: string;
  readonly src?: string;
  readonly gateway?: string;
  readonly via?: ViaAddress;
  /** RTA_OIF ifindex. */
  readonly oif?: number;
  /** RTA_IIF ifindex. */
  readonly iif?: number;
  /** RTA_PRIORITY (metric). */
  readonly priority?: number;
  readonly prefSrc?: string;
  /** RTA_PREF (IPv6 router preference: 0 medium, 1 high, 3 low). */
  readonly pref?: number;
  readonly multipath?: readonly NextHopMessage[];
  readonly metrics?: RouteMetrics;
  /** RTA_EXPIRES (IPv6, seconds), if sent. */
  readonly expires?: number;
  /** RTA_MARK, if sent. */
  readonly mark?: number;
  /** RTA_NH_ID (nexthop object id, Linux 5.3+), if sent. */
  readonly nhId?: number;
}

/** A port range (`struct fib_rule_port_range`) or uid range (`struct fib_rule_uid_range`). */
export interface RuleRange {
  readonly start: number;
  readonly end: number;
}

/** A decoded RTM_NEWRULE (`struct fib_rule_hdr` + FRA_* attributes, `linux/fib_rules.h`). */
export interface RuleMessage {
  readonly family: number;
  readonly dstLen: number;
  readonly srcLen: number;
  readonly tos: number;
  /** FRA_TABLE when present, else the header table. */
  readonly table: number;
  /** FR_ACT_* number. */
  readonly action: number;
  /** FIB_RULE_* flags. */
  readonly flags: number;
  /** FIB_RULE_INVERT set in flags. */
  readonly invert: boolean;
  /** FRA_PRIORITY (0 when absent: the kernel omits it for priority 0). */
  readonly priority: number;
  readonly dst?: string;
  readonly src?: string;
  readonly iifName?: string;
  readonly oifName?: string;
  readonly fwmark?: number;
  readonly fwmask?: number;
  /** FRA_GOTO target priority. */
  readonly goto?: number;
  readonly suppressPrefixLen?: number;
  readonly suppressIfGroup?: number;
  /** FRA_L3MDEV (1 = use the VRF table). */
  readonly l3mdev?: number;
  /** FRA_PROTOCOL (RTPROT_*), Linux 4.17+. */
  readonly protocol?: number;
  readonly ipProto?: number;
  /** FRA_TUN_ID (u64, big-endian on the wire) as decimal text. */
  readonly tunId?: string;
  readonly uidRange?: RuleRange;
  readonly sportRange?: RuleRange;
  readonly dportRange?: RuleRange;
}

/** A decoded RTM_NEWNSID (`struct rtgenmsg` + NETNSA_*, `linux/net_namespace.h`). */
export interface NsidMessage {
  readonly family: number;
  /** NETNSA_NSID: the id this netns assigned to the target; -1 (NETNSA_NSID_NOT_ASSIGNED) = none. */
  readonly nsid: number;
  /** NETNSA_CURRENT_NSID, when the request carried NETNSA_TARGET_NSID. */
  readonly currentNsid?: number;
}
