// SPDX-License-Identifier: MIT
/**
 * @module server/app
 *
 * Builds the fastify application of `ghostwire serve`: logging (pino, one line per request),
 * limits and timeouts, the token rule, security headers, the one error mapping, the route
 * plugins from the explicit list in `routes/index.ts`, websocket upgrades (`ws`, routed by exact
 * path), 405 with `Allow` for wrong methods, JSON 404 for unknown `/api/*`, and the web UI with
 * SPA fallback for everything else. See docs/server.md.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { WebSocketServer } from 'ws';
import { OPEN_PATHS, checkToken, tokenCookie, withoutTokenLocation } from './auth.js';
import type { RoutePlugin, ServerContext, WebSocketRoute } from './context.js';
import { httpError, sendError } from './http-errors.js';
import { ROUTES } from './routes/index.js';
import { serveUi } from './routes/ui.js';

/** Limits of the HTTP server. */
export const LIMITS = {
  /** No route takes a body; anything larger is refused with 413. */
  bodyBytes: 16 * 1024,
  headerBytes: 16 * 1024,
  /** Whole request, including a long discovery. */
  requestMs: 120_000,
  headersMs: 10_000,
  keepAliveMs: 5_000,
  wsPayloadBytes: 4 * 1024,
} as const;

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function queryToken(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const v = new URLSearchParams(url.slice(q + 1)).get('token');
  return v === null ? undefined : v;
}

/** The request URL for logs: the `token` parameter masked. */
export function loggableUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1***');
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)(?::\d+)?$/i;

