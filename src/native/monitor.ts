// SPDX-License-Identifier: MIT
/**
 * @module native/monitor
 *
 * The syscalls of the RTNETLINK change monitor (`src/network/monitor/`): joining multicast
 * groups on a netlink socket kept open, and draining queued notifications from many such
 * sockets in one non-blocking call (poll(2) with timeout 0, then recv(MSG_DONTWAIT)). No
 * namespace is switched here: the sockets were opened inside their netns by `openSocketsIn`.
 */
import type { NativeError } from '../errors.js';
import { call, convert } from './convert.js';
import { argError, checkFd, checkInt, INT32_MAX } from './validate.js';

/** Largest `maxBytes` per fd and drain. */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

/** What one drain read from one socket. */
export interface Drained {
  /** The datagrams, in arrival order (each holds whole netlink messages). */
  readonly datagrams: Buffer[];
  /**
   * The recv failure that ended the drain: `sysCode` ENOBUFS = the socket overran and
   * notifications were lost (the caller must re-read the state); EMSGSIZE = a datagram was cut.
   */
  readonly error?: NativeError;
}

/**
 * setsockopt NETLINK_ADD_MEMBERSHIP for each group (RTNLGRP_* numbers, `linux/rtnetlink.h`).
 * @throws NativeError GW_ERR_NETLINK_SOCKET (EINVAL: unknown group, EPERM), GW_ERR_NATIVE_ARGUMENT.
 */
export function netlinkJoinGroups(fd: number, groups: readonly number[]): void {
  const fn = 'netlinkJoinGroups';
  checkFd(fn, 'fd', fd);
  if (!Array.isArray(groups)) throw argError(fn, 'groups', groups, 'an array');
  for (const g of groups) checkInt(fn, 'groups', g, 1, INT32_MAX);
  call('GW_ERR_NETLINK_SOCKET', `${fn}(fd ${fd})`, { op: fn, fd, groups }, (b) =>
    b.netlinkJoinGroups(fd, [...groups]),
  );
}

/**
 * Drains queued datagrams from `fds` without blocking: per fd `null` (nothing queued) or
 * {@link Drained}. At most `maxBytes` are read per fd (the rest stays queued for the next call).
 * @throws NativeError GW_ERR_NATIVE_SYSCALL (poll failed), GW_ERR_NATIVE_ARGUMENT.
 */
export function netlinkDrain(
  fds: readonly number[],
  maxBytes = 4 * 1024 * 1024,
): Array<Drained | null> {
  const fn = 'netlinkDrain';
  if (!Array.isArray(fds)) throw argError(fn, 'fds', fds, 'an array');
  for (const fd of fds) checkFd(fn, 'fds', fd);
  checkInt(fn, 'maxBytes', maxBytes, 1, DRAIN_MAX_BYTES);
  const raw = call('GW_ERR_NATIVE_SYSCALL', fn, { op: fn }, (b) =>
    b.netlinkDrain([...fds], maxBytes),
  );
  return raw.map((item, i) => {
    if (item === null) return null;
    if (item.error === undefined) return { datagrams: item.datagrams };
    return {
      datagrams: item.datagrams,
      error: convert(item.error, 'GW_ERR_NETLINK_SOCKET', `${fn}(fd ${fds[i]})`, {
        op: 'recv',
        fd: fds[i],
      }),
    };
  });
}
