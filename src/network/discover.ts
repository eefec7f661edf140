// SPDX-License-Identifier: MIT
/**
 * @module network/discover
 *
 * The I/O edge of network discovery: for every network namespace, one NETLINK_ROUTE socket
 * opened inside it (one batched native call for all), then ONE batched native netlink call
 * dumping links, addresses, routes (all tables, v4+v6) and rules of all namespaces in parallel
 * on native worker threads. The pure core maps the replies into the model (`map.ts`), infers
 * NSIDs from structure (`nsid.ts`), asks the kernel only about what stays open (again one
 * batched call per round), reads driver info of physical nifs (ethtool), SR-IOV roles (sysfs)
 * and resolves relations (`relations.ts`). Every fd opened here is closed before returning.
 *
 * One broken netns never fails the others: it yields a problem
 * (GW_ERR_NETWORK_NETNS_UNREACHABLE, GW_ERR_NETWORK_DUMP) and is left out of (or only partly
 * in) the model.
 */
import { closeSync } from 'node:fs';
import { errorErrno, errorMessage, type ErrorCode } from '../errors.js';
import type { Namespace, NamespaceModel } from '../model/namespace.js';
import type { NetworkModel, NetworkNamespace, Nif } from '../model/network.js';
import type { PhaseResult, Problem } from '../model/problem.js';
import {
  AF_INET,
  NETLINK_ROUTE,
  SOCK_DGRAM,
  ethtoolIoctl,
  openSocketsIn,
} from '../native/index.js';
import {
  addrDumpRequest,
  decodeLink,
  linkDumpRequest,
  MessageBuilder,
  NL,
  nsidRequest,
  routeDumpRequest,
  RT,
  ruleDumpRequest,
  transactBatch,
  type BatchOptions,
  type AddressMessage,
  type LinkMessage,
  type RequestResult,
  type RouteMessage,
  type RuleMessage,
  type RequestSpec,
} from '../netlink/index.js';
import { drvinfoRequest, parseDrvinfo, toDriverInfo } from './ethtool.js';
import { fillNetworkNamespace, newNetworkNamespace } from './map.js';
import { NsidResolver, type NsidPair } from './nsid.js';
import { resolveRelations } from './relations.js';
import { resolveSriov } from './sriov.js';
import { openNetnsSockets, sysCause } from './netns-sockets.js';
import { netnsSubject, nifSubject } from './subject.js';

/** Options of {@link discoverNetwork}. */
export interface DiscoverNetworkOptions {
  /** procfs root (accepted for symmetry with the other phases; namespace refs are already absolute). */
  readonly procRoot?: string;
  /** sysfs root for SR-IOV roles (default `/sys`). */
  readonly sysfsRoot?: string;
  /** Native netlink worker threads, 1..16 (default 4). */
  readonly parallelism?: number;
  /** Bound of each netlink recv wait in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Dump policy rules too (default true). */
  readonly rules?: boolean;
  /** Read ethtool driver info (and hence SR-IOV roles) of physical nifs (default true). */
  readonly driverInfo?: boolean;
  /** Rounds of NSID queries after structural inference (default 3). */
  readonly nsidRounds?: number;
}

/** Counters of one {@link discoverNetwork} call (for benchmarks and docs). */
export interface NetworkDiscoveryStats {
  netns: number;
  unreachable: number;
  nsidPairs: number;
  nsidPairsOpenAfterInference: number;
  fingerprintQueries: number;
  fdQueries: number;
  /** Milliseconds per step: open (nsfs), sockets, dumps (native + decode), model, nsids, ethtool, relations, close. */
  timings: Record<string, number>;
}

/** Result of {@link discoverNetwork}: the model, its problems and this call's own counters. */
export interface NetworkPhaseResult extends PhaseResult<NetworkModel> {
  readonly stats: NetworkDiscoveryStats;
}

function emptyStats(): NetworkDiscoveryStats {
  return {
    netns: 0,
    unreachable: 0,
    nsidPairs: 0,
    nsidPairsOpenAfterInference: 0,
    fingerprintQueries: 0,
    fdQueries: 0,
    timings: {},
  };
}

/** System error name behind any error (`ENOENT`, `EPERM`, `ENODEV`, …), if known. */
function problemOf(code: ErrorCode, subject: string, message: string, e: unknown): Problem {
  const cause = sysCause(e);
  return cause === undefined ? { code, message, subject } : { code, message, subject, cause };
}

