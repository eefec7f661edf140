// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/legacy
 *
 * Reads the iptables-legacy `nat` tables (IPv4 and IPv6) of many network namespaces. Only a
 * netns whose kernel side has the table registered — `nat` listed in its
 * `net/ip_tables_names` / `net/ip6_tables_names` (through `/proc/PID/net` of a process of the
 * netns, or opened inside the netns for process-less ones) — is asked, so nothing is ever
 * auto-loaded or instantiated by looking. For those, a raw socket is opened inside the netns
 * (`openSocketsIn`, one native call on a throw-away thread) and `IPT_SO_GET_INFO` +
 * `IPT_SO_GET_ENTRIES` (`IP6T_SO_GET_*`) are issued on it from the JS thread (x_tables
 * answers for the socket's netns). A host without the legacy modules simply has no such
 * files: no problem is recorded for that, and when the discovering process's own netns has
 * neither file (x_tables not loaded) no netns is checked at all.
 */
import { closeSync, existsSync, readFileSync, readSync } from 'node:fs';
import { NativeError } from '../../errors.js';
import type { Namespace } from '../../model/namespace.js';
import {
  AF_INET,
  AF_INET6,
  getsockoptBuffer,
  openFilesInNetns,
  openSocketsIn,
  SOCK_RAW,
} from '../../native/index.js';
import {
  buildGetEntries,
  buildGetInfo,
  IPT_SO_GET_ENTRIES,
  IPT_SO_GET_INFO,
  parseEntries,
  parseGetInfo,
  SOL_IP,
  SOL_IPV6,
} from '../../netlink/xtables/index.js';
import type { NatTable } from './walk.js';

/** getsockopt with an in/out buffer (the native `getsockoptBuffer`, injectable for tests). */
export type LegacyReader = (fd: number, level: number, optname: number, buf: Buffer) => number;

const IPPROTO_RAW = 255;
const NAMES = ['ip_tables_names', 'ip6_tables_names'] as const;

/** Result of {@link readLegacyNatTables}. */
export interface LegacyResult {
  readonly tables: Map<number, NatTable[]>;
  readonly failures: Array<{ readonly ns: Namespace; readonly error: unknown }>;
}

function hasNat(text: string | undefined): boolean {
  return text !== undefined && text.split('\n').some((l) => l.trim() === 'nat');
}

function readFd(fd: number): string {
  const chunks: Buffer[] = [];
  const b = Buffer.alloc(4096);
  for (let i = 0; i < 64; i++) {
    const n = readSync(fd, b, 0, b.length, null);
    if (n <= 0) break;
    chunks.push(Buffer.from(b.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('latin1');
}

/** Reads one table through `fd` (GET_INFO, then GET_ENTRIES; retried when it changed size). */
export function readLegacyTable(
  fd: number,
  v6: boolean,
  table: string,
  get: LegacyReader,
): NatTable {
  const level = v6 ? SOL_IPV6 : SOL_IP;
  for (let attempt = 0; ; attempt++) {
    const infoBuf = buildGetInfo(table);
    get(fd, level, IPT_SO_GET_INFO, infoBuf);
    const info = parseGetInfo(infoBuf);
    const entries = buildGetEntries(table, info.size);
    try {
      get(fd, level, IPT_SO_GET_ENTRIES, entries);
    } catch (e: unknown) {
      if (e instanceof NativeError && e.sysCode === 'EAGAIN' && attempt < 3) continue; // replaced between the calls
      throw e;
    }
    const t = parseEntries(entries, info, v6);
    return {
      source: 'iptables-legacy',
      family: t.family,
      name: t.name,
      chains: t.chains,
      rules: t.rules,
      sets: [],
    };
  }
}

/**
 * The legacy `nat` tables of every slot that has them (see module doc). `nsFd` undefined means
 * the discovering process's own netns.
 */
export function readLegacyNatTables(
  slots: ReadonlyArray<{ readonly ns: Namespace; readonly nsFd: number | undefined }>,
  procRoot: string,
  reader: LegacyReader | undefined,
): LegacyResult {
  const tables = new Map<number, NatTable[]>();
  const failures: LegacyResult['failures'] = [];
  const get = reader ?? getsockoptBuffer;
  // x_tables registers net/ip_tables_names in every netns once loaded: without it in our own
  // netns no netns can have a legacy table, and the per-netns check is skipped.
  if (reader === undefined && !NAMES.some((n) => existsSync(`${procRoot}/self/net/${n}`)))
    return { tables, failures };
  // 1. which netns have a legacy nat table, per family
  const want: Array<{ slot: (typeof slots)[number]; v4: boolean; v6: boolean }> = [];
  const processLess: Array<(typeof slots)[number]> = [];
  for (const s of slots) {
    const pid = s.ns.ealdorman?.pid ?? s.ns.processes[0]?.pid;
    if (pid === undefined && s.nsFd !== undefined) {
      processLess.push(s);
      continue;
    }
    const dir = pid === undefined ? `${procRoot}/self/net` : `${procRoot}/${pid}/net`;
    const read = (n: string): string | undefined => {
      try {
        return readFileSync(`${dir}/${n}`, 'latin1');
      } catch {
        return undefined; // module not loaded (ENOENT) or process gone
      }
    };
    const v4 = hasNat(read(NAMES[0]));
    const v6 = hasNat(read(NAMES[1]));
    if (v4 || v6) want.push({ slot: s, v4, v6 });
  }
  if (processLess.length > 0) {
    const opened = openFilesInNetns(
      processLess.map((s) => s.nsFd ?? null),
      NAMES.map((n) => `/proc/thread-self/net/${n}`),
    );
    processLess.forEach((s, i) => {
      const texts = (opened[i] ?? []).map((r) => {
        if (typeof r !== 'number') return undefined;
        try {
          return readFd(r);
        } finally {
          closeSync(r);
        }
      });
      const v4 = hasNat(texts[0]);
      const v6 = hasNat(texts[1]);
      if (v4 || v6) want.push({ slot: s, v4, v6 });
    });
  }
  // 2. a raw socket per (netns, family) and the GET calls
  for (const v6 of [false, true]) {
    const these = want.filter((w) => (v6 ? w.v6 : w.v4));
    if (these.length === 0) continue;
    const socks = openSocketsIn(
      these.map((w) => w.slot.nsFd ?? null),
      v6 ? AF_INET6 : AF_INET,
      SOCK_RAW,
      IPPROTO_RAW,
    );
    these.forEach((w, i) => {
      const fd = socks[i];
      if (typeof fd !== 'number') {
        failures.push({ ns: w.slot.ns, error: fd });
        return;
      }
      try {
        const t = readLegacyTable(fd, v6, 'nat', get);
        let l = tables.get(w.slot.ns.id.ino);
        if (l === undefined) tables.set(w.slot.ns.id.ino, (l = []));
        l.push(t);
      } catch (e: unknown) {
        failures.push({ ns: w.slot.ns, error: e });
      } finally {
        closeSync(fd);
      }
    });
  }
  return { tables, failures };
}
