// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/netlink-fuzz
 *
 * A small, deterministic fuzzer for the decoders (pure; used by the unit suite and by
 * `scripts/fuzz-netlink.mjs` for longer runs). It feeds random and mutated netlink replies
 * through framing, reply splitting and every rtnetlink and nf_tables decoder, and reports any failure that
 * is not a {@link DecodeError} or {@link NetlinkError}: TypeError, RangeError, anything else.
 */
import { DecodeError, NetlinkError } from '../../src/errors.js';
import { writeU16, writeU32 } from '../../src/netlink/core/bytes.js';
import { NLMSG_DONE, NLMSG_ERROR } from '../../src/netlink/core/constants.js';
import { decodeReply, type RequestSpec } from '../../src/netlink/core/request.js';
import type { NetlinkMessage } from '../../src/netlink/core/types.js';
import { decodeAddress } from '../../src/netlink/rtnetlink/addr.js';
import * as C from '../../src/netlink/rtnetlink/constants.js';
import { decodeLink } from '../../src/netlink/rtnetlink/link.js';
import { decodeNsid } from '../../src/netlink/rtnetlink/nsid.js';
import { decodeRoute } from '../../src/netlink/rtnetlink/route.js';
import { decodeRule } from '../../src/netlink/rtnetlink/rule.js';
import * as NFT from '../../src/netlink/nftables/constants.js';
import {
  decodeChain,
  decodeRule as decodeNftRule,
  decodeSet,
  decodeSetElements,
  decodeTable,
  nftType,
} from '../../src/netlink/nftables/messages.js';

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DECODERS: ReadonlyArray<(m: NetlinkMessage) => unknown> = [
  decodeLink,
  decodeAddress,
  decodeRoute,
  decodeRule,
  decodeNsid,
  decodeTable,
  decodeChain,
  decodeNftRule,
  decodeSet,
  decodeSetElements,
];
const TYPES = [
  C.RTM_NEWLINK,
  C.RTM_NEWADDR,
  C.RTM_NEWROUTE,
  C.RTM_NEWRULE,
  C.RTM_NEWNSID,
  nftType(NFT.NFT_MSG_NEWTABLE),
  nftType(NFT.NFT_MSG_NEWCHAIN),
  nftType(NFT.NFT_MSG_NEWRULE),
  nftType(NFT.NFT_MSG_NEWSET),
  nftType(NFT.NFT_MSG_NEWSETELEM),
  NLMSG_ERROR,
  NLMSG_DONE,
  1,
  4,
  0,
];

/** One input that made a decoder fail with an untyped error. */
export interface FuzzFailure {
  readonly input: string;
  readonly error: string;
}

/** Result of {@link runFuzz}. */
export interface FuzzStats {
  readonly iterations: number;
  /** Inputs decoded without error / rejected with a typed error. */
  readonly decoded: number;
  readonly rejected: number;
  readonly failures: FuzzFailure[];
}

/** Runs one input through every decoder; returns an untyped error message, or undefined. */
export function fuzzOne(input: Buffer): { ok: boolean; untyped?: string } {
  let ok = true;
  for (const decode of DECODERS) {
    const spec: RequestSpec<unknown> = {
      message: Buffer.alloc(16),
      decode,
      family: 'rtnetlink',
      dump: true,
    };
    try {
      decodeReply(input, spec);
    } catch (e: unknown) {
      if (e instanceof DecodeError || e instanceof NetlinkError) {
        // A typed error must be located, and a decoder bug must not hide behind one.
        if (e instanceof DecodeError && e.cause !== undefined)
          return { ok: false, untyped: `wrapped: ${String(e.cause)}` };
        ok = false;
        continue;
      }
      return { ok: false, untyped: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  }
  return { ok };
}

function randomMessage(rnd: () => number): Buffer {
  const len = 16 + Math.floor(rnd() * 120);
  const b = Buffer.alloc((len + 3) & ~3);
  for (let i = 16; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
  writeU32(b, len, 0);
  writeU16(b, TYPES[Math.floor(rnd() * TYPES.length)] ?? 0, 4);
  writeU16(b, Math.floor(rnd() * 0x400), 6);
  // Sprinkle plausible attribute headers so the walkers get exercised, not just rejected.
  for (
    let off = 16 + 4 * Math.floor(rnd() * 4);
    off + 4 <= b.length;
    off += 4 + 4 * Math.floor(rnd() * 4)
  ) {
    writeU16(b, Math.floor(rnd() * 24), off);
    writeU16(b, Math.floor(rnd() * 60) | (rnd() < 0.1 ? 0x8000 : 0), off + 2);
  }
  return b;
}

function mutate(src: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n && b.length > 0; k++) {
    const op = Math.floor(rnd() * 6);
    const at = Math.floor(rnd() * b.length);
    if (op === 0) b[at] = (b[at] ?? 0) ^ (1 << Math.floor(rnd() * 8));
    else if (op === 1) b[at] = Math.floor(rnd() * 256);
    else if (op === 2) b = b.subarray(0, at);
    else if (op === 3 && at + 2 <= b.length)
      writeU16(b, [0, 1, 3, 4, 5, 8, 0xffff][Math.floor(rnd() * 7)] ?? 0, at & ~1);
    else if (op === 4)
      b = Buffer.concat([
        b,
        Buffer.from(Array.from({ length: Math.floor(rnd() * 16) }, () => Math.floor(rnd() * 256))),
      ]);
    else if (at + 4 <= b.length) writeU32(b, Math.floor(rnd() * 0x200), at & ~3);
  }
  return b;
}

/**
 * Runs `iterations` inputs (alternating random messages and mutations of `corpus` entries) with
 * a fixed `seed`. Stops early when `deadline` (ms timestamp) passes.
 */
export function runFuzz(options: {
  seed: number;
  iterations: number;
  corpus: readonly Buffer[];
  deadline?: number;
}): FuzzStats {
  const rnd = prng(options.seed);
  const failures: FuzzFailure[] = [];
  let decoded = 0;
  let rejected = 0;
  let i = 0;
  for (; i < options.iterations; i++) {
    if (options.deadline !== undefined && (i & 63) === 0 && Date.now() > options.deadline) break;
    const useCorpus = options.corpus.length > 0 && rnd() < 0.7;
    const input = useCorpus
      ? mutate(options.corpus[Math.floor(rnd() * options.corpus.length)] as Buffer, rnd)
      : Buffer.concat(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => randomMessage(rnd)));
    const r = fuzzOne(input);
    if (r.untyped !== undefined) failures.push({ input: input.toString('hex'), error: r.untyped });
    else if (r.ok) decoded++;
    else rejected++;
  }
  return { iterations: i, decoded, rejected, failures };
}
