// SPDX-License-Identifier: MIT
/**
 * @module engines/watcher
 *
 * Keeps one engine's workload current in the background (whalewatcher's algorithm, without its
 * quirks). Per (re)connection attempt:
 *
 * 1. **subscribe to events first** (events arriving from now on are queued),
 * 2. then **list** the containers,
 * 3. re-inspect every container an event touched meanwhile (the inspection is the truth, so
 *    the order of list and events does not matter), until the queue is empty,
 * 4. swap the new portfolio in (make-before-break: readers keep the old one until then).
 *
 * Afterwards each event is applied in arrival order (exit/destroy → remove; anything else →
 * inspect). When the event stream or the list fails the watcher reconnects with exponential
 * backoff and resynchronises — unless `isAlive()` says the engine process is gone, then it
 * closes itself. `close()` releases the subscription, the timer and the adapter's sockets.
 *
 * In snapshot mode (`watch: false`) step 1 is skipped: the watcher lists once and never updates
 * its portfolio afterwards — enough for a one-shot discovery that closes the watcher right away.
 */
import { EngineError, errorMessage } from '../errors.js';
import type { EngineType } from '../model/container.js';

/** A container as an engine adapter reports it (engine-local PID). */
export interface TrackedContainer {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** PID of the initial process in the engine's PID namespace (> 0). */
  readonly pid: number;
  readonly paused: boolean;
  readonly privileged: boolean;
  /** podman pod name, if any. */
  readonly pod?: string | undefined;
}

/** What an event means to the watcher. */
export type WatchEvent =
  /** The container may have changed (started, paused, unpaused, renamed…): inspect it. */
  | { readonly kind: 'changed'; readonly id: string }
  /** The container's process ended or the container was removed. */
  | { readonly kind: 'gone'; readonly id: string };

/** A live event subscription of an adapter. */
export interface Subscription {
  close(): void;
}

/**
 * Engine-specific part of a watcher (Docker/podman, containerd, CRI). Adapters report only
 * containers with a process (PID > 0).
 */
export interface EngineAdapter {
  readonly type: EngineType;
  /** Endpoint for messages, e.g. `unix:///proc/42/root/run/docker.sock`. */
  readonly endpoint: string;
  /**
   * Starts the event subscription; resolves once it is in place. `onEnd` is called once when it
   * ends by itself (engine restart, error), never after `Subscription.close()`.
   */
  subscribe(onEvent: (e: WatchEvent) => void, onEnd: (err: unknown) => void): Promise<Subscription>;
  /** All containers with a process. */
  list(): Promise<TrackedContainer[]>;
  /** One container; `undefined` when it does not exist or has no process. */
  inspect(id: string): Promise<TrackedContainer | undefined>;
  /** Releases the adapter's connections. */
  close(): void;
  /**
   * Engine messages (events, status details) that could not be decoded and were dropped, since
   * the adapter was made; the tracker reports increases as `GW_ERR_ENGINE_MALFORMED` problems.
   */
  malformedMessages?(): number;
}

/** Watcher options. */
export interface WatcherOptions {
  /** False once the engine process is gone: the watcher then closes instead of reconnecting. */
  readonly isAlive?: () => boolean;
  /** First reconnect delay (ms), doubled per failed attempt. Default 100. */
  readonly backoffInitialMs?: number;
  /** Largest reconnect delay (ms). Default 5 000. */
  readonly backoffMaxMs?: number;
  /** Called on every state change of the portfolio (after sync and after each applied event). */
  readonly onChange?: () => void;
  /** Called with each error that made the watcher reconnect. */
  readonly onError?: (e: unknown) => void;
  /**
   * False for snapshot mode: list once without subscribing to events (no subscription, no
   * stream grace wait), then keep that portfolio unchanged. For one-shot use; a failed list is
   * retried with backoff like a failed attempt. Default true.
   */
  readonly watch?: boolean;
}

/** Watcher states. */
export const WATCHER_STATES = ['syncing', 'synced', 'backoff', 'closed'] as const;
export type WatcherState = (typeof WATCHER_STATES)[number];

/** Background tracker of one engine's containers. Must be closed by its owner. */
export class EngineWatcher {
  readonly adapter: EngineAdapter;
  readonly #opts: WatcherOptions;
  #state: WatcherState = 'syncing';
  #read = new Map<string, TrackedContainer>();
  #sub: Subscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #generation = 0;
  #chain: Promise<void> = Promise.resolve();
  #queue: WatchEvent[] | undefined;
  #synced = false;
  #syncWaiters: Array<() => void> = [];
  #closeWaiters: Array<() => void> = [];
  #lastError: unknown;
  /** Number of completed (re)synchronisations. */
  syncCount = 0;

  constructor(adapter: EngineAdapter, options: WatcherOptions = {}) {
    this.adapter = adapter;
    this.#opts = options;
    void this.#connect();
  }

  /** Current state. */
  get state(): WatcherState {
    return this.#state;
  }

