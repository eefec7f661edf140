// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/dump
 *
 * `ghostwire dump`: runs one discovery and prints Ghostwire's v1 document (the same document
 * the service's `GET /json` serves: interfaces, routes, tenants with DNS, ports, TAP/TUN
 * processors) to stdout; recorded problems go to stderr and do not change
 * the exit code. `--netns` restricts the document, `--check` verifies that every reference in
 * it resolves (exit 1 otherwise).
 */
import type { Command } from 'commander';
import { checkV1References, toV1 } from '../../api/v1/index.js';
import type { CliCommand, CliIo } from '../command.js';
import {
  defaultDiscover,
  packageVersion,
  resolveNetnsSpec,
  writeProblems,
  type DiscoverFn,
} from '../shared.js';

/** Options of the `dump` command. */
export interface DumpOptions {
  readonly pretty?: boolean;
  readonly netns?: string;
  readonly check?: boolean;
}

/** Runs `dump` with already-parsed options (exported for tests). */
export async function runDump(io: CliIo, opts: DumpOptions, discoverFn: DiscoverFn): Promise<void> {
  const result = await discoverFn();
  const netns = opts.netns === undefined ? undefined : resolveNetnsSpec(result, opts.netns);
  const doc = toV1(
    result,
    netns === undefined
      ? { creatorVersion: packageVersion() }
      : { creatorVersion: packageVersion(), netns },
  );
  io.stdout.write(`${opts.pretty === true ? JSON.stringify(doc, null, 2) : JSON.stringify(doc)}\n`);
  writeProblems(io, result.problems);
  if (opts.check === true) {
    const issues = checkV1References(doc);
    for (const i of issues)
      io.stderr.write(`ghostwire: dangling reference ${i.ref} at ${i.path}: ${i.problem}\n`);
    if (issues.length > 0) io.exitCode = 1;
  }
}

/** Builds the `dump` command over a discovery function. */
export function makeDumpCommand(discoverFn: DiscoverFn = defaultDiscover): CliCommand {
  return {
    name: 'dump',
    register(program: Command, io: CliIo): void {
      program
        .command('dump')
        .description("print Ghostwire's v1 discovery document (as GET /json serves it) to stdout")
        .option('--pretty', 'indent the JSON for humans')
        .option(
          '--netns <ino|name>',
          'only this network namespace: inode, /run/netns name, or tenant name such as "systemd(1)"',
        )
        .option('--check', 'verify that every ID reference in the document resolves; exit 1 if not')
        .addHelpText(
          'after',
          '\nPer network namespace the document lists its interfaces and routes, its tenants ("containers":\n' +
            'leader processes and engine containers, with capabilities, scheduling and the DNS configuration\n' +
            'read inside their own mount and UTS namespaces), its TCP/UDP ports with owning processes, and the\n' +
            'processes holding TAP/TUN devices.\n' +
            'Problems met during discovery are printed to stderr; the exit code stays 0.\n' +
            'The document format is described in docs/api-v1.md. Needs root for a complete view.\n',
        )
        .action(async (opts: DumpOptions) => {
          await runDump(io, opts, discoverFn);
        });
    },
  };
}

/** The `dump` command. */
export const dumpCommand: CliCommand = makeDumpCommand();
