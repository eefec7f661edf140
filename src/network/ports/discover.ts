// SPDX-License-Identifier: MIT
/**
 * @module network/ports/discover
 *
 * Transport port discovery per network namespace over NETLINK_SOCK_DIAG (see docs/ports.md).
 *
 * Cost model (kernel `inet_diag_dump_icsk`, `udp_dump`): every TCP dump that asks for any
 * state besides LISTEN walks the whole established hash — host-global, 262144 buckets on the
 * reference machine, milliseconds — and only returns the sockets of the requesting netns. A
 * LISTEN-only dump walks just the listener hash; a UDP dump walks the (smaller) UDP table.
 *
 * Strategy `auto` (default) therefore asks the netns' own socket counters first
 * (`/proc/PID/net/sockstat{,6}` through any process of the netns, see `sockstat.ts`):
 *  - no TCP sockets and no TIME_WAIT → no TCP dump at all;
 *  - only TIME_WAIT-free TCP and, after a LISTEN-only dump, exactly as many IPv4/IPv6
 *    listeners as the counters' `inuse` → done (no established-hash walk);
 *  - otherwise one full walk with the legacy TCPDIAG_GETSOCK request, which the kernel serves
 *    for both families at once (half the cost of two SOCK_DIAG_BY_FAMILY dumps);
 *  - UDP dumps only for a family whose `inuse` is not 0.
 * Namespaces without processes (bind-mounted or kept by an fd) have no `/proc/PID/net`; their
 * counters are read from inside the netns (`/proc/thread-self/net/sockstat{,6}` opened by the
 * native `openFilesInNetns`, see `readNetnsSocketCounts`) and feed the same plan — they can
 * still hold TIME_WAIT and orphaned sockets (counted in `tw` and `inuse`), kernel sockets
 * (VXLAN, WireGuard) and sockets of processes living in another netns. When those counters
 * cannot be read, the netns gets the full dumps.
 * Strategy `full` always does the full dumps (the reference for tests and benchmarks).
 */
import { closeSync } from 'node:fs';
import { errorCode, errorMessage, type ErrorCode } from '../../errors.js';
import type { Namespace, NamespaceModel, Process } from '../../model/namespace.js';
import type { NetworkModel } from '../../model/network.js';
import type { Port } from '../../model/port.js';
import type { PhaseResult, Problem } from '../../model/problem.js';
import type { Tenant } from '../../model/tenant.js';
import { NETLINK_SOCK_DIAG, openFilesInNetns } from '../../native/index.js';
import { transactBatch, type BatchOptions, type Transport } from '../../netlink/index.js';
import {
  IPPROTO_UDP,
  LISTEN_STATES,
  SS_ALL_STATES,
  buildInetDiagRequest,
  buildTcpDiagCompatDump,
  inetDiagSpec,
  type InetDiagMessage,
} from '../../netlink/sockdiag/index.js';
import { openNetnsSockets } from '../netns-sockets.js';
import { netnsSubject } from '../subject.js';
import { buildPorts } from './build.js';
import { loadServices, type ServiceDb } from './services.js';
import {
  readNetnsSocketCounts,
  readSocketCounts,
  type OpenFilesInNetns,
  type SocketCounts,
} from './sockstat.js';

/** `auto`: skip work the netns' socket counters prove unnecessary; `full`: always dump everything. */
export type PortStrategy = 'auto' | 'full';

/** Options of {@link discoverPorts}. */
export interface DiscoverPortsOptions {
  /** procfs mount point (default `/proc`). */
  readonly procRoot?: string;
  /** services(5) database (default `/etc/services`). */
  readonly servicesPath?: string;
  /** Default `auto`. */
  readonly strategy?: PortStrategy;
  /** Only these netns inodes (default: all). */
  readonly only?: ReadonlySet<number>;
  /** Native worker threads for the dumps (default 4). */
  readonly parallelism?: number;
  /** Bound of each recv wait in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Netlink transport (tests). */
  readonly transport?: Transport;
  /** Opens files inside netns for the counters of process-less netns (tests; default native `openFilesInNetns`). */
  readonly openFilesInNetns?: OpenFilesInNetns;
  /** Filled with counters of what was done (benchmarks, tests). */
  readonly stats?: PortDiscoveryStats;
  /** The tenant standing for an owner's leader process (sets each owner's `tenant`). */
  readonly tenantOf?: (leader: Process) => Tenant | undefined;
}

