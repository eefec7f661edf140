// SPDX-License-Identifier: MIT
/**
 * transactBatch / NetlinkSocket over a fake transport (no addon, no root): sequence numbers,
 * per-request decoding, NLM_F_DUMP_INTR retries, per-request error isolation, and the decode
 * cost of the hot path (500 namespaces × 4 dumps of recorded replies).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NativeError, NetlinkError } from '../errors.js';
import type { NetlinkJob, NetlinkReply } from '../native/index.js';
import { MessageBuilder } from './core/builder.js';
import { NLM_F_DUMP_INTR, NLM_F_MULTI, NLMSG_DONE } from './core/constants.js';
import { parseMessages } from './core/message.js';
import {
  addrDumpRequest,
  linkDumpRequest,
  nsidRequest,
  routeDumpRequest,
  ruleDumpRequest,
} from './rtnetlink/requests.js';
import { NetlinkSocket, nextSequence, transactBatch, type Transport } from './socket.js';

const fixture = (n: string): Buffer =>
  readFileSync(new URL(`../../test/fixtures/netlink/rtnetlink/${n}.bin`, import.meta.url));
const LINKS = fixture('links-a');
const ADDRS = fixture('addrs-a');
const ROUTES = fixture('routes4-a');
const RULES = fixture('rules-a');

/** Sets NLM_F_DUMP_INTR on the first message of a reply copy. */
function interrupted(data: Buffer): Buffer {
  const c = Buffer.from(data);
  c.writeUInt16LE(c.readUInt16LE(6) | NLM_F_DUMP_INTR, 6);
  return c;
}

/** A transport answering by request type from a table, recording the jobs it saw. */
function fakeTransport(
  answer: (req: Buffer, fd: number, call: number) => NetlinkReply,
): Transport & { calls: NetlinkJob[][] } {
  const calls: NetlinkJob[][] = [];
  const t = (jobs: readonly NetlinkJob[]): Promise<NetlinkReply[][]> => {
    calls.push([...jobs]);
    const n = calls.length;
    return Promise.resolve(jobs.map((j) => j.requests.map((r) => answer(r, j.fd, n))));
  };
  return Object.assign(t, { calls });
}

const byType = (req: Buffer): Buffer => {
  const type = req.readUInt16LE(4);
  if (type === 18) return LINKS;
  if (type === 22) return ADDRS;
  if (type === 26) return ROUTES;
  if (type === 34) return RULES;
  throw new Error(`unexpected request type ${type}`);
};

