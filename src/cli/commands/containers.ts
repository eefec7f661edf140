// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/containers
 *
 * `ghostwire containers [--json]`: the container engines found (type, version, PID, API path,
 * prefix) and their containers, each with its network namespace, its IP addresses (from the
 * network model of that netns), status, groups (pod, compose project) and published ports.
 *
 * Published ports come from the discovered forwards (docs/forwarding.md), not from the engines:
 * every forward of another netns whose target resolved into the container's netns (Docker's
 * NAT rules in any encoding, iptables-legacy, native nft `dnat`, docker-proxy processes) is a
 * published port of each container of that netns — also for containerd/CRI/podman containers
 * and hand-made DNATs. kube-proxy service forwards are not published ports and are left out;
 * so are forwards inside the container's own netns (Docker's embedded-DNS redirections).
 */
import type { Command } from 'commander';
import { containerTypeV1 } from '../../api/v1/containers.js';
import { GROUP_TYPES, type Container, type ContainerGroup } from '../../model/container.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Forward } from '../../model/forward.js';
import type { Problem } from '../../model/problem.js';
import type { CliCommand, CliIo } from '../command.js';
import { defaultDiscover, renderTable, writeProblems, type DiscoverFn } from '../shared.js';

/** One published port: `hostIp:hostPort` → `containerPort/protocol`. */
export interface PublishedPort {
  /** `''` when the engine gave none (all addresses). */
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: string;
}

/** Published ports per container ID, with the problems met asking the engines. */
export interface PublishedPorts {
  readonly byContainer: ReadonlyMap<string, readonly PublishedPort[]>;
  readonly problems: Problem[];
}

/** Finds the published ports of the containers of a discovery (injectable for tests). */
export type PublishedPortsFn = (
  containers: readonly Container[],
  result: DiscoveryResult,
) => Promise<PublishedPorts>;

/** Most ports one forward with a port range is listed with (the rest is left out). */
export const MAX_PORTS_PER_RANGE = 64;

/**
 * Published ports per container from the forwards of a discovery (see module doc). Sorted by
 * container port, protocol, host port, host IP. Pure.
 */
export function publishedPortsFromForwards(
  result: DiscoveryResult,
  containers: readonly Container[],
): Map<string, PublishedPort[]> {
  const byNetns = new Map<number, PublishedPort[]>();
  for (const [ino, list] of result.forwards ?? new Map<number, readonly Forward[]>()) {
    for (const f of list) {
      const r = f.resolution;
      if (r === undefined || !r.resolved || f.backend === 'kube-proxy') continue;
      const target = r.netns.id.ino;
      if (target === ino) continue;
      let out = byNetns.get(target);
      if (out === undefined) byNetns.set(target, (out = []));
      const n = Math.min(f.portMax - f.portMin + 1, MAX_PORTS_PER_RANGE);
      for (let k = 0; k < n; k++) {
        const p: PublishedPort = {
          hostIp: f.ip,
          hostPort: f.portMin + k,
          containerPort: Math.min(f.targetPortMin + k, f.targetPortMax),
          protocol: f.protocol,
        };
        if (
          !out.some(
            (q) =>
              q.hostIp === p.hostIp &&
              q.hostPort === p.hostPort &&
              q.containerPort === p.containerPort &&
              q.protocol === p.protocol,
          )
        )
          out.push(p);
      }
    }
  }
  const sorted = (l: readonly PublishedPort[]): PublishedPort[] =>
    [...l].sort(
      (a, b) =>
        a.containerPort - b.containerPort ||
        a.protocol.localeCompare(b.protocol) ||
        a.hostPort - b.hostPort ||
        (a.hostIp < b.hostIp ? -1 : a.hostIp > b.hostIp ? 1 : 0),
    );
  const out = new Map<string, PublishedPort[]>();
  for (const c of containers) {
    const ino = result.namespaces.processes.get(c.pid)?.namespaces.net?.id.ino;
    const l = ino === undefined ? undefined : byNetns.get(ino);
    if (l !== undefined) out.set(c.id, sorted(l));
  }
  return out;
}

