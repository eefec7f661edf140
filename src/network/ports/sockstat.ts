// SPDX-License-Identifier: MIT
/**
 * @module network/ports/sockstat
 *
 * Per-netns socket counters from `/proc/PID/net/sockstat` and `sockstat6` (kernel
 * `sockstat_seq_show`, `sockstat6_seq_show`): `TCP: inuse N … tw T`, `UDP: inuse N`,
 * `TCP6: inuse N`, `UDP6: inuse N`. `inuse` counts the hashed sockets of one protocol in the
 * netns of PID (listening and established, not TIME_WAIT, not request sockets); `tw` counts the
 * netns' TIME_WAIT sockets. These counters let port discovery skip the expensive walk of the
 * host-global established hash when a netns has nothing but listeners.
 *
 * A netns without any process has no `/proc/PID/net`; {@link readNetnsSocketCounts} opens
 * `/proc/thread-self/net/sockstat{,6}` from inside such a netns instead (native
 * `openFilesInNetns`: procfs binds a `/proc/thread-self/net` file to the netns of the thread
 * that opened it, so the fds keep reading that netns' counters).
 */
import { closeSync, readFileSync, readlinkSync } from 'node:fs';
import { sysErrorCode } from '../../errors.js';
import type { NsRef } from '../../native/index.js';

/** Socket counts of one netns. */
export interface SocketCounts {
  /** Hashed IPv4 TCP sockets (TCP: inuse). */
  readonly tcp4: number;
  /** Hashed IPv6 TCP sockets, dual-stack included (TCP6: inuse). */
  readonly tcp6: number;
  /** TIME_WAIT sockets, both families (TCP: tw). */
  readonly tw: number;
  /** Hashed IPv4 / IPv6 UDP sockets. */
  readonly udp4: number;
  readonly udp6: number;
}

/** Parses sockstat(6) text into `{ 'TCP': { inuse: 3, tw: 0, … }, … }`. Pure. */
export function parseSockstat(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const kv = new Map<string, number>();
    for (let i = 0; i + 1 < f.length; i += 2) {
      const v = Number(f[i + 1]);
      if (Number.isSafeInteger(v)) kv.set(f[i] ?? '', v);
    }
    out.set(line.slice(0, colon), kv);
  }
  return out;
}

/**
 * Counts from sockstat and sockstat6 texts; undefined when a required counter is missing.
 * `sockstat6` undefined (IPv6 disabled) means zero IPv6 sockets.
 */
export function socketCounts(
  sockstat: string,
  sockstat6: string | undefined,
): SocketCounts | undefined {
  const s4 = parseSockstat(sockstat);
  const s6 = sockstat6 === undefined ? undefined : parseSockstat(sockstat6);
  const tcp4 = s4.get('TCP')?.get('inuse');
  const tw = s4.get('TCP')?.get('tw');
  const udp4 = s4.get('UDP')?.get('inuse');
  const tcp6 = s6 === undefined ? 0 : s6.get('TCP6')?.get('inuse');
  const udp6 = s6 === undefined ? 0 : s6.get('UDP6')?.get('inuse');
  if (
    tcp4 === undefined ||
    tw === undefined ||
    udp4 === undefined ||
    tcp6 === undefined ||
    udp6 === undefined
  )
    return undefined;
  return { tcp4, tcp6, tw, udp4, udp6 };
}

/**
 * Reads the counts of the netns with inode `netnsIno` through process `pid`. Returns undefined
 * when unreadable, or when the process is not (or no longer) in that netns — checked after
 * reading, so a process that moved or exited in between cannot lend another netns' numbers.
 */
export function readSocketCounts(
  pid: number,
  netnsIno: number,
  procRoot = '/proc',
): SocketCounts | undefined {
  try {
    const s4 = readFileSync(`${procRoot}/${pid}/net/sockstat`, 'latin1');
    let s6: string | undefined;
    try {
      s6 = readFileSync(`${procRoot}/${pid}/net/sockstat6`, 'latin1');
    } catch {
      // no IPv6 in this kernel: IPv4 counts only
      s6 = undefined;
    }
    if (readlinkSync(`${procRoot}/${pid}/ns/net`) !== `net:[${netnsIno}]`) return undefined;
    return socketCounts(s4, s6);
  } catch {
    // unreadable or the process moved netns: undefined = "dump everything" (documented)
    return undefined;
  }
}

/** The files {@link readNetnsSocketCounts} opens inside each netns, in this order. */
export const NETNS_SOCKSTAT_PATHS: readonly string[] = [
  '/proc/thread-self/net/sockstat',
  '/proc/thread-self/net/sockstat6',
];

/** Shape of the native `openFilesInNetns` (injectable for tests): one row of fds or errors per netns, one entry per path. */
export type OpenFilesInNetns = (
  nsRefs: readonly NsRef[],
  paths: readonly string[],
) => Array<Array<number | Error>>;

/**
 * Counts of each netns in `nsRefs` (fd, path or null = current netns), read through files
 * opened inside it by `open` (the native `openFilesInNetns`). An entry is undefined — the
 * caller then falls back to full dumps — when `open` throws, `sockstat` cannot be opened or
 * read, `sockstat6` fails for another reason than ENOENT (ENOENT = IPv6 off = no IPv6
 * sockets), or a counter is missing. Every fd `open` returned is closed. Never throws.
 */
export function readNetnsSocketCounts(
  nsRefs: readonly NsRef[],
  open: OpenFilesInNetns,
): Array<SocketCounts | undefined> {
  if (nsRefs.length === 0) return [];
  let rows: Array<Array<number | Error>>;
  try {
    rows = open(nsRefs, NETNS_SOCKSTAT_PATHS);
  } catch {
    // no addon or no thread: undefined = "dump everything" for every netns (documented)
    return nsRefs.map(() => undefined);
  }
  const out = nsRefs.map((_, i): SocketCounts | undefined => {
    const [f4, f6] = rows[i] ?? [];
    try {
      if (typeof f4 !== 'number') return undefined;
      const s4 = readFileSync(f4, 'latin1');
      let s6: string | undefined;
      if (typeof f6 === 'number') s6 = readFileSync(f6, 'latin1');
      else if (sysErrorCode(f6) !== 'ENOENT') return undefined;
      return socketCounts(s4, s6);
    } catch {
      // unreadable counters: undefined = "dump everything" for this netns (documented)
      return undefined;
    }
  });
  for (const row of rows) {
    for (const fd of row) {
      if (typeof fd !== 'number') continue;
      try {
        closeSync(fd);
      } catch {
        // already closed or invalid: nothing left to release
      }
    }
  }
  return out;
}
