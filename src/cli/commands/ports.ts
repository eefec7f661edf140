// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/ports
 *
 * `ghostwire ports [--netns X] [--listening] [--json]`: a netstat-like table of the TCP/UDP
 * ports of all network namespaces with their owning processes (pid/comm) and the tenant leading
 * them. Runs the discovery, then port discovery for the selected namespaces.
 */
import type { Command } from 'commander';
import { transportPortsV1 } from '../../api/v1/ports.js';
import type { TransportPortV1 } from '../../api/v1/types.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Port } from '../../model/port.js';
import type { PhaseResult } from '../../model/problem.js';
import type { CliCommand, CliIo } from '../command.js';
import { defaultDiscover, resolveNetnsSpec, writeProblems, type DiscoverFn } from './dump.js';

/** Port discovery over a discovery result (injectable for tests). */
export type PortsFn = (result: DiscoveryResult, only: ReadonlySet<number> | undefined) => Promise<PhaseResult<Map<number, Port[]>>>;

/** Default: the real port discovery, loaded on first use. */
export const defaultPorts: PortsFn = async (result, only) => {
  const { discoverPorts } = await import('../../network/ports/index.js');
  return discoverPorts(result.namespaces, result.network, only === undefined ? {} : { only });
};

/** Options of `ports`. */
export interface PortsOptions {
  readonly json?: boolean;
  readonly netns?: string;
  readonly listening?: boolean;
}

function hostPort(address: string, port: number, family: 4 | 6): string {
  const a = family === 6 && !address.startsWith('::ffff:') ? `[${address}]` : address.replace(/^::ffff:/, '');
  return `${a}:${port === 0 ? '*' : String(port)}`;
}

function ownersText(p: Port): string {
  if (p.owners.length === 0) return '-';
  return p.owners.map((o) => `${o.process.pid}/${o.process.comm}${o.leader.pid === o.process.pid ? '' : ` (${o.leader.comm}(${o.leader.pid}))`}`).join(', ');
}

/** Table rows (header first) of the ports; pure. */
export function portRows(ports: ReadonlyMap<number, readonly Port[]>, listeningOnly: boolean): string[][] {
  const rows: string[][] = [['NETNS', 'PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PID/COMM (TENANT)']];
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
      ]);
    }
  }
  return rows;
}

/** Renders rows as aligned columns. */
export function renderTable(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + '\n';
}

/** JSON form: per netns the v1 transport-ports object. */
export function portsJson(ports: ReadonlyMap<number, readonly Port[]>, listeningOnly: boolean): Array<{ netnsid: number; 'transport-ports': { ipv4: TransportPortV1[]; ipv6: TransportPortV1[] } }> {
  return [...ports.keys()]
    .sort((a, b) => a - b)
    .map((ino) => ({
      netnsid: ino,
      'transport-ports': transportPortsV1((ports.get(ino) ?? []).filter((p) => !listeningOnly || p.macrostate === 'listening')),
    }));
}

/** Runs `ports` with parsed options (exported for tests). */
export async function runPorts(io: CliIo, opts: PortsOptions, discoverFn: DiscoverFn, portsFn: PortsFn): Promise<void> {
  const result = await discoverFn();
  const only = opts.netns === undefined ? undefined : resolveNetnsSpec(result, opts.netns);
  const ports = await portsFn(result, only);
  const listening = opts.listening === true;
  io.stdout.write(opts.json === true ? `${JSON.stringify(portsJson(ports.value, listening), null, 2)}\n` : renderTable(portRows(ports.value, listening)));
  writeProblems(io, [...result.problems, ...ports.problems]);
}

/** Builds the `ports` command over injectable discovery functions. */
export function makePortsCommand(discoverFn: DiscoverFn = defaultDiscover, portsFn: PortsFn = defaultPorts): CliCommand {
  return {
    name: 'ports',
    register(program: Command, io: CliIo): void {
      program
        .command('ports')
        .description('list TCP/UDP ports of all network namespaces with their processes (netstat-like)')
        .option('--netns <ino|name>', 'only this network namespace: inode, /run/netns name, or tenant name')
        .option('--listening', 'only listening sockets (TCP LISTEN, bound UDP)')
        .option('--json', 'print the v1 transport-ports objects per netns as JSON')
        .addHelpText(
          'after',
          '\nOne row per socket as `ss -tuanp` shows it in each namespace; dual-stack IPv6 sockets appear\n' +
            'once (as tcp6/udp6). PID/COMM lists every process holding the socket, with the tenant leading it.\n',
        )
        .action(async (opts: PortsOptions) => {
          await runPorts(io, opts, discoverFn, portsFn);
        });
    },
  };
}

/** The `ports` command. */
export const portsCommand: CliCommand = makePortsCommand();
