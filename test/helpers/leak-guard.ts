// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/leak-guard
 *
 * fd and namespace leak checks for tests (the TS equivalent of ghostwire's `HaveLeakedFds` and
 * `BeUniformlyNamespaced`): take a snapshot before a test, call {@link expectNoLeaks} after it.
 * Checks that the number of open fds of this process is unchanged and that every thread still
 * sits in the same net/mnt/uts/user/pid namespaces as the main thread (i.e. nobody called
 * setns() on a JS or libuv thread and forgot to switch back).
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { expect } from 'vitest';

/** Namespace types whose per-thread links are compared. */
export const GUARDED_NS_TYPES = ['net', 'mnt', 'uts', 'user', 'pid'] as const;

/** What a snapshot holds. */
export interface LeakSnapshot {
  /** Open fds of this process at snapshot time (numbers). */
  readonly fds: readonly number[];
  /** `type → link text` of the main thread. */
  readonly ns: Readonly<Record<string, string>>;
}

function openFds(): number[] {
  return readdirSync('/proc/self/fd')
    .map(Number)
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => a - b);
}

function link(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined; // thread exited meanwhile
  }
}

/** Snapshot of open fds and the main thread's namespaces. */
export function leakSnapshot(): LeakSnapshot {
  const ns: Record<string, string> = {};
  for (const t of GUARDED_NS_TYPES) ns[t] = readlinkSync(`/proc/self/ns/${t}`);
  return { fds: openFds(), ns };
}

/** Threads whose namespace of some guarded type differs from `expected`: `tid type: link`. */
export function unevenThreads(expected: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    for (const t of GUARDED_NS_TYPES) {
      const l = link(`/proc/self/task/${tid}/ns/${t}`);
      if (l !== undefined && l !== expected[t])
        out.push(`${tid} ${t}: ${l} (expected ${expected[t]})`);
    }
  }
  return out;
}

let last: LeakSnapshot | undefined;

/** Takes the snapshot {@link expectNoLeaks} compares against (call in beforeEach). */
export function startLeakGuard(): LeakSnapshot {
  last = leakSnapshot();
  return last;
}

/**
 * Asserts no fd leaked since `snap` (default: the last {@link startLeakGuard}) and all threads
 * are uniformly namespaced as at snapshot time. Closed fds are fine; new ones are listed with
 * their link targets in the failure message. Call in afterEach.
 */
export function expectNoLeaks(snap: LeakSnapshot | undefined = last): void {
  if (snap === undefined)
    throw new Error('expectNoLeaks() without startLeakGuard()/leakSnapshot()');
  const before = new Set(snap.fds);
  const leaked = openFds()
    .filter((fd) => !before.has(fd))
    .map((fd) => `${fd} -> ${link(`/proc/self/fd/${fd}`) ?? '?'}`);
  expect(leaked, 'leaked fds').toEqual([]);
  const now = leakSnapshot().ns;
  expect(now, 'main thread namespaces').toEqual(snap.ns);
  expect(unevenThreads(snap.ns), 'threads not uniformly namespaced').toEqual([]);
}
