// SPDX-License-Identifier: MIT
/**
 * @module test/e2e/engines/helpers
 *
 * Shared helpers of the end-to-end engine suites: engine availability (the daemons recorded by
 * scripts/engines-up.sh), unique `gwt-` names, CLI wrappers, a process table read from /proc,
 * and a handle-leak probe.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EngineProcess } from '../../../src/engines/index.js';
import { readStat, readStatus } from '../../../src/procfs/index.js';

/** State directory of scripts/engines-up.sh. */
export const STATE = process.env['GW_ENGINES_STATE'] ?? '/tmp/ghostwire-engines';
export const IMAGE = 'localhost/gwtest/busybox:latest';
export const DOCKER_SOCK = '/var/run/docker.sock';
export const PODMAN_SOCK = '/run/podman/podman.sock';
export const CONTAINERD_SOCK = '/run/containerd/containerd.sock';

/** Unique test object name. */
export function gwtName(what = ''): string {
  return `gwt-${randomBytes(4).toString('hex')}${what === '' ? '' : `-${what}`}`;
}

function starttime(pid: number): number | undefined {
  try {
    return readStat(pid).starttime;
  } catch {
    return undefined;
  }
}

/** PID of an engine recorded by engines-up.sh if that very process still runs. */
export function recordedPid(name: 'containerd' | 'docker' | 'podman'): number | undefined {
  try {
    const [pid, st] = readFileSync(`${STATE}/${name}.pid`, 'utf8').trim().split(/\s+/).map(Number);
    if (pid === undefined || st === undefined) return undefined;
    return starttime(pid) === st ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the suite for `engine` cannot run, or undefined when it can. With GW_E2E_REQUIRED=1 (set
 * by scripts/test.sh after it started the engines) a missing engine is an error, not a skip.
 */
export function unavailable(engine: 'containerd' | 'docker' | 'podman'): string | undefined {
  let reason: string | undefined;
  if (process.getuid?.() !== 0) reason = 'needs root';
  else if (recordedPid(engine) === undefined)
    reason = `${engine} not started by scripts/engines-up.sh (run it first)`;
  if (reason !== undefined && process.env['GW_E2E_REQUIRED'] === '1') {
    throw new Error(`end-to-end suite for ${engine} required but cannot run: ${reason}`);
  }
  return reason;
}

/** Runs a command, returns trimmed stdout; throws with stderr on failure. */
export function run(cmd: string, args: readonly string[], timeoutMs = 60_000): string {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}
/** Like {@link run} but never throws (cleanup). */
export function tryRun(
  cmd: string,
  args: readonly string[],
  timeoutMs = 60_000,
): string | undefined {
  try {
    return run(cmd, args, timeoutMs);
  } catch {
    return undefined;
  }
}

export const docker = (...args: string[]): string =>
  run('docker', ['-H', `unix://${DOCKER_SOCK}`, ...args]);
export const podman = (...args: string[]): string => run('podman', args);
export const ctr = (...args: string[]): string =>
  run('ctr', ['--address', CONTAINERD_SOCK, '--connect-timeout', '5s', ...args]);

/** The process table as the engines layer needs it (pid, ppid, comm, starttime, NSpid). */
export function processTable(): Map<number, EngineProcess> {
  const out = new Map<number, EngineProcess>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    try {
      const st = readStat(pid);
      const status = readStatus(pid);
      out.set(pid, {
        pid,
        ppid: st.ppid,
        comm: st.comm,
        starttime: st.starttime,
        nspid: status.nspid,
      });
    } catch {
      // vanished
    }
  }
  return out;
}

/** Network namespace inode of a process ('' if unreadable). */
export function netnsOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return '';
  }
}

/** Active libuv handles/requests that could leak (sockets, pipes, timers), as a sorted list. */
export function leakableHandles(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => /Socket|Pipe|Timeout|Interval|Immediate|Http2|TCP/.test(r))
    .sort();
}

/** True when no handle type occurs more often now than in `baseline` (see {@link leakableHandles}). */
export function noNewHandles(baseline: readonly string[]): boolean {
  const count = (l: readonly string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of l) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const before = count(baseline);
  for (const [k, n] of count(leakableHandles())) if (n > (before.get(k) ?? 0)) return false;
  return true;
}

/** Polls `fn` until it returns true or `timeoutMs` passes. */
export async function until(
  fn: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  stepMs = 100,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return fn();
}

