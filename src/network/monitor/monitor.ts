// SPDX-License-Identifier: MIT
/**
 * @module network/monitor/monitor
 *
 * The RTNETLINK change monitor: one NETLINK_ROUTE socket per network namespace, opened inside
 * it (one throw-away native thread for a whole batch, see netns-sockets.ts), joined to the link,
 * IPv4/IPv6 address and IPv4/IPv6 route groups and KEPT OPEN. {@link NetnsMonitor.sync} takes
 * the netns list of the latest discovery: sockets are opened for new netns and closed for
 * netns that are gone. {@link NetnsMonitor.poll} drains every socket in one non-blocking call
 * and decodes what arrived.
 *
 * Not pinning vanished netns: an open netlink socket holds a reference to its netns, so while
 * it is open the kernel keeps the netns alive. The namespace discovery must therefore not count
 * our own sockets as holders: {@link NetnsMonitor.socketInodes} is passed to it as inodes to
 * ignore (discovery `ignoreSocketInodes`), a netns only our sockets hold drops out of the next
 * discovery, and `sync` then closes its socket, which frees it (docs/server.md).
 */
import { closeSync, fstatSync } from 'node:fs';
import { errorMessage } from '../../errors.js';
import type { Namespace } from '../../model/namespace.js';
import type { Problem } from '../../model/problem.js';
import { NETLINK_ROUTE, netlinkDrain, netlinkJoinGroups } from '../../native/index.js';
import { decodeNotifications, MONITOR_GROUPS, type RtnlNotification } from '../../netlink/index.js';
import { openNetnsSockets, sysCause, type NetnsSocketSlot } from '../netns-sockets.js';
import { netnsSubject } from '../subject.js';

/** One monitored netns. */
interface Watch {
  readonly ns: Namespace;
  readonly fd: number;
  /** Socket inode (what `/proc/self/fd/N` shows as `socket:[ino]`). */
  readonly sockIno: number;
}

/** The notifications of one netns from one poll. */
export interface MonitorBatch {
  /** Netns inode. */
  readonly netns: number;
  readonly notifications: RtnlNotification[];
}

/** Result of one {@link NetnsMonitor.poll}. */
export interface MonitorPoll {
  readonly batches: MonitorBatch[];
  /** Netns whose socket overran (ENOBUFS): notifications were lost, re-read their state. */
  readonly overruns: number[];
  readonly problems: Problem[];
}

/** Result of one {@link NetnsMonitor.sync}. */
export interface MonitorSync {
  /** Netns inodes that got a socket now. */
  readonly opened: number[];
  /** Netns inodes whose socket was closed (gone from the discovery). */
  readonly closed: number[];
  readonly problems: Problem[];
}

function monitorProblem(ns: Namespace | number, message: string, e?: unknown): Problem {
  const subject = typeof ns === 'number' ? `netns:[${ns}]` : netnsSubject(ns);
  const cause = e === undefined ? undefined : sysCause(e);
  const p: Problem = { code: 'GW_ERR_NETWORK_MONITOR', message, subject };
  return cause === undefined ? p : { ...p, cause };
}

/** Subscriptions to the RTNETLINK change groups of many netns (see module doc). */
export class NetnsMonitor {
  readonly #watches = new Map<number, Watch>();
  readonly #maxBytes: number;
  #closed = false;

  /** `maxBytes`: at most this much is read per netns and poll (the rest waits). */
  constructor(opts: { readonly maxBytes?: number } = {}) {
    this.#maxBytes = opts.maxBytes ?? 4 * 1024 * 1024;
  }

  /** Number of netns with an open socket. */
  get size(): number {
    return this.#watches.size;
  }

