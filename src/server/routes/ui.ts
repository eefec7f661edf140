// SPDX-License-Identifier: MIT
/**
 * @module server/routes/ui
 *
 * The web UI answer for any GET/HEAD that no route claims (the SPA fallback, called from the
 * app's not-found handler): an existing static file of the UI directory, else the rewritten
 * `index.html` (base href, dynvars, CSP nonce; see ../ui.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { basePath, indexCsp, newNonce, rewriteIndex } from '../ui.js';

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Serves a static UI file or the rewritten index page. */
export async function serveUi(
  ctx: ServerContext,
  req: FastifyRequest,
  reply: FastifyReply,
  path: string,
): Promise<FastifyReply> {
  const file = ctx.ui.lookup(path);
  if (file !== undefined) {
    const mtime = file.stats.mtime;
    mtime.setMilliseconds(0);
    const ims = header(req, 'if-modified-since');
    reply
      .header('content-type', file.type)
      .header('last-modified', mtime.toUTCString())
      .header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    if (ims !== undefined && Date.parse(ims) >= mtime.getTime()) return reply.code(304).send();
    reply.header('content-length', file.stats.size);
    if (req.method === 'HEAD') return reply.send();
    return reply.send(ctx.ui.stream(file));
  }
  const nonce = newNonce();
  const html = rewriteIndex(
    await ctx.ui.indexHtml(),
    basePath({
      prefix: header(req, 'x-forwarded-prefix'),
      uri: header(req, 'x-forwarded-uri'),
      path,
    }),
    {
      enableMonolith: req.headers['enable-monolith'] !== undefined,
      brand: ctx.options.brand,
      brandicon: ctx.options.brandicon,
    },
    nonce,
  );
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', indexCsp(nonce))
    .header('x-frame-options', 'SAMEORIGIN')
    .send(html);
}
