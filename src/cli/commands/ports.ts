// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/ports
 *
 * `ghostwire ports [--netns X] [--listening] [--json]`: a netstat-like table of the TCP/UDP
 * ports of all network namespaces with their owning processes (pid/comm) and the tenant leading
 * them. Uses the ports of the same `discover()` run `ghostwire dump` prints.
 */
import type { Command } from 'commander';
import { tenantIdOf, transportPortsV1, type TransportPortV1 } from '../../api/v1/index.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Port, PortOwner } from '../../model/port.js';
import type { CliCommand, CliIo } from '../command.js';
import {
  defaultDiscover,
  renderTable,
  resolveNetnsSpec,
  writeProblems,
  type DiscoverFn,
} from '../shared.js';

/** Options of `ports`. */
export interface PortsOptions {
  readonly json?: boolean;
  readonly netns?: string;
  readonly listening?: boolean;
}

function hostPort(address: string, port: number, family: 4 | 6): string {
  const a =
    family === 6 && !address.startsWith('::ffff:')
      ? `[${address}]`
      : address.replace(/^::ffff:/, '');
  return `${a}:${port === 0 ? '*' : String(port)}`;
}

/** Tenant display name of an owner: its tenant's name (container name once engines exist), else `comm(pid)` of its leader. */
export function ownerTenantName(o: PortOwner): string {
  return o.tenant?.name ?? `${o.leader.comm}(${o.leader.pid})`;
}

function ownersText(p: Port): string {
  if (p.owners.length === 0) return '-';
  return p.owners.map((o) => `${o.process.pid}/${o.process.comm}`).join(', ');
}

function tenantsText(p: Port): string {
  const names = [...new Set(p.owners.map(ownerTenantName))];
  return names.length === 0 ? '-' : names.join(', ');
}

/** The ports to show: of the selected namespaces (all when `only` is undefined), by netns inode. */
export function selectPorts(
  result: DiscoveryResult,
  only: ReadonlySet<number> | undefined,
): Map<number, readonly Port[]> {
  const out = new Map<number, readonly Port[]>();
  for (const ino of [...result.ports.keys()].sort((a, b) => a - b)) {
    if (only === undefined || only.has(ino)) out.set(ino, result.ports.get(ino) ?? []);
  }
  return out;
}

/** Table rows (header first) of the ports; pure. */
export function portRows(
  ports: ReadonlyMap<number, readonly Port[]>,
  listeningOnly: boolean,
): string[][] {
  const rows: string[][] = [['NETNS', 'PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PID/COMM', 'TENANT']];
  for (const ino of [...ports.keys()].sort((a, b) => a - b)) {
    for (const p of ports.get(ino) ?? []) {
      if (p.ipv4Mapped) continue; // the IPv6 row already shows the dual-stack socket
      if (listeningOnly && p.macrostate !== 'listening') continue;
      const svc = p.localServiceName === '' ? '' : ` (${p.localServiceName})`;
      rows.push([
        String(ino),
        `${p.protocol}${p.family === 6 ? '6' : ''}`,
        hostPort(p.localAddress, p.localPort, p.family) + svc,
        hostPort(p.remoteAddress, p.remotePort, p.family),
        p.state,
        ownersText(p),
        tenantsText(p),
      ]);
    }
  }
  return rows;
}

/** One netns of the JSON form: the v1 `transport-ports` plus the names of the tenants its owners refer to. */
export interface PortsJsonEntry {
  netnsid: number;
  /** `container-idref` → tenant name, for every reference in `transport-ports`. */
  tenants: Record<string, string>;
  'transport-ports': { ipv4: TransportPortV1[]; ipv6: TransportPortV1[] };
}

/** JSON form: per netns the v1 transport-ports object (owners' `container-idref` name their tenant). */
export function portsJson(
  ports: ReadonlyMap<number, readonly Port[]>,
  listeningOnly: boolean,
): PortsJsonEntry[] {
  return [...ports.keys()]
    .sort((a, b) => a - b)
    .map((ino) => {
      const list = (ports.get(ino) ?? []).filter(
        (p) => !listeningOnly || p.macrostate === 'listening',
      );
      const tenants: Record<string, string> = {};
      for (const p of list)
        for (const o of p.owners)
          if (o.tenant !== undefined) tenants[tenantIdOf(o.tenant)] = o.tenant.name;
      return { netnsid: ino, tenants, 'transport-ports': transportPortsV1(list) };
    });
}

/** Runs `ports` with parsed options (exported for tests): one discovery, the same as `dump`. */
export async function runPorts(
  io: CliIo,
  opts: PortsOptions,
  discoverFn: DiscoverFn,
): Promise<void> {
  const result = await discoverFn();
  const only = opts.netns === undefined ? undefined : resolveNetnsSpec(result, opts.netns);
  const ports = selectPorts(result, only);
  const listening = opts.listening === true;
  io.stdout.write(
    opts.json === true
      ? `${JSON.stringify(portsJson(ports, listening), null, 2)}\n`
      : renderTable(portRows(ports, listening)),
  );
  writeProblems(io, result.problems);
}

/** Builds the `ports` command over an injectable discovery function. */
export function makePortsCommand(discoverFn: DiscoverFn = defaultDiscover): CliCommand {
  return {
    name: 'ports',
    register(program: Command, io: CliIo): void {
      program
        .command('ports')
        .description(
          'list TCP/UDP ports of all network namespaces with their processes and tenants (netstat-like)',
        )
        .option(
          '--netns <ino|name>',
          'only this network namespace: inode, /run/netns name, or tenant name',
        )
        .option('--listening', 'only listening sockets (TCP LISTEN, bound UDP)')
        .option(
          '--json',
          'print per netns the v1 transport-ports object and the names of the tenants it refers to',
        )
        .addHelpText(
          'after',
          '\nOne row per socket as `ss -tuanp` shows it in each namespace; dual-stack IPv6 sockets appear\n' +
            'once (as tcp6/udp6). PID/COMM lists every process holding the socket; TENANT the tenant leading\n' +
            'each of them (container name, or comm(pid) of the leader process). Runs the same discovery as\n' +
            '`ghostwire dump`; problems go to stderr. Needs root for other namespaces and all owners.\n',
        )
        .action(async (opts: PortsOptions) => {
          await runPorts(io, opts, discoverFn);
        });
    },
  };
}

/** The `ports` command. */
export const portsCommand: CliCommand = makePortsCommand();
