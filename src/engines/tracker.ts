// SPDX-License-Identifier: MIT
/**
 * @module engines/tracker
 *
 * The long-lived registry of engines and their watchers (turtlefinder's role). Each discovery
 * calls {@link EngineTracker.update} with the current process table:
 *
 * 1. **prune**: engines whose process is gone (PID missing or start time changed) are closed
 *    and forgotten, as are watchers that closed themselves;
 * 2. **detect**: new candidate processes (see `detect.ts`) are probed in parallel; each
 *    confirmed engine gets one watcher, and the update waits for the new watchers' first sync —
 *    all in parallel, at most `waitMs` (default 2 s) in total; slower ones keep syncing in the
 *    background and are recorded as `GW_ERR_ENGINE_SYNC_TIMEOUT`;
 * 3. **snapshot** from memory: containers of every synced watcher, PIDs translated to host
 *    PIDs, engine prefixes, groups.
 *
 * `close()` closes every watcher (no sockets or timers stay behind). With `watch: false`
 * (snapshot mode, the one-shot CLI) watchers list once and subscribe to nothing.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { errorMessage } from '../errors.js';
import { isVanished } from '../procfs/index.js';
import type { ContainerModel } from '../model/container.js';
import type { PhaseResult, Problem } from '../model/problem.js';
import { findCandidates, type EngineProcess } from './detect.js';
import { probeCandidate, type ProbedEngine } from './probe.js';
import { buildContainerModel, type EngineSnapshot } from './stack.js';
import { EngineWatcher } from './watcher.js';

/** Options of {@link EngineTracker}. */
export interface EngineTrackerOptions {
  readonly procRoot?: string;
  /** Longest wait for newly found engines' first sync per update (ms). Default 2 000. */
  readonly waitMs?: number;
  /** Timeout per API call while probing (ms). Default 3 000. */
  readonly probeTimeoutMs?: number;
  /** Reconnect backoff of the watchers (ms). Defaults 100 and 5 000. */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Called whenever any engine's containers changed. */
  readonly onChange?: () => void;
  /**
   * False for snapshot mode: watchers list each engine once and subscribe to no events (see
   * `WatcherOptions.watch`); for a one-shot discovery closed right afterwards. Default true.
   */
  readonly watch?: boolean;
}

/** One watched engine. */
interface Watched {
  readonly engine: Omit<ProbedEngine, 'adapter'>;
  readonly watcher: EngineWatcher;
  /** Malformed engine messages already reported (see `EngineAdapter.malformedMessages`). */
  reportedMalformed: number;
}

/** Engines of one engine process (containerd may serve two: native and CRI). */
interface Entry {
  readonly pid: number;
  readonly starttime: number;
  readonly watched: Watched[];
}

