// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/serve
 *
 * `ghostwire serve`: the service (HTTP API, change feed, web UI; src/server). Parses the flags,
 * starts the server, prints the URL to open, and shuts down gracefully on SIGINT/SIGTERM
 * within `--shutdown` (a second signal exits at once).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ProjectError, errorMessage } from '../../errors.js';
import type { ServeOptions } from '../../server/index.js';
import type { CliCommand, CliIo } from '../command.js';
import { packageVersion } from '../shared.js';

/** Raw flags as commander hands them over. */
export interface ServeFlags {
  readonly http: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly brand: string;
  readonly brandicon: string;
  readonly maxAge: string;
  readonly shutdown: string;
  readonly reconcile: string;
  readonly debug?: boolean;
  readonly silent?: boolean;
  readonly ui?: string;
  readonly dataDir?: string;
  readonly retention: string;
  /** commander's `--no-history` sets this false. */
  readonly history: boolean;
}

/** Resolves the flags into server options (exported for tests). */
export async function serveOptions(
  flags: ServeFlags,
  engineWaitMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServeOptions> {
  const { parseListen, parseDuration, decodeBrandIcon, defaultUiDir } =
    await import('../../server/index.js');
  const usage = (msg: string): ProjectError => new ProjectError('GW_ERR_CLI_USAGE', msg);
  let listen: { host: string; port: number };
  let maxAgeMs: number;
  let shutdownMs: number;
  let reconcileMs: number;
  try {
    listen = parseListen(flags.http);
    maxAgeMs = parseDuration(flags.maxAge);
    shutdownMs = parseDuration(flags.shutdown);
    reconcileMs = parseDuration(flags.reconcile);
  } catch (e: unknown) {
    throw usage(errorMessage(e));
  }
  if (flags.token !== undefined && flags.tokenFile !== undefined)
    throw usage('give either --token or --token-file, not both');
  let token: string | undefined = flags.token ?? env['GHOSTWIRE_TOKEN'];
  if (flags.tokenFile !== undefined) {
    try {
      token = readFileSync(flags.tokenFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e: unknown) {
      throw usage(`cannot read --token-file ${flags.tokenFile}: ${errorMessage(e)}`);
    }
  }
  if (token !== undefined && (token.trim() === '' || /\s/.test(token)))
    throw usage('the token must be non-empty and contain no white space');
  if (reconcileMs !== 0 && reconcileMs < 250)
    throw usage('--reconcile must be 0 (off) or at least 250ms');
  const { DEFAULT_RETENTION, defaultDataDir, parseRetention } =
    await import('../../store/index.js');
  let retention = DEFAULT_RETENTION;
  if (flags.retention !== undefined && flags.retention !== 'default') {
    try {
      retention = parseRetention(flags.retention);
    } catch (e: unknown) {
      throw usage(`--retention: ${errorMessage(e)}`);
    }
  }
  if (flags.dataDir !== undefined && flags.dataDir.trim() === '')
    throw usage('--data-dir must not be empty');
  const history =
    flags.history === false
      ? undefined
      : { dataDir: resolve(flags.dataDir ?? defaultDataDir(env)), retention };
  return {
    host: listen.host,
    port: listen.port,
    token,
    brand: flags.brand,
    brandicon: decodeBrandIcon(flags.brandicon),
    maxAgeMs,
    shutdownMs,
    // --debug wins over --silent (as upstream)
    logLevel: flags.debug === true ? 'debug' : flags.silent === true ? 'error' : 'info',
    uiDir: flags.ui ?? defaultUiDir(),
    engineWaitMs,
    reconcileMs,
    feedRing: 4096,
    discoveryTimeoutMs: 60_000,
    creatorVersion: packageVersion(),
    history,
  };
}

function urlToOpen(url: string, host: string): string {
  // an all-interfaces listener is reached locally via loopback
  if (host === '::' || host === '0.0.0.0')
    return url.replace(/\/\/(\[::\]|0\.0\.0\.0)/, host === '::' ? '//[::1]' : '//127.0.0.1');
  return url;
}

/** The `serve` command. */
export const serveCommand: CliCommand = {
  name: 'serve',
  register(program: Command, io: CliIo): void {
    program
      .command('serve')
      .description('run the service: v1 REST API, live change feed and web UI over HTTP')
      .option(
        '--http <addr>',
        'listen address HOST:PORT ([::]:5000 = all interfaces)',
        '127.0.0.1:5000',
      )
      .option(
        '--token <t>',
        'require this bearer token on every request but /healthz (or GHOSTWIRE_TOKEN)',
      )
      .option('--token-file <file>', 'read the token from a file (first line)')
      .option('--brand <name>', 'brand name shown by the web UI', 'Ghostwire')
      .option('--brandicon <svg>', 'brand icon SVG (or its base64) for the web UI', '')
      .option(
        '--max-age <duration>',
        'reuse a discovery younger than this for /json (0 = always fresh)',
        '0',
      )
      .option('--shutdown <duration>', 'graceful shutdown budget after SIGINT/SIGTERM', '15s')
      .option(
        '--reconcile <duration>',
        'change feed: period of the reconcile discovery while anyone listens (0 = off)',
        '1s',
      )
      .option(
        '--ui <dir>',
        'serve the web UI from this directory (default: web/dist of the package)',
      )
      .option(
        '--data-dir <dir>',
        'directory of the history store (default: /var/lib/ghostwire for root, else $XDG_STATE_HOME/ghostwire or ~/.local/state/ghostwire)',
      )
      .option(
        '--retention <spec>',
        'history kept: an age (7d, 12h), a size (500MiB, 2GB) or both (7d,500MiB)',
        '7d,500MiB',
      )
      .option('--no-history', 'do not record discoveries (no /api/history, /api/diff)')
      .option('--debug', 'debug log level')
      .option('--silent', 'log errors only')
      .addHelpText(
        'after',
        '\nOpen the printed URL in a browser. The default listens on loopback only: the API shows the\n' +
          "host's processes, containers, addresses and sockets. Use --http [::]:5000 together with\n" +
          '--token to open it to the network (see README "Opening the service").\n' +
          'Logs are JSON lines (pino) on stdout; one line per request at info.\n',
      )
      .action(async (flags: ServeFlags, cmd: Command) => {
        const parent = cmd.parent?.opts<{ engineWait?: number }>() ?? {};
        const opts = await serveOptions(flags, parent.engineWait ?? 2_000);
        const { startServer } = await import('../../server/index.js');
        const server = await startServer(opts);
        io.stderr.write(
          `ghostwire: serving on ${urlToOpen(server.url, opts.host)}${opts.token === undefined ? '' : ' (token required)'}\n`,
        );
        await new Promise<void>((resolve) => {
          let signalled = false;
          const onSignal = (sig: NodeJS.Signals): void => {
            if (signalled) {
              io.stderr.write(`ghostwire: ${sig} again, exiting now\n`);
              process.exit(130);
            }
            signalled = true;
            io.stderr.write(`ghostwire: ${sig}, shutting down (at most ${opts.shutdownMs} ms)\n`);
            void server.close().finally(() => {
              process.off('SIGINT', onSignal);
              process.off('SIGTERM', onSignal);
              resolve();
            });
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
        });
      });
  },
};
