// SPDX-License-Identifier: MIT
/**
 * @module server/mobydig/dig
 *
 * Runs a {@link DigPlan}: every name is resolved (A, then AAAA) by DNS over TCP to Docker's
 * embedded resolver `127.0.0.11:53` from INSIDE the start container's netns — the TCP socket
 * is created there by the addon (`openSocketIn`, a throw-away native thread does the setns)
 * and then used by Node like any socket — and every address is pinged from inside that netns
 * (3 echo requests 1 s apart, ≥ 50 % replies = verified) over an ICMP socket the addon opens
 * inside that netns — a ping socket where `net.ipv4.ping_group_range` allows it, else a raw
 * socket (CAP_NET_RAW) — with native sendto/recvfrom (`icmp.ts` builds and matches the
 * messages). No external program: the FROM-scratch image has no `ping` or `nsenter`.
 * At most 8 resolutions and 8 verifications run at once. Verdicts are reported as they come;
 * `signal` stops everything (sockets destroyed, pings stop after the current echo).
 */
import { randomBytes } from 'node:crypto';
import { closeSync } from 'node:fs';
import { Socket, isIP } from 'node:net';
import { errorCode, errorMessage, sysErrorCode } from '../../errors.js';
import {
  AF_INET,
  AF_INET6,
  SOCK_DGRAM,
  SOCK_RAW,
  openSocketIn,
  recvFrom,
  sendTo,
} from '../../native/index.js';
import { echoRequest, isEchoReply } from './icmp.js';
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

const PINGS = 3;
const PING_INTERVAL_MS = 1_000;
const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;
let pingSeq = 1;

/** An open ICMP socket inside a netns, and what kind it is. */
interface IcmpSocket {
  fd: number;
  /** SOCK_RAW: IPv4 replies come behind their IP header. */
  raw: boolean;
}

/**
 * Opens an ICMP(v6) socket inside the netns of `pid` (the addon's throw-away thread does the
 * setns): a "ping socket" (SOCK_DGRAM, allowed when our gid is in `net.ipv4.ping_group_range`),
 * else a raw socket (needs CAP_NET_RAW). Throws with both failures in the message.
 */
function openIcmpSocket(pid: number, v6: boolean): IcmpSocket {
  const ns = `/proc/${pid}/ns/net`;
  const family = v6 ? AF_INET6 : AF_INET;
  const proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
  try {
    return { fd: openSocketIn(ns, family, SOCK_DGRAM, proto), raw: false };
  } catch (dgram: unknown) {
    if (errorCode(dgram) === 'GW_ERR_NS_SETNS_FAILED') throw dgram;
    try {
      return { fd: openSocketIn(ns, family, SOCK_RAW, proto), raw: true };
    } catch (raw: unknown) {
      throw new Error(
        `no ICMP socket in the netns of pid ${pid}: ping socket ${sysCodeOf(dgram)} ` +
          `(net.ipv4.ping_group_range), raw socket ${sysCodeOf(raw)} (CAP_NET_RAW)`,
        { cause: raw },
      );
    }
  }
}

function sysCodeOf(e: unknown): string {
  return sysErrorCode(e) ?? errorMessage(e);
}

/**
 * Sends one echo request and waits ≤ `timeoutMs` for its reply, skipping other ICMP messages
 * (a raw socket sees all of the netns's). True when the reply came.
 */
async function echoOnce(
  sock: IcmpSocket,
  address: string,
  v6: boolean,
  timeoutMs: number,
): Promise<boolean> {
  const seq = pingSeq++ & 0xffff;
  const token = randomBytes(16);
  sendTo(sock.fd, echoRequest(v6, process.pid, seq, token), address);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    try {
      const d = await recvFrom(sock.fd, left);
      if (isEchoReply(d.data, v6, sock.raw, seq, token)) return true;
    } catch (e: unknown) {
      if (sysCodeOf(e) === 'ETIMEDOUT') return false;
      throw e;
    }
  }
}

/**
 * Pings `address` 3 times, 1 s apart, from inside the netns of `pid`, natively (ICMP socket
 * opened there by the addon; no `ping` or `nsenter` program); true when ≥ 50 % answered.
 */
export async function pingInNetns(
  pid: number,
  address: string,
  signal: AbortSignal,
): Promise<{ ok: boolean; error?: string }> {
  const v = isIP(address);
  if (v === 0) return { ok: false, error: `not an IP address: ${address}` };
  const v6 = v === 6;
  let sock: IcmpSocket;
  try {
    sock = openIcmpSocket(pid, v6);
  } catch (e: unknown) {
    return { ok: false, error: errorMessage(e) };
  }
  let sent = 0;
  let got = 0;
  try {
    for (let i = 0; i < PINGS && !signal.aborted; i++) {
      const started = Date.now();
      sent++;
      if (await echoOnce(sock, address, v6, PING_INTERVAL_MS)) got++;
      const rest = PING_INTERVAL_MS - (Date.now() - started);
      if (i + 1 < PINGS && rest > 0 && !signal.aborted)
        await new Promise((r) => setTimeout(r, rest));
    }
  } catch (e: unknown) {
    return { ok: false, error: errorMessage(e) };
  } finally {
    closeSync(sock.fd);
  }
  return sent > 0 && got * 2 >= sent
    ? { ok: true }
    : { ok: false, error: `${got}/${sent} replies` };
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
