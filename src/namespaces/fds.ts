// SPDX-License-Identifier: MIT
/**
 * @module namespaces/fds
 *
 * Source ④: one pass over `/proc/PID/fd/*` of every process (threads share the fd table).
 * nsfs fds (`net:[ino]`) reveal namespaces held open by fd; `socket:[ino]` fills the
 * socket-inode → PIDs map. Optionally, sockets whose network namespace is not accounted for are
 * duplicated with pidfd_getfd(2) and asked for their netns with SIOCGSKNS.
 *
 * Bounding the socket probe: a socket inode listed in `/proc/<ealdorman>/net/{tcp,udp,raw,
 * unix,packet,netlink,…}` of a netns with processes belongs to that netns, and that is known
 * without touching the socket. Tables are read lazily: first the holder's own netns, then the
 * others only while sockets remain unaccounted and only when there are more of them than
 * probing would cost (a table read ≈ 16 probes). Only the remaining inodes (sockets of netns that no process is
 * in, plus families without a procfs table) are probed, each inode once, at most
 * `maxProbes` in total; hitting the cap is recorded as a problem.
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';

import { toProblem } from '../model/problem.js';
import { readFdLinks, readNetnsSocketInodes, isVanished } from '../procfs/index.js';
import { errorMessage, sysErrorCode } from '../errors.js';
import type { Namespace } from '../model/namespace.js';
import type { NamespaceScan } from './scan.js';
import { nsTypeOfCloneFlag, type NsSyscalls } from './syscalls.js';

/** Statistics of the fd scan, for docs and benchmarks. */
export interface FdScanStats {
  fds: number;
  sockets: number;
  /** Socket inodes not accounted for by any netns socket table. */
  unaccounted: number;
  /** SIOCGSKNS probes done. */
  probes: number;
  /** fds with a path target stat()ed to detect nsfs fds opened through bind mounts. */
  pathStats: number;
  /** Netns socket tables that could not be read (EACCES, …); their sockets were probed. */
  socketTableErrors: number;
}

/**
 * Reading one netns's socket tables (9 procfs files) costs about as much as this many socket
 * probes (pidfd_getfd + SIOCGSKNS + fstat + 2 close), measured ~1.5 ms vs ~0.07 ms on the
 * development VM (docs/performance.md). Fewer unaccounted sockets than this per unread netns
 * are probed directly.
 */
const PROBES_PER_TABLE_READ = 16;

/** One socket fd to probe. */
interface SocketFd {
  readonly pid: number;
  readonly fd: number;
  readonly ino: number;
}

/**
 * Scans all fds. Returns the socket fds (one per distinct inode) for an optional probe.
 * Sockets in `ignoreSocketInodes` are skipped entirely.
 */
export function scanFds(
  ctx: NamespaceScan,
  stats: FdScanStats,
  sys: NsSyscalls | undefined,
  ignoreSocketInodes?: ReadonlySet<number>,
): SocketFd[] {
  const root = ctx.procRoot;
  const firstHolder = new Map<number, SocketFd>();
  const nsfsPaths: SocketFd[] = [];
  for (const proc of ctx.processes.values()) {
    let links;
    try {
      links = readFdLinks(proc.pid, root);
    } catch (e: unknown) {
      if (!isVanished(e)) {
        const cause = sysErrorCode(e);
        ctx.problem({
          code: 'GW_ERR_NS_ACCESS',
          message: `open fds of pid ${proc.pid} (${proc.comm}) not readable`,
          subject: `pid ${proc.pid}`,
          ...(cause === undefined ? {} : { cause }),
        });
      }
      continue;
    }
    stats.fds += links.length;
    for (const { fd, target } of links) {
      if (target.kind === 'ns') {
        const path = `${root}/${proc.pid}/fd/${fd}`;
        const { ns } = ctx.getOrCreate(target.type, target.ino);
        ctx.addSource(ns, { kind: 'fd', pid: proc.pid, fd, path }, [path]);
      } else if (target.kind === 'socket') {
        // our own monitor sockets: neither owners nor a way to find (and so pin) a netns
        if (ignoreSocketInodes?.has(target.ino) === true) continue;
        stats.sockets++;
        const owners = ctx.socketOwners.get(target.ino);
        if (owners === undefined) ctx.socketOwners.set(target.ino, [proc.pid]);
        else if (owners[owners.length - 1] !== proc.pid) owners.push(proc.pid);
        if (!firstHolder.has(target.ino))
          firstHolder.set(target.ino, { pid: proc.pid, fd, ino: target.ino });
      } else if (
        target.kind === 'path' &&
        ctx.nsfsDev !== 0 &&
        !target.path.endsWith(' (deleted)')
      ) {
        stats.pathStats++;
        const st = statSync(`${root}/${proc.pid}/fd/${fd}`, { throwIfNoEntry: false });
        if (st !== undefined && st.dev === ctx.nsfsDev)
          nsfsPaths.push({ pid: proc.pid, fd, ino: st.ino });
      }
    }
  }
  for (const h of nsfsPaths) addPathHeldNamespace(ctx, h, sys);
  return [...firstHolder.values()];
}

