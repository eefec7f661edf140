// SPDX-License-Identifier: MIT
/**
 * @module native/constants
 *
 * Kernel constants the native wrappers take or return, spelled as in the uapi headers:
 * address families and socket types (`<linux/socket.h>`, `<asm-generic/socket.h>`,
 * `<bits/socket_type.h>`), netlink protocols (`<linux/netlink.h>`), nsfs ioctls
 * (`<linux/nsfs.h>`, `_IO(0xb7, n)`) and namespace types (`<linux/sched.h>` CLONE_NEW*).
 */

/** Address families (`<linux/socket.h>`). */
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;

/** Socket types (`<bits/socket_type.h>`); SOCK_CLOEXEC is always added by the addon. */
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;

/** Netlink protocols (`<linux/netlink.h>`). */
export const NETLINK_ROUTE = 0;
export const NETLINK_SOCK_DIAG = 4;
export const NETLINK_NETFILTER = 12;

/** nsfs ioctls (`<linux/nsfs.h>`): `_IO(NSIO = 0xb7, n)`. */
export const NS_GET_USERNS = 0xb701;
export const NS_GET_PARENT = 0xb702;
export const NS_GET_NSTYPE = 0xb703;
export const NS_GET_OWNER_UID = 0xb704;

/** Namespace types as returned by NS_GET_NSTYPE (`<linux/sched.h>`). */
export const CLONE_NEWTIME = 0x00000080;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;

/** Largest `maxBytes` accepted by `readFileInRoot` (the addon's own cap is higher). */
export const READ_IN_ROOT_MAX_BYTES = 64 * 1024 * 1024;

/** Bounds of `netlinkTransact` options. */
export const NETLINK_MAX_PARALLELISM = 16;
export const NETLINK_DEFAULT_PARALLELISM = 4;
export const NETLINK_DEFAULT_TIMEOUT_MS = 5_000;
export const NETLINK_MAX_TIMEOUT_MS = 600_000;

/** `abiVersion` the wrappers were written for (`GW_ABI_VERSION` in native/addon.h). */
export const NATIVE_ABI_VERSION = 5;
