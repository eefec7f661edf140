// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/interpret
 *
 * A small symbolic interpreter of one nf_tables rule (also iptables-legacy rules, which the
 * blob parser expresses in the same model): it tracks what each 4-byte register slot holds (a
 * packet field such as `ip daddr`, `meta l4proto`, `th dport`, or a constant), turns `cmp`,
 * `range`, set `lookup`s and xtables `tcp`/`udp` matches on those fields into constraints on
 * the original destination, and reports the rule's effects: a DNAT/redirect (with its target
 * from immediates, a map lookup or an xtables DNAT target) or a jump/goto (also from verdict
 * maps). Set and map lookups expand into one effect per element. Pure.
 *
 * Everything the interpreter does not model (interface names, marks, `! ` negations, source
 * addresses, counters, comments, addrtype) is ignored: it can only widen a forward, never hide one.
 */
import {
  NFT,
  regSlot,
  type NftExpr,
  type NftRule,
  type NftSet,
  type NftSetElement,
} from '../../netlink/nftables/index.js';
import { formatIPv4, formatIPv6 } from '../../netlink/index.js';

/** Constraints on the original destination. */
export interface Constraint {
  readonly proto?: number;
  readonly family?: 4 | 6;
  readonly daddr?: string;
  readonly dport?: readonly [number, number];
}

/** What a rule does to a matching packet (as far as forwards are concerned). */
export type RuleAction =
  | {
      readonly kind: 'dnat';
      readonly family: 4 | 6 | undefined;
      readonly addr: string;
      readonly portMin?: number;
      readonly portMax?: number;
    }
  | { readonly kind: 'redirect'; readonly portMin?: number; readonly portMax?: number }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string };

/** One effect of a rule: under `match`, do `action`. */
export interface RuleEffect {
  readonly match: Constraint;
  readonly action: RuleAction;
}

/** A set with its elements, as dumped. */
export interface SetWithElements {
  readonly set: NftSet;
  readonly elements: readonly NftSetElement[];
}

/** Why a rule could not be interpreted (recorded as a problem by the caller). */
export class RuleInterpretError extends Error {
  readonly kind: 'missing-set' | 'too-many';
  constructor(message: string, kind: 'missing-set' | 'too-many') {
    super(message);
    this.kind = kind;
  }
}

type Field = 'l4proto' | 'nfproto' | 'daddr4' | 'daddr6' | 'dport' | 'other';
type RegVal =
  | { readonly k: 'field'; readonly field: Field; readonly len: number }
  | { readonly k: 'const'; readonly bytes: Buffer };

interface State {
  regs: Array<RegVal | undefined>;
  c: Constraint;
}

/** Upper bound of effects per rule (maps with huge element counts). */
export const MAX_EFFECTS_PER_RULE = 20000;

function payloadField(e: Extract<NftExpr, { type: 'payload' }>): Field {
  if (e.base === 'network') {
    if (e.offset === 16 && e.len === 4) return 'daddr4';
    if (e.offset === 24 && e.len === 16) return 'daddr6';
    if (e.offset === 9 && e.len === 1) return 'l4proto';
    if (e.offset === 6 && e.len === 1) return 'l4proto'; // IPv6 nexthdr (no extension headers)
  }
  if (e.base === 'transport' && e.offset === 2 && e.len === 2) return 'dport';
  return 'other';
}

function write(regs: Array<RegVal | undefined>, slot: number, v: RegVal): void {
  const len = v.k === 'field' ? v.len : v.bytes.length;
  const n = Math.max(1, Math.ceil(len / 4));
  // clear an entry covering `slot` from an earlier slot
  for (let s = 0; s < slot; s++) {
    const e = regs[s];
    if (e === undefined) continue;
    const el = e.k === 'field' ? e.len : e.bytes.length;
    if (s + Math.ceil(el / 4) > slot) regs[s] = undefined;
  }
  for (let i = 0; i < n && slot + i < 16; i++) regs[slot + i] = undefined;
  regs[slot] = v;
}

