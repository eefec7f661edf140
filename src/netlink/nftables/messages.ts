// SPDX-License-Identifier: MIT
/**
 * @module netlink/nftables/messages
 *
 * nfnetlink framing for nf_tables (`struct nfgenmsg` after the nlmsghdr; message type
 * `NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_*`), dump request builders and the decoders of
 * NFT_MSG_NEWTABLE / NEWCHAIN / NEWRULE / NEWSET / NEWSETELEM. All integer attributes are
 * big-endian. Attributes newer than this decoder are ignored; malformed known ones throw
 * DecodeError, except inside a rule's expression list (see {@link decodeRule}).
 */
import { AttrCursor } from '../core/attr.js';
import { MessageBuilder } from '../core/builder.js';
import { NLM_F_DUMP, NLM_F_REQUEST } from '../core/constants.js';
import { malformed, truncated } from '../core/decode-error.js';
import type { NetlinkMessage } from '../core/types.js';
import { errorCode, errorMessage } from '../../errors.js';
import * as C from './constants.js';
import { decodeData, decodeExpressions, NFT } from './expr.js';
import type {
  NftChain,
  NftRule,
  NftSet,
  NftSetElement,
  NftSetElements,
  NftTable,
} from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** nlmsg_type of an nf_tables message. */
export function nftType(msg: number): number {
  return (C.NFNL_SUBSYS_NFTABLES << 8) | msg;
}

function check(msg: NetlinkMessage, expected: number, what: string): number {
  if (msg.type !== nftType(expected))
    throw malformed(NFT, msg.offset, `${what}: unexpected message type ${msg.type}`);
  if (msg.payload.length < C.NFGENMSG_LEN)
    throw truncated(NFT, msg.offset, `${what} nfgenmsg (${msg.payload.length} bytes)`);
  return msg.payload[0] ?? 0;
}

function cursor(msg: NetlinkMessage): AttrCursor {
  return new AttrCursor(msg.payload, C.NFGENMSG_LEN, msg.payload.length, NFT);
}

function need<T>(v: T | undefined, msg: NetlinkMessage, what: string): T {
  if (v === undefined) throw malformed(NFT, msg.offset, `message without ${what}`);
  return v;
}

/**
 * A dump request for one object kind. `family` NFPROTO_UNSPEC dumps all families; `attrs`
 * adds attributes (a set element dump names its table and set).
 */
export function buildNftDump(
  msgType: number,
  family: number = C.NFPROTO_UNSPEC,
  attrs?: (b: MessageBuilder) => void,
): Buffer {
  const b = new MessageBuilder({ type: nftType(msgType), flags: NLM_F_REQUEST | NLM_F_DUMP });
  b.raw(Uint8Array.of(family & 0xff, C.NFNETLINK_V0, 0, 0));
  attrs?.(b);
  return b.finish();
}

/** NFT_MSG_GETTABLE dump of all families. */
export function buildGetTableDump(family: number = C.NFPROTO_UNSPEC): Buffer {
  return buildNftDump(C.NFT_MSG_GETTABLE, family);
}

/** NFT_MSG_GETCHAIN dump (all tables of `family`; a table name narrows on kernels ≥ 4.x). */
export function buildGetChainDump(family: number, table?: string): Buffer {
  return buildNftDump(C.NFT_MSG_GETCHAIN, family, (b) => {
    if (table !== undefined) b.string(C.NFTA_CHAIN_TABLE, table);
  });
}

/** NFT_MSG_GETRULE dump of one table (or all tables of `family`). */
export function buildGetRuleDump(family: number, table?: string): Buffer {
  return buildNftDump(C.NFT_MSG_GETRULE, family, (b) => {
    if (table !== undefined) b.string(C.NFTA_RULE_TABLE, table);
  });
}

/** NFT_MSG_GETSET dump of one table (or all tables of `family`). */
export function buildGetSetDump(family: number, table?: string): Buffer {
  return buildNftDump(C.NFT_MSG_GETSET, family, (b) => {
    if (table !== undefined) b.string(C.NFTA_SET_TABLE, table);
  });
}

/** NFT_MSG_GETSETELEM dump of one set (table and set are required by the kernel). */
export function buildGetSetElemDump(family: number, table: string, set: string): Buffer {
  return buildNftDump(C.NFT_MSG_GETSETELEM, family, (b) => {
    b.string(C.NFTA_SET_ELEM_LIST_TABLE, table);
    b.string(C.NFTA_SET_ELEM_LIST_SET, set);
  });
}

