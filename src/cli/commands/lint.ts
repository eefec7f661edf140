// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/lint
 *
 * `ghostwire lint [--json] [--code X,Y]`: runs one discovery plus the per-netns facts and
 * prints the configuration findings of `src/analysis/lint` (code, severity, objects by v1 id
 * and name, a sentence). Exit code 0 without errors, 1 when a finding of severity `error`
 * exists.
 */
import type { Command } from 'commander';
import { lint, lintCodes, type LintFinding } from '../../analysis/index.js';
import type { CliCommand, CliIo } from '../command.js';
import { defaultDiscover, writeProblems, type DiscoverFn } from '../shared.js';
import { defaultFacts, type FactsFn } from './why.js';

/** Options of `lint`. */
export interface LintOptions {
  readonly json?: boolean;
  readonly code?: string;
}

/** Human rendering of findings. Pure. */
export function renderFindings(findings: readonly LintFinding[], color: boolean): string {
  if (findings.length === 0) return 'no findings\n';
  const paint = (c: string, s: string): string => (color ? `\u001b[${c}m${s}\u001b[0m` : s);
  const sev = { error: paint('31', 'error'), warning: paint('33', 'warning'), info: 'info' };
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${sev[f.severity]}  ${f.code}  ${f.message}`);
    lines.push(`    ${f.objects.map((o) => `${o.id} (${o.name})`).join(', ')}`);
  }
  const count = (s: LintFinding['severity']): number =>
    findings.filter((f) => f.severity === s).length;
  lines.push(
    `${findings.length} findings: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} info`,
  );
  return lines.join('\n') + '\n';
}

/** Runs `lint` (exported for tests). */
export async function runLint(
  io: CliIo,
  opts: LintOptions,
  discoverFn: DiscoverFn,
  factsFn: FactsFn,
): Promise<void> {
  let only: Set<string> | undefined;
  if (opts.code !== undefined) {
    only = new Set(
      opts.code
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    );
    const known = lintCodes();
    const bad = [...only].filter((c) => !(c in known));
    if (bad.length > 0) {
      io.stderr.write(
        `ghostwire lint: unknown code(s) ${bad.join(', ')}; known: ${Object.keys(known).join(', ')}\n`,
      );
      io.exitCode = 2;
      return;
    }
  }
  const result = await discoverFn();
  const { facts, problems } = await factsFn(result);
  writeProblems(io, [...result.problems, ...problems]);
  const findings = lint({ result, facts }, only);
  io.stdout.write(
    opts.json === true
      ? `${JSON.stringify({ findings }, null, 2)}\n`
      : renderFindings(findings, io.color),
  );
  io.exitCode = findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** Builds the `lint` command. */
export function makeLintCommand(
  discoverFn: DiscoverFn = defaultDiscover,
  factsFn: FactsFn = defaultFacts,
): CliCommand {
  return {
    name: 'lint',
    register(program: Command, io: CliIo): void {
      program
        .command('lint')
        .description("check the host's virtual network wiring for misconfigurations")
        .option('--json', 'print {findings: [...]} as JSON')
        .option('--code <codes>', 'only these comma-separated finding codes')
        .addHelpText(
          'after',
          '\nEach finding has a stable code, a severity (error, warning, info), the objects concerned by v1 id\n' +
            'and name, and a sentence. Codes: MTU mismatches (veth, bridge, vxlan underlay), duplicate IP/MAC\n' +
            'in one L2 domain, veth peers down or missing, interfaces without carrier, routes via down\n' +
            'interfaces, missing default routes, ports published on all addresses, forwards nobody serves,\n' +
            'privileged / host-netns containers, unreachable nameservers. All documented in docs/analysis.md.\n' +
            'Exit code 1 when an error finding exists.\n',
        )
        .action(async (opts: LintOptions) => {
          await runLint(io, opts, discoverFn, factsFn);
        });
    },
  };
}

/** The `lint` command. */
export const lintCommand: CliCommand = makeLintCommand();
