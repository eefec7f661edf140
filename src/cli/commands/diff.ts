// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/diff
 *
 * `ghostwire diff A [B] [--json]`: the changes between two v1 documents (files written by
 * `ghostwire dump`, `-` for stdin); without B, A is compared with a live discovery now ("what
 * changed since it last worked?"). Lists network namespaces, interfaces, addresses, routes,
 * listening ports, forwards and containers added / removed / changed. Exit code 0 when nothing
 * changed, 1 when something did (as diff(1)).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { diffV1, renderDiff } from '../../analysis/index.js';
import type { DiscoveryResultV1 } from '../../api/v1/index.js';
import { ProjectError, errorMessage } from '../../errors.js';
import type { CliCommand, CliIo } from '../command.js';
import { defaultDiscover, packageVersion, writeProblems, type DiscoverFn } from '../shared.js';

/** Options of `diff`. */
export interface DiffOptions {
  readonly json?: boolean;
}

/** Reads and checks a v1 document file (`-` = stdin). Throws GW_ERR_CLI_USAGE. */
export function readV1File(path: string): DiscoveryResultV1 {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e: unknown) {
    throw new ProjectError('GW_ERR_CLI_USAGE', `cannot read ${path}: ${errorMessage(e)}`, {
      details: { path },
      cause: e,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e: unknown) {
    throw new ProjectError('GW_ERR_CLI_USAGE', `${path} is not JSON: ${errorMessage(e)}`, {
      details: { path },
      cause: e,
    });
  }
  const d = doc as Partial<DiscoveryResultV1> | null;
  if (
    d === null ||
    typeof d !== 'object' ||
    !Array.isArray(d['network-namespaces']) ||
    typeof d.metadata !== 'object'
  ) {
    throw new ProjectError(
      'GW_ERR_CLI_USAGE',
      `${path} is not a v1 discovery document (ghostwire dump)`,
      { details: { path } },
    );
  }
  return d as DiscoveryResultV1;
}

/** Runs `diff` (exported for tests). */
export async function runDiff(
  io: CliIo,
  a: string,
  b: string | undefined,
  opts: DiffOptions,
  discoverFn: DiscoverFn,
): Promise<void> {
  const before = readV1File(a);
  let after: DiscoveryResultV1;
  if (b !== undefined) after = readV1File(b);
  else {
    const result = await discoverFn();
    writeProblems(io, result.problems);
    const { toV1 } = await import('../../api/v1/index.js');
    after = toV1(result, { creatorVersion: packageVersion() });
  }
  const d = diffV1(before, after);
  io.stdout.write(opts.json === true ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d));
  io.exitCode = d.changes.length === 0 ? 0 : 1;
}

/** Builds the `diff` command. */
export function makeDiffCommand(discoverFn: DiscoverFn = defaultDiscover): CliCommand {
  return {
    name: 'diff',
    register(program: Command, io: CliIo): void {
      program
        .command('diff')
        .description('show what changed between two discovery documents (or a document and now)')
        .argument('<a>', 'v1 document (a `ghostwire dump` file; - for stdin): the "before"')
        .argument('[b]', 'v1 document: the "after" (default: a live discovery now)')
        .option('--json', 'print the diff as JSON (summary per kind and the changes)')
        .addHelpText(
          'after',
          '\nCompares network namespaces (by inode), interfaces (by netns and name), addresses, routes,\n' +
            'listening ports, forwarded ports and containers (by engine type and name). One line per change:\n' +
            '"+" added, "-" removed, "~" changed with the fields before -> after.\n' +
            'Exit code 0 when nothing changed, 1 when something did.\n',
        )
        .action(async (a: string, b: string | undefined, opts: DiffOptions) => {
          await runDiff(io, a, b, opts, discoverFn);
        });
    },
  };
}

/** The `diff` command. */
export const diffCommand: CliCommand = makeDiffCommand();
