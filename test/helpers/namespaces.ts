// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/namespaces
 *
 * Builders for privileged tests: uniquely named (`gwt-` + random) network namespaces, and
 * processes started in new namespaces with util-linux `unshare`. Every builder returns a
 * `cleanup()` that removes only what it created and ends only the PIDs it started (SIGKILL by
 * PID, never by name). Cleanups are idempotent and never throw.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';

/** True when running as root (uid 0). */
export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** A unique object name: `<prefix>-<8 hex>` (prefix default `gwt`). */
export function uniqueName(prefix = 'gwt'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A bind-mounted network namespace made with `ip netns add`. */
export interface TestNetns {
  readonly name: string;
  /** `/run/netns/<name>`. */
  readonly path: string;
  /** `ip netns del <name>` (ignores "does not exist"). */
  cleanup(): void;
}

/** `ip netns add <prefix>-<random>`. Needs root. */
export function makeNetns(prefix = 'gwt'): TestNetns {
  const name = uniqueName(prefix);
  execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe' });
  let done = false;
  return {
    name,
    path: `/run/netns/${name}`,
    cleanup() {
      if (done) return;
      done = true;
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'pipe' });
      } catch {
        // already gone
      }
    },
  };
}

/** A started process tree. */
export interface TestProcess {
  /** PID of the process we spawned (unshare or sh). */
  readonly pid: number;
  /** PID of the innermost process running the final command (`sleep`), host view. */
  readonly target: number;
  /** Kills `target` and `pid` (by PID, SIGKILL) and waits until `pid` has exited. */
  cleanup(): Promise<void>;
}

function ppidOf(pid: number): number | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** PIDs whose ancestry contains `root` (host view), including `root`. */
export function descendants(root: number): number[] {
  const pids = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  const parent = new Map<number, number>();
  for (const p of pids) {
    const pp = ppidOf(p);
    if (pp !== undefined) parent.set(p, pp);
  }
  return pids.filter((p) => {
    for (
      let cur: number | undefined = p, n = 0;
      cur !== undefined && n < 64;
      cur = parent.get(cur), n++
    ) {
      if (cur === root) return true;
    }
    return false;
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Spawns `argv` (e.g. `['unshare', '--net', '--', 'sleep', '300']`) and waits until a process
 * in its tree whose comm is `sleep` is running (the target). `ready(target)` may impose an
 * extra condition (e.g. a file exists). Rejects (after cleanup) if it does not come up in 10 s.
 */
export async function spawnTree(
  argv: readonly string[],
  ready?: (target: number) => boolean,
): Promise<TestProcess> {
  const [cmd, ...args] = argv as [string, ...string[]];
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close' (not 'exit'): also waits until the stderr pipe fd is closed, so leak checks stay exact.
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  child.once('error', () => undefined);
  const pid = child.pid ?? -1;
  let target = -1;
  const cleanup = async (): Promise<void> => {
    for (const p of [target, pid]) {
      if (p > 0) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (pid > 0) await exited;
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null || pid < 0) break;
    const sleeper = descendants(pid).find((p) => commOf(p) === 'sleep');
    if (sleeper !== undefined && (ready === undefined || ready(sleeper))) {
      target = sleeper;
      return { pid, target, cleanup };
    }
    await sleep(20);
  }
  await cleanup();
  throw new Error(
    `${argv.join(' ')} did not come up: ${stderr.trim() || `exit ${child.exitCode}`}`,
  );
}

/** Namespace flags of util-linux unshare. */
export type UnshareFlag = 'mount' | 'net' | 'user' | 'pid' | 'uts' | 'ipc' | 'cgroup' | 'time';

/**
 * Starts `sleep 300` in new namespaces via `unshare --<flag>…` (`--fork` added for pid,
 * `--map-root-user` for user, `--propagation private` for mount). `script` (sh) runs before
 * the final `exec sleep 300` inside the new namespaces.
 */
export function spawnInNewNamespaces(
  flags: readonly UnshareFlag[],
  script = '',
): Promise<TestProcess> {
  const args = ['unshare', ...flags.map((f) => `--${f}`)];
  if (flags.includes('pid')) args.push('--fork');
  if (flags.includes('user')) args.push('--map-root-user');
  if (flags.includes('mount')) args.push('--propagation', 'private');
  args.push('--', 'sh', '-c', `${script}${script === '' ? '' : ' && '}exec sleep 300`);
  return spawnTree(args);
}

/**
 * A process that holds a network namespace only through an open fd (3): a netns is created
 * with `ip netns add`, opened as fd 3 of `sleep` (redirection on the exec'd command: dash's
 * `exec 3<…` would mark it close-on-exec), then the netns is deleted
 * (unmounted) again. Returns the process and the netns inode. Needs root.
 */
export async function spawnFdHolder(prefix = 'gwt'): Promise<TestProcess & { netnsIno: number }> {
  const netns = makeNetns(prefix);
  try {
    const netnsIno = statSync(netns.path).ino;
    const proc = await spawnTree(['sh', '-c', `exec sleep 300 3<${netns.path}`], (p) => {
      try {
        return statSync(`/proc/${p}/fd/3`).ino === netnsIno;
      } catch {
        return false;
      }
    });
    return { ...proc, netnsIno };
  } finally {
    netns.cleanup();
  }
}