/** The value at `slot` (or the const covering it from an earlier slot, sliced). */
function read(regs: ReadonlyArray<RegVal | undefined>, slot: number): RegVal | undefined {
  const v = regs[slot];
  if (v !== undefined) return v;
  for (let s = slot - 1; s >= 0; s--) {
    const e = regs[s];
    if (e === undefined) continue;
    if (e.k === 'const' && s * 4 + e.bytes.length > slot * 4)
      return { k: 'const', bytes: e.bytes.subarray((slot - s) * 4) };
    return undefined;
  }
  return undefined;
}

function ipText(b: Buffer): string | undefined {
  if (b.length === 4) return formatIPv4(b, 0);
  if (b.length === 16) return formatIPv6(b, 0);
  return undefined;
}

/** Intersects two constraints; undefined when they contradict. Pure. */
export function mergeConstraint(a: Constraint, b: Constraint): Constraint | undefined {
  if (a.proto !== undefined && b.proto !== undefined && a.proto !== b.proto) return undefined;
  if (a.family !== undefined && b.family !== undefined && a.family !== b.family) return undefined;
  if (a.daddr !== undefined && b.daddr !== undefined && a.daddr !== b.daddr) return undefined;
  let dport = a.dport ?? b.dport;
  if (a.dport !== undefined && b.dport !== undefined) {
    const lo = Math.max(a.dport[0], b.dport[0]);
    const hi = Math.min(a.dport[1], b.dport[1]);
    if (lo > hi) return undefined;
    dport = [lo, hi];
  }
  const proto = a.proto ?? b.proto;
  const family = a.family ?? b.family;
  const daddr = a.daddr ?? b.daddr;
  return {
    ...(proto === undefined ? {} : { proto }),
    ...(family === undefined ? {} : { family }),
    ...(daddr === undefined ? {} : { daddr }),
    ...(dport === undefined ? {} : { dport }),
  };
}

/** Constraint from comparing `field` with `bytes` (eq). */
function fieldEquals(field: Field, bytes: Buffer): Constraint | 'false' | undefined {
  switch (field) {
    case 'l4proto':
      return { proto: bytes[0] ?? 0 };
    case 'nfproto':
      return bytes[0] === 2 ? { family: 4 } : bytes[0] === 10 ? { family: 6 } : 'false';
    case 'daddr4':
    case 'daddr6': {
      const ip = ipText(bytes.subarray(0, field === 'daddr4' ? 4 : 16));
      return ip === undefined ? undefined : { daddr: ip, family: field === 'daddr4' ? 4 : 6 };
    }
    case 'dport': {
      if (bytes.length < 2) return undefined;
      const p = bytes.readUInt16BE(0);
      return { dport: [p, p] };
    }
    default:
      return undefined;
  }
}

function fieldRange(field: Field, from: Buffer, to: Buffer): Constraint | undefined {
  if (field === 'dport' && from.length >= 2 && to.length >= 2)
    return { dport: [from.readUInt16BE(0), to.readUInt16BE(0)] };
  if ((field === 'daddr4' || field === 'daddr6') && from.equals(to))
    return fieldEquals(field, from) as Constraint | undefined;
  return undefined;
}

function constrain(s: State, c: Constraint | 'false' | undefined): State | undefined {
  if (c === 'false') return undefined;
  if (c === undefined) return s;
  const m = mergeConstraint(s.c, c);
  return m === undefined ? undefined : { regs: s.regs, c: m };
}

