// SPDX-License-Identifier: MIT
/**
 * @module server/context
 *
 * What route plugins get: the discovery service, the change feed, metrics, the UI files and
 * the resolved options; plus the contract of a route plugin (a name and a `register` function,
 * listed explicitly in `routes/index.ts`) and of a websocket route.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { DiscoveryService } from './discovery-service.js';
import type { FeedHub } from './feed.js';
import type { Metrics } from './metrics.js';
import type { ServeOptions } from './options.js';
import type { UiFiles } from './ui.js';

/** Shared state of one server. */
export interface ServerContext {
  readonly options: ServeOptions;
  readonly service: DiscoveryService;
  readonly feed: FeedHub;
  readonly metrics: Metrics;
  readonly ui: UiFiles;
  /** Called on shutdown before the HTTP server closes (ends streams, closes websockets). */
  readonly onShutdown: (fn: () => void) => void;
}

/** A websocket route: the handler gets the upgraded socket and the parsed request URL. */
export interface WebSocketRoute {
  readonly path: string;
  /**
   * Checks the request before the upgrade; returns an HTTP status with a JSON error
   * (`{code, message}`) to refuse it, or undefined to upgrade.
   */
  readonly check?: (url: URL) => { status: number; code: string; message: string } | undefined;
  readonly handle: (ws: WebSocket, req: IncomingMessage, url: URL) => void;
}

/** One route plugin (fastify-style; registered from the explicit list in routes/index.ts). */
export interface RoutePlugin {
  readonly name: string;
  readonly register: (app: FastifyInstance, ctx: ServerContext) => void | Promise<void>;
  /** Websocket routes of the plugin (upgrade requests are routed by exact path). */
  readonly websockets?: (ctx: ServerContext) => readonly WebSocketRoute[];
}
