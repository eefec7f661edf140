// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/discover
 *
 * Forwarded-port discovery of every network namespace (docs/forwarding.md): the NAT tables of
 * nf_tables (`nft-dump.ts`) and of iptables-legacy (`legacy.ts`) are read inside each netns,
 * walked into forwards (`walk.ts`, back-ends named by `recognise.ts`), completed by the
 * docker-proxy fallback (`docker-proxy.ts`), and every forward's target is resolved to the
 * netns, nifs and serving sockets/processes (`resolve.ts`). Never throws for one netns: a
 * failed read or an unusable rule is a problem; everything else found is still reported.
 * @throws only when the native addon is unusable as a whole.
 */
import { close, closeSync } from 'node:fs';
import { errorCode, errorMessage, type ErrorCode } from '../../errors.js';
import type { Forward, ForwardOrigin } from '../../model/forward.js';
import type { Namespace, NamespaceModel } from '../../model/namespace.js';
import type { NetworkModel } from '../../model/network.js';
import type { Port } from '../../model/port.js';
import type { PhaseResult, Problem } from '../../model/problem.js';
import { NETLINK_NETFILTER } from '../../native/index.js';
import type { BatchOptions, Transport } from '../../netlink/index.js';
import { openNetnsSockets } from '../netns-sockets.js';
import { loadServices, serviceName, type ServiceDb } from '../ports/services.js';
import { netnsSubject } from '../subject.js';
import { isDockerProxy, parseDockerProxy } from './docker-proxy.js';
import { readLegacyNatTables, type LegacyReader } from './legacy.js';
import { dumpNatTables } from './nft-dump.js';
import { resolveForwards } from './resolve.js';
import { familyName, walkNatTable, type NatTable, type RawForward } from './walk.js';

/** Options of {@link discoverForwards}. */
export interface DiscoverForwardsOptions {
  /** procfs mount point (default `/proc`). */
  readonly procRoot?: string;
  /** Only these netns inodes (default: all). */
  readonly only?: ReadonlySet<number>;
  /** Native worker threads for the dumps (default 4). */
  readonly parallelism?: number;
  /** Bound of each recv wait in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Netlink transport (tests). */
  readonly transport?: Transport;
  /** iptables-legacy reader (tests; default: the native getsockopt shim). */
  readonly legacy?: LegacyReader | false;
  /** services(5) database (default `/etc/services`). */
  readonly servicesPath?: string;
  /** Filled with counters of what was done. */
  readonly stats?: ForwardDiscoveryStats;
}

/** What one discovery did. */
export interface ForwardDiscoveryStats {
  netns: number;
  tableQueries: number;
  chainQueries: number;
  ruleAndSetQueries: number;
  elementQueries: number;
  legacyTables: number;
  forwards: number;
}

/** A fresh, zeroed stats object. */
export function emptyForwardStats(): ForwardDiscoveryStats {
  return {
    netns: 0,
    tableQueries: 0,
    chainQueries: 0,
    ruleAndSetQueries: 0,
    elementQueries: 0,
    legacyTables: 0,
    forwards: 0,
  };
}

interface Slot {
  readonly ns: Namespace;
  nsFd: number | undefined;
  sock: number | undefined;
}

function problem(code: ErrorCode, ns: Namespace, message: string, e?: unknown): Problem {
  const cause = e === undefined ? undefined : errorCode(e);
  return cause === undefined
    ? { code, message, subject: netnsSubject(ns) }
    : { code, message, subject: netnsSubject(ns), cause };
}

function toForward(ns: Namespace, r: RawForward, services: ServiceDb): Forward {
  const origin: ForwardOrigin =
    r.source === 'iptables-legacy'
      ? {
          kind: 'iptables-legacy',
          family: r.tableFamily === 10 ? 'ip6' : 'ip',
          table: r.table,
          chain: r.chain,
          index: Number(r.handle),
        }
      : {
          kind: 'nftables',
          family: familyName(r.tableFamily),
          table: r.table,
          chain: r.chain,
          handle: r.handle,
        };
  return {
    netns: ns,
    backend: r.backend,
    origin,
    protocol: r.protocol,
    family: r.family,
    ip: r.ip,
    portMin: r.portMin,
    portMax: r.portMax,
    serviceName: serviceName(services, r.portMin, r.protocol),
    targetIp: r.targetIp,
    targetPortMin: r.targetPortMin,
    targetPortMax: r.targetPortMax,
    targetServiceName: serviceName(services, r.targetPortMin, r.protocol),
    resolution: undefined,
  };
}

/** Forwards of the NAT tables of one netns (pure; problems for unusable rules). */
export function forwardsOfTables(
  ns: Namespace,
  tables: readonly NatTable[],
  problems: Problem[],
  services: ServiceDb = new Map(),
): Forward[] {
  const out: Forward[] = [];
  for (const t of tables) {
    const w = walkNatTable(t);
    for (const p of w.problems)
      problems.push(
        problem(
          'GW_ERR_PORTFWD_RULE',
          ns,
          `${t.source === 'iptables-legacy' ? 'iptables-legacy' : familyName(t.family)} table ${t.name}, chain ${p.chain}, rule ${p.handle}: ${p.message}`,
        ),
      );
    for (const f of w.forwards) out.push(toForward(ns, f, services));
  }
  return out;
}

