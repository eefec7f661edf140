// SPDX-License-Identifier: MIT
/**
 * @module cli/shared
 *
 * What the CLI commands share (commands never import each other): the injectable discovery
 * function, the package version, `--netns` selection, problem printing and aligned tables.
 */
import { ProjectError } from '../errors.js';
import type { DiscoveryResult } from '../model/discovery.js';
import type { Problem } from '../model/problem.js';
import { buildInfo } from '../util/build-info.js';
import type { CliIo } from './command.js';

/** Runs a discovery (injectable for tests; the default loads the discovery layer lazily). */
export type DiscoverFn = () => Promise<DiscoveryResult>;

/** Default discovery: the real orchestrator, imported on first use so `--help` stays fast. */
export const defaultDiscover: DiscoverFn = async () => {
  const { discover } = await import('../discovery/index.js');
  return discover();
};

/**
 * Ghostwire's version (util/build-info: the bundlers' literal — the checkout's bundle and the
 * single executable, where no package.json exists — else package.json).
 */
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

/** Renders rows as aligned columns. */
export function renderTable(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return (
    rows
      .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
      .join('\n') + '\n'
  );
}
