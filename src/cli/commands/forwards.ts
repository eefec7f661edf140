// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/forwards
 *
 * `ghostwire forwards [--netns X] [--json]`: one line per forwarded port of every network
 * namespace — host side (netns, protocol, IP:port) → target IP:port → the netns (and its
 * tenants, i.e. containers) owning the target → the processes serving it — with the back-end
 * that produced it (`docker`, `kube-proxy`, `nft`, `iptables-legacy`, `docker-proxy`). An
 * unresolved target shows the reason instead. Uses the forwards of the same `discover()` run
 * `ghostwire dump` prints.
 */
import type { Command } from 'commander';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Forward } from '../../model/forward.js';
import type { CliCommand, CliIo } from '../command.js';
import {
  defaultDiscover,
  renderTable,
  resolveNetnsSpec,
  writeProblems,
  type DiscoverFn,
} from '../shared.js';

/** Options of `forwards`. */
export interface ForwardsOptions {
  readonly json?: boolean;
  readonly netns?: string;
}

/** One forward as `ghostwire forwards --json` prints it. */
export interface ForwardInfo {
  readonly netnsid: number;
  readonly backend: string;
  /** Where the rule lives: `ip nat DOCKER #12`, `iptables-legacy ip nat PREROUTING [3]`, `pid 4711`. */
  readonly origin: string;
  readonly protocol: string;
  readonly family: 4 | 6;
  readonly ip: string;
  readonly port: number;
  readonly 'port-max': number;
  readonly 'forward-ip': string;
  readonly 'forward-port': number;
  readonly 'forward-port-max': number;
  readonly target:
    | {
        readonly netnsid: number;
        readonly tenants: string[];
        readonly 'network-interfaces': string[];
        readonly servers: Array<{ pid: number; comm: string; cmdline: string; tenant?: string }>;
        /** netns inodes passed on the way (rule netns first). */
        readonly path: number[];
      }
    | { readonly unresolved: string; readonly detail: string };
}

function originText(f: Forward): string {
  const o = f.origin;
  if (o.kind === 'nftables') return `${o.family} ${o.table} ${o.chain} #${o.handle}`;
  if (o.kind === 'iptables-legacy')
    return `iptables-legacy ${o.family} ${o.table} ${o.chain} [${o.index}]`;
  return `pid ${o.pid}`;
}

/** The forwards of the selected netns as plain records, sorted by netns, port, protocol. Pure. */
export function forwardsInfo(
  result: DiscoveryResult,
  only: ReadonlySet<number> | undefined,
): ForwardInfo[] {
  const out: ForwardInfo[] = [];
  const all = result.forwards ?? new Map<number, readonly Forward[]>();
  for (const ino of [...all.keys()].sort((a, b) => a - b)) {
    if (only !== undefined && !only.has(ino)) continue;
    const list = [...(all.get(ino) ?? [])].sort(
      (a, b) =>
        a.portMin - b.portMin || a.protocol.localeCompare(b.protocol) || a.family - b.family,
    );
    for (const f of list) {
      const r = f.resolution;
      out.push({
        netnsid: ino,
        backend: f.backend,
        origin: originText(f),
        protocol: f.protocol,
        family: f.family,
        ip: f.ip,
        port: f.portMin,
        'port-max': f.portMax,
        'forward-ip': f.targetIp,
        'forward-port': f.targetPortMin,
        'forward-port-max': f.targetPortMax,
        target:
          r === undefined
            ? { unresolved: 'not-resolved', detail: 'resolution did not run' }
            : r.resolved
              ? {
                  netnsid: r.netns.id.ino,
                  tenants: (result.tenants.get(r.netns.id.ino) ?? []).map((t) => t.name),
                  'network-interfaces': r.nifs.map((n) => n.name),
                  servers: r.servers.map((o) => ({
                    pid: o.process.pid,
                    comm: o.process.comm,
                    cmdline: o.process.cmdline.join(' '),
                    ...(o.tenant === undefined ? {} : { tenant: o.tenant.name }),
                  })),
                  path: r.path.map((h) => h.netns.id.ino),
                }
              : { unresolved: r.reason, detail: r.detail },
      });
    }
  }
  return out;
}

function ipPort(ip: string, min: number, max: number): string {
  const a = ip.includes(':') ? `[${ip}]` : ip;
  const p = min === 0 && max === 65535 ? '*' : min === max ? String(min) : `${min}-${max}`;
  return `${a}:${p}`;
}

/** Table rows (header first); pure. */
export function forwardRows(infos: readonly ForwardInfo[]): string[][] {
  const rows: string[][] = [
    ['NETNS', 'BACKEND', 'PROTO', 'HOST', '→ TARGET', '→ NETNS/CONTAINER', '→ SERVED BY'],
  ];
  for (const f of infos) {
    const t = f.target;
    const where =
      'unresolved' in t
        ? `unresolved: ${t.unresolved}`
        : `${t.netnsid}${t.tenants.length === 0 ? '' : ` (${t.tenants.join(', ')})`}`;
    const served =
      'unresolved' in t
        ? t.detail
        : t.servers.length === 0
          ? '-'
          : t.servers.map((s) => `${s.pid}/${s.comm}`).join(', ');
    rows.push([
      String(f.netnsid),
      f.backend,
      `${f.protocol}${f.family === 6 ? '6' : ''}`,
      ipPort(f.ip, f.port, f['port-max']),
      ipPort(f['forward-ip'], f['forward-port'], f['forward-port-max']),
      where,
      served,
    ]);
  }
  return rows;
}

/** Runs `forwards` with parsed options (exported for tests). */
export async function runForwards(
  io: CliIo,
  opts: ForwardsOptions,
  discoverFn: DiscoverFn,
): Promise<void> {
  const result = await discoverFn();
  const only = opts.netns === undefined ? undefined : resolveNetnsSpec(result, opts.netns);
  const infos = forwardsInfo(result, only);
  io.stdout.write(
    opts.json === true ? `${JSON.stringify(infos, null, 2)}\n` : renderTable(forwardRows(infos)),
  );
  writeProblems(io, result.problems);
}

/** Builds the `forwards` command over an injectable discovery function. */
export function makeForwardsCommand(discoverFn: DiscoverFn = defaultDiscover): CliCommand {
  return {
    name: 'forwards',
    register(program: Command, io: CliIo): void {
      program
        .command('forwards')
        .description(
          'list forwarded ports (DNAT) of all network namespaces: host side → target → netns/container → serving process',
        )
        .option('--netns <ino|name>', 'only forwards whose rule lives in this network namespace')
        .option('--json', 'print the forwards as JSON records')
        .addHelpText(
          'after',
          '\nRules are read natively in every namespace: nf_tables (iptables-nft, native nft `dnat to`,\n' +
            'maps), iptables-legacy nat tables, plus docker-proxy processes. BACKEND names what wrote the\n' +
            'rule (docker, kube-proxy, nft, iptables-legacy, docker-proxy). Targets are followed through\n' +
            'routes, bridges and veth pairs to the namespace owning the IP and its listening processes.\n' +
            'Problems go to stderr. Needs root.\n',
        )
        .action(async (opts: ForwardsOptions) => {
          await runForwards(io, opts, discoverFn);
        });
    },
  };
}

/** The `forwards` command. */
export const forwardsCommand: CliCommand = makeForwardsCommand();
