// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/fixture-replay
 *
 * Replays the recorded NAT fixtures of `scripts/record-nat-fixtures.mjs`
 * (`test/fixtures/netlink/nftables/<scenario>.json`): a netlink transport answering each request
 * with the recorded reply (requests compared without their nlmsg_seq), and a getsockopt reader
 * answering the recorded x_tables calls in order. Used by the unit tests and the fuzz run.
 */
import { readFileSync } from 'node:fs';
import type { NetlinkJob, NetlinkReply } from '../../native/index.js';
import type { Transport } from '../../netlink/index.js';
import type { LegacyReader } from './legacy.js';

/** One recorded scenario. */
export interface NatFixture {
  readonly scenario: string;
  readonly kernel: string;
  readonly exchanges: ReadonlyArray<{ readonly request: string; readonly reply: string }>;
  readonly getsockopt: ReadonlyArray<{
    readonly level: number;
    readonly optname: number;
    readonly request: string;
    readonly answer: string;
  }>;
}

/** Loads `<dir>/<scenario>.json`. */
export function loadNatFixture(dir: string, scenario: string): NatFixture {
  return JSON.parse(readFileSync(`${dir}/${scenario}.json`, 'utf8')) as NatFixture;
}

function withoutSeq(b: Buffer): string {
  const c = Buffer.from(b);
  if (c.length >= 12) c.fill(0, 8, 12);
  return c.toString('hex');
}

/** A transport answering from the fixture (`mutate` may alter each reply, e.g. for fuzzing). */
export function replayTransport(f: NatFixture, mutate?: (reply: Buffer) => Buffer): Transport {
  const byReq = new Map<string, Buffer>();
  for (const x of f.exchanges)
    byReq.set(withoutSeq(Buffer.from(x.request, 'base64')), Buffer.from(x.reply, 'base64'));
  return async (jobs: readonly NetlinkJob[]): Promise<NetlinkReply[][]> =>
    jobs.map((j) =>
      j.requests.map((r) => {
        const reply = byReq.get(withoutSeq(r));
        if (reply === undefined) throw new Error('request not in the fixture');
        return {
          data: mutate === undefined ? reply : mutate(Buffer.from(reply)),
          dumpInterrupted: false,
        };
      }),
    );
}

/** A getsockopt reader answering the fixture's x_tables calls for the family of `level`. */
export function replayGetsockopt(
  f: NatFixture,
  level: number,
  mutate?: (answer: Buffer) => Buffer,
): LegacyReader {
  const calls = f.getsockopt.filter((g) => g.level === level);
  let i = 0;
  return (_fd, lvl, optname, buf) => {
    const g = calls[i++];
    if (g === undefined || g.level !== lvl || g.optname !== optname)
      throw new Error('getsockopt not in the fixture');
    let a: Buffer = Buffer.from(g.answer, 'base64');
    if (mutate !== undefined) a = mutate(a);
    a.copy(buf, 0, 0, Math.min(a.length, buf.length));
    return Math.min(a.length, buf.length);
  };
}
