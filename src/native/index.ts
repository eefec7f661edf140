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
import { closeSync, openSync } from 'node:fs';

import { type ErrorCode, errorCode, errorErrno, errorMessage, NativeError } from '../errors.js';
import type { NativeBinding, NativeSystemError } from './binding.js';
import {
  AF_NETLINK,
  NETLINK_DEFAULT_PARALLELISM,
  NETLINK_DEFAULT_TIMEOUT_MS,
  NETLINK_MAX_PARALLELISM,
  NETLINK_MAX_TIMEOUT_MS,
  NS_GET_NSTYPE,
  NS_GET_OWNER_UID,
  NS_GET_PARENT,
  NS_GET_USERNS,
  READ_IN_ROOT_MAX_BYTES,
} from './constants.js';
import { getNativeBinding } from './load.js';

export * from './constants.js';
export {
  candidatePaths,
  findPackageRoot,
  loadNativeBinding,
  NATIVE_BINDING_ENV,
  type LoadAttempt,
  type LoadOptions,
} from './load.js';

/** A namespace reference: an open nsfs fd, an nsfs path (`/proc/PID/ns/net`, `/run/netns/x`), or null = current. */
export type NsRef = number | string | null;

/** One netlink job: requests sent in order over one socket fd (see {@link netlinkTransact}). */
export interface NetlinkJob {
  /** A netlink socket fd (from {@link openSocketIn}); at most one job per fd per call. */
  readonly fd: number;
  /** Complete netlink messages (nlmsghdr included, ≥ 16 bytes), one send() each. */
  readonly requests: readonly Buffer[];
}

/**
 * Reply to one request: the messages of the request's seq, concatenated (4-byte aligned), up to
 * and including NLMSG_DONE / NLMSG_ERROR or the first non-multipart message. `error` is set for
 * socket-level failures only (ENOBUFS, ETIMEDOUT, …; code GW_ERR_NETLINK_SOCKET); NLMSG_ERROR
 * replies are data for the codec.
 */
export interface NetlinkReply {
  readonly data: Buffer;
  readonly dumpInterrupted: boolean;
  readonly error?: NativeError;
}

/** Options of {@link netlinkTransact}. */
export interface NetlinkTransactOptions {
  /** Native worker threads, 1..16 (default 4). Jobs run in parallel, requests of a job in order. */
  readonly parallelism?: number;
  /** Bound of each recv wait in ms, 1..600000 (default 5000); expiry yields ETIMEDOUT. */
  readonly timeoutMs?: number;
}

/** Result of {@link readFileInRoot}. */
export interface FileInRoot {
  /** At most maxBytes bytes from the start of the file. */
  readonly data: Buffer;
  /** True when the file holds more than maxBytes bytes. */
  readonly truncated: boolean;
}

/** Names of a UTS namespace. */
export interface UtsNames {
  readonly nodename: string;
  readonly domainname: string;
}

// ------------------------------------------------------------------------------------------
// validation and error conversion

function argError(fn: string, name: string, value: unknown, expected: string): NativeError {
  let shown: string;
  try {
    shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    shown = typeof value;
  }
  return new NativeError(
    'GW_ERR_NATIVE_ARGUMENT',
    `${fn}: invalid ${name} ${shown}: expected ${expected}`,
    {
      details: { function: fn, argument: name },
    },
  );
}

function checkInt(fn: string, name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw argError(fn, name, v, `an integer in ${min}..${max}`);
  }
  return v;
}

const INT32_MAX = 0x7fffffff;
const checkFd = (fn: string, name: string, v: unknown): number =>
  checkInt(fn, name, v, 0, INT32_MAX);

function checkString(fn: string, name: string, v: unknown, allowEmpty = false): string {
  if (typeof v !== 'string' || v.includes('\0') || (!allowEmpty && v === '')) {
    throw argError(
      fn,
      name,
      v,
      allowEmpty ? 'a string without NUL' : 'a non-empty string without NUL',
    );
  }
  return v;
}

function checkNsRef(fn: string, ns: unknown, allowNull: boolean): NsRef {
  if (ns === null && allowNull) return null;
  if (typeof ns === 'string') return checkString(fn, 'ns', ns);
  if (typeof ns === 'number') return checkFd(fn, 'ns', ns);
  throw argError(
    fn,
    'ns',
    ns,
    allowNull ? 'an nsfs fd, an nsfs path or null' : 'an nsfs fd or an nsfs path',
  );
}

function isRawError(e: unknown): e is NativeSystemError {
  return e instanceof Error && typeof (e as Partial<NativeSystemError>).syscall === 'string';
}

