// SPDX-License-Identifier: MIT
/**
 * @module namespaces/discover
 *
 * `discoverNamespaces()`: the lxkns-style pipeline, synchronous and in this order:
 * process table → `/proc/PID/ns/*` (→ tasks) → leaders/ealdormen/refs → fd scan (→ socket
 * netns probe) → bind mounts in every mount namespace → hierarchy and owners (nsfs ioctls) →
 * model. Namespaces found by fd or bind mount have no processes, so their refs stay as found.
 */
import { readlinkSync } from 'node:fs';
import { ProcfsError, errorMessage } from '../errors.js';
import { NS_TYPES, type Namespace, type NamespaceModel, type NsType } from '../model/namespace.js';
import type { PhaseResult } from '../model/problem.js';
import { parseNsLink } from '../procfs/index.js';
import { discoverBindMounts, type BindMountStats } from './bindmounts.js';
import { NamespaceScan } from './scan.js';
import { probeSocketNetns, scanFds, type FdScanStats } from './fds.js';
import { discoverHierarchy } from './hierarchy.js';
import { computeLeaders, discoverProcNamespaces, discoverTaskNamespaces } from './proc-ns.js';
import { readProcessTable } from './processes.js';
import { NATIVE_SYSCALLS, isNativeAvailable, type NsSyscalls } from './syscalls.js';

/** Options of {@link discoverNamespaces}; all sources default to on except `tasks`. */
export interface DiscoverNamespacesOptions {
  /** procfs mount to read (default `/proc`); helper processes need the live `/proc`. */
  readonly procRoot?: string;
  /** Scan `/proc/PID/task/TID/ns/*` for loose threads (default false: one readlink per task and type). */
  readonly tasks?: boolean;
  /** Scan all open fds (nsfs fds, socket owners) (default true). */
  readonly fdScan?: boolean;
  /** Read bind-mounted namespaces in all mount namespaces (default true). */
  readonly bindMounts?: boolean;
  /** Probe sockets of unaccounted netns with pidfd_getfd + SIOCGSKNS (default true; needs fdScan). */
  readonly socketNetns?: boolean;
  /** User/PID hierarchy, owners and owner UIDs via nsfs ioctls (default true). */
  readonly hierarchy?: boolean;
  /** At most this many sockets are probed (default 1024). */
  readonly maxSocketProbes?: number;
  /** System calls (default: the C addon); tests inject fakes. */
  readonly syscalls?: NsSyscalls;
  /**
   * Socket inodes that do not count as holders (the service's own change-monitor sockets,
   * which would otherwise keep every netns they watch "alive" in the discovery).
   */
  readonly ignoreSocketInodes?: ReadonlySet<number>;
}

/** Counters of one run (for docs, benchmarks and `--verbose` style output). */
export interface DiscoveryStats {
  processes: number;
  namespaces: number;
  fd: FdScanStats;
  bindMounts: BindMountStats;
  /** Milliseconds per step. */
  readonly timings: Record<string, number>;
}

/** Result of {@link discoverNamespaces}: the model, its problems and this scan's own counters. */
export interface NamespacePhaseResult extends PhaseResult<NamespaceModel> {
  /** Counters of this scan only (diagnostics; not part of the model). */
  readonly stats: DiscoveryStats;
}

/**
 * Discovers processes and namespaces of all 8 types. Never throws for one broken item: such
 * failures are returned as problems (GW_ERR_NS_ACCESS, GW_ERR_NS_BINDMOUNT,
 * GW_ERR_NS_MOUNTNS_UNREACHABLE, GW_ERR_NS_HIERARCHY, GW_ERR_NS_FD_SOCKET, GW_ERR_NATIVE_LOAD,
 * GW_ERR_PROCFS_PARSE). Throws `GW_ERR_PROCFS_UNAVAILABLE` when procRoot cannot be listed.
 * Every fd it opens is closed before it returns; helper processes are killed.
 */
