// SPDX-License-Identifier: MIT
/**
 * @module procfs/cmdline
 *
 * `/proc/PID/cmdline`: argv as NUL-terminated strings. Empty for kernel threads and zombies.
 */
import { readFileSync } from 'node:fs';
import { readError } from './errors.js';

/**
 * Splits cmdline text on NUL. A trailing NUL does not produce an empty last element; a process
 * that rewrote its argv into one space-separated string yields one element.
 */
export function parseCmdline(text: string): string[] {
  if (text.length === 0) return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Reads `<procRoot>/<pid>/cmdline`. Throws `GW_ERR_PROCFS_READ` on failure. */
export function readCmdline(pid: number, procRoot = '/proc'): string[] {
  const path = `${procRoot}/${pid}/cmdline`;
  try {
    return parseCmdline(readFileSync(path, 'utf8'));
  } catch (e: unknown) {
    throw readError(path, e);
  }
}
