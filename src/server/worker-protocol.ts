// SPDX-License-Identifier: MIT
/**
 * @module server/worker-protocol
 *
 * Messages between the HTTP thread and the discovery worker (`discovery-worker.ts`), and the
 * pure summary the worker computes for `/metrics`. Only plain, structured-clone-able data
 * crosses: the v1 documents travel as ready-serialised JSON strings so the HTTP thread never
 * walks the object graph.
 */
import type { DiscoveryResultV1, FeedChangeV1 } from '../api/v1/index.js';
import type { DiscoveryResult, DiscoveryTimings } from '../model/discovery.js';
import type { HistoryConfig, HistoryRequest } from './history.js';

/** Options the worker's discovery context is created with. */
export interface WorkerConfig {
  readonly engineWaitMs: number;
  readonly creatorVersion: string;
  readonly procRoot?: string;
  /**
   * Period (ms) of draining the RTNETLINK monitor sockets for the change feed's netlink
   * source (default 20; 0 = no netlink source, changes only from the reconcile).
   */
  readonly monitorMs?: number;
  /** The history store (docs/history.md); absent: no history (`--no-history`). */
  readonly history?: HistoryConfig;
}

/**
 * Nice value of the discovery worker thread (and of the short-lived native threads it starts,
 * which inherit it): lower priority than the HTTP thread (nice 0), so `/healthz`, static files
 * and `/metrics` are not starved by a long discovery on a small host (docs/server.md).
 */
export const WORKER_NICE = 10;

/** HTTP thread → worker. */
export type ToWorker =
  | { readonly type: 'discover'; readonly id: number; readonly ieappicons: boolean }
  | { readonly type: 'analyse'; readonly id: number; readonly request: AnalysisRequest }
  | { readonly type: 'close' };

/** An analysis over the worker's latest discovery (`GET /api/why`, `GET /api/lint`). */
export type AnalysisRequest =
  | {
      readonly kind: 'why';
      readonly from: string;
      readonly to: string;
      readonly port?: number;
      readonly protocol?: 'tcp' | 'udp';
    }
  | { readonly kind: 'lint' }
  /** `GET /api/history`, `GET /api/diff`: answered from the history store. */
  | HistoryRequest;

/** Counts of one discovery, for `/metrics`. */
export interface DiscoverySummary {
  readonly netns: number;
  /** Interfaces by kernel kind (`veth`, `bridge`, … ; `''` for kind-less devices). */
  readonly nifsByKind: Record<string, number>;
  /** `<engine type>\u0000<status>` → count. */
  readonly containers: Record<string, number>;
  readonly ports: number;
  readonly forwards: number;
  readonly problemsByCode: Record<string, number>;
  readonly timings: DiscoveryTimings;
}

/** State of one engine watcher. */
export interface WatcherInfo {
  readonly engine: string;
  readonly endpoint: string;
  readonly state: string;
}

/** Worker → HTTP thread. */
export type FromWorker =
  | {
      readonly type: 'result';
      readonly id: number;
      /** The v1 `/json` document, serialised. */
      readonly json: string;
      /** The `/mobyshark` document, serialised. */
      readonly mobyshark: string;
      readonly summary: DiscoverySummary;
      /** Changes against the previous discovery of this worker (empty for the first). */
      readonly changes: FeedChangeV1[];
      /** False for the very first discovery (its changes are not a diff). */
      readonly diffed: boolean;
      readonly watchers: WatcherInfo[];
      /** Problems of this discovery as one line each (`code subject: message`), for the log. */
      readonly problems: string[];
    }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly type: 'analysis'; readonly id: number; readonly json: string }
  | {
      readonly type: 'analysis-error';
      readonly id: number;
      readonly statusCode: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly type: 'containers-changed'; readonly watchers: WatcherInfo[] }
  /** Changes the RTNETLINK monitor saw (already applied to the worker's feed state). */
  | { readonly type: 'netlink-changes'; readonly changes: FeedChangeV1[] }
  /** Container changes from the engine watchers (already applied to the worker's feed state). */
  | { readonly type: 'engine-changes'; readonly changes: FeedChangeV1[] }
  /**
   * Monitor trouble: `overruns` = netns whose notifications were lost (ENOBUFS), so a
   * reconcile is due; `problems` one line each, for the log.
   */
  | {
      readonly type: 'monitor-problems';
      readonly overruns: number[];
      readonly problems: string[];
    }
  /** Other problems for the log, one line each (the history store's). */
  | { readonly type: 'problems'; readonly problems: string[] }
  /**
   * The worker is up. `tid`: its thread id; `nice`: the nice value it runs at (it lowers its
   * own priority to {@link WORKER_NICE} so the HTTP thread wins the CPU during a discovery),
   * or null with `niceError` when that failed (it then runs at the process's priority).
   */
  | {
      readonly type: 'ready';
      readonly tid: number;
      readonly nice: number | null;
      readonly niceError?: string;
    };

/** Summarises a discovery for `/metrics` (pure). */
export function summarize(result: DiscoveryResult, doc: DiscoveryResultV1): DiscoverySummary {
  const nifsByKind: Record<string, number> = {};
  for (const nn of result.network.netns.values())
    for (const nif of nn.nifs.values()) nifsByKind[nif.kind] = (nifsByKind[nif.kind] ?? 0) + 1;
  let ports = 0;
  for (const list of result.ports.values()) ports += list.length;
  let forwards = 0;
  for (const n of doc['network-namespaces'])
    forwards += n['forwarded-ports'].ipv4.length + n['forwarded-ports'].ipv6.length;
  const containers: Record<string, number> = {};
  for (const c of result.containers.containers) {
    const k = `${c.type}\u0000${c.status}`;
    containers[k] = (containers[k] ?? 0) + 1;
  }
  const problemsByCode: Record<string, number> = {};
  for (const p of result.problems) problemsByCode[p.code] = (problemsByCode[p.code] ?? 0) + 1;
  return {
    netns: new Set([
      ...result.namespaces.byType.net.map((n) => n.id.ino),
      ...result.network.netns.keys(),
    ]).size,
    nifsByKind,
    containers,
    ports,
    forwards,
    problemsByCode,
    timings: result.timings,
  };
}
