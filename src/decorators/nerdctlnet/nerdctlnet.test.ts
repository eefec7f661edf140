// SPDX-License-Identifier: MIT
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NativeError } from '../../errors.js';
import { nerdctlDecoration } from './mapping.js';
import { readNerdctlDecorations, type NerdctlFiles } from './index.js';

const FIXTURES = new URL('../../../test/fixtures/engines/nerdctl/', import.meta.url);
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

describe('nerdctlDecoration', () => {
  it('bridge network: alias name, Go-compatible com.docker.network.bridge.name label, nerdctl labels', () => {
    expect(nerdctlDecoration(fixture('nerdctl-gwt-net.conflist'))).toEqual({
      nifName: 'br-5b0a4f2c9e3d',
      network: 'gwt-net',
      labels: { foo: 'bar', 'com.docker.network.bridge.name': 'gwt-net' },
    });
  });
  it('non-bridge network: nothing', () => {
    expect(nerdctlDecoration(fixture('nerdctl-gwt-mv.conflist'))).toBeUndefined();
  });
  it('bridge plugin without a bridge field → cni0; no name → nothing', () => {
    expect(nerdctlDecoration({ name: 'n', plugins: [{ type: 'bridge' }] })?.nifName).toBe('cni0');
    expect(nerdctlDecoration({ plugins: [{ type: 'bridge', bridge: 'x' }] })).toBeUndefined();
    expect(nerdctlDecoration([])).toBeUndefined();
    expect(nerdctlDecoration({ name: 'n', plugins: 'nope' })).toBeUndefined();
  });
});

/** Files of the fixture folder as if it were /etc/cni/net.d of the engine root `/proc/7/root`. */
function fixtureFiles(
  extra: Record<string, string | Error> = {},
): NerdctlFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    listDir(root, path) {
      expect(root).toBe('/proc/7/root');
      expect(path).toBe('/etc/cni/net.d');
      return [...readdirSync(FIXTURES), '87-podman-bridge.conflist', ...Object.keys(extra)];
    },
    readFile(root, rel, maxBytes) {
      expect(root).toBe('/proc/7/root');
      reads.push(rel);
      const name = rel.slice('etc/cni/net.d/'.length);
      const x = extra[name];
      if (x instanceof Error) throw x;
      const data = Buffer.from(x ?? readFileSync(new URL(name, FIXTURES), 'utf8'));
      return { data: data.subarray(0, maxBytes), truncated: data.length > maxBytes };
    },
  };
}

describe('readNerdctlDecorations', () => {
  it('reads only nerdctl-*.conflist, relative to the engine root', () => {
    const files = fixtureFiles();
    const r = readNerdctlDecorations(files, '/proc/7/root', 'engine:x');
    expect(r.problems).toEqual([]);
    expect(r.decorations.map((d) => d.network)).toEqual(['gwt-net']);
    expect(files.reads).toEqual([
      'etc/cni/net.d/nerdctl-gwt-mv.conflist',
      'etc/cni/net.d/nerdctl-gwt-net.conflist',
    ]);
  });

  it('records bad JSON, oversized and unreadable files as problems and keeps the rest', () => {
    const files = fixtureFiles({
      'nerdctl-bad.conflist': '{ not json',
      'nerdctl-huge.conflist': 'x'.repeat(300 * 1024),
      'nerdctl-fifo.conflist': new NativeError('GW_ERR_FILE_NOT_REGULAR', 'not a regular file', {
        sysCode: 'EFTYPE',
      }),
    });
    const r = readNerdctlDecorations(files, '/proc/7/root', 'engine:x');
    expect(r.decorations.map((d) => d.network)).toEqual(['gwt-net']);
    expect(r.problems.map((p) => [p.code, p.subject, p.cause])).toEqual([
      ['GW_ERR_DECORATOR_CONFIG', 'engine:x /etc/cni/net.d/nerdctl-bad.conflist', undefined],
      [
        'GW_ERR_DECORATOR_CONFIG',
        'engine:x /etc/cni/net.d/nerdctl-fifo.conflist',
        'GW_ERR_FILE_NOT_REGULAR',
      ],
      ['GW_ERR_DECORATOR_CONFIG', 'engine:x /etc/cni/net.d/nerdctl-huge.conflist', undefined],
    ]);
    expect(r.problems[2]?.message).toMatch(/larger than 262144 bytes/);
  });
});