/** Adds a namespace held by an fd opened through a bind mount (type via NS_GET_NSTYPE). */
function addPathHeldNamespace(ctx: NamespaceScan, h: SocketFd, sys: NsSyscalls | undefined): void {
  const path = `${ctx.procRoot}/${h.pid}/fd/${h.fd}`;
  const known = ctx.get({ dev: ctx.nsfsDev, ino: h.ino });
  let type = known?.type;
  if (type === undefined) {
    if (sys === undefined) {
      ctx.problem({
        code: 'GW_ERR_NS_ACCESS',
        message: `nsfs fd ${path} of unknown type (needs the native addon for NS_GET_NSTYPE)`,
        subject: path,
      });
      return;
    }
    try {
      const fd = openSync(path, 'r');
      try {
        const flag = sys.getNsType(fd);
        type = nsTypeOfCloneFlag(flag);
      } finally {
        closeSync(fd);
      }
    } catch (e: unknown) {
      if (!isVanished(e) && sysErrorCode(e) !== 'ENOENT')
        ctx.problem(toProblem(e, path, 'GW_ERR_NS_ACCESS'));
      return;
    }
    if (type === undefined) return;
  }
  const { ns } = ctx.getOrCreate(type, h.ino);
  ctx.addSource(ns, { kind: 'fd', pid: h.pid, fd: h.fd, path }, [path]);
}

/**
 * Finds the network namespaces of sockets not listed in any known netns's socket tables (see
 * module doc). New netns get a `socket` source and the socket's fd path as reference (lxkns
 * quirk: the path stays valid only while the process keeps that fd open).
 */
export function probeSocketNetns(
  ctx: NamespaceScan,
  sockets: readonly SocketFd[],
  sys: NsSyscalls,
  maxProbes: number,
  stats: FdScanStats,
): void {
  // Lazily read socket tables: first the holder's own netns (where almost every socket lives),
  // then, only for sockets still unaccounted, the tables of the other netns with processes.
  const tables = new Map<Namespace, Set<number> | undefined>();
  const tableOf = (ns: Namespace): Set<number> | undefined => {
    if (!tables.has(ns)) {
      let t: Set<number> | undefined;
      if (ns.ealdorman !== undefined) {
        try {
          t = readNetnsSocketInodes(ns.ealdorman.pid, ctx.procRoot);
        } catch (e: unknown) {
          // Not fatal: its sockets are probed one by one instead (counted for diagnostics).
          if (!isVanished(e)) stats.socketTableErrors++;
        }
      }
      tables.set(ns, t);
    }
    return tables.get(ns);
  };
  let rest = sockets.filter((s) => {
    const own = ctx.processes.get(s.pid)?.namespaces.net;
    return own === undefined || tableOf(own)?.has(s.ino) !== true;
  });
  if (rest.length > 0) {
    // Reading the other netns's tables pays only when it saves more probes than it costs.
    const others = [...ctx.namespaces.values()].filter(
      (ns) => ns.type === 'net' && ns.ealdorman !== undefined && !tables.has(ns),
    );
    if (rest.length > maxProbes || rest.length > PROBES_PER_TABLE_READ * others.length) {
      for (const ns of others) {
        if (rest.length === 0) break;
        const t = tableOf(ns);
        if (t !== undefined) rest = rest.filter((s) => !t.has(s.ino));
      }
    }
  }
  const todo = rest;
  stats.unaccounted = todo.length;
  if (todo.length > maxProbes) {
    ctx.problem({
      code: 'GW_ERR_NS_FD_SOCKET',
      message: `${todo.length - maxProbes} of ${todo.length} sockets of unknown network namespace not probed (limit ${maxProbes})`,
      subject: 'phase:namespaces',
    });
  }
  const byPid = new Map<number, SocketFd[]>();
  for (const s of todo.slice(0, maxProbes)) {
    const l = byPid.get(s.pid);
    if (l === undefined) byPid.set(s.pid, [s]);
    else l.push(s);
  }
  for (const [pid, list] of byPid) {
    let pidfd: number;
    try {
      pidfd = sys.pidfdOpen(pid);
    } catch (e: unknown) {
      if (sysErrorCode(e) !== 'ESRCH') socketProblem(ctx, pid, list.length, e);
      continue;
    }
    try {
      for (const s of list) {
        const netns = socketNetnsOf(pidfd, s.fd, sys, stats);
        if (netns === 'gone') continue;
        if (netns instanceof Error) {
          socketProblem(ctx, pid, list.length, netns);
          if (sysErrorCode(netns) === 'EPERM' || sysErrorCode(netns) === 'EACCES') break; // no ptrace access: rest fails too
          continue;
        }
        const path = `${ctx.procRoot}/${pid}/fd/${s.fd}`;
        const { ns } = ctx.getOrCreate('net', netns);
        if (ns.processes.length === 0)
          ctx.addSource(ns, { kind: 'socket', pid, fd: s.fd, path }, [path]);
      }
    } finally {
      closeSync(pidfd);
    }
  }
}

/** Netns inode of socket `fd` of the pidfd's process; 'gone' if the fd was closed meanwhile. */
function socketNetnsOf(
  pidfd: number,
  fd: number,
  sys: NsSyscalls,
  stats: FdScanStats,
): number | 'gone' | Error {
  let sock: number;
  try {
    sock = sys.pidfdGetfd(pidfd, fd);
  } catch (e: unknown) {
    if (sysErrorCode(e) === 'EBADF' || sysErrorCode(e) === 'ESRCH') return 'gone';
    return e instanceof Error ? e : new Error(errorMessage(e));
  }
  try {
    stats.probes++;
    const nsfd = sys.socketNetns(sock);
    try {
      return fstatSync(nsfd).ino;
    } finally {
      closeSync(nsfd);
    }
  } catch (e: unknown) {
    return e instanceof Error ? e : new Error(errorMessage(e));
  } finally {
    closeSync(sock);
  }
}

function socketProblem(ctx: NamespaceScan, pid: number, count: number, e: unknown): void {
  const cause = sysErrorCode(e);
  ctx.problem({
    code: 'GW_ERR_NS_FD_SOCKET',
    message: `network namespace of ${count} socket(s) of pid ${pid} not determined: ${errorMessage(e)}`,
    subject: `pid ${pid}`,
    ...(cause === undefined ? {} : { cause }),
  });
}
