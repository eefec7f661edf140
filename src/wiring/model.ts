// SPDX-License-Identifier: MIT
/**
 * @module wiring/model
 *
 * The wiring model: the v1 discovery document normalised into id-keyed records (netns, nifs,
 * tenants) plus the list of typed wires between interfaces. Pure and framework-free: the web UI
 * (through a Vite alias) and `ghostwire export` build their drawings from it, so both show the
 * same wiring. Never mutates its input.
 */
import type {
  ContainerV1,
  DiscoveryResultV1,
  NetnsV1,
  NetworkInterfaceV1,
} from '../api/v1/types.js';

/** Wire kinds; each is drawn with its own dash pattern and marker (never by colour alone). */
export const WIRE_KINDS = {
  veth: 'veth',
  macvlan: 'macvlan',
  vlan: 'vlan',
  vxlan: 'vxlan',
  vf: 'vf',
  tuntap: 'tuntap',
  external: 'external',
} as const;
/** A wire kind. */
export type WireKind = (typeof WIRE_KINDS)[keyof typeof WIRE_KINDS];

/** Human text per wire kind (tooltips, legends, export labels). */
export const WIRE_KIND_TEXT: Readonly<Record<WireKind, string>> = {
  veth: 'veth pair',
  macvlan: 'MACVLAN on its master',
  vlan: 'VLAN on its lower interface',
  vxlan: 'VXLAN overlay on its underlay',
  vf: 'SR-IOV VF of its PF',
  tuntap: 'TUN/TAP to its process',
  external: 'physical, to the outside',
};

/** Interface kinds the UI distinguishes (`physical` for physical NICs whose v1 kind is empty). */
export type NifKindName =
  | 'loopback'
  | 'physical'
  | 'bridge'
  | 'veth'
  | 'macvlan'
  | 'vlan'
  | 'vxlan'
  | 'tun'
  | 'tap'
  | 'dummy'
  | 'other';

/** A tenant of a netns as the wiring shows it. */
export interface TenantNode {
  id: string;
  name: string;
  /** v1 type: docker, containerd, podman, CRI, proc, bindmount, … */
  type: string;
  typeText: string;
  status: string;
  pid: number;
  privileged: boolean;
  /** Bounding capabilities beyond the engine default set (Docker's 14). */
  extraCaps: boolean;
  /** Compose project (`com.docker.compose.project` label) or v1 `group`. */
  project: string;
  /** Pod name when the tenant belongs to a pod container group. */
  pod: string;
  /** The tenant is a pod sandbox (pause) container. */
  sandbox: boolean;
  labels: Readonly<Record<string, string>>;
}

/** A network interface node. */
export interface NifNode {
  id: string;
  netnsId: string;
  name: string;
  index: number;
  kind: NifKindName;
  /** v1 kind verbatim (`""` for physical NICs). */
  rawKind: string;
  alias: string;
  operstate: string;
  up: boolean;
  mac: string;
  addresses: string[];
  /** Bridge this nif is a port of (id), if any. */
  bridgeId?: string;
  /** Ports (ids) when this nif is a bridge, sorted by name. */
  portIds: string[];
  vid?: number;
}

/** A network namespace node. */
export interface NetnsNode {
  id: string;
  netnsid: number;
  isHost: boolean;
  /** Card title: pod, containers or processes, never the inode. */
  title: string;
  tenants: TenantNode[];
  /** Group key for grouping cards (`project:<name>` / `pod:<name>`), `""` when ungrouped. */
  group: string;
  groupLabel: string;
  /** Only a loopback interface. */
  loOnly: boolean;
  /** Only sandbox tenants (pause containers). */
  sandboxOnly: boolean;
  /** Nif ids, lo first then by name. */
  nifIds: string[];
}

/** One end of a wire: an interface, or a process (TUN/TAP), or the outside world. */
export type WireEnd =
  | { type: 'nif'; nifId: string }
  | { type: 'process'; pid: number; label: string; tenantNetnsId?: string }
  | { type: 'outside'; label: string };

