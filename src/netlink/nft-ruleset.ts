// SPDX-License-Identifier: MIT
/**
 * @module netlink/nft-ruleset
 *
 * Read-only nf_tables dumps over NETLINK_NETFILTER (`linux/netfilter/nf_tables.h`,
 * `linux/netfilter/nfnetlink.h`): NFT_MSG_GETCHAIN and NFT_MSG_GETRULE dump requests and the
 * decoding of their NFT_MSG_NEWCHAIN / NFT_MSG_NEWRULE replies. Rules are decoded into their
 * expression list (name plus the attributes the reachability analysis evaluates: payload, meta,
 * cmp, bitwise, immediate verdicts); other expressions keep their name only. nf_tables
 * attributes are big-endian (network byte order).
 */
import { AttrCursor } from './core/attr.js';
import { MessageBuilder } from './core/builder.js';
import { NLM_F_DUMP, NLM_F_REQUEST } from './core/constants.js';
import { malformed } from './core/decode-error.js';
import type { RequestSpec } from './core/request.js';
import type { NetlinkMessage } from './core/types.js';

/** NFNL_SUBSYS_NFTABLES. */
export const NFNL_SUBSYS_NFTABLES = 10;
export const NFT_MSG_NEWCHAIN = 3;
export const NFT_MSG_GETCHAIN = 4;
export const NFT_MSG_NEWRULE = 6;
export const NFT_MSG_GETRULE = 7;
/** sizeof(struct nfgenmsg). */
export const NFGENMSG_SIZE = 4;

const NFTA_CHAIN_TABLE = 1;
const NFTA_CHAIN_NAME = 3;
const NFTA_CHAIN_HOOK = 4;
const NFTA_CHAIN_POLICY = 5;
const NFTA_CHAIN_TYPE = 7;
const NFTA_HOOK_HOOKNUM = 1;
const NFTA_HOOK_PRIORITY = 2;
const NFTA_RULE_TABLE = 1;
const NFTA_RULE_CHAIN = 2;
const NFTA_RULE_HANDLE = 3;
const NFTA_RULE_EXPRESSIONS = 4;
const NFTA_LIST_ELEM = 1;
const NFTA_EXPR_NAME = 1;
const NFTA_EXPR_DATA = 2;
const NFTA_DATA_VALUE = 1;
const NFTA_DATA_VERDICT = 2;
const NFTA_VERDICT_CODE = 1;
const NFTA_VERDICT_CHAIN = 2;

const FAMILY = 'nftables';

/** A decoded chain. */
export interface NftChainMessage {
  /** NFPROTO_* of the table. */
  readonly family: number;
  readonly table: string;
  readonly name: string;
  /** NF_INET_* hook number of a base chain. */
  readonly hooknum: number | undefined;
  readonly priority: number | undefined;
  /** NF_DROP 0 / NF_ACCEPT 1. */
  readonly policy: number | undefined;
  readonly type: string | undefined;
}

/** A decoded expression: its name and the attributes the analysis reads. */
export type NftExpr =
  | {
      readonly name: 'payload';
      readonly dreg: number;
      readonly base: number;
      readonly offset: number;
      readonly len: number;
    }
  | { readonly name: 'meta'; readonly dreg: number | undefined; readonly key: number }
  | { readonly name: 'cmp'; readonly sreg: number; readonly op: number; readonly data: Buffer }
  | {
      readonly name: 'bitwise';
      readonly sreg: number;
      readonly dreg: number;
      readonly len: number;
      readonly mask: Buffer | undefined;
      readonly xor: Buffer | undefined;
    }
  | {
      readonly name: 'immediate';
      readonly dreg: number;
      readonly verdict: number | undefined;
      readonly chain: string | undefined;
      /** Data loaded into a register (dreg ≠ 0), e.g. a NAT address or port. */
      readonly value: Buffer | undefined;
    }
  | {
      readonly name: 'nat';
      /** NFT_NAT_SNAT 0 / NFT_NAT_DNAT 1. */
      readonly type: number;
      /** NFPROTO_IPV4 2 / NFPROTO_IPV6 10. */
      readonly family: number;
      readonly regAddrMin: number | undefined;
      readonly regProtoMin: number | undefined;
    }
  | { readonly name: 'redir'; readonly regProtoMin: number | undefined }
  | { readonly name: string; readonly other: true };

