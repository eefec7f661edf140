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
 */
import { readFileSync, readlinkSync } from 'node:fs';

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
    const f = line.slice(colon + 1).trim().split(/\s+/);
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
export function socketCounts(sockstat: string, sockstat6: string | undefined): SocketCounts | undefined {
  const s4 = parseSockstat(sockstat);
  const s6 = sockstat6 === undefined ? undefined : parseSockstat(sockstat6);
  const tcp4 = s4.get('TCP')?.get('inuse');
  const tw = s4.get('TCP')?.get('tw');
  const udp4 = s4.get('UDP')?.get('inuse');
  const tcp6 = s6 === undefined ? 0 : s6.get('TCP6')?.get('inuse');
  const udp6 = s6 === undefined ? 0 : s6.get('UDP6')?.get('inuse');
  if (tcp4 === undefined || tw === undefined || udp4 === undefined || tcp6 === undefined || udp6 === undefined) return undefined;
  return { tcp4, tcp6, tw, udp4, udp6 };
}

/**
 * Reads the counts of the netns with inode `netnsIno` through process `pid`. Returns undefined
 * when unreadable, or when the process is not (or no longer) in that netns — checked after
 * reading, so a process that moved or exited in between cannot lend another netns' numbers.
 */
export function readSocketCounts(pid: number, netnsIno: number, procRoot = '/proc'): SocketCounts | undefined {
  try {
    const s4 = readFileSync(`${procRoot}/${pid}/net/sockstat`, 'latin1');
    let s6: string | undefined;
    try {
      s6 = readFileSync(`${procRoot}/${pid}/net/sockstat6`, 'latin1');
    } catch {
      s6 = undefined;
    }
    if (readlinkSync(`${procRoot}/${pid}/ns/net`) !== `net:[${netnsIno}]`) return undefined;
    return socketCounts(s4, s6);
  } catch {
    return undefined;
  }
}