/** Default {@link PublishedPortsFn}: the ports from the forwards of the same discovery. */
export const defaultPublishedPorts: PublishedPortsFn = (containers, result) =>
  Promise.resolve({ byContainer: publishedPortsFromForwards(result, containers), problems: [] });

/** One IP address of a container's netns: interface, address, prefix length. */
export interface ContainerAddress {
  readonly interface: string;
  readonly address: string;
  readonly prefixlen: number;
}

/** One container as `ghostwire containers --json` prints it. */
export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  /** v1 container type: `docker`, `containerd`, `podman`, `CRI`. */
  readonly type: string;
  readonly status: string;
  /** Host PID of the initial process (0 if it could not be translated). */
  readonly pid: number;
  /** Inode of the initial process' network namespace; 0 when unknown. */
  readonly netns: number;
  /** True when the container uses the host's (initial) network namespace. */
  readonly 'host-netns': boolean;
  /** Addresses of the netns' interfaces except loopback ones and link-local/host-scope ones. */
  readonly addresses: ContainerAddress[];
  readonly groups: Array<{ type: string; name: string }>;
  readonly 'published-ports': PublishedPort[];
  readonly privileged: boolean;
  readonly labels: Record<string, string>;
}

/** One engine with its containers. */
export interface EngineInfo {
  readonly id: string;
  /** Long engine type, e.g. `docker.com`. */
  readonly type: string;
  readonly version: string;
  readonly pid: number;
  readonly 'api-path': string;
  readonly prefix: string;
  readonly containers: ContainerInfo[];
}

/** Universe-scope (RT_SCOPE_UNIVERSE 0) and site-scope (200) addresses of non-loopback nifs. */
function addressesOf(result: DiscoveryResult, netnsIno: number): ContainerAddress[] {
  const nn = result.network.netns.get(netnsIno);
  if (nn === undefined) return [];
  const out: ContainerAddress[] = [];
  for (const nif of [...nn.nifs.values()].sort((a, b) => a.index - b.index)) {
    if (nif.loopback) continue;
    for (const a of nif.addresses) {
      if (a.scope === 0 || a.scope === 200)
        out.push({ interface: nif.name, address: a.address, prefixlen: a.prefixLen });
    }
  }
  return out;
}

const GROUP_KIND: Readonly<Record<string, string>> = {
  [GROUP_TYPES.k8sPod]: 'pod',
  [GROUP_TYPES.podmanPod]: 'pod',
  [GROUP_TYPES.composeProject]: 'compose',
};

/** The engines and containers of a discovery for the CLI (pure). */
export function containersInfo(
  result: DiscoveryResult,
  ports: ReadonlyMap<string, readonly PublishedPort[]>,
): EngineInfo[] {
  const model = result.containers;
  const groupsOf = new Map<Container, ContainerGroup[]>();
  for (const g of model.groups)
    for (const c of g.containers) groupsOf.set(c, [...(groupsOf.get(c) ?? []), g]);
  const hostIno = result.namespaces.initial.net?.id.ino;
  return model.engines.map((e) => ({
    id: e.id,
    type: e.type,
    version: e.version,
    pid: e.pid,
    'api-path': e.apiPath,
    prefix: e.prefix,
    containers: model.containers
      .filter((c) => c.engine === e)
      .map((c) => {
        const netns = result.namespaces.processes.get(c.pid)?.namespaces.net?.id.ino ?? 0;
        return {
          id: c.id,
          name: c.name,
          type: containerTypeV1(c.type).type,
          status: c.status,
          pid: c.pid,
          netns,
          'host-netns': netns !== 0 && netns === hostIno,
          addresses: netns === 0 ? [] : addressesOf(result, netns),
          groups: (groupsOf.get(c) ?? []).map((g) => ({
            type: GROUP_KIND[g.type] ?? g.type,
            name: g.name,
          })),
          'published-ports': [...(ports.get(c.id) ?? [])],
          privileged: c.privileged,
          labels: { ...c.labels },
        };
      }),
  }));
}

