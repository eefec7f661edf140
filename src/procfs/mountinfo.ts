// SPDX-License-Identifier: MIT
/**
 * @module procfs/mountinfo
 *
 * `/proc/PID/mountinfo` (proc(5), kernel `show_mountinfo()` in fs/proc_namespace.c):
 *
 * ```
 * 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * (1)(2)(3)   (4)   (5)      (6)       (7)  (8) (9)    (10)        (11)
 * ```
 *
 * (7) is zero or more optional fields ended by the single `-` (8). Root, mount point and source
 * are escaped by `mangle()`: space, tab, newline and backslash appear as `\040`, `\011`,
 * `\012`, `\134`.
 */
import { readFileSync } from 'node:fs';
import { parseError, readError } from './errors.js';

/** One mount. */
export interface MountInfo {
  readonly mountId: number;
  readonly parentId: number;
  readonly major: number;
  readonly minor: number;
  /** Root of the mount within its filesystem; for nsfs bind mounts `net:[4026532…]`. */
  readonly root: string;
  /** Mount point relative to the process's root. */
  readonly mountPoint: string;
  readonly mountOptions: string;
  /** Optional fields such as `shared:1`, `master:2`, `propagate_from:3`, `unbindable`. */
  readonly optionalFields: readonly string[];
  readonly fsType: string;
  readonly source: string;
  readonly superOptions: string;
}

/** Undoes the kernel's octal escaping (`\040` → space; any `\ooo`). */
export function unescapeOctal(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses one mountinfo line. Throws `GW_ERR_PROCFS_PARSE`. */
export function parseMountinfoLine(line: string, path = 'mountinfo'): MountInfo {
  const f = line.split(' ');
  const sep = f.indexOf('-', 6);
  if (f.length < 10 || sep < 0 || f.length < sep + 4)
    throw parseError(path, `malformed line "${line}"`);
  const mountId = Number(f[0]);
  const parentId = Number(f[1]);
  const mm = /^(\d+):(\d+)$/.exec(f[2] ?? '');
  if (!Number.isSafeInteger(mountId) || !Number.isSafeInteger(parentId) || mm === null) {
    throw parseError(path, `malformed ids in "${line}"`);
  }
  return {
    mountId,
    parentId,
    major: Number(mm[1]),
    minor: Number(mm[2]),
    root: unescapeOctal(f[3] ?? ''),
    mountPoint: unescapeOctal(f[4] ?? ''),
    mountOptions: f[5] ?? '',
    optionalFields: f.slice(6, sep),
    fsType: f[sep + 1] ?? '',
    source: unescapeOctal(f[sep + 2] ?? ''),
    superOptions: f[sep + 3] ?? '',
  };
}

/** Parses a whole mountinfo file (empty lines ignored). Throws on the first malformed line. */
export function parseMountinfo(text: string, path = 'mountinfo'): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line.length > 0) out.push(parseMountinfoLine(line, path));
  }
  return out;
}

/** Reads and parses `<procRoot>/<pid>/mountinfo`. */
export function readMountinfo(pid: number, procRoot = '/proc'): MountInfo[] {
  const path = `${procRoot}/${pid}/mountinfo`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: unknown) {
    throw readError(path, e);
  }
  return parseMountinfo(text, path);
}
