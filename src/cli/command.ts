// SPDX-License-Identifier: MIT
/**
 * @module cli/command
 *
 * Contract of one CLI subcommand: a name and a function that registers it on the commander
 * program. Subcommands are listed explicitly in `commands/index.ts` (no import side effects).
 */
import type { Command } from 'commander';

/** Output streams and terminal facts a command writes through (injectable for tests). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  /** True when colour output is wanted (stdout is a TTY and NO_COLOR is unset). */
  readonly color: boolean;
  /** Exit code the command wants (0 default). */
  exitCode: number;
}

/** One subcommand. */
export interface CliCommand {
  readonly name: string;
  /** Adds the subcommand (with its options, `--help` text and action) to `program`. */
  register(program: Command, io: CliIo): void;
}