/** Human-readable name of a namespace reference for messages and `details.ref`. */
function refName(ns: NsRef): string {
  if (ns === null) return 'current';
  return typeof ns === 'string' ? ns : `fd ${ns}`;
}

/**
 * Converts a raw addon error (or anything thrown) into a NativeError with the given code.
 * Raw argument errors (they carry `argument`) always become GW_ERR_NATIVE_ARGUMENT.
 */
function convert(
  e: unknown,
  code: ErrorCode,
  what: string,
  details: Record<string, unknown> = {},
): NativeError {
  if (e instanceof NativeError) return e;
  const raw = isRawError(e) ? e : undefined;
  const argument = raw?.argument;
  const errno = errorErrno(e);
  const fields: Record<string, unknown> = { ...details };
  if (raw !== undefined) {
    for (const k of ['path', 'root', 'ifName', 'nsType', 'fd'] as const) {
      const v = (raw as unknown as Record<string, unknown>)[k];
      if (v !== undefined && fields[k] === undefined) fields[k] = v;
    }
  }
  return new NativeError(
    typeof argument === 'string' ? 'GW_ERR_NATIVE_ARGUMENT' : code,
    `${what}: ${errorMessage(e)}`,
    {
      ...(errno !== undefined ? { errno: Math.abs(errno) } : {}),
      ...(raw !== undefined ? { syscall: raw.syscall } : {}),
      ...(errorCode(e) !== undefined ? { sysCode: errorCode(e) } : {}),
      cause: e,
      details: fields,
    },
  );
}

/** Calls the addon, converting anything it throws. */
function call<T>(
  code: ErrorCode | ((e: unknown) => ErrorCode),
  what: string,
  details: Record<string, unknown>,
  fn: (b: NativeBinding) => T,
): T {
  const b = getNativeBinding();
  try {
    return fn(b);
  } catch (e: unknown) {
    throw convert(e, typeof code === 'function' ? code(e) : code, what, details);
  }
}

/** Opens an nsfs path read-only (O_CLOEXEC, as libuv always adds it). */
function openNsPath(fn: string, path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e: unknown) {
    throw convert(e, 'GW_ERR_NS_OPEN_FAILED', `${fn}: cannot open ${path}`, {
      op: 'open',
      ref: path,
      path,
    });
  }
}