/** A decoded rule. */
export interface NftRuleMessage {
  readonly family: number;
  readonly table: string;
  readonly chain: string;
  readonly handle: number;
  readonly exprs: readonly NftExpr[];
}

function dumpRequest(cmd: number): Buffer {
  const b = new MessageBuilder({
    type: (NFNL_SUBSYS_NFTABLES << 8) | cmd,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
  });
  b.raw(Buffer.alloc(NFGENMSG_SIZE)); // family NFPROTO_UNSPEC: all tables
  return b.finish();
}

function checkNft(msg: NetlinkMessage, cmd: number, what: string): void {
  if (msg.type !== ((NFNL_SUBSYS_NFTABLES << 8) | cmd)) {
    throw malformed(FAMILY, msg.offset, `${what}: unexpected message type ${msg.type}`);
  }
  if (msg.payload.length < NFGENMSG_SIZE)
    throw malformed(FAMILY, msg.offset, `${what}: short nfgenmsg`);
}

function str(c: AttrCursor): string {
  return c.buf.toString('latin1', c.dataStart, c.dataStart + c.dataLength).replace(/\0.*$/s, '');
}

/** Decodes one NFT_MSG_NEWCHAIN. */
export function decodeNftChain(msg: NetlinkMessage): NftChainMessage {
  checkNft(msg, NFT_MSG_NEWCHAIN, 'NFT_MSG_NEWCHAIN');
  const p = msg.payload;
  let table = '';
  let name = '';
  let hooknum: number | undefined;
  let priority: number | undefined;
  let policy: number | undefined;
  let type: string | undefined;
  const c = new AttrCursor(p, NFGENMSG_SIZE, p.length, FAMILY);
  while (c.next()) {
    switch (c.type) {
      case NFTA_CHAIN_TABLE:
        table = str(c);
        break;
      case NFTA_CHAIN_NAME:
        name = str(c);
        break;
      case NFTA_CHAIN_POLICY:
        policy = c.be32();
        break;
      case NFTA_CHAIN_TYPE:
        type = str(c);
        break;
      case NFTA_CHAIN_HOOK: {
        const h = c.nested();
        while (h.next()) {
          if (h.type === NFTA_HOOK_HOOKNUM) hooknum = h.be32();
          else if (h.type === NFTA_HOOK_PRIORITY) priority = h.buf.readInt32BE(h.dataStart);
        }
        break;
      }
      default:
        break;
    }
  }
  return { family: p[0] ?? 0, table, name, hooknum, priority, policy, type };
}

function dataValue(c: AttrCursor): {
  value: Buffer | undefined;
  verdict: number | undefined;
  chain: string | undefined;
} {
  let value: Buffer | undefined;
  let verdict: number | undefined;
  let chain: string | undefined;
  const d = c.nested();
  while (d.next()) {
    if (d.type === NFTA_DATA_VALUE)
      value = Buffer.from(d.buf.subarray(d.dataStart, d.dataStart + d.dataLength));
    else if (d.type === NFTA_DATA_VERDICT) {
      const v = d.nested();
      while (v.next()) {
        if (v.type === NFTA_VERDICT_CODE) verdict = v.buf.readInt32BE(v.dataStart);
        else if (v.type === NFTA_VERDICT_CHAIN) chain = str(v);
      }
    }
  }
  return { value, verdict, chain };
}

