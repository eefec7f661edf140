// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/addr
 *
 * RTM_NEWADDR decoding and RTM_GETADDR dump requests (`struct ifaddrmsg` + IFA_* attributes,
 * `linux/if_addr.h`). IFA_FLAGS (32 bit, Linux 3.14+) supersedes the 8-bit ifa_flags when sent.
 */
import { AttrCursor } from '../core/attr.js';
import { MessageBuilder } from '../core/builder.js';
import { readU32 } from '../core/bytes.js';
import { AF_UNSPEC, NLM_F_DUMP, NLM_F_REQUEST } from '../core/constants.js';
import type { NetlinkMessage } from '../core/types.js';
import * as C from './constants.js';
import { checkMessage, RTNL, type Mutable } from './common.js';
import type { AddressMessage } from './types.js';

/** Size of `struct ifaddrmsg`. */
export const IFADDRMSG_SIZE = 8;

/** Decodes one RTM_NEWADDR message. Throws DecodeError on malformed input. */
export function decodeAddress(msg: NetlinkMessage): AddressMessage {
  checkMessage(msg, C.RTM_NEWADDR, IFADDRMSG_SIZE, 'RTM_NEWADDR');
  const p = msg.payload;
  const a: Mutable<AddressMessage> = {
    family: p[0] ?? 0,
    prefixLen: p[1] ?? 0,
    flags: p[2] ?? 0,
    scope: p[3] ?? 0,
    index: readU32(p, 4),
  };
  const c = new AttrCursor(p, IFADDRMSG_SIZE, p.length, RTNL);
  while (c.next()) {
    switch (c.type) {
      case C.IFA_ADDRESS:
        a.address = c.ip();
        break;
      case C.IFA_LOCAL:
        a.local = c.ip();
        break;
      case C.IFA_LABEL:
        a.label = c.str();
        break;
      case C.IFA_BROADCAST:
        a.broadcast = c.ip();
        break;
      case C.IFA_ANYCAST:
        a.anycast = c.ip();
        break;
      case C.IFA_MULTICAST:
        a.multicast = c.ip();
        break;
      case C.IFA_FLAGS:
        a.flags = c.u32();
        break;
      case C.IFA_RT_PRIORITY:
        a.rtPriority = c.u32();
        break;
      case C.IFA_PROTO:
        a.protocol = c.u8();
        break;
      case C.IFA_CACHEINFO: {
        // struct ifa_cacheinfo { __u32 ifa_prefered, ifa_valid, cstamp, tstamp; }
        c.need(16, 'ifa_cacheinfo');
        a.cacheInfo = {
          preferredLifetime: readU32(c.buf, c.dataStart),
          validLifetime: readU32(c.buf, c.dataStart + 4),
          created: readU32(c.buf, c.dataStart + 8),
          updated: readU32(c.buf, c.dataStart + 12),
        };
        break;
      }
      default:
        break;
    }
  }
  return a;
}

/** RTM_GETADDR dump request for all families (AF_UNSPEC) or one. */
export function buildGetAddrDump(options: { family?: number; seq?: number } = {}): Buffer {
  const b = new MessageBuilder({
    type: C.RTM_GETADDR,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq: options.seq ?? 0,
  });
  const hdr = Buffer.alloc(IFADDRMSG_SIZE);
  hdr[0] = options.family ?? AF_UNSPEC;
  b.raw(hdr);
  return b.finish();
}
