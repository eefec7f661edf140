// SPDX-License-Identifier: MIT
/**
 * @module netlink/xtables/blob
 *
 * iptables-legacy tables as the kernel hands them out (`linux/netfilter_ipv4/ip_tables.h`,
 * `linux/netfilter_ipv6/ip6_tables.h`, `linux/netfilter/x_tables.h`): the `IPT_SO_GET_INFO`
 * reply (`struct ipt_getinfo`) and the `IPT_SO_GET_ENTRIES` blob (`struct ipt_get_entries` + a
 * sequence of `struct ipt_entry`/`ip6t_entry`, each followed by its `xt_entry_match`es and one
 * `xt_entry_target`). The entries are parsed into the nf_tables rule model (`NftRule`), the
 * way iptables-nft would have written them: the `ipt_ip` header becomes `payload`/`meta` +
 * `cmp` expressions (destination address with its mask, protocol, interfaces), matches become
 * `match` expressions, standard targets `immediate` verdicts (jumps by chain name) and the
 * others `target` expressions (payloads decoded by `xt-info.ts`). Built-in chains get the hook
 * of their `hook_entry`; user chains start at an `ERROR` target naming them. Layout: x86-64 /
 * arm64 (64-bit counters, 8-byte aligned entries). Truncated or inconsistent blobs throw
 * DecodeError (`family` `xtables`). Pure.
 */
import { readS32, readU16, readU32, writeU32 } from '../core/bytes.js';
import { malformed, truncated } from '../core/decode-error.js';
import * as C from '../nftables/constants.js';
import type { NftChain, NftExpr, NftRule } from '../nftables/types.js';
import { verdictName } from '../nftables/expr.js';
import { decodeXtMatch, decodeXtTarget } from '../nftables/xt-info.js';

/** Family name in DecodeErrors of this parser. */
export const XT = 'xtables';

/** getsockopt levels and option names. */
export const SOL_IP = 0;
export const SOL_IPV6 = 41;
export const IPT_SO_GET_INFO = 64;
export const IPT_SO_GET_ENTRIES = 65;
export const IP6T_SO_GET_INFO = 64;
export const IP6T_SO_GET_ENTRIES = 65;
export const XT_TABLE_MAXNAMELEN = 32;
/** sizeof(struct ipt_getinfo). */
export const IPT_GETINFO_SIZE = 84;
/** sizeof(struct ipt_get_entries) (entries start 8-byte aligned). */
export const IPT_GET_ENTRIES_SIZE = 40;
/** sizeof(struct ipt_entry) / sizeof(struct ip6t_entry). */
export const IPT_ENTRY_SIZE = 112;
export const IP6T_ENTRY_SIZE = 168;
/** Size of the xt_entry_match / xt_entry_target header. */
export const XT_ENTRY_HDR = 32;
const IPT_F_GOTO = 0x02;
const IP6T_F_PROTO = 0x01;
const IP6T_F_GOTO = 0x04;
const INV_VIA_IN = 0x01;
const INV_VIA_OUT = 0x02;
const INV_DSTIP = 0x10;
const INV_PROTO = 0x40;
const NF_INET_NUMHOOKS = 5;
const HOOK_CHAINS = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/** `struct ipt_getinfo` (also ip6t). */
export interface XtTableInfo {
  readonly name: string;
  readonly validHooks: number;
  readonly hookEntry: readonly number[];
  readonly underflow: readonly number[];
  readonly numEntries: number;
  readonly size: number;
}

/** A GET_INFO request buffer for `table` (the kernel fills the rest). */
export function buildGetInfo(table: string): Buffer {
  const b = Buffer.alloc(IPT_GETINFO_SIZE);
  b.write(table.slice(0, XT_TABLE_MAXNAMELEN - 1), 0, 'latin1');
  return b;
}

