// SPDX-License-Identifier: MIT
/**
 * @module native/sockopt
 *
 * getsockopt(2) with a caller-provided in/out Buffer, for the iptables-legacy GET calls
 * (`IPT_SO_GET_INFO`, `IPT_SO_GET_ENTRIES`, `IP6T_SO_GET_*`; native/xtables.c) on a raw socket
 * opened inside a netns with `openSocketsIn`: x_tables answers for the socket's netns, so no
 * namespace is switched here.
 */
import { call } from './convert.js';
import { argError, checkFd } from './validate.js';

/**
 * getsockopt(fd, level, optname) with `buf` as value (filled **in place**); returns the
 * kernel's optlen.
 * @throws NativeError GW_ERR_NATIVE_SYSCALL (sysCode ENOENT: no such table, ENOPROTOOPT: module
 *   missing, EPERM, EAGAIN: table changed between INFO and ENTRIES), GW_ERR_NATIVE_ARGUMENT.
 */
export function getsockoptBuffer(fd: number, level: number, optname: number, buf: Buffer): number {
  const fn = 'getsockoptBuffer';
  checkFd(fn, 'fd', fd);
  if (!Number.isInteger(level) || level < 0) throw argError(fn, 'level', level, 'an integer >= 0');
  if (!Number.isInteger(optname) || optname < 0)
    throw argError(fn, 'optname', optname, 'an integer >= 0');
  if (!Buffer.isBuffer(buf)) throw argError(fn, 'buf', buf, 'a Buffer');
  return call('GW_ERR_NATIVE_SYSCALL', `${fn}(${level}, ${optname})`, { op: fn, fd }, (b) =>
    b.getsockoptBuffer(fd, level, optname, buf),
  );
}