/** Runs `use` with an nsfs fd for `ns`; a path is opened and closed around it. */
function withNsFd<T>(fn: string, ns: number | string, use: (fd: number) => T): T {
  if (typeof ns === 'number') return use(ns);
  const fd = openNsPath(fn, ns);
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

function socketErrorCode(family: number): (e: unknown) => ErrorCode {
  return (e) =>
    isRawError(e) && e.syscall === 'setns'
      ? 'GW_ERR_NS_SETNS_FAILED'
      : family === AF_NETLINK
        ? 'GW_ERR_NETLINK_SOCKET'
        : 'GW_ERR_NATIVE_SYSCALL';
}

// ------------------------------------------------------------------------------------------
// public wrappers

/**
 * True when the addon can be loaded (loads it on first call). Never throws.
 */
export function isNativeAvailable(): boolean {
  try {
    getNativeBinding();
    return true;
  } catch {
    return false;
  }
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

  const results: Array<number | NativeError | undefined> = new Array<
    number | NativeError | undefined
  >(refs.length);
  const opened: number[] = [];
  const fds: number[] = [];
  const index: number[] = []; // fds[k] belongs to refs[index[k]]
  try {
    refs.forEach((r, i) => {
      if (typeof r === 'string') {
        try {
          const fd = openNsPath(fn, r);
          opened.push(fd);
          fds.push(fd);
          index.push(i);
        } catch (e: unknown) {
          results[i] =
            e instanceof NativeError ? e : convert(e, 'GW_ERR_NS_OPEN_FAILED', `${fn}(${r})`);
        }
      } else {
        fds.push(r ?? -1);
        index.push(i);
      }
    });
    let raw: Array<number | NativeSystemError>;
    try {
      raw = fds.length === 0 ? [] : b.openSocketsIn(fds, family, type, protocol);
    } catch (e: unknown) {
      throw convert(e, 'GW_ERR_NATIVE_SYSCALL', fn, { op: fn });
    }
    raw.forEach((item, k) => {
      const i = index[k] ?? -1;
      const ref = refs[i] ?? null;
      results[i] =
        typeof item === 'number'
          ? item
          : convert(item, socketErrorCode(family)(item), `${fn}(${refName(ref)})`, {
              op: 'openSocketIn',
              ref: refName(ref),
              family,
              type,
              protocol,
            });
    });
  } finally {
    for (const fd of opened) closeSync(fd);
  }
  return results.map(
    (r, i) =>
      r ??
      convert(
        new Error('no result'),
        'GW_ERR_NATIVE_SYSCALL',
        `${fn}(${refName(refs[i] ?? null)})`,
      ),
  );
}

/**
 * Sends netlink requests and collects their replies off the JS thread. Jobs are spread over up
 * to `parallelism` native threads; the requests of one job run in order on one thread. Each
 * job's fd must appear in one job only.
 * @returns one NetlinkReply[] per job, in job order (per-request socket errors in `error`).
 * @throws (rejects) NativeError GW_ERR_NATIVE_ARGUMENT, GW_ERR_NATIVE_SYSCALL.
 */
export function netlinkTransact(
  jobs: readonly NetlinkJob[],
  options: NetlinkTransactOptions = {},
): Promise<NetlinkReply[][]> {
  const fn = 'netlinkTransact';
  try {
    if (!Array.isArray(jobs)) throw argError(fn, 'jobs', jobs, 'an array');
    const parallelism = checkInt(
      fn,
      'parallelism',
      options.parallelism ?? NETLINK_DEFAULT_PARALLELISM,
      1,
      NETLINK_MAX_PARALLELISM,
    );
    const timeoutMs = checkInt(
      fn,
      'timeoutMs',
      options.timeoutMs ?? NETLINK_DEFAULT_TIMEOUT_MS,
      1,
      NETLINK_MAX_TIMEOUT_MS,
    );
    const seen = new Set<number>();
    const rawJobs = jobs.map((j, i) => {
      if (typeof j !== 'object' || j === null) throw argError(fn, `jobs[${i}]`, j, 'an object');
      const fd = checkFd(fn, `jobs[${i}].fd`, j.fd);
      if (seen.has(fd)) throw argError(fn, `jobs[${i}].fd`, fd, 'an fd not used by another job');
      seen.add(fd);
      const reqs: unknown = j.requests;
      if (!Array.isArray(reqs))
        throw argError(fn, `jobs[${i}].requests`, reqs, 'an array of Buffers');
      const requests = (reqs as unknown[]).map((r: unknown, k: number): Buffer => {
        if (!Buffer.isBuffer(r) || r.length < 16) {
          throw argError(
            fn,
            `jobs[${i}].requests[${k}]`,
            Buffer.isBuffer(r) ? `${r.length} bytes` : r,
            'a Buffer of at least 16 bytes (nlmsghdr)',
          );
        }
        return r;
      });
      return { fd, requests };
    });
    const b = getNativeBinding();
    return new Promise<NetlinkReply[][]>((resolvePromise, reject) => {
      try {
        b.netlinkTransact(rawJobs, parallelism, timeoutMs, (err, replies) => {
          if (err !== null) {
            reject(convert(err, 'GW_ERR_NATIVE_SYSCALL', fn, { op: fn }));
            return;
          }
          resolvePromise(
            replies.map((perJob, i) =>
              perJob.map((r, k): NetlinkReply => {
                if (r.error === undefined)
                  return { data: r.data, dumpInterrupted: r.dumpInterrupted };
                return {
                  data: r.data,
                  dumpInterrupted: r.dumpInterrupted,
                  error: convert(
                    r.error,
                    'GW_ERR_NETLINK_SOCKET',
                    `${fn}(fd ${rawJobs[i]?.fd ?? '?'}, request ${k})`,
                    {
                      op: fn,
                      fd: rawJobs[i]?.fd,
                      request: k,
                    },
                  ),
                };
              }),
            ),
          );
        });
      } catch (e: unknown) {
        reject(convert(e, 'GW_ERR_NATIVE_SYSCALL', fn, { op: fn }));
      }
    });
  } catch (e: unknown) {
    return Promise.reject(e instanceof NativeError ? e : convert(e, 'GW_ERR_NATIVE_SYSCALL', fn));
  }
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
 * Reads a regular file below `root` (e.g. `/proc/PID/root`) with openat2 RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS: absolute and `..` symlinks resolve inside `root`, never outside.
 * FIFOs, devices and directories are refused without blocking.
 * @throws NativeError GW_ERR_FILE_NOT_REGULAR (sysCode 'EFTYPE'), GW_ERR_FILE_IN_ROOT (ENOENT,
 *   EACCES, ELOOP, EXDEV, …), GW_ERR_NATIVE_ARGUMENT.
 */
export function readFileInRoot(root: string, rel: string, maxBytes: number): FileInRoot {
  const fn = 'readFileInRoot';
  checkString(fn, 'root', root);
  checkString(fn, 'rel', rel);
  checkInt(fn, 'maxBytes', maxBytes, 0, READ_IN_ROOT_MAX_BYTES);
  return call(
    (e) => (errorCode(e) === 'EFTYPE' ? 'GW_ERR_FILE_NOT_REGULAR' : 'GW_ERR_FILE_IN_ROOT'),
    `${fn}(${root}, ${rel})`,
    { op: fn, root, path: rel },
    (b) => b.readFileInRoot(root, rel, maxBytes),
  );
}

/** pidfd_open(pid, 0) (Linux 5.3): a NEW pidfd. **The caller must close it.** */
export function pidfdOpen(pid: number): number {
  checkInt('pidfdOpen', 'pid', pid, 1, INT32_MAX);
  return call('GW_ERR_NATIVE_SYSCALL', `pidfdOpen(${pid})`, { op: 'pidfdOpen', pid }, (b) =>
    b.pidfdOpen(pid),
  );
}

/**
 * pidfd_getfd(pidfd, targetFd, 0) (Linux 5.6): duplicates fd `targetFd` of the process behind
 * `pidfd` (needs PTRACE_MODE_ATTACH_REALCREDS). **The caller must close the new fd.**
 */
export function pidfdGetfd(pidfd: number, targetFd: number): number {
  checkFd('pidfdGetfd', 'pidfd', pidfd);
  checkFd('pidfdGetfd', 'targetFd', targetFd);
  return call(
    'GW_ERR_NATIVE_SYSCALL',
    `pidfdGetfd(${pidfd}, ${targetFd})`,
    { op: 'pidfdGetfd', pidfd, targetFd },
    (b) => b.pidfdGetfd(pidfd, targetFd),
  );
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

/**
 * uname() inside UTS namespace `ns` (an nsfs fd or path), on a throw-away native thread.
 * @throws NativeError GW_ERR_NS_OPEN_FAILED, GW_ERR_NS_SETNS_FAILED (EPERM, EINVAL if not UTS).
 */
export function utsNamesIn(ns: number | string): UtsNames {
  const fn = 'utsNamesIn';
  const ref = checkNsRef(fn, ns, false) as number | string;
  return withNsFd(fn, ref, (fd) =>
    call(
      (e) =>
        isRawError(e) && e.syscall === 'setns' ? 'GW_ERR_NS_SETNS_FAILED' : 'GW_ERR_NATIVE_SYSCALL',
      `${fn}(${refName(ref)})`,
      { op: fn, ref: refName(ref) },
      (b) => b.utsNamesIn(fd),
    ),
  );
}

/** gettid() of the calling (JS) thread. */
export function gettid(): number {
  return call('GW_ERR_NATIVE_SYSCALL', 'gettid', {}, (b) => b.gettid());
}

/**
 * Opens every path in `paths` (absolute) from inside each network namespace of `nsRefs`: one
 * throw-away native thread enters the namespaces in turn (`null` = the current netns: opened
 * on the JS thread, no setns). Made for per-netns procfs files, e.g.
 * `/proc/thread-self/net/sockstat`: such an fd keeps showing the netns it was opened in, also
 * a netns no process is in. Never throws for one item: per ref, one fd (**caller closes**) or
 * NativeError per path (GW_ERR_NS_OPEN_FAILED for a ref path, GW_ERR_NS_SETNS_FAILED,
 * GW_ERR_NATIVE_SYSCALL for the open).
 * @throws NativeError GW_ERR_NATIVE_ARGUMENT; GW_ERR_NATIVE_LOAD when the loaded addon predates
 *   this function (rebuild it: `npm run build:native`); GW_ERR_NATIVE_SYSCALL if no thread starts.
 */
export function openFilesInNetns(
  nsRefs: readonly NsRef[],
  paths: readonly string[],
): Array<Array<number | NativeError>> {
  const fn = 'openFilesInNetns';
  if (!Array.isArray(nsRefs)) throw argError(fn, 'nsRefs', nsRefs, 'an array');
  if (!Array.isArray(paths) || paths.length === 0 || paths.length > 64)
    throw argError(fn, 'paths', paths, 'an array of 1..64 absolute paths');
  paths.forEach((p: unknown, k) => {
    if (typeof p !== 'string' || !p.startsWith('/') || p.includes('\0'))
      throw argError(fn, `paths[${k}]`, p, 'an absolute path');
  });
  const refs = nsRefs.map((r) => checkNsRef(fn, r, true));
  const b = getNativeBinding();
  const native = b.openFilesInNetns?.bind(b);
  if (native === undefined && refs.some((r) => r !== null)) {
    throw new NativeError(
      'GW_ERR_NATIVE_LOAD',
      `${fn}: the loaded addon predates it (run npm run build:native)`,
      {
        details: { op: fn },
      },
    );
  }
  const fail = (
    e: unknown,
    code: ErrorCode,
    what: string,
    details: Record<string, unknown>,
  ): NativeError => convert(e, code, what, details);
  const results: Array<Array<number | NativeError> | undefined> = new Array<
    Array<number | NativeError> | undefined
  >(refs.length);
  const opened: number[] = [];
  const fds: number[] = [];
  const index: number[] = []; // fds[k] belongs to refs[index[k]]
  try {
    refs.forEach((r, i) => {
      if (r === null) {
        results[i] = paths.map((p) => {
          try {
            return openSync(p, 'r');
          } catch (e: unknown) {
            return fail(e, 'GW_ERR_NATIVE_SYSCALL', `${fn}(current netns, ${p})`, {
              op: fn,
              path: p,
            });
          }
        });
      } else if (typeof r === 'string') {
        try {
          const fd = openNsPath(fn, r);
          opened.push(fd);
          fds.push(fd);
          index.push(i);
        } catch (e: unknown) {
          const err =
            e instanceof NativeError ? e : convert(e, 'GW_ERR_NS_OPEN_FAILED', `${fn}(${r})`);
          results[i] = paths.map(() => err);
        }
      } else {
        fds.push(r);
        index.push(i);
      }
    });
    if (fds.length > 0 && native !== undefined) {
      let raw: Array<Array<number | NativeSystemError>>;
      try {
        raw = native(fds, [...paths]);
      } catch (e: unknown) {
        throw convert(e, 'GW_ERR_NATIVE_SYSCALL', fn, { op: fn });
      }
      raw.forEach((perPath, k) => {
        const i = index[k] ?? -1;
        const ref = refs[i] ?? null;
        results[i] = perPath.map((item, j) =>
          typeof item === 'number'
            ? item
            : fail(
                item,
                isRawError(item) && item.syscall === 'setns'
                  ? 'GW_ERR_NS_SETNS_FAILED'
                  : 'GW_ERR_NATIVE_SYSCALL',
                `${fn}(${refName(ref)}, ${paths[j] ?? '?'})`,
                { op: fn, ref: refName(ref), path: paths[j] },
              ),
        );
      });
    }
  } finally {
    for (const fd of opened) closeSync(fd);
  }
  return results.map(
    (r, i) =>
      r ??
      paths.map(() =>
        convert(
          new Error('no result'),
          'GW_ERR_NATIVE_SYSCALL',
          `${fn}(${refName(refs[i] ?? null)})`,
        ),
      ),
  );
}

/**
 * getsockopt(2) with `buf` as in/out value (filled **in place**); returns the kernel's optlen.
 * For the iptables-legacy GET calls (`IPT_SO_GET_INFO`, `IPT_SO_GET_ENTRIES`, `IP6T_SO_GET_*`)
 * on a raw socket opened inside a netns with {@link openSocketsIn}: x_tables answers for the
 * socket's netns, so no namespace is switched here.
 * @throws NativeError GW_ERR_NATIVE_SYSCALL (errno: ENOENT no such table, ENOPROTOOPT module
 * missing, EPERM), GW_ERR_NATIVE_LOAD when the addon predates this call.
 */
export function getsockoptBuffer(fd: number, level: number, optname: number, buf: Buffer): number {
  const fn = 'getsockoptBuffer';
  checkFd(fn, 'fd', fd);
  if (!Number.isInteger(level) || level < 0) throw argError(fn, 'level', level, 'an integer >= 0');
  if (!Number.isInteger(optname) || optname < 0)
    throw argError(fn, 'optname', optname, 'an integer >= 0');
  if (!Buffer.isBuffer(buf)) throw argError(fn, 'buf', buf, 'a Buffer');
  const b = getNativeBinding();
  const native = b.getsockoptBuffer?.bind(b);
  if (native === undefined)
    throw new NativeError(
      'GW_ERR_NATIVE_LOAD',
      `${fn}: the loaded addon predates it (run npm run build:native)`,
      {
        details: { op: fn },
      },
    );
  return call('GW_ERR_NATIVE_SYSCALL', `${fn}(${level}, ${optname})`, { op: fn, fd }, () =>
    native(fd, level, optname, buf),
  );
}