/** What one discovery did. */
export interface PortDiscoveryStats {
  netns: number;
  /** Namespaces whose counters were read. */
  counted: number;
  /** Full TCP walks (established hash). */
  fullTcpWalks: number;
  /** LISTEN-only TCP dumps. */
  listenerDumps: number;
  /** Namespaces where TCP needed no dump at all. */
  tcpSkipped: number;
  udpDumps: number;
  udpSkipped: number;
  /** Listener dumps whose count disagreed with the counters (then fully walked). */
  gateMisses: number;
}

/** A fresh, zeroed stats object. */
export function emptyPortStats(): PortDiscoveryStats {
  return {
    netns: 0,
    counted: 0,
    fullTcpWalks: 0,
    listenerDumps: 0,
    tcpSkipped: 0,
    udpDumps: 0,
    udpSkipped: 0,
    gateMisses: 0,
  };
}

type TcpPlan = 'none' | 'listen' | 'full';

interface Slot {
  readonly ns: Namespace;
  nsFd: number | undefined;
  sock: number | undefined;
  counts: SocketCounts | undefined;
  tcpPlan: TcpPlan;
  tcp: InetDiagMessage[];
  udp: InetDiagMessage[];
  failed: boolean;
}

function problem(code: ErrorCode, ns: Namespace, message: string, e?: unknown): Problem {
  const cause = e === undefined ? undefined : errorCode(e);
  return cause === undefined
    ? { code, message, subject: netnsSubject(ns) }
    : { code, message, subject: netnsSubject(ns), cause };
}

/** Decides the TCP work for a netns from its counters (undefined = unknown → full walk). Pure. */
export function planTcp(counts: SocketCounts | undefined): TcpPlan {
  if (counts === undefined) return 'full';
  if (counts.tw !== 0) return 'full';
  if (counts.tcp4 === 0 && counts.tcp6 === 0) return 'none';
  return 'listen';
}

/**
 * True when a LISTEN-only dump saw every TCP socket the counters know of: as many IPv4 and
 * IPv6 listeners as hashed sockets. Pure.
 */
export function listenersAreAll(
  counts: SocketCounts,
  listeners: readonly InetDiagMessage[],
): boolean {
  let v4 = 0;
  let v6 = 0;
  for (const s of listeners) {
    if (s.family === 10) v6++;
    else v4++;
  }
  return v4 === counts.tcp4 && v6 === counts.tcp6;
}

function pickPid(ns: Namespace): number | undefined {
  return ns.ealdorman?.pid ?? ns.processes[0]?.pid;
}

/**
 * Discovers the TCP and UDP ports of every network namespace (see module doc for the cost
 * strategy). Owners come from `namespaces.socketOwners`, nifs from `network`. Never throws for
 * one netns: a netns that cannot be entered or dumped yields a problem and no map entry.
 * @throws only when the native addon is unusable as a whole.
 */
