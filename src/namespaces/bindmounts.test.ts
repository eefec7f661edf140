// SPDX-License-Identifier: MIT
/** Unit tests of the nsfs-only mountinfo reader (fake procfs files). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMountinfo } from '../procfs/index.js';
import { readNsfsMounts } from './bindmounts.js';

const tmp = mkdtempSync(join(tmpdir(), 'gwt-bm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeProc(pid: number, text: string): string {
  mkdirSync(join(tmp, String(pid)), { recursive: true });
  writeFileSync(join(tmp, String(pid), 'mountinfo'), text);
  return tmp;
}

describe('readNsfsMounts', () => {
  it('returns root and mount point of exactly the nsfs entries parseMountinfo would return, in order', () => {
    const text = [
      '22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '40 22 0:4 net:[4026532100] /run/netns/blue rw shared:5 - nsfs nsfs rw',
      '41 22 0:4 net:[4026532101] /run/netns/with\\040-\\040nsfs\\040x rw - nsfs nsfs rw',
      '42 22 0:30 / /proc rw,nosuid master:3 propagate_from:2 - proc proc rw',
      '43 22 0:31 / /mnt/nsfs rw - tmpfs nsfs rw',
      '44 22 0:4 mnt:[4026532200] /run/mntns/a rw - nsfs nsfs rw',
    ].join('\n');
    const root = fakeProc(7, text);
    const want = parseMountinfo(text)
      .filter((m) => m.fsType === 'nsfs')
      .map((m) => ({ root: m.root, mountPoint: m.mountPoint }));
    const got = readNsfsMounts(7, root);
    expect(got).toEqual(want);
    expect(got.map((m) => m.mountPoint)).toEqual([
      '/run/netns/blue',
      '/run/netns/with - nsfs x',
      '/run/mntns/a',
    ]);
  });

  it('handles a last line without newline and a file without nsfs', () => {
    expect(
      readNsfsMounts(8, fakeProc(8, '40 22 0:4 net:[1] /run/netns/a rw - nsfs nsfs rw')).length,
    ).toBe(1);
    expect(readNsfsMounts(9, fakeProc(9, '22 1 0:21 / / rw - ext4 /dev/vda rw\n'))).toEqual([]);
  });

  it('throws GW_ERR_PROCFS_READ for a missing file and GW_ERR_PROCFS_PARSE for a broken nsfs line', () => {
    expect(() => readNsfsMounts(4242, tmp)).toThrow(
      expect.objectContaining({ code: 'GW_ERR_PROCFS_READ' }),
    );
    expect(() => readNsfsMounts(10, fakeProc(10, 'x - nsfs nsfs rw\n'))).toThrow(
      expect.objectContaining({ code: 'GW_ERR_PROCFS_PARSE' }),
    );
    expect(() => readNsfsMounts(11, fakeProc(11, '40 22 0:4 net:[1] - nsfs nsfs rw\n'))).toThrow(
      expect.objectContaining({ code: 'GW_ERR_PROCFS_PARSE' }),
    );
  });
});
