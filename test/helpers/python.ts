// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/python
 *
 * The Debian python3 for test children. A `python3` found on PATH may be a version-manager shim
 * (a shell script that takes locks and re-execs), which made children stall intermittently under
 * `ip netns exec`; the system interpreter starts directly. scripts/test.sh installs it when
 * missing (Debian package python3-minimal).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Absolute path of the system python3 (falls back to PATH lookup). */
export const PYTHON: string =
  ['/usr/bin/python3', '/bin/python3'].find((p) => existsSync(p)) ?? 'python3';

/**
 * Waits until `child`'s stdout has printed a match of `re` and returns the match. Output is
 * accumulated across chunks: with PYTHONUNBUFFERED=1 (set on some machines) `print('READY', pid)`
 * arrives as several writes ("READY", " 123\n"), so matching chunk by chunk would never succeed.
 * Rejects when the child exits first or after `timeoutMs`.
 */
export function waitForOutput(
  child: ChildProcess,
  re: RegExp,
  timeoutMs = 90_000,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      reject(
        new Error(
          `child ${child.pid ?? '?'} did not print ${re} within ${timeoutMs / 1000} s (got ${JSON.stringify(seen.slice(-200))})`,
        ),
      );
    }, timeoutMs);
    timer.unref();
    const onData = (d: Buffer): void => {
      seen += d.toString();
      const m = re.exec(seen);
      if (m !== null) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `child exited (${code ?? signal}) before printing ${re}; output ${JSON.stringify(seen.slice(-200))}`,
        ),
      );
    });
  });
}
