// SPDX-License-Identifier: MIT
/**
 * @module native/batch
 *
 * Namespace references as the addon takes them (open nsfs fds): {@link withNsFd} for one
 * reference, {@link inEachNamespace} for the batch calls (`openSocketsIn`, `openFilesInNetns`),
 * which hand all references to ONE addon call whose throw-away thread enters them in turn.
 */
import { closeSync, openSync } from 'node:fs';

import { NativeError } from '../errors.js';
import type { NativeBinding } from './binding.js';
import { call, convert, setnsOr } from './convert.js';
import { checkNsRef, refName, type NsRef } from './validate.js';

/** Opens an nsfs path read-only (O_CLOEXEC, as libuv always adds it). */
export function openNsPath(fn: string, path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e: unknown) {
    throw convert(e, 'GW_ERR_NS_OPEN_FAILED', `${fn}: cannot open ${path}`, {
      op: 'open',
      ref: path,
      path,
    });
  }
}

/** Runs `use` with an nsfs fd for `ns`; a path is opened and closed around it. */
export function withNsFd<T>(fn: string, ns: number | string, use: (fd: number) => T): T {
  if (typeof ns === 'number') return use(ns);
  const fd = openNsPath(fn, ns);
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * One addon call that enters the namespace `ns` (an nsfs fd or a path, checked) on a
 * throw-away thread: `run` gets the binding and the fd; a refused setns becomes
 * GW_ERR_NS_SETNS_FAILED, any other failure GW_ERR_NATIVE_SYSCALL.
 */
export function callInNamespace<T>(
  fn: string,
  ns: number | string,
  run: (b: NativeBinding, fd: number) => T,
): T {
  const ref = checkNsRef(fn, ns, false) as number | string;
  return withNsFd(fn, ref, (fd) =>
    call(
      setnsOr('GW_ERR_NATIVE_SYSCALL'),
      `${fn}(${refName(ref)})`,
      { op: fn, ref: refName(ref) },
      (b) => run(b, fd),
    ),
  );
}

/** How {@link inEachNamespace} runs one batch call. */
export interface BatchPlan<Raw, R> {
  /** The wrapper's name, for messages. */
  readonly fn: string;
  /**
   * The result for a `null` (current namespace) reference, computed on the JS thread; without
   * it a `null` reference goes to the addon as fd -1 ("stay in the current namespace").
   */
  readonly current?: () => R;
  /** The one addon call: one raw result per nsfs fd, in order (it must not throw per item). */
  readonly native: (nsFds: number[]) => Raw[];
  /** Maps a raw result of reference `ref` (converting raw error items). */
  readonly fromRaw: (raw: Raw, ref: NsRef) => R;
  /** The result for a reference that could not be used (its path did not open). */
  readonly failed: (err: NativeError) => R;
}

/**
 * Runs one batch call over `refs`: paths are opened on the JS thread (and closed after the
 * call), fds pass through, and everything the addon is asked about goes in one call. Never
 * throws for one reference; a failure of the whole addon call is a NativeError
 * `GW_ERR_NATIVE_SYSCALL`.
 */
export function inEachNamespace<Raw, R>(refs: readonly NsRef[], plan: BatchPlan<Raw, R>): R[] {
  const { fn } = plan;
  const results = new Array<R | undefined>(refs.length);
  const opened: number[] = [];
  const fds: number[] = [];
  const index: number[] = []; // fds[k] belongs to refs[index[k]]
  try {
    refs.forEach((r, i) => {
      if (r === null && plan.current !== undefined) {
        results[i] = plan.current();
      } else if (typeof r === 'string') {
        try {
          const fd = openNsPath(fn, r);
          opened.push(fd);
          fds.push(fd);
          index.push(i);
        } catch (e: unknown) {
          results[i] = plan.failed(
            e instanceof NativeError ? e : convert(e, 'GW_ERR_NS_OPEN_FAILED', `${fn}(${r})`),
          );
        }
      } else {
        fds.push(r ?? -1);
        index.push(i);
      }
    });
    if (fds.length > 0) {
      let raw: Raw[];
      try {
        raw = plan.native(fds);
      } catch (e: unknown) {
        throw convert(e, 'GW_ERR_NATIVE_SYSCALL', fn, { op: fn });
      }
      raw.forEach((item, k) => {
        const i = index[k] ?? -1;
        results[i] = plan.fromRaw(item, refs[i] ?? null);
      });
    }
  } finally {
    for (const fd of opened) closeSync(fd);
  }
  // An addon returning fewer items than asked for is a bug there; report it per reference.
  return results.map(
    (r, i) =>
      r ??
      plan.failed(
        convert(
          new Error('no result'),
          'GW_ERR_NATIVE_SYSCALL',
          `${fn}(${refName(refs[i] ?? null)})`,
        ),
      ),
  );
}
