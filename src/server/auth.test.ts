// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import {
  TOKEN_COOKIE,
  bearerToken,
  checkToken,
  cookieValue,
  tokenCookie,
  tokensEqual,
  withoutTokenLocation,
} from './auth.js';

describe('token rule', () => {
  it('compares tokens of any length', () => {
    expect(tokensEqual('s3cret', 's3cret')).toBe(true);
    expect(tokensEqual('s3cret', 's3cre')).toBe(false);
    expect(tokensEqual('s3cret', '')).toBe(false);
  });

  it('reads bearer headers and cookies', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(cookieValue(`x=1; ${TOKEN_COOKIE}=a%20b`, TOKEN_COOKIE)).toBe('a b');
    expect(cookieValue('x=1', TOKEN_COOKIE)).toBeUndefined();
    expect(cookieValue(`${TOKEN_COOKIE}=%E0%A4%A`, TOKEN_COOKIE)).toBeUndefined();
  });

  it('accepts the token by header, link or cookie and says how', () => {
    expect(checkToken('t', { authorization: 'Bearer t' })).toEqual({ ok: true, via: 'header' });
    expect(checkToken('t', { queryToken: 't' })).toEqual({ ok: true, via: 'query' });
    expect(checkToken('t', { cookie: `${TOKEN_COOKIE}=t` })).toEqual({ ok: true, via: 'cookie' });
    expect(checkToken('t', {}).ok).toBe(false);
    expect(checkToken('t', { authorization: 'Bearer x', cookie: `${TOKEN_COOKIE}=x` }).ok).toBe(
      false,
    );
  });

  it('builds the cookie and the token-free redirect', () => {
    expect(tokenCookie('a;b', false)).toBe(
      `${TOKEN_COOKIE}=a%3Bb; Path=/; HttpOnly; SameSite=Strict`,
    );
    expect(tokenCookie('t', true)).toMatch(/; Secure$/);
    expect(withoutTokenLocation('/?token=t')).toBe('./');
    expect(withoutTokenLocation('/ui/netns?token=t&x=1')).toBe('netns?x=1');
  });
});
