// SPDX-License-Identifier: MIT
/**
 * @module procfs/errors
 *
 * Small helpers shared by the procfs readers: wrap Node's system errors into
 * {@link ProcfsError}s and tell a vanished process (ENOENT/ESRCH) from a real failure.
 */
import { ProcfsError, errorMessage, sysErrorCode } from '../errors.js';

/** Wraps a failed read of `path` into a `GW_ERR_PROCFS_READ` error (system error as `cause`). */
export function readError(path: string, e: unknown): ProcfsError {
  return new ProcfsError('GW_ERR_PROCFS_READ', `cannot read ${path}: ${errorMessage(e)}`, {
    path,
    cause: e,
  });
}

/** A `GW_ERR_PROCFS_PARSE` error for `path` with a short reason. */
export function parseError(path: string, reason: string): ProcfsError {
  return new ProcfsError('GW_ERR_PROCFS_PARSE', `cannot parse ${path}: ${reason}`, { path });
}

/**
 * True when `e` (or its cause) says the process or file is simply gone: ENOENT or ESRCH.
 * Processes vanish all the time during a scan; that is not a problem worth recording.
 */
export function isVanished(e: unknown): boolean {
  const c = sysErrorCode(e);
  return c === 'ENOENT' || c === 'ESRCH';
}