/** Key layout of a lookup: the fields at consecutive slots from `sreg`, with byte offsets. */
function keyFields(
  regs: ReadonlyArray<RegVal | undefined>,
  sreg: number,
  set: NftSet,
): Array<{ field: Field; offset: number; len: number }> {
  const start = regSlot(sreg);
  if (start === undefined) return [];
  let lens: readonly number[] | undefined = set.fieldLengths;
  if (lens === undefined) {
    // no NFTA_SET_DESC_CONCAT (only sent for some sets): the loaded registers tell the layout
    const derived: number[] = [];
    let covered = 0;
    for (let slot = start; covered < set.keyLen && slot < 16;) {
      const v = regs[slot];
      const len = v === undefined ? set.keyLen - covered : v.k === 'field' ? v.len : v.bytes.length;
      derived.push(Math.min(len, set.keyLen - covered));
      const padded = Math.ceil(len / 4) * 4;
      covered += padded;
      slot += padded / 4;
    }
    lens = derived.length === 0 ? [set.keyLen] : derived;
  }
  const out: Array<{ field: Field; offset: number; len: number }> = [];
  let slot = start;
  let offset = 0;
  for (const len of lens) {
    const v = regs[slot];
    out.push({ field: v?.k === 'field' ? v.field : 'other', offset, len });
    const padded = Math.ceil(len / 4) * 4;
    offset += padded;
    slot += padded / 4;
  }
  return out;
}

interface Interval {
  readonly key: Buffer;
  readonly keyEnd: Buffer | undefined;
  readonly data: NftSetElement['data'];
}

/** Elements as (start, inclusive end) intervals; interval sets pair starts with end markers. */
export function setIntervals(sw: SetWithElements): Interval[] {
  const interval = (sw.set.flags & NFT.NFT_SET_INTERVAL) !== 0;
  const els = sw.elements.filter((e) => e.key !== undefined);
  if (!interval || els.some((e) => e.keyEnd !== undefined))
    return els
      .filter((e) => (e.flags & NFT.NFT_SET_ELEM_INTERVAL_END) === 0)
      .map((e) => ({ key: e.key as Buffer, keyEnd: e.keyEnd, data: e.data }));
  const sorted = [...els].sort((a, b) => Buffer.compare(a.key as Buffer, b.key as Buffer));
  const out: Interval[] = [];
  sorted.forEach((e, i) => {
    if ((e.flags & NFT.NFT_SET_ELEM_INTERVAL_END) !== 0) return;
    const next = sorted.slice(i + 1).find((n) => (n.flags & NFT.NFT_SET_ELEM_INTERVAL_END) !== 0);
    let keyEnd: Buffer | undefined;
    if (next !== undefined) {
      // end markers are exclusive: end - 1
      keyEnd = Buffer.from(next.key as Buffer);
      for (let k = keyEnd.length - 1; k >= 0; k--) {
        const byte = keyEnd[k] ?? 0;
        if (byte > 0) {
          keyEnd[k] = byte - 1;
          break;
        }
        keyEnd[k] = 0xff;
      }
    } else keyEnd = Buffer.alloc((e.key as Buffer).length, 0xff);
    out.push({ key: e.key as Buffer, keyEnd, data: e.data });
  });
  return out;
}

function portsFrom(
  regs: ReadonlyArray<RegVal | undefined>,
  min: number | undefined,
  max: number | undefined,
): { portMin?: number; portMax?: number } {
  if (min === undefined) return {};
  const smin = regSlot(min);
  const vmin = smin === undefined ? undefined : read(regs, smin);
  if (vmin?.k !== 'const' || vmin.bytes.length < 2) return {};
  const portMin = vmin.bytes.readUInt16BE(0);
  const smax = max === undefined ? undefined : regSlot(max);
  const vmax = smax === undefined ? undefined : read(regs, smax);
  const portMax =
    vmax?.k === 'const' && vmax.bytes.length >= 2 ? vmax.bytes.readUInt16BE(0) : portMin;
  return { portMin, portMax };
}

/**
 * The effects of one rule. `sets` finds a set of the rule's table by name. `tableFamily` is 4,
 * 6 or undefined (inet). Throws {@link RuleInterpretError} for a lookup of a missing set or
 * too many expanded effects.
 */
