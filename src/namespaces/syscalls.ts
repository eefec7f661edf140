// SPDX-License-Identifier: MIT
/**
 * @module namespaces/syscalls
 *
 * The few system calls namespace discovery needs beyond plain file reads, as an injectable
 * interface: nsfs ioctls (`<linux/nsfs.h>`: NS_GET_USERNS 0xb701, NS_GET_PARENT 0xb702,
 * NS_GET_OWNER_UID 0xb704), pidfd_open(2)/pidfd_getfd(2) and SIOCGSKNS (0x894c,
 * `<linux/sockios.h>`). The default implementation is the C addon (`src/native`); unit tests
 * pass fakes. Every returned fd is owned by the caller and must be closed.
 */
import type { NsType } from '../model/namespace.js';
import {
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWTIME,
  CLONE_NEWUSER,
  CLONE_NEWUTS,
  isNativeAvailable,
  nsGetOwnerUid,
  nsGetParent,
  nsGetType,
  nsGetUserns,
  pidfdGetfd,
  pidfdOpen,
  socketNetns,
} from '../native/index.js';

/** The namespace type of a CLONE_NEW* flag (what NS_GET_NSTYPE returns), per NS_TYPES name. */
const TYPE_OF_CLONE_FLAG: ReadonlyMap<number, NsType> = new Map<number, NsType>([
  [CLONE_NEWNS, 'mnt'],
  [CLONE_NEWCGROUP, 'cgroup'],
  [CLONE_NEWUTS, 'uts'],
  [CLONE_NEWIPC, 'ipc'],
  [CLONE_NEWUSER, 'user'],
  [CLONE_NEWPID, 'pid'],
  [CLONE_NEWNET, 'net'],
  [CLONE_NEWTIME, 'time'],
]);

/** The namespace type named by a CLONE_NEW* flag (`<linux/sched.h>`); undefined for others. */
export function nsTypeOfCloneFlag(flag: number): NsType | undefined {
  return TYPE_OF_CLONE_FLAG.get(flag);
}

/** System calls used by discovery. Failures throw errors with a system `code` (EPERM, …). */
export interface NsSyscalls {
  /** NS_GET_USERNS on an nsfs fd → new fd of the owning user namespace. */
  getUserns(fd: number): number;
  /** NS_GET_PARENT on a user/pid namespace fd → new fd of the parent; EPERM at the top. */
  getParent(fd: number): number;
  /** NS_GET_NSTYPE on an nsfs fd → CLONE_NEW* flag of its type. */
  getNsType(fd: number): number;
  /** NS_GET_OWNER_UID on a user namespace fd → creator UID. */
  getOwnerUid(fd: number): number;
  /** pidfd_open(pid, 0) → new pidfd. */
  pidfdOpen(pid: number): number;
  /** pidfd_getfd(pidfd, targetFd, 0) → new fd duplicated from the target process. */
  pidfdGetfd(pidfd: number, targetFd: number): number;
  /** ioctl(sockFd, SIOCGSKNS) → new nsfs fd of the socket's network namespace. */
  socketNetns(sockFd: number): number;
}

/** The syscalls backed by the C addon (`src/native`). Check {@link isNativeAvailable} first. */
export const NATIVE_SYSCALLS: NsSyscalls = {
  getUserns: nsGetUserns,
  getParent: nsGetParent,
  getNsType: nsGetType,
  getOwnerUid: nsGetOwnerUid,
  pidfdOpen,
  pidfdGetfd,
  socketNetns,
};

export { isNativeAvailable };
