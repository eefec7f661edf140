// SPDX-License-Identifier: MIT
/**
 * @module api/v1/to-v1
 *
 * Maps a {@link DiscoveryResult} (object graph) onto the v1 wire document (ID references).
 * Object literals are built in the emitted field order of `types.ts`; optional fields are only
 * set when non-empty. Every decision that departs from the Go engine is listed in
 * docs/api-v1.md.
 */
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Namespace } from '../../model/namespace.js';
import type { NetworkNamespace, Nif, NifAddress, Route } from '../../model/network.js';
import type { Port } from '../../model/port.js';
import { schedulingOf, type DnsConfig, type TunTapProcessors } from '../../model/tenant-details.js';
import type { Process } from '../../model/namespace.js';
import type { Tenant } from '../../model/tenant.js';
import { applyContainersV1, containerEnginesV1 } from './containers.js';
import { transportPortsV1 } from './ports.js';
import {
  confinementV1,
  containerIdrefResolver,
  schedulingV1,
  tenantDnsV1,
  tunTapProcessorsV1,
} from './tenants.js';
import type {
  AddressV1,
  ContainerV1,
  DiscoveryResultV1,
  DriverInfoV1,
  MetadataV1,
  NetnsV1,
  NetworkInterfaceV1,
  NifRefV1,
  OwnerV1,
  PidnsV1,
  RouteV1,
  VxlanV1,
} from './types.js';
import { netnsIdOf, nifIdOf, pidnsIdOf, tenantIdOf } from './ids.js';

/** The `creator` text of the v1 metadata. */
export const CREATOR =
  'Gostwire Linux virtual networking topology and configuration discovery engine';
/** The `creator-id` of the v1 metadata (clients check it). */
export const CREATOR_ID = 'gostwire';

/** RTN_* route type names (include/uapi/linux/rtnetlink.h), index = type number. */
export const ROUTE_TYPE_NAMES = [
  'unspec',
  'unicast',
  'local',
  'broadcast',
  'anycast',
  'multicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'nat',
  'xresolve',
] as const;

// ARPHRD_NONE (include/uapi/linux/if_arp.h): what a TUN (L3) device reports as link type.
const ARPHRD_NONE = 0xfffe;

/** Options of {@link toV1}. */
export interface ToV1Options {
  /** `creator-version` (Ghostwire's package version). */
  readonly creatorVersion: string;
  /** Restrict the document to these netns inodes; relations leading outside are dropped. */
  readonly netns?: ReadonlySet<number>;
}

export { netnsIdOf, nifIdOf, pidnsIdOf, tenantIdOf } from './ids.js';

/** v1 `kind`: kernel `tun` is `tuntap`, everything else verbatim ('' for no kind). */
export function v1Kind(kind: string): string {
  return kind === 'tun' ? 'tuntap' : kind;
}

/** v1 route type name (`RouteType(n)` for numbers beyond the known ones, as Go prints them). */
export function routeTypeName(type: number): string {
  return ROUTE_TYPE_NAMES[type] ?? `RouteType(${type})`;
}

/** RTA_PREF (ICMPV6_ROUTER_PREF_*: 0 medium, 1 high, 3 low) as two hex digits; `00` when absent. */
export function routePreference(pref: number | undefined): string {
  return (pref ?? 0).toString(16).padStart(2, '0');
}

/** RFC 3339 UTC timestamp with nanoseconds from Unix epoch nanoseconds. */
export function rfc3339Nano(epochNs: bigint): string {
  const secs = epochNs / 1_000_000_000n;
  const frac = epochNs % 1_000_000_000n;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return `${base}.${frac.toString().padStart(9, '0')}Z`;
}

/** `0x` + 16 lower-case hex digits of a capability set; `0x0` when unknown (Go's fallback). */

/** Per-document lookups for the tenant, TAP/TUN and port fields of a netns. */
interface NetnsExtras {
  readonly dns: ReadonlyMap<number, DnsConfig>;
  readonly processors: TunTapProcessors;
  readonly ports: ReadonlyMap<number, readonly Port[]>;
  /** `container-idref` of the tenant leading a process, if that tenant is in the document. */
  readonly containerIdref: (p: Process) => string | undefined;
}