/** Start time of `pid` from `<procRoot>/<pid>/stat`, or undefined when gone. */
export function starttimeOf(pid: number, procRoot = '/proc'): number | undefined {
  try {
    const text = readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const v = Number(rest[19]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined; // the documented answer: gone (or never there)
  }
}

/** Engine registry with background watchers. Must be closed by its owner. */
export class EngineTracker {
  readonly #procRoot: string;
  readonly #opts: EngineTrackerOptions;
  readonly #entries = new Map<string, Entry>();
  /** Probes in flight, so concurrent updates do not probe the same process twice. */
  readonly #probing = new Map<string, Promise<Problem[]>>();
  #closed = false;

  constructor(options: EngineTrackerOptions = {}) {
    this.#procRoot = options.procRoot ?? '/proc';
    this.#opts = options;
  }

  /** Engines currently watched (their watchers may be reconnecting). */
  get engineCount(): number {
    let n = 0;
    for (const e of this.#entries.values()) n += e.watched.length;
    return n;
  }

  /** Watchers currently held (for tests and diagnostics). */
  watchers(): EngineWatcher[] {
    return [...this.#entries.values()].flatMap((e) => e.watched.map((w) => w.watcher));
  }

  /**
   * Prunes vanished engines, detects and probes new ones (waiting at most `waitMs` for their
   * first sync) and returns the container model read from memory, with problems.
   */
  async update(
    processes: ReadonlyMap<number, EngineProcess>,
  ): Promise<PhaseResult<ContainerModel>> {
    const problems: Problem[] = [];
    if (this.#closed) return { value: this.snapshot(processes), problems };
    this.#prune(processes);
    const deadline = Date.now() + (this.#opts.waitMs ?? 2_000);
    const candidates = findCandidates(
      processes.values(),
      this.#procRoot,
      (pid, st) => this.#entries.has(`${pid}:${st}`),
      problems,
    );
    const jobs = candidates.map((c) => {
      const key = `${c.pid}:${c.starttime}`;
      let job = this.#probing.get(key);
      if (job === undefined) {
        job = this.#adopt(
          key,
          c.pid,
          c.starttime,
          () =>
            probeCandidate(c, {
              timeoutMs: this.#opts.probeTimeoutMs ?? 3_000,
              procRoot: this.#procRoot,
            }),
          deadline,
        );
        this.#probing.set(key, job);
        void job.finally(() => this.#probing.delete(key));
      }
      return job;
    });
    for (const p of await Promise.all(jobs)) problems.push(...p);
    // engines known before but not yet synced (e.g. found by an earlier update): report
    for (const e of this.#entries.values()) {
      for (const w of e.watched) {
        if (!w.watcher.synced && !candidates.some((c) => c.pid === e.pid)) {
          problems.push({
            code: 'GW_ERR_ENGINE_SYNC_TIMEOUT',
            message: `${w.engine.type} engine (pid ${e.pid}) at ${w.engine.apiPath} is not in sync yet`,
            subject: `pid ${e.pid}`,
          });
        }
        const malformed = w.watcher.adapter.malformedMessages?.() ?? 0;
        if (malformed > w.reportedMalformed) {
          problems.push({
            code: 'GW_ERR_ENGINE_MALFORMED',
            message: `${w.engine.type} engine (pid ${e.pid}) at ${w.engine.apiPath} sent ${malformed - w.reportedMalformed} malformed message(s) since the last discovery; dropped`,
            subject: `pid ${e.pid}`,
          });
          w.reportedMalformed = malformed;
        }
      }
    }
    return { value: this.#snapshot(processes, problems), problems };
  }

  /** The container model from memory (no engine is asked). */
  snapshot(processes: ReadonlyMap<number, EngineProcess>): ContainerModel {
    return this.#snapshot(processes, undefined);
  }

  /**
   * {@link snapshot}; a PID namespace that cannot be compared (its link unreadable: not root)
   * is recorded once per process in `problems`.
   */
  #snapshot(processes: ReadonlyMap<number, EngineProcess>, problems?: Problem[]): ContainerModel {
    const snaps: EngineSnapshot[] = [];
    for (const e of this.#entries.values()) {
      for (const w of e.watched) {
        if (w.watcher.state === 'closed') continue;
        snaps.push({ engine: w.engine, containers: w.watcher.containers() });
      }
    }
    const unreadable = new Set<number>();
    const model = buildContainerModel(snaps, processes, (a, b) =>
      this.#samePidns(a, b, unreadable),
    );
    for (const pid of unreadable) {
      problems?.push({
        code: 'GW_ERR_ENGINE_INACCESSIBLE',
        message: `PID namespace of pid ${pid} not readable: its containers' PIDs may be untranslated`,
        subject: `pid ${pid}`,
      });
    }
    return model;
  }

  /** Closes all watchers and forgets all engines. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const e of this.#entries.values()) for (const w of e.watched) w.watcher.close();
    this.#entries.clear();
  }

  async #adopt(
    key: string,
    pid: number,
    starttime: number,
    probe: () => Promise<{ engines: ProbedEngine[]; problems: Problem[] }>,
    deadline: number,
  ): Promise<Problem[]> {
    let result;
    try {
      result = await probe();
    } catch (e: unknown) {
      return [
        { code: 'GW_ERR_ENGINE_UNCONFIRMED', message: errorMessage(e), subject: `pid ${pid}` },
      ];
    }
    if (this.#closed || starttimeOf(pid, this.#procRoot) !== starttime) {
      for (const pe of result.engines) pe.adapter.close();
      return result.problems;
    }
    if (result.engines.length === 0) return result.problems;
    const isAlive = (): boolean => !this.#closed && starttimeOf(pid, this.#procRoot) === starttime;
    const watched: Watched[] = result.engines.map((pe) => {
      const { adapter, ...engine } = pe;
      const watcher = new EngineWatcher(adapter, {
        isAlive,
        ...(this.#opts.backoffInitialMs === undefined
          ? {}
          : { backoffInitialMs: this.#opts.backoffInitialMs }),
        ...(this.#opts.backoffMaxMs === undefined ? {} : { backoffMaxMs: this.#opts.backoffMaxMs }),
        ...(this.#opts.onChange === undefined ? {} : { onChange: this.#opts.onChange }),
        ...(this.#opts.watch === undefined ? {} : { watch: this.#opts.watch }),
      });
      return { engine, watcher, reportedMalformed: 0 };
    });
    this.#entries.set(key, { pid, starttime, watched });
    const problems = [...result.problems];
    const synced = await Promise.all(
      watched.map((w) => w.watcher.waitSynced(Math.max(0, deadline - Date.now()))),
    );
    synced.forEach((ok, i) => {
      const w = watched[i];
      if (!ok && w !== undefined) {
        problems.push({
          code: 'GW_ERR_ENGINE_SYNC_TIMEOUT',
          message: `${w.engine.type} engine (pid ${pid}) at ${w.engine.apiPath} did not list its containers in time${w.watcher.lastError === undefined ? '' : `: ${errorMessage(w.watcher.lastError)}`}`,
          subject: `pid ${pid}`,
        });
      }
    });
    return problems;
  }

  #prune(processes: ReadonlyMap<number, EngineProcess>): void {
    for (const [key, e] of this.#entries) {
      const p = processes.get(e.pid);
      const alive = p !== undefined && p.starttime === e.starttime;
      const remaining = e.watched.filter((w) => w.watcher.state !== 'closed');
      if (!alive || remaining.length === 0) {
        for (const w of e.watched) w.watcher.close();
        this.#entries.delete(key);
      }
    }
  }

  /** Whether `a` and `b` share a PID namespace; false (and `a`/`b` noted) when unreadable. */
  #samePidns(a: number, b: number, unreadable: Set<number>): boolean {
    const link = (pid: number): string | undefined => {
      try {
        return readlinkSync(`${this.#procRoot}/${pid}/ns/pid`);
      } catch (e: unknown) {
        if (!isVanished(e)) unreadable.add(pid);
        return undefined;
      }
    };
    const la = link(a);
    const lb = link(b);
    return la !== undefined && la === lb;
  }
}
