// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/scenario
 *
 * A fixed, hand-built discovery result that exercises every v1 field: a host netns with lo,
 * a physical NIC, a bridge with a veth port whose peer lives in a container netns, a VXLAN and
 * a VLAN on the NIC, TUN and TAP devices, an SR-IOV PF whose VF sits in a process-less
 * bind-mounted netns next to a MACVLAN of the host NIC; routes incl. default, interface-less
 * and IPv6 ones in several tables; TCP/UDP ports (listeners shared by forked processes, a
 * dual-stack listener with its IPv4 alias, a V6ONLY one, IPv4 via IPv6, a connected UDP
 * socket, an owner-less TIME_WAIT), DNS configurations (full, missing files, not read) and a
 * TAP processor. Pure data, no I/O: used by the v1 snapshot test, the reference-checker tests
 * and the CLI rendering tests.
 */
import type { DiscoveryResult } from '../../src/model/discovery.js';
import type { Namespace, NamespaceModel, NsType, Process } from '../../src/model/namespace.js';
import { NS_TYPES, newNamespace } from '../../src/model/namespace.js';
import {
  newNif,
  type NetworkNamespace,
  type Nif,
  type NifAddress,
  type Route,
} from '../../src/model/network.js';
import type { Port } from '../../src/model/port.js';
import { tunTapKey, type DnsConfig } from '../../src/model/tenant-details.js';
import type { Tenant, TenantModel } from '../../src/model/tenant.js';
import type { InetDiagMessage } from '../../src/netlink/sockdiag/index.js';
import { newNetworkNamespace } from '../../src/network/index.js';
import { buildPorts, parseServices } from '../../src/network/ports/index.js';

const DEV = 4;

/** Builds a namespace object. */
export function makeNamespace(type: NsType, ino: number, ref: string[] = []): Namespace {
  return newNamespace({ dev: DEV, ino }, type, ref);
}

/** Builds a process attached to `namespaces` (registers it there, and as leader where its parent is elsewhere). */
export function makeProcess(
  pid: number,
  parent: Process | undefined,
  comm: string,
  cmdline: string[],
  namespaces: Partial<Record<NsType, Namespace>>,
  sched: { nice?: number; policy?: number; rtPriority?: number } = {},
): Process {
  const p: Process = {
    pid,
    ppid: parent?.pid ?? 0,
    comm,
    cmdline,
    starttime: pid * 10,
    nice: sched.nice ?? 0,
    policy: sched.policy ?? 0,
    rtPriority: sched.rtPriority ?? 0,
    nspid: [pid],
    parent,
    children: [],
    namespaces,
    tids: [pid],
  };
  parent?.children.push(p);
  for (const ns of Object.values(namespaces)) {
    ns.processes.push(p);
    if (parent === undefined || parent.namespaces[ns.type] !== ns) ns.leaders.push(p);
    if (ns.ealdorman === undefined) ns.ealdorman = p;
  }
  return p;
}

/** Builds a nif with defaults and registers it in its netns. */
export function makeNif(
  netns: NetworkNamespace,
  index: number,
  name: string,
  fields: Partial<Nif> = {},
): Nif {
  const kind = fields.kind ?? '';
  const loopback = fields.loopback ?? name === 'lo';
  const nif: Nif = {
    ...newNif({
      netns,
      index,
      name,
      alias: '',
      kind,
      slaveKind: '',
      linkType: loopback ? 772 : 1,
      mac: loopback
        ? '00:00:00:00:00:00'
        : `02:00:00:00:${(netns.ns.id.ino % 256).toString(16).padStart(2, '0')}:${index.toString(16).padStart(2, '0')}`,
      broadcastMac: 'ff:ff:ff:ff:ff:ff',
      mtu: loopback ? 65536 : 1500,
      operState: loopback ? 'UNKNOWN' : 'UP',
      flags: 0x1,
      up: true,
      promisc: false,
      loopback,
      physical: kind === '' && !loopback,
      txQueueLen: 1000,
      qdisc: 'noqueue',
      raw: { masterIndex: undefined, linkIndex: undefined, linkNetnsId: undefined },
      kindData: undefined,
    }),
    ...fields,
  };
  netns.nifs.set(index, nif);
  return nif;
}

