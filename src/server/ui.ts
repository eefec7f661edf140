// SPDX-License-Identifier: MIT
/**
 * @module server/ui
 *
 * Serving the web UI: static files from one directory (default `web/dist` of the package when
 * it exists) with SPA fallback, and the per-request rewriting of `index.html`:
 *
 * 1. `<base href="…">` becomes the client-visible base path, taken from `X-Forwarded-Prefix`
 *    or, failing that, `X-Forwarded-Uri` minus the path the proxy forwarded (reverse proxies
 *    such as Packetflix's `/discover`); default `/`.
 * 2. `<script>window.dynvars = {}</script>` becomes
 *    `<script nonce="…">window.dynvars = {"enableMonolith":…,"brand":…,"brandicon":…}</script>`;
 *    `enableMonolith` is true iff the request carries an `Enable-Monolith` header.
 *
 * Every `index.html` answer carries a Content-Security-Policy whose `script-src` allows
 * `'self'` plus the per-response nonce of the injected script (and nothing inline else).
 * Without a UI directory a built-in minimal page (same placeholders, same rewriting) says so
 * and links the API.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, realpathSync, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seaWebDir } from '../util/sea.js';

/** What the UI is told about the server (`window.dynvars`). */
export interface DynVars {
  readonly enableMonolith: boolean;
  readonly brand: string;
  readonly brandicon: string;
}

