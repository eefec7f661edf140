// SPDX-License-Identifier: MIT
/**
 * @module models/feed
 *
 * The live state reducer. The service's change feed (`api/events`, Server-Sent Events with
 * `event: <type>` and a JSON `data` carrying `seq`, `time`, `type`; see the server's
 * api/v1/events.ts) tells the UI *that* something changed; the UI then fetches `json` again and
 * applies the new document in place. The reducer tracks the connection, when data last arrived,
 * a pending refetch, and which netns changed since the page was opened (for highlighting).
 */
import type { DiscoveryResultV1 } from '@gw/api';

/** Connection state shown in the header. */
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'static';

/** The minimal shape of a feed event the UI relies on (unknown types are fine). */
export interface FeedEvent {
  seq: number;
  time: string;
  type: string;
  netns?: { netns: number } | number;
  nif?: { netns: number };
  container?: { netns: number };
  port?: { netns: number };
  route?: { netns: number };
  forward?: { netns: number };
}

/** The live state. */
export interface LiveState {
  doc: DiscoveryResultV1 | undefined;
  connection: Connection;
  /** ms since epoch of the last applied document. */
  updatedAt: number;
  /** Last feed sequence number seen. */
  seq: number;
  /** A refetch was requested by the feed and not yet applied. */
  stale: boolean;
  /** Netns inodes changed since the page opened, with the time of the change. */
  changed: Record<number, number>;
  error: string;
}

/** Actions. */
export type LiveAction =
  | { type: 'loaded'; doc: DiscoveryResultV1; at: number }
  | { type: 'unchanged'; at: number }
  | { type: 'load-failed'; error: string }
  | { type: 'feed-open' }
  | { type: 'feed-error'; willRetry: boolean }
  | { type: 'feed-unavailable' }
  | { type: 'event'; event: FeedEvent; at: number };

/** Initial state. */
export const INITIAL_LIVE: LiveState = {
  doc: undefined,
  connection: 'connecting',
  updatedAt: 0,
  seq: 0,
  stale: false,
  changed: {},
  error: '',
};

function eventNetns(e: FeedEvent): number | undefined {
  if (typeof e.netns === 'number') return e.netns;
  return (
    e.netns?.netns ??
    e.nif?.netns ??
    e.container?.netns ??
    e.port?.netns ??
    e.route?.netns ??
    e.forward?.netns
  );
}

/** Netns whose content differs between two documents (added ones included; for highlighting). */
export function changedNetns(prev: DiscoveryResultV1, next: DiscoveryResultV1): number[] {
  const before = new Map(prev['network-namespaces'].map((n) => [n.netnsid, JSON.stringify(n)]));
  return next['network-namespaces']
    .filter((n) => before.get(n.netnsid) !== JSON.stringify(n))
    .map((n) => n.netnsid);
}

/** The reducer. */
export function liveReducer(s: LiveState, a: LiveAction): LiveState {
  switch (a.type) {
    case 'loaded': {
      const changed = { ...s.changed };
      if (s.doc !== undefined) for (const ino of changedNetns(s.doc, a.doc)) changed[ino] = a.at;
      return { ...s, doc: a.doc, updatedAt: a.at, stale: false, changed, error: '' };
    }
    case 'unchanged':
      return { ...s, updatedAt: a.at, stale: false, error: '' };
    case 'load-failed':
      return { ...s, error: a.error, stale: false };
    case 'feed-open':
      return { ...s, connection: 'live' };
    case 'feed-error':
      return { ...s, connection: a.willRetry ? 'reconnecting' : 'offline' };
    case 'feed-unavailable':
      return { ...s, connection: 'static' };
    case 'event': {
      if (a.event.seq !== 0 && a.event.seq <= s.seq && a.event.type !== 'resync') return s;
      const ino = eventNetns(a.event);
      const changed = ino !== undefined ? { ...s.changed, [ino]: a.at } : s.changed;
      return { ...s, seq: Math.max(s.seq, a.event.seq), stale: true, changed, connection: 'live' };
    }
  }
}

/** "updated N s ago" text. */
export function agoText(updatedAt: number, now: number): string {
  if (updatedAt === 0) return 'never updated';
  const s = Math.max(0, Math.round((now - updatedAt) / 1000));
  if (s < 60) return `updated ${s} s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `updated ${m} min ago` : `updated ${Math.round(m / 60)} h ago`;
}
