// SPDX-License-Identifier: MIT
/**
 * @module namespaces/open
 *
 * Opening namespaces by reference, and reaching into other mount namespaces without switching
 * the JS thread's namespace:
 *
 * - a single-path reference (`/proc/PID/ns/net`, `/proc/PID/fd/N`, `/run/netns/x`,
 *   `/proc/PID/root/run/netns/x`) is opened directly;
 * - a multi-path reference (lxkns semantics: each element after the first is interpreted inside
 *   the mount namespace named by the previous one) is walked hop by hop with a short-lived
 *   helper process (`nsenter --mount=<path> sleep`, util-linux) per process-less mount
 *   namespace; its `/proc/<helper>/root` is the view into that mount namespace. Helpers are
 *   killed (by PID) before returning.
 *
 * Paths inside a foreign root are resolved symlink by symlink relative to that root
 * (`root-path.ts`), so an absolute symlink inside a container can never point the host path at
 * a host file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { NamespaceError, errorMessage } from '../errors.js';
import { hostPathInRoot } from './root-path.js';
import type { Namespace, NsType } from '../model/namespace.js';

/**
 * Directory listings shared by several {@link RootResolver}s, keyed by the directory's
 * `dev:ino`: the same `/run/netns` seen from twenty mount namespaces is one directory with one
 * listing (readdir shows a directory's own entries whatever is mounted on them).
 */
export type DirListings = Map<string, ReadonlyMap<string, boolean> | undefined>;

/**
 * {@link hostPathInRoot} for many paths below one root, with the same results: each parent
 * directory is resolved once, and the last component is checked against one
 * `readdir(withFileTypes)` listing of that directory instead of one `lstat` per path. Only a
 * last component that the listing shows as a symlink (or does not show at all) or a `..` takes
 * the full {@link hostPathInRoot} walk. Meant for one pass over a mountinfo file (thousands of
 * `/run/netns/*` mount points in one directory); it assumes the tree does not change meanwhile.
 * (The one case where readdir and lstat could disagree — a symlink bind-mounted over a mount
 * point's name — cannot be created by mount(2) and is not handled.)
 */
export class RootResolver {
  readonly root: string;
  /** Directory as seen inside the root → resolved host path. */
  readonly #dirs = new Map<string, string>();
  /** Resolved host directory → entry name → is a symlink (undefined: not listable). */
  readonly #listings = new Map<string, ReadonlyMap<string, boolean> | undefined>();
  readonly #shared: DirListings | undefined;

  /** `shared`: listings cache to share with other resolvers of the same pass. */
  constructor(root: string, shared?: DirListings) {
    this.root = root;
    this.#shared = shared;
  }

  /** Same result as `hostPathInRoot(this.root, path)`; throws where that throws. */
  resolve(path: string): string {
    const cut = path.lastIndexOf('/');
    const last = path.slice(cut + 1);
    if (cut < 0 || last === '' || last === '.' || last === '..')
      return hostPathInRoot(this.root, path);
    const dir = path.slice(0, cut);
    let rdir = this.#dirs.get(dir);
    if (rdir === undefined) {
      rdir = hostPathInRoot(this.root, dir);
      this.#dirs.set(dir, rdir);
    }
    let listing = this.#listings.get(rdir);
    if (!this.#listings.has(rdir)) {
      listing = this.#list(rdir);
      this.#listings.set(rdir, listing);
    }
    // Not a symlink in the directory listing: hostPathInRoot's lstat would not follow it either.
    if (listing?.get(last) === false) return `${rdir}/${last}`;
    return hostPathInRoot(this.root, path);
  }