/** Parses a GET_INFO reply. */
export function parseGetInfo(buf: Buffer): XtTableInfo {
  if (buf.length < IPT_GETINFO_SIZE) throw truncated(XT, 0, `ipt_getinfo (${buf.length} bytes)`);
  const hookEntry: number[] = [];
  const underflow: number[] = [];
  for (let h = 0; h < NF_INET_NUMHOOKS; h++) {
    hookEntry.push(readU32(buf, 36 + 4 * h));
    underflow.push(readU32(buf, 56 + 4 * h));
  }
  return {
    name: cstr(buf, 0, XT_TABLE_MAXNAMELEN),
    validHooks: readU32(buf, 32),
    hookEntry,
    underflow,
    numEntries: readU32(buf, 76),
    size: readU32(buf, 80),
  };
}

/** A GET_ENTRIES request buffer for `table` of `size` bytes of entries. */
export function buildGetEntries(table: string, size: number): Buffer {
  const b = Buffer.alloc(IPT_GET_ENTRIES_SIZE + size);
  b.write(table.slice(0, XT_TABLE_MAXNAMELEN - 1), 0, 'latin1');
  writeU32(b, size, 32);
  return b;
}

function cstr(buf: Uint8Array, at: number, max: number): string {
  let e = at;
  while (e < at + max && e < buf.length && buf[e] !== 0) e++;
  return Buffer.from(buf.subarray(at, e)).toString('latin1');
}

interface Entry {
  readonly offset: number;
  readonly next: number;
  readonly exprs: NftExpr[];
  /** Standard target verdict (>= 0 jump offset, < 0 -NF_x-1), or undefined. */
  readonly verdict?: number;
  readonly gotoFlag: boolean;
  /** ERROR target name (chain head / end marker). */
  readonly errorName?: string;
}

function regCmp(data: Buffer, op: 'eq' | 'neq' = 'eq'): NftExpr {
  return { type: 'cmp', sreg: C.NFT_REG_1, op, data };
}

function ifaceExprs(buf: Buffer, at: number, maskAt: number, key: number, inv: boolean): NftExpr[] {
  const name = cstr(buf, at, 16);
  if (name === '') return [];
  // iptables sets the mask to cover the name and its NUL, or only the name for "eth+"
  let n = 0;
  while (n < 16 && buf[maskAt + n] === 0xff) n++;
  const data = Buffer.alloc(Math.max(1, Math.min(n, 16)));
  buf.copy(data, 0, at, at + data.length);
  return [
    {
      type: 'meta',
      key,
      keyName: key === C.NFT_META_IIFNAME ? 'iifname' : 'oifname',
      dreg: C.NFT_REG_1,
    },
    regCmp(data, inv ? 'neq' : 'eq'),
  ];
}

