// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/cli-io
 *
 * A {@link CliIo} whose stdout and stderr are captured in strings, for CLI command tests.
 */
import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.js';

/** Captured CLI streams; `out()`/`err()` return everything written so far. */
export type CapturedIo = CliIo & { out: () => string; err: () => string };

/** A CliIo writing into strings (`color` as given). */
export function captureIo(color = false): CapturedIo {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  return {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    color,
    exitCode: 0,
    out: () => out,
    err: () => err,
  };
}