  /** True once the first synchronisation completed (stays true across reconnects). */
  get synced(): boolean {
    return this.#synced;
  }

  /** The error of the last failed attempt, if any. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** The current containers (a snapshot copy of the read portfolio). */
  containers(): TrackedContainer[] {
    return [...this.#read.values()];
  }

  /**
   * Resolves true once the first synchronisation completed, false after `timeoutMs` or when the
   * watcher closed first. Never rejects; leaves no timer behind.
   */
  waitSynced(timeoutMs: number): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (this.#state === 'closed') return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (v: boolean): void => {
        clearTimeout(t);
        this.#syncWaiters = this.#syncWaiters.filter((w) => w !== onSync);
        this.#closeWaiters = this.#closeWaiters.filter((w) => w !== onClose);
        resolve(v);
      };
      const onSync = (): void => done(true);
      const onClose = (): void => done(false);
      const t = setTimeout(() => done(false), timeoutMs);
      this.#syncWaiters.push(onSync);
      this.#closeWaiters.push(onClose);
    });
  }

  /** Stops watching and releases everything (subscription, timer, adapter). Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#generation++;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sub?.close();
    this.#sub = undefined;
    this.adapter.close();
    const waiters = this.#closeWaiters;
    this.#closeWaiters = [];
    this.#syncWaiters = [];
    for (const w of waiters) w();
  }

  async #connect(): Promise<void> {
    const gen = ++this.#generation;
    this.#state = 'syncing';
    const queue: WatchEvent[] = [];
    this.#queue = queue;
    try {
      if (this.#opts.watch ?? true) {
        const sub = await this.adapter.subscribe(
          (e) => this.#onEvent(gen, e),
          (err) => this.#onEnd(gen, err),
        );
        if (gen !== this.#generation) {
          sub.close();
          return;
        }
        this.#sub = sub;
      }
      const listed = await this.adapter.list();
      if (gen !== this.#generation) return;
      const next = new Map<string, TrackedContainer>();
      for (const c of listed) next.set(c.id, c);
      // re-inspect what events touched while we listed, until nothing is left
      while (queue.length > 0) {
        const batch = queue.splice(0, queue.length);
        const ids = new Map<string, WatchEvent>();
        for (const e of batch) ids.set(e.id, e);
        const results = await Promise.all(
          [...ids.values()].map(
            async (e) =>
              [e.id, e.kind === 'gone' ? undefined : await this.adapter.inspect(e.id)] as const,
          ),
        );
        if (gen !== this.#generation) return;
        for (const [id, c] of results) {
          if (c === undefined) next.delete(id);
          else next.set(id, c);
        }
      }
      this.#queue = undefined;
      this.#read = next; // make-before-break: swap only now
      this.#state = 'synced';
      this.#attempt = 0;
      this.syncCount++;
      if (!this.#synced) {
        this.#synced = true;
        const waiters = this.#syncWaiters;
        this.#syncWaiters = [];
        for (const w of waiters) w();
      }
      this.#opts.onChange?.();
    } catch (e: unknown) {
      if (gen !== this.#generation) return;
      this.#retry(e);
    }
  }

  #onEvent(gen: number, e: WatchEvent): void {
    if (gen !== this.#generation) return;
    if (this.#queue !== undefined) {
      this.#queue.push(e);
      return;
    }
    // steady state: apply in arrival order
    this.#chain = this.#chain.then(async () => {
      if (gen !== this.#generation) return;
      try {
        const c = e.kind === 'gone' ? undefined : await this.adapter.inspect(e.id);
        if (gen !== this.#generation) return;
        if (c === undefined) this.#read.delete(e.id);
        else this.#read.set(e.id, c);
        this.#opts.onChange?.();
      } catch (err: unknown) {
        if (gen === this.#generation) this.#retry(err);
      }
    });
  }

  #onEnd(gen: number, err: unknown): void {
    if (gen !== this.#generation) return;
    this.#retry(err);
  }

  #retry(err: unknown): void {
    if (this.#state === 'closed') return;
    this.#lastError = err;
    this.#generation++; // invalidate the failed attempt's callbacks
    this.#sub?.close();
    this.#sub = undefined;
    this.#queue = undefined;
    if (this.#opts.isAlive !== undefined && !this.#opts.isAlive()) {
      this.close();
      return;
    }
    this.#opts.onError?.(err);
    const initial = this.#opts.backoffInitialMs ?? 100;
    const max = this.#opts.backoffMaxMs ?? 5_000;
    const delay = Math.min(max, initial * 2 ** this.#attempt);
    this.#attempt++;
    this.#state = 'backoff';
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state !== 'closed') void this.#connect();
    }, delay);
  }
}

/** Error text of a watcher's last failure, for problems. */
export function watcherErrorText(w: EngineWatcher): string {
  const e = w.lastError;
  return e instanceof EngineError ? e.message : errorMessage(e);
}
