// SPDX-License-Identifier: MIT
/**
 * @module cli/main
 *
 * Command-line entry: builds the commander program from the explicit command list and runs it.
 * Fatal "cannot run at all" errors print one clear line and exit 2; partial discovery results
 * exit 0 with problems reported by each command.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ProjectError, errorMessage } from '../errors.js';
import { versionLine } from '../util/build-info.js';
import type { CliIo } from './command.js';
import { COMMANDS } from './commands/index.js';

/** Builds the program; exported for tests. */
export function buildProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name('ghostwire')
    .description(
      'Discover Linux virtual networking: namespaces, interfaces, wiring, addresses, routes.',
    )
    .version(versionLine(), '-V, --version', 'print the version and the git commit of this build')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .option(
      '--engine-wait <ms>',
      'how long one discovery waits for a newly found container engine to list its containers',
      parseWaitMs,
      defaultEngineWaitMs(),
    )
    .hook('preAction', async (_program, action) => {
      if (action.name() === 'healthcheck') return; // runs no discovery
      const { configureDefaultDiscoveryContext } = await import('../discovery/index.js');
      // one-shot commands close the context after one discovery: list engines once, watch nothing
      configureDefaultDiscoveryContext({
        engineWaitMs: program.opts<{ engineWait: number }>().engineWait,
        watch: false,
      });
    });
  for (const c of COMMANDS) c.register(program, io);
  return program;
}

/** Default of `--engine-wait`: GHOSTWIRE_ENGINE_WAIT_MS if set and valid, else 2000 ms. */
function defaultEngineWaitMs(): number {
  const env = process.env['GHOSTWIRE_ENGINE_WAIT_MS'];
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(Number(env), 600_000);
  return 2_000;
}

function parseWaitMs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 600_000) {
    throw new InvalidArgumentError('expected milliseconds between 0 and 600000');
  }
  return Number(value);
}

/** Runs the CLI with `argv` (as process.argv) and exits the process. */
export async function main(argv: string[]): Promise<void> {
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    color: Boolean(process.stdout.isTTY) && process.env['NO_COLOR'] === undefined,
    exitCode: 0,
  };
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
  } catch (e: unknown) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    const code = e instanceof ProjectError ? ` [${e.code}]` : '';
    io.stderr.write(`ghostwire: ${errorMessage(e)}${code}\n`);
    process.exitCode = 2;
    return;
  } finally {
    await closeDiscovery();
  }
  process.exitCode = io.exitCode;
}

/** Closes the default discovery context: its engine watchers would keep the process alive. */
async function closeDiscovery(): Promise<void> {
  try {
    const { closeDefaultDiscoveryContext } = await import('../discovery/index.js');
    closeDefaultDiscoveryContext();
  } catch {
    // discovery could not even be loaded: then it holds nothing open either
  }
}