/** A typed wire. `a` is the "upper"/container side, `b` the lower/host side where it matters. */
export interface Wire {
  id: string;
  kind: WireKind;
  a: WireEnd;
  b: WireEnd;
  /** Both interface ends are operationally up (UNKNOWN counts as up, as for lo). */
  up: boolean;
}

/** The normalised wiring state. */
export interface WiringModel {
  netns: Readonly<Record<string, NetnsNode>>;
  nifs: Readonly<Record<string, NifNode>>;
  /** Netns ids in display order: host first, then by group, then title. */
  order: string[];
  wires: Wire[];
}

const LABEL_PROJECT = 'com.docker.compose.project';
const LABEL_PRIVILEGED = 'gostwire/container/privileged';
const LABEL_SANDBOX = ['io.cri-containerd.kind', 'io.kubernetes.docker.type'];
const HIDDEN_TENANT_TYPES = new Set(['proc', 'bindmount']);

/**
 * Docker's default bounding set (moby `oci/caps/defaults.go`): CHOWN DAC_OVERRIDE FSETID FOWNER
 * MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE.
 */
export const DEFAULT_CAPS = 0xa80425fbn;

/** Capability names by bit (linux/capability.h). */
export const CAP_NAMES: readonly string[] = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];

/** Parses a v1 `capbnd` (`0x…`) into a bigint; undefined when absent or malformed. */
export function parseCapbnd(capbnd: string | undefined): bigint | undefined {
  if (capbnd === undefined || !/^0x[0-9a-f]+$/i.test(capbnd)) return undefined;
  return BigInt(capbnd);
}

/** The capability names of a mask, `CAP_`-prefixed; unknown bits as `CAP_<bit>`. */
export function capNames(mask: bigint): Array<{ name: string; bit: number; extra: boolean }> {
  const out: Array<{ name: string; bit: number; extra: boolean }> = [];
  for (let bit = 0; bit < 64; bit++) {
    if (((mask >> BigInt(bit)) & 1n) === 0n) continue;
    out.push({
      name: `CAP_${CAP_NAMES[bit] ?? String(bit)}`,
      bit,
      extra: ((DEFAULT_CAPS >> BigInt(bit)) & 1n) === 0n,
    });
  }
  return out;
}

/** Maps a v1 interface to the UI's kind. */
export function nifKind(n: NetworkInterfaceV1): NifKindName {
  if (n.name === 'lo' || n.kind === 'loopback') return 'loopback';
  switch (n.kind) {
    case 'bridge':
    case 'veth':
    case 'macvlan':
    case 'vlan':
    case 'vxlan':
    case 'dummy':
      return n.kind;
    case 'macvtap':
      return 'macvlan';
    case 'tuntap':
      return n.tuntap?.mode === 'tap' ? 'tap' : 'tun';
    case '':
      return n.physical ? 'physical' : 'other';
    default:
      return n.physical ? 'physical' : 'other';
  }
}

/** UNKNOWN counts as up (lo and tun usually report it). */
export function operUp(operstate: string): boolean {
  return operstate === 'UP' || operstate === 'UNKNOWN';
}

function tenantNode(c: ContainerV1, pods: ReadonlyMap<string, string>): TenantNode {
  const labels = c.labels ?? {};
  const mask = parseCapbnd(c.capbnd);
  const sandbox =
    LABEL_SANDBOX.some((k) => labels[k] === 'sandbox' || labels[k] === 'podsandbox') ||
    labels['io.podman.infra'] === 'true';
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    typeText: c['type-text'],
    status: c.status,
    pid: c.pid,
    privileged: LABEL_PRIVILEGED in labels,
    extraCaps:
      mask !== undefined && !HIDDEN_TENANT_TYPES.has(c.type) && (mask & ~DEFAULT_CAPS) !== 0n,
    project: labels[LABEL_PROJECT] ?? c.group,
    pod: pods.get(c.id) ?? '',
    sandbox,
    labels,
  };
}

