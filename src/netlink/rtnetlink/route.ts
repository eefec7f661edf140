// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/route
 *
 * RTM_NEWROUTE decoding and RTM_GETROUTE dump requests (`struct rtmsg` + RTA_* attributes,
 * `linux/rtnetlink.h`). RTA_TABLE (32 bit) wins over the 8-bit rtm_table, which reads
 * RT_TABLE_COMPAT for table ids above 255. RTA_MULTIPATH is a list of `struct rtnexthop`, each
 * followed by its own attributes (RTA_GATEWAY, RTA_VIA).
 */
import { AttrCursor } from '../core/attr.js';
import { MessageBuilder } from '../core/builder.js';
import { readS32, readU16, readU32 } from '../core/bytes.js';
import { AF_INET, AF_INET6, AF_UNSPEC, NLM_F_DUMP, NLM_F_REQUEST } from '../core/constants.js';
import { malformed, truncated } from '../core/decode-error.js';
import { formatHex, formatIPv4, formatIPv6 } from '../core/ip.js';
import type { NetlinkMessage } from '../core/types.js';
import * as C from './constants.js';
import { checkMessage, RTNL, type Mutable } from './common.js';
import type { NextHopMessage, RouteMessage, RouteMetrics, ViaAddress } from './types.js';

/** Size of `struct rtmsg`. */
export const RTMSG_SIZE = 12;
/** Size of `struct rtnexthop`. */
export const RTNEXTHOP_SIZE = 8;

/** RTA_VIA: `struct rtvia { __kernel_sa_family_t rtvia_family; __u8 rtvia_addr[]; }`. */
function decodeVia(c: AttrCursor): ViaAddress {
  c.need(2, 'rtvia');
  const family = readU16(c.buf, c.dataStart);
  const at = c.dataStart + 2;
  const n = c.dataLength - 2;
  if (family === AF_INET && n === 4) return { family, address: formatIPv4(c.buf, at) };
  if (family === AF_INET6 && n === 16) return { family, address: formatIPv6(c.buf, at) };
  return { family, address: formatHex(c.buf, at, n) };
}

function decodeMultipath(c: AttrCursor): NextHopMessage[] {
  const out: NextHopMessage[] = [];
  const buf = c.buf;
  let pos = c.dataStart;
  const end = c.dataStart + c.dataLength;
  while (pos < end) {
    if (end - pos < RTNEXTHOP_SIZE) throw truncated(RTNL, pos, 'rtnexthop', C.RTA_MULTIPATH);
    const len = readU16(buf, pos);
    if (len < RTNEXTHOP_SIZE)
      throw malformed(RTNL, pos, `rtnexthop length ${len}`, C.RTA_MULTIPATH);
    if (len > end - pos) throw truncated(RTNL, pos, `rtnexthop (length ${len})`, C.RTA_MULTIPATH);
    const hops = buf[pos + 3] ?? 0;
    const nh: Mutable<NextHopMessage> = {
      flags: buf[pos + 2] ?? 0,
      hops,
      weight: hops + 1,
      ifIndex: readS32(buf, pos + 4),
    };
    const a = new AttrCursor(buf, pos + RTNEXTHOP_SIZE, pos + len, RTNL);
    while (a.next()) {
      if (a.type === C.RTA_GATEWAY) nh.gateway = a.ip();
      else if (a.type === C.RTA_VIA) nh.via = decodeVia(a);
    }
    out.push(nh);
    pos += (len + 3) & ~3; // RTNH_ALIGN
  }
  return out;
}

function decodeMetrics(c: AttrCursor): RouteMetrics {
  const raw: Record<number, number | string> = {};
  const m: Mutable<RouteMetrics> = { raw };
  const n = c.nested();
  while (n.next()) {
    if (n.type === C.RTAX_CC_ALGO) {
      raw[n.type] = n.str();
      continue;
    }
    const v = n.u32();
    raw[n.type] = v;
    if (n.type === C.RTAX_MTU) m.mtu = v;
    else if (n.type === C.RTAX_ADVMSS) m.advmss = v;
    else if (n.type === C.RTAX_HOPLIMIT) m.hopLimit = v;
  }
  return m;
}

/** Decodes one RTM_NEWROUTE message. Throws DecodeError on malformed input. */
export function decodeRoute(msg: NetlinkMessage): RouteMessage {
  checkMessage(msg, C.RTM_NEWROUTE, RTMSG_SIZE, 'RTM_NEWROUTE');
  const p = msg.payload;
  const r: Mutable<RouteMessage> = {
    family: p[0] ?? 0,
    dstLen: p[1] ?? 0,
    srcLen: p[2] ?? 0,
    tos: p[3] ?? 0,
    table: p[4] ?? 0,
    protocol: p[5] ?? 0,
    scope: p[6] ?? 0,
    type: p[7] ?? 0,
    flags: readU32(p, 8),
  };
  const c = new AttrCursor(p, RTMSG_SIZE, p.length, RTNL);
  while (c.next()) {
    switch (c.type) {
      case C.RTA_DST:
        r.dst = c.ip();
        break;
      case C.RTA_SRC:
        r.src = c.ip();
        break;
      case C.RTA_GATEWAY:
        r.gateway = c.ip();
        break;
      case C.RTA_VIA:
        r.via = decodeVia(c);
        break;
      case C.RTA_OIF:
        r.oif = c.u32();
        break;
      case C.RTA_IIF:
        r.iif = c.u32();
        break;
      case C.RTA_PRIORITY:
        r.priority = c.u32();
        break;
      case C.RTA_PREFSRC:
        r.prefSrc = c.ip();
        break;
      case C.RTA_TABLE:
        r.table = c.u32();
        break;
      case C.RTA_PREF:
        r.pref = c.u8();
        break;
      case C.RTA_MULTIPATH:
        r.multipath = decodeMultipath(c);
        break;
      case C.RTA_METRICS:
        r.metrics = decodeMetrics(c);
        break;
      case C.RTA_EXPIRES:
        r.expires = c.dataLength >= 8 ? Number(c.u64()) : c.u32();
        break;
      case C.RTA_MARK:
        r.mark = c.u32();
        break;
      case C.RTA_NH_ID:
        r.nhId = c.u32();
        break;
      default:
        break;
    }
  }
  return r;
}

/** Options of {@link buildGetRouteDump}. */
export interface GetRouteDumpOptions {
  /** AF_INET, AF_INET6 or AF_UNSPEC (default AF_UNSPEC: both, plus other families). */
  readonly family?: number;
  /**
   * Restrict to one table with RTA_TABLE (strict checking). Omitted or 0 dumps all tables:
   * the kernel only filters when RTA_TABLE is non-zero (`ip_valid_fib_dump_req`,
   * `fib_dump_info`).
   */
  readonly table?: number;
  readonly seq?: number;
}

/**
 * RTM_GETROUTE dump request. The rtmsg header is all zero except the family: with
 * NETLINK_GET_STRICT_CHK the kernel rejects non-zero dst/src len, tos, scope, type, protocol
 * or flags it cannot filter on, and table 0 in the header means "all tables".
 */
export function buildGetRouteDump(options: GetRouteDumpOptions = {}): Buffer {
  const b = new MessageBuilder({
    type: C.RTM_GETROUTE,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq: options.seq ?? 0,
  });
  const hdr = Buffer.alloc(RTMSG_SIZE);
  hdr[0] = options.family ?? AF_UNSPEC;
  b.raw(hdr);
  if (options.table !== undefined && options.table !== 0) b.u32(C.RTA_TABLE, options.table);
  return b.finish();
}
