// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/serve
 *
 * Runs the BUILT service (`bin/ghostwire serve`, from `npm run build`) on a free loopback port
 * as a child process, and small clients for it: a Server-Sent-Events reader and a websocket
 * collector. Everything started here is stopped by PID in `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

const REPO = new URL('../..', import.meta.url).pathname;
/** The CLI entry. */
export const CLI = join(REPO, 'bin', 'ghostwire');
/** True when the service was built (dist/ with the worker module). */
export const SERVE_BUILT = existsSync(join(REPO, 'dist', 'server', 'discovery-worker.js'));

/** A running service. */
export interface Served {
  /** Base URL ending in `/`. */
  readonly url: string;
  readonly proc: ChildProcess;
  /** stdout (JSON log lines) and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts `ghostwire serve --http 127.0.0.1:0 …args` and waits for its URL. `env` overrides
 * variables of the child's environment (e.g. `PATH: '/nonexistent'`: no external programs).
 * Without `--data-dir` in `args` the service runs with `--no-history`, so no test writes to
 * the user's real state directory.
 */
export async function startServe(
  args: readonly string[] = [],
  timeoutMs = 30_000,
  env: Readonly<Record<string, string>> = {},
): Promise<Served> {
  const history =
    args.includes('--data-dir') || args.includes('--no-history') ? [] : ['--no-history'];
  const proc = spawn(
    process.execPath,
    [CLI, 'serve', '--http', '127.0.0.1:0', ...history, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...env },
    },
  );
  let out = '';
  let err = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start:\n${err}`)), timeoutMs);
    const check = (): void => {
      const m = /serving on (http:\/\/\S+\/)/.exec(err);
      if (m?.[1] !== undefined) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    proc.stderr?.on('data', check);
    void exited.then((c) => {
      clearTimeout(t);
      reject(new Error(`serve exited with ${c}:\n${err}`));
    });
  });
  return {
    url,
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(graceMs = 20_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const k = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const c = await exited;
      clearTimeout(k);
      return c;
    },
  };
}

/** One parsed SSE event. */
export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/** An open SSE stream that collects events. */
export interface SseStream {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly events: SseEvent[];
  /** Resolves with the first collected event matching `pred` (also earlier ones). */
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `url` as an SSE stream with extra request headers. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiters: Array<{ pred: (e: SseEvent) => boolean; done: (e: SseEvent) => void }> = [];
    const req = request(
      url,
      { headers: { accept: 'text/event-stream', ...headers }, agent: false },
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const ev: { id?: string; event?: string; data: string } = { data: '' };
            let hasData = false;
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const c = line.indexOf(':');
              const field = c < 0 ? line : line.slice(0, c);
              const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
              if (field === 'id') ev.id = value;
              else if (field === 'event') ev.event = value;
              else if (field === 'data') {
                ev.data = hasData ? `${ev.data}\n${value}` : value;
                hasData = true;
              }
            }
            if (!hasData) continue;
            events.push(ev);
            for (const w of [...waiters]) {
              if (w.pred(ev)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.done(ev);
              }
            }
          }
        });
        res.on('error', () => undefined);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          events,
          waitFor(pred, timeoutMs) {
            const hit = events.find(pred);
            if (hit !== undefined) return Promise.resolve(hit);
            return new Promise((res2, rej2) => {
              const t = setTimeout(() => {
                waiters.splice(waiters.indexOf(w), 1);
                rej2(new Error(`no matching event within ${timeoutMs} ms (${events.length} seen)`));
              }, timeoutMs);
              const w = {
                pred,
                done: (e: SseEvent) => {
                  clearTimeout(t);
                  res2(e);
                },
              };
              waiters.push(w);
            });
          },
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A response of {@link httpFetch}: the fetch-like subset the suites use. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/**
 * A GET-like request WITHOUT connection reuse (`agent: false`, `Connection: close`): unlike
 * `fetch` and Node's keep-alive global agent, it leaves no pooled socket in the test process
 * (later suites in the same fork check their fd counts).
 */
export function httpFetch(
  url: string | URL,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        headers: { connection: 'close', ...init.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: {
              get(name: string) {
                const v = res.headers[name.toLowerCase()];
                return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
              },
            },
            text: () => Promise.resolve(body),
            json: () => Promise.resolve(JSON.parse(body) as unknown),
          });
        });
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error(`timeout: ${String(url)}`)));
    req.on('error', reject);
    req.end();
  });
}