/** `0.0.0.0:8080->80/tcp`, `[::]:8080->80/tcp`, `8080->80/tcp` (no host IP), as `docker ps`. */
export function portText(p: PublishedPort): string {
  const ip = p.hostIp === '' ? '' : p.hostIp.includes(':') ? `[${p.hostIp}]:` : `${p.hostIp}:`;
  return `${ip}${p.hostPort}->${p.containerPort}/${p.protocol}`;
}

/** Table text: per engine a header line and an aligned container table (pure). */
export function renderContainers(engines: readonly EngineInfo[]): string {
  if (engines.length === 0) return 'no container engines found\n';
  const parts: string[] = [];
  for (const e of engines) {
    const prefix = e.prefix === '' ? '' : `  prefix ${e.prefix}`;
    parts.push(`${e.type} ${e.version}  pid ${e.pid}  ${e['api-path']}${prefix}  (id ${e.id})\n`);
    if (e.containers.length === 0) {
      parts.push('  (no containers)\n\n');
      continue;
    }
    const rows: string[][] = [
      ['NAME', 'STATUS', 'PID', 'NETNS', 'ADDRESSES', 'GROUP', 'PUBLISHED'],
    ];
    for (const c of e.containers) {
      const addrs = c['host-netns']
        ? 'host network'
        : c.addresses.map((a) => `${a.interface}:${a.address}/${a.prefixlen}`).join(' ');
      rows.push([
        c.name,
        c.status,
        String(c.pid),
        c.netns === 0 ? '?' : String(c.netns),
        addrs === '' ? '-' : addrs,
        c.groups.length === 0 ? '-' : c.groups.map((g) => `${g.type}:${g.name}`).join(' '),
        c['published-ports'].length === 0 ? '-' : c['published-ports'].map(portText).join(' '),
      ]);
    }
    parts.push(renderTable(rows).replace(/^/gm, '  ').replace(/ +$/gm, ''), '\n');
  }
  return parts.join('').replace(/\n+$/, '\n');
}

/** Options of `containers`. */
export interface ContainersOptions {
  readonly json?: boolean;
}

/** Runs `containers` with parsed options (exported for tests). */
export async function runContainers(
  io: CliIo,
  opts: ContainersOptions,
  discoverFn: DiscoverFn,
  portsFn: PublishedPortsFn,
): Promise<void> {
  const result = await discoverFn();
  const ports = await portsFn(result.containers.containers, result);
  const engines = containersInfo(result, ports.byContainer);
  io.stdout.write(
    opts.json === true ? `${JSON.stringify({ engines }, null, 2)}\n` : renderContainers(engines),
  );
  writeProblems(io, [...result.problems, ...ports.problems]);
}

/** Builds the `containers` command over injectable discovery and port lookup. */
export function makeContainersCommand(
  discoverFn: DiscoverFn = defaultDiscover,
  portsFn: PublishedPortsFn = defaultPublishedPorts,
): CliCommand {
  return {
    name: 'containers',
    register(program: Command, io: CliIo): void {
      program
        .command('containers')
        .description(
          'list container engines and their containers with netns, addresses, status, groups and published ports',
        )
        .option('--json', 'print engines with their containers as JSON')
        .addHelpText(
          'after',
          '\nEngines (dockerd, containerd and its CRI, podman) are found by their processes, also inside\n' +
            'containers; new engines get about 2 s to list their containers. ADDRESSES are those of the\n' +
            "container's network namespace (without loopback and link-local ones); GROUP is a pod or a\n" +
            'compose project; PUBLISHED lists the host ports forwarded into the container (from the NAT\n' +
            'rules and docker-proxy processes found by `ghostwire forwards`).\n' +
            'Problems go to stderr; the exit code stays 0. Needs root for a complete view.\n',
        )
        .action(async (opts: ContainersOptions) => {
          await runContainers(io, opts, discoverFn, portsFn);
        });
    },
  };
}

/** The `containers` command. */
export const containersCommand: CliCommand = makeContainersCommand();