/** Builds an address. */
export function makeAddress(
  address: string,
  prefixLen: number,
  scope = 0,
  lifetimes: [number, number] = [0xffffffff, 0xffffffff],
): NifAddress {
  return {
    family: address.includes(':') ? 6 : 4,
    address,
    prefixLen,
    scope,
    preferredLifetime: lifetimes[0],
    validLifetime: lifetimes[1],
    flags: 0,
    label: undefined,
    broadcast: undefined,
    peer: undefined,
  };
}

/** Builds a route. */
export function makeRoute(
  fields: Partial<Route> & Pick<Route, 'destination' | 'destinationPrefixLen'>,
): Route {
  return {
    family: fields.destination.includes(':') ? 6 : 4,
    type: 1,
    table: 254,
    source: undefined,
    sourcePrefixLen: 0,
    prefSource: undefined,
    gateway: undefined,
    oif: undefined,
    oifIndex: fields.oif?.index,
    metric: 0,
    protocol: 2,
    scope: 0,
    tos: 0,
    flags: 0,
    pref: undefined,
    multipath: [],
    ...fields,
  };
}

/** Builds a namespace model from namespaces (byType sorted by inode). */
export function makeNamespaceModel(
  all: Namespace[],
  processes: Process[],
  initial: Partial<Record<NsType, Namespace>>,
): NamespaceModel {
  const byType = Object.fromEntries(
    NS_TYPES.map((t) => [t, all.filter((n) => n.type === t).sort((a, b) => a.id.ino - b.id.ino)]),
  ) as Record<NsType, Namespace[]>;
  return {
    processes: new Map(processes.map((p) => [p.pid, p])),
    namespaces: new Map(all.map((n) => [`${n.id.dev}:${n.id.ino}`, n])),
    byType,
    own: initial,
    initial,
    socketOwners: new Map(),
  };
}

/** A decoded inet_diag socket as the kernel would report it (for {@link buildPorts}). */
export function makeSocket(
  family: 4 | 6,
  state: number,
  src: string,
  sport: number,
  dst: string,
  dport: number,
  inode: number,
  v6only?: boolean,
): InetDiagMessage {
  return {
    family: family === 4 ? 2 : 10,
    state,
    timer: 0,
    retrans: 0,
    id: { sport, dport, src, dst, ifIndex: 0, cookie: BigInt(inode + 1) },
    expires: 0,
    rqueue: 0,
    wqueue: 0,
    uid: 0,
    inode,
    ...(v6only === undefined ? {} : { v6only }),
  };
}

/** Builds the ports of one netns through the real mapping (owners, aliases, nifs, services). */
export function makePorts(
  netns: NetworkNamespace,
  model: NamespaceModel,
  tenants: TenantModel,
  tcp: InetDiagMessage[],
  udp: InetDiagMessage[],
): Port[] {
  const byPid = new Map<number, Tenant>();
  for (const list of tenants.values())
    for (const t of list) if (t.type === 'proc') byPid.set(t.process.pid, t);
  return buildPorts(
    {
      netns: netns.ns,
      nifs: netns.nifs,
      processes: model.processes,
      socketOwners: model.socketOwners,
      services: parseServices('ssh 22/tcp\nhttp 80/tcp\ndomain 53/udp\nbootpc 68/udp\n'),
      tenantOf: (leader) => byPid.get(leader.pid),
    },
    tcp,
    udp,
  );
}

/** Inodes of the scenario's namespaces. */
export const SCENARIO = {
  hostNet: 4026531840,
  containerNet: 4026532456,
  bindmountNet: 4026532789,
  hostPid: 4026531836,
  containerPid: 4026532455,
  startedAtNs: 1721899812345678901n,
} as const;

