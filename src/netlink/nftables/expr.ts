// SPDX-License-Identifier: MIT
/**
 * @module netlink/nftables/expr
 *
 * Decoding of rule expressions (`NFTA_RULE_EXPRESSIONS`: a list of NFTA_LIST_ELEM, each with
 * NFTA_EXPR_NAME and NFTA_EXPR_DATA) into the typed model of `types.ts`. Known expressions:
 * meta, cmp, payload, immediate, lookup, nat, redir, masq, range, bitwise, ct, numgen and the
 * xtables-compat match/target (payloads via `xt-info.ts`); every other expression is kept as
 * `raw` with its attributes. Integers are big-endian (nf_tables uses NLA_BE32 throughout).
 */
import { ProjectError } from '../../errors.js';
import { AttrCursor } from '../core/attr.js';
import { malformed } from '../core/decode-error.js';
import * as C from './constants.js';
import type { NftCmpOp, NftData, NftExpr, NftVerdict } from './types.js';
import { decodeXtMatch, decodeXtTarget } from './xt-info.js';

/** Protocol family name in DecodeErrors of this codec. */
export const NFT = 'nftables';

const CMP_OPS: readonly NftCmpOp[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'];

const META_KEYS: Readonly<Record<number, string>> = {
  0: 'len',
  1: 'protocol',
  2: 'priority',
  3: 'mark',
  4: 'iif',
  5: 'oif',
  6: 'iifname',
  7: 'oifname',
  8: 'iiftype',
  9: 'oiftype',
  10: 'skuid',
  11: 'skgid',
  12: 'nftrace',
  13: 'rtclassid',
  14: 'secmark',
  15: 'nfproto',
  16: 'l4proto',
  17: 'bri_iifname',
  18: 'bri_oifname',
  19: 'pkttype',
  20: 'cpu',
  21: 'iifgroup',
  22: 'oifgroup',
  23: 'cgroup',
  24: 'prandom',
  25: 'secpath',
  26: 'iifkind',
  27: 'oifkind',
  28: 'bri_iifpvid',
  29: 'bri_iifvproto',
  30: 'time_ns',
  31: 'time_day',
  32: 'time_hour',
  33: 'sdif',
  34: 'sdifname',
  35: 'bri_broute',
};

/** Name of an NFT_META_* key (`meta-<n>` for keys newer than this table). */
export function metaKeyName(key: number): string {
  return META_KEYS[key] ?? `meta-${key}`;
}

/**
 * The 4-byte register slot (0..15) a register number starts at: NFT_REG_1..4 are 16 bytes wide
 * and alias NFT_REG32_00..15 four at a time. undefined for the verdict register and invalid numbers.
 */
export function regSlot(reg: number): number | undefined {
  if (reg >= C.NFT_REG_1 && reg <= C.NFT_REG_4) return (reg - C.NFT_REG_1) * 4;
  if (reg >= C.NFT_REG32_00 && reg <= C.NFT_REG32_15) return reg - C.NFT_REG32_00;
  return undefined;
}

function copy(c: AttrCursor): Buffer {
  return Buffer.from(c.data());
}

/** Decodes a signed verdict code to its name. */
export function verdictName(code: number): NftVerdict['code'] {
  switch (code) {
    case C.NF_ACCEPT:
      return 'accept';
    case C.NF_DROP:
      return 'drop';
    case C.NF_STOLEN:
      return 'stolen';
    case C.NF_QUEUE:
      return 'queue';
    case C.NF_REPEAT:
      return 'repeat';
    case C.NFT_CONTINUE:
      return 'continue';
    case C.NFT_BREAK:
      return 'break';
    case C.NFT_JUMP:
      return 'jump';
    case C.NFT_GOTO:
      return 'goto';
    case C.NFT_RETURN:
      return 'return';
    default:
      return 'unknown';
  }
}

/** Decodes a nested NFTA_VERDICT_* list. */
export function decodeVerdict(c: AttrCursor): NftVerdict {
  const v = c.nested();
  let raw: number | undefined;
  let chain: string | undefined;
  while (v.next()) {
    if (v.type === C.NFTA_VERDICT_CODE) {
      v.need(4, 'verdict code');
      raw = v.buf.readInt32BE(v.dataStart);
    } else if (v.type === C.NFTA_VERDICT_CHAIN) chain = v.str();
  }
  if (raw === undefined)
    throw malformed(NFT, c.offset, 'verdict without NFTA_VERDICT_CODE', c.type);
  const code = verdictName(raw);
  return chain === undefined ? { code, raw } : { code, raw, chain };
}

/** Decodes a nested NFTA_DATA_* (value or verdict). */
export function decodeData(c: AttrCursor): NftData {
  const d = c.nested();
  while (d.next()) {
    if (d.type === C.NFTA_DATA_VALUE) return { kind: 'value', value: copy(d) };
    if (d.type === C.NFTA_DATA_VERDICT) return { kind: 'verdict', verdict: decodeVerdict(d) };
  }
  throw malformed(NFT, c.offset, 'NFTA_DATA without value or verdict', c.type);
}

function required<T>(v: T | undefined, c: AttrCursor, what: string): T {
  if (v === undefined) throw malformed(NFT, c.offset, `expression without ${what}`);
  return v;
}

type Attrs = Map<number, AttrCursor>;

/** Collects each attribute of an expression's data into a positioned sub-cursor (last wins). */
function collect(c: AttrCursor): Attrs {
  const m: Attrs = new Map();
  const n = c.nested();
  while (n.next()) {
    const one = new AttrCursor(n.buf, n.offset, n.offset + 4 + n.dataLength, NFT);
    one.next();
    m.set(n.type, one);
  }
  return m;
}

const be32 = (a: Attrs, t: number): number | undefined => a.get(t)?.be32();
const str = (a: Attrs, t: number): string | undefined => a.get(t)?.str();

/**
 * Decodes one expression (`c` positioned on NFTA_EXPR_DATA, or undefined when the expression
 * has no data) of the given name. `family` is the rule's nfgen_family (for xt target payloads).
 * Throws DecodeError when a known expression's attributes are malformed.
 */
export function decodeExpression(
  name: string,
  data: AttrCursor | undefined,
  family: number,
  at: AttrCursor,
): NftExpr {
  const a: Attrs = data === undefined ? new Map() : collect(data);
  const opt = (k: string, v: number | undefined): Record<string, number> =>
    v === undefined ? {} : { [k]: v };
  switch (name) {
    case 'meta': {
      const key = required(be32(a, C.NFTA_META_KEY), at, 'NFTA_META_KEY');
      return {
        type: 'meta',
        key,
        keyName: metaKeyName(key),
        ...opt('dreg', be32(a, C.NFTA_META_DREG)),
        ...opt('sreg', be32(a, C.NFTA_META_SREG)),
      };
    }
    case 'cmp': {
      const op = required(be32(a, C.NFTA_CMP_OP), at, 'NFTA_CMP_OP');
      const d = required(a.get(C.NFTA_CMP_DATA), at, 'NFTA_CMP_DATA');
      const data = decodeData(d);
      if (data.kind !== 'value') throw malformed(NFT, d.offset, 'cmp data is a verdict');
      return {
        type: 'cmp',
        sreg: required(be32(a, C.NFTA_CMP_SREG), at, 'NFTA_CMP_SREG'),
        op: CMP_OPS[op] ?? required<NftCmpOp>(undefined, at, `a known cmp op (${op})`),
        data: data.value,
      };
    }
    case 'payload': {
      const base = required(be32(a, C.NFTA_PAYLOAD_BASE), at, 'NFTA_PAYLOAD_BASE');
      const names = ['ll', 'network', 'transport', 'inner'] as const;
      return {
        type: 'payload',
        base: names[base] ?? base,
        offset: required(be32(a, C.NFTA_PAYLOAD_OFFSET), at, 'NFTA_PAYLOAD_OFFSET'),
        len: required(be32(a, C.NFTA_PAYLOAD_LEN), at, 'NFTA_PAYLOAD_LEN'),
        ...opt('dreg', be32(a, C.NFTA_PAYLOAD_DREG)),
        ...opt('sreg', be32(a, C.NFTA_PAYLOAD_SREG)),
      };
    }
    case 'immediate': {
      const d = required(a.get(C.NFTA_IMMEDIATE_DATA), at, 'NFTA_IMMEDIATE_DATA');
      return {
        type: 'immediate',
        dreg: required(be32(a, C.NFTA_IMMEDIATE_DREG), at, 'NFTA_IMMEDIATE_DREG'),
        data: decodeData(d),
      };
    }
    case 'lookup': {
      const flags = be32(a, C.NFTA_LOOKUP_FLAGS) ?? 0;
      return {
        type: 'lookup',
        set: required(str(a, C.NFTA_LOOKUP_SET), at, 'NFTA_LOOKUP_SET'),
        sreg: required(be32(a, C.NFTA_LOOKUP_SREG), at, 'NFTA_LOOKUP_SREG'),
        ...opt('dreg', be32(a, C.NFTA_LOOKUP_DREG)),
        ...opt('setId', be32(a, C.NFTA_LOOKUP_SET_ID)),
        invert: (flags & C.NFT_LOOKUP_F_INV) !== 0,
      };
    }
    case 'nat': {
      const t = required(be32(a, C.NFTA_NAT_TYPE), at, 'NFTA_NAT_TYPE');
      return {
        type: 'nat',
        natType: t === C.NFT_NAT_DNAT ? 'dnat' : t === C.NFT_NAT_SNAT ? 'snat' : t,
        family: be32(a, C.NFTA_NAT_FAMILY) ?? 0,
        ...opt('regAddrMin', be32(a, C.NFTA_NAT_REG_ADDR_MIN)),
        ...opt('regAddrMax', be32(a, C.NFTA_NAT_REG_ADDR_MAX)),
        ...opt('regProtoMin', be32(a, C.NFTA_NAT_REG_PROTO_MIN)),
        ...opt('regProtoMax', be32(a, C.NFTA_NAT_REG_PROTO_MAX)),
        flags: be32(a, C.NFTA_NAT_FLAGS) ?? 0,
      };
    }
    case 'redir':
    case 'masq':
      // numbering differs: NFTA_MASQ_FLAGS 1, REG_PROTO_MIN 2, MAX 3;
      // NFTA_REDIR_REG_PROTO_MIN 1, MAX 2, FLAGS 3
      return name === 'redir'
        ? {
            type: 'redir',
            ...opt('regProtoMin', be32(a, C.NFTA_REDIR_REG_PROTO_MIN)),
            ...opt('regProtoMax', be32(a, C.NFTA_REDIR_REG_PROTO_MAX)),
            flags: be32(a, C.NFTA_REDIR_FLAGS) ?? 0,
          }
        : {
            type: 'masq',
            ...opt('regProtoMin', be32(a, 2)),
            ...opt('regProtoMax', be32(a, 3)),
            flags: be32(a, 1) ?? 0,
          };
    case 'range': {
      const from = decodeData(required(a.get(C.NFTA_RANGE_FROM_DATA), at, 'NFTA_RANGE_FROM_DATA'));
      const to = decodeData(required(a.get(C.NFTA_RANGE_TO_DATA), at, 'NFTA_RANGE_TO_DATA'));
      if (from.kind !== 'value' || to.kind !== 'value')
        throw malformed(NFT, at.offset, 'range data is a verdict');
      return {
        type: 'range',
        sreg: required(be32(a, C.NFTA_RANGE_SREG), at, 'NFTA_RANGE_SREG'),
        op: (be32(a, C.NFTA_RANGE_OP) ?? 0) === 0 ? 'eq' : 'neq',
        from: from.value,
        to: to.value,
      };
    }
    case 'bitwise': {
      const val = (t: number): Record<string, Buffer> => {
        const c = a.get(t);
        if (c === undefined) return {};
        const d = decodeData(c);
        if (d.kind !== 'value') throw malformed(NFT, c.offset, 'bitwise data is a verdict');
        return {
          [t === C.NFTA_BITWISE_MASK ? 'mask' : t === C.NFTA_BITWISE_XOR ? 'xor' : 'data']: d.value,
        };
      };
      return {
        type: 'bitwise',
        sreg: required(be32(a, C.NFTA_BITWISE_SREG), at, 'NFTA_BITWISE_SREG'),
        dreg: required(be32(a, C.NFTA_BITWISE_DREG), at, 'NFTA_BITWISE_DREG'),
        len: required(be32(a, C.NFTA_BITWISE_LEN), at, 'NFTA_BITWISE_LEN'),
        ...val(C.NFTA_BITWISE_MASK),
        ...val(C.NFTA_BITWISE_XOR),
        ...val(C.NFTA_BITWISE_DATA),
        ...opt('op', be32(a, C.NFTA_BITWISE_OP)),
      };
    }
    case 'ct': {
      const dir = a.get(C.NFTA_CT_DIRECTION)?.u8();
      return {
        type: 'ct',
        key: required(be32(a, C.NFTA_CT_KEY), at, 'NFTA_CT_KEY'),
        ...opt('dreg', be32(a, C.NFTA_CT_DREG)),
        ...opt('sreg', be32(a, C.NFTA_CT_SREG)),
        ...opt('direction', dir),
      };
    }
    case 'numgen':
      return {
        type: 'numgen',
        dreg: required(be32(a, C.NFTA_NG_DREG), at, 'NFTA_NG_DREG'),
        modulus: required(be32(a, C.NFTA_NG_MODULUS), at, 'NFTA_NG_MODULUS'),
        ngType: be32(a, C.NFTA_NG_TYPE) ?? 0,
        offset: be32(a, C.NFTA_NG_OFFSET) ?? 0,
      };
    case 'match':
    case 'target': {
      const xtName = required(str(a, C.NFTA_MATCH_NAME), at, 'NFTA_MATCH_NAME');
      const rev = be32(a, C.NFTA_MATCH_REV) ?? 0;
      const infoC = a.get(C.NFTA_MATCH_INFO);
      const info = infoC === undefined ? Buffer.alloc(0) : copy(infoC);
      if (name === 'match') {
        const decoded = decodeXtMatch(xtName, rev, info);
        return {
          type: 'match',
          name: xtName,
          rev,
          info,
          ...(decoded === undefined ? {} : { decoded }),
        };
      }
      const decoded = decodeXtTarget(xtName, rev, info, family);
      return {
        type: 'target',
        name: xtName,
        rev,
        info,
        ...(decoded === undefined ? {} : { decoded }),
      };
    }
    default: {
      const attrs: Array<{ type: number; data: Buffer }> = [];
      for (const [type, c] of a) attrs.push({ type, data: copy(c) });
      return { type: 'raw', name, attrs };
    }
  }
}

/**
 * Decodes an NFTA_RULE_EXPRESSIONS list. A malformed expression stops the walk: the
 * expressions before it are returned with the error (so one bad expression does not hide the
 * rule's identity or the rest of the dump).
 */
export function decodeExpressions(
  list: AttrCursor,
  family: number,
): { expressions: NftExpr[]; error?: unknown } {
  const out: NftExpr[] = [];
  try {
    const l = list.nested();
    while (l.next()) {
      if (l.type !== C.NFTA_LIST_ELEM) continue;
      const e = l.nested();
      let name: string | undefined;
      let data: AttrCursor | undefined;
      while (e.next()) {
        if (e.type === C.NFTA_EXPR_NAME) name = e.str();
        else if (e.type === C.NFTA_EXPR_DATA) {
          data = new AttrCursor(e.buf, e.offset, e.offset + 4 + e.dataLength, NFT);
          data.next();
        }
      }
      if (name === undefined) throw malformed(NFT, l.offset, 'expression without NFTA_EXPR_NAME');
      out.push(decodeExpression(name, data, family, l));
    }
    return { expressions: out };
  } catch (e: unknown) {
    if (!(e instanceof ProjectError)) throw e; // a decoder bug must surface, not hide in a rule
    return { expressions: out, error: e };
  }
}
