// SPDX-License-Identifier: MIT
/**
 * @module server/routes/history
 *
 * `GET /api/history?from=&to=&limit=` (the snapshots of the history store) and
 * `GET /api/diff?from=T1[&to=T2]` (what changed between the snapshot current at T1 and the one
 * at T2; without `to`, a fresh discovery first, so "until now" means now). Times are RFC 3339,
 * unix seconds, `now` or relative (`-1h`); parsed here, answered by the discovery worker from
 * the store (docs/history.md). Without history (`--no-history`, unusable data dir): 503
 * `GW_ERR_STORE_UNAVAILABLE`.
 */
import { ApiError } from '../../errors.js';
import { parseTime } from '../../store/index.js';
import type { RoutePlugin } from '../context.js';

function one(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  const first = Array.isArray(v) ? (v[0] as unknown) : v;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

function bad(message: string): ApiError {
  return new ApiError('GW_ERR_HTTP_BAD_REQUEST', message, { statusCode: 400 });
}

function time(q: Record<string, unknown>, name: string, now: number): number | undefined {
  const t = one(q, name);
  if (t === undefined) return undefined;
  try {
    return parseTime(t, now);
  } catch (e: unknown) {
    throw bad(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export const historyRoutes: RoutePlugin = {
  name: 'history',
  register(app, ctx) {
    app.get('/api/history', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const now = Date.now();
      const from = time(q, 'from', now);
      const to = time(q, 'to', now);
      const limitText = one(q, 'limit');
      if (limitText !== undefined && !/^\d{1,7}$/.test(limitText))
        throw bad('limit must be a number');
      const json = await ctx.service.analyse(
        {
          kind: 'history',
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(limitText === undefined ? {} : { limit: Math.max(1, Number(limitText)) }),
        },
        { discover: false },
      );
      return reply
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(json);
    });
    app.get('/api/diff', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const now = Date.now();
      const from = time(q, 'from', now);
      if (from === undefined) throw bad('from is required (e.g. from=-1h)');
      const to = time(q, 'to', now);
      if (to !== undefined && from > to) throw bad('from must not be after to');
      // "until now": record the current state first (a fresh discovery, or one within --max-age)
      const json = await ctx.service.analyse(
        { kind: 'diff', from, ...(to === undefined ? {} : { to }) },
        { discover: to === undefined || to >= now },
      );
      return reply
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(json);
    });
  },
};
