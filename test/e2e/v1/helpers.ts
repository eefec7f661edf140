// SPDX-License-Identifier: MIT
/**
 * @module test/e2e/v1/helpers
 *
 * Helpers of the end-to-end suites that run the BUILT CLI (`bin/ghostwire`) against the real
 * engines: a staleness-checked build, `dump --check` and `containers --json` runners, and
 * lookups in the v1 document (container → netns → interface → peer).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ContainerV1,
  DiscoveryResultV1,
  NetnsV1,
  NetworkInterfaceV1,
} from '../../../src/api/v1/types.js';
import type { EngineInfo } from '../../../src/cli/commands/containers.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'ghostwire');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` unless dist/ is newer than every source file. */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    built = 0;
  }
  if (built > newestMtime(join(ROOT, 'src'))) return;
  execFileSync('npm', ['run', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
}

/** Output of one CLI run. */
export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI; throws (with its stderr) on a non-zero exit. Engines get 20 s for their
 * first listing (`--engine-wait`): on a loaded test machine 2 s is not always enough, and these
 * suites check what engines report, not how fast.
 */
export function ghostwire(...args: string[]): CliRun {
  const r = spawnSync(BIN, ['--engine-wait', '20000', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0)
    throw new Error(`ghostwire ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** `ghostwire dump --check`: the v1 document (a dangling reference exits 1 and fails the call), stderr (problems). */
export function dump(): { doc: DiscoveryResultV1; problems: string } {
  const r = ghostwire('dump', '--check');
  return { doc: JSON.parse(r.stdout) as DiscoveryResultV1, problems: r.stderr };
}

/** `ghostwire containers --json`, stderr (problems). */
export function containersJson(): { engines: EngineInfo[]; problems: string } {
  const r = ghostwire('containers', '--json');
  return {
    engines: (JSON.parse(r.stdout) as { engines: EngineInfo[] }).engines,
    problems: r.stderr,
  };
}

/** Inode of a netns from an nsfs link or path (`/proc/PID/ns/net`, `/run/netns/x`). */
export function netnsInode(path: string): number {
  if (path.startsWith('/proc/')) {
    const m = /^net:\[(\d+)\]$/.exec(readlinkSync(path));
    if (m?.[1] !== undefined) return Number(m[1]);
  }
  return statSync(path).ino;
}

/** A container of the document with the netns it is listed in. */
export interface Located {
  readonly netns: NetnsV1;
  readonly container: ContainerV1;
}

/** All places where a container with this name is listed (normally exactly one). */
export function locate(doc: DiscoveryResultV1, name: string): Located[] {
  const out: Located[] = [];
  for (const netns of doc['network-namespaces']) {
    for (const container of netns.containers)
      if (container.name === name) out.push({ netns, container });
  }
  return out;
}

/** The one place of a container; throws (with the run's `problems`) when it is missing or listed twice. */
export function locateOne(doc: DiscoveryResultV1, name: string, problems = ''): Located {
  const all = locate(doc, name);
  if (all.length !== 1)
    throw new Error(`container ${name} listed ${all.length} times; problems:\n${problems}`);
  return all[0] as Located;
}

/** Interface by name in a netns. */
export function nifNamed(netns: NetnsV1, name: string): NetworkInterfaceV1 | undefined {
  return netns['network-interfaces'].find((n) => n.name === name);
}

/** Interface by id anywhere in the document. */
export function nifById(
  doc: DiscoveryResultV1,
  id: string,
): { netns: NetnsV1; nif: NetworkInterfaceV1 } | undefined {
  for (const netns of doc['network-namespaces']) {
    const nif = netns['network-interfaces'].find((n) => n.id === id);
    if (nif !== undefined) return { netns, nif };
  }
  return undefined;
}

/** The netns of the document with this inode. */
export function netnsByIno(doc: DiscoveryResultV1, ino: number): NetnsV1 | undefined {
  return doc['network-namespaces'].find((n) => n.netnsid === ino);
}

/** IPv4 addresses of an interface. */
export function ipv4Of(nif: NetworkInterfaceV1 | undefined): string[] {
  return (nif?.addresses.ipv4 ?? []).map((a) => a.address);
}

/** All `container-idrefs` of the PID namespace tree, flattened. */
export function pidnsContainerRefs(doc: DiscoveryResultV1): Set<string> {
  const out = new Set<string>();
  const walk = (l: DiscoveryResultV1['pid-namespaces']): void => {
    for (const p of l) {
      for (const r of p['container-idrefs']) out.add(r);
      walk(p.children);
    }
  };
  walk(doc['pid-namespaces']);
  return out;
}