/** Decodes NFT_MSG_NEWTABLE. */
export function decodeTable(msg: NetlinkMessage): NftTable {
  const family = check(msg, C.NFT_MSG_NEWTABLE, 'NFT_MSG_NEWTABLE');
  let name: string | undefined;
  const t: Mutable<Omit<NftTable, 'name'>> = { family, flags: 0, use: 0, handle: 0n };
  const c = cursor(msg);
  while (c.next()) {
    switch (c.type) {
      case C.NFTA_TABLE_NAME:
        name = c.str();
        break;
      case C.NFTA_TABLE_FLAGS:
        t.flags = c.be32();
        break;
      case C.NFTA_TABLE_USE:
        t.use = c.be32();
        break;
      case C.NFTA_TABLE_HANDLE:
        t.handle = c.be64();
        break;
      case C.NFTA_TABLE_OWNER:
        t.owner = c.be32();
        break;
    }
  }
  return { ...t, name: need(name, msg, 'NFTA_TABLE_NAME') };
}

/** Decodes NFT_MSG_NEWCHAIN. */
export function decodeChain(msg: NetlinkMessage): NftChain {
  const family = check(msg, C.NFT_MSG_NEWCHAIN, 'NFT_MSG_NEWCHAIN');
  let table: string | undefined;
  let name: string | undefined;
  const ch: Mutable<Omit<NftChain, 'table' | 'name'>> = { family, handle: 0n };
  const c = cursor(msg);
  while (c.next()) {
    switch (c.type) {
      case C.NFTA_CHAIN_TABLE:
        table = c.str();
        break;
      case C.NFTA_CHAIN_NAME:
        name = c.str();
        break;
      case C.NFTA_CHAIN_HANDLE:
        ch.handle = c.be64();
        break;
      case C.NFTA_CHAIN_POLICY:
        ch.policy = c.be32();
        break;
      case C.NFTA_CHAIN_TYPE:
        ch.type = c.str();
        break;
      case C.NFTA_CHAIN_FLAGS:
        ch.flags = c.be32();
        break;
      case C.NFTA_CHAIN_HOOK: {
        const h = c.nested();
        let hooknum: number | undefined;
        let priority = 0;
        let dev: string | undefined;
        while (h.next()) {
          if (h.type === C.NFTA_HOOK_HOOKNUM) hooknum = h.be32();
          else if (h.type === C.NFTA_HOOK_PRIORITY) {
            h.need(4, 'hook priority');
            priority = h.buf.readInt32BE(h.dataStart);
          } else if (h.type === C.NFTA_HOOK_DEV) dev = h.str();
        }
        if (hooknum !== undefined)
          ch.hook = dev === undefined ? { hooknum, priority } : { hooknum, priority, dev };
        break;
      }
    }
  }
  return {
    ...ch,
    table: need(table, msg, 'NFTA_CHAIN_TABLE'),
    name: need(name, msg, 'NFTA_CHAIN_NAME'),
  };
}

/**
 * Decodes NFT_MSG_NEWRULE. A malformed expression list does not throw: the rule keeps the
 * expressions decoded so far and `malformed` carries the error (code and message).
 */
export function decodeRule(msg: NetlinkMessage): NftRule {
  const family = check(msg, C.NFT_MSG_NEWRULE, 'NFT_MSG_NEWRULE');
  let table: string | undefined;
  let chain: string | undefined;
  const r: Mutable<Omit<NftRule, 'table' | 'chain'>> = { family, handle: 0n, expressions: [] };
  const c = cursor(msg);
  while (c.next()) {
    switch (c.type) {
      case C.NFTA_RULE_TABLE:
        table = c.str();
        break;
      case C.NFTA_RULE_CHAIN:
        chain = c.str();
        break;
      case C.NFTA_RULE_HANDLE:
        r.handle = c.be64();
        break;
      case C.NFTA_RULE_POSITION:
        r.position = c.be64();
        break;
      case C.NFTA_RULE_USERDATA:
        r.userdata = Buffer.from(c.data());
        break;
      case C.NFTA_RULE_COMPAT: {
        const k = c.nested();
        let proto = 0;
        let flags = 0;
        while (k.next()) {
          if (k.type === C.NFTA_RULE_COMPAT_PROTO) proto = k.be32();
          else if (k.type === C.NFTA_RULE_COMPAT_FLAGS) flags = k.be32();
        }
        r.compat = { proto, flags };
        break;
      }
      case C.NFTA_RULE_EXPRESSIONS: {
        const d = decodeExpressions(c, family);
        r.expressions = d.expressions;
        if (d.error !== undefined)
          r.malformed = {
            code: errorCode(d.error) ?? 'GW_ERR_NETLINK_MALFORMED',
            message: errorMessage(d.error),
          };
        break;
      }
    }
  }
  return {
    ...r,
    table: need(table, msg, 'NFTA_RULE_TABLE'),
    chain: need(chain, msg, 'NFTA_RULE_CHAIN'),
  };
}

