// SPDX-License-Identifier: MIT
/**
 * @module namespaces/bindmounts
 *
 * Source ③: namespaces bind-mounted somewhere (`ip netns add` → `/run/netns/x`, Docker's
 * `/run/docker/netns/…`), in every mount namespace. A work queue of mount namespaces (sorted by
 * inode, so the initial one comes first) is read through a view (§ lxkns "mountineer"):
 * the ealdorman's `/proc/PID/mountinfo` and `/proc/PID/root`, a loose thread's `/proc/TID/…`, or
 * — for process-less mount namespaces — a native view (the addon enters the namespace on a
 * throw-away thread, hands back its root fd and reads its mountinfo; no helper process). Entries of fstype `nsfs`
 * carry the namespace as `<type>:[<ino>]` in the mountinfo root field. Mount namespaces found
 * this way join the queue (transitive discovery).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { NamespaceError, ProcfsError, errorMessage } from '../errors.js';
import type { Namespace } from '../model/namespace.js';
import { toProblem } from '../model/problem.js';
import { parseNsLink, unescapeOctal } from '../procfs/index.js';
import type { NamespaceScan } from './scan.js';
import { nsLabel } from './display.js';
import { RootResolver, viewByRef, type DirListings, type MountNsView } from './open.js';

/** Counters for docs/benchmarks. */
export interface BindMountStats {
  mountNamespaces: number;
  /** Process-less mount namespaces entered natively (one per reference hop; the name is historic). */
  helpers: number;
  nsfsMounts: number;
}

/**
 * Finds a view into `mntns`. Throws (NamespaceError GW_ERR_NS_MOUNTNS_UNREACHABLE) when the
 * namespace has neither processes nor a reference a helper can join.
 */
function viewOf(ctx: NamespaceScan, mntns: Namespace, stats: BindMountStats): MountNsView {
  const noop = (): void => undefined;
  if (mntns.ealdorman !== undefined) {
    const pid = mntns.ealdorman.pid;
    return { pid, root: `${ctx.procRoot}/${pid}/root`, release: noop };
  }
  const task = mntns.sources.find((s) => s.kind === 'task');
  if (task !== undefined && task.kind === 'task') {
    return { pid: task.tid, root: `${ctx.procRoot}/${task.tid}/root`, release: noop };
  }
  const unreachable = (why: string): NamespaceError =>
    new NamespaceError('GW_ERR_NS_MOUNTNS_UNREACHABLE', why, {
      op: 'view',
      ref: nsLabel(mntns),
      details: { procRoot: ctx.procRoot },
    });
  if (ctx.procRoot !== '/proc') {
    throw unreachable(
      `process-less mount namespace can only be entered natively, impossible with procRoot ${ctx.procRoot}`,
    );
  }
  if (mntns.ref.length === 0)
    throw unreachable('mount namespace without processes and without reference');
  stats.helpers += mntns.ref.length;
  return viewByRef(mntns.ref, mntns.id.ino, true);
}

/** Runs the bind-mount pass over all mount namespaces (see module doc). */
export function discoverBindMounts(ctx: NamespaceScan, stats: BindMountStats): void {
  const ownMnt = safeOwnMntIno(ctx);
  const visited = new Set<string>();
  const listings: DirListings = new Map();
  const queue = [...ctx.namespaces.values()]
    .filter((n) => n.type === 'mnt')
    .sort((a, b) => a.id.ino - b.id.ino);
  while (queue.length > 0) {
    const mntns = queue.shift() as Namespace;
    const key = `${mntns.id.dev}:${mntns.id.ino}`;
    if (visited.has(key)) continue;
    visited.add(key);
    stats.mountNamespaces++;
    let view: MountNsView;
    try {
      view = viewOf(ctx, mntns, stats);
    } catch (e: unknown) {
      ctx.problem(toProblem(e, `mnt:[${mntns.id.ino}]`, 'GW_ERR_NS_MOUNTNS_UNREACHABLE'));
      continue;
    }
    try {
      let mounts: NsfsMount[];
      try {
        mounts =
          view.mountinfo !== undefined
            ? parseNsfsMounts(view.mountinfo, `${nsLabel(mntns)} mountinfo`)
            : readNsfsMounts(view.pid ?? 0, ctx.procRoot);
      } catch (e: unknown) {
        ctx.problem(toProblem(e, `mnt:[${mntns.id.ino}]`, 'GW_ERR_NS_BINDMOUNT'));
        continue;
      }
      const isHelper =
        mntns.ealdorman === undefined && !mntns.sources.some((s) => s.kind === 'task');
      const resolver = new RootResolver(view.root, listings);
      for (const m of mounts) {
        const link = parseNsLink(m.root);
        if (link === undefined) continue;
        stats.nsfsMounts++;
        let ref: string[];
        let path: string;
        try {
          if (isHelper) {
            ref = [...mntns.ref, m.mountPoint];
            path = ref.join(' » ');
          } else if (mntns.id.ino === ownMnt) {
            path = m.mountPoint; // our own mount namespace: the plain path works as is
            ref = [path];
          } else {
            path = resolver.resolve(m.mountPoint);
            ref = [path];
          }
        } catch (e: unknown) {
          ctx.problem(toProblem(e, m.mountPoint, 'GW_ERR_NS_BINDMOUNT'));
          continue;
        }
        const { ns, created } = ctx.getOrCreate(link.type, link.ino);
        ns.sources.push({ kind: 'bindmount', mountPoint: m.mountPoint, mntns: mntns.id, path });
        // Prefer a single host-usable path over a multi-path reference, and a bind mount over
        // another process's open fd: the fd lives only as long as that process (a running
        // `ghostwire serve` holds fds of every netns), the bind mount until it is unmounted.
        if (
          ns.ref.length === 0 ||
          (ns.ref.length > 1 && ref.length === 1) ||
          (ref.length === 1 && !hasProcess(ns) && !isBindMountRef(ns))
        )
          ns.ref = ref;
        if (created && ns.type === 'mnt') queue.push(ns);
        else if (ns.type === 'mnt' && !visited.has(`${ns.id.dev}:${ns.id.ino}`)) queue.push(ns);
      }
    } finally {
      view.release();
    }
  }
}

