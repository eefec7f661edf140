// SPDX-License-Identifier: MIT
/**
 * @module server/mobydig/dig
 *
 * Runs a {@link DigPlan}: every name is resolved (A, then AAAA) by DNS over TCP to Docker's
 * embedded resolver `127.0.0.11:53` from INSIDE the start container's netns — the TCP socket
 * is created there by the addon (`openSocketIn`, a throw-away native thread does the setns)
 * and then used by Node like any socket — and every address is pinged from inside that netns
 * (3 echo requests 1 s apart, ≥ 50 % replies = verified) by `ping` (iputils, or busybox's)
 * started under `nsenter --net=/proc/PID/ns/net`: only that child process changes namespace.
 * At most 8 resolutions and 8 verifications run at once. Verdicts are reported as they come;
 * `signal` stops everything (sockets destroyed, pings killed).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { errorMessage } from '../../errors.js';
import { AF_INET, openSocketIn } from '../../native/index.js';
import { QTYPE, decodeResponse, encodeQuery } from './dns.js';
import type { DigPlan } from './plan.js';

/** One verdict frame (empty fields are omitted on the wire). */
export interface Verdict {
  fqdn: string;
  address?: string;
  quality: 'unverified' | 'verifying' | 'verified' | 'invalid';
  error?: string;
}

const MAX_DIGGERS = 8;
const MAX_VERIFIERS = 8;
const DNS_TIMEOUT_MS = 3_000;
const SOCK_STREAM = 1;

function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

let queryId = 1;

/** One DNS query over TCP from inside the netns of `pid`. */
export function queryInNetns(
  pid: number,
  name: string,
  qtype: number,
  signal: AbortSignal,
  server = '127.0.0.11',
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let fd: number;
    try {
      fd = openSocketIn(`/proc/${pid}/ns/net`, AF_INET, SOCK_STREAM, 0);
    } catch (e: unknown) {
      reject(e instanceof Error ? e : new Error(errorMessage(e)));
      return;
    }
    const id = queryId++ & 0xffff;
    const sock = new Socket({ fd, readable: true, writable: true });
    let buf = Buffer.alloc(0);
    const done = (err: Error | undefined, addrs?: string[]): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err !== undefined) reject(err);
      else resolve(addrs ?? []);
    };
    const onAbort = (): void => done(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => done(new Error('DNS query timed out')), DNS_TIMEOUT_MS);
    sock.on('error', (e) => done(e));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) return;
      try {
        const r = decodeResponse(buf.subarray(2, 2 + len));
        if (r.id !== id) throw new RangeError('DNS answer for another query');
        done(undefined, r.addresses);
      } catch (e: unknown) {
        done(e instanceof Error ? e : new Error(errorMessage(e)));
      }
    });
    sock.connect(53, server, () => {
      sock.write(encodeQuery(id, name, qtype));
    });
  });
}

/** The ping program: `ping` on PATH, else busybox's applet; undefined when neither exists. */
export function findPing(): string[] | undefined {
  const ping = findProgram('ping');
  if (ping !== undefined) return [ping];
  const bb = findProgram('busybox');
  return bb === undefined ? undefined : [bb, 'ping'];
}

/** Pings `address` 3 times from the netns of `pid`; true when ≥ 50 % answered. */
export function pingInNetns(
  pid: number,
  address: string,
  signal: AbortSignal,
): Promise<{ ok: boolean; error?: string }> {
  const ping = findPing();
  const nsenter = findProgram('nsenter');
  if (ping === undefined || nsenter === undefined)
    return Promise.resolve({ ok: false, error: 'no ping or nsenter program on this host' });
  return new Promise((resolve) => {
    const child = spawn(
      nsenter,
      [`--net=/proc/${pid}/ns/net`, '--', ...ping, '-c', '3', '-W', '1', address],
      { stdio: ['ignore', 'pipe', 'pipe'], signal },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', (e) => {
      clearTimeout(kill);
      resolve({ ok: false, error: errorMessage(e) });
    });
    child.on('close', () => {
      clearTimeout(kill);
      const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(out);
      if (m === null) {
        resolve({ ok: false, error: out.trim().split('\n').pop()?.slice(0, 200) ?? 'ping failed' });
        return;
      }
      const sent = Number(m[1]);
      const got = Number(m[2]);
      resolve(
        sent > 0 && got * 2 >= sent ? { ok: true } : { ok: false, error: `${got}/${sent} replies` },
      );
    });
  });
}

/** An executable on PATH (plus the sbin directories), if any. */
export function findProgram(exe: string): string | undefined {
  const path = `${process.env['PATH'] ?? ''}${delimiter}/usr/sbin${delimiter}/usr/bin${delimiter}/sbin${delimiter}/bin`;
  for (const dir of path.split(delimiter).filter((d) => d !== '')) {
    const p = join(dir, exe);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Digs every name of `plan`, reporting verdicts to `send`; resolves when all are done. */
export async function dig(
  plan: DigPlan,
  send: (v: Verdict) => void,
  signal: AbortSignal,
): Promise<void> {
  const digger = limiter(MAX_DIGGERS);
  const verifier = limiter(MAX_VERIFIERS);
  const jobs: Array<Promise<void>> = [];
  for (const fqdn of plan.names) {
    send({ fqdn, quality: 'unverified' });
    jobs.push(
      digger(async () => {
        const addrs: string[] = [];
        let lastError: string | undefined;
        for (const t of [QTYPE.A, QTYPE.AAAA]) {
          if (signal.aborted) return;
          try {
            addrs.push(...(await queryInNetns(plan.pid, fqdn, t, signal)));
          } catch (e: unknown) {
            lastError = errorMessage(e);
          }
        }
        if (signal.aborted) return;
        if (addrs.length === 0) {
          send({ fqdn, quality: 'invalid', error: lastError ?? 'name does not resolve' });
          return;
        }
        await Promise.all(
          addrs.map((address) =>
            verifier(async () => {
              if (signal.aborted) return;
              send({ fqdn, address, quality: 'verifying' });
              const r = await pingInNetns(plan.pid, address, signal);
              if (signal.aborted) return;
              send(
                r.ok
                  ? { fqdn, address, quality: 'verified' }
                  : {
                      fqdn,
                      address,
                      quality: 'invalid',
                      ...(r.error === undefined ? {} : { error: r.error }),
                    },
              );
            }),
          ),
        );
      }),
    );
  }
  await Promise.all(jobs);
}