/** Decodes NFT_MSG_NEWSET. */
export function decodeSet(msg: NetlinkMessage): NftSet {
  const family = check(msg, C.NFT_MSG_NEWSET, 'NFT_MSG_NEWSET');
  let table: string | undefined;
  let name: string | undefined;
  const s: Mutable<Omit<NftSet, 'table' | 'name'>> = { family, flags: 0, keyType: 0, keyLen: 0 };
  const c = cursor(msg);
  while (c.next()) {
    switch (c.type) {
      case C.NFTA_SET_TABLE:
        table = c.str();
        break;
      case C.NFTA_SET_NAME:
        name = c.str();
        break;
      case C.NFTA_SET_FLAGS:
        s.flags = c.be32();
        break;
      case C.NFTA_SET_KEY_TYPE:
        s.keyType = c.be32();
        break;
      case C.NFTA_SET_KEY_LEN:
        s.keyLen = c.be32();
        break;
      case C.NFTA_SET_DATA_TYPE:
        s.dataType = c.be32();
        break;
      case C.NFTA_SET_DATA_LEN:
        s.dataLen = c.be32();
        break;
      case C.NFTA_SET_ID:
        s.id = c.be32();
        break;
      case C.NFTA_SET_HANDLE:
        s.handle = c.be64();
        break;
      case C.NFTA_SET_DESC: {
        const d = c.nested();
        while (d.next()) {
          if (d.type !== C.NFTA_SET_DESC_CONCAT) continue;
          const fields: number[] = [];
          const l = d.nested();
          while (l.next()) {
            if (l.type !== C.NFTA_LIST_ELEM) continue;
            const f = l.nested();
            while (f.next()) if (f.type === C.NFTA_SET_FIELD_LEN) fields.push(f.be32());
          }
          s.fieldLengths = fields;
        }
        break;
      }
    }
  }
  return {
    ...s,
    table: need(table, msg, 'NFTA_SET_TABLE'),
    name: need(name, msg, 'NFTA_SET_NAME'),
  };
}

/** Decodes NFT_MSG_NEWSETELEM (the elements of one set; a dump may send several such messages). */
export function decodeSetElements(msg: NetlinkMessage): NftSetElements {
  const family = check(msg, C.NFT_MSG_NEWSETELEM, 'NFT_MSG_NEWSETELEM');
  let table: string | undefined;
  let set: string | undefined;
  const elements: NftSetElement[] = [];
  const c = cursor(msg);
  while (c.next()) {
    switch (c.type) {
      case C.NFTA_SET_ELEM_LIST_TABLE:
        table = c.str();
        break;
      case C.NFTA_SET_ELEM_LIST_SET:
        set = c.str();
        break;
      case C.NFTA_SET_ELEM_LIST_ELEMENTS: {
        const l = c.nested();
        while (l.next()) {
          if (l.type !== C.NFTA_LIST_ELEM) continue;
          const e = l.nested();
          const el: Mutable<NftSetElement> = { flags: 0 };
          while (e.next()) {
            switch (e.type) {
              case C.NFTA_SET_ELEM_KEY: {
                const d = decodeData(e);
                if (d.kind === 'value') el.key = d.value;
                break;
              }
              case C.NFTA_SET_ELEM_KEY_END: {
                const d = decodeData(e);
                if (d.kind === 'value') el.keyEnd = d.value;
                break;
              }
              case C.NFTA_SET_ELEM_DATA:
                el.data = decodeData(e);
                break;
              case C.NFTA_SET_ELEM_FLAGS:
                el.flags = e.be32();
                break;
            }
          }
          elements.push(el);
        }
        break;
      }
    }
  }
  return {
    family,
    table: need(table, msg, 'NFTA_SET_ELEM_LIST_TABLE'),
    set: need(set, msg, 'NFTA_SET_ELEM_LIST_SET'),
    elements,
  };
}
