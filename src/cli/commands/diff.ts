// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/diff
 *
 * `ghostwire diff A [B] [--json]`: the changes between two v1 documents (files written by
 * `ghostwire dump`, `-` for stdin); without B, A is compared with a live discovery now ("what
 * changed since it last worked?"). A and B may instead be times on a running service with
 * history (`--url`, token options as `watch`): RFC 3339, unix seconds, `now` or relative
 * (`-1h`); then the service's `GET /api/diff` answers from its history store (B absent: until
 * now). Lists network namespaces, interfaces, addresses, routes, listening ports, forwards and
 * containers added / removed / changed. Exit code 0 when nothing changed, 1 when something did
 * (as diff(1)).
 */
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Command } from 'commander';
import { diffV1, renderDiff, type DiffResult } from '../../analysis/index.js';
import type { DiscoveryResultV1 } from '../../api/v1/index.js';
import { ERROR_CODES, ProjectError, errorMessage, type ErrorCode } from '../../errors.js';
import type { CliCommand, CliIo } from '../command.js';
import { defaultDiscover, packageVersion, writeProblems, type DiscoverFn } from '../shared.js';

/** Options of `diff`. */
export interface DiffOptions {
  readonly json?: boolean;
  /** Base URL of the service for times (default http://127.0.0.1:5000/). */
  readonly url?: string;
  readonly token?: string;
  readonly tokenFile?: string;
}

/** The default service URL of the client commands. */
const DEFAULT_URL = 'http://127.0.0.1:5000/';

/**
 * True when `arg` is a time for the service, not a document: not `-`, no such file, and a
 * valid time (see store `parseTime`).
 */
async function isTime(arg: string): Promise<boolean> {
  if (arg === '-' || existsSync(arg)) return false;
  const { parseTime } = await import('../../store/index.js');
  try {
    parseTime(arg);
    return true;
  } catch {
    return false;
  }
}

function tokenOf(opts: DiffOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (opts.token !== undefined && opts.tokenFile !== undefined)
    throw new ProjectError('GW_ERR_CLI_USAGE', 'give either --token or --token-file, not both');
  if (opts.tokenFile === undefined) return opts.token ?? env['GHOSTWIRE_TOKEN'];
  try {
    return readFileSync(opts.tokenFile, 'utf8').replace(/\r?\n$/, '');
  } catch (e: unknown) {
    throw new ProjectError('GW_ERR_CLI_USAGE', `cannot read --token-file: ${errorMessage(e)}`);
  }
}

/** A diff from the service's history (`GET /api/diff`). */
interface ServiceDiff extends DiffResult {
  readonly snapshots?: {
    readonly from: { readonly id: number; readonly time: string };
    readonly to: { readonly id: number; readonly time: string };
  };
}

/** Asks the service for the diff between two times (`to` undefined: until now). */
export async function fetchServiceDiff(
  from: string,
  to: string | undefined,
  opts: DiffOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceDiff> {
  const base = opts.url ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL('api/diff', base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new ProjectError('GW_ERR_CLI_USAGE', `invalid --url ${base}`);
  }
  url.searchParams.set('from', from);
  if (to !== undefined) url.searchParams.set('to', to);
  const token = tokenOf(opts, env);
  let res: { status: number; text: string };
  try {
    // node:http, not fetch: fetch refuses "bad ports" (6000, 6665, …) a service may listen on
    res = await new Promise((resolve, reject) => {
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        url,
        {
          headers: {
            accept: 'application/json',
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          },
        },
        (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (text += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
          r.on('error', reject);
        },
      );
      req.setTimeout(120_000, () => req.destroy(new Error('no answer within 120 s')));
      req.on('error', reject);
      req.end();
    });
  } catch (e: unknown) {
    throw new ProjectError(
      'GW_ERR_CLI_USAGE',
      `cannot reach the service at ${url.origin} (is \`ghostwire serve\` running? --url): ${errorMessage(e)}`,
      { cause: e },
    );
  }
  const text = res.text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status !== 200) {
    const b = body as { code?: unknown; message?: unknown } | undefined;
    const code =
      typeof b?.code === 'string' && b.code in ERROR_CODES
        ? (b.code as ErrorCode)
        : 'GW_ERR_CLI_USAGE';
    const message = typeof b?.message === 'string' ? b.message : text.slice(0, 200);
    throw new ProjectError(code, `${url.origin}/api/diff: HTTP ${res.status}: ${message}`, {
      details: { status: res.status },
    });
  }
  const d = body as Partial<ServiceDiff> | undefined;
  if (d === undefined || !Array.isArray(d.changes) || typeof d.summary !== 'object')
    throw new ProjectError('GW_ERR_CLI_USAGE', `${url.href}: not a diff answer`);
  return d as ServiceDiff;
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
  const aTime = await isTime(a);
  const bTime = b !== undefined && (await isTime(b));
  if (aTime && (b === undefined || bTime)) {
    const d = await fetchServiceDiff(a, b, opts);
    if (opts.json === true) io.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
    else {
      const s = d.snapshots;
      if (s !== undefined)
        io.stdout.write(
          `history: snapshot #${s.from.id} (${s.from.time}) -> #${s.to.id} (${s.to.time})\n`,
        );
      io.stdout.write(renderDiff(d));
    }
    io.exitCode = d.changes.length === 0 ? 0 : 1;
    return;
  }
  if (aTime || bTime)
    throw new ProjectError(
      'GW_ERR_CLI_USAGE',
      'give two documents or two times on the service, not one of each (a time is RFC 3339, unix seconds, now or -1h; a document is a file)',
    );
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
        .description(
          'show what changed between two discovery documents, a document and now, or two times on a running service',
        )
        .argument(
          '<a>',
          'the "before": a v1 document (a `ghostwire dump` file; - for stdin) or a time on the service',
        )
        .argument(
          '[b]',
          'the "after": a v1 document or a time (default: now — a live discovery, or the service now)',
        )
        .option('--json', 'print the diff as JSON (summary per kind and the changes)')
        .option('--url <url>', 'base URL of the service, for times', DEFAULT_URL)
        .option('--token <t>', 'bearer token of the service (or GHOSTWIRE_TOKEN)')
        .option('--token-file <file>', 'read the token from a file')
        .addHelpText(
          'after',
          '\nCompares network namespaces (by inode), interfaces (by netns and name), addresses, routes,\n' +
            'listening ports, forwarded ports and containers (by engine type and name). One line per change:\n' +
            '"+" added, "-" removed, "~" changed with the fields before -> after.\n' +
            'Times (RFC 3339 like 2026-12-04T18:00:00Z, unix seconds, now, or relative like -1h after "--")\n' +
            'ask a running `ghostwire serve` with history: ghostwire diff -- -1h  (or: diff 2026-12-04T18:00:00Z now).\n' +
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