export async function discoverPorts(
  namespaces: NamespaceModel,
  network: NetworkModel,
  opts: DiscoverPortsOptions = {},
): Promise<PhaseResult<Map<number, Port[]>>> {
  const problems: Problem[] = [];
  const value = new Map<number, Port[]>();
  const procRoot = opts.procRoot ?? '/proc';
  const strategy = opts.strategy ?? 'auto';
  const stats = opts.stats ?? emptyPortStats();
  const batch: BatchOptions = {
    ...(opts.parallelism === undefined ? {} : { parallelism: opts.parallelism }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.transport === undefined ? {} : { transport: opts.transport }),
  };

  let services: ServiceDb;
  try {
    services = loadServices(opts.servicesPath);
  } catch (e: unknown) {
    services = new Map();
    problems.push({
      code: 'GW_ERR_PORTS_SERVICES',
      message: `cannot read ${opts.servicesPath ?? '/etc/services'}: ${errorMessage(e)}; service names stay empty`,
      subject: opts.servicesPath ?? '/etc/services',
      ...(errorCode(e) === undefined ? {} : { cause: errorCode(e) }),
    });
  }

  const own = namespaces.own.net;
  const slots: Slot[] = namespaces.byType.net
    .filter((ns) => opts.only === undefined || opts.only.has(ns.id.ino))
    .map((ns) => ({
      ns,
      nsFd: undefined,
      sock: undefined,
      counts: undefined,
      tcpPlan: 'full',
      tcp: [],
      udp: [],
      failed: false,
    }));
  stats.netns += slots.length;

  try {
    // 1. One sock_diag socket per netns (the own netns needs no namespace switch).
    const live = openNetnsSockets(
      slots,
      own,
      NETLINK_SOCK_DIAG,
      { ownFd: false, what: 'sock_diag' },
      problems,
    );
    // 2. Counters (auto): through a process of the netns, else from inside the netns (needs
    //    the netns fds, so before they are closed); unreadable → undefined → full dumps.
    if (strategy === 'auto') {
      const processLess: Slot[] = [];
      for (const s of live) {
        const pid = pickPid(s.ns);
        if (pid === undefined) processLess.push(s);
        else s.counts = readSocketCounts(pid, s.ns.id.ino, procRoot);
      }
      const counts = readNetnsSocketCounts(
        processLess.map((s) => s.nsFd ?? null),
        opts.openFilesInNetns ?? openFilesInNetns,
      );
      processLess.forEach((s, i) => {
        s.counts = counts[i];
      });
    }
    for (const s of slots) {
      if (s.nsFd !== undefined) closeSync(s.nsFd);
      s.nsFd = undefined;
    }

    // 3. The first round of dumps.
    for (const s of live) {
      if (s.counts !== undefined) stats.counted++;
      s.tcpPlan = planTcp(s.counts);
    }
    const tcpRequest = (plan: TcpPlan): Buffer =>
      buildTcpDiagCompatDump({ states: plan === 'listen' ? LISTEN_STATES : SS_ALL_STATES });
    const round1 = live.map((s) => {
      const reqs: Array<{ kind: 'tcp' | 'udp'; message: Buffer }> = [];
      if (s.tcpPlan !== 'none') reqs.push({ kind: 'tcp', message: tcpRequest(s.tcpPlan) });
      else stats.tcpSkipped++;
      for (const family of [2, 10] as const) {
        const n = s.counts === undefined ? 1 : family === 2 ? s.counts.udp4 : s.counts.udp6;
        if (n === 0) stats.udpSkipped++;
        else
          reqs.push({
            kind: 'udp',
            message: buildInetDiagRequest({ family, protocol: IPPROTO_UDP, states: SS_ALL_STATES }),
          });
      }
      return reqs;
    });
    const results1 = await transactBatch(
      live.map((s, i) => ({
        fd: s.sock as number,
        requests: (round1[i] ?? []).map((r) => inetDiagSpec(r.message)),
      })),
      batch,
    );
    const again: Slot[] = [];
    live.forEach((s, i) => {
      const reqs = round1[i] ?? [];
      const res = results1[i] ?? [];
      reqs.forEach((r, k) => {
        const out = res[k];
        if (out === undefined || !out.ok) {
          s.failed = true;
          problems.push(
            problem(
              'GW_ERR_PORTS_DUMP',
              s.ns,
              `${r.kind.toUpperCase()} socket dump failed: ${out === undefined ? 'no reply' : out.error.message}`,
              out?.error,
            ),
          );
          return;
        }
        if (r.kind === 'udp') {
          stats.udpDumps++;
          s.udp.push(...out.messages);
          return;
        }
        if (s.tcpPlan === 'full') {
          stats.fullTcpWalks++;
          s.tcp = out.messages;
          return;
        }
        stats.listenerDumps++;
        if (s.counts !== undefined && listenersAreAll(s.counts, out.messages)) s.tcp = out.messages;
        else {
          stats.gateMisses++;
          again.push(s);
        }
      });
    });

    // 4. Full TCP walks where the listeners were not everything.
    if (again.length > 0) {
      const results2 = await transactBatch(
        again.map((s) => ({ fd: s.sock as number, requests: [inetDiagSpec(tcpRequest('full'))] })),
        batch,
      );
      again.forEach((s, i) => {
        const out = results2[i]?.[0];
        if (out === undefined || !out.ok) {
          s.failed = true;
          problems.push(
            problem(
              'GW_ERR_PORTS_DUMP',
              s.ns,
              `TCP socket dump failed: ${out === undefined ? 'no reply' : out.error.message}`,
              out?.error,
            ),
          );
          return;
        }
        stats.fullTcpWalks++;
        s.tcp = out.messages;
      });
    }

    // 5. Ports.
    for (const s of live) {
      if (s.failed) continue;
      value.set(
        s.ns.id.ino,
        buildPorts(
          {
            netns: s.ns,
            nifs: network.netns.get(s.ns.id.ino)?.nifs,
            processes: namespaces.processes,
            socketOwners: namespaces.socketOwners,
            services,
            ...(opts.tenantOf === undefined ? {} : { tenantOf: opts.tenantOf }),
          },
          s.tcp,
          s.udp,
        ),
      );
    }
  } finally {
    for (const s of slots) {
      if (s.nsFd !== undefined) closeSync(s.nsFd);
      if (s.sock !== undefined) closeSync(s.sock);
    }
  }
  return { value, problems };
}
