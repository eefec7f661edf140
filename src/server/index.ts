// SPDX-License-Identifier: MIT
/**
 * @module server
 *
 * `ghostwire serve`: {@link startServer} wires the discovery worker (discovery-service.ts),
 * the change feed (feed.ts) and its driver, metrics and the fastify app (app.ts), listens, and
 * returns a handle whose `close()` shuts down gracefully within the shutdown budget. See
 * docs/server.md.
 *
 * Feed driver: while at least one feed stream is open, a reconcile discovery runs every
 * `reconcileMs`, and an engine change (container started, stopped, paused…) triggers one at
 * once; every discovery — also those `/json` requests cause — is diffed against the previous
 * one in the worker, and the changes are published. With nobody listening no reconcile runs;
 * the engine watchers keep tracking the workload in the worker regardless.
 *
 * Netlink source: the worker keeps one RTNETLINK socket per netns subscribed to link, address
 * and route changes and posts what they report within its drain period (20 ms); an overrun
 * (lost notifications) triggers a discovery at once. See docs/server.md.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ServerContext } from './context.js';
import { DiscoveryService, discoveryWorkerEntry, type WorkerEntry } from './discovery-service.js';
import { FeedHub } from './feed.js';
import { Metrics } from './metrics.js';
import type { ServeOptions } from './options.js';
import { UiFiles } from './ui.js';
import { ProjectError, errorMessage } from '../errors.js';

export { DEFAULT_LISTEN, decodeBrandIcon, parseDuration, parseListen } from './options.js';
export type { ServeOptions } from './options.js';
export type { HistoryConfig } from './history.js';
export { defaultUiDir } from './ui.js';
export { discoveryWorkerEntry, type WorkerEntry } from './discovery-service.js';
export { ROUTES } from './routes/index.js';
export type { RoutePlugin, ServerContext, WebSocketRoute } from './context.js';

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:5000/`. */
  readonly url: string;
  readonly app: FastifyInstance;
  /**
   * Graceful shutdown: stop accepting, end feed streams, let requests in flight finish (at
   * most `shutdownMs`, then connections are cut), stop the worker. Idempotent.
   */
  close(): Promise<void>;
}

/** Starts the service. Throws `GW_ERR_SERVER_LISTEN` when it cannot listen. */
export async function startServer(
  options: ServeOptions,
  extra: { readonly workerEntry?: WorkerEntry } = {},
): Promise<RunningServer> {
  const feed = new FeedHub(options.feedRing);
  const metrics = new Metrics(() => feed.subscribers);
  const shutdownHooks: Array<() => void> = [];
  // the app is built after the service it uses; the service's callbacks log through it
  const holder: { app?: FastifyInstance } = {};
  let reconcileTimer: NodeJS.Timeout | undefined;
  let closing = false;

  const service = new DiscoveryService({
    entry: extra.workerEntry ?? discoveryWorkerEntry(),
    config: {
      engineWaitMs: options.engineWaitMs,
      creatorVersion: options.creatorVersion,
      ...(options.history === undefined ? {} : { history: options.history }),
    },
    maxAgeMs: options.maxAgeMs,
    timeoutMs: options.discoveryTimeoutMs,
    onSnapshot(s, changes, diffed) {
      metrics.discovery(s);
      const log = holder.app?.log;
      log?.info(
        {
          ms: s.durationMs,
          netns: s.summary.netns,
          problems: s.problems.length,
          changes: changes.length,
        },
        'discovery',
      );
      for (const p of s.problems) log?.warn({ problem: p }, 'discovery problem');
      if (diffed && changes.length > 0) {
        for (const e of feed.publish(changes, 'reconcile')) metrics.feedEvent(e.type);
      }
    },
    onContainersChanged() {
      // engine event: refresh now if anyone listens to the feed
      if (!closing && feed.subscribers > 0) void service.get({ maxAgeMs: 0 }).catch(() => {});
    },
    onNetlinkChanges(changes) {
      if (closing) return;
      for (const e of feed.publish(changes, 'netlink')) metrics.feedEvent(e.type);
    },
    onEngineChanges(changes) {
      if (closing) return;
      for (const e of feed.publish(changes, 'engine')) metrics.feedEvent(e.type);
    },
    onMonitorProblems(overruns, problems) {
      const log = holder.app?.log;
      for (const p of problems) log?.warn({ problem: p }, 'change monitor problem');
      // notifications were lost: re-read everything now (the reconcile diff fills the gap)
      if (overruns.length > 0 && !closing) void service.get({ maxAgeMs: 0 }).catch(() => {});
    },
    onWatchers: (w) => metrics.watchers(w),
    onProblems(problems) {
      for (const p of problems) holder.app?.log.warn({ problem: p }, 'history problem');
    },
    onWorkerError: (e) => holder.app?.log.error({ err: e }, 'discovery worker failed'),
    onWorkerReady(info) {
      const log = holder.app?.log;
      if (info.nice === null)
        log?.warn({ tid: info.tid, reason: info.niceError }, 'discovery worker keeps priority');
      else log?.debug({ tid: info.tid, nice: info.nice }, 'discovery worker ready');
    },
  });

  const ctx: ServerContext = {
    options,
    service,
    feed,
    metrics,
    ui: new UiFiles(options.uiDir),
    onShutdown: (fn) => shutdownHooks.push(fn),
  };
  const app = await buildApp(ctx);
  holder.app = app;
  app.addHook('preClose', async () => {
    for (const fn of shutdownHooks.splice(0)) fn();
  });

  service.start();
  // prime: the first discovery (readiness) and the engine watchers start right away
  void service.get({ maxAgeMs: 0 }).catch((e: unknown) => {
    holder.app?.log.error({ err: e }, 'first discovery failed');
  });

  if (options.reconcileMs > 0) {
    const tick = (): void => {
      if (!closing && feed.subscribers > 0 && !service.busy)
        void service.get({ maxAgeMs: 0 }).catch(() => {});
    };
    reconcileTimer = setInterval(tick, options.reconcileMs);
    reconcileTimer.unref();
  }

  let address: string;
  try {
    address = await app.listen({ host: options.host, port: options.port });
  } catch (e: unknown) {
    await service.close();
    await app.close().catch(() => undefined);
    throw new ProjectError(
      'GW_ERR_SERVER_LISTEN',
      `cannot listen on ${options.host}:${options.port}: ${errorMessage(e)}`,
      { cause: e, details: { host: options.host, port: options.port } },
    );
  }
  const url = `${address.replace(/\/$/, '')}/`;

  let closed: Promise<void> | undefined;
  return {
    url,
    app,
    close(): Promise<void> {
      closed ??= (async () => {
        closing = true;
        if (reconcileTimer !== undefined) clearInterval(reconcileTimer);
        const a = holder.app;
        const force = setTimeout(() => {
          a?.log.warn('shutdown budget exhausted: closing all connections');
          a?.server.closeAllConnections();
        }, options.shutdownMs);
        force.unref();
        try {
          await a?.close();
        } finally {
          clearTimeout(force);
          await service.close();
        }
      })();
      return closed;
    },
  };
}