function parseEntry(buf: Buffer, base: number, off: number, v6: boolean, family: number): Entry {
  const hdr = v6 ? IP6T_ENTRY_SIZE : IPT_ENTRY_SIZE;
  const at = base + off;
  if (at + hdr > buf.length) throw truncated(XT, at, 'ipt_entry');
  const targetOffset = readU16(buf, at + (v6 ? 140 : 88));
  const nextOffset = readU16(buf, at + (v6 ? 142 : 90));
  if (
    targetOffset < hdr ||
    nextOffset < targetOffset + XT_ENTRY_HDR ||
    at + nextOffset > buf.length
  )
    throw malformed(XT, at, `ipt_entry offsets (target ${targetOffset}, next ${nextOffset})`);
  const exprs: NftExpr[] = [];
  const addrLen = v6 ? 16 : 4;
  const dst = Buffer.from(buf.subarray(at + addrLen, at + 2 * addrLen));
  const dmsk = Buffer.from(buf.subarray(at + 3 * addrLen, at + 4 * addrLen));
  const ifAt = at + 4 * addrLen;
  const protoAt = at + (v6 ? 128 : 80);
  const proto = readU16(buf, protoAt);
  const flags = buf[protoAt + (v6 ? 3 : 2)] ?? 0;
  const inv = buf[protoAt + (v6 ? 4 : 3)] ?? 0;
  exprs.push(...ifaceExprs(buf, ifAt, ifAt + 32, C.NFT_META_IIFNAME, (inv & INV_VIA_IN) !== 0));
  exprs.push(
    ...ifaceExprs(buf, ifAt + 16, ifAt + 48, C.NFT_META_OIFNAME, (inv & INV_VIA_OUT) !== 0),
  );
  if (dmsk.some((x) => x !== 0)) {
    exprs.push({
      type: 'payload',
      base: 'network',
      offset: v6 ? 24 : 16,
      len: addrLen,
      dreg: C.NFT_REG_1,
    });
    if (!dmsk.every((x) => x === 0xff))
      exprs.push({
        type: 'bitwise',
        sreg: C.NFT_REG_1,
        dreg: C.NFT_REG_1,
        len: addrLen,
        mask: dmsk,
        xor: Buffer.alloc(addrLen),
      });
    exprs.push(regCmp(dst, (inv & INV_DSTIP) !== 0 ? 'neq' : 'eq'));
  }
  if (proto !== 0 && (!v6 || (flags & IP6T_F_PROTO) !== 0)) {
    exprs.push({ type: 'meta', key: C.NFT_META_L4PROTO, keyName: 'l4proto', dreg: C.NFT_REG_1 });
    exprs.push(regCmp(Buffer.of(proto & 0xff), (inv & INV_PROTO) !== 0 ? 'neq' : 'eq'));
  }
  // matches
  let m = hdr;
  while (m < targetOffset) {
    const mAt = at + m;
    if (mAt + XT_ENTRY_HDR > at + targetOffset) throw truncated(XT, mAt, 'xt_entry_match');
    const size = readU16(buf, mAt);
    if (size < XT_ENTRY_HDR || m + size > targetOffset)
      throw malformed(XT, mAt, `xt_entry_match size ${size}`);
    const name = cstr(buf, mAt + 2, 29);
    const rev = buf[mAt + 31] ?? 0;
    const info = Buffer.from(buf.subarray(mAt + XT_ENTRY_HDR, mAt + size));
    const decoded = decodeXtMatch(name, rev, info);
    exprs.push({ type: 'match', name, rev, info, ...(decoded === undefined ? {} : { decoded }) });
    m += size;
  }
  // target
  const tAt = at + targetOffset;
  const tSize = readU16(buf, tAt);
  if (tSize < XT_ENTRY_HDR || targetOffset + tSize > nextOffset)
    throw malformed(XT, tAt, `xt_entry_target size ${tSize}`);
  const tName = cstr(buf, tAt + 2, 29);
  const tRev = buf[tAt + 31] ?? 0;
  const gotoFlag = (flags & (v6 ? IP6T_F_GOTO : IPT_F_GOTO)) !== 0;
  if (tName === '') {
    if (tSize < XT_ENTRY_HDR + 4) throw malformed(XT, tAt, 'standard target without verdict');
    return {
      offset: off,
      next: nextOffset,
      exprs,
      verdict: readS32(buf, tAt + XT_ENTRY_HDR),
      gotoFlag,
    };
  }
  if (tName === 'ERROR')
    return {
      offset: off,
      next: nextOffset,
      exprs,
      gotoFlag,
      errorName: cstr(buf, tAt + XT_ENTRY_HDR, Math.min(30, tSize - XT_ENTRY_HDR)),
    };
  const info = Buffer.from(buf.subarray(tAt + XT_ENTRY_HDR, tAt + tSize));
  const decoded = decodeXtTarget(tName, tRev, info, family);
  exprs.push({
    type: 'target',
    name: tName,
    rev: tRev,
    info,
    ...(decoded === undefined ? {} : { decoded }),
  });
  return { offset: off, next: nextOffset, exprs, gotoFlag };
}

/** One legacy table in the nf_tables model. */
export interface XtTable {
  readonly family: number;
  readonly name: string;
  readonly chains: NftChain[];
  readonly rules: NftRule[];
}

