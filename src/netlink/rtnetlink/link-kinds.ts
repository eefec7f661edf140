// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/link-kinds
 *
 * Decoders of IFLA_INFO_DATA (inside IFLA_LINKINFO, `linux/if_link.h`) per link kind: bridge,
 * macvlan/macvtap, ipvlan/ipvtap, vlan, vxlan, geneve, tun, bond and vrf into typed
 * {@link LinkKindData}; veth and wireguard carry no data here; other kinds pass through by name.
 * Attributes a kernel does not send are absent (or their documented default).
 */
import type { AttrCursor } from '../core/attr.js';
import { formatHex } from '../core/ip.js';
import { type Mutable } from './common.js';
import * as C from './constants.js';
import type {
  BondData,
  BridgeData,
  GeneveData,
  IpvlanData,
  LinkKindData,
  MacvlanData,
  TunData,
  VlanData,
  VxlanData,
} from './types.js';

/** MACVLAN_MODE_* number → name as iproute2 prints it. */
export const MACVLAN_MODE_NAMES: Readonly<Record<number, string>> = {
  [C.MACVLAN_MODE_PRIVATE]: 'private',
  [C.MACVLAN_MODE_VEPA]: 'vepa',
  [C.MACVLAN_MODE_BRIDGE]: 'bridge',
  [C.MACVLAN_MODE_PASSTHRU]: 'passthru',
  [C.MACVLAN_MODE_SOURCE]: 'source',
};

/** IPVLAN_MODE_* number → name. */
export const IPVLAN_MODE_NAMES: Readonly<Record<number, string>> = {
  [C.IPVLAN_MODE_L2]: 'l2',
  [C.IPVLAN_MODE_L3]: 'l3',
  [C.IPVLAN_MODE_L3S]: 'l3s',
};

/** BOND_MODE_* number → name as in `/sys/class/net/<bond>/bonding/mode`. */
export const BOND_MODE_NAMES: Readonly<Record<number, string>> = {
  [C.BOND_MODE_ROUNDROBIN]: 'balance-rr',
  [C.BOND_MODE_ACTIVEBACKUP]: 'active-backup',
  [C.BOND_MODE_XOR]: 'balance-xor',
  [C.BOND_MODE_BROADCAST]: 'broadcast',
  [C.BOND_MODE_8023AD]: '802.3ad',
  [C.BOND_MODE_TLB]: 'balance-tlb',
  [C.BOND_MODE_ALB]: 'balance-alb',
};

function modeName(names: Readonly<Record<number, string>>, n: number): string {
  return names[n] ?? `unknown(${n})`;
}

/** `struct ifla_bridge_id` (2 priority bytes + 6 address bytes) as sysfs prints it: `8000.aabbccddeeff`. */
function bridgeId(c: AttrCursor): string {
  if (c.dataLength < 8) return c.hex();
  return `${formatHex(c.buf, c.dataStart, 2)}.${formatHex(c.buf, c.dataStart + 2, 6)}`;
}

function decodeBridge(c: AttrCursor): BridgeData {
  const d: Mutable<BridgeData> = { kind: 'bridge' };
  while (c.next()) {
    switch (c.type) {
      case C.IFLA_BR_FORWARD_DELAY:
        d.forwardDelay = c.u32();
        break;
      case C.IFLA_BR_HELLO_TIME:
        d.helloTime = c.u32();
        break;
      case C.IFLA_BR_MAX_AGE:
        d.maxAge = c.u32();
        break;
      case C.IFLA_BR_AGEING_TIME:
        d.ageingTime = c.u32();
        break;
      case C.IFLA_BR_STP_STATE:
        d.stpState = c.u32();
        break;
      case C.IFLA_BR_PRIORITY:
        d.priority = c.u16();
        break;
      case C.IFLA_BR_VLAN_FILTERING:
        d.vlanFiltering = c.u8() !== 0;
        break;
      case C.IFLA_BR_VLAN_PROTOCOL:
        d.vlanProtocol = c.be16();
        break;
      case C.IFLA_BR_BRIDGE_ID:
        d.bridgeId = bridgeId(c);
        break;
      case C.IFLA_BR_ROOT_ID:
        d.rootId = bridgeId(c);
        break;
      case C.IFLA_BR_VLAN_DEFAULT_PVID:
        d.vlanDefaultPvid = c.u16();
        break;
      case C.IFLA_BR_MCAST_SNOOPING:
        d.multicastSnooping = c.u8() !== 0;
        break;
      default:
        break;
    }
  }
  return d;
}