export function discoverNamespaces(opts: DiscoverNamespacesOptions = {}): NamespacePhaseResult {
  const procRoot = opts.procRoot ?? '/proc';
  const ctx = new NamespaceScan(procRoot);
  const timings: Record<string, number> = {};
  const stats: DiscoveryStats = {
    processes: 0,
    namespaces: 0,
    fd: { fds: 0, sockets: 0, unaccounted: 0, probes: 0, pathStats: 0, socketTableErrors: 0 },
    bindMounts: { mountNamespaces: 0, helpers: 0, nsfsMounts: 0 },
    timings,
  };
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round((now - t) * 100) / 100;
    t = now;
  };

  try {
    readProcessTable(ctx, opts.tasks ?? false);
  } catch (e: unknown) {
    throw new ProcfsError(
      'GW_ERR_PROCFS_UNAVAILABLE',
      `no usable procfs at ${procRoot}: ${errorMessage(e)}`,
      {
        path: procRoot,
        cause: e,
      },
    );
  }
  lap('processes');
  discoverProcNamespaces(ctx);
  lap('procNs');
  if (opts.tasks ?? false) {
    discoverTaskNamespaces(ctx);
    lap('tasks');
  }
  computeLeaders(ctx);

  let sys: NsSyscalls | undefined = opts.syscalls;
  const wantsNative =
    (opts.hierarchy ?? true) || ((opts.fdScan ?? true) && (opts.socketNetns ?? true));
  if (sys === undefined && wantsNative) {
    if (isNativeAvailable()) sys = NATIVE_SYSCALLS;
    else {
      ctx.problem({
        code: 'GW_ERR_NATIVE_LOAD',
        message:
          'native addon not available: no hierarchy, owners or socket netns (run npm run build:native)',
        subject: 'phase:namespaces',
      });
    }
  }

  if (opts.fdScan ?? true) {
    const sockets = scanFds(ctx, stats.fd, sys, opts.ignoreSocketInodes);
    lap('fds');
    if ((opts.socketNetns ?? true) && sys !== undefined) {
      probeSocketNetns(ctx, sockets, sys, opts.maxSocketProbes ?? 1024, stats.fd);
      lap('socketNetns');
    }
  }
  if (opts.bindMounts ?? true) {
    discoverBindMounts(ctx, stats.bindMounts);
    lap('bindMounts');
  }
  if ((opts.hierarchy ?? true) && sys !== undefined) {
    discoverHierarchy(ctx, sys);
    lap('hierarchy');
  }

  const model = buildModel(ctx);
  stats.processes = model.processes.size;
  stats.namespaces = model.namespaces.size;
  lap('model');
  return { value: model, problems: ctx.problems, stats };
}

function buildModel(ctx: NamespaceScan): NamespaceModel {
  const byType = Object.fromEntries(NS_TYPES.map((t) => [t, [] as Namespace[]])) as Record<
    NsType,
    Namespace[]
  >;
  for (const ns of ctx.namespaces.values()) byType[ns.type].push(ns);
  for (const t of NS_TYPES) byType[t].sort((a, b) => a.id.ino - b.id.ino);
  const own: Partial<Record<NsType, Namespace>> = {};
  const initial: Partial<Record<NsType, Namespace>> = {};
  const pid1 = ctx.processes.get(1);
  for (const t of NS_TYPES) {
    let link;
    try {
      link = parseNsLink(readlinkSync(`${ctx.procRoot}/self/ns/${t}`));
    } catch {
      // type not supported by this kernel (e.g. no time namespaces): no own namespace of it
      link = undefined;
    }
    const mine = link === undefined ? undefined : ctx.get({ dev: ctx.nsfsDev, ino: link.ino });
    if (mine !== undefined) own[t] = mine;
    const first = pid1?.namespaces[t] ?? mine;
    if (first !== undefined) initial[t] = first;
  }
  return {
    processes: ctx.processes,
    namespaces: ctx.namespaces,
    byType,
    own,
    initial,
    socketOwners: ctx.socketOwners,
  };
}
