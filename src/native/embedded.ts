// SPDX-License-Identifier: MIT
/**
 * @module native/embedded
 *
 * Loading the C addon carried inside Ghostwire's single executable (a SEA asset, see
 * `scripts/package.mjs` and docs/deploy.md). `dlopen()` needs a file, so the bytes must be put
 * somewhere the kernel lets us map executable — safely:
 *
 * 1. **An anonymous file** (`open(dir, O_TMPFILE)`): it never has a name, so no other process
 *    can swap, replace or pre-create it, even in a world-writable `/tmp`; we write it through
 *    our own fd and `process.dlopen()` `/proc/self/fd/N`. The fd stays open for the life of
 *    the process (glibc caches loaded objects by path name: `/proc/self/fd/N` must keep
 *    naming the same file).
 * 2. **A private directory** `<dir>/ghostwire-<euid>/`, only where `O_TMPFILE` is unsupported
 *    by the file system: created 0700, then checked with `lstat` (a real directory, not a
 *    symlink, owned by the effective uid, no group/other access) — a directory someone else
 *    planted is refused, never "fixed". The file is named by the addon's SHA-256
 *    (`ghostwire_native-<hash>.node`), opened with `O_NOFOLLOW`, checked (regular, ours, not
 *    group/other-writable, same hash) and loaded through its fd, like (1).
 *
 * Directories tried in order: `$GHOSTWIRE_RUNTIME_DIR`, `$XDG_RUNTIME_DIR`, `/dev/shm`,
 * `$TMPDIR`, `/tmp`, `/var/tmp`, `$HOME/.cache`; a directory on a `noexec` mount fails at
 * `dlopen` ("failed to map segment") and the next one is tried, so a `noexec` `/tmp` is fine
 * as long as one of them allows mapping code.
 *
 * Why not `memfd_create`: Node has no API for it and the addon that could call it is the very
 * file being loaded; an `O_TMPFILE` file gives the same "no name anyone can reach" property
 * and differs only in needing a file system mounted without `noexec`.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { errorMessage } from '../errors.js';

/** SEA asset key of the embedded addon (written by `scripts/package.mjs`). */
export const EMBEDDED_ADDON_KEY = 'native/ghostwire_native.node';

/** Environment variable naming the preferred directory for the embedded addon's file. */
export const RUNTIME_DIR_ENV = 'GHOSTWIRE_RUNTIME_DIR';

/** `O_TMPFILE` from `<asm-generic/fcntl.h>` (`__O_TMPFILE | O_DIRECTORY`), x86-64 and arm64. */
const O_TMPFILE = 0o20000000 | 0o200000;

/** One place tried, as in GW_ERR_NATIVE_LOAD's `details.tried`. */
export interface EmbeddedAttempt {
  readonly path: string;
  readonly reason: string;
}

/** A loaded embedded addon. */
export interface EmbeddedLoad {
  /** The module's exports. */
  readonly exports: unknown;
  /** How the file was placed: anonymous `O_TMPFILE` or the private content-hash directory. */
  readonly how: 'tmpfile' | 'private-dir';
  /** Directory whose file system holds the file. */
  readonly dir: string;
  /** `/proc/self/fd/N` it was loaded from. */
  readonly path: string;
}

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

/**
 * The embedded addon's bytes (`key`: another addon's asset, e.g. better-sqlite3's), or
 * undefined outside the single executable.
 */
export function embeddedAddonBytes(key: string = EMBEDDED_ADDON_KEY): Buffer | undefined {
  let sea: SeaModule;
  try {
    sea = createRequire(import.meta.url)('node:sea') as SeaModule;
    if (!sea.isSea()) return undefined;
  } catch {
    return undefined;
  }
  try {
    return Buffer.from(sea.getAsset(key));
  } catch {
    return undefined;
  }
}

/** Candidate directories in order (see the module doc), existing or not, without duplicates. */
export function runtimeDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [
    env[RUNTIME_DIR_ENV],
    env['XDG_RUNTIME_DIR'],
    '/dev/shm',
    env['TMPDIR'],
    '/tmp',
    '/var/tmp',
    env['HOME'] !== undefined && env['HOME'] !== '' ? join(env['HOME'], '.cache') : undefined,
  ];
  return [...new Set(dirs.filter((d): d is string => d !== undefined && d.startsWith('/')))];
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

function writeAll(fd: number, bytes: Buffer): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

function dlopenFd(fd: number): unknown {
  const mod = { exports: {} as unknown };
  process.dlopen(mod, `/proc/self/fd/${fd}`);
  return mod.exports;
}

