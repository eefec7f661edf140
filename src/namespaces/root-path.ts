// SPDX-License-Identifier: MIT
/**
 * @module namespaces/root-path
 *
 * Resolving a path as a process sees it, below that process' root (`/proc/PID/root`) from the
 * host, following symlinks *inside* the root only: an absolute link target restarts at the
 * root and `..` never climbs above it, so a symlink inside a container can never point the
 * host at a host file. One walker, two contracts:
 *
 * - {@link hostPathInRoot}: the host path (`root` + resolved path) for opening something that
 *   may not exist yet or may not be inspectable; such components are kept verbatim;
 * - {@link existingPathInRoot}: the resolved path inside the root, or `undefined` unless every
 *   component exists (and the link chain is not too long).
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { NamespaceError } from '../errors.js';

/** Max symlinks followed while resolving one path (Linux's own limit is 40). */
export const MAX_SYMLINKS = 40;

type Walk = { readonly parts: string[] } | { readonly fail: 'missing' | 'loop' };

/** The resolved components of `path` below `root`; `strict` stops at the first missing one. */
function walkInRoot(root: string, path: string, strict: boolean): Walk {
  const todo = path.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const c = todo.shift() as string;
    if (c === '..') {
      done.pop();
      continue;
    }
    const candidate = `${root}/${[...done, c].join('/')}`;
    let target: string | undefined;
    try {
      if (lstatSync(candidate).isSymbolicLink()) target = readlinkSync(candidate);
    } catch {
      // Missing or not inspectable (EACCES): strict callers give up, lenient ones keep it.
      if (strict) return { fail: 'missing' };
      target = undefined;
    }
    if (target === undefined) {
      done.push(c);
      continue;
    }
    if (++links > MAX_SYMLINKS) return { fail: 'loop' };
    const parts = target.split('/').filter((x) => x !== '' && x !== '.');
    if (target.startsWith('/')) done.length = 0;
    todo.unshift(...parts);
  }
  return { parts: done };
}

/**
 * Resolves `path` (absolute, as seen inside the root) below `root` (e.g. `/proc/42/root`) and
 * returns the host path `root + resolved`. Components that do not exist (or cannot be
 * inspected) are kept verbatim.
 * @throws NamespaceError GW_ERR_NS_SYMLINK_LOOP after {@link MAX_SYMLINKS} symlinks.
 */
export function hostPathInRoot(root: string, path: string): string {
  const w = walkInRoot(root, path, false);
  if ('fail' in w) {
    throw new NamespaceError(
      'GW_ERR_NS_SYMLINK_LOOP',
      `too many symlinks resolving ${path} below ${root}`,
      { op: 'resolve', ref: path, details: { root, path } },
    );
  }
  return w.parts.length === 0 ? root : `${root}/${w.parts.join('/')}`;
}

/**
 * Resolves `path` (absolute, as seen inside `root`) and returns it as an absolute path relative
 * to `root` (e.g. `/run/docker.sock` for `/var/run/docker.sock`), or `undefined` when a
 * component is missing or the link chain is longer than {@link MAX_SYMLINKS}.
 */
export function existingPathInRoot(root: string, path: string): string | undefined {
  const w = walkInRoot(root, path, true);
  return 'fail' in w ? undefined : `/${w.parts.join('/')}`;
}