function closeQuietly(fd: number | undefined): void {
  if (fd === undefined || fd < 0) return;
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}

/** One netns being discovered, with its fds. */
interface Slot {
  readonly ns: Namespace;
  /** nsfs fd (undefined for the own netns or when unopenable). */
  nsFd: number | undefined;
  /** NETLINK_ROUTE socket inside the netns. */
  sock: number | undefined;
  netns: NetworkNamespace | undefined;
}

/**
 * RTM_GETLINK for ifindex `index` of the netns that NSID `nsid` names, asked in the socket's
 * netns (IFLA_TARGET_NETNSID, `linux/if_link.h`, Linux 4.15+; needs CAP_NET_ADMIN over the
 * target). The reply describes the nif as it is in that netns — its identity fingerprint.
 */
export function targetLinkRequest(index: number, nsid: number): RequestSpec<LinkMessage> {
  const b = new MessageBuilder({ type: RT.RTM_GETLINK, flags: NL.NLM_F_REQUEST });
  const ifinfo = Buffer.alloc(16); // struct ifinfomsg: family, pad, type, index, flags, change
  ifinfo.writeInt32LE(index, 4);
  b.raw(ifinfo);
  b.s32(RT.IFLA_TARGET_NETNSID, nsid);
  b.u32(RT.IFLA_EXT_MASK, RT.RTEXT_FILTER_SKIP_STATS);
  return { message: b.finish(), decode: decodeLink, family: 'rtnetlink', dump: false };
}

/**
 * Discovers interfaces, addresses, routes and rules of every network namespace in
 * `namespaces.byType.net` and resolves the relations between nifs across namespaces.
 * Never throws for one netns; throws only when the native addon is unusable as a whole.
 */