export function interpretRule(
  rule: NftRule,
  tableFamily: 4 | 6 | undefined,
  sets: (name: string) => SetWithElements | undefined,
): RuleEffect[] {
  let states: State[] = [
    {
      regs: new Array<RegVal | undefined>(16).fill(undefined),
      c: tableFamily === undefined ? {} : { family: tableFamily },
    },
  ];
  const effects: RuleEffect[] = [];
  const emit = (c: Constraint, action: RuleAction): void => {
    effects.push({ match: c, action });
    if (effects.length > MAX_EFFECTS_PER_RULE)
      throw new RuleInterpretError(
        `rule expands to more than ${MAX_EFFECTS_PER_RULE} forwards`,
        'too-many',
      );
  };
  if (rule.compat !== undefined && rule.compat.proto !== 0 && (rule.compat.flags & 2) === 0)
    states = states.flatMap((s) => constrain(s, { proto: rule.compat?.proto ?? 0 }) ?? []);

  for (const e of rule.expressions) {
    if (states.length === 0) break;
    const next: State[] = [];
    for (const s0 of states) {
      const s: State = { regs: [...s0.regs], c: s0.c };
      const setReg = (reg: number | undefined, v: RegVal): void => {
        const slot = reg === undefined ? undefined : regSlot(reg);
        if (slot !== undefined) write(s.regs, slot, v);
      };
      switch (e.type) {
        case 'meta':
          if (e.dreg !== undefined)
            setReg(e.dreg, {
              k: 'field',
              field:
                e.keyName === 'l4proto' ? 'l4proto' : e.keyName === 'nfproto' ? 'nfproto' : 'other',
              len: e.keyName === 'l4proto' || e.keyName === 'nfproto' ? 1 : 4,
            });
          next.push(s);
          break;
        case 'payload':
          if (e.dreg !== undefined)
            setReg(e.dreg, { k: 'field', field: payloadField(e), len: e.len });
          next.push(s);
          break;
        case 'ct':
        case 'numgen':
          if (e.dreg !== undefined) setReg(e.dreg, { k: 'field', field: 'other', len: 4 });
          next.push(s);
          break;
        case 'bitwise':
          setReg(e.dreg, { k: 'field', field: 'other', len: e.len });
          next.push(s);
          break;
        case 'immediate':
          if (e.dreg === NFT.NFT_REG_VERDICT) {
            if (e.data.kind === 'verdict') {
              const v = e.data.verdict;
              if ((v.code === 'jump' || v.code === 'goto') && v.chain !== undefined)
                emit(s.c, { kind: v.code, chain: v.chain });
            }
            // any verdict ends the rule
          } else {
            if (e.data.kind === 'value') setReg(e.dreg, { k: 'const', bytes: e.data.value });
            next.push(s);
          }
          break;
        case 'cmp': {
          const slot = regSlot(e.sreg);
          const v = slot === undefined ? undefined : read(s.regs, slot);
          if (v === undefined || e.op === 'neq') {
            next.push(s);
            break;
          }
          if (v.k === 'const') {
            if (e.op !== 'eq' || v.bytes.subarray(0, e.data.length).equals(e.data)) next.push(s);
            break;
          }
          if (e.op === 'eq') {
            const r = constrain(s, fieldEquals(v.field, e.data));
            if (r !== undefined) next.push(r);
          } else if (v.field === 'dport' && e.data.length >= 2) {
            const p = e.data.readUInt16BE(0);
            const range: [number, number] =
              e.op === 'lt'
                ? [0, p - 1]
                : e.op === 'lte'
                  ? [0, p]
                  : e.op === 'gt'
                    ? [p + 1, 65535]
                    : [p, 65535];
            const r = range[0] <= range[1] ? constrain(s, { dport: range }) : undefined;
            if (r !== undefined) next.push(r);
          } else next.push(s);
          break;
        }
        case 'range': {
          const slot = regSlot(e.sreg);
          const v = slot === undefined ? undefined : read(s.regs, slot);
          if (v?.k === 'field' && e.op === 'eq') {
            const r = constrain(s, fieldRange(v.field, e.from, e.to));
            if (r !== undefined) next.push(r);
          } else next.push(s);
          break;
        }
        case 'lookup': {
          const sw = sets(e.set);
          if (sw === undefined)
            throw new RuleInterpretError(`rule references missing set "${e.set}"`, 'missing-set');
          if (e.invert) {
            next.push(s);
            break;
          }
          const fields = keyFields(s.regs, e.sreg, sw.set);
          for (const iv of setIntervals(sw)) {
            let st: State | undefined = { regs: [...s.regs], c: s.c };
            for (const f of fields) {
              const from = iv.key.subarray(f.offset, f.offset + f.len);
              const to = (iv.keyEnd ?? iv.key).subarray(f.offset, f.offset + f.len);
              st = constrain(
                st,
                from.equals(to) ? fieldEquals(f.field, from) : fieldRange(f.field, from, to),
              );
              if (st === undefined) break;
            }
            if (st === undefined) continue;
            if (e.dreg === undefined) next.push(st);
            else if (e.dreg === NFT.NFT_REG_VERDICT) {
              const d = iv.data;
              if (
                d?.kind === 'verdict' &&
                (d.verdict.code === 'jump' || d.verdict.code === 'goto') &&
                d.verdict.chain !== undefined
              )
                emit(st.c, { kind: d.verdict.code, chain: d.verdict.chain });
            } else if (iv.data?.kind === 'value') {
              const slot = regSlot(e.dreg);
              if (slot !== undefined) write(st.regs, slot, { k: 'const', bytes: iv.data.value });
              next.push(st);
            }
            if (next.length + effects.length > MAX_EFFECTS_PER_RULE)
              throw new RuleInterpretError(
                `rule expands to more than ${MAX_EFFECTS_PER_RULE} forwards`,
                'too-many',
              );
          }
          break;
        }
        case 'match': {
          const d = e.decoded;
          if (d !== undefined && (d.kind === 'tcp' || d.kind === 'udp')) {
            let c: Constraint = { proto: d.kind === 'tcp' ? 6 : 17 };
            if (!d.dportInverted && !(d.dport[0] === 0 && d.dport[1] === 65535))
              c = { ...c, dport: [d.dport[0], d.dport[1]] };
            const r = constrain(s, c);
            if (r !== undefined) next.push(r);
          } else if (d?.kind === 'multiport' && d.flags === 1 && !d.invert) {
            for (const [lo, hi] of d.ranges) {
              const r = constrain(s, { dport: [lo, hi] });
              if (r !== undefined) next.push(r);
            }
          } else next.push(s);
          break;
        }
        case 'target': {
          const d = e.decoded;
          if (d?.kind === 'DNAT' && d.range.minAddress !== undefined) {
            const proto = (d.range.flags & NFT.NF_NAT_RANGE_PROTO_SPECIFIED) !== 0;
            emit(s.c, {
              kind: 'dnat',
              family: d.range.minAddress.includes(':') ? 6 : 4,
              addr: d.range.minAddress,
              ...(proto ? { portMin: d.range.minPort, portMax: d.range.maxPort } : {}),
            });
          } else if (d?.kind === 'REDIRECT') {
            const proto = (d.range.flags & NFT.NF_NAT_RANGE_PROTO_SPECIFIED) !== 0;
            emit(s.c, {
              kind: 'redirect',
              ...(proto ? { portMin: d.range.minPort, portMax: d.range.maxPort } : {}),
            });
          } else if (e.name === 'MARK' || e.name === 'LOG' || e.name === 'CONNMARK') next.push(s);
          // any other target is terminal for this rule
          break;
        }
        case 'nat': {
          if (e.natType === 'dnat') {
            const slot = e.regAddrMin === undefined ? undefined : regSlot(e.regAddrMin);
            const v = slot === undefined ? undefined : read(s.regs, slot);
            const fam = e.family === 10 ? 6 : e.family === 2 ? 4 : undefined;
            const addr =
              v?.k === 'const' ? ipText(v.bytes.subarray(0, fam === 6 ? 16 : 4)) : undefined;
            if (addr !== undefined)
              emit(s.c, {
                kind: 'dnat',
                family: fam,
                addr,
                ...portsFrom(s.regs, e.regProtoMin, e.regProtoMax),
              });
          }
          break;
        }
        case 'redir':
          emit(s.c, { kind: 'redirect', ...portsFrom(s.regs, e.regProtoMin, e.regProtoMax) });
          break;
        case 'masq':
          break;
        case 'raw':
          next.push(s);
          break;
      }
    }
    states = next;
  }
  return effects;
}