describe('transactBatch', () => {
  it('decodes every request of every job in one transport call, with fresh sequence numbers', async () => {
    const t = fakeTransport((req) => ({ data: byType(req), dumpInterrupted: false }));
    const reqs = [
      linkDumpRequest(),
      addrDumpRequest(),
      routeDumpRequest({ family: 2 }),
      ruleDumpRequest(),
    ] as const;
    const before = Buffer.from(reqs[0].message);
    const res = await transactBatch(
      [
        { fd: 10, requests: reqs },
        { fd: 11, requests: reqs },
      ],
      { transport: t, parallelism: 2 },
    );
    expect(t.calls).toHaveLength(1);
    const seqs = t.calls[0]!.flatMap((j) => j.requests.map((r) => r.readUInt32LE(8)));
    expect(new Set(seqs).size).toBe(8);
    expect(seqs.every((s) => s !== 0)).toBe(true);
    expect(reqs[0].message.equals(before)).toBe(true); // caller's buffer untouched
    const [links, addrs, routes, rules] = res[0]!;
    expect(links.ok && links.messages.map((l) => l.name)).toContain('vx0');
    expect(addrs.ok && addrs.messages.length).toBe(13);
    expect(routes.ok && routes.messages.some((r) => r.table === 1000)).toBe(true);
    expect(rules.ok && rules.messages.length).toBeGreaterThan(5);
    expect(res[1]![0].ok).toBe(true);
  });

  it('retries an interrupted dump (only that request) and then succeeds', async () => {
    const t = fakeTransport((req, _fd, call) => {
      const data = byType(req);
      const isRoute = req.readUInt16LE(4) === 26;
      return isRoute && call <= 2
        ? { data: interrupted(data), dumpInterrupted: false }
        : { data, dumpInterrupted: false };
    });
    const res = await transactBatch(
      [{ fd: 3, requests: [linkDumpRequest(), routeDumpRequest()] as const }],
      { transport: t },
    );
    expect(t.calls.map((c) => c.flatMap((j) => j.requests.map((r) => r.readUInt16LE(4))))).toEqual([
      [18, 26],
      [26],
      [26],
    ]);
    expect(res[0]![0].ok && res[0]![1].ok).toBe(true);
  });

  it('gives up after maxRetries with GW_ERR_NETLINK_DUMP_INTERRUPTED (native flag too)', async () => {
    const t = fakeTransport((req) => ({ data: byType(req), dumpInterrupted: true }));
    const [[r]] = (await transactBatch([{ fd: 3, requests: [linkDumpRequest()] as const }], {
      transport: t,
      maxRetries: 3,
    })) as [[{ ok: boolean; error?: unknown }]];
    expect(t.calls).toHaveLength(4);
    expect(r.ok).toBe(false);
    expect(r.error).toBeInstanceOf(NetlinkError);
    expect(r.error).toMatchObject({ code: 'GW_ERR_NETLINK_DUMP_INTERRUPTED' });
  });

  it('isolates failures: socket error, kernel error, malformed reply, missing reply', async () => {
    const strict = fixture('error-route-strict');
    const sockErr = new NativeError('GW_ERR_NETLINK_SOCKET', 'recv: ETIMEDOUT', {
      errno: 110,
      syscall: 'poll',
    });
    const t = fakeTransport((req, fd) => {
      if (fd === 1) return { data: Buffer.alloc(0), dumpInterrupted: false, error: sockErr };
      if (fd === 2) return { data: strict, dumpInterrupted: false };
      if (fd === 3) return { data: LINKS.subarray(0, 100), dumpInterrupted: false };
      return { data: byType(req), dumpInterrupted: false };
    });
    const short: Transport = async (jobs, o) =>
      (await t(jobs, o)).map((r, i) => (jobs[i]?.fd === 4 ? [] : r));
    const jobs = [1, 2, 3, 4, 5].map((fd) => ({ fd, requests: [routeDumpRequest()] as const }));
    const res = await transactBatch(jobs, { transport: short });
    const codes = res.map(([r]) => (r.ok ? 'ok' : r.error.code));
    expect(codes).toEqual([
      'GW_ERR_NETLINK_SOCKET',
      'GW_ERR_NETLINK_ERROR',
      'GW_ERR_NETLINK_TRUNCATED',
      'GW_ERR_NETLINK_SOCKET',
      'ok',
    ]);
    const kernel = res[1]![0];
    expect(!kernel.ok && kernel.error).toMatchObject({
      errno: 22,
      extack: 'Invalid values in header for FIB dump request',
    });
    expect(!res[0]![0].ok && res[0]![0].error).toBe(sockErr);
  });

  it('propagates a failing transport as a rejection', async () => {
    const t: Transport = () =>
      Promise.reject(new NativeError('GW_ERR_NATIVE_LOAD', 'no addon', {}));
    await expect(
      transactBatch([{ fd: 1, requests: [linkDumpRequest()] as const }], { transport: t }),
    ).rejects.toMatchObject({ code: 'GW_ERR_NATIVE_LOAD' });
  });

  it('handles a non-dump request whose reply is a single message', async () => {
    const nsid = fixture('nsid-fd-a');
    const t = fakeTransport(() => ({ data: nsid, dumpInterrupted: false }));
    const res = await transactBatch([{ fd: 9, requests: [nsidRequest({ fd: 5 })] as const }], {
      transport: t,
    });
    const r = res[0]![0];
    expect(r.ok && r.messages).toEqual([{ family: 0, nsid: 5 }]);
  });

  it('runs 500 namespaces × 4 dumps through one native call (hot path; timing lives in npm run bench)', async () => {
    const t = fakeTransport((req) => ({ data: byType(req), dumpInterrupted: false }));
    const reqs = [
      linkDumpRequest(),
      addrDumpRequest(),
      routeDumpRequest(),
      ruleDumpRequest(),
    ] as const;
    const jobs = Array.from({ length: 500 }, (_, i) => ({ fd: 100 + i, requests: reqs }));
    const res = await transactBatch(jobs, { transport: t });
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]).toHaveLength(500);
    expect(res).toHaveLength(500);
    expect(res.every((j) => j.length === 4 && j.every((r) => r.ok))).toBe(true);
    const counts = res.map((j) => j.map((r) => (r.ok ? r.messages.length : -1)).join(','));
    expect(new Set(counts).size).toBe(1); // every job decoded the same 4 replies fully
    expect(counts[0]?.split(',')[0]).toBe('11'); // links-a holds 11 links
  });
});

describe('NetlinkSocket', () => {
  it('dump/request over the transport; closed socket rejects', async () => {
    const t = fakeTransport((req) => ({ data: byType(req), dumpInterrupted: false }));
    const s = new NetlinkSocket(-5, { transport: t });
    // fd < 0 counts as closed
    await expect(s.dump(linkDumpRequest())).rejects.toMatchObject({
      code: 'GW_ERR_NETLINK_SOCKET',
    });
    const s2 = new NetlinkSocket(77, { transport: t });
    expect((await s2.dump(linkDumpRequest())).length).toBe(11);
    const strict = fixture('error-route-strict');
    const s3 = new NetlinkSocket(78, {
      transport: fakeTransport(() => ({ data: strict, dumpInterrupted: false })),
    });
    await expect(s3.request(routeDumpRequest())).rejects.toMatchObject({
      code: 'GW_ERR_NETLINK_ERROR',
      errno: 22,
    });
  });

  it('nextSequence never yields 0 and increments', () => {
    const a = nextSequence();
    const b = nextSequence();
    expect(a).not.toBe(0);
    expect(b === a + 1 || b === 1).toBe(true);
  });

  it('fixture replies end with NLMSG_DONE', () => {
    const msgs = parseMessages(LINKS, 't');
    expect(msgs.at(-1)?.type).toBe(NLMSG_DONE);
    const done = new MessageBuilder({ type: NLMSG_DONE, flags: NLM_F_MULTI })
      .raw(Buffer.alloc(4))
      .finish();
    expect(parseMessages(done, 't')).toHaveLength(1);
  });
});
