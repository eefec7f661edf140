// SPDX-License-Identifier: MIT
/**
 * @module server/discovery-service
 *
 * The HTTP thread's handle on the discovery worker: starts the worker thread, coalesces
 * concurrent requests into ONE in-flight discovery (single flight), reuses a result younger
 * than `maxAgeMs`, bounds every discovery by a deadline (a stuck worker is terminated and a
 * fresh one started on the next request), and passes the worker's change-feed diffs and
 * container-change notices on.
 *
 * A waiter that goes away (client disconnected: its `AbortSignal` fires) stops waiting at
 * once; the discovery it joined runs to its end in the worker only because other waiters, the
 * cache and the change feed use its result — no per-request work is queued or left behind.
 */
import { Worker } from 'node:worker_threads';
import { ApiError, type ErrorCode } from '../errors.js';
import type {
  AnalysisRequest,
  DiscoverySummary,
  FromWorker,
  WatcherInfo,
  WorkerConfig,
} from './worker-protocol.js';
import { SEA_DISCOVERY_WORKER_KEY, seaAsset } from '../util/sea.js';
import type { FeedChangeV1 } from '../api/v1/index.js';

/**
 * How the worker is started: a file URL/path of the worker module (normal and bundled
 * installs), or `{ source }`, JavaScript source evaluated with `new Worker(source, { eval:
 * true })` — for a single-file executable (Node SEA) whose bundle carries the worker as a
 * string.
 */
export type WorkerEntry = URL | string | { readonly source: string };

/**
 * THE one place that decides where the worker module is: `GHOSTWIRE_DISCOVERY_WORKER` (a file
 * path) if set; in the single executable the embedded worker bundle; else `discovery-worker.js` next to this module. Both `dist/server/` (tsc) and
 * `dist/bundle/cli/` (esbuild, where it is an extra entry point named `discovery-worker.js`)
 * keep the two side by side.
 */
export function discoveryWorkerEntry(env: NodeJS.ProcessEnv = process.env): WorkerEntry {
  const override = env['GHOSTWIRE_DISCOVERY_WORKER'];
  if (override !== undefined && override !== '') return override;
  // the single executable carries the worker's bundle as an asset (scripts/package.mjs)
  const embedded = seaAsset(SEA_DISCOVERY_WORKER_KEY);
  if (embedded !== undefined) return { source: embedded.toString('utf8') };
  return new URL('./discovery-worker.js', import.meta.url);
}

/**
 * The worker closes fds the addon opened (netlink sockets, nsfs fds) with `fs.closeSync`; Node's
 * default fd tracking for workers would warn on every one of them. A small young generation
 * (4 MiB semi-spaces) keeps the worker's peak RSS ≈ 30 MiB lower at no measured cost in
 * discovery time (docs/performance.md).
 */
const WORKER_OPTIONS = {
  trackUnmanagedFds: false,
  name: 'ghostwire-discovery',
  resourceLimits: { maxYoungGenerationSizeMb: 4 },
} as const;

/** Codes of the worker's analysis errors that reach the client as they are. */
const PASSED_CODES = new Set<string>([
  'GW_ERR_HTTP_BAD_REQUEST',
  'GW_ERR_HTTP_NOT_FOUND',
  'GW_ERR_STORE_UNAVAILABLE',
  'GW_ERR_STORE_CORRUPT',
] satisfies ErrorCode[]);

/** One finished discovery as the HTTP side holds it. */
export interface Snapshot {
  /**
   * The serialised documents, encoded ONCE: every response sends the same bytes (200
   * concurrent clients do not make 200 copies of a large document).
   */
  readonly json: Buffer;
  readonly mobyshark: Buffer;
  readonly summary: DiscoverySummary;
  /** `Date.now()` when the result arrived. */
  readonly finishedAt: number;
  /** Wall time from request to result, ms. */
  readonly durationMs: number;
  readonly problems: readonly string[];
}

/** Options of {@link DiscoveryService}. */
export interface DiscoveryServiceOptions {
  readonly entry: WorkerEntry;
  readonly config: WorkerConfig;
  /** Results younger than this are reused (0: every request gets a fresh discovery). */
  readonly maxAgeMs: number;
  /** A discovery taking longer fails its waiters and the worker is replaced. */
  readonly timeoutMs: number;
  readonly onSnapshot?: (s: Snapshot, changes: FeedChangeV1[], diffed: boolean) => void;
  readonly onContainersChanged?: () => void;
  /** Changes from the worker's RTNETLINK monitor (the feed's netlink source). */
  readonly onNetlinkChanges?: (changes: FeedChangeV1[]) => void;
  /** Container changes from the engine watchers (the feed's engine source). */
  readonly onEngineChanges?: (changes: FeedChangeV1[]) => void;
  /** Monitor overruns (netns whose notifications were lost) and problems (log lines). */
  readonly onMonitorProblems?: (overruns: number[], problems: string[]) => void;
  readonly onWatchers?: (w: WatcherInfo[]) => void;
  /** Other problems of the worker (the history store's), one log line each. */
  readonly onProblems?: (problems: string[]) => void;
  readonly onWorkerError?: (e: unknown) => void;
  /** The worker started: its thread id and nice value (null + reason when it kept the default). */
  readonly onWorkerReady?: (info: { tid: number; nice: number | null; niceError?: string }) => void;
}

