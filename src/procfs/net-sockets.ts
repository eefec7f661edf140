// SPDX-License-Identifier: MIT
/**
 * @module procfs/net-sockets
 *
 * Socket inodes listed in the per-netns tables `/proc/PID/net/<table>`. The tables show the
 * sockets of the network namespace of PID (not only PID's own sockets), so they tell cheaply
 * which netns a socket inode belongs to without duplicating the socket (SIOCGSKNS).
 * Inode column (0-based, whitespace-split data line) per table, from the kernel's seq_show
 * functions: tcp/udp/raw (`tcp4_seq_show`, `udp4_format_sock`, `raw_sock_seq_show`) 9,
 * unix (`unix_seq_show`) 6, packet (`packet_seq_show`) 8, netlink (`netlink_seq_show`) 9.
 */
import { existsSync, readFileSync } from 'node:fs';
import { sysErrorCode } from '../errors.js';
import { readError } from './errors.js';

/** Table name → inode column index. */
export const SOCKET_TABLES: Readonly<Record<string, number>> = {
  tcp: 9,
  tcp6: 9,
  udp: 9,
  udp6: 9,
  udplite: 9,
  udplite6: 9,
  raw: 9,
  raw6: 9,
  unix: 6,
  packet: 8,
  netlink: 9,
};

/** Adds the inodes of one table's text (header line skipped; malformed lines ignored) to `into`. */
export function parseSocketInodes(text: string, column: number, into: Set<number>): void {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || line.length === 0) continue;
    const f = line.trim().split(/\s+/);
    const ino = Number(f[column]);
    if (Number.isSafeInteger(ino) && ino > 0) into.add(ino);
  }
}

/**
 * The tables that are cheap to read. `tcp`/`tcp6` are left out: the kernel walks the whole
 * established-connection hash for every read, whose size scales with RAM (measured ~6 ms per
 * file on a 24 GiB VM even with a handful of sockets), far more than probing the few TCP
 * sockets directly.
 */
export const CHEAP_SOCKET_TABLES: readonly string[] = Object.keys(SOCKET_TABLES).filter(
  (t) => t !== 'tcp' && t !== 'tcp6',
);

/**
 * All socket inodes of the network namespace that `pid` is in, from the given tables (default
 * {@link CHEAP_SOCKET_TABLES}). A missing table (ENOENT: protocol not built into this kernel)
 * is skipped; returns `undefined` when none of the tables exists.
 * @throws ProcfsError GW_ERR_PROCFS_READ for any other failure (process gone: see
 *   `isVanished`; EACCES), like every procfs reader.
 */
export function readNetnsSocketInodes(
  pid: number,
  procRoot = '/proc',
  tables: readonly string[] = CHEAP_SOCKET_TABLES,
): Set<number> | undefined {
  const into = new Set<number>();
  let any = false;
  for (const table of tables) {
    const column = SOCKET_TABLES[table];
    if (column === undefined) continue;
    let text: string;
    const path = `${procRoot}/${pid}/net/${table}`;
    try {
      text = readFileSync(path, 'latin1');
    } catch (e: unknown) {
      // ENOENT of one table is "protocol not built"; of the process directory it is "gone"
      if (sysErrorCode(e) === 'ENOENT' && existsSync(`${procRoot}/${pid}/net`)) continue;
      throw readError(path, e);
    }
    any = true;
    parseSocketInodes(text, column, into);
  }
  return any ? into : undefined;
}