export async function discoverNetwork(
  namespaces: NamespaceModel,
  opts: DiscoverNetworkOptions = {},
): Promise<NetworkPhaseResult> {
  const problems: Problem[] = [];
  const model: NetworkModel = { netns: new Map() };
  const own = namespaces.own.net;
  const slots: Slot[] = namespaces.byType.net.map((ns) => ({
    ns,
    nsFd: undefined,
    sock: undefined,
    netns: undefined,
  }));
  const batch: BatchOptions = {
    ...(opts.parallelism === undefined ? {} : { parallelism: opts.parallelism }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  };
  // Per call, never module state: discoveries may run concurrently in one process.
  const stats = emptyStats();
  stats.netns = slots.length;
  let t = performance.now();
  const lap = (step: string): void => {
    const now = performance.now();
    stats.timings[step] = (stats.timings[step] ?? 0) + (now - t);
    t = now;
  };
  try {
    // 1. nsfs fds (the own netns needs none for its socket, but its fd is a candidate of
    //    RTM_GETNSID-by-fd), then all sockets in one native call.
    const live = openNetnsSockets(
      slots,
      own,
      NETLINK_ROUTE,
      { ownFd: true, what: 'netlink' },
      problems,
    );
    lap('open+sockets');
    stats.unreachable = slots.length - live.length;

    // 2. All dumps of all namespaces: one batched native call.
    // RTEXT_FILTER_SKIP_STATS: the kernel skips IFLA_STATS*/IFLA_VF_STATS (unused here) — a
    // third less bytes to copy and decode per link.
    const requests = [
      linkDumpRequest({ extMask: RT.RTEXT_FILTER_SKIP_STATS }),
      addrDumpRequest(),
      // AF_UNSPEC: one dump per netns for IPv4 and IPv6 routes of all tables (rtnl_dump_all);
      // it also yields RTNL_FAMILY_IPMR/IP6MR entries, which the mapping drops.
      routeDumpRequest(),
      ...(opts.rules === false ? [] : [ruleDumpRequest()]),
    ] as const;
    const results = await transactBatch(
      live.map((s) => ({ fd: s.sock as number, requests })),
      batch,
    );
    lap('dumps');
    const WHAT = ['links', 'addresses', 'routes', 'rules'];
    live.forEach((s, i) => {
      const res = (results[i] ?? []) as ReadonlyArray<RequestResult<unknown>>;
      const ok = <T>(k: number): T[] => {
        const r = res[k];
        if (r === undefined) return [];
        if (r.ok) return r.messages as T[];
        problems.push(
          problemOf(
            'GW_ERR_NETWORK_DUMP',
            netnsSubject(s.ns),
            `${WHAT[k] ?? 'dump'} dump failed: ${r.error.message}`,
            r.error,
          ),
        );
        return [];
      };
      const links = res[0];
      if (links === undefined || !links.ok) {
        ok(0);
        return; // without links there is nothing to hang addresses and routes on
      }
      const netns = fillNetworkNamespace(newNetworkNamespace(s.ns), {
        links: links.messages as LinkMessage[],
        addresses: ok<AddressMessage>(1),
        routes: ok<RouteMessage>(2),
        rules: ok<RuleMessage>(3),
      });
      s.netns = netns;
      model.netns.set(s.ns.id.ino, netns);
    });
    const filled = live.filter((s) => s.netns !== undefined);
    const all = filled.map((s) => s.netns as NetworkNamespace);

    lap('model');
    // 3. NSIDs: structure first, then targeted queries for what stays open.
    const resolver = new NsidResolver(all);
    stats.nsidPairs = resolver.pairs().length;
    stats.nsidPairsOpenAfterInference = resolver.unresolved().length;
    const slotOf = new Map<NetworkNamespace, Slot>(
      filled.map((s) => [s.netns as NetworkNamespace, s]),
    );
    await resolveOpenNsids(resolver, slotOf, batch, opts.nsidRounds ?? 3, stats);
    lap('nsids');

    // 4. Driver info of physical nifs (one AF_INET socket per netns that has any), SR-IOV.
    if (opts.driverInfo !== false) {
      problems.push(...readDriverInfo(filled, own));
      const physical: Nif[] = [];
      for (const n of all) for (const nif of n.nifs.values()) if (nif.physical) physical.push(nif);
      problems.push(...resolveSriov(physical, opts.sysfsRoot ?? '/sys'));
    }
    lap('ethtool');

    // 5. Relations.
    problems.push(...resolveRelations(all));
    lap('relations');
  } finally {
    for (const s of slots) {
      closeQuietly(s.sock);
      closeQuietly(s.nsFd);
      s.sock = undefined;
      s.nsFd = undefined;
    }
    lap('close');
  }
  return { value: model, problems, stats };
}

/**
 * Asks the kernel about NSID pairs that structure left open, in rounds; each round is one
 * batched native call. First an identifying RTM_GETLINK per open pair (the nif its link names,
 * as seen in the target netns), matched by name, MAC and kind against the candidates; pairs
 * that stay ambiguous then get RTM_GETNSID-by-fd queries for their remaining candidates only.
 */
async function resolveOpenNsids(
  resolver: NsidResolver,
  slotOf: ReadonlyMap<NetworkNamespace, Slot>,
  batch: BatchOptions,
  rounds: number,
  stats: NetworkDiscoveryStats,
): Promise<void> {
  const probed = new Set<NsidPair>();
  const asked = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    const open = resolver.unresolved().filter((p) => resolver.candidatesOf(p).length > 0);
    if (open.length === 0) return;
    // (a) fingerprint probes for pairs not yet probed.
    const toProbe = open.filter((p) => !probed.has(p) && resolver.probeOf(p) !== undefined);
    if (toProbe.length > 0) {
      const jobs = groupBySocket(toProbe, slotOf, (p) => {
        const probe = resolver.probeOf(p);
        return probe?.target.index === undefined
          ? []
          : [targetLinkRequest(probe.target.index, p.nsid)];
      });
      stats.fingerprintQueries += jobs.reduce((n, j) => n + j.requests.length, 0);
      const res = await transactBatch(
        jobs.map((j) => ({ fd: j.fd, requests: j.requests })),
        batch,
      );
      jobs.forEach((j, ji) => {
        j.pairs.forEach((p, k) => {
          probed.add(p);
          const r = res[ji]?.[k];
          const [m] = r?.ok === true ? (r.messages as LinkMessage[]) : [];
          if (m === undefined) return; // ENODEV: the target nif vanished; ENOENT/EINVAL: NSID gone
          resolver.narrow(
            p,
            resolver.matchFingerprint(p, {
              index: m.index,
              name: m.name,
              mac: m.mac,
              kind: m.kind ?? '',
            }),
          );
        });
      });
      continue;
    }
    // (b) RTM_GETNSID by fd for the remaining candidates of ambiguous pairs.
    const questions: Array<{ pair: NsidPair; cand: NetworkNamespace; fd: number }> = [];
    for (const p of open) {
      for (const cand of resolver.candidatesOf(p)) {
        const key = `${p.netns.ns.id.ino}>${cand.ns.id.ino}`;
        const candFd = slotOf.get(cand)?.nsFd;
        if (asked.has(key) || candFd === undefined) continue;
        asked.add(key);
        questions.push({ pair: p, cand, fd: candFd });
      }
    }
    if (questions.length === 0) return;
    const byNetns = new Map<NetworkNamespace, typeof questions>();
    for (const q of questions) {
      let l = byNetns.get(q.pair.netns);
      if (l === undefined) byNetns.set(q.pair.netns, (l = []));
      l.push(q);
    }
    const entries = [...byNetns.entries()].filter(([n]) => slotOf.get(n)?.sock !== undefined);
    stats.fdQueries += entries.reduce((n, [, qs]) => n + qs.length, 0);
    const res = await transactBatch(
      entries.map(([n, qs]) => ({
        fd: slotOf.get(n)?.sock as number,
        requests: qs.map((q) => nsidRequest({ fd: q.fd })),
      })),
      batch,
    );
    entries.forEach(([n, qs], ji) => {
      qs.forEach((q, k) => {
        const r = res[ji]?.[k];
        const [m] = r?.ok === true ? r.messages : [];
        if (m !== undefined && m.nsid >= 0) resolver.learn(n, m.nsid, q.cand);
      });
    });
  }
}

