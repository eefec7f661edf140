// SPDX-License-Identifier: MIT
/**
 * @module procfs/tenant-details
 *
 * Per-process facts of a `proc` tenant (v1 §2.5, reference §3.10): bounding capabilities
 * (`CapBnd` of /proc/PID/status), CPU affinity (`Cpus_allowed_list`), scheduling (policy,
 * real-time priority, nice, from /proc/PID/stat via the {@link Process}) and whether the
 * process is frozen (`paused`):
 *
 * - cgroup v1: the `freezer.state` of the process's freezer cgroup is `FROZEN` or `FREEZING`
 *   (Documentation/admin-guide/cgroup-v1/freezer-subsystem.rst; a cgroup whose ancestor is
 *   frozen reports FROZEN too);
 * - cgroup v2: `cgroup.events` of its unified cgroup has `frozen 1`
 *   (Documentation/admin-guide/cgroup-v2.rst, kernel ≥ 5.2; the effective state, ancestors
 *   included).
 *
 * The cgroup mounts are located through the READER's `/proc/self/mountinfo` (freezer: an fstype
 * `cgroup` mount with the `freezer` super option; v2: fstype `cgroup2`, e.g.
 * `/sys/fs/cgroup/unified` on hybrid hosts), so hybrid and pure-v2 hosts both work, and
 * /proc/PID/cgroup paths (relative to the reader's cgroup namespace) map onto them.
 */
import type { Process } from '../model/namespace.js';
import { toProblem, type Problem } from '../model/problem.js';
import type { TenantProcessDetails } from '../model/tenant.js';
import {
  cgroupDir,
  findCgroupMounts,
  readCgroup,
  type CgroupEntry,
  type CgroupMounts,
} from './cgroup.js';
import { parseCpuRanges, type CpuRanges } from './cpu-list.js';
import { isVanished } from './errors.js';
import { parseMountinfo } from './mountinfo.js';
import { readStatus } from './status.js';
import { readOptionalText } from './text.js';

/**
 * Whether a process with cgroup membership `entries` is frozen. `read` returns a file's text
 * or undefined; `mounts` says where the hierarchies are mounted; `prefix` is prepended to
 * mount points (fixture roots in tests).
 */
export function isFrozen(
  entries: readonly CgroupEntry[],
  mounts: CgroupMounts,
  read: (path: string) => string | undefined,
  prefix = '',
): boolean {
  for (const e of entries) {
    if (e.hierarchy === 0 && e.controllers.length === 0) {
      if (mounts.unified === undefined) continue;
      const dir = cgroupDir(mounts.unified, e.path, prefix);
      if (dir === undefined) continue;
      const events = read(`${dir}/cgroup.events`);
      if (events !== undefined && /^frozen 1$/m.test(events)) return true;
    } else if (e.controllers.includes('freezer')) {
      if (mounts.freezer === undefined) continue;
      const dir = cgroupDir(mounts.freezer, e.path, prefix);
      if (dir === undefined) continue;
      const state = read(`${dir}/freezer.state`)?.trim();
      if (state === 'FROZEN' || state === 'FREEZING') return true;
    }
  }
  return false;
}

/** Options of {@link TenantDetailsReader}. */
export interface TenantDetailsOptions {
  /** procfs mount (default `/proc`). */
  readonly procRoot?: string;
  /**
   * Cgroup mounts (default: found in `<procRoot>/self/mountinfo`, read once on first use).
   */
  readonly cgroupMounts?: CgroupMounts;
  /** Prefix for cgroup mount points (default `''`; fixture root in tests). */
  readonly cgroupPrefix?: string;
}

/**
 * Reads {@link TenantProcessDetails} of processes; never throws. A vanished process yields
 * empty facts silently; other failures are recorded in {@link problems}.
 */
export class TenantDetailsReader {
  readonly problems: Problem[] = [];
  readonly #procRoot: string;
  readonly #prefix: string;
  #mounts: CgroupMounts | undefined;

  constructor(opts: TenantDetailsOptions = {}) {
    this.#procRoot = opts.procRoot ?? '/proc';
    this.#prefix = opts.cgroupPrefix ?? '';
    this.#mounts = opts.cgroupMounts;
  }

  /** Facts of process `p`. Bound as an arrow so it can be passed as a callback. */
  readonly read = (p: Process): TenantProcessDetails => {
    const subject = `pid ${p.pid} (${p.comm})`;
    let capBnd: bigint | undefined;
    let affinity: CpuRanges = [];
    try {
      const st = readStatus(p.pid, this.#procRoot);
      capBnd = st.capBnd;
      if (st.cpusAllowedList !== undefined) {
        const r = parseCpuRanges(st.cpusAllowedList);
        if (r === undefined) {
          this.problems.push({
            code: 'GW_ERR_PROCFS_PARSE',
            message: `bad Cpus_allowed_list "${st.cpusAllowedList}"`,
            subject,
          });
        } else affinity = r;
      }
    } catch (e: unknown) {
      if (!isVanished(e)) this.problems.push(toProblem(e, subject, 'GW_ERR_PROCFS_READ'));
    }
    let paused = false;
    try {
      paused = isFrozen(
        readCgroup(p.pid, this.#procRoot),
        this.#cgroupMounts(),
        readOptionalText,
        this.#prefix,
      );
    } catch (e: unknown) {
      if (!isVanished(e)) this.problems.push(toProblem(e, subject, 'GW_ERR_PROCFS_READ'));
    }
    return { capBnd, affinity, status: paused ? 'paused' : 'running' };
  };

  #cgroupMounts(): CgroupMounts {
    if (this.#mounts === undefined) {
      const text = readOptionalText(`${this.#procRoot}/self/mountinfo`);
      let mounts: CgroupMounts = { freezer: undefined, unified: undefined };
      if (text !== undefined) {
        try {
          mounts = findCgroupMounts(parseMountinfo(text));
        } catch {
          // malformed mountinfo: no cgroup mounts known, nothing is reported as paused
        }
      }
      this.#mounts = mounts;
    }
    return this.#mounts;
  }
}
