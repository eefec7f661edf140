// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/single-executable
 *
 * The single executable (`dist/ghostwire`, `npm run package`) for the suites that run it:
 * {@link singleExecutable} builds it when it is missing or older than its inputs (the tsc
 * output and the addon) and the checkout is writable, and {@link copyAlone} puts a copy alone
 * into a fresh directory (mode 0755, so any uid can run it), as a user would receive it.
 * `minimalRoot` builds a root file system holding only that copy, the shared libraries `ldd`
 * lists and the dynamic loader (the same set `scripts/image.sh` puts into the image).
 */
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { uniqueName } from './namespaces.js';

const REPO = new URL('../..', import.meta.url).pathname;
/** Where `npm run package` writes the executable. */
export const SINGLE_EXECUTABLE = join(REPO, 'dist', 'ghostwire');

const mtime = (p: string): number => statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0;

/**
 * Path of an up-to-date `dist/ghostwire`, building it first when needed (≈10 s), or a reason
 * why there is none (inputs not built, checkout read-only for this user).
 */
export function singleExecutable(): { path: string } | { reason: string } {
  const inputs = [
    join(REPO, 'dist', 'cli', 'main.js'),
    join(REPO, 'build', 'Release', 'ghostwire_native.node'),
  ];
  if (inputs.some((p) => !existsSync(p)))
    return { reason: 'run npm run build and build:native first' };
  const stale = mtime(SINGLE_EXECUTABLE) < Math.max(...inputs.map(mtime));
  if (!stale) return { path: SINGLE_EXECUTABLE };
  try {
    accessSync(join(REPO, 'dist'), constants.W_OK);
  } catch {
    return existsSync(SINGLE_EXECUTABLE)
      ? { path: SINGLE_EXECUTABLE }
      : { reason: 'dist/ghostwire missing and dist/ not writable (run npm run package)' };
  }
  execFileSync(process.execPath, [join(REPO, 'scripts', 'package.mjs')], {
    cwd: REPO,
    stdio: 'pipe',
  });
  return { path: SINGLE_EXECUTABLE };
}

/** A temporary directory (`/tmp/gwt-…`) and its removal. */
export interface TempDir {
  readonly path: string;
  cleanup(): void;
}

/** A fresh 0755 directory under the system temp dir. */
export function tempDir(tag: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `${uniqueName()}-${tag}-`));
  chmodSync(path, 0o755);
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Copies `exe` alone into `dir` as `ghostwire` (0755); returns the copy's path. */
export function copyAlone(exe: string, dir: string): string {
  const out = join(dir, 'ghostwire');
  copyFileSync(exe, out);
  chmodSync(out, 0o755);
  return out;
}

/** Shared objects `ldd` lists for `exe` (absolute paths, the loader included). */
export function sharedLibraries(exe: string): string[] {
  const out = execFileSync('ldd', [exe], { encoding: 'utf8' });
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m?.[1] !== undefined) libs.add(m[1]);
  }
  return [...libs].sort();
}

/**
 * A root file system in `dir` with only `exe` (as `/ghostwire`), its shared libraries (at
 * their host paths, symlinks resolved) and empty mount points `/proc`, `/run`, `/tmp`.
 */
export function minimalRoot(exe: string, dir: string): string {
  copyAlone(exe, dir);
  for (const lib of sharedLibraries(exe)) {
    const dest = join(dir, lib);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(lib, dest); // follows symlinks: the file the loader would map
  }
  for (const d of ['proc', 'run', 'tmp']) mkdirSync(join(dir, d), { mode: 0o755 });
  if (existsSync('/etc/services')) {
    mkdirSync(join(dir, 'etc'), { mode: 0o755 });
    copyFileSync('/etc/services', join(dir, 'etc', 'services')); // port service names
  }
  return join(dir, 'ghostwire');
}
