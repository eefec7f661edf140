// SPDX-License-Identifier: MIT
/**
 * @module server/routes/openapi
 *
 * `GET /api/openapi.json`: the OpenAPI 3.1 description of this service (src/api/v1/openapi.ts).
 */
import { openApiV1 } from '../../api/v1/index.js';
import type { RoutePlugin } from '../context.js';

export const openapiRoutes: RoutePlugin = {
  name: 'openapi',
  register(app, ctx) {
    const text = JSON.stringify(openApiV1(ctx.options.creatorVersion));
    app.get('/api/openapi.json', async (_req, reply) =>
      reply.type('application/json; charset=utf-8').send(text),
    );
  },
};
