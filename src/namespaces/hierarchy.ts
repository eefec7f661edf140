// SPDX-License-Identifier: MIT
/**
 * @module namespaces/hierarchy
 *
 * Sources ⑤/⑥ via nsfs ioctls (`<linux/nsfs.h>`, ioctl_ns(2)): parents of user and pid
 * namespaces (NS_GET_PARENT, walked upwards until EPERM — the caller's reach ends — or a
 * namespace that already has a parent), owning user namespaces of all others
 * (NS_GET_USERNS), and creator UIDs of user namespaces (NS_GET_OWNER_UID). Parents and owners
 * never seen otherwise become **hidden** namespaces (no reference, no processes).
 */
import { closeSync, fstatSync } from 'node:fs';
import { errorMessage, sysErrorCode } from '../errors.js';
import type { Namespace, NsType } from '../model/namespace.js';
import { toProblem } from '../model/problem.js';
import type { NamespaceScan } from './scan.js';
import { openNamespace } from './open.js';
import type { NsSyscalls } from './syscalls.js';

/** EPERM (outside our reach) and EINVAL/ENOTTY-free "no parent" are normal at the top. */
function isTop(e: unknown): boolean {
  const c = sysErrorCode(e);
  return c === 'EPERM' || c === 'ENOENT';
}

function idOf(fd: number): { dev: number; ino: number } {
  const st = fstatSync(fd);
  return { dev: st.dev, ino: st.ino };
}

/** Creates/looks up the namespace behind `fd`; new ones are hidden. */
function nsOfFd(ctx: NamespaceScan, fd: number, type: NsType): Namespace {
  const id = idOf(fd);
  const { ns, created } = ctx.getOrCreate(type, id.ino, id.dev);
  if (created) {
    ns.hidden = true;
    ns.sources.push({ kind: 'hierarchy' });
  }
  return ns;
}

/**
 * Walks parents of `start` (open `fd`, not closed here) upwards. Hidden user namespaces met on
 * the way get their owner UID. Stops at the top (EPERM), or at a rung that already has a parent.
 */
function walkParents(ctx: NamespaceScan, sys: NsSyscalls, start: Namespace, fd: number): void {
  let child = start;
  let cur = fd;
  try {
    while (child.parent === undefined) {
      let pfd: number;
      try {
        pfd = sys.getParent(cur);
      } catch (e: unknown) {
        if (!isTop(e))
          ctx.problem(toProblem(e, `${child.type}:[${child.id.ino}]`, 'GW_ERR_NS_HIERARCHY'));
        return;
      }
      if (cur !== fd) closeSync(cur);
      cur = pfd;
      const parent = nsOfFd(ctx, pfd, child.type);
      child.parent = parent;
      parent.children.push(child);
      if (parent.type === 'user' && parent.ownerUid === undefined)
        setOwnerUid(ctx, sys, parent, pfd);
      if (parent.type === 'pid' && parent.owner === undefined) setOwner(ctx, sys, parent, pfd);
      child = parent;
    }
  } finally {
    if (cur !== fd) closeSync(cur);
  }
}

function setOwnerUid(ctx: NamespaceScan, sys: NsSyscalls, ns: Namespace, fd: number): void {
  try {
    ns.ownerUid = sys.getOwnerUid(fd);
  } catch (e: unknown) {
    ctx.problem(toProblem(e, `user:[${ns.id.ino}]`, 'GW_ERR_NS_HIERARCHY'));
  }
}

/** Sets `ns.owner` via NS_GET_USERNS; an unknown owner becomes a hidden user ns whose parents are walked. */
function setOwner(ctx: NamespaceScan, sys: NsSyscalls, ns: Namespace, fd: number): void {
  let ufd: number;
  try {
    ufd = sys.getUserns(fd);
  } catch (e: unknown) {
    if (!isTop(e)) ctx.problem(toProblem(e, `${ns.type}:[${ns.id.ino}]`, 'GW_ERR_NS_HIERARCHY'));
    return;
  }
  try {
    const owner = nsOfFd(ctx, ufd, 'user');
    ns.owner = owner;
    owner.owned.push(ns);
    if (owner.hidden) {
      if (owner.ownerUid === undefined) setOwnerUid(ctx, sys, owner, ufd);
      walkParents(ctx, sys, owner, ufd);
    }
  } finally {
    closeSync(ufd);
  }
}

/**
 * Runs hierarchy and ownership discovery for all namespaces with a reference: user namespaces
 * first (parents + owner UID), then pid namespaces (parents + owner), then the other types
 * (owner). Opening a multi-path reference starts helper processes (see `open.ts`).
 */
export function discoverHierarchy(ctx: NamespaceScan, sys: NsSyscalls): void {
  const order: NsType[] = ['user', 'pid', 'mnt', 'cgroup', 'uts', 'ipc', 'net', 'time'];
  for (const type of order) {
    const list = [...ctx.namespaces.values()].filter(
      (n) => n.type === type && !n.hidden && n.ref.length > 0,
    );
    for (const ns of list) {
      let fd: number;
      try {
        fd = openNamespace(ns);
      } catch (e: unknown) {
        const cause = sysErrorCode(e);
        ctx.problem({
          code: 'GW_ERR_NS_HIERARCHY',
          message: `cannot open ${type}:[${ns.id.ino}] for hierarchy/owner: ${errorMessage(e)}`,
          subject: `${type}:[${ns.id.ino}]`,
          ...(cause === undefined ? {} : { cause }),
        });
        continue;
      }
      try {
        if (type === 'user') {
          if (ns.ownerUid === undefined) setOwnerUid(ctx, sys, ns, fd);
          walkParents(ctx, sys, ns, fd);
        } else {
          if (ns.owner === undefined) setOwner(ctx, sys, ns, fd);
          if (type === 'pid') walkParents(ctx, sys, ns, fd);
        }
      } finally {
        closeSync(fd);
      }
    }
  }
}
