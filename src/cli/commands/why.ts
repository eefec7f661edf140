// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/why
 *
 * `ghostwire why FROM TO[:PORT] [--proto tcp|udp] [--json]`: runs one discovery, reads the
 * per-netns forwarding and netfilter facts, and prints the reachability answer of
 * `src/analysis/reach` — the verdict, every hop the packet takes and, when not reachable, the
 * first failing hop with its reason. Exit code 0 reachable, 1 unreachable, 3 unknown, 2 when an
 * endpoint cannot be resolved.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { why, type ReachAnswer } from '../../analysis/index.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { NetnsFactsModel } from '../../model/netns-facts.js';
import type { Problem } from '../../model/problem.js';
import type { CliCommand, CliIo } from '../command.js';
import { defaultDiscover, writeProblems, type DiscoverFn } from '../shared.js';

/** Reads the per-netns facts for a discovery (injectable for tests). */
export type FactsFn = (
  result: DiscoveryResult,
) => Promise<{ facts: NetnsFactsModel; problems: Problem[] }>;

/** Default facts reader: the network layer's readNetnsFacts, loaded lazily. */
export const defaultFacts: FactsFn = async (result) => {
  const { readNetnsFacts } = await import('../../network/index.js');
  return readNetnsFacts(result.namespaces, result.network);
};

/** Options of `why`. */
export interface WhyOptions {
  readonly proto?: 'tcp' | 'udp';
  readonly port?: number;
  readonly json?: boolean;
}

const VERDICT_EXIT = { reachable: 0, unreachable: 1, unknown: 3 } as const;

/** Human rendering of an answer. Pure. */
export function renderAnswer(a: ReachAnswer, color: boolean): string {
  const paint = (code: string, s: string): string => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const v =
    a.verdict === 'reachable'
      ? paint('32', 'REACHABLE')
      : a.verdict === 'unreachable'
        ? paint('31', 'UNREACHABLE')
        : paint('33', 'UNKNOWN');
  const target = `${a.destination.includes(':') ? `[${a.destination}]` : a.destination}${a.port === undefined ? '' : `:${a.port}`}`;
  const lines = [
    `${a.from.spec} -> ${a.to.spec} (${a.source ?? '?'} -> ${target}/${a.protocol}): ${v}`,
  ];
  a.hops.forEach((h, i) => {
    const mark = h.ok ? ' ' : paint('31', 'x');
    const where = `[${h.netns.name}]`;
    const extra = h.rule !== undefined ? `  (rule ${h.rule})` : '';
    lines.push(`${mark} ${String(i + 1).padStart(2)}. ${where} ${h.step}: ${h.text}${extra}`);
  });
  if (a.failure !== undefined) lines.push(`reason: ${a.failure.reason}: ${a.failure.message}`);
  for (const n of a.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

/** Runs `why` (exported for tests). */
export async function runWhy(
  io: CliIo,
  from: string,
  to: string,
  opts: WhyOptions,
  discoverFn: DiscoverFn,
  factsFn: FactsFn,
): Promise<void> {
  const result = await discoverFn();
  const { facts, problems } = await factsFn(result);
  writeProblems(io, [...result.problems, ...problems]);
  const r = why(result, facts, {
    from,
    to,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    protocol: opts.proto ?? 'tcp',
  });
  if (!r.ok) {
    io.stderr.write(`ghostwire why: ${r.message}\n`);
    io.exitCode = 2;
    return;
  }
  io.stdout.write(
    opts.json === true
      ? `${JSON.stringify(r.answer, null, 2)}\n`
      : renderAnswer(r.answer, io.color),
  );
  io.exitCode = VERDICT_EXIT[r.answer.verdict];
}

function parseProto(v: string): 'tcp' | 'udp' {
  if (v !== 'tcp' && v !== 'udp') throw new InvalidArgumentError('expected tcp or udp');
  return v;
}

function parsePort(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
    throw new InvalidArgumentError('expected a port 1..65535');
  }
  return Number(v);
}

/** Builds the `why` command. */
export function makeWhyCommand(
  discoverFn: DiscoverFn = defaultDiscover,
  factsFn: FactsFn = defaultFacts,
): CliCommand {
  return {
    name: 'why',
    register(program: Command, io: CliIo): void {
      program
        .command('why')
        .description(
          'explain whether and how FROM reaches TO[:PORT], hop by hop, from the live kernel state',
        )
        .argument(
          '<from>',
          'container name or ID prefix, pod or compose service, pid:N, netns:INODE, /run/netns name, or IP',
        )
        .argument(
          '<to>',
          'the same kinds as FROM, optionally with :PORT ([v6]:PORT for IPv6 addresses)',
        )
        .option('--proto <tcp|udp>', 'transport protocol (default tcp)', parseProto)
        .option('--port <port>', 'destination port (instead of TO:PORT)', parsePort)
        .option('--json', 'print the answer as JSON (verdict, hops, failure, listener)')
        .addHelpText(
          'after',
          '\nWalks the path the kernel would take: source address selection, policy rules and routes of all\n' +
            'tables in each netns, the egress interface, L2 (veth peer, bridge ports, macvlan/ipvlan) into\n' +
            'the next netns, forwarding there, netfilter chains on every hook passed, and finally a socket\n' +
            'listening on that protocol, port and address; then the way back for the replies.\n' +
            'Verdicts: reachable (exit 0), unreachable (exit 1, with the first failing hop and a reason code),\n' +
            'unknown (exit 3: e.g. filter rules that cannot be evaluated, or the path leaves the host).\n' +
            'Reason codes are listed in docs/analysis.md. Needs root to see other namespaces.\n',
        )
        .action(async (from: string, to: string, opts: WhyOptions) => {
          await runWhy(io, from, to, opts, discoverFn, factsFn);
        });
    },
  };
}

/** The `why` command. */
export const whyCommand: CliCommand = makeWhyCommand();
