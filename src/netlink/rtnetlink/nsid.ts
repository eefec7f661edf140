// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/nsid
 *
 * Network namespace ids (`linux/net_namespace.h`): RTM_GETNSID requests (by NETNSA_FD or
 * NETNSA_PID, or a dump of all ids this netns assigned) and RTM_NEWNSID decoding. The payload
 * starts with a 1-byte `struct rtgenmsg` padded to 4 bytes.
 */
import { AttrCursor } from '../core/attr.js';
import { MessageBuilder } from '../core/builder.js';
import { AF_UNSPEC, NLM_F_DUMP, NLM_F_REQUEST } from '../core/constants.js';
import type { NetlinkMessage } from '../core/types.js';
import * as C from './constants.js';
import { checkMessage, RTNL, type Mutable } from './common.js';
import type { NsidMessage } from './types.js';

/** Offset of the first attribute: NLMSG_ALIGN(sizeof(struct rtgenmsg)). */
export const RTGENMSG_SPACE = 4;

/** Target of an RTM_GETNSID request. */
export type NsidTarget = { readonly fd: number } | { readonly pid: number };

/**
 * RTM_GETNSID for the netns referenced by an open nsfs fd (NETNSA_FD) or a PID (NETNSA_PID).
 * The reply (RTM_NEWNSID) carries the id the *socket's* netns assigned to the target, or -1.
 */
export function buildGetNsid(target: NsidTarget, options: { seq?: number } = {}): Buffer {
  const b = new MessageBuilder({
    type: C.RTM_GETNSID,
    flags: NLM_F_REQUEST,
    seq: options.seq ?? 0,
  });
  b.raw(Uint8Array.of(AF_UNSPEC));
  if ('fd' in target) b.u32(C.NETNSA_FD, target.fd);
  else b.u32(C.NETNSA_PID, target.pid);
  return b.finish();
}

/** RTM_GETNSID dump: every NSID the socket's netns has assigned (one RTM_NEWNSID each). */
export function buildGetNsidDump(options: { seq?: number } = {}): Buffer {
  const b = new MessageBuilder({
    type: C.RTM_GETNSID,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq: options.seq ?? 0,
  });
  b.raw(Uint8Array.of(AF_UNSPEC));
  return b.finish();
}

/** Decodes one RTM_NEWNSID. A missing NETNSA_NSID reads as -1 (not assigned). */
export function decodeNsid(msg: NetlinkMessage): NsidMessage {
  checkMessage(msg, C.RTM_NEWNSID, 1, 'RTM_NEWNSID');
  const p = msg.payload;
  const n: Mutable<NsidMessage> = { family: p[0] ?? 0, nsid: C.NETNSA_NSID_NOT_ASSIGNED };
  const c = new AttrCursor(p, Math.min(RTGENMSG_SPACE, p.length), p.length, RTNL);
  while (c.next()) {
    if (c.type === C.NETNSA_NSID) n.nsid = c.s32();
    else if (c.type === C.NETNSA_CURRENT_NSID) n.currentNsid = c.s32();
  }
  return n;
}
