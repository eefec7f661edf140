// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/topology
 *
 * A small builder of synthetic discovery results for the analysis unit tests (reach, lint):
 * netns with nifs, veth pairs, bridges, addresses, routes, listening sockets, containers and
 * netns facts. Pure data, no kernel.
 */
import type { Container } from '../../src/model/container.js';
import type { DiscoveryResult } from '../../src/model/discovery.js';
import type { Process } from '../../src/model/namespace.js';
import type { FilterChain, NetnsFacts } from '../../src/model/netns-facts.js';
import type { NetworkNamespace, Nif, Route } from '../../src/model/network.js';
import type { Port } from '../../src/model/port.js';
import type { DnsConfig } from '../../src/model/tenant-details.js';
import type { Tenant } from '../../src/model/tenant.js';
import { newNetworkNamespace } from '../../src/network/index.js';
import {
  makeAddress,
  makeNamespace,
  makeNamespaceModel,
  makeNif,
  makeProcess,
  makeRoute,
} from './scenario.js';

/** Builder state. */
export class Topology {
  readonly #netns = new Map<number, NetworkNamespace>();
  readonly #tenants = new Map<number, Tenant[]>();
  readonly #ports = new Map<number, Port[]>();
  readonly #facts = new Map<number, NetnsFacts>();
  readonly #processes: Process[] = [];
  readonly #dns = new Map<number, DnsConfig>();
  #nextIno = 4026532000;
  #nextPid = 1000;
  host: NetworkNamespace;

  constructor() {
    this.host = this.netns('host');
  }

