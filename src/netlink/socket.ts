// SPDX-License-Identifier: MIT
/**
 * @module netlink/socket
 *
 * The only I/O of the codec: netlink request/dump over sockets opened by the native addon
 * (`src/native`), which sends and receives off the JS thread (`netlinkTransact`). This module
 * numbers requests (nlmsg_seq), decodes replies with each request's decoder, retries dumps the
 * kernel marked NLM_F_DUMP_INTR, and maps every per-request failure to a typed error without
 * failing the other requests of a batch.
 *
 * Hot path: {@link transactBatch} runs many (socket, requests[]) jobs, e.g. 500 namespaces × 4
 * dumps, through ONE native call with parallelism.
 */
import { closeSync } from 'node:fs';

import { NetlinkError, ProjectError } from '../errors.js';
import {
  AF_NETLINK,
  NETLINK_ROUTE,
  netlinkTransact,
  openSocketIn,
  SOCK_RAW,
  type NetlinkJob,
  type NetlinkReply,
  type NetlinkTransactOptions,
  type NsRef,
} from '../native/index.js';
import { setSequence } from './core/builder.js';
import {
  decodeReply,
  type RequestResult,
  type RequestSpec,
  type SpecResult,
} from './core/request.js';

/** Signature of the native batch transport (injectable for tests). */
export type Transport = (
  jobs: readonly NetlinkJob[],
  options: NetlinkTransactOptions,
) => Promise<NetlinkReply[][]>;

/** Options of {@link transactBatch}. */
export interface BatchOptions {
  /** Native worker threads (1..16, default 4). */
  readonly parallelism?: number;
  /** Bound of each recv wait in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Retries of a dump whose reply had NLM_F_DUMP_INTR (default 3). */
  readonly maxRetries?: number;
  /** Transport; defaults to the native addon's `netlinkTransact`. */
  readonly transport?: Transport;
}

/** One batch job: requests sent in order over one netlink socket fd. */
export interface BatchJob<R extends readonly RequestSpec<unknown>[]> {
  readonly fd: number;
  readonly requests: R;
}

/** Per-request results of one job, in request order, typed per request. */
export type BatchJobResult<R extends readonly RequestSpec<unknown>[]> = {
  -readonly [K in keyof R]: RequestResult<SpecResult<R[K]>>;
};

let seqCounter = (Date.now() & 0x7fffffff) >>> 0;

/** Next nlmsg_seq: a process-wide counter, never 0 (so it cannot match kernel notifications). */
export function nextSequence(): number {
  seqCounter = (seqCounter + 1) >>> 0;
  if (seqCounter === 0) seqCounter = 1;
  return seqCounter;
}

/** EINTR, the errno reported with GW_ERR_NETLINK_DUMP_INTERRUPTED. */
const EINTR = 4;

function asProjectError(e: unknown, family: string): ProjectError {
  if (e instanceof ProjectError) return e;
  return new NetlinkError(
    'GW_ERR_NETLINK_SOCKET',
    `${family}: ${e instanceof Error ? e.message : String(e)}`,
    {
      errno: 0,
      family,
      cause: e,
    },
  );
}

/**
 * Runs all jobs through one native `netlinkTransact` call (plus one call per retry round),
 * decodes each reply with its request's decoder, and returns `{ ok, messages | error }` per
 * request. A socket error, kernel error (NLMSG_ERROR) or malformed reply fails only its own
 * request. Dumps with NLM_F_DUMP_INTR are re-sent up to `maxRetries` times, then fail with
 * GW_ERR_NETLINK_DUMP_INTERRUPTED. Each fd must appear in at most one job.
 * @throws (rejects) only when the transport as a whole fails (addon missing, bad arguments).
 */
