// SPDX-License-Identifier: MIT
/**
 * @module api/v1/types
 *
 * Ghostwire v1 wire DTOs (the `/json` document and `ghostwire dump`), field for field as the Go
 * engine emits them (reference §2). Property order in each interface IS the emitted order: the
 * mapper builds object literals in this order and JSON.stringify keeps insertion order.
 * Optional (`?`) properties are omitted when empty; all others are always present, arrays
 * included (never `null`, except where noted).
 */

/** Reference to an interface: `{idref, index, name}` (index/name in the referenced nif's netns). */
export interface NifRefV1 {
  idref: string;
  index: number;
  name: string;
}

/** VETH peer reference. */
export interface PeerRefV1 {
  'peer-idref': string;
  'peer-index': number;
  'peer-name': string;
}

/** An owner process (TAP/TUN processors, socket owners). */
export interface OwnerV1 {
  pid: number;
  cmdline: string;
  'container-idref'?: string;
}

/** An interface address (§2.8). */
export interface AddressV1 {
  family: 2 | 10;
  address: string;
  prefixlen: number;
  'preferred-lifetime': number;
  'valid-lifetime': number;
  scope: number;
  index: number;
}

/** ethtool driver info; all but `driver` omitted when empty (§2.7). */
export interface DriverInfoV1 {
  driver: string;
  version?: string;
  fwversion?: string;
  businfo?: string;
  eromversion?: string;
}

/** VXLAN details (§2.7). */
export interface VxlanV1 {
  /** Underlay nif id, `""` when the VXLAN has none. */
  idref: string;
  vid: number;
  'arp-proxy': boolean;
  source?: { source_ipv4?: string; source_ipv6?: string };
  'source-portrange': { low: number; high: number };
  remote?: { remote_ipv4?: string; remote_ipv6?: string };
  'remote-port': number;
}

/** A network interface (§2.7). */
export interface NetworkInterfaceV1 {
  id: string;
  kind: string;
  name: string;
  alias?: string;
  index: number;
  addresses: { mac: string; ipv4: AddressV1[]; ipv6: AddressV1[] };
  operstate: string;
  physical: boolean;
  driverinfo: DriverInfoV1;
  promisc: boolean;
  labels?: Record<string, string>;
  master?: NifRefV1;
  macvlan?: NifRefV1;
  macvlans?: NifRefV1[];
  slaves?: NifRefV1[];
  peer?: PeerRefV1;
  tuntap?: { mode: 'tun' | 'tap'; processors: OwnerV1[] };
  vxlan?: VxlanV1;
  vlan?: { vid: number; 'vlan-protocol': number };
  'sr-iov-role'?: 1 | 2;
  pf?: NifRefV1;
}

/** A route (§2.9). */
export interface RouteV1 {
  type: string;
  family: 2 | 10;
  destination: string;
  'destination-prefixlen': number;
  index?: number;
  'network-interface-idref'?: string;
  'next-hop'?: string;
  /** RTA_PREF as two lower-case hex digits: `00` medium (and IPv4), `01` high, `03` low. */
  preference: string;
  priority: number;
  table: number;
}

/**
 * DNS configuration of a tenant with a process (§2.5.1). `null` lists mean "could not be read"
 * (the mount namespace was not accessible, or the DNS of the tenant was not discovered); `[]`
 * means "file missing or rejected".
 */
export interface DnsV1 {
  'uts-hostname': string;
  'etc-hostname': string;
  domainname: string;
  nameservers: string[] | null;
  searchlist: string[] | null;
  'etc-hosts': Array<{ name: string; address: string }> | null;
}

/** The `dns` of a bind-mount pseudo container: Go's exact `{"etc-hosts": null}` (see docs/api-v1.md). */
export interface BindmountDnsV1 {
  'etc-hosts': null;
}

/** A tenant: container, stand-alone process or bind-mount pseudo container (§2.5). */
export interface ContainerV1 {
  cmdline: string;
  dns: DnsV1 | BindmountDnsV1;
  group: string;
  id: string;
  name: string;
  prefix: string;
  labels?: Record<string, string>;
  'api-path': string;
  pid: number;
  pidns: number;
  'pidns-idref': string;
  capbnd?: string;
  status: string;
  type: string;
  'type-text': string;
  affinity?: number[][];
  policy?: number;
  priority?: number;
  nice?: number;
}

/** A container group (pod) (§2.6). */
export interface ContainerGroupV1 {
  'container-idrefs': string[];
  id: string;
  name: string;
  type: string;
  'type-text': string;
}

/** A transport port (§2.10). */
export interface TransportPortV1 {
  family: 2 | 10;
  protocol: string;
  'local-address': string;
  'local-port': number;
  'local-servicename': string;
  'remote-address': string;
  'remote-port': number;
  'remote-servicename': string;
  state: string;
  macrostate: string;
  owners: OwnerV1[];
  'network-interface-idrefs': string[];
}

/** A forwarded port (§2.10); filled by a later issue. Note `-refs`, not `-idrefs`. */
export interface ForwardedPortV1 {
  family: 2 | 10;
  protocol: string;
  ip: string;
  port: number;
  servicename: string;
  'forward-ip': string;
  'forward-port': number;
  'forward-servicename': string;
  netnsid: number;
  owners: OwnerV1[];
  'network-interface-refs': string[];
}

/** A network namespace (§2.4). */
export interface NetnsV1 {
  'container-groups': ContainerGroupV1[];
  containers: ContainerV1[];
  id: string;
  netnsid: number;
  'network-interfaces': NetworkInterfaceV1[];
  routes: { ipv4: RouteV1[]; ipv6: RouteV1[] };
  'transport-ports': { ipv4: TransportPortV1[]; ipv6: TransportPortV1[] };
  'forwarded-ports': { ipv4: ForwardedPortV1[]; ipv6: ForwardedPortV1[] };
}

/** A PID namespace with its children (§2.11). */
export interface PidnsV1 {
  id: string;
  pidnsid: number;
  children: PidnsV1[];
  'container-idrefs': string[];
}

/** A container engine (§2.3); none until engines are discovered. */
export interface ContainerEngineV1 {
  id: string;
  type: string;
  version: string;
  pid: number;
}

/** Metadata (§2.3); keys in alphabetical order as Go's map marshalling emits them. */
export interface MetadataV1 {
  'container-engines': ContainerEngineV1[];
  cpus?: number[][];
  'creation-timestamp': string;
  creator: string;
  'creator-id': string;
  'creator-version': string;
  hostname: string;
  'kernel-version': string;
  'osrel-name': string;
  'osrel-version': string;
}

/** The complete v1 discovery document (§2.2). */
export interface DiscoveryResultV1 {
  metadata: MetadataV1;
  'network-namespaces': NetnsV1[];
  'pid-namespaces': PidnsV1[];
}
