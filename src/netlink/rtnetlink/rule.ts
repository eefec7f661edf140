// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/rule
 *
 * RTM_NEWRULE decoding and RTM_GETRULE dump requests (`struct fib_rule_hdr` + FRA_* attributes,
 * `linux/fib_rules.h`). FRA_PRIORITY is omitted by the kernel for priority 0.
 */
import { AttrCursor } from '../core/attr.js';
import { MessageBuilder } from '../core/builder.js';
import { readU16, readU32 } from '../core/bytes.js';
import { AF_UNSPEC, NLM_F_DUMP, NLM_F_REQUEST } from '../core/constants.js';
import type { NetlinkMessage } from '../core/types.js';
import * as C from './constants.js';
import { checkMessage, RTNL, type Mutable } from './common.js';
import type { RuleMessage, RuleRange } from './types.js';

/** Size of `struct fib_rule_hdr`. */
export const FIB_RULE_HDR_SIZE = 12;

function range32(c: AttrCursor): RuleRange {
  c.need(8, 'fib_rule_uid_range');
  return { start: readU32(c.buf, c.dataStart), end: readU32(c.buf, c.dataStart + 4) };
}
function range16(c: AttrCursor): RuleRange {
  c.need(4, 'fib_rule_port_range');
  return { start: readU16(c.buf, c.dataStart), end: readU16(c.buf, c.dataStart + 2) };
}

/** Decodes one RTM_NEWRULE message. Throws DecodeError on malformed input. */
export function decodeRule(msg: NetlinkMessage): RuleMessage {
  checkMessage(msg, C.RTM_NEWRULE, FIB_RULE_HDR_SIZE, 'RTM_NEWRULE');
  const p = msg.payload;
  const flags = readU32(p, 8);
  const r: Mutable<RuleMessage> = {
    family: p[0] ?? 0,
    dstLen: p[1] ?? 0,
    srcLen: p[2] ?? 0,
    tos: p[3] ?? 0,
    table: p[4] ?? 0,
    action: p[7] ?? 0,
    flags,
    invert: (flags & C.FIB_RULE_INVERT) !== 0,
    priority: 0,
  };
  const c = new AttrCursor(p, FIB_RULE_HDR_SIZE, p.length, RTNL);
  while (c.next()) {
    switch (c.type) {
      case C.FRA_DST:
        r.dst = c.ip();
        break;
      case C.FRA_SRC:
        r.src = c.ip();
        break;
      case C.FRA_IIFNAME:
        r.iifName = c.str();
        break;
      case C.FRA_OIFNAME:
        r.oifName = c.str();
        break;
      case C.FRA_PRIORITY:
        r.priority = c.u32();
        break;
      case C.FRA_FWMARK:
        r.fwmark = c.u32();
        break;
      case C.FRA_FWMASK:
        r.fwmask = c.u32();
        break;
      case C.FRA_TABLE:
        r.table = c.u32();
        break;
      case C.FRA_GOTO:
        r.goto = c.u32();
        break;
      case C.FRA_SUPPRESS_PREFIXLEN:
        r.suppressPrefixLen = c.s32();
        break;
      case C.FRA_SUPPRESS_IFGROUP:
        r.suppressIfGroup = c.u32();
        break;
      case C.FRA_L3MDEV:
        r.l3mdev = c.u8();
        break;
      case C.FRA_PROTOCOL:
        r.protocol = c.u8();
        break;
      case C.FRA_IP_PROTO:
        r.ipProto = c.u8();
        break;
      case C.FRA_TUN_ID:
        r.tunId = c.be64().toString();
        break;
      case C.FRA_UID_RANGE:
        r.uidRange = range32(c);
        break;
      case C.FRA_SPORT_RANGE:
        r.sportRange = range16(c);
        break;
      case C.FRA_DPORT_RANGE:
        r.dportRange = range16(c);
        break;
      default:
        break;
    }
  }
  return r;
}

/** RTM_GETRULE dump request for one family (AF_INET, AF_INET6) or all (AF_UNSPEC, default). */
export function buildGetRuleDump(options: { family?: number; seq?: number } = {}): Buffer {
  const b = new MessageBuilder({
    type: C.RTM_GETRULE,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq: options.seq ?? 0,
  });
  const hdr = Buffer.alloc(FIB_RULE_HDR_SIZE);
  hdr[0] = options.family ?? AF_UNSPEC;
  b.raw(hdr);
  return b.finish();
}
