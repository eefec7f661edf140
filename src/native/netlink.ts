// SPDX-License-Identifier: MIT
/**
 * @module native/netlink
 *
 * The netlink transport off the JS thread: {@link netlinkTransact} sends requests over netlink
 * socket fds (from `openSocketIn`) and collects the reply bytes per request, on native worker
 * threads. Parsing is the codec's (`src/netlink`).
 */
import { NativeError } from '../errors.js';
import {
  NETLINK_DEFAULT_PARALLELISM,
  NETLINK_DEFAULT_TIMEOUT_MS,
  NETLINK_MAX_PARALLELISM,
  NETLINK_MAX_TIMEOUT_MS,
} from './constants.js';
import { convert } from './convert.js';
import { getNativeBinding } from './load.js';
import { argError, checkFd, checkInt } from './validate.js';

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
