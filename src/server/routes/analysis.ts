// SPDX-License-Identifier: MIT
/**
 * @module server/routes/analysis
 *
 * `GET /api/why?from=&to=&port=&proto=` and `GET /api/lint`: the analyses of `src/analysis`
 * (docs/analysis.md) over the service's discovery, run in the discovery worker (which holds the
 * model) and returned as the same JSON `ghostwire why --json` / `lint --json` print.
 */
import { ApiError } from '../../errors.js';
import type { RoutePlugin } from '../context.js';

function one(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  const first = Array.isArray(v) ? (v[0] as unknown) : v;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

function bad(message: string): ApiError {
  return new ApiError('GW_ERR_HTTP_BAD_REQUEST', message, { statusCode: 400 });
}

export const analysisRoutes: RoutePlugin = {
  name: 'analysis',
  register(app, ctx) {
    app.get('/api/why', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const from = one(q, 'from');
      const to = one(q, 'to');
      if (from === undefined || to === undefined) throw bad('from and to are required');
      const portText = one(q, 'port');
      if (portText !== undefined && !/^\d{1,5}$/.test(portText)) throw bad('port must be 1..65535');
      const port = portText === undefined ? undefined : Number(portText);
      if (port !== undefined && (port < 1 || port > 65535)) throw bad('port must be 1..65535');
      const proto = one(q, 'proto') ?? 'tcp';
      if (proto !== 'tcp' && proto !== 'udp') throw bad('proto must be tcp or udp');
      const json = await ctx.service.analyse({
        kind: 'why',
        from,
        to,
        ...(port === undefined ? {} : { port }),
        protocol: proto,
      });
      return reply
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(json);
    });
    app.get('/api/lint', async (_req, reply) => {
      const json = await ctx.service.analyse({ kind: 'lint' });
      return reply
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(json);
    });
  },
};
