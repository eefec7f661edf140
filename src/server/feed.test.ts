// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import type { FeedChangeV1 } from '../api/v1/index.js';
import { FeedHub } from './feed.js';

const netns = (n: number): FeedChangeV1 => ({
  type: 'netns-added',
  netns: { id: `netns-${n}`, netns: n },
});

describe('FeedHub', () => {
  it('numbers events from 1, stamps them and delivers them to subscribers', () => {
    const hub = new FeedHub(8, () => Date.UTC(2026, 0, 1));
    const got: number[] = [];
    const off = hub.subscribe((e) => got.push(e.seq));
    const evs = hub.publish([netns(1), netns(2)], 'reconcile');
    expect(evs.map((e) => [e.seq, e.time, e.source, e.type])).toEqual([
      [1, '2026-01-01T00:00:00.000Z', 'reconcile', 'netns-added'],
      [2, '2026-01-01T00:00:00.000Z', 'reconcile', 'netns-added'],
    ]);
    off();
    hub.publish([netns(3)], 'engine');
    expect(got).toEqual([1, 2]);
    expect(hub.subscribers).toBe(0);
  });

  it('replays from the ring and signals a resync once events were lost', () => {
    const hub = new FeedHub(3);
    hub.publish([1, 2, 3, 4, 5].map(netns), 'netlink');
    expect(hub.oldest).toBe(3);
    expect(hub.replay(3).events.map((e) => e.seq)).toEqual([4, 5]);
    expect(hub.replay(2).resync).toBeUndefined();
    expect(hub.replay(2).events.map((e) => e.seq)).toEqual([3, 4, 5]);
    const lost = hub.replay(1);
    expect(lost.resync).toMatchObject({ type: 'resync', oldest: 3 });
    expect(lost.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(hub.replay(5)).toEqual({ events: [] });
    expect(hub.replay(99).resync?.type).toBe('resync');
  });

  it('rejects a capacity below one', () => {
    expect(() => new FeedHub(0)).toThrow(RangeError);
  });
});