  /** A netns named `name` (a /run/netns bind mount), with lo up and default facts (forwarding on, no rules). */
  netns(name: string): NetworkNamespace {
    const ino = this.#nextIno++;
    const ns = makeNamespace('net', ino, [`/run/netns/${name}`]);
    const netns = newNetworkNamespace(ns);
    makeNif(netns, 1, 'lo', { addresses: [makeAddress('127.0.0.1', 8, 254)] });
    this.#netns.set(ino, netns);
    this.#tenants.set(ino, [{ type: 'bindmount', name, netns: ns, refs: [`/run/netns/${name}`] }]);
    this.#facts.set(ino, {
      ipv4Forwarding: true,
      ipv6Forwarding: true,
      filter: { chains: [], legacyTables: [] },
      bridgeNfCall: { ipv4: false, ipv6: false },
    });
    this.#ports.set(ino, []);
    return netns;
  }

  /** A nif in `netns` (next free index). */
  nif(netns: NetworkNamespace, name: string, fields: Partial<Nif> = {}): Nif {
    const index = Math.max(0, ...netns.nifs.keys()) + 1;
    return makeNif(netns, index, name, { flags: 0x11043, ...fields });
  }

  /** A veth pair (both ends up, addresses as `a.b.c.d/len`). */
  veth(
    a: NetworkNamespace,
    nameA: string,
    addrA: string | undefined,
    b: NetworkNamespace,
    nameB: string,
    addrB: string | undefined,
  ): [Nif, Nif] {
    const x = this.nif(a, nameA, { kind: 'veth' });
    const y = this.nif(b, nameB, { kind: 'veth' });
    x.peer = y;
    y.peer = x;
    if (addrA !== undefined) this.addr(x, addrA);
    if (addrB !== undefined) this.addr(y, addrB);
    return [x, y];
  }

  /** A bridge in `netns` with `ports` enslaved. */
  bridge(netns: NetworkNamespace, name: string, ports: Nif[], addr?: string): Nif {
    const br = this.nif(netns, name, { kind: 'bridge' });
    for (const p of ports) {
      p.master = br;
      br.ports.push(p);
    }
    if (addr !== undefined) this.addr(br, addr);
    return br;
  }

  /** Adds `a.b.c.d/len` and its connected route. */
  addr(nif: Nif, cidr: string): void {
    const [ip, len] = cidr.split('/') as [string, string];
    nif.addresses.push(makeAddress(ip, Number(len)));
    const net = networkOf(ip, Number(len));
    nif.netns.routes.push(
      makeRoute({
        destination: net,
        destinationPrefixLen: Number(len),
        oif: nif,
        prefSource: ip,
        scope: 253,
        protocol: 2,
      }),
    );
  }

  /** Adds a route. */
  route(
    netns: NetworkNamespace,
    fields: Partial<Route> & Pick<Route, 'destination' | 'destinationPrefixLen'>,
  ): Route {
    const r = makeRoute(fields);
    netns.routes.push(r);
    return r;
  }

  /** A TCP/UDP listener in `netns` owned by a fresh process. */
  listen(
    netns: NetworkNamespace,
    address: string,
    port: number,
    protocol: 'tcp' | 'udp' = 'tcp',
  ): void {
    const proc = this.process(netns, 'srv');
    const family = address.includes(':') ? 6 : 4;
    const p: Port = {
      netns: netns.ns,
      family,
      protocol,
      localAddress: address,
      localPort: port,
      localServiceName: '',
      remoteAddress: family === 4 ? '0.0.0.0' : '::',
      remotePort: 0,
      remoteServiceName: '',
      kernelState: protocol === 'tcp' ? 10 : 7,
      state: protocol === 'tcp' ? 'listening' : 'closed',
      macrostate: 'listening',
      inode: 1,
      cookie: 1n,
      uid: 0,
      boundIfIndex: 0,
      rqueue: 0,
      wqueue: 0,
      v6only: family === 6 ? true : undefined,
      ipv4Mapped: false,
      aliasOf: undefined,
      owners: [{ process: proc, leader: proc, tenant: undefined }],
      nifs: [],
    };
    this.#ports.get(netns.ns.id.ino)?.push(p);
  }

  /** A process in `netns`. */
  process(netns: NetworkNamespace, comm: string): Process {
    const p = makeProcess(this.#nextPid++, undefined, comm, [comm], { net: netns.ns });
    this.#processes.push(p);
    return p;
  }

  /** A container tenant in `netns`. */
  container(
    netns: NetworkNamespace,
    name: string,
    opts: { privileged?: boolean; nameservers?: string[] } = {},
  ): Tenant {
    const proc = this.process(netns, name);
    const c = {
      id: `${name}0123456789abcdef`,
      name,
      type: 'docker.com',
      labels: {},
      status: 'running',
      paused: false,
      pid: proc.pid,
      enginePid: proc.pid,
      engine: { id: 'E', type: 'docker.com', version: '1', pid: 1, apiPath: '', prefix: '' },
      prefix: '',
      privileged: opts.privileged ?? false,
      pod: undefined,
    } as Container;
    const t: Tenant = {
      type: 'proc',
      name,
      netns: netns.ns,
      process: proc,
      details: { capBnd: undefined, affinity: [], status: 'running' },
      container: c,
    };
    this.#tenants.get(netns.ns.id.ino)?.push(t);
    if (opts.nameservers !== undefined) {
      this.#dns.set(proc.pid, {
        utsHostname: name,
        utsDomainname: '',
        etcHostname: name,
        etcDomainname: '',
        nameservers: opts.nameservers,
        searchlist: [],
        options: [],
        hosts: [],
      });
    }
    return t;
  }

  /** Replaces facts of a netns. */
  facts(netns: NetworkNamespace, f: Partial<NetnsFacts>): void {
    const cur = this.#facts.get(netns.ns.id.ino) as NetnsFacts;
    this.#facts.set(netns.ns.id.ino, { ...cur, ...f });
  }

  /** Adds an nftables chain to the facts of a netns. */
  chain(netns: NetworkNamespace, chain: FilterChain): void {
    const cur = this.#facts.get(netns.ns.id.ino) as NetnsFacts;
    const filter = cur.filter ?? { chains: [], legacyTables: [] };
    this.#facts.set(netns.ns.id.ino, {
      ...cur,
      filter: { ...filter, chains: [...filter.chains, chain] },
    });
  }

  /** The discovery result and facts. */
  build(): { result: DiscoveryResult; facts: Map<number, NetnsFacts> } {
    const nsList = [...this.#netns.values()].map((n) => n.ns);
    const model = makeNamespaceModel(nsList, this.#processes, { net: this.host.ns });
    const result: DiscoveryResult = {
      namespaces: model,
      network: { netns: this.#netns },
      containers: { engines: [], containers: [], groups: [] },
      tenants: this.#tenants,
      dns: this.#dns,
      tunTapProcessors: new Map(),
      ports: this.#ports,
      host: { hostname: 'h', osrelName: '', osrelVersion: '', kernelVersion: '', cpus: undefined },
      problems: [],
      timings: {
        namespacesMs: 0,
        networkMs: 0,
        containersMs: 0,
        tenantsMs: 0,
        dnsMs: 0,
        tuntapMs: 0,
        portsMs: 0,
        hostMs: 0,
        totalMs: 0,
      },
      startedAtNs: 0n,
    };
    return { result, facts: this.#facts };
  }
}

function networkOf(ip: string, len: number): string {
  if (ip.includes(':')) return ip; // tests use IPv6 only with exact prefixes
  const n = ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
  const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  const v = (n & mask) >>> 0;
  return [24, 16, 8, 0].map((s) => (v >>> s) & 255).join('.');
}
