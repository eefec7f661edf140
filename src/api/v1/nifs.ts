// SPDX-License-Identifier: MIT
/**
 * @module api/v1/nifs
 *
 * Maps one network interface (nif) of the model onto its v1 `network-interfaces` entry:
 * addresses, driver info, the relations (master, macvlan, slaves, peer, underlay, PF) as ID
 * references, and the kind-specific objects (tuntap, vxlan, vlan). Relations to nifs outside
 * the document are dropped. Decisions that depart from the Go engine: docs/api-v1.md.
 */
import type { Nif, NifAddress } from '../../model/network.js';
import { nifIdOf } from './ids.js';
import type {
  AddressV1,
  DriverInfoV1,
  NetworkInterfaceV1,
  NifRefV1,
  OwnerV1,
  VxlanV1,
} from './types.js';

// ARPHRD_NONE (include/uapi/linux/if_arp.h): what a TUN (L3) device reports as link type.
const ARPHRD_NONE = 0xfffe;

/** v1 `kind`: kernel `tun` is `tuntap`, everything else verbatim ('' for no kind). */
export function v1Kind(kind: string): string {
  return kind === 'tun' ? 'tuntap' : kind;
}

/** A v1 reference to a nif (`idref`, index, name). */
export function nifRef(nif: Nif): NifRefV1 {
  return { idref: nifIdOf(nif), index: nif.index, name: nif.name };
}

function addressV1(a: NifAddress, index: number): AddressV1 {
  return {
    family: a.family === 4 ? 2 : 10,
    address: a.address,
    prefixlen: a.prefixLen,
    'preferred-lifetime': a.preferredLifetime,
    'valid-lifetime': a.validLifetime,
    scope: a.scope,
    index,
  };
}

function driverInfoV1(nif: Nif): DriverInfoV1 {
  const d = nif.driverInfo;
  if (!nif.physical || d === undefined) return { driver: '' };
  const out: DriverInfoV1 = { driver: d.driver };
  if (d.version !== '') out.version = d.version;
  if (d.fwVersion !== '') out.fwversion = d.fwVersion;
  if (d.busInfo !== '') out.businfo = d.busInfo;
  if (d.eromVersion !== '') out.eromversion = d.eromVersion;
  return out;
}

const MACVLAN_KINDS = new Set(['macvlan', 'macvtap']);
const LOWER_AS_MASTER_KINDS = new Set(['vlan', 'ipvlan', 'ipvtap']);

function tuntapMode(nif: Nif): 'tun' | 'tap' {
  if (nif.kindData?.kind === 'tun') return nif.kindData.mode;
  return nif.linkType === ARPHRD_NONE ? 'tun' : 'tap';
}

function vxlanV1(nif: Nif, inDoc: (n: Nif | undefined) => n is Nif): VxlanV1 | undefined {
  const d = nif.kindData;
  if (d?.kind !== 'vxlan') return undefined;
  const out = {
    idref: inDoc(nif.underlay) ? nifIdOf(nif.underlay) : '',
    vid: d.vni,
    'arp-proxy': d.proxy,
  } as VxlanV1;
  if (d.local4 !== undefined || d.local6 !== undefined) {
    out.source = {};
    if (d.local4 !== undefined) out.source.source_ipv4 = d.local4;
    if (d.local6 !== undefined) out.source.source_ipv6 = d.local6;
  }
  out['source-portrange'] = { low: d.portLow, high: d.portHigh };
  if (d.group4 !== undefined || d.group6 !== undefined) {
    out.remote = {};
    if (d.group4 !== undefined) out.remote.remote_ipv4 = d.group4;
    if (d.group6 !== undefined) out.remote.remote_ipv6 = d.group6;
  }
  out['remote-port'] = d.port;
  return out;
}

function byIndex(a: Nif, b: Nif): number {
  const d = a.netns.ns.id.ino - b.netns.ns.id.ino;
  return d !== 0 ? d : a.index - b.index;
}

/**
 * Maps one nif; relations to nifs outside the document (`inDoc` false) are dropped.
 * `processors` are the `tuntap.processors` of a tun/tap nif (default none).
 */
export function nifV1(
  nif: Nif,
  inDoc: (n: Nif | undefined) => n is Nif,
  processors: OwnerV1[] = [],
): NetworkInterfaceV1 {
  const ipv4: AddressV1[] = [];
  const ipv6: AddressV1[] = [];
  for (const a of nif.addresses) (a.family === 4 ? ipv4 : ipv6).push(addressV1(a, nif.index));
  const out = { id: nifIdOf(nif), kind: v1Kind(nif.kind), name: nif.name } as NetworkInterfaceV1;
  if (nif.alias !== '') out.alias = nif.alias;
  out.index = nif.index;
  out.addresses = { mac: nif.mac === '' ? '00:00:00:00:00:00' : nif.mac, ipv4, ipv6 };
  out.operstate = nif.operState;
  out.physical = nif.physical;
  out.driverinfo = driverInfoV1(nif);
  out.promisc = nif.promisc;
  if (Object.keys(nif.labels).length > 0) out.labels = { ...nif.labels };

  const master = inDoc(nif.master)
    ? nif.master
    : LOWER_AS_MASTER_KINDS.has(nif.kind) && inDoc(nif.lower)
      ? nif.lower
      : undefined;
  if (master !== undefined) out.master = nifRef(master);
  if (MACVLAN_KINDS.has(nif.kind) && inDoc(nif.lower)) out.macvlan = nifRef(nif.lower);
  const macvlans = nif.uppers.filter((u) => MACVLAN_KINDS.has(u.kind) && inDoc(u)).sort(byIndex);
  if (macvlans.length > 0) out.macvlans = macvlans.map(nifRef);
  const slaves = [
    ...nif.ports,
    ...nif.overlays,
    ...nif.uppers.filter((u) => !MACVLAN_KINDS.has(u.kind)),
    ...nif.vfs,
  ].filter(inDoc);
  const uniqueSlaves = [...new Set(slaves)];
  if (uniqueSlaves.length > 0) out.slaves = uniqueSlaves.map(nifRef);
  if (inDoc(nif.peer)) {
    out.peer = {
      'peer-idref': nifIdOf(nif.peer),
      'peer-index': nif.peer.index,
      'peer-name': nif.peer.name,
    };
  }
  if (nif.kind === 'tun') out.tuntap = { mode: tuntapMode(nif), processors };
  const vx = vxlanV1(nif, inDoc);
  if (vx !== undefined) out.vxlan = vx;
  if (nif.kindData?.kind === 'vlan')
    out.vlan = { vid: nif.kindData.vid, 'vlan-protocol': nif.kindData.protocol };
  if (nif.sriovRole !== 0) out['sr-iov-role'] = nif.sriovRole;
  if (inDoc(nif.pf)) out.pf = nifRef(nif.pf);
  return out;
}