/** Starts a long-running process; returns it (kill it by PID in teardown). */
export function startProcess(cmd: string, args: readonly string[]): ChildProcess {
  return spawn(cmd, args, { stdio: 'ignore', detached: false });
}

/**
 * The Docker workload both Docker suites check: containers on the default bridge, a user
 * network, `none`, `container:<bridge>`, `host`, a paused one, and a two-service compose v1
 * project. Every name is derived from `tag` (a `gwt-` name); everything carries the label
 * `gwt.test=<tag>`.
 */
export interface DockerFleet {
  readonly tag: string;
  readonly names: {
    readonly bridge: string;
    readonly user: string;
    readonly none: string;
    readonly shared: string;
    readonly host: string;
    readonly paused: string;
  };
  readonly network: string;
  readonly project: string;
  readonly composeFile: string;
}

/** Names of the fleet of `tag` (nothing is created yet). */
export function dockerFleet(tag: string): DockerFleet {
  return {
    tag,
    names: {
      bridge: `${tag}-bridge`,
      user: `${tag}-user`,
      none: `${tag}-none`,
      shared: `${tag}-shared`,
      host: `${tag}-host`,
      paused: `${tag}-paused`,
    },
    network: `${tag}-net`,
    project: tag.replace(/-/g, ''),
    composeFile: join(mkdtempSync(join(tmpdir(), 'gwt-compose-')), 'docker-compose.yml'),
  };
}

/**
 * Creates the fleet. `bridgeRun` is what the default-bridge container runs (image and command,
 * plus any `docker run` options before the image, e.g. a published port).
 */
export function startDockerFleet(
  f: DockerFleet,
  bridgeRun: readonly string[] = [IMAGE, 'sleep', '1d'],
): void {
  const lbl = ['--label', `gwt.test=${f.tag}`];
  docker('network', 'create', f.network);
  docker('run', '-d', '--name', f.names.bridge, ...lbl, ...bridgeRun);
  docker('run', '-d', '--name', f.names.user, '--network', f.network, ...lbl, IMAGE, 'sleep', '1d');
  docker('run', '-d', '--name', f.names.none, '--network', 'none', ...lbl, IMAGE, 'sleep', '1d');
  docker(
    'run',
    '-d',
    '--name',
    f.names.shared,
    '--network',
    `container:${f.names.bridge}`,
    ...lbl,
    IMAGE,
    'sleep',
    '1d',
  );
  docker('run', '-d', '--name', f.names.host, '--network', 'host', ...lbl, IMAGE, 'sleep', '1d');
  docker('run', '-d', '--name', f.names.paused, ...lbl, IMAGE, 'sleep', '1d');
  docker('pause', f.names.paused);
  writeFileSync(
    f.composeFile,
    [
      "version: '2.4'",
      'services:',
      '  web:',
      `    image: ${IMAGE}`,
      '    command: ["httpd", "-f", "-p", "80", "-h", "/var/www"]',
      '  worker:',
      `    image: ${IMAGE}`,
      '    command: ["sleep", "1d"]',
      '',
    ].join('\n'),
  );
  run('docker-compose', ['-p', f.project, '-f', f.composeFile, 'up', '-d'], 120_000);
}

/** Removes everything of the fleet (idempotent; also after a failed start). */
export function removeDockerFleet(f: DockerFleet): void {
  tryRun('docker-compose', ['-p', f.project, '-f', f.composeFile, 'down', '-t', '0'], 120_000);
  rmSync(dirname(f.composeFile), { recursive: true, force: true });
  for (const n of Object.values(f.names)) tryRun('docker', ['rm', '-f', n]);
  tryRun('docker', ['network', 'rm', f.network]);
}

/** Force-removes the ctr container `id` of namespace `default`: kills its task, waits until the task is gone, deletes it. */
export function removeCtr(id: string): void {
  const ctrAt = (...args: string[]): string | undefined =>
    tryRun('ctr', ['--address', CONTAINERD_SOCK, '-n', 'default', ...args]);
  ctrAt('tasks', 'kill', '-s', 'KILL', id);
  for (let i = 0; i < 50; i++) {
    if (ctrAt('tasks', 'delete', id) !== undefined) break;
    if (ctrAt('tasks', 'ls', '-q')?.split('\n').includes(id) !== true) break;
    run('sleep', ['0.1']);
  }
  ctrAt('containers', 'delete', id);
}