/** Effective uid (process.geteuid exists on Linux). */
function euid(): number {
  return process.geteuid?.() ?? -1;
}

/**
 * Makes (or accepts) `<dir>/ghostwire-<euid>` and checks it is ours alone.
 * @throws Error naming what is wrong with it.
 */
export function privateDir(dir: string): string {
  const path = join(dir, `ghostwire-${euid()}`);
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (e: unknown) {
    if (errnoCode(e) !== 'EEXIST') throw e;
  }
  const st = lstatSync(path);
  if (st.isSymbolicLink()) throw new Error(`${path} is a symlink`);
  if (!st.isDirectory()) throw new Error(`${path} is not a directory`);
  if (st.uid !== euid()) throw new Error(`${path} belongs to uid ${st.uid}, not ${euid()}`);
  if ((st.mode & 0o077) !== 0) {
    throw new Error(`${path} has mode ${(st.mode & 0o777).toString(8)}, expected 700`);
  }
  return path;
}

/** Opens (creating if needed) the content-hash file in a private dir; returns an O_RDONLY fd. */
function privateFile(dir: string, bytes: Buffer, hash: string): number {
  const pdir = privateDir(dir);
  const file = join(pdir, `ghostwire_native-${hash.slice(0, 32)}.node`);
  const openChecked = (): number | undefined => {
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e: unknown) {
      if (errnoCode(e) === 'ENOENT') return undefined;
      throw e;
    }
    const st = fstatSync(fd);
    const same =
      st.isFile() &&
      st.uid === euid() &&
      (st.mode & 0o022) === 0 &&
      createHash('sha256').update(readFileSync(fd)).digest('hex') === hash;
    if (same) return fd;
    closeSync(fd);
    unlinkSync(file); // a stale or foreign file in OUR directory: replace it
    return undefined;
  };
  const existing = openChecked();
  if (existing !== undefined) return existing;
  const tmp = join(pdir, `.tmp-${process.pid}-${hash.slice(0, 8)}`);
  try {
    unlinkSync(tmp); // left by a crashed run with our pid number
  } catch {
    // usually absent
  }
  const wfd = openSync(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o500,
  );
  try {
    writeAll(wfd, bytes);
  } finally {
    closeSync(wfd);
  }
  renameSync(tmp, file);
  const fd = openChecked();
  if (fd === undefined) throw new Error(`${file} vanished or changed while being written`);
  return fd;
}

/**
 * Fds of successful loads, never closed: glibc's `dlopen` finds an already loaded object by
 * its path name first, so a `/proc/self/fd/N` name must never come to mean another file.
 */
const keptFds: number[] = [];

/**
 * Writes `bytes` to a safe, executable-mappable file and `dlopen`s it (module doc). Returns
 * the first success, or the list of attempts when every directory failed.
 */
export function loadEmbeddedAddon(
  bytes: Buffer,
  dirs: readonly string[] = runtimeDirCandidates(),
  options: { readonly anonymous?: boolean } = {},
): EmbeddedLoad | { readonly tried: EmbeddedAttempt[] } {
  const tried: EmbeddedAttempt[] = [];
  const hash = createHash('sha256').update(bytes).digest('hex');
  for (const dir of dirs) {
    let fd: number | undefined;
    let how: EmbeddedLoad['how'] = 'tmpfile';
    try {
      // options.anonymous false (tests): behave as on a file system without O_TMPFILE
      if (options.anonymous === false)
        throw Object.assign(new Error('EOPNOTSUPP'), { code: 'EOPNOTSUPP' });
      fd = openSync(dir, O_TMPFILE | constants.O_RDWR, 0o500);
      writeAll(fd, bytes);
    } catch (e: unknown) {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      const code = errnoCode(e);
      // EOPNOTSUPP/EISDIR/EINVAL: the file system has no O_TMPFILE -> private directory
      if (code !== 'EOPNOTSUPP' && code !== 'EISDIR' && code !== 'EINVAL') {
        tried.push({ path: `${dir} (O_TMPFILE)`, reason: errorMessage(e) });
        continue;
      }
      try {
        fd = privateFile(dir, bytes, hash);
        how = 'private-dir';
      } catch (e2: unknown) {
        tried.push({ path: join(dir, `ghostwire-${euid()}`), reason: errorMessage(e2) });
        continue;
      }
    }
    try {
      const exports = dlopenFd(fd);
      keptFds.push(fd);
      return { exports, how, dir, path: `/proc/self/fd/${fd}` };
    } catch (e: unknown) {
      closeSync(fd);
      tried.push({ path: `${dir} (${how})`, reason: errorMessage(e) });
    }
  }
  return { tried };
}
