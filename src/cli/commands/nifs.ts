// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/nifs
 *
 * `ghostwire nifs`: a readable listing of all network interfaces grouped by network namespace
 * (the host's first, then by tenant name), each with kind, state, MAC and addresses, followed
 * by one line per relation (bridge, ports, veth peer and its netns, lower device, MACVLANs,
 * VLAN/IPVLAN uppers, VXLAN underlay/overlays, SR-IOV PF/VFs, the processes holding a TAP/TUN).
 * Colour only when `io.color`.
 * `--json` prints the model view instead (namespaces, nifs, routes and rules with IDs in place
 * of object references), mapped by the api layer (`api/v1/netns-json.ts`).
 */
import type { Command } from 'commander';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Namespace } from '../../model/namespace.js';
import type { NetworkNamespace, Nif, NifAddress } from '../../model/network.js';
import { tunTapKey } from '../../model/tenant-details.js';
import { netnsModelJson, type NetnsModelJson } from '../../api/v1/index.js';
import type { CliCommand, CliIo } from '../command.js';
import { defaultDiscover, resolveNetnsSpec, writeProblems, type DiscoverFn } from '../shared.js';

/** ANSI SGR styles used by the listing. */
const SGR = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  cyan: '36',
  magenta: '35',
} as const;
type Style = keyof typeof SGR;

/** A painter: wraps text in ANSI styles, or returns it unchanged when colour is off. */
export type Paint = (text: string, ...styles: Style[]) => string;

/** Returns a painter for `color`. */
export function painter(color: boolean): Paint {
  if (!color) return (t) => t;
  return (t, ...styles) =>
    styles.length === 0 ? t : `\x1b[${styles.map((s) => SGR[s]).join(';')}m${t}\x1b[0m`;
}

