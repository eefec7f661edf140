// SPDX-License-Identifier: MIT
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCpuRanges } from '../procfs/cpu-list.js';
import { parseOsRelease } from '../procfs/os-release.js';
import { readHostInfo } from './host.js';

describe('parseCpuRanges', () => {
  it.each([
    [
      '0-3,8',
      [
        [0, 3],
        [8, 8],
      ],
    ],
    ['0\n', [[0, 0]]],
    [
      '0-1,3-5,7',
      [
        [0, 1],
        [3, 5],
        [7, 7],
      ],
    ],
    ['', []],
  ])('parses %j', (text, want) => {
    expect(parseCpuRanges(text)).toEqual(want);
  });
  it.each(['0-', 'a', '3-1', '0,,1', '1 2'])('rejects %j', (text) => {
    expect(parseCpuRanges(text)).toBeUndefined();
  });
});

describe('parseOsRelease', () => {
  it('parses quoted and unquoted values, skips comments', () => {
    const m = parseOsRelease(
      '# c\nNAME="Debian GNU/Linux"\nVERSION_ID=12\nPRETTY=\'x y\'\nESC="a \\"b\\""\nbroken line\n',
    );
    expect(m.get('NAME')).toBe('Debian GNU/Linux');
    expect(m.get('VERSION_ID')).toBe('12');
    expect(m.get('PRETTY')).toBe('x y');
    expect(m.get('ESC')).toBe('a "b"');
    expect(m.size).toBe(4);
  });
});

describe('readHostInfo', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads os-release through PID 1 root, /proc/version and the online CPUs', () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-host-'));
    const proc = join(dir, 'proc');
    const sys = join(dir, 'sys');
    mkdirSync(join(proc, '1/root/etc'), { recursive: true });
    mkdirSync(join(sys, 'devices/system/cpu'), { recursive: true });
    writeFileSync(join(proc, '1/root/etc/os-release'), 'NAME="Test OS"\nVERSION="1 (x)"\n');
    writeFileSync(join(proc, 'version'), 'Linux version 9.9\n');
    writeFileSync(join(sys, 'devices/system/cpu/online'), '0-1,4\n');
    expect(readHostInfo({ procRoot: proc, sysfsRoot: sys, hostname: () => 'h1' })).toEqual({
      hostname: 'h1',
      osrelName: 'Test OS',
      osrelVersion: '1 (x)',
      kernelVersion: 'Linux version 9.9\n',
      cpus: [
        [0, 1],
        [4, 4],
      ],
    });
  });

  it('leaves cpus undefined when the file is missing or malformed', () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-host-'));
    expect(
      readHostInfo({ procRoot: join(dir, 'p'), sysfsRoot: join(dir, 's'), hostname: () => 'h' })
        .cpus,
    ).toBeUndefined();
    mkdirSync(join(dir, 's/devices/system/cpu'), { recursive: true });
    writeFileSync(join(dir, 's/devices/system/cpu/online'), 'garbage');
    expect(
      readHostInfo({ procRoot: join(dir, 'p'), sysfsRoot: join(dir, 's'), hostname: () => 'h' })
        .cpus,
    ).toBeUndefined();
  });
});