/** True when a process or task of `ns` itself gave its reference (`/proc/PID/ns/…`). */
function hasProcess(ns: Namespace): boolean {
  return ns.sources.some((s) => s.kind === 'process' || s.kind === 'task');
}

/** True when the current reference of `ns` already is one of its bind mounts. */
function isBindMountRef(ns: Namespace): boolean {
  const current = ns.ref.join(' » ');
  return ns.sources.some((s) => s.kind === 'bindmount' && s.path === current);
}

/** Separator field plus fstype of an nsfs line (paths are octal-escaped, so no other ` - nsfs `). */
const NSFS_MARK = ' - nsfs ';

/** Root and mount point of one nsfs mount (mountinfo fields 4 and 5, unescaped). */
export interface NsfsMount {
  /** `<type>:[<inode>]` for a namespace bind mount. */
  readonly root: string;
  /** Mount point relative to the reading process's root. */
  readonly mountPoint: string;
}

/**
 * The nsfs entries of `<procRoot>/<pid>/mountinfo`. Only lines containing {@link NSFS_MARK} are
 * looked at, and of those only fields 4 (root) and 5 (mount point): a host with hundreds of
 * netns bind mounts has that many lines in every mount namespace, and a full
 * `parseMountinfoLine` of each was a measurable share of the bind-mount pass.
 * Throws `GW_ERR_PROCFS_READ`, or `GW_ERR_PROCFS_PARSE` for an nsfs line with fewer fields.
 */
export function readNsfsMounts(pid: number, procRoot: string): NsfsMount[] {
  const path = `${procRoot}/${pid}/mountinfo`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: unknown) {
    throw new ProcfsError('GW_ERR_PROCFS_READ', `cannot read ${path}: ${errorMessage(e)}`, {
      path,
      cause: e,
    });
  }
  return parseNsfsMounts(text, path);
}

/** The nsfs entries of mountinfo `text` (read from `path`, for messages); see {@link readNsfsMounts}. */
export function parseNsfsMounts(text: string, path: string): NsfsMount[] {
  const out: NsfsMount[] = [];
  for (let i = text.indexOf(NSFS_MARK); i >= 0;) {
    const start = text.lastIndexOf('\n', i) + 1;
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    // mount ID, parent ID, major:minor, root, mount point, … — fields end at single spaces.
    let f = start;
    for (let k = 0; k < 3 && f >= 0; k++) {
      const sp = text.indexOf(' ', f);
      f = sp < 0 || sp >= i ? -1 : sp + 1;
    }
    const rootEnd = f >= 0 ? text.indexOf(' ', f) : -1;
    const mpEnd = rootEnd >= 0 ? text.indexOf(' ', rootEnd + 1) : -1;
    if (f < 0 || rootEnd < 0 || mpEnd < 0 || mpEnd >= i) {
      throw new ProcfsError(
        'GW_ERR_PROCFS_PARSE',
        `cannot parse ${path}: malformed line "${text.slice(start, end)}"`,
        { path },
      );
    }
    out.push({
      root: unescapeOctal(text.slice(f, rootEnd)),
      mountPoint: unescapeOctal(text.slice(rootEnd + 1, mpEnd)),
    });
    i = text.indexOf(NSFS_MARK, end);
  }
  return out;
}

function safeOwnMntIno(ctx: NamespaceScan): number | undefined {
  try {
    return parseNsLink(readlinkSync(`${ctx.procRoot}/self/ns/mnt`))?.ino;
  } catch {
    // unknown own mount namespace: every mount namespace is then scanned
    return undefined;
  }
}