/** Adds docker-proxy forwards not covered by a rule of the process's netns (in place). */
export function addDockerProxyForwards(
  namespaces: NamespaceModel,
  byNetns: Map<number, Forward[]>,
  only?: ReadonlySet<number>,
  services: ServiceDb = new Map(),
): void {
  for (const p of namespaces.processes.values()) {
    if (!isDockerProxy(p)) continue;
    const ns = p.namespaces.net;
    if (ns === undefined || (only !== undefined && !only.has(ns.id.ino))) continue;
    const d = parseDockerProxy(p.cmdline);
    if (d === undefined) continue;
    let list = byNetns.get(ns.id.ino);
    if (list === undefined) byNetns.set(ns.id.ino, (list = []));
    const covered = list.some(
      (f) =>
        f.protocol === d.protocol &&
        f.ip === d.hostIp &&
        f.portMin <= d.hostPort &&
        d.hostPort <= f.portMax,
    );
    if (covered) continue;
    list.push({
      netns: ns,
      backend: 'docker-proxy',
      origin: { kind: 'process', pid: p.pid, cmdline: p.cmdline },
      protocol: d.protocol,
      family: d.family,
      ip: d.hostIp,
      portMin: d.hostPort,
      portMax: d.hostPort,
      serviceName: serviceName(services, d.hostPort, d.protocol),
      targetIp: d.containerIp,
      targetPortMin: d.containerPort,
      targetPortMax: d.containerPort,
      targetServiceName: serviceName(services, d.containerPort, d.protocol),
      resolution: undefined,
    });
  }
}

/**
 * Discovers the forwarded ports of every network namespace (see module doc), resolved against
 * `network` and the transport `ports` of the ports phase. Every netns that was read has an
 * entry (possibly empty).
 */
export async function discoverForwards(
  namespaces: NamespaceModel,
  network: NetworkModel,
  ports: ReadonlyMap<number, readonly Port[]>,
  opts: DiscoverForwardsOptions = {},
): Promise<PhaseResult<Map<number, Forward[]>>> {
  const problems: Problem[] = [];
  const value = new Map<number, Forward[]>();
  const stats = opts.stats ?? emptyForwardStats();
  const batch: BatchOptions = {
    ...(opts.parallelism === undefined ? {} : { parallelism: opts.parallelism }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.transport === undefined ? {} : { transport: opts.transport }),
  };
  const slots: Slot[] = namespaces.byType.net
    .filter((ns) => opts.only === undefined || opts.only.has(ns.id.ino))
    .map((ns) => ({ ns, nsFd: undefined, sock: undefined }));
  stats.netns += slots.length;
  const tables = new Map<number, NatTable[]>();
  let closing: Promise<void> = Promise.resolve();
  let services: ServiceDb;
  try {
    services = loadServices(opts.servicesPath);
  } catch {
    services = new Map(); // the ports phase records GW_ERR_PORTS_SERVICES for the same file
  }
  try {
    const live = openNetnsSockets(
      slots,
      namespaces.own.net,
      NETLINK_NETFILTER,
      { ownFd: opts.legacy !== false, what: 'netfilter' },
      problems,
    );
    // The nf_tables rounds run on native threads; meanwhile the JS thread checks for
    // iptables-legacy tables (it needs the nsfs fds for raw sockets inside the netns).
    const byKey = new Map(live.map((s) => [s.ns.id.ino, s]));
    const dumping = dumpNatTables(
      live.map((s) => ({ key: s.ns.id.ino, fd: s.sock as number })),
      batch,
    );
    let legacyError: unknown;
    try {
      if (opts.legacy !== false) {
        const legacy = readLegacyNatTables(
          live.map((s) => ({ ns: s.ns, nsFd: s.nsFd })),
          opts.procRoot ?? '/proc',
          opts.legacy,
        );
        for (const f of legacy.failures)
          problems.push(
            problem(
              'GW_ERR_PORTFWD_DUMP',
              f.ns,
              `iptables-legacy: ${errorMessage(f.error)}`,
              f.error,
            ),
          );
        for (const [ino, ts] of legacy.tables) {
          stats.legacyTables += ts.length;
          tables.set(ino, [...ts]);
        }
      }
    } catch (e: unknown) {
      legacyError = e; // thrown only after the dumps using the sockets are done
    } finally {
      for (const s of slots) {
        if (s.nsFd !== undefined) closeSync(s.nsFd);
        s.nsFd = undefined;
      }
    }
    const dump = await dumping;
    // The sockets are done: close them on the libuv pool (closing hundreds of netlink sockets
    // costs kernel time) while the rules are walked and resolved; awaited before returning.
    closing = Promise.all(
      slots.map((s) => {
        const fd = s.sock;
        s.sock = undefined;
        return fd === undefined
          ? Promise.resolve()
          : new Promise<void>((res) => {
              close(fd, () => res());
            });
      }),
    ).then(() => undefined);
    if (legacyError !== undefined) throw legacyError;
    stats.tableQueries += dump.requests.tables;
    stats.chainQueries += dump.requests.chains;
    stats.ruleAndSetQueries += dump.requests.rulesAndSets;
    stats.elementQueries += dump.requests.elements;
    for (const f of dump.failures) {
      const s = byKey.get(f.key);
      if (s !== undefined)
        problems.push(
          problem(
            'GW_ERR_PORTFWD_DUMP',
            s.ns,
            `nftables ${f.what} failed: ${errorMessage(f.error)}`,
            f.error,
          ),
        );
    }
    for (const s of live) {
      const nft = dump.tables.get(s.ns.id.ino) ?? [];
      const all = [...nft, ...(tables.get(s.ns.id.ino) ?? [])];
      value.set(s.ns.id.ino, forwardsOfTables(s.ns, all, problems, services));
    }
  } finally {
    for (const s of slots) {
      if (s.nsFd !== undefined) closeSync(s.nsFd);
      if (s.sock !== undefined) closeSync(s.sock);
    }
  }
  try {
    addDockerProxyForwards(namespaces, value, opts.only, services);
    const all = [...value.values()].flat();
    resolveForwards(all, network, ports);
    stats.forwards += all.length;
  } finally {
    await closing;
  }
  return { value, problems };
}