/** Builds the fixed scenario (fresh objects on every call). */
export function buildScenario(): DiscoveryResult {
  const hostNet = makeNamespace('net', SCENARIO.hostNet, ['/proc/1/ns/net']);
  const contNet = makeNamespace('net', SCENARIO.containerNet, ['/proc/2345/ns/net']);
  const bmNet = makeNamespace('net', SCENARIO.bindmountNet, ['/run/netns/testns']);
  const hostPid = makeNamespace('pid', SCENARIO.hostPid, ['/proc/1/ns/pid']);
  const contPid = makeNamespace('pid', SCENARIO.containerPid, ['/proc/2345/ns/pid']);
  contPid.parent = hostPid;
  hostPid.children.push(contPid);

  const systemd = makeProcess(1, undefined, 'systemd', ['/sbin/init'], {
    net: hostNet,
    pid: hostPid,
  });
  const kthreadd = makeProcess(2, undefined, 'kthreadd', [], { net: hostNet, pid: hostPid });
  const sshd = makeProcess(
    701,
    systemd,
    'sshd',
    ['sshd: /usr/sbin/sshd -D'],
    { net: hostNet, pid: hostPid },
    { nice: -5 },
  );
  const shim = makeProcess(2300, systemd, 'containerd-shim', ['containerd-shim', '-id', 'web'], {
    net: hostNet,
    pid: hostPid,
  });
  const nginx = makeProcess(
    2345,
    shim,
    'nginx',
    ['nginx: master process nginx -g daemon off;'],
    { net: contNet, pid: contPid },
    {
      policy: 1,
      rtPriority: 10,
    },
  );
  const worker = makeProcess(2346, nginx, 'nginx', ['nginx: worker process'], {
    net: contNet,
    pid: contPid,
  });
  const session = makeProcess(702, sshd, 'sshd', ['sshd: root@pts/0'], {
    net: hostNet,
    pid: hostPid,
  });
  const exporter = makeProcess(800, systemd, 'node_exporter', ['/usr/bin/node_exporter'], {
    net: hostNet,
    pid: hostPid,
  });
  const qemu = makeProcess(
    4711,
    systemd,
    'qemu-system-x86',
    ['qemu-system-x86_64', '-netdev', 'tap,ifname=tap0'],
    { net: hostNet, pid: hostPid },
  );
  const execSh = makeProcess(2400, shim, 'sh', ['sh'], { net: contNet, pid: contPid });
  const nsModel = makeNamespaceModel(
    [hostNet, contNet, bmNet, hostPid, contPid],
    [systemd, kthreadd, sshd, session, exporter, shim, nginx, worker, execSh, qemu],
    { net: hostNet, pid: hostPid },
  );
  // socket inode → PIDs holding it (the listeners were inherited by forked children)
  const socketOwners = nsModel.socketOwners as Map<number, number[]>;
  for (const [ino, pids] of [
    [1001, [701, 702]],
    [1002, [702]],
    [1003, [701]],
    [1004, [800]],
    [1005, [800]],
    [1006, [1]],
    [1007, [1]],
    [2001, [2345, 2346]],
    [2002, [2346]],
  ] as const)
    socketOwners.set(ino, [...pids]);

  const h = newNetworkNamespace(hostNet);
  const c = newNetworkNamespace(contNet);
  const b = newNetworkNamespace(bmNet);
  h.nsids.set(0, c);
  h.nsids.set(1, b);
  c.nsids.set(0, h);
  b.nsids.set(0, h);

  const lo = makeNif(h, 1, 'lo', {
    addresses: [makeAddress('127.0.0.1', 8, 254), makeAddress('::1', 128, 254)],
  });
  const eth0 = makeNif(h, 2, 'eth0', {
    mac: '3c:52:82:11:22:33',
    addresses: [
      makeAddress('192.168.1.20', 24, 0, [85711, 85711]),
      makeAddress('fe80::3e52:82ff:fe11:2233', 64, 253),
    ],
    driverInfo: {
      driver: 'e1000e',
      version: '6.1.0-21-amd64',
      fwVersion: '0.8-4',
      busInfo: '0000:00:1f.6',
      eromVersion: '',
    },
  });
  const docker0 = makeNif(h, 3, 'docker0', {
    kind: 'bridge',
    alias: 'bridge',
    mac: '02:42:ac:11:00:01',
    kindData: { kind: 'bridge' },
    addresses: [makeAddress('172.17.0.1', 16)],
    labels: { 'gostwire/network/name': 'bridge' },
  });
  const hostVeth = makeNif(h, 5, 'veth3f2a1b0', {
    kind: 'veth',
    kindData: { kind: 'veth' },
    promisc: true,
    raw: { masterIndex: 3, linkIndex: 4, linkNetnsId: 0 },
  });
  const pf = makeNif(h, 6, 'ens1f0', {
    sriovRole: 1,
    operState: 'DOWN',
    driverInfo: {
      driver: 'ixgbe',
      version: '',
      fwVersion: '',
      busInfo: '0000:03:00.0',
      eromVersion: '',
    },
  });
  const vx = makeNif(h, 9, 'vx666', {
    kind: 'vxlan',
    kindData: {
      kind: 'vxlan',
      vni: 666,
      local4: '192.168.1.20',
      group4: '239.1.1.1',
      port: 4789,
      portLow: 0,
      portHigh: 0,
      ttl: 0,
      tos: 0,
      proxy: false,
      linkIndex: 2,
    },
  });
  const vlan = makeNif(h, 10, 'eth0.10', {
    kind: 'vlan',
    kindData: { kind: 'vlan', vid: 10, protocol: 0x8100 },
  });
  makeNif(h, 11, 'tap0', { kind: 'tun', kindData: { kind: 'tun', mode: 'tap' } });
  makeNif(h, 12, 'tun0', {
    kind: 'tun',
    linkType: 0xfffe,
    mac: '',
    kindData: undefined,
    operState: 'UNKNOWN',
  });
  makeNif(h, 13, 'vx6', {
    kind: 'vxlan',
    operState: 'DOWN',
    kindData: {
      kind: 'vxlan',
      vni: 42,
      local6: 'fd00::1',
      group6: 'fd00::2',
      port: 8472,
      portLow: 1000,
      portHigh: 2000,
      ttl: 64,
      tos: 0,
      proxy: true,
    },
  });

  const cLo = makeNif(c, 1, 'lo', { addresses: [makeAddress('127.0.0.1', 8, 254)] });
  const cEth0 = makeNif(c, 4, 'eth0', {
    kind: 'veth',
    kindData: { kind: 'veth' },
    mac: '02:42:ac:11:00:02',
    addresses: [makeAddress('172.17.0.2', 16)],
    raw: { masterIndex: undefined, linkIndex: 5, linkNetnsId: 0 },
  });

  makeNif(b, 1, 'lo', { operState: 'DOWN', up: false });
  const mv0 = makeNif(b, 7, 'mv0', {
    kind: 'macvlan',
    kindData: { kind: 'macvlan', mode: 'bridge' },
    raw: { masterIndex: undefined, linkIndex: 2, linkNetnsId: 0 },
  });
  const vf = makeNif(b, 3, 'ens1f0v0', {
    sriovRole: 2,
    driverInfo: {
      driver: 'ixgbevf',
      version: '4.1.0-k',
      fwVersion: '',
      busInfo: '0000:03:10.0',
      eromVersion: '',
    },
  });

  // relations
  hostVeth.master = docker0;
  docker0.ports.push(hostVeth);
  hostVeth.peer = cEth0;
  cEth0.peer = hostVeth;
  vx.underlay = eth0;
  eth0.overlays.push(vx);
  vlan.lower = eth0;
  eth0.uppers.push(vlan);
  mv0.lower = eth0;
  eth0.uppers.push(mv0);
  vf.pf = pf;
  pf.vfs.push(vf);

  h.routes.push(
    makeRoute({
      destination: '0.0.0.0',
      destinationPrefixLen: 0,
      oif: eth0,
      gateway: '192.168.1.1',
      metric: 100,
      protocol: 16,
    }),
    makeRoute({
      destination: '172.17.0.0',
      destinationPrefixLen: 16,
      oif: docker0,
      scope: 253,
      prefSource: '172.17.0.1',
    }),
    makeRoute({ destination: '10.99.0.0', destinationPrefixLen: 16, type: 6 }),
    makeRoute({
      destination: '10.1.0.0',
      destinationPrefixLen: 24,
      oif: eth0,
      gateway: '192.168.1.254',
      table: 100,
    }),
    makeRoute({
      destination: '127.0.0.1',
      destinationPrefixLen: 32,
      oif: lo,
      type: 2,
      table: 255,
      scope: 254,
    }),
    makeRoute({
      destination: '::',
      destinationPrefixLen: 0,
      oif: eth0,
      gateway: 'fe80::1',
      metric: 1024,
      pref: 1,
      protocol: 9,
    }),
    makeRoute({
      destination: '::1',
      destinationPrefixLen: 128,
      oif: lo,
      type: 2,
      table: 255,
      metric: 0,
    }),
  );
  c.routes.push(
    makeRoute({
      destination: '0.0.0.0',
      destinationPrefixLen: 0,
      oif: cEth0,
      gateway: '172.17.0.1',
    }),
    makeRoute({
      destination: '127.0.0.0',
      destinationPrefixLen: 8,
      oif: cLo,
      type: 2,
      table: 255,
      scope: 254,
    }),
  );

  const tenants = new Map<number, Tenant[]>([
    [
      SCENARIO.hostNet,
      [
        {
          type: 'proc',
          name: 'systemd(1)',
          netns: hostNet,
          process: systemd,
          details: { capBnd: 0x1ffffffffffn, affinity: [[0, 3]], status: 'running' },
        },
      ],
    ],
    [
      SCENARIO.containerNet,
      [
        {
          type: 'proc',
          name: 'nginx(2345)',
          netns: contNet,
          process: nginx,
          details: {
            capBnd: 0xa80425fbn,
            affinity: [
              [0, 1],
              [3, 3],
            ],
            status: 'paused',
          },
        },
      ],
    ],
    [
      SCENARIO.bindmountNet,
      [{ type: 'bindmount', name: '/run/netns/testns', netns: bmNet, refs: ['/run/netns/testns'] }],
    ],
  ]);
  (tenants.get(SCENARIO.containerNet) ?? []).push({
    type: 'proc',
    name: 'sh(2400)',
    netns: contNet,
    process: execSh,
    details: { capBnd: 0xa80425fbn, affinity: [[0, 3]], status: 'running' },
  });

  const ports = new Map<number, Port[]>([
    [
      SCENARIO.hostNet,
      makePorts(
        h,
        nsModel,
        tenants,
        [
          makeSocket(4, 10, '0.0.0.0', 22, '0.0.0.0', 0, 1001),
          makeSocket(4, 1, '192.168.1.20', 22, '192.168.1.5', 50522, 1002),
          makeSocket(4, 6, '192.168.1.20', 22, '192.168.1.7', 40100, 0),
          makeSocket(6, 10, '::', 22, '::', 0, 1003, true),
          makeSocket(6, 10, '::', 9100, '::', 0, 1004, false),
          makeSocket(6, 1, '::ffff:127.0.0.1', 9100, '::ffff:127.0.0.1', 41000, 1005, false),
        ],
        [
          makeSocket(4, 7, '0.0.0.0', 68, '0.0.0.0', 0, 1006),
          makeSocket(4, 1, '192.168.1.20', 40000, '192.168.1.1', 53, 1007),
        ],
      ),
    ],
    [
      SCENARIO.containerNet,
      makePorts(
        c,
        nsModel,
        tenants,
        [
          makeSocket(4, 10, '0.0.0.0', 80, '0.0.0.0', 0, 2001),
          makeSocket(4, 1, '172.17.0.2', 80, '172.17.0.1', 51000, 2002),
        ],
        [],
      ),
    ],
  ]);

  const dns = new Map<number, DnsConfig>([
    [
      1,
      {
        utsHostname: 'edge01',
        utsDomainname: '(none)',
        etcHostname: 'edge01',
        etcDomainname: '',
        nameservers: ['192.168.1.1', 'fd00::53'],
        searchlist: ['lan'],
        options: ['edns0'],
        hosts: [
          { name: 'localhost', address: '::1' },
          { name: 'edge01', address: '127.0.1.1' },
        ],
      },
    ],
    [
      2345,
      {
        utsHostname: '5b0d7c1e2f3a',
        utsDomainname: '(none)',
        etcHostname: '5b0d7c1e2f3a',
        etcDomainname: 'example.org',
        nameservers: ['192.168.1.1'],
        searchlist: [],
        options: [],
        hosts: [
          { name: 'localhost', address: '127.0.0.1' },
          { name: '5b0d7c1e2f3a', address: '172.17.0.2' },
        ],
      },
    ],
    // 2400 (sh): not read → null lists on the wire
  ]);

  return {
    namespaces: nsModel,
    network: {
      netns: new Map([
        [SCENARIO.hostNet, h],
        [SCENARIO.containerNet, c],
        [SCENARIO.bindmountNet, b],
      ]),
    },
    containers: { engines: [], containers: [], groups: [] },
    tenants,
    dns,
    tunTapProcessors: new Map([[tunTapKey(SCENARIO.hostNet, 'tap0'), [qemu]]]),
    ports,
    host: {
      hostname: 'edge01',
      osrelName: 'Debian GNU/Linux',
      osrelVersion: '12 (bookworm)',
      kernelVersion:
        'Linux version 6.1.0-21-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC\n',
      cpus: [[0, 3]],
    },
    problems: [],
    timings: {
      namespacesMs: 1,
      networkMs: 2,
      containersMs: 0,
      tenantsMs: 0.1,
      dnsMs: 0.1,
      tuntapMs: 0.1,
      portsMs: 0.5,
      hostMs: 0.1,
      totalMs: 3.9,
    },
    startedAtNs: SCENARIO.startedAtNs,
  };
}
