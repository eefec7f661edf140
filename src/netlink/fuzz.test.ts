// SPDX-License-Identifier: MIT
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuzzOne, prng, runFuzz } from '../../test/helpers/netlink-fuzz.js';

const DIR = new URL('../../test/fixtures/netlink/rtnetlink/', import.meta.url);
const NFT_DIR = new URL('../../test/fixtures/netlink/nftables/', import.meta.url);
const corpus = [
  ...readdirSync(DIR)
    .filter((f) => f.endsWith('.bin'))
    .map((f) => readFileSync(new URL(f, DIR))),
  // recorded nf_tables replies (scripts/record-nat-fixtures.mjs)
  ...readdirSync(NFT_DIR)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) =>
      (
        JSON.parse(readFileSync(new URL(f, NFT_DIR), 'utf8')) as {
          exchanges: Array<{ reply: string }>;
        }
      ).exchanges.map((x) => Buffer.from(x.reply, 'base64')),
    ),
];

describe('decoder fuzzing (bounded, fixed seed)', () => {
  it('is deterministic', () => {
    const a = prng(42);
    const b = prng(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('accepts every recorded fixture through the matching decoder', () => {
    for (const buf of corpus) expect(fuzzOne(buf).untyped).toBeUndefined();
  });

  it('3000 random and mutated replies raise only DecodeError/NetlinkError', () => {
    const start = Date.now();
    const stats = runFuzz({ seed: 0x5eed, iterations: 3000, corpus, deadline: start + 20_000 });
    expect(stats.failures).toEqual([]);
    expect(stats.iterations).toBe(3000);
    // Both outcomes occur: the fuzzer reaches the decoders, not only the framing checks.
    expect(stats.rejected).toBeGreaterThan(100);
    expect(stats.decoded).toBeGreaterThan(10);
  });
});