  /** Inodes of the netns monitored. */
  netns(): number[] {
    return [...this.#watches.keys()];
  }

  /** Inodes of our own monitor sockets: namespace discovery must not count them as holders. */
  socketInodes(): Set<number> {
    return new Set([...this.#watches.values()].map((w) => w.sockIno));
  }

  /**
   * Makes the set of monitored netns equal to `netns` (from a discovery): opens and subscribes
   * sockets for new ones, closes those of netns no longer listed. `own` is the discovering
   * process's netns (its socket needs no setns). A netns that cannot be subscribed is left
   * out with a problem (tried again on the next sync).
   */
  sync(netns: readonly Namespace[], own: Namespace | undefined): MonitorSync {
    const problems: Problem[] = [];
    const closed: number[] = [];
    const opened: number[] = [];
    if (this.#closed) return { opened, closed, problems };
    const want = new Map<number, Namespace>();
    for (const ns of netns) if (ns.type === 'net') want.set(ns.id.ino, ns);
    for (const [ino, w] of this.#watches) {
      if (!want.has(ino)) {
        this.#watches.delete(ino);
        closeSync(w.fd);
        closed.push(ino);
      }
    }
    const slots: NetnsSocketSlot[] = [];
    for (const [ino, ns] of want)
      if (!this.#watches.has(ino)) slots.push({ ns, nsFd: undefined, sock: undefined });
    if (slots.length === 0) return { opened, closed, problems };
    const open: Problem[] = [];
    let reachable: NetnsSocketSlot[] = [];
    try {
      reachable = openNetnsSockets(
        slots,
        own,
        NETLINK_ROUTE,
        { ownFd: false, what: 'change monitor' },
        open,
      );
    } catch (e: unknown) {
      problems.push(
        monitorProblem(slots[0]?.ns ?? 0, `cannot open monitor sockets: ${errorMessage(e)}`, e),
      );
    }
    for (const p of open) problems.push({ ...p, code: 'GW_ERR_NETWORK_MONITOR' });
    const ok = new Set(reachable);
    for (const s of slots) {
      if (s.nsFd !== undefined) closeSync(s.nsFd);
      s.nsFd = undefined;
      if (s.sock === undefined) continue;
      if (!ok.has(s)) {
        closeSync(s.sock);
        continue;
      }
      try {
        netlinkJoinGroups(s.sock, MONITOR_GROUPS);
        const sockIno = fstatSync(s.sock).ino;
        this.#watches.set(s.ns.id.ino, { ns: s.ns, fd: s.sock, sockIno });
        opened.push(s.ns.id.ino);
      } catch (e: unknown) {
        closeSync(s.sock);
        problems.push(monitorProblem(s.ns, `cannot join rtnetlink groups: ${errorMessage(e)}`, e));
      }
    }
    return { opened, closed, problems };
  }

  /** Drains all sockets without blocking and decodes what arrived. */
  poll(): MonitorPoll {
    const batches: MonitorBatch[] = [];
    const overruns: number[] = [];
    const problems: Problem[] = [];
    if (this.#closed || this.#watches.size === 0) return { batches, overruns, problems };
    const watches = [...this.#watches.values()];
    const drained = netlinkDrain(
      watches.map((w) => w.fd),
      this.#maxBytes,
    );
    for (let i = 0; i < watches.length; i++) {
      const w = watches[i] as Watch;
      const d = drained[i];
      if (d === null || d === undefined) continue;
      const { notifications, problems: bad } = decodeNotifications(d.datagrams);
      if (notifications.length > 0) batches.push({ netns: w.ns.id.ino, notifications });
      for (const e of bad)
        problems.push(monitorProblem(w.ns, `undecodable notification dropped: ${e.message}`));
      if (d.error !== undefined) {
        if (d.error.sysCode === 'ENOBUFS') {
          overruns.push(w.ns.id.ino);
          problems.push(
            monitorProblem(w.ns, 'notifications lost (socket overrun, ENOBUFS)', d.error),
          );
        } else {
          problems.push(monitorProblem(w.ns, `recv failed: ${d.error.message}`, d.error));
        }
      }
    }
    return { batches, overruns, problems };
  }

  /** Closes every socket; the monitor stays closed. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const w of this.#watches.values()) closeSync(w.fd);
    this.#watches.clear();
  }
}
