// SPDX-License-Identifier: MIT
/**
 * @module native/nsfs
 *
 * The nsfs ioctls (`<linux/nsfs.h>`: type, owning user namespace, parent, owner uid) and
 * uname() inside a UTS namespace, entered on a throw-away native thread.
 */
import { callInNamespace } from './batch.js';
import { NS_GET_NSTYPE, NS_GET_OWNER_UID, NS_GET_PARENT, NS_GET_USERNS } from './constants.js';
import { call } from './convert.js';
import { checkFd } from './validate.js';

/** Names of a UTS namespace. */
export interface UtsNames {
  readonly nodename: string;
  readonly domainname: string;
}

function nsIoctl(fn: string, fd: number, op: number): number {
  checkFd(fn, 'fd', fd);
  return call('GW_ERR_NS_IOCTL_FAILED', `${fn}(fd ${fd})`, { op: fn, ref: `fd ${fd}`, fd }, (b) =>
    b.nsIoctl(fd, op),
  );
}

/** NS_GET_NSTYPE: the CLONE_NEW* type of the namespace behind an nsfs fd (Linux 4.11). */
export function nsGetType(fd: number): number {
  return nsIoctl('nsGetType', fd, NS_GET_NSTYPE);
}

/**
 * NS_GET_USERNS: a NEW fd for the user namespace owning the namespace behind `fd` (Linux 4.9).
 * **The caller must close it.** EPERM when the owner is outside the caller's user namespace.
 */
export function nsGetUserns(fd: number): number {
  return nsIoctl('nsGetUserns', fd, NS_GET_USERNS);
}

/**
 * NS_GET_PARENT: a NEW fd for the parent of a PID or user namespace (Linux 4.9).
 * **The caller must close it.** EPERM at the top of the caller's view; EINVAL for other types.
 */
export function nsGetParent(fd: number): number {
  return nsIoctl('nsGetParent', fd, NS_GET_PARENT);
}

/** NS_GET_OWNER_UID: the uid that created a USER namespace (Linux 4.11); EINVAL for other types. */
export function nsGetOwnerUid(fd: number): number {
  return nsIoctl('nsGetOwnerUid', fd, NS_GET_OWNER_UID);
}

/**
 * uname() inside UTS namespace `ns` (an nsfs fd or path), on a throw-away native thread.
 * @throws NativeError GW_ERR_NS_OPEN_FAILED, GW_ERR_NS_SETNS_FAILED (EPERM, EINVAL if not UTS).
 */
export function utsNamesIn(ns: number | string): UtsNames {
  return callInNamespace('utsNamesIn', ns, (b, fd) => b.utsNamesIn(fd));
}
