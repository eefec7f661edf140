// SPDX-License-Identifier: MIT
/**
 * @module native/sockets
 *
 * Sockets opened inside a network namespace ({@link openSocketIn}, the batch form
 * {@link openSocketsIn}) and the ioctls on sockets and TUN/TAP fds that Node lacks.
 */
import type { ErrorCode, NativeError } from '../errors.js';
import type { NativeSystemError } from './binding.js';
import { inEachNamespace, withNsFd } from './batch.js';
import { AF_NETLINK } from './constants.js';
import { call, convert, setnsOr } from './convert.js';
import { getNativeBinding } from './load.js';
import {
  argError,
  checkFd,
  checkInt,
  checkNsRef,
  checkString,
  INT32_MAX,
  refName,
  type NsRef,
} from './validate.js';

function socketErrorCode(family: number): (e: unknown) => ErrorCode {
  return setnsOr(family === AF_NETLINK ? 'GW_ERR_NETLINK_SOCKET' : 'GW_ERR_NATIVE_SYSCALL');
}

/**
 * Opens `socket(family, type | SOCK_CLOEXEC, protocol)` inside network namespace `ns`, on a
 * throw-away native thread (`ns === null`: in the current one, no thread). AF_NETLINK sockets
 * come bound, with NETLINK_GET_STRICT_CHK, NETLINK_EXT_ACK and a large SO_RCVBUF (best effort).
 * @returns a new fd; **the caller must close it**.
 * @throws NativeError GW_ERR_NS_OPEN_FAILED (path), GW_ERR_NS_SETNS_FAILED (setns: EPERM,
 *   EINVAL for a non-netns fd), GW_ERR_NETLINK_SOCKET / GW_ERR_NATIVE_SYSCALL (socket/bind).
 */
export function openSocketIn(ns: NsRef, family: number, type: number, protocol: number): number {
  const fn = 'openSocketIn';
  const ref = checkNsRef(fn, ns, true);
  checkInt(fn, 'family', family, 0, INT32_MAX);
  checkInt(fn, 'type', type, 0, INT32_MAX);
  checkInt(fn, 'protocol', protocol, 0, INT32_MAX);
  const what = `${fn}(${refName(ref)})`;
  const details = { op: 'openSocketIn', ref: refName(ref), family, type, protocol };
  if (ref === null)
    return call(socketErrorCode(family), what, details, (b) =>
      b.openSocketIn(-1, family, type, protocol),
    );
  return withNsFd(fn, ref, (fd) =>
    call(socketErrorCode(family), what, details, (b) => b.openSocketIn(fd, family, type, protocol)),
  );
}

/**
 * Batch form of {@link openSocketIn}: ONE throw-away thread enters each namespace in turn.
 * Never throws for one item: each item yields an fd (**caller closes**) or a NativeError.
 * Paths are opened (and closed) around the call; `null` = the current namespace.
 * @throws NativeError GW_ERR_NATIVE_ARGUMENT, or GW_ERR_NATIVE_SYSCALL if no thread could start.
 */
export function openSocketsIn(
  nsRefs: readonly NsRef[],
  family: number,
  type: number,
  protocol: number,
): Array<number | NativeError> {
  const fn = 'openSocketsIn';
  if (!Array.isArray(nsRefs)) throw argError(fn, 'nsRefs', nsRefs, 'an array');
  const refs = nsRefs.map((r) => checkNsRef(fn, r, true));
  checkInt(fn, 'family', family, 0, INT32_MAX);
  checkInt(fn, 'type', type, 0, INT32_MAX);
  checkInt(fn, 'protocol', protocol, 0, INT32_MAX);
  const b = getNativeBinding();
  const code = socketErrorCode(family);
  return inEachNamespace<number | NativeSystemError, number | NativeError>(refs, {
    fn,
    native: (fds) => b.openSocketsIn(fds, family, type, protocol),
    fromRaw: (item, ref) =>
      typeof item === 'number'
        ? item
        : convert(item, code(item), `${fn}(${refName(ref)})`, {
            op: 'openSocketIn',
            ref: refName(ref),
            family,
            type,
            protocol,
          }),
    failed: (err) => err,
  });
}

/**
 * ioctl SIOCGSKNS (`<linux/sockios.h>`, Linux 4.9): a NEW nsfs fd of the network namespace a
 * socket lives in (needs CAP_NET_ADMIN over it). **The caller must close it.**
 */
export function socketNetns(sockFd: number): number {
  checkFd('socketNetns', 'sockFd', sockFd);
  return call(
    'GW_ERR_NATIVE_SYSCALL',
    `socketNetns(fd ${sockFd})`,
    { op: 'socketNetns', fd: sockFd },
    (b) => b.socketNetns(sockFd),
  );
}

/**
 * ioctl TUNGETDEVNETNS (`<linux/if_tun.h>`, Linux 5.2): a NEW nsfs fd of the network namespace
 * of the TUN/TAP device attached to `tunFd` (needs CAP_NET_ADMIN). **The caller must close it.**
 */
export function tunDeviceNetns(tunFd: number): number {
  checkFd('tunDeviceNetns', 'tunFd', tunFd);
  return call(
    'GW_ERR_NATIVE_SYSCALL',
    `tunDeviceNetns(fd ${tunFd})`,
    { op: 'tunDeviceNetns', fd: tunFd },
    (b) => b.tunDeviceNetns(tunFd),
  );
}

/**
 * ioctl SIOCETHTOOL (`<linux/ethtool.h>`) for `ifName` on `fd` (any AF_INET/SOCK_DGRAM socket
 * of the netns). `cmd` is a struct ethtool_* image starting with the u32 command; it is filled
 * **in place** and returned. Size it for the command (e.g. 196 bytes for ETHTOOL_GDRVINFO).
 */
export function ethtoolIoctl(fd: number, ifName: string, cmd: Buffer): Buffer {
  const fn = 'ethtoolIoctl';
  checkFd(fn, 'fd', fd);
  checkString(fn, 'ifName', ifName);
  if (Buffer.byteLength(ifName) >= 16)
    throw argError(fn, 'ifName', ifName, 'at most 15 bytes (IFNAMSIZ - 1)');
  if (!Buffer.isBuffer(cmd) || cmd.length < 4)
    throw argError(fn, 'cmd', cmd, 'a Buffer of at least 4 bytes');
  return call('GW_ERR_NATIVE_SYSCALL', `${fn}(${ifName})`, { op: fn, ifName, fd }, (b) =>
    b.ethtoolIoctl(fd, ifName, cmd),
  );
}
