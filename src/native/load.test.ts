// SPDX-License-Identifier: MIT
/**
 * @module native/load.test
 *
 * Loader search order and its "paths tried" error; needs no built addon.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { NativeError } from '../errors.js';
import {
  candidatePaths,
  findPackageRoot,
  loadNativeBinding,
  NATIVE_FILE_NAME,
  type LoadAttempt,
} from './load.js';

const tmp = mkdtempSync(join(tmpdir(), 'gwt-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function loadError(fn: () => unknown): NativeError {
  try {
    fn();
  } catch (e: unknown) {
    if (e instanceof NativeError) return e;
    throw e;
  }
  throw new Error('expected a NativeError');
}

describe('candidatePaths', () => {
  it('lists prebuilds, Release, Debug below the package root in that order', () => {
    expect(candidatePaths({ override: undefined, packageRoot: '/pkg', arch: 'arm64' })).toEqual([
      `/pkg/prebuilds/linux-arm64/${NATIVE_FILE_NAME}`,
      `/pkg/build/Release/${NATIVE_FILE_NAME}`,
      `/pkg/build/Debug/${NATIVE_FILE_NAME}`,
    ]);
  });

  it('uses only the override when one is given', () => {
    expect(candidatePaths({ override: '/x/y.so', packageRoot: '/pkg' })).toEqual(['/x/y.so']);
  });

  it('finds the package root from this module', () => {
    const root = findPackageRoot();
    expect(candidatePaths({ override: undefined })[1]).toBe(
      join(root, 'build', 'Release', NATIVE_FILE_NAME),
    );
    expect(findPackageRoot(join(root, 'src', 'native'))).toBe(root);
  });
});

describe('loadNativeBinding failures', () => {
  it('lists every path tried with "not found"', () => {
    const e = loadError(() =>
      loadNativeBinding({ override: undefined, packageRoot: tmp, arch: 'x64' }),
    );
    expect(e.code).toBe('GW_ERR_NATIVE_LOAD');
    const tried = e.details['tried'] as LoadAttempt[];
    expect(tried.map((t) => t.path)).toEqual(
      candidatePaths({ override: undefined, packageRoot: tmp, arch: 'x64' }),
    );
    expect(tried.every((t) => t.reason === 'not found')).toBe(true);
    for (const t of tried) expect(e.message).toContain(t.path);
  });

  it('reports why an existing file did not load, with the loader error as cause', () => {
    const dir = join(tmp, 'build', 'Release');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, NATIVE_FILE_NAME), 'not an ELF file');
    const e = loadError(() =>
      loadNativeBinding({ override: undefined, packageRoot: tmp, arch: 'x64' }),
    );
    const tried = e.details['tried'] as LoadAttempt[];
    expect(tried).toHaveLength(3);
    expect(tried[1]?.reason).not.toBe('not found');
    expect(tried[1]?.reason.length).toBeGreaterThan(0);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('tries only the override when it is set', () => {
    const e = loadError(() =>
      loadNativeBinding({ override: join(tmp, 'nope.so'), packageRoot: tmp }),
    );
    expect(e.details['tried']).toEqual([{ path: join(tmp, 'nope.so'), reason: 'not found' }]);
  });
});
