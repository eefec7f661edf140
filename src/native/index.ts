// SPDX-License-Identifier: MIT
/**
 * @module native
 *
 * Validated, typed wrappers around the C addon: the only module other layers import to reach
 * system calls that Node lacks (setns on throw-away threads, netlink transport off the JS
 * thread, nsfs ioctls, openat2 RESOLVE_IN_ROOT, pidfds). Arguments are checked here first
 * (`GW_ERR_NATIVE_ARGUMENT`); every raw addon error becomes a {@link NativeError} with a
 * registered code, `errno`, `syscall`, `sysCode` ('EPERM') and the raw error as `cause`.
 * Namespace context goes into `details` (`op`, `ref`, `nsType`, `fd`, `path`).
 *
 * All fds returned are O_CLOEXEC and owned by the caller, who must close them
 * (`fs.closeSync`). See docs/native.md for the thread/namespace invariants.
 */
import { getNativeBinding } from './load.js';

export * from './constants.js';
export { findPackageRoot } from './load.js';
export type { NsRef } from './validate.js';
export { openFilesInNetns, readFileInRoot, type FileInRoot } from './files.js';
export {
  netlinkTransact,
  type NetlinkJob,
  type NetlinkReply,
  type NetlinkTransactOptions,
} from './netlink.js';
export {
  nsGetOwnerUid,
  nsGetParent,
  nsGetType,
  nsGetUserns,
  utsNamesIn,
  type UtsNames,
} from './nsfs.js';
export { addressBytes, recvFrom, sendTo, type Datagram } from './icmp.js';
export { mountNsRoot, type MountNsRoot } from './mntns.js';
export { DRAIN_MAX_BYTES, netlinkDrain, netlinkJoinGroups, type Drained } from './monitor.js';
export { gettid, pidfdGetfd, pidfdOpen } from './process.js';
export { getsockoptBuffer } from './sockopt.js';
export {
  EMBEDDED_SQLITE_KEY,
  SQLITE_ADDON_ENV,
  loadSqliteAddon,
  type SqliteAddonLoad,
} from './sqlite-addon.js';
export {
  ethtoolIoctl,
  openSocketIn,
  openSocketsIn,
  socketNetns,
  tunDeviceNetns,
} from './sockets.js';

/**
 * True when the addon can be loaded (loads it on first call). Never throws.
 */
export function isNativeAvailable(): boolean {
  try {
    getNativeBinding();
    return true;
  } catch {
    // A load failure is the answer here (false), not an error; loadNativeBinding() tells why.
    return false;
  }
}
