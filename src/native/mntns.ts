// SPDX-License-Identifier: MIT
/**
 * @module native/mntns
 *
 * A view into another mount namespace without a helper process (ABI 4): a throw-away native
 * thread does `unshare(CLONE_FS)` + `setns(fd, CLONE_NEWNS)`, opens that namespace's `/` as an
 * O_PATH directory fd and (optionally) reads its own `/proc/thread-self/mountinfo`, then exits.
 * Paths below `/proc/self/fd/<rootFd>/` are then looked up in that namespace's mount tree from
 * any thread, as `/proc/PID/root/` is for a process inside it.
 */
import { callInNamespace } from './batch.js';

/** Result of {@link mountNsRoot}. */
export interface MountNsRoot {
  /** O_PATH|O_DIRECTORY|O_CLOEXEC fd of the namespace's root directory; **caller closes**. */
  readonly rootFd: number;
  /** `/proc/thread-self/mountinfo` as seen inside the namespace (only if asked for). */
  readonly mountinfo?: Buffer;
}

/**
 * Enters the mount namespace `ns` (an open nsfs fd or a path to one) on a throw-away thread
 * and returns an fd of its root directory, plus its mountinfo when `withMountinfo`.
 * Needs CAP_SYS_ADMIN and CAP_SYS_CHROOT (setns(2) into a mount namespace).
 * @throws NativeError GW_ERR_NS_SETNS_FAILED (setns refused), GW_ERR_NS_OPEN_FAILED (path),
 *   GW_ERR_NATIVE_SYSCALL (unshare, open, read), GW_ERR_NATIVE_ARGUMENT.
 */
export function mountNsRoot(ns: number | string, withMountinfo: boolean): MountNsRoot {
  return callInNamespace('mountNsRoot', ns, (b, fd) => b.mountNsRoot(fd, withMountinfo === true));
}