function decodeExpr(name: string, data: AttrCursor | undefined): NftExpr {
  const a = new Map<number, AttrCursor>();
  if (data !== undefined) {
    while (data.next()) {
      // keep a cursor positioned on each attribute (a fresh one per type)
      const one = new AttrCursor(data.buf, data.offset, data.offset + 4 + data.dataLength, FAMILY);
      one.next();
      a.set(data.type, one);
    }
  }
  const u = (t: number): number | undefined => {
    const c = a.get(t);
    return c === undefined || c.dataLength < 4 ? undefined : c.buf.readUInt32BE(c.dataStart);
  };
  switch (name) {
    case 'payload':
      return { name, dreg: u(1) ?? 0, base: u(2) ?? 0, offset: u(3) ?? 0, len: u(4) ?? 0 };
    case 'meta':
      return { name, dreg: u(1), key: u(2) ?? -1 };
    case 'cmp': {
      const d = a.get(3);
      return {
        name,
        sreg: u(1) ?? 0,
        op: u(2) ?? -1,
        data: d === undefined ? Buffer.alloc(0) : (dataValue(d).value ?? Buffer.alloc(0)),
      };
    }
    case 'bitwise': {
      const m = a.get(4);
      const x = a.get(5);
      return {
        name,
        sreg: u(1) ?? 0,
        dreg: u(2) ?? 0,
        len: u(3) ?? 0,
        mask: m === undefined ? undefined : dataValue(m).value,
        xor: x === undefined ? undefined : dataValue(x).value,
      };
    }
    case 'immediate': {
      const d = a.get(2);
      const v = d === undefined ? undefined : dataValue(d);
      return { name, dreg: u(1) ?? 0, verdict: v?.verdict, chain: v?.chain, value: v?.value };
    }
    case 'nat':
      return { name, type: u(1) ?? -1, family: u(2) ?? 0, regAddrMin: u(3), regProtoMin: u(5) };
    case 'redir':
      return { name, regProtoMin: u(1) };
    default:
      return { name, other: true };
  }
}

/** Decodes one NFT_MSG_NEWRULE. */
export function decodeNftRule(msg: NetlinkMessage): NftRuleMessage {
  checkNft(msg, NFT_MSG_NEWRULE, 'NFT_MSG_NEWRULE');
  const p = msg.payload;
  let table = '';
  let chain = '';
  let handle = 0;
  const exprs: NftExpr[] = [];
  const c = new AttrCursor(p, NFGENMSG_SIZE, p.length, FAMILY);
  while (c.next()) {
    switch (c.type) {
      case NFTA_RULE_TABLE:
        table = str(c);
        break;
      case NFTA_RULE_CHAIN:
        chain = str(c);
        break;
      case NFTA_RULE_HANDLE:
        c.need(8, 'handle');
        handle = Number(c.buf.readBigUInt64BE(c.dataStart));
        break;
      case NFTA_RULE_EXPRESSIONS: {
        const list = c.nested();
        while (list.next()) {
          if (list.type !== NFTA_LIST_ELEM) continue;
          const e = list.nested();
          let name = '';
          let data: AttrCursor | undefined;
          while (e.next()) {
            if (e.type === NFTA_EXPR_NAME) name = str(e);
            else if (e.type === NFTA_EXPR_DATA) data = e.nested();
          }
          exprs.push(decodeExpr(name, data));
        }
        break;
      }
      default:
        break;
    }
  }
  return { family: p[0] ?? 0, table, chain, handle, exprs };
}

/** NFT_MSG_GETCHAIN dump of all tables. */
export function nftChainDumpSpec(): RequestSpec<NftChainMessage> {
  return {
    message: dumpRequest(NFT_MSG_GETCHAIN),
    decode: decodeNftChain,
    family: FAMILY,
    dump: true,
  };
}

/** NFT_MSG_GETRULE dump of all tables. */
export function nftRuleDumpSpec(): RequestSpec<NftRuleMessage> {
  return {
    message: dumpRequest(NFT_MSG_GETRULE),
    decode: decodeNftRule,
    family: FAMILY,
    dump: true,
  };
}
