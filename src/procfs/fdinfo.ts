// SPDX-License-Identifier: MIT
/**
 * @module procfs/fdinfo
 *
 * `/proc/PID/fdinfo/FD` (proc(5)): `key:\tvalue` lines. Every fd has `pos`, `flags` (octal) and
 * `mnt_id` (kernel ≥ 3.15), most `ino` (≥ 5.14); drivers append their own lines through
 * `show_fdinfo`. The TUN/TAP driver (drivers/net/tun.c, `tun_chr_show_fdinfo()`) appends
 * `iff:\t<ifname>` while the fd is attached to an interface (kernel ≥ 3.14); an fd of
 * /dev/net/tun that has not done TUNSETIFF (or was detached) has no `iff` line.
 */
import { readFileSync } from 'node:fs';
import { parseError, readError } from './errors.js';

/** Selected fields of an fdinfo file. */
export interface FdInfo {
  /** File position. */
  readonly pos: number | undefined;
  /** open(2) flags (octal in the file). */
  readonly flags: number | undefined;
  /** Mount id of the file's mount. */
  readonly mntId: number | undefined;
  /** TUN/TAP interface name (`iff:`), undefined when the fd is not attached. */
  readonly iff: string | undefined;
  /** All `key: value` pairs as text, value trimmed (first occurrence of a key wins). */
  readonly fields: ReadonlyMap<string, string>;
}

/** Parses fdinfo text. Throws `GW_ERR_PROCFS_PARSE` when `pos`, `flags` or `mnt_id` are malformed. */
export function parseFdinfo(text: string, path = 'fdinfo'): FdInfo {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (!fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  const num = (key: string, radix: 8 | 10): number | undefined => {
    const v = fields.get(key);
    if (v === undefined) return undefined;
    const ok = radix === 8 ? /^[0-7]+$/.test(v) : /^\d+$/.test(v);
    if (!ok) throw parseError(path, `bad ${key} "${v}"`);
    return parseInt(v, radix);
  };
  const iff = fields.get('iff');
  return {
    pos: num('pos', 10),
    flags: num('flags', 8),
    mntId: num('mnt_id', 10),
    iff: iff === undefined || iff === '' ? undefined : iff,
    fields,
  };
}

/** Reads and parses `<procRoot>/<pid>/fdinfo/<fd>`. Throws `GW_ERR_PROCFS_READ` (fd closed: ENOENT). */
export function readFdinfo(pid: number, fd: number, procRoot = '/proc'): FdInfo {
  const path = `${procRoot}/${pid}/fdinfo/${fd}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: unknown) {
    throw readError(path, e);
  }
  return parseFdinfo(text, path);
}
