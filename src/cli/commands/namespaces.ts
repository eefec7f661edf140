// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/namespaces
 *
 * `ghostwire namespaces [--json] [--type net,user,…]`: all discovered namespaces as a table
 * (type, inode, how found, owner user namespace or parent, leader processes as `comm(pid)`), or
 * as JSON with ID references (inodes and PIDs, never nested objects). Problems go to stderr as
 * a short list (count + first lines); the exit code stays 0 for partial results.
 */
import type { Command } from 'commander';
import { ProjectError } from '../../errors.js';
import {
  NS_TYPES,
  type Namespace,
  type NamespaceModel,
  type NamespaceSource,
  type NsType,
} from '../../model/namespace.js';
import type { PhaseResult, Problem } from '../../model/problem.js';
import { discoverNamespaces, howFound, processLabel, refLabel } from '../../namespaces/index.js';
import type { CliCommand, CliIo } from '../command.js';

/** How the command obtains its model (injectable for tests). */
export type NamespacesDiscoverFn = () => PhaseResult<NamespaceModel>;

/** Parses `--type net,user` into types; throws GW_ERR_CLI_USAGE for unknown names. */
export function parseTypes(spec: string | undefined): NsType[] {
  if (spec === undefined || spec.trim() === '') return [...NS_TYPES];
  const out: NsType[] = [];
  for (const raw of spec.split(',')) {
    const t = raw.trim();
    if (!(NS_TYPES as readonly string[]).includes(t)) {
      throw new ProjectError(
        'GW_ERR_CLI_USAGE',
        `unknown namespace type "${t}" (one of ${NS_TYPES.join(', ')})`,
      );
    }
    if (!out.includes(t as NsType)) out.push(t as NsType);
  }
  return out;
}

function selected(model: NamespaceModel, types: readonly NsType[]): Namespace[] {
  return types.flatMap((t) => model.byType[t]);
}

/** The "related" column: owner user ns for non-user types, parent for user/pid. */
function relation(ns: Namespace): string {
  const parts: string[] = [];
  if (ns.type === 'user' || ns.type === 'pid')
    parts.push(ns.parent === undefined ? 'parent -' : `parent ${ns.parent.id.ino}`);
  if (ns.type !== 'user')
    parts.push(ns.owner === undefined ? 'owner -' : `owner ${ns.owner.id.ino}`);
  if (ns.type === 'user' && ns.ownerUid !== undefined) parts.push(`uid ${ns.ownerUid}`);
  return parts.join(', ');
}

function found(ns: Namespace): string {
  const labels = howFound(ns);
  const shown = labels.slice(0, 2).join('; ');
  return labels.length > 2 ? `${shown}; +${labels.length - 2}` : shown;
}

function leaders(ns: Namespace): string {
  if (ns.hidden) return '(hidden)';
  if (ns.leaders.length === 0) return ns.ref.length > 0 ? refLabel(ns.ref) : '-';
  const l = ns.leaders.slice(0, 3).map(processLabel).join(', ');
  return ns.leaders.length > 3 ? `${l}, … (${ns.leaders.length})` : l;
}

/** Renders the table (plain text, columns padded). */
export function renderNamespaces(model: NamespaceModel, types: readonly NsType[]): string {
  const rows = [['TYPE', 'INODE', 'FOUND', 'RELATED', 'LEADERS / REF']];
  for (const ns of selected(model, types)) {
    rows.push([ns.type, String(ns.id.ino), found(ns), relation(ns), leaders(ns)]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function sourceJson(s: NamespaceSource): Record<string, unknown> {
  if (s.kind === 'bindmount')
    return { kind: s.kind, 'mount-point': s.mountPoint, mntns: s.mntns.ino, path: s.path };
  return { ...s };
}

/** The JSON document: namespaces and the processes they reference, by inode and PID. */
export function namespacesJson(
  model: NamespaceModel,
  types: readonly NsType[],
  problems: readonly Problem[],
): unknown {
  const list = selected(model, types);
  const pids = new Set<number>();
  for (const ns of list) for (const p of ns.processes) pids.add(p.pid);
  const ino = (ns: Namespace | undefined): number | null => (ns === undefined ? null : ns.id.ino);
  return {
    namespaces: list.map((ns) => ({
      type: ns.type,
      ino: ns.id.ino,
      dev: ns.id.dev,
      reference: ns.ref,
      hidden: ns.hidden,
      sources: ns.sources.filter((s) => s.kind !== 'process').map(sourceJson),
      processes: ns.processes.map((p) => p.pid),
      leaders: ns.leaders.map((p) => p.pid),
      ealdorman: ns.ealdorman?.pid ?? null,
      owner: ino(ns.owner),
      parent: ino(ns.parent),
      children: ns.children.map((c) => c.id.ino),
      'owner-uid': ns.ownerUid ?? null,
      owned: ns.owned.map((o) => ({ type: o.type, ino: o.id.ino })),
    })),
    processes: [...pids]
      .sort((a, b) => a - b)
      .map((pid) => model.processes.get(pid))
      .filter((p) => p !== undefined)
      .map((p) => ({
        pid: p.pid,
        ppid: p.ppid,
        comm: p.comm,
        cmdline: p.cmdline,
        starttime: p.starttime,
        nspid: p.nspid,
        namespaces: Object.fromEntries(Object.entries(p.namespaces).map(([t, n]) => [t, n.id.ino])),
      })),
    problems,
  };
}

/** Writes problems as `N problem(s)` plus the first `max` lines. */
export function writeProblemSummary(io: CliIo, problems: readonly Problem[], max = 5): void {
  if (problems.length === 0) return;
  io.stderr.write(
    `ghostwire: ${problems.length} problem${problems.length === 1 ? '' : 's'} during namespace discovery:\n`,
  );
  for (const p of problems.slice(0, max)) {
    io.stderr.write(
      `  ${p.code} ${p.subject}: ${p.message}${p.cause === undefined ? '' : ` (${p.cause})`}\n`,
    );
  }
  if (problems.length > max)
    io.stderr.write(`  … and ${problems.length - max} more (see --json)\n`);
}

/** Builds the command over a discovery function. */
export function makeNamespacesCommand(
  discover: NamespacesDiscoverFn = () => discoverNamespaces(),
): CliCommand {
  return {
    name: 'namespaces',
    register(program: Command, io: CliIo): void {
      program
        .command('namespaces')
        .description(
          'List all namespaces (8 types): how each was found, owner/parent, leader processes.',
        )
        .option('--json', 'print JSON with ID references (inodes, PIDs) instead of a table')
        .option('--type <types>', `comma-separated types to show (${NS_TYPES.join(',')})`)
        .action((opts: { json?: boolean; type?: string }) => {
          const types = parseTypes(opts.type);
          const { value, problems } = discover();
          if (opts.json === true)
            io.stdout.write(`${JSON.stringify(namespacesJson(value, types, problems), null, 2)}\n`);
          else io.stdout.write(renderNamespaces(value, types));
          writeProblemSummary(io, problems);
        });
    },
  };
}

/** `ghostwire namespaces`. */
export const namespacesCommand: CliCommand = makeNamespacesCommand();