/** Display name of a netns: its tenants' names (first two, then `…`), else its reference. */
export function netnsTitle(result: DiscoveryResult, ns: Namespace): string {
  const names = (result.tenants.get(ns.id.ino) ?? []).map((t) => t.name);
  if (names.length > 0)
    return names.length > 2 ? `${names.slice(0, 2).join(', ')}, …` : names.join(', ');
  return ns.ref.length > 0 ? ns.ref.join(':') : `net:[${ns.id.ino}]`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Netns in listing order: the host's first, then netns with processes by their smallest tenant
 * name, then process-less ones by reference path; inode breaks ties.
 */
function netnsOrder(result: DiscoveryResult): Namespace[] {
  const seen = new Map<number, Namespace>();
  for (const ns of result.namespaces.byType.net) seen.set(ns.id.ino, ns);
  for (const nn of result.network.netns.values())
    if (!seen.has(nn.ns.id.ino)) seen.set(nn.ns.id.ino, nn.ns);
  const hostIno = result.namespaces.initial.net?.id.ino;
  const key = (ns: Namespace): [number, string] => {
    const procs = (result.tenants.get(ns.id.ino) ?? [])
      .filter((t) => t.type === 'proc')
      .map((t) => t.name);
    return procs.length > 0 ? [0, procs.sort(cmp)[0] ?? ''] : [1, ns.ref.join(':')];
  };
  return [...seen.values()].sort((a, b) => {
    if (a.id.ino === hostIno) return -1;
    if (b.id.ino === hostIno) return 1;
    const [ga, ka] = key(a);
    const [gb, kb] = key(b);
    return ga - gb || cmp(ka, kb) || a.id.ino - b.id.ino;
  });
}

/** Interfaces of a netns: `lo` first, then by name. */
export function sortNifs(nifs: Iterable<Nif>): Nif[] {
  return [...nifs].sort((a, b) => {
    if (a.loopback !== b.loopback) return a.loopback ? -1 : 1;
    return cmp(a.name, b.name) || a.index - b.index;
  });
}

function kindText(nif: Nif): string {
  if (nif.loopback) return 'loopback';
  if (nif.kind === '')
    return nif.physical
      ? `physical${nif.driverInfo?.driver ? ` (${nif.driverInfo.driver})` : ''}`
      : 'device';
  if (nif.kind === 'tun') return nif.kindData?.kind === 'tun' ? nif.kindData.mode : 'tun/tap';
  const d = nif.kindData;
  switch (d?.kind) {
    case 'macvlan':
    case 'macvtap':
    case 'ipvlan':
    case 'ipvtap':
      return `${nif.kind} mode ${d.mode}`;
    case 'vlan':
      return `vlan id ${d.vid}${d.protocol === 0x88a8 ? ' 802.1ad' : ''}`;
    case 'vxlan':
      return `vxlan VNI ${d.vni} port ${d.port}`;
    case 'bond':
      return `bond ${d.modeName}`;
    case 'vrf':
      return `vrf table ${d.table}`;
    default:
      return nif.kind;
  }
}

function stateStyle(nif: Nif): Style {
  switch (nif.operState) {
    case 'UP':
      return 'green';
    case 'DOWN':
    case 'LOWERLAYERDOWN':
    case 'NOTPRESENT':
      return 'red';
    default:
      return 'yellow';
  }
}

function addrText(a: NifAddress): string {
  return `${a.address}/${a.prefixLen}`;
}

/** Sorts addresses IPv4 first, then textually. */
function sortAddresses(list: readonly NifAddress[]): NifAddress[] {
  return [...list].sort(
    (a, b) => a.family - b.family || cmp(a.address, b.address) || a.prefixLen - b.prefixLen,
  );
}

/** Renders the listing (pure; exported for tests). */
export function renderNifs(
  result: DiscoveryResult,
  opts: { color: boolean; netns?: ReadonlySet<number> },
): string {
  const p = painter(opts.color);
  const lines: string[] = [];
  const hostIno = result.namespaces.initial.net?.id.ino;
  const nsById = new Map<number, Namespace>();
  for (const ns of netnsOrder(result)) nsById.set(ns.id.ino, ns);
  const where = (nif: Nif, own: NetworkNamespace): string => {
    const ref = `${p(nif.name, 'bold')}(${nif.index})`;
    if (nif.netns === own) return ref;
    const ns = nsById.get(nif.netns.ns.id.ino) ?? nif.netns.ns;
    return `${ref} in ${p(`net:[${ns.id.ino}]`, 'cyan')} ${netnsTitle(result, ns)}`;
  };

  for (const ns of netnsOrder(result)) {
    if (opts.netns !== undefined && !opts.netns.has(ns.id.ino)) continue;
    const nn = result.network.netns.get(ns.id.ino);
    const host = ns.id.ino === hostIno ? ' (host)' : '';
    lines.push(
      `${p(`net:[${ns.id.ino}]`, 'cyan', 'bold')}${host} ${p(netnsTitle(result, ns), 'bold')}`,
    );
    if (nn === undefined) {
      lines.push(`  ${p('(interfaces not discovered: see problems)', 'dim')}`);
      lines.push('');
      continue;
    }
    for (const nif of sortNifs(nn.nifs.values())) {
      const alias = nif.alias === '' ? '' : ` ~${nif.alias}`;
      const flags = [nif.promisc ? 'promisc' : '', nif.up ? '' : 'admin-down']
        .filter((s) => s !== '')
        .join(',');
      lines.push(
        `  ${p(nif.name, 'bold')}(${nif.index})${alias}  ${kindText(nif)}  ${p(nif.operState, stateStyle(nif))}` +
          `${flags === '' ? '' : ` [${flags}]`}  ${nif.mac === '' ? '-' : nif.mac}  mtu ${nif.mtu}`,
      );
      const addrs = sortAddresses(nif.addresses);
      if (addrs.length > 0)
        lines.push(`      ${p('addresses', 'dim')} ${addrs.map(addrText).join(', ')}`);
      const rel = (label: string, text: string): void => {
        lines.push(`      ${p(label, 'magenta')} ${text}`);
      };
      if (nif.master !== undefined)
        rel(
          nif.master.kind === 'bridge' ? 'bridge' : `master (${nif.master.kind})`,
          where(nif.master, nn),
        );
      for (const port of sortNifs(nif.ports)) rel('port', where(port, nn));
      if (nif.peer !== undefined) rel('peer', where(nif.peer, nn));
      else if (nif.kind === 'veth') rel('peer', p('(not found)', 'red'));
      if (nif.lower !== undefined) rel('lower', where(nif.lower, nn));
      for (const up of sortNifs(nif.uppers)) rel(up.kind === '' ? 'upper' : up.kind, where(up, nn));
      if (nif.kindData?.kind === 'vxlan' || nif.kindData?.kind === 'geneve') {
        const d = nif.kindData;
        const remote = d.kind === 'vxlan' ? (d.group4 ?? d.group6) : (d.remote4 ?? d.remote6);
        const local = d.kind === 'vxlan' ? (d.local4 ?? d.local6) : undefined;
        const ends = [
          local === undefined ? '' : `local ${local}`,
          remote === undefined ? '' : `remote ${remote}`,
        ].filter((s) => s !== '');
        rel('underlay', nif.underlay === undefined ? p('(none)', 'dim') : where(nif.underlay, nn));
        if (ends.length > 0) rel('tunnel', ends.join(' '));
      }
      for (const ov of sortNifs(nif.overlays))
        rel(
          'overlay',
          `${where(ov, nn)}${ov.kindData?.kind === 'vxlan' ? ` VNI ${ov.kindData.vni}` : ''}`,
        );
      if (nif.pf !== undefined) rel('sr-iov pf', where(nif.pf, nn));
      for (const vf of sortNifs(nif.vfs)) rel('sr-iov vf', where(vf, nn));
      if (nif.kind === 'tun') {
        const procs = result.tunTapProcessors.get(tunTapKey(ns.id.ino, nif.name)) ?? [];
        rel(
          'processors',
          procs.length === 0
            ? p('(none)', 'dim')
            : procs.map((q) => `${q.pid}/${q.comm}`).join(', '),
        );
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

// --- JSON model output -------------------------------------------------------------------

/**
 * The model view as the api layer maps it (`netnsModelJson`: IDs instead of object
 * references), in this listing's netns order (exported for tests).
 */
export function nifsJson(result: DiscoveryResult, netns?: ReadonlySet<number>): NetnsModelJson {
  return netnsModelJson(
    result,
    netnsOrder(result).filter((ns) => netns === undefined || netns.has(ns.id.ino)),
  );
}

/** Options of the `nifs` command. */
export interface NifsOptions {
  readonly json?: boolean;
  readonly netns?: string;
}

/** Runs `nifs` with already-parsed options (exported for tests). */
export async function runNifs(io: CliIo, opts: NifsOptions, discoverFn: DiscoverFn): Promise<void> {
  const result = await discoverFn();
  const netns = opts.netns === undefined ? undefined : resolveNetnsSpec(result, opts.netns);
  if (opts.json === true) {
    io.stdout.write(
      `${JSON.stringify(nifsJson(result, netns), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
    );
  } else {
    io.stdout.write(
      renderNifs(result, netns === undefined ? { color: io.color } : { color: io.color, netns }),
    );
  }
  writeProblems(io, result.problems);
}

/** Builds the `nifs` command over a discovery function. */
export function makeNifsCommand(discoverFn: DiscoverFn = defaultDiscover): CliCommand {
  return {
    name: 'nifs',
    register(program: Command, io: CliIo): void {
      program
        .command('nifs')
        .description(
          'list all network interfaces grouped by network namespace, with addresses and wiring',
        )
        .option('--json', 'print the model (IDs instead of object references) as JSON')
        .option(
          '--netns <ino|name>',
          'only this network namespace: inode, /run/netns name, or tenant name',
        )
        .addHelpText(
          'after',
          '\nPer interface: name(index), kind, operational state, MAC, MTU, addresses, then one line per\n' +
            'relation: bridge/port, veth peer (with its netns), lower device, macvlan/vlan uppers,\n' +
            'vxlan underlay/overlays, SR-IOV PF/VFs. Colour when stdout is a terminal (NO_COLOR disables).\n',
        )
        .action(async (opts: NifsOptions) => {
          await runNifs(io, opts, discoverFn);
        });
    },
  };
}

/** The `nifs` command. */
export const nifsCommand: CliCommand = makeNifsCommand();
