// SPDX-License-Identifier: MIT
/**
 * @module server/routes/v1
 *
 * The v1 API as upstream: `GET /json` (the discovery document; `?ieappicons` accepted with the
 * upstream values `""`, `on`, `off` — this build has no IE-app icon decorator, so it changes
 * nothing) and `GET /mobyshark` (capture targets). Both share the single-flight discovery;
 * `--max-age` lets a recent result be reused. A client that goes away stops waiting at once.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors.js';
import type { RoutePlugin, ServerContext } from '../context.js';
import type { Snapshot } from '../discovery-service.js';

/** Waits for a discovery result, abandoning the wait when the client goes away. */
export async function snapshotFor(
  ctx: ServerContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<Snapshot | undefined> {
  const ac = new AbortController();
  const onClose = (): void => {
    if (!reply.raw.writableFinished) ac.abort();
  };
  reply.raw.once('close', onClose);
  try {
    return await ctx.service.get({ signal: ac.signal });
  } catch (e: unknown) {
    if (ac.signal.aborted) {
      req.log.debug('client went away while waiting for discovery');
      return undefined;
    }
    throw e;
  } finally {
    reply.raw.off('close', onClose);
  }
}

function checkIeAppIcons(query: unknown): void {
  const q = query as Record<string, unknown>;
  const v = q['ieappicons'];
  if (v === undefined) return;
  const first = Array.isArray(v) ? (v[0] as unknown) : v;
  if (first !== '' && first !== 'on' && first !== 'off') {
    throw new ApiError('GW_ERR_HTTP_BAD_REQUEST', 'ieappicons must be "", "on" or "off"', {
      statusCode: 400,
    });
  }
}

export const v1Routes: RoutePlugin = {
  name: 'v1',
  register(app, ctx) {
    app.get('/json', async (req, reply) => {
      checkIeAppIcons(req.query);
      const s = await snapshotFor(ctx, req, reply);
      if (s === undefined) return reply;
      return reply
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(s.json);
    });
    app.get('/mobyshark', async (req, reply) => {
      const s = await snapshotFor(ctx, req, reply);
      if (s === undefined) return reply;
      return reply
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(s.mobyshark);
    });
  },
};