function isLoopbackListen(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Builds the app (not listening yet). */
export async function buildApp(
  ctx: ServerContext,
  routes: readonly RoutePlugin[] = ROUTES,
): Promise<FastifyInstance> {
  const { options } = ctx;
  const app = Fastify({
    logger: { level: options.logLevel },
    // fastify's two lines per request are replaced by our one (onResponse hook below)
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.bodyBytes,
    requestTimeout: LIMITS.requestMs,
    keepAliveTimeout: LIMITS.keepAliveMs,
    connectionTimeout: 0,
    http: { maxHeaderSize: LIMITS.headerBytes },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: false,
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler: (err: Error & { code?: string }, socket) => {
      if (!socket.writable) return;
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({
        code: 'GW_ERR_HTTP_BAD_REQUEST',
        message: status === 431 ? 'request headers too large' : 'malformed request',
      });
      socket.end(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    },
  });
  app.server.headersTimeout = LIMITS.headersMs;

  // --- methods per path, for 405 + Allow
  const methods = new Map<string, Set<string>>();
  app.addHook('onRoute', (r) => {
    const set = methods.get(r.url) ?? new Set<string>();
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) {
      set.add(m);
      if (m === 'GET') set.add('HEAD');
    }
    methods.set(r.url, set);
  });

  const loopbackOnly = isLoopbackListen(options.host);

  // --- host check, token rule, security headers
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    const path = pathOf(req.url);
    if (loopbackOnly && !LOOPBACK_HOSTS.test(req.headers.host ?? '')) {
      return sendError(reply, 403, {
        code: 'GW_ERR_HTTP_FORBIDDEN',
        message: 'this service listens on loopback only; use http://127.0.0.1 or localhost',
      });
    }
    if (options.token === undefined || OPEN_PATHS.has(path)) return;
    const qt = queryToken(req.url);
    const { ok, via } = checkToken(options.token, {
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      queryToken: qt,
    });
    if (!ok) {
      return sendError(reply.header('www-authenticate', 'Bearer realm="ghostwire"'), 401, {
        code: 'GW_ERR_HTTP_UNAUTHORIZED',
        message:
          'a token is required: send "Authorization: Bearer <token>" or open a link with ?token=<token>',
      });
    }
    if (via === 'query') {
      const secure = req.headers['x-forwarded-proto'] === 'https';
      reply.header('set-cookie', tokenCookie(options.token, secure));
      const isApi = path === '/json' || path === '/mobyshark' || path.startsWith('/api/');
      if ((req.method === 'GET' || req.method === 'HEAD') && !isApi && !methods.has(path)) {
        return reply.code(303).header('location', withoutTokenLocation(req.url)).send();
      }
    }
    return;
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? (req.is404 ? 'fallback' : 'unknown');
    ctx.metrics.request(req.method, route, reply.statusCode);
    req.log.info(
      {
        method: req.method,
        url: loggableUrl(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body, internal } = httpError(err);
    if (internal) req.log.error({ err }, 'request failed');
    return sendError(reply, status, body);
  });

  app.setNotFoundHandler(async (req, reply) => {
    const path = pathOf(req.url);
    const allowed = methods.get(path);
    if (allowed !== undefined) {
      return sendError(reply.header('allow', [...allowed].sort().join(', ')), 405, {
        code: 'GW_ERR_HTTP_METHOD',
        message: `${req.method} is not allowed on ${path}`,
      });
    }
    if (path === '/api' || path.startsWith('/api/')) {
      return sendError(reply, 404, {
        code: 'GW_ERR_HTTP_NOT_FOUND',
        message: `no API route ${path}`,
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(reply.header('allow', 'GET, HEAD'), 405, {
        code: 'GW_ERR_HTTP_METHOD',
        message: `${req.method} is not allowed on ${path}`,
      });
    }
    return serveUi(ctx, req as FastifyRequest, reply, path);
  });

  // --- routes and websockets from the explicit list
  const wsRoutes = new Map<string, WebSocketRoute>();
  for (const plugin of routes) {
    await app.register(
      async (scope) => {
        await plugin.register(scope, ctx);
      },
      { name: plugin.name } as never,
    );
    for (const w of plugin.websockets?.(ctx) ?? []) wsRoutes.set(w.path, w);
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.wsPayloadBytes });
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    handleUpgrade(ctx, wss, wsRoutes, loopbackOnly, req, socket, head);
  });
  ctx.onShutdown(() => {
    for (const c of wss.clients) c.close(1001, 'server shutting down');
  });
  return app;
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ code, message });
  const reason =
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      503: 'Service Unavailable',
    }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function handleUpgrade(
  ctx: ServerContext,
  wss: WebSocketServer,
  routes: ReadonlyMap<string, WebSocketRoute>,
  loopbackOnly: boolean,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  socket.on('error', () => socket.destroy());
  const rawUrl = req.url ?? '/';
  const host = req.headers.host ?? '';
  let url: URL;
  try {
    url = new URL(rawUrl, 'http://localhost');
  } catch {
    refuse(socket, 400, 'GW_ERR_HTTP_BAD_REQUEST', 'malformed request URL');
    return;
  }
  if (loopbackOnly && !LOOPBACK_HOSTS.test(host)) {
    refuse(socket, 403, 'GW_ERR_HTTP_FORBIDDEN', 'this service listens on loopback only');
    return;
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    const forwardedHost = req.headers['x-forwarded-host'];
    if (originHost !== host && originHost !== forwardedHost) {
      refuse(socket, 403, 'GW_ERR_HTTP_FORBIDDEN', 'cross-origin websocket refused');
      return;
    }
  }
  const token = ctx.options.token;
  if (token !== undefined) {
    const qt = url.searchParams.get('token');
    const { ok } = checkToken(token, {
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      queryToken: qt === null ? undefined : qt,
    });
    if (!ok) {
      refuse(socket, 401, 'GW_ERR_HTTP_UNAUTHORIZED', 'a token is required');
      return;
    }
  }
  const route = routes.get(url.pathname);
  if (route === undefined) {
    refuse(socket, 404, 'GW_ERR_HTTP_NOT_FOUND', `no websocket route ${url.pathname}`);
    return;
  }
  const bad = route.check?.(url);
  if (bad !== undefined) {
    refuse(socket, bad.status, bad.code, bad.message);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => ws.terminate());
    route.handle(ws, req, url);
  });
}
