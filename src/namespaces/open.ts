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
 *   the mount namespace named by the previous one) is walked hop by hop: per process-less
 *   mount namespace the addon enters it on a throw-away thread and hands back an fd of its
 *   root directory (`mountNsRoot`); `/proc/self/fd/<fd>` is the view into that mount
 *   namespace. No helper process or external program (the FROM-scratch image has none); the
 *   fds are closed before returning.
 *
 * Paths inside a foreign root are resolved symlink by symlink relative to that root
 * (`root-path.ts`), so an absolute symlink inside a container can never point the host path at
 * a host file.
 */
import { closeSync, fstatSync, openSync, readdirSync, statSync } from 'node:fs';
import { NamespaceError, errorMessage } from '../errors.js';
import { mountNsRoot, type MountNsRoot } from '../native/index.js';
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

/**
 * A view into a mount namespace: a root directory path whose lookups happen in that namespace's
 * mount tree, and where its mount table is found.
 */
export interface MountNsView {
  /** PID (or TID) whose `/proc/PID/mountinfo` shows the mount namespace (process views). */
  readonly pid?: number;
  /** `<procRoot>/<pid>/root`, or `/proc/self/fd/<fd>` of a native root fd. */
  readonly root: string;
  /** The namespace's mountinfo text, read natively (native views made with mountinfo). */
  readonly mountinfo?: string;
  /** Closes the native root fd, if any (idempotent). */
  release(): void;
}

/**
 * Enters the mount namespace at `nsPath` (any path the host can open: `/run/mntns/x`,
 * `/proc/PID/fd/N`, `/proc/self/fd/<other view>/…`) natively: a throw-away thread of the addon
 * does `unshare(CLONE_FS)` + `setns(CLONE_NEWNS)` and hands back an fd of that namespace's
 * root (`native/mntns.c`); no helper process, no external program. `expectIno` (the mount
 * namespace's inode) guards against a path that names another namespace meanwhile.
 * `withMountinfo` also reads the namespace's mountinfo. Throws
 * `GW_ERR_NS_MOUNTNS_UNREACHABLE` (no CAP_SYS_ADMIN/CAP_SYS_CHROOT, bad path, wrong inode).
 */
export function enterMountNs(
  nsPath: string,
  expectIno?: number,
  withMountinfo = false,
): MountNsView {
  const unreachable = (why: string, cause?: unknown): NamespaceError =>
    new NamespaceError(
      'GW_ERR_NS_MOUNTNS_UNREACHABLE',
      `cannot enter mount namespace ${nsPath}: ${why}`,
      {
        op: 'setns',
        ref: nsPath,
        ...(cause === undefined ? {} : { cause }),
      },
    );
  let nsFd: number;
  try {
    nsFd = openSync(nsPath, 'r');
  } catch (e: unknown) {
    throw unreachable(errorMessage(e), e);
  }
  let got: MountNsRoot;
  try {
    const ino = fstatSync(nsFd).ino;
    if (expectIno !== undefined && ino !== expectIno)
      throw unreachable(`it is mnt:[${ino}], not mnt:[${expectIno}]`);
    got = mountNsRoot(nsFd, withMountinfo);
  } catch (e: unknown) {
    if (e instanceof NamespaceError) throw e;
    throw unreachable(errorMessage(e), e);
  } finally {
    closeSync(nsFd);
  }
  let fd: number | undefined = got.rootFd;
  return {
    root: `/proc/self/fd/${got.rootFd}`,
    ...(got.mountinfo === undefined ? {} : { mountinfo: got.mountinfo.toString('utf8') }),
    release: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * Opens a namespace by its reference and returns an O_RDONLY|O_CLOEXEC nsfs fd that the caller
 * must close. Single-path references are opened directly; multi-path references hop through
 * mount namespaces through native root fds (see module doc). Throws `GW_ERR_NS_OPEN_FAILED` (or
 * `GW_ERR_NS_MOUNTNS_UNREACHABLE` for a hop that cannot be entered).
 */
export function openNamespace(ns: Pick<Namespace, 'ref' | 'type' | 'id'>): number {
  return openRef(ns.ref, ns.type);
}

/**
 * A view into the mount namespace named by `ref` (single or multi-path) through native root
 * fds, hop by hop; earlier hops' views are released on the way. The caller releases
 * the returned view. `expectIno` (the mount namespace's inode) guards the final hop.
 */
export function viewByRef(
  ref: readonly string[],
  expectIno?: number,
  withMountinfo = false,
): MountNsView {
  let view: MountNsView | undefined;
  let hostPath = ref[0] as string;
  try {
    for (let i = 1; i < ref.length; i++) {
      const next = enterMountNs(hostPath);
      view?.release();
      view = next;
      hostPath = hostPathInRoot(view.root, ref[i] as string);
    }
    const last = enterMountNs(hostPath, expectIno, withMountinfo);
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
      const next = enterMountNs(hostPath);
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