export async function transactBatch<R extends readonly RequestSpec<unknown>[]>(
  jobs: readonly BatchJob<R>[],
  options: BatchOptions = {},
): Promise<BatchJobResult<R>[]> {
  const transport: Transport = options.transport ?? netlinkTransact;
  const maxRetries = options.maxRetries ?? 3;
  const topts: NetlinkTransactOptions = {
    ...(options.parallelism === undefined ? {} : { parallelism: options.parallelism }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const results: RequestResult<unknown>[][] = jobs.map(
    (j) => new Array<RequestResult<unknown>>(j.requests.length),
  );
  // Pending work: [jobIndex, requestIndex] pairs still to (re)send.
  let pending: Array<[number, number]> = [];
  jobs.forEach((j, ji) => j.requests.forEach((_r, ri) => pending.push([ji, ri])));
  for (let attempt = 0; pending.length > 0; attempt++) {
    // Group by job (one native job per fd), keeping request order.
    const byJob = new Map<number, number[]>();
    for (const [ji, ri] of pending) {
      let list = byJob.get(ji);
      if (list === undefined) byJob.set(ji, (list = []));
      list.push(ri);
    }
    const order = [...byJob.entries()];
    const nativeJobs: NetlinkJob[] = order.map(([ji, ris]) => {
      const job = jobs[ji] as BatchJob<R>;
      return {
        fd: job.fd,
        requests: ris.map((ri) => {
          const spec = job.requests[ri] as RequestSpec<unknown>;
          const msg = Buffer.from(spec.message); // never mutate the caller's Buffer
          setSequence(msg, nextSequence());
          return msg;
        }),
      };
    });
    const replies = await transport(nativeJobs, topts);
    const retry: Array<[number, number]> = [];
    order.forEach(([ji, ris], k) => {
      const job = jobs[ji] as BatchJob<R>;
      const jobReplies = replies[k] ?? [];
      ris.forEach((ri, n) => {
        const spec = job.requests[ri] as RequestSpec<unknown>;
        const reply = jobReplies[n];
        const out = results[ji] as RequestResult<unknown>[];
        if (reply === undefined) {
          out[ri] = {
            ok: false,
            error: asProjectError(
              new Error('transport returned no reply for this request'),
              spec.family,
            ),
          };
          return;
        }
        if (reply.error !== undefined) {
          out[ri] = { ok: false, error: asProjectError(reply.error, spec.family) };
          return;
        }
        try {
          const decoded = decodeReply(reply.data, spec);
          if (spec.dump && (decoded.dumpInterrupted || reply.dumpInterrupted)) {
            if (attempt < maxRetries) {
              retry.push([ji, ri]);
              return;
            }
            out[ri] = {
              ok: false,
              error: new NetlinkError(
                'GW_ERR_NETLINK_DUMP_INTERRUPTED',
                `${spec.family}: dump stayed inconsistent (NLM_F_DUMP_INTR) after ${maxRetries} retries`,
                { errno: EINTR, family: spec.family, details: { attempts: attempt + 1 } },
              ),
            };
            return;
          }
          out[ri] = { ok: true, messages: decoded.messages };
        } catch (e: unknown) {
          out[ri] = { ok: false, error: asProjectError(e, spec.family) };
        }
      });
    });
    pending = retry;
  }
  return results as unknown as BatchJobResult<R>[];
}

/**
 * One netlink socket (default NETLINK_ROUTE) opened inside a network namespace by the addon.
 * Requests run off the JS thread; the socket **must be closed** by the caller ({@link close}).
 */
export class NetlinkSocket {
  #fd: number;
  readonly #options: BatchOptions;

  /** Wraps an already open netlink socket fd (ownership passes to this object). */
  constructor(fd: number, options: BatchOptions = {}) {
    this.#fd = fd;
    this.#options = options;
  }

  /** Opens a netlink socket in `ns` (nsfs fd, nsfs path, or null = current netns). */
  static open(
    ns: NsRef = null,
    protocol: number = NETLINK_ROUTE,
    options: BatchOptions = {},
  ): NetlinkSocket {
    return new NetlinkSocket(openSocketIn(ns, AF_NETLINK, SOCK_RAW, protocol), options);
  }

  /** The socket fd (-1 after close). */
  get fd(): number {
    return this.#fd;
  }

  async #run<T>(spec: RequestSpec<T>): Promise<T[]> {
    if (this.#fd < 0) {
      throw new NetlinkError('GW_ERR_NETLINK_SOCKET', `${spec.family}: socket is closed`, {
        errno: 9,
        family: spec.family,
      });
    }
    const [results] = await transactBatch(
      [{ fd: this.#fd, requests: [spec] as const }],
      this.#options,
    );
    const r = results?.[0];
    if (r === undefined) throw asProjectError(new Error('no result'), spec.family);
    if (!r.ok) throw r.error;
    return r.messages as T[];
  }

  /** Runs a dump request; resolves with all decoded messages, rejects with a typed error. */
  dump<T>(spec: RequestSpec<T>): Promise<T[]> {
    return this.#run(spec);
  }

  /** Runs a non-dump request; resolves with the decoded reply messages (often exactly one). */
  request<T>(spec: RequestSpec<T>): Promise<T[]> {
    return this.#run(spec);
  }

  /** Closes the socket; idempotent. */
  close(): void {
    if (this.#fd >= 0) {
      const fd = this.#fd;
      this.#fd = -1;
      closeSync(fd);
    }
  }
}
