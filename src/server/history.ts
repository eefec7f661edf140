// SPDX-License-Identifier: MIT
/**
 * @module server/history
 *
 * The discovery worker's side of the history store (src/store, docs/history.md): opens the
 * store from the worker's config, records each discovery's v1 document and the change-feed
 * events, and answers `GET /api/history` and `GET /api/diff` (documents rebuilt from the
 * store, diffed with `diffV1` of src/analysis) — all in the worker thread, never on the HTTP
 * thread. Every failure is a problem line (for the log) or an error answer; the service goes on
 * serving live results without history.
 */
import { diffV1 } from '../analysis/index.js';
import type { DiscoveryResultV1, FeedChangeV1 } from '../api/v1/index.js';
import type { Problem } from '../model/problem.js';
import { HistoryStore, type HistoryEntry, type Retention } from '../store/index.js';

/** How the worker opens the store (`WorkerConfig.history`; absent: `--no-history`). */
export interface HistoryConfig {
  readonly dataDir: string;
  readonly retention: Retention;
}

/** `GET /api/history` and `GET /api/diff` as the worker gets them (times in ms). */
export type HistoryRequest =
  | {
      readonly kind: 'history';
      readonly from?: number;
      readonly to?: number;
      readonly limit?: number;
    }
  | { readonly kind: 'diff'; readonly from: number; readonly to?: number };

/** The worker's answer: JSON text, or an HTTP error. */
export type HistoryAnswer =
  | { readonly json: string }
  | { readonly statusCode: number; readonly code: string; readonly message: string };

/** Events listed with a diff at most (the newest are kept). */
const DIFF_EVENTS_MAX = 1000;

const line = (p: Problem): string =>
  `${p.code} ${p.subject}: ${p.message}${p.cause === undefined ? '' : ` (${p.cause})`}`;

/** A snapshot entry on the wire (`/api/history`, `/api/diff`). */
function entryJson(e: HistoryEntry): Record<string, unknown> {
  return {
    id: e.id,
    time: new Date(e.firstSeen).toISOString(),
    'last-seen': new Date(e.lastSeen).toISOString(),
    discoveries: e.discoveries,
    netns: e.netns,
    interfaces: e.interfaces,
    containers: e.containers,
    events: e.events,
  };
}

/** The worker's history: the store, or why there is none. */
export class WorkerHistory {
  readonly #store: HistoryStore | undefined;
  readonly #why: string;

  private constructor(store: HistoryStore | undefined, why: string) {
    this.#store = store;
    this.#why = why;
  }

  /** Opens the store (`config` undefined: history off by `--no-history`). Never throws. */
  static open(config: HistoryConfig | undefined): { history: WorkerHistory; problems: string[] } {
    if (config === undefined)
      return {
        history: new WorkerHistory(undefined, 'history is off (--no-history)'),
        problems: [],
      };
    const r = HistoryStore.open({ dataDir: config.dataDir, retention: config.retention });
    const problems = r.problems.map(line);
    const why =
      r.store === undefined
        ? `history is unavailable: ${r.problems.map((p) => p.message).join('; ') || 'unknown reason'}`
        : '';
    return { history: new WorkerHistory(r.store, why), problems };
  }

  /** True when discoveries are recorded. */
  get enabled(): boolean {
    return this.#store !== undefined;
  }

  /** Records one discovery and the reconcile's changes; returns problem lines. */
  record(doc: DiscoveryResultV1, changes: readonly FeedChangeV1[]): string[] {
    // the state is that of the discovery's start (its creation-timestamp), not of this write
    const started = Date.parse(doc.metadata['creation-timestamp']);
    const at = Number.isFinite(started) ? started : Date.now();
    return this.#store?.record(doc, changes, at).problems.map(line) ?? [];
  }

  /** Records changes of the netlink source (between discoveries); returns problem lines. */
  recordEvents(changes: readonly FeedChangeV1[]): string[] {
    return this.#store?.recordEvents(changes).map(line) ?? [];
  }

  /** Answers a history request. Never throws. */
  answer(req: HistoryRequest, now: number = Date.now()): HistoryAnswer {
    const store = this.#store;
    if (store === undefined)
      return { statusCode: 503, code: 'GW_ERR_STORE_UNAVAILABLE', message: this.#why };
    try {
      if (req.kind === 'history') {
        const list = store.list({
          ...(req.from === undefined ? {} : { from: req.from }),
          ...(req.to === undefined ? {} : { to: req.to }),
          ...(req.limit === undefined ? {} : { limit: req.limit }),
        });
        return {
          json: `${JSON.stringify({
            snapshots: list.map(entryJson),
            'stored-bytes': store.storedBytes(),
          })}\n`,
        };
      }
      const to = req.to ?? now;
      if (req.from > to)
        return {
          statusCode: 400,
          code: 'GW_ERR_HTTP_BAD_REQUEST',
          message: 'from must not be after to',
        };
      const a = store.entryAt(req.from);
      const b = store.entryAt(to);
      if (a === undefined || b === undefined)
        return {
          statusCode: 404,
          code: 'GW_ERR_HTTP_NOT_FOUND',
          message: 'no history recorded yet',
        };
      const da = store.document(a.id);
      const db = store.document(b.id);
      if (da === undefined || db === undefined)
        return {
          statusCode: 404,
          code: 'GW_ERR_HTTP_NOT_FOUND',
          message: 'the snapshot was removed by retention meanwhile',
        };
      const d = diffV1(da, db);
      const events = store.events(req.from, to).slice(-DIFF_EVENTS_MAX);
      return {
        json: `${JSON.stringify({
          ...d,
          snapshots: { from: entryJson(a), to: entryJson(b) },
          events: events.map((e) => ({ time: new Date(e.time).toISOString(), changes: e.events })),
        })}\n`,
      };
    } catch (e: unknown) {
      return {
        statusCode: 503,
        code: 'GW_ERR_STORE_CORRUPT',
        message: `history: cannot read the store: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }

  close(): void {
    this.#store?.close();
  }
}
