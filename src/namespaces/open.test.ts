// SPDX-License-Identifier: MIT
/** Unit tests of the cached in-root path resolver against a temp tree with symlinks. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RootResolver } from './open.js';
import { hostPathInRoot } from './root-path.js';

const tmp = mkdtempSync(join(tmpdir(), 'gwt-open-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('RootResolver', () => {
  const root = mkdtempSync(join(tmp, 'root-'));
  mkdirSync(join(root, 'run/netns'), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  for (const n of ['a', 'b', 'c']) writeFileSync(join(root, 'run/netns', n), '');
  symlinkSync('/etc', join(root, 'run/netns/evil')); // absolute symlink as the LAST component
  symlinkSync('../etc', join(root, 'run/netns/rel'));
  symlinkSync('/run', join(root, 'var-run')); // symlink in the directory part
  symlinkSync('loop', join(root, 'run/netns/loop'));
  const paths = [
    '/run/netns/a',
    '/run/netns/b',
    '/run/netns/c',
    '/run/netns/evil',
    '/run/netns/rel',
    '/run/netns/missing',
    '/var-run/netns/a',
    '/var-run/netns/evil',
    '/run/netns/../netns/a',
    '/run/netns/.',
    '/x',
    '/',
    'run/netns/a',
  ];

  it('gives exactly what hostPathInRoot gives, symlinks included', () => {
    const r = new RootResolver(root);
    for (const p of paths) expect(r.resolve(p), p).toBe(hostPathInRoot(root, p));
    expect(r.resolve('/run/netns/evil')).toBe(`${root}/etc`);
    expect(r.resolve('/var-run/netns/b')).toBe(`${root}/run/netns/b`);
  });

  it('throws like hostPathInRoot on symlink loops', () => {
    expect(() => new RootResolver(root).resolve('/run/netns/loop')).toThrow(/too many symlinks/);
  });

  it('handles an unlistable directory by the full walk', () => {
    const r = new RootResolver(join(tmp, 'does-not-exist'));
    expect(r.resolve('/run/netns/a')).toBe(
      hostPathInRoot(join(tmp, 'does-not-exist'), '/run/netns/a'),
    );
  });
});

describe('RootResolver with shared listings', () => {
  it('lists one directory once for several roots that show it, with the same results', () => {
    const a = mkdtempSync(join(tmp, 'ra-'));
    mkdirSync(join(a, 'run/netns'), { recursive: true });
    writeFileSync(join(a, 'run/netns/x'), '');
    symlinkSync('/etc', join(a, 'run/netns/evil'));
    const b = join(tmp, 'rb');
    symlinkSync(a, b); // another path to the same tree, as /proc/P1/root and /proc/P2/root can be
    const shared = new Map();
    const ra = new RootResolver(a, shared);
    const rb = new RootResolver(b, shared);
    expect(ra.resolve('/run/netns/x')).toBe(`${a}/run/netns/x`);
    expect(ra.resolve('/run/netns/evil')).toBe(hostPathInRoot(a, '/run/netns/evil'));
    expect(shared.size).toBe(1);
    for (const p of ['/run/netns/x', '/run/netns/evil', '/run/netns/none'])
      expect(rb.resolve(p), p).toBe(hostPathInRoot(b, p));
    expect(rb.resolve('/run/netns/x')).toBe(`${b}/run/netns/x`);
    expect(shared.size).toBe(1);
  });
});
