// SPDX-License-Identifier: MIT
/**
 * @module server/feed
 *
 * The change feed's hub: numbers changes (`seq` 1, 2, …), stamps them, keeps the last
 * `capacity` events in a ring for `Last-Event-ID` resume, and fans them out to subscribers
 * (SSE responses, websockets, tests). Pure in-memory; no I/O.
 */
import type { FeedChangeV1, FeedEventV1, FeedSource, ResyncEventV1 } from '../api/v1/index.js';

/** A subscriber callback; it must not throw. */
export type FeedListener = (e: FeedEventV1) => void;

/** The events after `since`, or a resync marker when the ring no longer reaches back. */
export interface Replay {
  readonly events: FeedEventV1[];
  /** Set when events after `since` were lost (ring overrun, or `since` is from the future). */
  readonly resync?: ResyncEventV1;
}

/** Numbering, ring and fan-out of feed events. */
export class FeedHub {
  readonly #capacity: number;
  readonly #ring: FeedEventV1[] = [];
  readonly #listeners = new Set<FeedListener>();
  #seq = 0;
  #now: () => number;

  constructor(capacity = 4096, now: () => number = Date.now) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1');
    this.#capacity = capacity;
    this.#now = now;
  }

  /** Last seq handed out (0 before the first event). */
  get seq(): number {
    return this.#seq;
  }

  /** Oldest seq still in the ring (0 when empty). */
  get oldest(): number {
    return this.#ring[0]?.seq ?? 0;
  }

  /** Number of subscribers. */
  get subscribers(): number {
    return this.#listeners.size;
  }

  /** Numbers, stores and delivers changes; returns the events. */
  publish(changes: readonly FeedChangeV1[], source: FeedSource): FeedEventV1[] {
    const time = new Date(this.#now()).toISOString();
    const out: FeedEventV1[] = [];
    for (const c of changes) {
      const e = { seq: ++this.#seq, time, source, ...c } as FeedEventV1;
      this.#ring.push(e);
      out.push(e);
    }
    if (this.#ring.length > this.#capacity)
      this.#ring.splice(0, this.#ring.length - this.#capacity);
    for (const e of out) for (const l of this.#listeners) l(e);
    return out;
  }

  /** Events with seq > `since` still in the ring. */
  replay(since: number): Replay {
    if (since >= this.#seq) {
      if (since === this.#seq) return { events: [] };
      // a seq from the future: from an earlier server process
      return { events: [], resync: this.#resync() };
    }
    const oldest = this.oldest;
    const events = this.#ring.filter((e) => e.seq > since);
    if (oldest === 0 || since < oldest - 1) return { events, resync: this.#resync() };
    return { events };
  }

  /** Adds a listener; returns its remover. */
  subscribe(l: FeedListener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  #resync(): ResyncEventV1 {
    // not numbered: it describes the stream, it is no change
    return {
      seq: this.#seq,
      time: new Date(this.#now()).toISOString(),
      source: 'reconcile',
      type: 'resync',
      oldest: this.oldest,
    };
  }
}