  #list(dir: string): ReadonlyMap<string, boolean> | undefined {
    if (this.#shared === undefined) return listDir(dir);
    let st;
    try {
      st = statSync(dir, { throwIfNoEntry: false });
    } catch {
      st = undefined; // EACCES, ELOOP, …: the full walk decides
    }
    if (st === undefined || !st.isDirectory()) return undefined;
    const key = `${st.dev}:${st.ino}`;
    if (this.#shared.has(key)) return this.#shared.get(key);
    const listing = listDir(dir);
    this.#shared.set(key, listing);
    return listing;
  }
}

function listDir(dir: string): Map<string, boolean> | undefined {
  try {
    const m = new Map<string, boolean>();
    for (const e of readdirSync(dir, { withFileTypes: true })) m.set(e.name, e.isSymbolicLink());
    return m;
  } catch {
    // unlistable directory: the caller falls back to the full symlink walk
    return undefined;
  }
}

/** A view into a mount namespace: a PID whose `/proc/PID/{root,mountinfo}` shows it. */
export interface MountNsView {
  /** PID (or TID) whose procfs entries show the mount namespace. */
  readonly pid: number;
  /** `<procRoot>/<pid>/root`. */
  readonly root: string;
  /** Ends the helper process, if one was started (idempotent). */
  release(): void;
}

/** Sleeps the calling thread (used only while waiting for a helper process to switch). */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Starts a helper process that joins the mount namespace at `nsPath` (any path the host can
 * open: `/run/mntns/x`, `/proc/PID/fd/N`, `/proc/<other helper>/root/…`) and sleeps; waits
 * (≤ `timeoutMs`) until `/proc/<pid>/ns/mnt` shows `mnt:[expectIno]` (or any other mount
 * namespace than ours if `expectIno` is undefined). Throws `GW_ERR_NS_MOUNTNS_UNREACHABLE`
 * when nsenter fails (no CAP_SYS_ADMIN, bad path) or times out.
 */
export function spawnMountHelper(
  nsPath: string,
  expectIno?: number,
  timeoutMs = 3000,
): MountNsView {
  let child: ChildProcess;
  try {
    child = spawn('nsenter', [`--mount=${nsPath}`, '--', 'sleep', '300'], { stdio: 'ignore' });
  } catch (e: unknown) {
    throw new NamespaceError(
      'GW_ERR_NS_MOUNTNS_UNREACHABLE',
      `cannot start nsenter: ${errorMessage(e)}`,
      {
        op: 'spawn',
        ref: nsPath,
        cause: e,
      },
    );
  }
  const pid = child.pid;
  child.on('error', () => undefined); // ENOENT of nsenter arrives async; handled by the wait below
  const release = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.unref();
  };
  if (pid === undefined) {
    release();
    throw new NamespaceError(
      'GW_ERR_NS_MOUNTNS_UNREACHABLE',
      'cannot start nsenter (not installed?)',
      {
        op: 'spawn',
        ref: nsPath,
      },
    );
  }
  const own = safeReadlink('/proc/self/ns/mnt');
  const want = expectIno === undefined ? undefined : `mnt:[${expectIno}]`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = safeReadlink(`/proc/${pid}/ns/mnt`);
    if (now === undefined || isZombie(pid)) break; // nsenter failed and exited
    if (want === undefined ? now !== own : now === want)
      return { pid, root: `/proc/${pid}/root`, release };
    if (Date.now() > deadline) break;
    sleepMs(2);
  }
  release();
  throw new NamespaceError(
    'GW_ERR_NS_MOUNTNS_UNREACHABLE',
    `helper could not join mount namespace ${nsPath}`,
    {
      op: 'setns',
      ref: nsPath,
    },
  );
}

function safeReadlink(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    // gone or not a symlink: the caller treats undefined as "not there"
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    const s = readlinkSync(`/proc/${pid}/exe`);
    return s.length === 0;
  } catch {
    // exe of a zombie is not readable (ENOENT); of a live nsenter/sleep it is.
    return true;
  }
}

/**
 * Opens a namespace by its reference and returns an O_RDONLY|O_CLOEXEC nsfs fd that the caller
 * must close. Single-path references are opened directly; multi-path references hop through
 * mount namespaces with helper processes (see module doc). Throws `GW_ERR_NS_OPEN_FAILED` (or
 * `GW_ERR_NS_MOUNTNS_UNREACHABLE` for a hop that cannot be entered).
 */
export function openNamespace(ns: Pick<Namespace, 'ref' | 'type' | 'id'>): number {
  return openRef(ns.ref, ns.type);
}

/**
 * A view into the mount namespace named by `ref` (single or multi-path) through helper
 * processes, hop by hop; earlier hops' helpers are released on the way. The caller releases
 * the returned view. `expectIno` (the mount namespace's inode) guards the final hop.
 */
export function viewByRef(ref: readonly string[], expectIno?: number): MountNsView {
  let view: MountNsView | undefined;
  let hostPath = ref[0] as string;
  try {
    for (let i = 1; i < ref.length; i++) {
      const next = spawnMountHelper(hostPath);
      view?.release();
      view = next;
      hostPath = hostPathInRoot(view.root, ref[i] as string);
    }
    const last = spawnMountHelper(hostPath, expectIno);
    view?.release();
    return last;
  } catch (e: unknown) {
    view?.release();
    throw e;
  }
}

/** {@link openNamespace} on a bare reference. */
export function openRef(ref: readonly string[], type: NsType | 'namespace' = 'namespace'): number {
  if (ref.length === 0) {
    throw new NamespaceError(
      'GW_ERR_NS_OPEN_FAILED',
      `${type} namespace has no reference (hidden)`,
      { op: 'open', ref: '' },
    );
  }
  const display = ref.join(' » ');
  if (ref.length === 1) return openPath(ref[0] as string, display);
  let view: MountNsView | undefined;
  try {
    let hostPath = ref[0] as string;
    for (let i = 1; i < ref.length; i++) {
      const next = spawnMountHelper(hostPath);
      view?.release();
      view = next;
      hostPath = hostPathInRoot(view.root, ref[i] as string);
    }
    return openPath(hostPath, display);
  } finally {
    view?.release();
  }
}

function openPath(path: string, display: string): number {
  try {
    return openSync(path, 'r');
  } catch (e: unknown) {
    throw new NamespaceError(
      'GW_ERR_NS_OPEN_FAILED',
      `cannot open namespace ${display}: ${errorMessage(e)}`,
      {
        op: 'open',
        ref: display,
        cause: e,
      },
    );
  }
}
