// SPDX-License-Identifier: MIT
/**
 * @module hooks/useLive
 *
 * Fetches `json` at once on load, subscribes to the change feed (`api/events`, SSE) and fetches
 * again (debounced) whenever the feed reports a change; without a feed it polls every 15 s.
 * All URLs are relative to `<base href>`.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { DiscoveryResultV1 } from '@gw/api';
import { INITIAL_LIVE, liveReducer, type FeedEvent, type LiveState } from '../models/feed';
import type { LintFindingDto } from '../models/lint';

const EVENT_TYPES = [
  'netns-added',
  'netns-removed',
  'nif-added',
  'nif-removed',
  'nif-changed',
  'route-added',
  'route-removed',
  'container-started',
  'container-paused',
  'container-unpaused',
  'container-stopped',
  'port-opened',
  'port-closed',
  'forward-added',
  'forward-removed',
  'resync',
];

/** Hook: the live state and a manual refresh. */
export function useLive(): [LiveState, () => void] {
  const [state, dispatch] = useReducer(liveReducer, INITIAL_LIVE);
  const inflight = useRef(false);
  const again = useRef(false);
  const lastText = useRef('');

  const load = useCallback(async (): Promise<void> => {
    if (inflight.current) {
      again.current = true;
      return;
    }
    inflight.current = true;
    try {
      const r = await fetch('json', { headers: { accept: 'application/json' } });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const text = await r.text();
      // an unchanged document keeps its objects: no model rebuild, no re-render of the cards
      if (text === lastText.current) dispatch({ type: 'unchanged', at: Date.now() });
      else {
        lastText.current = text;
        dispatch({ type: 'loaded', doc: JSON.parse(text) as DiscoveryResultV1, at: Date.now() });
      }
    } catch (e: unknown) {
      dispatch({ type: 'load-failed', error: e instanceof Error ? e.message : String(e) });
    } finally {
      inflight.current = false;
      if (again.current) {
        again.current = false;
        void load();
      }
    }
  }, []);

  useEffect(() => {
    void load();
    if (typeof EventSource === 'undefined') {
      dispatch({ type: 'feed-unavailable' });
      return undefined;
    }
    const es = new EventSource('api/events');
    let opened = false;
    es.onopen = () => {
      opened = true;
      dispatch({ type: 'feed-open' });
    };
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        dispatch(opened ? { type: 'feed-error', willRetry: false } : { type: 'feed-unavailable' });
      } else dispatch({ type: 'feed-error', willRetry: true });
    };
    const on = (ev: MessageEvent<string>): void => {
      try {
        const e = JSON.parse(ev.data) as FeedEvent;
        dispatch({ type: 'event', event: { ...e, type: e.type ?? ev.type }, at: Date.now() });
      } catch {
        dispatch({ type: 'event', event: { seq: 0, time: '', type: ev.type }, at: Date.now() });
      }
    };
    for (const t of EVENT_TYPES) es.addEventListener(t, on);
    es.onmessage = on;
    return () => es.close();
  }, [load]);

  // debounced refetch on feed changes
  useEffect(() => {
    if (!state.stale) return undefined;
    const t = window.setTimeout(() => void load(), 250);
    return () => window.clearTimeout(t);
  }, [state.stale, state.seq, load]);

  // polling fallback without a feed
  useEffect(() => {
    if (state.connection !== 'static' && state.connection !== 'offline') return undefined;
    const t = window.setInterval(() => void load(), 15_000);
    return () => window.clearInterval(t);
  }, [state.connection, load]);

  return [state, () => void load()];
}

/**
 * Lint findings for the current document, when the service offers `api/lint` (the analysis
 * routes); `[]` without them. Fetched again whenever the document changes.
 */
export function useLint(doc: DiscoveryResultV1 | undefined): LintFindingDto[] {
  const [findings, setFindings] = useState<LintFindingDto[]>([]);
  useEffect(() => {
    if (doc === undefined) return undefined;
    let live = true;
    fetch('api/lint', { headers: { accept: 'application/json' } })
      .then(async (r) => (r.ok ? ((await r.json()) as { findings?: LintFindingDto[] }) : {}))
      .then((j) => {
        if (live) setFindings(Array.isArray(j.findings) ? j.findings : []);
      })
      .catch(() => {
        if (live) setFindings([]);
      });
    return () => {
      live = false;
    };
  }, [doc]);
  return findings;
}