/**
 * Parses the GET_ENTRIES reply (`buf` = the whole `struct ipt_get_entries`) of the table
 * described by `info`. `v6` selects the ip6t_entry layout.
 */
export function parseEntries(buf: Buffer, info: XtTableInfo, v6: boolean): XtTable {
  const family = v6 ? C.NFPROTO_IPV6 : C.NFPROTO_IPV4;
  const base = IPT_GET_ENTRIES_SIZE;
  if (buf.length < base) throw truncated(XT, 0, 'ipt_get_entries');
  const size = Math.min(readU32(buf, 32), buf.length - base);
  if (size < info.size) throw truncated(XT, base, `entries (${size} of ${info.size} bytes)`);
  const end = base + info.size;
  const entries: Entry[] = [];
  for (let off = 0; base + off < end;) {
    const e = parseEntry(buf.subarray(0, end), base, off, v6, family);
    entries.push(e);
    off += e.next;
    if (entries.length > 1_000_000) throw malformed(XT, base + off, 'too many entries');
  }
  // chain boundaries
  const hookAt = new Map<number, number>();
  const underflowAt = new Set<number>();
  for (let h = 0; h < NF_INET_NUMHOOKS; h++)
    if ((info.validHooks & (1 << h)) !== 0) {
      hookAt.set(info.hookEntry[h] ?? 0, h);
      underflowAt.add(info.underflow[h] ?? 0);
    }
  const chainAt = new Map<number, string>(); // entry offset → chain it starts
  const chains: NftChain[] = [];
  let handle = 0n;
  for (const e of entries) {
    const h = hookAt.get(e.offset);
    if (h !== undefined) {
      const name = HOOK_CHAINS[h] ?? `hook-${h}`;
      chainAt.set(e.offset, name);
      chains.push({
        family,
        table: info.name,
        name,
        handle: ++handle,
        hook: { hooknum: h, priority: 0 },
        type: 'nat',
      });
    }
    if (e.errorName !== undefined && e.errorName !== 'ERROR') {
      chainAt.set(e.offset, e.errorName);
      chainAt.set(e.offset + e.next, e.errorName);
      chains.push({ family, table: info.name, name: e.errorName, handle: ++handle });
    }
  }
  const rules: NftRule[] = [];
  let current: string | undefined;
  let index = 0;
  for (const e of entries) {
    const starts = chainAt.get(e.offset);
    if (e.errorName !== undefined) {
      current = e.errorName === 'ERROR' ? undefined : e.errorName;
      index = 0;
      continue;
    }
    if (hookAt.has(e.offset) && starts !== undefined) {
      current = starts;
      index = 0;
    }
    if (current === undefined) continue;
    if (underflowAt.has(e.offset)) {
      current = undefined; // the built-in chain's policy entry
      continue;
    }
    const exprs = [...e.exprs];
    if (e.verdict !== undefined) {
      if (e.verdict >= 0) {
        const target = chainAt.get(e.verdict);
        if (target !== undefined && e.verdict !== e.offset + e.next) {
          const code = e.gotoFlag ? C.NFT_GOTO : C.NFT_JUMP;
          exprs.push({
            type: 'immediate',
            dreg: C.NFT_REG_VERDICT,
            data: {
              kind: 'verdict',
              verdict: { code: verdictName(code), raw: code, chain: target },
            },
          });
        }
      } else {
        // -NF_x - 1; XT_RETURN = -NF_REPEAT - 1
        const raw = e.verdict === -C.NF_REPEAT - 1 ? C.NFT_RETURN : -e.verdict - 1;
        exprs.push({
          type: 'immediate',
          dreg: C.NFT_REG_VERDICT,
          data: { kind: 'verdict', verdict: { code: verdictName(raw), raw } },
        });
      }
    }
    rules.push({
      family,
      table: info.name,
      chain: current,
      handle: BigInt(index++),
      expressions: exprs,
    });
  }
  return { family, name: info.name, chains, rules };
}
