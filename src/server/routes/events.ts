// SPDX-License-Identifier: MIT
/**
 * @module server/routes/events
 *
 * The live change feed (types: src/api/v1/events.ts):
 * - `GET /api/events` — Server-Sent Events. `Last-Event-ID` (or `?since=SEQ`) resumes from the
 *   ring; `?types=a,b` restricts the event types. A comment line every 15 s keeps proxies from
 *   closing an idle stream. A client that cannot keep up (more than 1 MiB unsent) is dropped
 *   and resumes with `Last-Event-ID`.
 * - `/api/events/ws` — the same events as websocket text frames (`?since`, `?types` alike);
 *   a plain GET gets 426.
 * While at least one stream is open, the server keeps the feed current (reconcile discoveries
 * and engine-triggered ones, see ../feed-driver.ts).
 */
import type { FastifyReply } from 'fastify';
import type { WebSocket } from 'ws';
import { FEED_EVENT_TYPES, type FeedEventV1, type FeedEventType } from '../../api/v1/index.js';
import { ApiError } from '../../errors.js';
import type { RoutePlugin, ServerContext } from '../context.js';
import { sendError } from '../http-errors.js';

const MAX_BUFFERED = 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** Parses a resume point (`Last-Event-ID` / `since`): a non-negative integer. */
export function parseSince(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v.trim()))
    throw new ApiError('GW_ERR_HTTP_BAD_REQUEST', 'Last-Event-ID/since must be a sequence number', {
      statusCode: 400,
    });
  return Number(v.trim());
}

/** Parses `types=a,b` into a filter (undefined: all). */
export function parseTypes(v: string | undefined): ReadonlySet<FeedEventType> | undefined {
  if (v === undefined || v === '') return undefined;
  const known = new Set<string>(FEED_EVENT_TYPES);
  const out = new Set<FeedEventType>();
  for (const t of v.split(',').map((s) => s.trim())) {
    if (t === '') continue;
    if (!known.has(t))
      throw new ApiError('GW_ERR_HTTP_BAD_REQUEST', `unknown event type "${t.slice(0, 40)}"`, {
        statusCode: 400,
      });
    out.add(t as FeedEventType);
  }
  // resync is always delivered: the client must know when it lost events
  out.add('resync');
  return out;
}

function one(v: unknown): string | undefined {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Opens a feed stream: replay then live events to `send`; returns the closer. */
function openStream(
  ctx: ServerContext,
  since: number | undefined,
  types: ReadonlySet<FeedEventType> | undefined,
  send: (e: FeedEventV1) => void,
): () => void {
  const pass = (e: FeedEventV1): boolean => types === undefined || types.has(e.type);
  if (since !== undefined) {
    const r = ctx.feed.replay(since);
    if (r.resync !== undefined) send(r.resync);
    for (const e of r.events) if (pass(e)) send(e);
  }
  const off = ctx.feed.subscribe((e) => {
    if (pass(e)) send(e);
  });
  return off;
}

function sse(
  ctx: ServerContext,
  reply: FastifyReply,
  since: number | undefined,
  types?: ReadonlySet<FeedEventType>,
): void {
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  res.write(`retry: 2000\n: ghostwire change feed, seq ${ctx.feed.seq}\n\n`);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    off();
    clearInterval(beat);
    unShutdown.active = false;
    res.end();
  };
  const off = openStream(ctx, since, types, (e) => {
    if (closed) return;
    if (res.writableLength > MAX_BUFFERED) {
      res.destroy();
      close();
      return;
    }
    res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
  });
  const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  beat.unref();
  const unShutdown = { active: true };
  ctx.onShutdown(() => {
    if (unShutdown.active) close();
  });
  res.on('close', close);
}

export const eventRoutes: RoutePlugin = {
  name: 'events',
  register(app, ctx) {
    app.get('/api/events', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const since = parseSince(one(req.headers['last-event-id']) ?? one(q['since']));
      const types = parseTypes(one(q['types']));
      sse(ctx, reply, since, types);
      return reply;
    });
    app.get('/api/events/ws', async (_req, reply) =>
      sendError(reply.header('upgrade', 'websocket'), 426, {
        code: 'GW_ERR_HTTP_UPGRADE_REQUIRED',
        message: '/api/events/ws is a websocket; /api/events serves the same as SSE',
      }),
    );
  },
  websockets: (ctx) => [
    {
      path: '/api/events/ws',
      check(url) {
        try {
          parseSince(url.searchParams.get('since') ?? undefined);
          parseTypes(url.searchParams.get('types') ?? undefined);
          return undefined;
        } catch (e: unknown) {
          return {
            status: 400,
            code: 'GW_ERR_HTTP_BAD_REQUEST',
            message: e instanceof Error ? e.message : 'bad query',
          };
        }
      },
      handle(ws: WebSocket, _req, url) {
        const since = parseSince(url.searchParams.get('since') ?? undefined);
        const types = parseTypes(url.searchParams.get('types') ?? undefined);
        const off = openStream(ctx, since, types, (e) => {
          if (ws.readyState !== ws.OPEN) return;
          if (ws.bufferedAmount > MAX_BUFFERED) {
            ws.terminate();
            return;
          }
          ws.send(JSON.stringify(e));
        });
        const ping = setInterval(() => ws.ping(), HEARTBEAT_MS);
        ping.unref();
        ws.on('close', () => {
          off();
          clearInterval(ping);
        });
        ws.on('message', () => undefined); // client frames are ignored
      },
    },
  ],
};
