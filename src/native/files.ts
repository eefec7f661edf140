// SPDX-License-Identifier: MIT
/**
 * @module native/files
 *
 * Files opened where Node cannot open them: below a root without leaving it
 * ({@link readFileInRoot}, openat2 RESOLVE_IN_ROOT) and from inside network namespaces
 * ({@link openFilesInNetns}, for per-netns procfs files).
 */
import { openSync } from 'node:fs';

import { errorCode, type NativeError } from '../errors.js';
import type { NativeSystemError } from './binding.js';
import { inEachNamespace } from './batch.js';
import { READ_IN_ROOT_MAX_BYTES } from './constants.js';
import { call, convert, setnsOr } from './convert.js';
import { getNativeBinding } from './load.js';
import { argError, checkInt, checkNsRef, checkString, refName, type NsRef } from './validate.js';

/** Result of {@link readFileInRoot}. */
export interface FileInRoot {
  /** At most maxBytes bytes from the start of the file. */
  readonly data: Buffer;
  /** True when the file holds more than maxBytes bytes. */
  readonly truncated: boolean;
}

/**
 * Reads a regular file below `root` (e.g. `/proc/PID/root`) with openat2 RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS: absolute and `..` symlinks resolve inside `root`, never outside.
 * FIFOs, devices and directories are refused without blocking.
 * @throws NativeError GW_ERR_FILE_NOT_REGULAR (sysCode 'EFTYPE'), GW_ERR_FILE_IN_ROOT (ENOENT,
 *   EACCES, ELOOP, EXDEV, …), GW_ERR_NATIVE_ARGUMENT.
 */
export function readFileInRoot(root: string, rel: string, maxBytes: number): FileInRoot {
  const fn = 'readFileInRoot';
  checkString(fn, 'root', root);
  checkString(fn, 'rel', rel);
  checkInt(fn, 'maxBytes', maxBytes, 0, READ_IN_ROOT_MAX_BYTES);
  return call(
    (e) => (errorCode(e) === 'EFTYPE' ? 'GW_ERR_FILE_NOT_REGULAR' : 'GW_ERR_FILE_IN_ROOT'),
    `${fn}(${root}, ${rel})`,
    { op: fn, root, path: rel },
    (b) => b.readFileInRoot(root, rel, maxBytes),
  );
}

/**
 * Opens every path in `paths` (absolute) from inside each network namespace of `nsRefs`: one
 * throw-away native thread enters the namespaces in turn (`null` = the current netns: opened
 * on the JS thread, no setns). Made for per-netns procfs files, e.g.
 * `/proc/thread-self/net/sockstat`: such an fd keeps showing the netns it was opened in, also
 * a netns no process is in. Never throws for one item: per ref, one fd (**caller closes**) or
 * NativeError per path (GW_ERR_NS_OPEN_FAILED for a ref path, GW_ERR_NS_SETNS_FAILED,
 * GW_ERR_NATIVE_SYSCALL for the open).
 * @throws NativeError GW_ERR_NATIVE_ARGUMENT; GW_ERR_NATIVE_SYSCALL if no thread starts.
 */
export function openFilesInNetns(
  nsRefs: readonly NsRef[],
  paths: readonly string[],
): Array<Array<number | NativeError>> {
  const fn = 'openFilesInNetns';
  if (!Array.isArray(nsRefs)) throw argError(fn, 'nsRefs', nsRefs, 'an array');
  if (!Array.isArray(paths) || paths.length === 0 || paths.length > 64)
    throw argError(fn, 'paths', paths, 'an array of 1..64 absolute paths');
  paths.forEach((p: unknown, k) => {
    if (typeof p !== 'string' || !p.startsWith('/') || p.includes('\0'))
      throw argError(fn, `paths[${k}]`, p, 'an absolute path');
  });
  const refs = nsRefs.map((r) => checkNsRef(fn, r, true));
  const b = getNativeBinding();
  const code = setnsOr('GW_ERR_NATIVE_SYSCALL');
  return inEachNamespace<Array<number | NativeSystemError>, Array<number | NativeError>>(refs, {
    fn,
    // The current netns needs no thread: open on the JS thread.
    current: () =>
      paths.map((p) => {
        try {
          return openSync(p, 'r');
        } catch (e: unknown) {
          return convert(e, 'GW_ERR_NATIVE_SYSCALL', `${fn}(current netns, ${p})`, {
            op: fn,
            path: p,
          });
        }
      }),
    native: (fds) => b.openFilesInNetns(fds, [...paths]),
    fromRaw: (perPath, ref) =>
      perPath.map((item, j) =>
        typeof item === 'number'
          ? item
          : convert(item, code(item), `${fn}(${refName(ref)}, ${paths[j] ?? '?'})`, {
              op: fn,
              ref: refName(ref),
              path: paths[j],
            }),
      ),
    failed: (err) => paths.map(() => err),
  });
}
