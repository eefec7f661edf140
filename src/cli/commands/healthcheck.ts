// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/healthcheck
 *
 * `ghostwire healthcheck [--url URL] [--timeout MS]`: asks a running `ghostwire serve` for its
 * health (`GET /healthz` by default) and exits 0 on a 2xx answer, 1 otherwise (one line on
 * stderr says why). It exists for the container image, which has no shell, curl or wget: the
 * Dockerfile's `HEALTHCHECK` runs the executable itself. It runs no discovery.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { errorMessage } from '../../errors.js';
import type { CliCommand, CliIo } from '../command.js';

/** Environment variable with the default URL (e.g. when `serve` listens on another port). */
export const HEALTHCHECK_URL_ENV = 'GHOSTWIRE_HEALTHCHECK_URL';

/** Default URL: the service's default listen port on loopback. */
export const DEFAULT_HEALTHCHECK_URL = 'http://127.0.0.1:5000/healthz';

/** Result of one check: healthy or not, and a one-line reason. */
export interface HealthResult {
  readonly healthy: boolean;
  readonly detail: string;
}

/** GETs `url` with a deadline of `timeoutMs`; healthy iff the status is 2xx. */
export async function checkHealth(url: string, timeoutMs: number): Promise<HealthResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    return { healthy: res.status >= 200 && res.status < 300, detail: `${url}: HTTP ${res.status}` };
  } catch (e: unknown) {
    return { healthy: false, detail: `${url}: ${errorMessage(e)}` };
  }
}

function parseUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    return u.href;
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
}

function parseTimeout(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 60_000) {
    throw new InvalidArgumentError('expected milliseconds between 1 and 60000');
  }
  return Number(value);
}

/** `ghostwire healthcheck`. */
export const healthcheckCommand: CliCommand = {
  name: 'healthcheck',
  register(program: Command, io: CliIo): void {
    program
      .command('healthcheck')
      .description('exit 0 if a running `ghostwire serve` answers its health endpoint with 2xx')
      .option(
        '--url <url>',
        `health URL (default: $${HEALTHCHECK_URL_ENV} or ${DEFAULT_HEALTHCHECK_URL})`,
        parseUrl,
      )
      .option('--timeout <ms>', 'give up after this many milliseconds', parseTimeout, 3000)
      .action(async (opts: { url?: string; timeout: number }) => {
        const url =
          opts.url ?? parseUrl(process.env[HEALTHCHECK_URL_ENV] ?? DEFAULT_HEALTHCHECK_URL);
        const r = await checkHealth(url, opts.timeout);
        (r.healthy ? io.stdout : io.stderr).write(
          `${r.healthy ? 'healthy' : 'unhealthy'}: ${r.detail}\n`,
        );
        io.exitCode = r.healthy ? 0 : 1;
      });
  },
};