function nifRef(nif: Nif): NifRefV1 {
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

/** Maps one route, of any routing table (`table` carries the table number). */
export function routeV1(r: Route): RouteV1 {
  const out = {
    type: routeTypeName(r.type),
    family: r.family === 4 ? 2 : 10,
    destination: r.destination,
    'destination-prefixlen': r.destinationPrefixLen,
  } as RouteV1;
  if (r.oifIndex !== undefined && r.oifIndex > 0) {
    out.index = r.oifIndex;
    if (r.oif !== undefined) out['network-interface-idref'] = nifIdOf(r.oif);
  }
  if (r.gateway !== undefined) out['next-hop'] = r.gateway;
  out.preference = routePreference(r.pref);
  out.priority = r.metric;
  out.table = r.table;
  return out;
}

function containerV1(
  t: Tenant,
  pidnsInDoc: ReadonlySet<number>,
  dns: ReadonlyMap<number, DnsConfig>,
): ContainerV1 {
  if (t.type === 'bindmount') {
    return {
      cmdline: '',
      dns: tenantDnsV1(t, dns),
      group: '',
      id: tenantIdOf(t),
      name: t.name,
      prefix: '',
      'api-path': '',
      pid: 0,
      pidns: 0,
      'pidns-idref': '',
      status: '',
      type: 'bindmount',
      'type-text': 'Bind-mounted',
    };
  }
  const p = t.process;
  const pidns = p.namespaces.pid?.id.ino ?? 0;
  const out: ContainerV1 = {
    cmdline: p.cmdline.join(' '),
    dns: tenantDnsV1(t, dns),
    group: '',
    id: tenantIdOf(t),
    name: t.name,
    prefix: '',
    'api-path': '',
    pid: p.pid,
    pidns,
    'pidns-idref': pidnsInDoc.has(pidns) ? pidnsIdOf(pidns) : '',
    ...confinementV1(t.details),
    type: 'proc',
    'type-text': 'Process',
    ...schedulingV1(t.details, schedulingOf(p)),
  };
  return out;
}

/** All network namespaces of the result, the host's first, then by inode. */
export function orderedNetns(result: DiscoveryResult): Namespace[] {
  const seen = new Map<number, Namespace>();
  for (const ns of result.namespaces.byType.net) seen.set(ns.id.ino, ns);
  for (const nn of result.network.netns.values())
    if (!seen.has(nn.ns.id.ino)) seen.set(nn.ns.id.ino, nn.ns);
  const hostIno = result.namespaces.initial.net?.id.ino;
  return [...seen.values()].sort((a, b) => {
    if (a.id.ino === hostIno) return -1;
    if (b.id.ino === hostIno) return 1;
    return a.id.ino - b.id.ino;
  });
}

function netnsV1(
  ns: Namespace,
  nn: NetworkNamespace | undefined,
  tenants: readonly Tenant[],
  inDoc: (n: Nif | undefined) => n is Nif,
  pidnsInDoc: ReadonlySet<number>,
  extras: NetnsExtras,
): NetnsV1 {
  const nifs = nn === undefined ? [] : [...nn.nifs.values()].sort((a, b) => a.index - b.index);
  const ipv4: RouteV1[] = [];
  const ipv6: RouteV1[] = [];
  for (const r of nn?.routes ?? []) {
    (r.family === 4 ? ipv4 : ipv6).push(routeV1(r));
  }
  return {
    'container-groups': [],
    containers: tenants.map((t) => containerV1(t, pidnsInDoc, extras.dns)),
    id: netnsIdOf(ns.id.ino),
    netnsid: ns.id.ino,
    'network-interfaces': nifs.map((n) =>
      nifV1(
        n,
        inDoc,
        n.kind === 'tun'
          ? tunTapProcessorsV1(extras.processors, ns.id.ino, n.name, extras.containerIdref)
          : [],
      ),
    ),
    routes: { ipv4, ipv6 },
    'transport-ports': transportPortsV1(extras.ports.get(ns.id.ino), (o) =>
      extras.containerIdref(o.process),
    ),
    'forwarded-ports': { ipv4: [], ipv6: [] },
  };
}

function pidnsTree(result: DiscoveryResult, leaderIds: ReadonlyMap<number, string[]>): PidnsV1[] {
  const all = result.namespaces.byType.pid;
  const inSet = new Set(all.map((n) => n.id.ino));
  const build = (ns: Namespace): PidnsV1 => ({
    id: pidnsIdOf(ns.id.ino),
    pidnsid: ns.id.ino,
    children: ns.children
      .filter((c) => inSet.has(c.id.ino))
      .sort((a, b) => a.id.ino - b.id.ino)
      .map(build),
    'container-idrefs': leaderIds.get(ns.id.ino) ?? [],
  });
  return all
    .filter((ns) => ns.parent === undefined || !inSet.has(ns.parent.id.ino))
    .sort((a, b) => a.id.ino - b.id.ino)
    .map(build);
}

/** Builds the v1 `metadata` object (keys in Go's alphabetical order). */
export function metadataV1(result: DiscoveryResult, creatorVersion: string): MetadataV1 {
  const h = result.host;
  const out: MetadataV1 = {
    'container-engines': containerEnginesV1(result.containers),
  } as unknown as MetadataV1;
  if (h.cpus !== undefined) out.cpus = h.cpus.map(([a, b]) => [a, b]);
  out['creation-timestamp'] = rfc3339Nano(result.startedAtNs);
  out.creator = CREATOR;
  out['creator-id'] = CREATOR_ID;
  out['creator-version'] = creatorVersion;
  out.hostname = h.hostname;
  out['kernel-version'] = h.kernelVersion;
  out['osrel-name'] = h.osrelName;
  out['osrel-version'] = h.osrelVersion;
  return out;
}

/** Maps a discovery result onto the v1 document. */
export function toV1(result: DiscoveryResult, opts: ToV1Options): DiscoveryResultV1 {
  const selected = orderedNetns(result).filter(
    (ns) => opts.netns === undefined || opts.netns.has(ns.id.ino),
  );
  const selectedInos = new Set(selected.map((ns) => ns.id.ino));
  const inDoc = (n: Nif | undefined): n is Nif =>
    n !== undefined && selectedInos.has(n.netns.ns.id.ino) && n.netns.nifs.get(n.index) === n;
  const pidnsInDoc = new Set(result.namespaces.byType.pid.map((n) => n.id.ino));
  const extras: NetnsExtras = {
    dns: result.dns,
    processors: result.tunTapProcessors,
    ports: result.ports,
    containerIdref: containerIdrefResolver(result.tenants, selectedInos),
  };

  // Process tenants that lead their PID namespace, by pidns inode (only tenants in the document).
  const leaderIds = new Map<number, string[]>();
  for (const ns of selected) {
    for (const t of result.tenants.get(ns.id.ino) ?? []) {
      if (t.type !== 'proc') continue;
      const pidns = t.process.namespaces.pid;
      if (pidns === undefined || !pidns.leaders.includes(t.process)) continue;
      const list = leaderIds.get(pidns.id.ino) ?? [];
      list.push(tenantIdOf(t));
      leaderIds.set(pidns.id.ino, list);
    }
  }

  return {
    metadata: metadataV1(result, opts.creatorVersion),
    // tenants standing for engine containers become v1 containers; pods become container-groups
    'network-namespaces': applyContainersV1(
      selected.map((ns) =>
        netnsV1(
          ns,
          result.network.netns.get(ns.id.ino),
          result.tenants.get(ns.id.ino) ?? [],
          inDoc,
          pidnsInDoc,
          extras,
        ),
      ),
      selected.map((ns) => result.tenants.get(ns.id.ino) ?? []),
      result.containers,
    ),
    'pid-namespaces': pidnsTree(result, leaderIds),
  };
}