/** The card title of a netns: the pod name(s), else the visible tenants' names. */
export function netnsTitle(tenants: readonly TenantNode[], netnsid: number): string {
  const pods = [...new Set(tenants.filter((t) => t.pod !== '').map((t) => t.pod))];
  const rest = tenants.filter((t) => t.pod === '' && !t.sandbox).map((t) => t.name);
  const names = [...pods.sort(), ...rest];
  if (names.length === 0) {
    const any = tenants.map((t) => t.name);
    return any.length > 0 ? any.join(', ') : `netns ${netnsid}`;
  }
  return names.join(', ');
}

const tenantOrder = (a: TenantNode, b: TenantNode): number =>
  (a.pid === 1 ? -1 : 0) - (b.pid === 1 ? -1 : 0) ||
  (HIDDEN_TENANT_TYPES.has(a.type) ? 1 : 0) - (HIDDEN_TENANT_TYPES.has(b.type) ? 1 : 0) ||
  a.name.localeCompare(b.name);

function addressesOf(n: NetworkInterfaceV1): string[] {
  return [...n.addresses.ipv4, ...n.addresses.ipv6].map((a) => `${a.address}/${a.prefixlen}`);
}

/**
 * Builds the wiring model of a v1 document. The host netns is the one with a PID 1 tenant, else
 * the first netns of the document (the v1 document lists the initial netns first).
 */
