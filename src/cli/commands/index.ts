// SPDX-License-Identifier: MIT
/**
 * @module cli/commands
 *
 * The explicit list of subcommands. Add a command by importing it here.
 */
import type { CliCommand } from '../command.js';
import { containersCommand } from './containers.js';
import { diffCommand } from './diff.js';
import { dumpCommand } from './dump.js';
import { exportCommand } from './export.js';
import { forwardsCommand } from './forwards.js';
import { healthcheckCommand } from './healthcheck.js';
import { namespacesCommand } from './namespaces.js';
import { nifsCommand } from './nifs.js';
import { portsCommand } from './ports.js';
import { serveCommand } from './serve.js';
import { watchCommand } from './watch.js';
import { lintCommand } from './lint.js';
import { whyCommand } from './why.js';

/** All subcommands in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  serveCommand,
  watchCommand,
  dumpCommand,
  nifsCommand,
  namespacesCommand,
  portsCommand,
  forwardsCommand,
  containersCommand,
  whyCommand,
  lintCommand,
  diffCommand,
  exportCommand,
  healthcheckCommand,
];