interface Flight {
  readonly id: number;
  readonly startedAt: number;
  readonly promise: Promise<Snapshot>;
  resolve(s: Snapshot): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout;
}

/** Discovery off the HTTP thread, single flight. */
export class DiscoveryService {
  readonly #opts: DiscoveryServiceOptions;
  #worker: Worker | undefined;
  #flight: Flight | undefined;
  #last: Snapshot | undefined;
  #nextId = 1;
  #closed = false;
  #discoveries = 0;

  constructor(opts: DiscoveryServiceOptions) {
    this.#opts = opts;
  }

  /** The last finished discovery, if any. */
  get last(): Snapshot | undefined {
    return this.#last;
  }

  /** True while a discovery runs. */
  get busy(): boolean {
    return this.#flight !== undefined;
  }

  /** Number of discoveries finished. */
  get discoveries(): number {
    return this.#discoveries;
  }

  /** Starts the worker (idempotent). */
  start(): void {
    if (this.#closed || this.#worker !== undefined) return;
    const e = this.#opts.entry;
    const w =
      typeof e === 'object' && !(e instanceof URL)
        ? new Worker(e.source, { eval: true, workerData: this.#opts.config, ...WORKER_OPTIONS })
        : new Worker(e, { workerData: this.#opts.config, ...WORKER_OPTIONS });
    w.on('message', (m: FromWorker) => this.#onMessage(w, m));
    w.on('error', (err) => {
      this.#opts.onWorkerError?.(err);
      this.#lost(w, err);
    });
    w.on('exit', (code) => this.#lost(w, new Error(`discovery worker exited with code ${code}`)));
    this.#worker = w;
  }

  /**
   * A discovery result: the cached one if younger than `maxAgeMs` (per call override
   * allowed), else the in-flight one, else a new one. `signal` lets a waiter stop waiting.
   */
  get(opts: { maxAgeMs?: number; signal?: AbortSignal } = {}): Promise<Snapshot> {
    const maxAge = opts.maxAgeMs ?? this.#opts.maxAgeMs;
    const last = this.#last;
    if (last !== undefined && maxAge > 0 && Date.now() - last.finishedAt <= maxAge)
      return Promise.resolve(last);
    const flight = this.#flight ?? this.#startFlight();
    const signal = opts.signal;
    if (signal === undefined) return flight.promise;
    if (signal.aborted) return Promise.reject(abortError());
    return new Promise<Snapshot>((resolve, reject) => {
      const onAbort = (): void => reject(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (s) => {
          signal.removeEventListener('abort', onAbort);
          resolve(s);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  readonly #analyses = new Map<
    number,
    { resolve(json: string): void; reject(e: unknown): void; timer: NodeJS.Timeout }
  >();

  /**
   * Runs an analysis (why, lint, history, diff) in the worker over a discovery as {@link get}
   * would serve it (a fresh one, or one younger than the max age; `discover: false`: over what
   * the worker has, e.g. a history list); resolves to the JSON text.
   */
  async analyse(
    req: AnalysisRequest,
    opts: { signal?: AbortSignal; discover?: boolean } = {},
  ): Promise<string> {
    if (opts.discover === false) this.start();
    else await this.get(opts);
    const w = this.#worker;
    if (w === undefined) {
      throw new ApiError('GW_ERR_HTTP_UNAVAILABLE', 'the discovery worker is not running', {
        statusCode: 503,
      });
    }
    const id = this.#nextId++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#analyses.delete(id);
        reject(
          new ApiError(
            'GW_ERR_SERVER_DISCOVERY_TIMEOUT',
            `analysis did not finish within ${this.#opts.timeoutMs} ms`,
            {
              statusCode: 503,
            },
          ),
        );
      }, this.#opts.timeoutMs);
      timer.unref();
      this.#analyses.set(id, { resolve, reject, timer });
      w.postMessage({ type: 'analyse', id, request: req });
    });
  }

  #settleAnalysis(
    id: number,
    fn: (a: { resolve(json: string): void; reject(e: unknown): void }) => void,
  ): void {
    const a = this.#analyses.get(id);
    if (a === undefined) return;
    this.#analyses.delete(id);
    clearTimeout(a.timer);
    fn(a);
  }

  /** Stops the worker (closing its engine watchers); pending waiters fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = undefined;
    this.#failFlight(
      new ApiError('GW_ERR_HTTP_UNAVAILABLE', 'the service is shutting down', { statusCode: 503 }),
    );
    if (w === undefined) return;
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.postMessage({ type: 'close' });
    const t = setTimeout(() => void w.terminate(), 2_000);
    await exited;
    clearTimeout(t);
  }

  #startFlight(): Flight {
    if (this.#closed) {
      const p = Promise.reject(
        new ApiError('GW_ERR_HTTP_UNAVAILABLE', 'the service is shutting down', {
          statusCode: 503,
        }),
      );
      p.catch(() => undefined);
      return {
        id: 0,
        startedAt: Date.now(),
        promise: p,
        resolve() {},
        reject() {},
        timer: setTimeout(() => undefined, 0),
      };
    }
    this.start();
    const id = this.#nextId++;
    let resolve!: (s: Snapshot) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<Snapshot>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // waiters handle it; an unobserved failure is no crash
    const timer = setTimeout(() => {
      const w = this.#worker;
      this.#failFlight(
        new ApiError(
          'GW_ERR_SERVER_DISCOVERY_TIMEOUT',
          `discovery did not finish within ${this.#opts.timeoutMs} ms`,
          { statusCode: 503 },
        ),
      );
      // a stuck worker is replaced: the next request starts a fresh one
      if (w !== undefined) {
        this.#worker = undefined;
        void w.terminate();
      }
    }, this.#opts.timeoutMs);
    timer.unref();
    const flight: Flight = { id, startedAt: Date.now(), promise, resolve, reject, timer };
    this.#flight = flight;
    this.#worker?.postMessage({ type: 'discover', id, ieappicons: false });
    return flight;
  }

  #failFlight(e: unknown): void {
    const f = this.#flight;
    if (f === undefined) return;
    this.#flight = undefined;
    clearTimeout(f.timer);
    f.reject(e);
  }

  #onMessage(w: Worker, m: FromWorker): void {
    if (w !== this.#worker) return;
    switch (m.type) {
      case 'result': {
        const f = this.#flight;
        const now = Date.now();
        const snap: Snapshot = {
          json: Buffer.from(m.json, 'utf8'),
          mobyshark: Buffer.from(m.mobyshark, 'utf8'),
          summary: m.summary,
          finishedAt: now,
          durationMs:
            f !== undefined && f.id === m.id ? now - f.startedAt : m.summary.timings.totalMs,
          problems: m.problems,
        };
        this.#last = snap;
        this.#discoveries++;
        this.#opts.onWatchers?.(m.watchers);
        this.#opts.onSnapshot?.(snap, m.changes, m.diffed);
        if (f !== undefined && f.id === m.id) {
          this.#flight = undefined;
          clearTimeout(f.timer);
          f.resolve(snap);
        }
        break;
      }
      case 'error': {
        const f = this.#flight;
        if (f !== undefined && f.id === m.id) {
          // "cannot run at all" (no procfs, addon missing): the cause's code is in the message
          this.#failFlight(
            new ApiError('GW_ERR_SERVER_DISCOVERY', `discovery failed: ${m.code}: ${m.message}`, {
              statusCode: 500,
              details: { cause: m.code },
            }),
          );
        }
        break;
      }
      case 'analysis':
        this.#settleAnalysis(m.id, (a) => a.resolve(m.json));
        break;
      case 'analysis-error':
        this.#settleAnalysis(m.id, (a) =>
          a.reject(
            new ApiError(
              PASSED_CODES.has(m.code)
                ? (m.code as ErrorCode)
                : m.statusCode === 503
                  ? 'GW_ERR_HTTP_UNAVAILABLE'
                  : 'GW_ERR_SERVER_DISCOVERY',
              m.message,
              {
                statusCode: m.statusCode,
              },
            ),
          ),
        );
        break;
      case 'containers-changed':
        this.#opts.onWatchers?.(m.watchers);
        this.#opts.onContainersChanged?.();
        break;
      case 'netlink-changes':
        this.#opts.onNetlinkChanges?.(m.changes);
        break;
      case 'engine-changes':
        this.#opts.onEngineChanges?.(m.changes);
        break;
      case 'monitor-problems':
        this.#opts.onMonitorProblems?.(m.overruns, m.problems);
        break;
      case 'problems':
        this.#opts.onProblems?.(m.problems);
        break;
      case 'ready':
        this.#opts.onWorkerReady?.({
          tid: m.tid,
          nice: m.nice,
          ...(m.niceError === undefined ? {} : { niceError: m.niceError }),
        });
        break;
    }
  }

  #lost(w: Worker, err: unknown): void {
    if (w !== this.#worker) return;
    this.#worker = undefined;
    this.#failFlight(
      new ApiError('GW_ERR_SERVER_WORKER', `discovery worker failed: ${String(err)}`, {
        statusCode: 500,
        cause: err,
      }),
    );
  }
}

function abortError(): Error {
  return Object.assign(new Error('client went away'), { code: 'ABORT_ERR', name: 'AbortError' });
}
