// SPDX-License-Identifier: MIT
/**
 * @module server/auth
 *
 * The token rule of `ghostwire serve --token`: every request except `/healthz` must carry the
 * token as `Authorization: Bearer <token>`, as the session cookie {@link TOKEN_COOKIE}, or as
 * `?token=<token>` (a link; the server answers it with the cookie, and pages are redirected
 * to the same URL without the token so it does not linger in history or `Referer`).
 * Tokens are compared in constant time (SHA-256 of both sides, `timingSafeEqual`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Name of the session cookie holding the token. */
export const TOKEN_COOKIE = 'ghostwire_token';

/** Paths open without a token. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz']);

/** Constant-time equality of two tokens (lengths may differ). */
export function tokensEqual(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token in an `Authorization` header value, if it is a Bearer one. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

/** Value of cookie `name` in a `Cookie` header, URI-decoded, if present. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** How a request presented the token. */
export type TokenVia = 'header' | 'cookie' | 'query' | 'none';

/** Checks a request's credentials against `token`; says how it came. */
export function checkToken(
  token: string,
  req: {
    readonly authorization?: string | undefined;
    readonly cookie?: string | undefined;
    readonly queryToken?: string | undefined;
  },
): { ok: boolean; via: TokenVia } {
  const candidates: Array<[TokenVia, string | undefined]> = [
    ['header', bearerToken(req.authorization)],
    ['query', req.queryToken],
    ['cookie', cookieValue(req.cookie, TOKEN_COOKIE)],
  ];
  let any = false;
  for (const [via, t] of candidates) {
    if (t === undefined) continue;
    any = true;
    if (tokensEqual(token, t)) return { ok: true, via };
  }
  return { ok: false, via: any ? 'header' : 'none' };
}

/** The `Set-Cookie` value that stores `token` for the session. */
export function tokenCookie(token: string, secure: boolean): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/**
 * Relative `Location` that repeats a request URL without its `token` query parameter (relative,
 * so it also works behind a path-rewriting proxy).
 */
export function withoutTokenLocation(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  params.delete('token');
  const last = path.slice(path.lastIndexOf('/') + 1);
  const rest = params.toString();
  return `${last === '' ? './' : last}${rest === '' ? '' : `?${rest}`}`;
}
