// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/ui-server
 *
 * For the web UI's browser tests: serves `web/dist` the way `ghostwire serve` does (SPA
 * fallback, `<base href>` rewritten to the mount prefix, `window.dynvars` injected with a CSP
 * nonce, a strict Content-Security-Policy), `/json` from a document function and `/api/events`
 * as Server-Sent Events (`event: <type>`, JSON data with `seq`) whenever `notify()` is called.
 * Used when the real service is not available in this checkout (before `serve` was merged)
 * its own branch) and for synthetic documents (the 500-netns scale test).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
/** The built UI. */
export const WEB_DIST = join(ROOT, 'web', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** The CSP the UI must work under (the injected dynvars script is allowed by its nonce). */
export function csp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Options of the stand-in server. */
export interface UiServerOptions {
  doc: () => Promise<unknown> | unknown;
  prefix?: string;
  enableMonolith?: boolean;
  brand?: string;
}

/** A running UI server. */
export interface UiServer {
  url: string;
  notify: (type: string, netns?: number) => void;
  close: () => Promise<void>;
}

/** Starts the stand-in server on 127.0.0.1 (random port). */
export async function startUiServer(o: UiServerOptions): Promise<UiServer> {
  const prefix = o.prefix ?? '/';
  const index = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const clients = new Set<ServerResponse>();
  let seq = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (!u.pathname.startsWith(prefix)) {
        res.writeHead(404).end();
        return;
      }
      const rel = u.pathname.slice(prefix.length);
      if (rel === 'json') {
        const body = JSON.stringify(await o.doc());
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      if (rel === 'api/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write(': hello\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      const file = normalize(join(WEB_DIST, rel));
      if (
        rel !== '' &&
        file.startsWith(WEB_DIST) &&
        existsSync(file) &&
        !file.endsWith('index.html')
      ) {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
        return;
      }
      const nonce = randomBytes(16).toString('base64');
      const dynvars = JSON.stringify({
        enableMonolith: o.enableMonolith === true || req.headers['enable-monolith'] !== undefined,
        brand: o.brand ?? '',
        brandicon: '',
      }).replace(/</g, '\\u003c');
      const html = index
        .replace('<base href="/" />', `<base href="${prefix}" />`)
        .replace(
          '<script>window.dynvars = {}</script>',
          `<script nonce="${nonce}">window.dynvars = ${dynvars}</script>`,
        );
      res.writeHead(200, {
        'content-type': TYPES['.html']!,
        'content-security-policy': csp(nonce),
      });
      res.end(html);
    })().catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    notify(type, netns) {
      seq++;
      const data = JSON.stringify({
        seq,
        time: new Date().toISOString(),
        source: 'reconcile',
        type,
        ...(netns !== undefined ? { netns: { id: `netns-${netns}`, netns } } : {}),
      });
      for (const c of clients) c.write(`id: ${seq}\nevent: ${type}\ndata: ${data}\n\n`);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of clients) c.end();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