/** Groups per-pair requests into one job per socket (each fd in at most one job). */
function groupBySocket(
  pairs: readonly NsidPair[],
  slotOf: ReadonlyMap<NetworkNamespace, Slot>,
  make: (p: NsidPair) => RequestSpec<LinkMessage>[],
): Array<{ fd: number; requests: RequestSpec<LinkMessage>[]; pairs: NsidPair[] }> {
  const jobs = new Map<
    number,
    { fd: number; requests: RequestSpec<LinkMessage>[]; pairs: NsidPair[] }
  >();
  for (const p of pairs) {
    const fd = slotOf.get(p.netns)?.sock;
    if (fd === undefined) continue;
    const reqs = make(p);
    if (reqs.length === 0) continue;
    let j = jobs.get(fd);
    if (j === undefined) jobs.set(fd, (j = { fd, requests: [], pairs: [] }));
    for (const r of reqs) {
      j.requests.push(r);
      j.pairs.push(p);
    }
  }
  return [...jobs.values()];
}

/** EOPNOTSUPP: the driver implements no ETHTOOL_GDRVINFO (not a failure worth a problem). */
const EOPNOTSUPP = 95;

/**
 * ETHTOOL_GDRVINFO for every physical nif: one AF_INET/SOCK_DGRAM socket per netns that has
 * physical nifs (opened inside it, all in one native call), one ioctl per nif.
 */
function readDriverInfo(slots: readonly Slot[], own: Namespace | undefined): Problem[] {
  const problems: Problem[] = [];
  const need = slots.filter(
    (s) => s.netns !== undefined && [...s.netns.nifs.values()].some((n) => n.physical),
  );
  if (need.length === 0) return problems;
  const socks = openSocketsIn(
    need.map((s) => (s.ns === own ? null : (s.nsFd ?? null))),
    AF_INET,
    SOCK_DGRAM,
    0,
  );
  need.forEach((s, i) => {
    const fd = socks[i];
    const netns = s.netns as NetworkNamespace;
    if (typeof fd !== 'number') {
      problems.push(
        problemOf(
          'GW_ERR_NETWORK_ETHTOOL',
          netnsSubject(s.ns),
          `no AF_INET socket for ethtool: ${errorMessage(fd)}`,
          fd,
        ),
      );
      return;
    }
    try {
      for (const nif of netns.nifs.values()) {
        if (!nif.physical) continue;
        try {
          nif.driverInfo = toDriverInfo(parseDrvinfo(ethtoolIoctl(fd, nif.name, drvinfoRequest())));
        } catch (e: unknown) {
          if (errorErrno(e) === EOPNOTSUPP || sysCause(e) === 'EOPNOTSUPP') continue;
          problems.push(
            problemOf(
              'GW_ERR_NETWORK_ETHTOOL',
              nifSubject(nif),
              `ETHTOOL_GDRVINFO failed: ${errorMessage(e)}`,
              e,
            ),
          );
        }
      }
    } finally {
      closeQuietly(fd);
    }
  });
  return problems;
}