function decodeMacvlan(kind: 'macvlan' | 'macvtap', c: AttrCursor | undefined): MacvlanData {
  let mode = 0;
  let flags: number | undefined;
  if (c !== undefined) {
    while (c.next()) {
      if (c.type === C.IFLA_MACVLAN_MODE) mode = c.u32();
      else if (c.type === C.IFLA_MACVLAN_FLAGS) flags = c.u16();
    }
  }
  const d: Mutable<MacvlanData> = {
    kind,
    mode: modeName(MACVLAN_MODE_NAMES, mode),
    modeNumber: mode,
  };
  if (flags !== undefined) d.flags = flags;
  return d;
}

function decodeIpvlan(kind: 'ipvlan' | 'ipvtap', c: AttrCursor | undefined): IpvlanData {
  let mode = 0;
  let flags: number | undefined;
  if (c !== undefined) {
    while (c.next()) {
      if (c.type === C.IFLA_IPVLAN_MODE) mode = c.u16();
      else if (c.type === C.IFLA_IPVLAN_FLAGS) flags = c.u16();
    }
  }
  const d: Mutable<IpvlanData> = {
    kind,
    mode: modeName(IPVLAN_MODE_NAMES, mode),
    modeNumber: mode,
  };
  if (flags !== undefined) d.flags = flags;
  return d;
}

function decodeVlan(c: AttrCursor | undefined): VlanData {
  const d: Mutable<VlanData> = { kind: 'vlan', vid: 0, protocol: 0x8100 };
  if (c !== undefined) {
    while (c.next()) {
      switch (c.type) {
        case C.IFLA_VLAN_ID:
          d.vid = c.u16();
          break;
        case C.IFLA_VLAN_PROTOCOL:
          d.protocol = c.be16();
          break;
        case C.IFLA_VLAN_FLAGS:
          d.flags = c.u32();
          break; // struct ifla_vlan_flags { flags; mask; }
        default:
          break;
      }
    }
  }
  return d;
}

function decodeVxlan(c: AttrCursor | undefined): VxlanData {
  const d: Mutable<VxlanData> = {
    kind: 'vxlan',
    vni: 0,
    port: 0,
    portLow: 0,
    portHigh: 0,
    ttl: 0,
    tos: 0,
    proxy: false,
  };
  if (c !== undefined) {
    while (c.next()) {
      switch (c.type) {
        case C.IFLA_VXLAN_ID:
          d.vni = c.u32();
          break;
        case C.IFLA_VXLAN_GROUP:
          d.group4 = c.ipv4();
          break;
        case C.IFLA_VXLAN_GROUP6:
          d.group6 = c.ipv6();
          break;
        case C.IFLA_VXLAN_LOCAL:
          d.local4 = c.ipv4();
          break;
        case C.IFLA_VXLAN_LOCAL6:
          d.local6 = c.ipv6();
          break;
        case C.IFLA_VXLAN_LINK:
          d.linkIndex = c.u32();
          break;
        case C.IFLA_VXLAN_TTL:
          d.ttl = c.u8();
          break;
        case C.IFLA_VXLAN_TOS:
          d.tos = c.u8();
          break;
        case C.IFLA_VXLAN_LEARNING:
          d.learning = c.u8() !== 0;
          break;
        case C.IFLA_VXLAN_PROXY:
          d.proxy = c.u8() !== 0;
          break;
        case C.IFLA_VXLAN_PORT:
          d.port = c.be16();
          break; // __be16 (nla_put_be16)
        case C.IFLA_VXLAN_PORT_RANGE: {
          // struct ifla_vxlan_port_range { __be16 low; __be16 high; }
          c.need(4, 'ifla_vxlan_port_range');
          d.portLow = c.buf.readUInt16BE(c.dataStart);
          d.portHigh = c.buf.readUInt16BE(c.dataStart + 2);
          break;
        }
        default:
          break;
      }
    }
  }
  return d;
}

