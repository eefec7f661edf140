// SPDX-License-Identifier: MIT
/**
 * The embedded-addon loader (single executable) with the real built addon's bytes: anonymous
 * O_TMPFILE first, the private content-hash directory where O_TMPFILE is not possible, refusal
 * of planted directories, and one error listing every place when nothing works.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NativeError } from '../errors.js';
import { loadEmbeddedAddon, privateDir, runtimeDirCandidates } from './embedded.js';
import { findPackageRoot, loadNativeBinding, NATIVE_FILE_NAME } from './load.js';

const ADDON = readFileSync(join(findPackageRoot(), 'build', 'Release', NATIVE_FILE_NAME));
const euid = process.geteuid?.() ?? -1;
const made: string[] = [];
const scratch = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gwt-embedded-'));
  made.push(d);
  return d;
};

afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadEmbeddedAddon', () => {
  it('loads from an anonymous O_TMPFILE file that leaves no name behind', () => {
    const dir = scratch();
    const r = loadEmbeddedAddon(ADDON, [dir]);
    expect('tried' in r).toBe(false);
    if ('tried' in r) return;
    expect(r.how).toBe('tmpfile');
    expect(r.path).toMatch(/^\/proc\/self\/fd\/\d+$/);
    expect((r.exports as { abiVersion: number }).abiVersion).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('skips directories that do not exist or cannot hold it and says why', () => {
    const file = join(scratch(), 'not-a-dir');
    writeFileSync(file, '');
    const r = loadEmbeddedAddon(ADDON, ['/nonexistent-gwt', file]);
    expect(r).toEqual({
      tried: [
        { path: '/nonexistent-gwt (O_TMPFILE)', reason: expect.stringContaining('ENOENT') },
        { path: `${file} (O_TMPFILE)`, reason: expect.stringContaining('ENOTDIR') },
      ],
    });
  });

  it('refuses a non-addon', () => {
    const r = loadEmbeddedAddon(Buffer.from('not an ELF'), [scratch()]);
    expect('tried' in r && r.tried[0]?.reason).toMatch(/invalid ELF header|too short/);
  });
});

describe('loadEmbeddedAddon without O_TMPFILE', () => {
  it('uses a content-hash file in the private dir, reuses it, and replaces a tampered one', () => {
    const base = scratch();
    const first = loadEmbeddedAddon(ADDON, [base], { anonymous: false });
    expect('how' in first && first.how).toBe('private-dir');
    const pdir = join(base, `ghostwire-${euid}`);
    const [name, ...rest] = readdirSync(pdir);
    expect(rest).toEqual([]);
    expect(name).toMatch(/^ghostwire_native-[0-9a-f]{32}\.node$/);
    const file = join(pdir, name ?? '');
    expect(statSync(file).mode & 0o777).toBe(0o500);
    const ino = statSync(file).ino;
    expect('how' in loadEmbeddedAddon(ADDON, [base], { anonymous: false })).toBe(true);
    expect(statSync(file).ino).toBe(ino); // reused
    rmSync(file); // a new inode: writing into the mapped one would corrupt the loaded code
    writeFileSync(file, 'tampered', { mode: 0o600 });
    expect('how' in loadEmbeddedAddon(ADDON, [base], { anonymous: false })).toBe(true);
    expect(readFileSync(file).equals(ADDON)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o500);
  });
});

describe('privateDir', () => {
  it('creates <dir>/ghostwire-<euid> with mode 0700 and accepts it again', () => {
    const base = scratch();
    const p = privateDir(base);
    expect(p).toBe(join(base, `ghostwire-${euid}`));
    expect(statSync(p).mode & 0o777).toBe(0o700);
    expect(privateDir(base)).toBe(p);
  });

  it('refuses a planted symlink and a directory others can enter', () => {
    const base = scratch();
    const target = join(base, 'elsewhere');
    mkdirSync(target, { mode: 0o700 });
    symlinkSync(target, join(base, `ghostwire-${euid}`));
    expect(() => privateDir(base)).toThrow(/is a symlink/);
    const base2 = scratch();
    mkdirSync(join(base2, `ghostwire-${euid}`));
    chmodSync(join(base2, `ghostwire-${euid}`), 0o755);
    expect(() => privateDir(base2)).toThrow(/has mode 755, expected 700/);
  });
});

describe('runtimeDirCandidates', () => {
  it('orders the explicit dir, XDG_RUNTIME_DIR, /dev/shm, TMPDIR, /tmp, /var/tmp, ~/.cache', () => {
    expect(
      runtimeDirCandidates({
        GHOSTWIRE_RUNTIME_DIR: '/run/gw',
        XDG_RUNTIME_DIR: '/run/user/7',
        TMPDIR: '/tmp',
        HOME: '/home/u',
      }),
    ).toEqual(['/run/gw', '/run/user/7', '/dev/shm', '/tmp', '/var/tmp', '/home/u/.cache']);
    expect(runtimeDirCandidates({ TMPDIR: 'relative' })).toEqual(['/dev/shm', '/tmp', '/var/tmp']);
  });
});

describe('loadNativeBinding with embedded bytes', () => {
  it('returns the binding, and one GW_ERR_NATIVE_LOAD naming the runtime dir when all fail', () => {
    const prev = process.env['GHOSTWIRE_RUNTIME_DIR'];
    try {
      process.env['GHOSTWIRE_RUNTIME_DIR'] = scratch();
      const b = loadNativeBinding({ override: undefined, embedded: ADDON });
      expect(typeof b.openSocketIn).toBe('function');
      let err: unknown;
      try {
        loadNativeBinding({ override: undefined, embedded: Buffer.from('junk') });
      } catch (e: unknown) {
        err = e;
      }
      expect(err).toBeInstanceOf(NativeError);
      expect((err as NativeError).code).toBe('GW_ERR_NATIVE_LOAD');
      expect((err as NativeError).message).toContain('GHOSTWIRE_RUNTIME_DIR');
    } finally {
      if (prev === undefined) delete process.env['GHOSTWIRE_RUNTIME_DIR'];
      else process.env['GHOSTWIRE_RUNTIME_DIR'] = prev;
    }
  });
});
