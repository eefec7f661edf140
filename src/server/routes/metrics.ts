// SPDX-License-Identifier: MIT
/**
 * @module server/routes/metrics
 *
 * `GET /metrics`: Prometheus text exposition of the service's registry (../metrics.ts). Never
 * runs a discovery: the figures are those of the last one.
 */
import type { RoutePlugin } from '../context.js';

export const metricsRoutes: RoutePlugin = {
  name: 'metrics',
  register(app, ctx) {
    app.get('/metrics', async (_req, reply) => {
      const text = await ctx.metrics.registry.metrics();
      return reply
        .header('cache-control', 'no-store')
        .type(ctx.metrics.registry.contentType)
        .send(text);
    });
  },
};