function decodeGeneve(c: AttrCursor | undefined): GeneveData {
  const d: Mutable<GeneveData> = { kind: 'geneve', vni: 0, port: 0, ttl: 0, tos: 0 };
  if (c !== undefined) {
    while (c.next()) {
      switch (c.type) {
        case C.IFLA_GENEVE_ID:
          d.vni = c.u32();
          break;
        case C.IFLA_GENEVE_REMOTE:
          d.remote4 = c.ipv4();
          break;
        case C.IFLA_GENEVE_REMOTE6:
          d.remote6 = c.ipv6();
          break;
        case C.IFLA_GENEVE_TTL:
          d.ttl = c.u8();
          break;
        case C.IFLA_GENEVE_TOS:
          d.tos = c.u8();
          break;
        case C.IFLA_GENEVE_PORT:
          d.port = c.be16();
          break; // __be16
        default:
          break;
      }
    }
  }
  return d;
}

function decodeTun(c: AttrCursor | undefined): TunData {
  const d: Mutable<TunData> = { kind: 'tun', mode: 'tun' };
  if (c !== undefined) {
    while (c.next()) {
      switch (c.type) {
        case C.IFLA_TUN_TYPE:
          d.mode = c.u8() === C.IFF_TAP ? 'tap' : 'tun';
          break;
        case C.IFLA_TUN_OWNER:
          d.owner = c.u32();
          break;
        case C.IFLA_TUN_GROUP:
          d.group = c.u32();
          break;
        case C.IFLA_TUN_PI:
          d.pi = c.u8() !== 0;
          break;
        case C.IFLA_TUN_VNET_HDR:
          d.vnetHdr = c.u8() !== 0;
          break;
        case C.IFLA_TUN_PERSIST:
          d.persist = c.u8() !== 0;
          break;
        case C.IFLA_TUN_MULTI_QUEUE:
          d.multiQueue = c.u8() !== 0;
          break;
        case C.IFLA_TUN_NUM_QUEUES:
          d.numQueues = c.u32();
          break;
        case C.IFLA_TUN_NUM_DISABLED_QUEUES:
          d.numDisabledQueues = c.u32();
          break;
        default:
          break;
      }
    }
  }
  return d;
}

function decodeBond(c: AttrCursor | undefined): BondData {
  let mode = 0;
  let activeSlave: number | undefined;
  let miimon: number | undefined;
  if (c !== undefined) {
    while (c.next()) {
      if (c.type === C.IFLA_BOND_MODE) mode = c.u8();
      else if (c.type === C.IFLA_BOND_ACTIVE_SLAVE) activeSlave = c.u32();
      else if (c.type === C.IFLA_BOND_MIIMON) miimon = c.u32();
    }
  }
  const d: Mutable<BondData> = { kind: 'bond', mode, modeName: modeName(BOND_MODE_NAMES, mode) };
  if (activeSlave !== undefined) d.activeSlave = activeSlave;
  if (miimon !== undefined) d.miimon = miimon;
  return d;
}

function decodeVrf(c: AttrCursor | undefined): LinkKindData {
  let table = 0;
  if (c !== undefined) while (c.next()) if (c.type === C.IFLA_VRF_TABLE) table = c.u32();
  return { kind: 'vrf', table };
}

/** Decodes IFLA_INFO_DATA for `kind`; `data` is undefined when the kernel sent none. */
export function decodeKindData(kind: string, data: AttrCursor | undefined): LinkKindData {
  switch (kind) {
    case 'veth':
      return { kind: 'veth' };
    case 'bridge':
      return data === undefined ? { kind: 'bridge' } : decodeBridge(data);
    case 'macvlan':
    case 'macvtap':
      return decodeMacvlan(kind, data);
    case 'ipvlan':
    case 'ipvtap':
      return decodeIpvlan(kind, data);
    case 'vlan':
      return decodeVlan(data);
    case 'vxlan':
      return decodeVxlan(data);
    case 'geneve':
      return decodeGeneve(data);
    case 'tun':
      return decodeTun(data);
    case 'bond':
      return decodeBond(data);
    case 'vrf':
      return decodeVrf(data);
    case 'wireguard':
      return { kind: 'wireguard' };
    default:
      return { kind: 'other', name: kind };
  }
}
