// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/containers
 *
 * `ghostwire containers [--json]`: the container engines found (type, version, PID, API path,
 * prefix) and their containers, each with its network namespace, its IP addresses (from the
 * network model of that netns), status, groups (pod, compose project) and published ports.
 *
 * Published ports come from the engines themselves (Docker and podman `NetworkSettings.Ports` of
 * each container's inspect answer), asked once per container after the discovery; containerd
 * and CRI have no such notion and show none. Containers sharing another container's netns
 * (`--network container:x`, pod members) show the ports the engine lists for them, which are
 * usually on the netns owner (the pod's infra container).
 */
import type { Command } from 'commander';
import { containerTypeV1 } from '../../api/v1/containers.js';
import { errorMessage } from '../../errors.js';
import {
  ENGINE_TYPES,
  GROUP_TYPES,
  type Container,
  type ContainerGroup,
  type Engine,
} from '../../model/container.js';
import type { DiscoveryResult } from '../../model/discovery.js';
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

/** Asks the engines for the published ports of their containers (injectable for tests). */
export type PublishedPortsFn = (containers: readonly Container[]) => Promise<PublishedPorts>;

/**
 * Parses a Docker/podman `NetworkSettings.Ports` value (`{"80/tcp": [{"HostIp": "0.0.0.0",
 * "HostPort": "8080"}], "443/tcp": null}`) into published ports; exposed-only ports (`null` or
 * empty bindings) and malformed entries are skipped. Sorted by container port, protocol, host
 * port, host IP. Pure.
 */
export function parsePublishedPorts(ports: unknown): PublishedPort[] {
  const out: PublishedPort[] = [];
  if (ports === null || typeof ports !== 'object') return out;
  for (const [key, bindings] of Object.entries(ports as Record<string, unknown>)) {
    const m = /^(\d+)(?:\/(\w+))?$/.exec(key);
    if (m === null || !Array.isArray(bindings)) continue;
    const containerPort = Number(m[1]);
    const protocol = m[2] ?? 'tcp';
    for (const b of bindings as unknown[]) {
      if (b === null || typeof b !== 'object') continue;
      const { HostIp: hostIp, HostPort: hostPort } = b as { HostIp?: unknown; HostPort?: unknown };
      const port = Number(hostPort);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) continue;
      out.push({
        hostIp: typeof hostIp === 'string' ? hostIp : '',
        hostPort: port,
        containerPort,
        protocol,
      });
    }
  }
  return out.sort(
    (a, b) =>
      a.containerPort - b.containerPort ||
      a.protocol.localeCompare(b.protocol) ||
      a.hostPort - b.hostPort ||
      (a.hostIp < b.hostIp ? -1 : a.hostIp > b.hostIp ? 1 : 0),
  );
}

const PORT_ENGINES: ReadonlySet<string> = new Set([ENGINE_TYPES.docker, ENGINE_TYPES.podman]);

/**
 * Default {@link PublishedPortsFn}: one Docker-API client per Docker/podman engine (through its
 * `/proc/PID/root/…` socket path), one inspect per container, all in parallel; every client is
 * closed before returning. A failing engine or container is a problem, not an exception.
 */
export const defaultPublishedPorts: PublishedPortsFn = async (containers) => {
  const byContainer = new Map<string, PublishedPort[]>();
  const problems: Problem[] = [];
  const byEngine = new Map<Engine, Container[]>();
  for (const c of containers) {
    if (!PORT_ENGINES.has(c.engine.type) || !c.engine.apiPath.startsWith('unix://')) continue;
    byEngine.set(c.engine, [...(byEngine.get(c.engine) ?? []), c]);
  }
  if (byEngine.size === 0) return { byContainer, problems };
  const { DockerClient } = await import('../../engines/index.js');
  await Promise.all(
    [...byEngine].map(async ([engine, list]) => {
      const client = new DockerClient(engine.apiPath.slice('unix://'.length), {
        engine: engine.type,
        timeoutMs: 3_000,
      });
      try {
        await client.negotiate();
        await Promise.all(
          list.map(async (c) => {
            try {
              const info = await client.inspect(c.id);
              const settings = info?.NetworkSettings as { Ports?: unknown } | null | undefined;
              byContainer.set(c.id, parsePublishedPorts(settings?.Ports));
            } catch (e: unknown) {
              problems.push({
                code: 'GW_ERR_ENGINE_API',
                message: `published ports of ${c.name}: ${errorMessage(e)}`,
                subject: `container ${c.id}`,
              });
            }
          }),
        );
      } catch (e: unknown) {
        problems.push({
          code: 'GW_ERR_ENGINE_UNREACHABLE',
          message: `published ports: ${errorMessage(e)}`,
          subject: `pid ${engine.pid}`,
        });
      } finally {
        client.close();
      }
    }),
  );
  return { byContainer, problems };
};

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
  const ports = await portsFn(result.containers.containers);
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
            'compose project; PUBLISHED lists host ports as the engine reports them (Docker, podman).\n' +
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