/** The built-in page served while no web UI is built. */
export const PLACEHOLDER_INDEX = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<base href="/">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ghostwire</title>
<script>window.dynvars = {}</script>
</head>
<body>
<h1>Ghostwire</h1>
<p>The web UI is not built into this installation (no <code>web/dist</code>). The service and its API
work; build the UI with <code>npm --prefix web run build</code> or start the server with <code>--ui DIR</code>.</p>
<ul>
<li><a href="json">json</a> — the v1 discovery document</li>
<li><a href="mobyshark">mobyshark</a> — capture targets</li>
<li><a href="api/openapi.json">api/openapi.json</a> — OpenAPI 3.1 description of the API</li>
<li><a href="api/events">api/events</a> — live change feed (Server-Sent Events)</li>
<li><a href="metrics">metrics</a> — Prometheus metrics</li>
<li><a href="healthz">healthz</a>, <a href="readyz">readyz</a></li>
</ul>
</body>
</html>
`;

/** Default UI directory: the single executable's embedded UI, else `web/dist` of the package, if it exists. */
export function defaultUiDir(): string | undefined {
  // the single executable carries the UI as assets, written to a private directory once
  const embedded = seaWebDir();
  if (embedded !== undefined) return embedded;
  // this module is src/server/ui.ts or dist/server/ui.js (two levels below the package root)
  // or bundled into dist/bundle/cli/<chunk>.js (three levels): try both
  for (const up of ['../../', '../../../']) {
    const dir = join(fileURLToPath(new URL(up, import.meta.url)), 'web', 'dist');
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

const SAFE_PATH = /^[A-Za-z0-9/_.~%@:+,;=!$'()*-]*$/;

/** Normalises a base path: leading and trailing `/`, no `..`, only URL-safe characters. */
export function normaliseBase(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  let s = p.trim();
  if (s === '' || !SAFE_PATH.test(s)) return undefined;
  if (s.split('/').some((seg) => seg === '..' || seg === '.')) return undefined;
  if (!s.startsWith('/')) s = `/${s}`;
  s = s.replace(/\/{2,}/g, '/');
  if (!s.endsWith('/')) s = `${s}/`;
  return s;
}

/**
 * Client-visible base path from the proxy headers: `X-Forwarded-Prefix` wins; else
 * `X-Forwarded-Uri` (the original request URI) with the locally seen path removed from its end
 * (else its directory part); default `/`.
 */
export function basePath(headers: {
  readonly prefix?: string | undefined;
  readonly uri?: string | undefined;
  /** Path of the request as this server received it. */
  readonly path: string;
}): string {
  const fromPrefix = normaliseBase(headers.prefix);
  if (fromPrefix !== undefined) return fromPrefix;
  if (headers.uri !== undefined) {
    const uri = headers.uri.split('?')[0] ?? '';
    const local = headers.path === '/' ? '' : headers.path.replace(/\/+$/, '');
    let base: string;
    if (local !== '' && uri.endsWith(local)) base = uri.slice(0, uri.length - local.length);
    else if (local === '') base = uri;
    else base = uri.slice(0, uri.lastIndexOf('/') + 1);
    return normaliseBase(base === '' ? '/' : base) ?? '/';
  }
  return '/';
}

/** JSON for an inline script: no `</script>`, `<!--`, or line separators can break out. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const BASE_RE = /<base\s+href\s*=\s*(["'])[^"']*\1\s*\/?>/i;
const DYNVARS_RE = /<script>\s*window\.dynvars\s*=\s*\{\s*\}\s*;?\s*<\/script>/;

/** Rewrites an `index.html` text: base href and dynvars (with `nonce` on the script). */
export function rewriteIndex(html: string, base: string, vars: DynVars, nonce: string): string {
  const attr = base.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return html.replace(BASE_RE, `<base href="${attr}">`).replace(
    DYNVARS_RE,
    `<script nonce="${nonce}">window.dynvars = ${scriptJson({
      enableMonolith: vars.enableMonolith,
      brand: vars.brand,
      brandicon: vars.brandicon,
    })}</script>`,
  );
}

/** A fresh CSP nonce (128 bit, base64). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The Content-Security-Policy of an `index.html` response with script nonce `nonce`. */
export function indexCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
    "form-action 'self'",
  ].join('; ');
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Content type by file extension (`application/octet-stream` when unknown). */
export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A static file found for a request path. */
export interface StaticFile {
  readonly path: string;
  readonly stats: Stats;
  readonly type: string;
}

/** The UI files of one directory (or the placeholder page). */
export class UiFiles {
  readonly dir: string | undefined;
  #index: { text: string; mtimeMs: number } | undefined;
  #real: string | undefined;

  constructor(dir: string | undefined) {
    this.dir = dir === undefined ? undefined : resolve(dir);
  }

  /**
   * The regular file below the UI directory that `urlPath` (decoded, without query) names, or
   * undefined (then the SPA fallback applies). Never leaves the directory; `index.html` itself
   * is never served raw (it always gets rewritten).
   */
  lookup(urlPath: string): StaticFile | undefined {
    if (this.dir === undefined) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const segs = decoded.split('/').filter((s) => s !== '' && s !== '.');
    if (segs.some((s) => s === '..' || s.startsWith('.'))) return undefined;
    if (segs.length === 0 || (segs.length === 1 && segs[0] === 'index.html')) return undefined;
    const path = join(this.dir, ...segs);
    if (!path.startsWith(this.dir + sep)) return undefined;
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined || !stats.isFile()) return undefined;
    // a symlink must not lead out of the directory
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return undefined;
    }
    if (!real.startsWith(this.#realDir() + sep)) return undefined;
    return { path: real, stats, type: mimeType(path) };
  }

  #realDir(): string {
    this.#real ??= realpathSync(this.dir ?? '/');
    return this.#real;
  }

  /** A read stream of a looked-up file. */
  stream(f: StaticFile): NodeJS.ReadableStream {
    return createReadStream(f.path);
  }

  /** The raw `index.html` (re-read when its mtime changes), or the placeholder. */
  async indexHtml(): Promise<string> {
    if (this.dir === undefined) return PLACEHOLDER_INDEX;
    const path = join(this.dir, 'index.html');
    const st = statSync(path, { throwIfNoEntry: false });
    if (st === undefined) return PLACEHOLDER_INDEX;
    if (this.#index === undefined || this.#index.mtimeMs !== st.mtimeMs) {
      this.#index = { text: await readFile(path, 'utf8'), mtimeMs: st.mtimeMs };
    }
    return this.#index.text;
  }
}
