// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/dump
 *
 * `ghostwire dump`: runs one discovery and prints Ghostwire's v1 document (the same document
 * the service's `GET /json` serves: interfaces, routes, tenants with DNS, ports, TAP/TUN
 * processors) to stdout; recorded problems go to stderr and do not change
 * the exit code. `--netns` restricts the document, `--check` verifies that every reference in
 * it resolves (exit 1 otherwise). Also home of the helpers `nifs` shares: netns selection,
 * problem printing and the package version.
 */
import type { Command } from 'commander';
import { checkV1References, toV1 } from '../../api/v1/index.js';
import { ProjectError } from '../../errors.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Problem } from '../../model/problem.js';
import type { CliCommand, CliIo } from '../command.js';
import { buildInfo } from '../../util/build-info.js';

/** Runs a discovery (injectable for tests; the default loads the discovery layer lazily). */
export type DiscoverFn = () => Promise<DiscoveryResult>;

/** Default discovery: the real orchestrator, imported on first use so `--help` stays fast. */
export const defaultDiscover: DiscoverFn = async () => {
  const { discover } = await import('../../discovery/index.js');
  return discover();
};

/** Ghostwire's version (see util/build-info: package.json, or the bundler's literal). */
export function packageVersion(): string {
  return buildInfo().version;
}

/**
 * Resolves a `--netns` argument to netns inodes: a decimal inode (also `net:[ino]`), or a name
 * that matches a `/run/netns/<name>` bind mount (or that full path), a reference path, or a
 * tenant name (e.g. `systemd(1)`). Throws `GW_ERR_CLI_USAGE` when nothing matches.
 */
export function resolveNetnsSpec(result: DiscoveryResult, spec: string): Set<number> {
  const out = new Set<number>();
  const m = /^(?:net:\[)?(\d+)\]?$/.exec(spec.trim());
  const all = new Map<number, { refs: string[]; tenants: string[] }>();
  const add = (ino: number, refs: readonly string[], tenants: readonly string[]): void => {
    const e = all.get(ino) ?? { refs: [], tenants: [] };
    e.refs.push(...refs);
    e.tenants.push(...tenants);
    all.set(ino, e);
  };
  for (const ns of result.namespaces.byType.net) {
    const refs = [...ns.ref];
    for (const s of ns.sources) if (s.kind === 'bindmount') refs.push(s.path, s.mountPoint);
    add(ns.id.ino, refs, []);
  }
  for (const [ino, nn] of result.network.netns) add(ino, [...nn.ns.ref], []);
  for (const [ino, ts] of result.tenants)
    add(
      ino,
      [],
      ts.map((t) => t.name),
    );
  if (m !== null && m[1] !== undefined) {
    const ino = Number(m[1]);
    if (all.has(ino)) out.add(ino);
  } else {
    for (const [ino, e] of all) {
      const hit =
        e.tenants.includes(spec) ||
        e.refs.some(
          (r) => r === spec || r === `/run/netns/${spec}` || r.endsWith(`/run/netns/${spec}`),
        );
      if (hit) out.add(ino);
    }
  }
  if (out.size === 0) {
    throw new ProjectError(
      'GW_ERR_CLI_USAGE',
      `no network namespace matches "${spec}" (give an inode, a /run/netns name or a tenant name)`,
      {
        details: { netns: spec },
      },
    );
  }
  return out;
}

/** One stderr line per problem: `ghostwire: problem GW_ERR_…: <subject>: <message> (<cause>)`. */
export function formatProblem(p: Problem): string {
  return `ghostwire: problem ${p.code}: ${p.subject}: ${p.message}${p.cause === undefined ? '' : ` (${p.cause})`}\n`;
}

/** Writes all problems to stderr. */
export function writeProblems(io: CliIo, problems: readonly Problem[]): void {
  for (const p of problems) io.stderr.write(formatProblem(p));
}

/** Options of the `dump` command. */
export interface DumpOptions {
  readonly pretty?: boolean;
  readonly netns?: string;
  readonly check?: boolean;
}

/** Runs `dump` with already-parsed options (exported for tests). */
export async function runDump(io: CliIo, opts: DumpOptions, discoverFn: DiscoverFn): Promise<void> {
  const result = await discoverFn();
  const netns = opts.netns === undefined ? undefined : resolveNetnsSpec(result, opts.netns);
  const doc = toV1(
    result,
    netns === undefined
      ? { creatorVersion: packageVersion() }
      : { creatorVersion: packageVersion(), netns },
  );
  io.stdout.write(`${opts.pretty === true ? JSON.stringify(doc, null, 2) : JSON.stringify(doc)}\n`);
  writeProblems(io, result.problems);
  if (opts.check === true) {
    const issues = checkV1References(doc);
    for (const i of issues)
      io.stderr.write(`ghostwire: dangling reference ${i.ref} at ${i.path}: ${i.problem}\n`);
    if (issues.length > 0) io.exitCode = 1;
  }
}

/** Builds the `dump` command over a discovery function. */
export function makeDumpCommand(discoverFn: DiscoverFn = defaultDiscover): CliCommand {
  return {
    name: 'dump',
    register(program: Command, io: CliIo): void {
      program
        .command('dump')
        .description("print Ghostwire's v1 discovery document (as GET /json serves it) to stdout")
        .option('--pretty', 'indent the JSON for humans')
        .option(
          '--netns <ino|name>',
          'only this network namespace: inode, /run/netns name, or tenant name such as "systemd(1)"',
        )
        .option('--check', 'verify that every ID reference in the document resolves; exit 1 if not')
        .addHelpText(
          'after',
          '\nPer network namespace the document lists its interfaces and routes, its tenants ("containers":\n' +
            'leader processes and engine containers, with capabilities, scheduling and the DNS configuration\n' +
            'read inside their own mount and UTS namespaces), its TCP/UDP ports with owning processes, and the\n' +
            'processes holding TAP/TUN devices.\n' +
            'Problems met during discovery are printed to stderr; the exit code stays 0.\n' +
            'The document format is described in docs/api-v1.md. Needs root for a complete view.\n',
        )
        .action(async (opts: DumpOptions) => {
          await runDump(io, opts, discoverFn);
        });
    },
  };
}

/** The `dump` command. */
export const dumpCommand: CliCommand = makeDumpCommand();
