// SPDX-License-Identifier: MIT
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PLACEHOLDER_INDEX,
  UiFiles,
  basePath,
  indexCsp,
  mimeType,
  normaliseBase,
  rewriteIndex,
  scriptJson,
} from './ui.js';

const vars = { enableMonolith: true, brand: 'Acme</script>', brandicon: '<svg/>' };

describe('index.html rewriting', () => {
  it('rewrites base href and dynvars with a nonce, escaping for the script context', () => {
    const html = rewriteIndex(
      '<head><base href="/"/><script>window.dynvars = { }</script></head>',
      '/discover/',
      vars,
      'N0nce',
    );
    expect(html).toContain('<base href="/discover/">');
    expect(html).toContain('<script nonce="N0nce">window.dynvars = {"enableMonolith":true,');
    expect(html).not.toContain('Acme</script>');
    expect(html).toContain('Acme\\u003c/script\\u003e');
    const json = /window\.dynvars = (\{.*\})<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(json)).toEqual(vars);
  });

  it('works on the placeholder page', () => {
    const html = rewriteIndex(PLACEHOLDER_INDEX, '/x/', vars, 'n');
    expect(html).toContain('<base href="/x/">');
    expect(html).toContain('<script nonce="n">window.dynvars = {');
  });

  it('derives the base from X-Forwarded-Prefix, else X-Forwarded-Uri', () => {
    expect(basePath({ path: '/' })).toBe('/');
    expect(basePath({ prefix: '/discover', path: '/' })).toBe('/discover/');
    expect(basePath({ prefix: 'a//b/', path: '/' })).toBe('/a/b/');
    expect(basePath({ uri: '/gw/netns/42?x=1', path: '/netns/42' })).toBe('/gw/');
    expect(basePath({ uri: '/gw/', path: '/' })).toBe('/gw/');
    expect(basePath({ uri: '/gw/other', path: '/netns' })).toBe('/gw/');
    // hostile values fall back
    expect(basePath({ prefix: '/"><script>', path: '/' })).toBe('/');
    expect(basePath({ prefix: '/../etc', uri: '/ok/', path: '/' })).toBe('/ok/');
    expect(normaliseBase('')).toBeUndefined();
  });

  it('has a CSP that allows only self and the nonce for scripts', () => {
    const csp = indexCsp('abc');
    expect(csp).toContain("script-src 'self' 'nonce-abc'");
    expect(csp).not.toContain('unsafe-eval');
    expect(scriptJson('\u2028')).toBe('"\\u2028"');
  });
});

describe('UiFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwt-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<base href="/"><script>window.dynvars = {}</script>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'x');
  writeFileSync(join(dir, '.secret'), 'x');
  symlinkSync('/etc/hostname', join(dir, 'link'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds regular files below the directory only', () => {
    const ui = new UiFiles(dir);
    expect(ui.lookup('/assets/app.js')?.type).toBe('text/javascript; charset=utf-8');
    expect(ui.lookup('/assets/%61pp.js')).toBeDefined();
    expect(ui.lookup('/')).toBeUndefined();
    expect(ui.lookup('/index.html')).toBeUndefined();
    expect(ui.lookup('/assets')).toBeUndefined();
    expect(ui.lookup('/../../etc/passwd')).toBeUndefined();
    expect(ui.lookup('/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
    expect(ui.lookup('/.secret')).toBeUndefined();
    expect(ui.lookup('/a%00b')).toBeUndefined();
    expect(ui.lookup('/%E0%A4%A')).toBeUndefined();
    expect(ui.lookup('/nope.js')).toBeUndefined();
    expect(ui.lookup('/link')).toBeUndefined(); // symlink out of the directory
  });

  it('reads index.html, or the placeholder without a directory', async () => {
    expect(await new UiFiles(dir).indexHtml()).toContain('window.dynvars');
    expect(await new UiFiles(undefined).indexHtml()).toBe(PLACEHOLDER_INDEX);
    expect(mimeType('x.woff2')).toBe('font/woff2');
    expect(mimeType('x.unknown')).toBe('application/octet-stream');
  });
});
