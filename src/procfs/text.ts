// SPDX-License-Identifier: MIT
/**
 * @module procfs/text
 *
 * Reading a small text file whose absence is an answer, not an error (an optional cgroup
 * file, a host fact the Go engine also leaves empty when missing).
 */
import { readFileSync } from 'node:fs';

/**
 * The UTF-8 text of `path`, or undefined when it cannot be read (missing, no permission, not
 * a file). Only for files whose absence callers treat as "unknown"; readers of required files
 * throw a `ProcfsError` instead.
 */
export function readOptionalText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // the documented contract: unreadable means unknown
    return undefined;
  }
}
