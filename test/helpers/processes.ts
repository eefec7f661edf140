// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/processes
 *
 * Ending the processes a test started. Only ever pass PIDs the test started itself, or
 * `pidsInNetns()` of a network namespace the test created (every process in it is the test's).
 */
import { readdirSync, readlinkSync } from 'node:fs';

/** SIGKILLs each PID (> 0); already-gone processes are fine. */
export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    if (pid <= 0) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** PIDs of all processes in the netns with inode `ino` (call only for namespaces the test made). */
export function pidsInNetns(ino: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readlinkSync(`/proc/${d}/ns/net`) === `net:[${ino}]`) out.push(Number(d));
    } catch {
      // gone or not ours to read
    }
  }
  return out;
}

/** True when process `pid` holds an fd on `/dev/net/tun` (a TAP/TUN device). */
export function holdsTap(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === '/dev/net/tun';
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
