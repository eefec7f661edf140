// SPDX-License-Identifier: MIT
/**
 * @module server/routes/health
 *
 * `GET /healthz` — liveness: the HTTP thread answers (never runs a discovery, open without a
 * token). `GET /readyz` — readiness: 200 once the first discovery finished, else 503.
 */
import type { RoutePlugin } from '../context.js';
import { sendError } from '../http-errors.js';

export const healthRoutes: RoutePlugin = {
  name: 'health',
  register(app, ctx) {
    app.get('/healthz', async (_req, reply) =>
      reply.header('cache-control', 'no-store').send({ status: 'ok' }),
    );
    app.get('/readyz', async (_req, reply) => {
      const last = ctx.service.last;
      if (last === undefined)
        return sendError(reply, 503, {
          code: 'GW_ERR_HTTP_UNAVAILABLE',
          message: 'the first discovery has not finished yet',
        });
      return reply.header('cache-control', 'no-store').send({
        status: 'ready',
        discoveries: ctx.service.discoveries,
        'last-discovery': new Date(last.finishedAt).toISOString(),
      });
    });
  },
};
