// SPDX-License-Identifier: MIT
/**
 * @module procfs/cgroup
 *
 * `/proc/PID/cgroup` (cgroups(7)): one `hierarchy-ID:controller-list:cgroup-path` line per
 * hierarchy. cgroup v1 hierarchies have a non-zero ID and their controllers (or
 * `name=systemd`); the v2 unified hierarchy is the single line `0::/path`. Paths are relative
 * to the root of the READER's cgroup namespace (kernel `proc_cgroup_show()` uses the caller's
 * namespace), so a host-side reader sees host-absolute paths.
 *
 * Also locates the cgroup mounts (v1 freezer, v2) in a mountinfo table and maps a cgroup path
 * to a directory below such a mount.
 */
import { readFileSync } from 'node:fs';
import { readError } from './errors.js';
import type { MountInfo } from './mountinfo.js';

/** One line of /proc/PID/cgroup. */
export interface CgroupEntry {
  /** Hierarchy ID; 0 is the v2 unified hierarchy. */
  readonly hierarchy: number;
  /** v1 controllers (incl. `name=…` pseudo controllers); empty for v2. */
  readonly controllers: readonly string[];
  /** Cgroup path, e.g. `/system.slice/foo.service` (may end in ` (deleted)`). */
  readonly path: string;
}

/** Parses /proc/PID/cgroup text; malformed lines are skipped. */
export function parseCgroup(text: string): CgroupEntry[] {
  const out: CgroupEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (m === null) continue;
    const ctl = m[2] ?? '';
    out.push({
      hierarchy: Number(m[1]),
      controllers: ctl === '' ? [] : ctl.split(','),
      path: m[3] ?? '',
    });
  }
  return out;
}

/** Reads and parses `<procRoot>/<pid>/cgroup`. Throws `GW_ERR_PROCFS_READ`. */
export function readCgroup(pid: number, procRoot = '/proc'): CgroupEntry[] {
  const path = `${procRoot}/${pid}/cgroup`;
  try {
    return parseCgroup(readFileSync(path, 'utf8'));
  } catch (e: unknown) {
    throw readError(path, e);
  }
}

/** Where the cgroup hierarchies Ghostwire cares about are mounted. */
export interface CgroupMounts {
  /** The v1 hierarchy with the `freezer` controller, if mounted. */
  readonly freezer: MountInfo | undefined;
  /** The v2 unified hierarchy (fstype `cgroup2`), if mounted. */
  readonly unified: MountInfo | undefined;
}

/**
 * Finds the v1 freezer and v2 mounts in a mountinfo table. Prefers a mount whose root is `/`
 * (the whole hierarchy) over bind mounts of sub-trees; otherwise the first one.
 */
export function findCgroupMounts(mounts: readonly MountInfo[]): CgroupMounts {
  const pick = (ms: MountInfo[]): MountInfo | undefined => ms.find((m) => m.root === '/') ?? ms[0];
  const freezer = pick(
    mounts.filter((m) => m.fsType === 'cgroup' && m.superOptions.split(',').includes('freezer')),
  );
  const unified = pick(mounts.filter((m) => m.fsType === 'cgroup2'));
  return { freezer, unified };
}

/**
 * Directory of cgroup `cgroupPath` below `mount`, or undefined when the cgroup lies outside
 * the part of the hierarchy that is mounted there. `mount.mountPoint` is relative to the
 * reader's root; `prefix` (e.g. `''` or a sysfs fixture root) is prepended.
 */
export function cgroupDir(mount: MountInfo, cgroupPath: string, prefix = ''): string | undefined {
  const path = cgroupPath.endsWith(' (deleted)') ? cgroupPath.slice(0, -10) : cgroupPath;
  if (!path.startsWith('/')) return undefined;
  const root = mount.root === '/' ? '' : mount.root;
  if (root !== '' && path !== root && !path.startsWith(`${root}/`)) return undefined;
  const rel = path.slice(root.length);
  const mp = mount.mountPoint === '/' ? '' : mount.mountPoint;
  return `${prefix}${mp}${rel === '/' ? '' : rel}`;
}