export function buildWiringModel(doc: DiscoveryResultV1): WiringModel {
  const netns: Record<string, NetnsNode> = {};
  const nifs: Record<string, NifNode> = {};
  const raw = new Map<string, NetworkInterfaceV1>();
  const docNetns = doc['network-namespaces'];
  const hostIdx = Math.max(
    0,
    docNetns.findIndex((n) => n.containers.some((c) => c.pid === 1)),
  );
  docNetns.forEach((ns: NetnsV1, i) => {
    const pods = new Map<string, string>();
    for (const g of ns['container-groups'])
      for (const r of g['container-idrefs']) pods.set(r, g.name);
    const tenants = ns.containers.map((c) => tenantNode(c, pods)).sort(tenantOrder);
    const sorted = [...ns['network-interfaces']].sort(
      (a, b) =>
        (a.name === 'lo' ? -1 : 0) - (b.name === 'lo' ? -1 : 0) || a.name.localeCompare(b.name),
    );
    for (const n of sorted) {
      raw.set(n.id, n);
      nifs[n.id] = {
        id: n.id,
        netnsId: ns.id,
        name: n.name,
        index: n.index,
        kind: nifKind(n),
        rawKind: n.kind,
        alias: n.alias ?? '',
        operstate: n.operstate,
        up: operUp(n.operstate),
        mac: n.addresses.mac,
        addresses: addressesOf(n),
        portIds: [],
        ...(n.vlan !== undefined ? { vid: n.vlan.vid } : {}),
      };
    }
    const pod = tenants.find((t) => t.pod !== '')?.pod ?? '';
    const project = tenants.find((t) => t.project !== '')?.project ?? '';
    netns[ns.id] = {
      id: ns.id,
      netnsid: ns.netnsid,
      isHost: i === hostIdx,
      // the host is named by the host, not by its dozens of leader processes (those are in
      // its details)
      title:
        i === hostIdx && doc.metadata.hostname !== ''
          ? `host ${doc.metadata.hostname}`
          : netnsTitle(tenants, ns.netnsid),
      tenants,
      group:
        i === hostIdx ? '' : project !== '' ? `project:${project}` : pod !== '' ? `pod:${pod}` : '',
      groupLabel: project !== '' ? project : pod,
      loOnly: sorted.every((n) => n.name === 'lo'),
      sandboxOnly: tenants.length > 0 && tenants.every((t) => t.sandbox),
      nifIds: sorted.map((n) => n.id),
    };
  });
  // bridge ports
  for (const [id, n] of raw) {
    const m = n.master;
    if (m !== undefined && raw.get(m.idref)?.kind === 'bridge') {
      const self = nifs[id];
      const br = nifs[m.idref];
      if (self !== undefined && br !== undefined) {
        self.bridgeId = br.id;
        br.portIds.push(id);
      }
    }
  }
  for (const n of Object.values(nifs))
    n.portIds.sort((a, b) => (nifs[a]?.name ?? '').localeCompare(nifs[b]?.name ?? ''));

  const wires: Wire[] = [];
  const seen = new Set<string>();
  const upOf = (...ids: string[]): boolean => ids.every((i) => nifs[i]?.up ?? false);
  const add = (kind: WireKind, a: WireEnd, b: WireEnd, up: boolean): void => {
    const key = (e: WireEnd): string =>
      e.type === 'nif' ? e.nifId : e.type === 'process' ? `pid-${e.pid}` : `out-${e.label}`;
    const [x, y] = [key(a), key(b)].sort();
    const id = `${kind}:${x}:${y}`;
    if (seen.has(id)) return;
    seen.add(id);
    wires.push({ id, kind, a, b, up });
  };
  const nif = (nifId: string): WireEnd => ({ type: 'nif', nifId });
  const pidNetns = new Map<number, string>();
  for (const ns of Object.values(netns)) for (const t of ns.tenants) pidNetns.set(t.pid, ns.id);
  for (const [id, n] of raw) {
    if (n.peer !== undefined && nifs[n.peer['peer-idref']] !== undefined)
      add('veth', nif(id), nif(n.peer['peer-idref']), upOf(id, n.peer['peer-idref']));
    if (n.macvlan !== undefined && nifs[n.macvlan.idref] !== undefined)
      add('macvlan', nif(id), nif(n.macvlan.idref), upOf(id, n.macvlan.idref));
    if (n.kind === 'vlan' && n.master !== undefined && nifs[n.master.idref] !== undefined)
      add('vlan', nif(id), nif(n.master.idref), upOf(id, n.master.idref));
    if (n.vxlan !== undefined && n.vxlan.idref !== '' && nifs[n.vxlan.idref] !== undefined)
      add('vxlan', nif(id), nif(n.vxlan.idref), upOf(id, n.vxlan.idref));
    if (n.pf !== undefined && nifs[n.pf.idref] !== undefined)
      add('vf', nif(id), nif(n.pf.idref), upOf(id, n.pf.idref));
    if (n.tuntap !== undefined)
      for (const p of n.tuntap.processors) {
        const t = pidNetns.get(p.pid);
        const label = `${p.cmdline.split(' ')[0] ?? ''}(${p.pid})`;
        add(
          'tuntap',
          { type: 'process', pid: p.pid, label, ...(t !== undefined ? { tenantNetnsId: t } : {}) },
          nif(id),
          upOf(id),
        );
      }
    if (n.physical && n['sr-iov-role'] !== 2)
      add('external', nif(id), { type: 'outside', label: 'outside' }, upOf(id));
  }

  const order = Object.values(netns)
    .sort(
      (a, b) =>
        (a.isHost ? -1 : 0) - (b.isHost ? -1 : 0) ||
        (a.group === '' ? 1 : 0) - (b.group === '' ? 1 : 0) ||
        a.group.localeCompare(b.group) ||
        (a.tenants.length === 0 ? 1 : 0) - (b.tenants.length === 0 ? 1 : 0) ||
        a.title.localeCompare(b.title) ||
        a.netnsid - b.netnsid,
    )
    .map((n) => n.id);
  return { netns, nifs, order, wires };
}

/** The label of a wire end for tooltips and exports: `eth0 in web`. */
export function endLabel(m: WiringModel, e: WireEnd): string {
  if (e.type === 'nif') {
    const n = m.nifs[e.nifId];
    if (n === undefined) return e.nifId;
    return `${n.name} in ${m.netns[n.netnsId]?.title ?? n.netnsId}`;
  }
  return e.label;
}
