// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/link
 *
 * RTM_NEWLINK decoding and RTM_GETLINK requests (`struct ifinfomsg` + IFLA_* attributes,
 * `linux/rtnetlink.h`, `linux/if_link.h`). IFLA_LINKINFO is decoded into `kind`, `slaveKind`
 * and typed `LinkKindData` (the per-kind IFLA_INFO_DATA decoders are in `link-kinds.ts`).
 * Attributes a kernel
 * does not send (older kernels lack e.g. IFLA_PERM_ADDRESS, IFLA_TUN_*) are simply absent.
 */
import { AttrCursor } from '../core/attr.js';
import { MessageBuilder } from '../core/builder.js';
import { AF_UNSPEC, NLM_F_DUMP, NLM_F_REQUEST } from '../core/constants.js';
import { readS32, readU16, readU32 } from '../core/bytes.js';
import type { NetlinkMessage } from '../core/types.js';
import * as C from './constants.js';
import { checkMessage, RTNL, type Mutable } from './common.js';
import { decodeKindData } from './link-kinds.js';
import type { LinkMessage } from './types.js';

/** Size of `struct ifinfomsg`. */
export const IFINFOMSG_SIZE = 16;

/** Decodes IFLA_LINKINFO into kind, slave kind and kind data. */
function decodeLinkInfo(l: Mutable<LinkMessage>, c: AttrCursor): void {
  const info = c.nested();
  let dataCursor: AttrCursor | undefined;
  while (info.next()) {
    if (info.type === C.IFLA_INFO_KIND) l.kind = info.str();
    else if (info.type === C.IFLA_INFO_SLAVE_KIND) l.slaveKind = info.str();
    else if (info.type === C.IFLA_INFO_DATA) dataCursor = info.nested();
  }
  if (l.kind !== undefined) l.data = decodeKindData(l.kind, dataCursor);
}

type LinkAttrHandler = (l: Mutable<LinkMessage>, c: AttrCursor) => void;

/**
 * IFLA_* type → handler. A table instead of a switch: a link carries ~50 attributes, most of
 * them (stats, AF_SPEC, ...) uninteresting, and a table rejects those with one lookup.
 */
const LINK_ATTRS: Array<LinkAttrHandler | undefined> = [];
function on(type: number, h: LinkAttrHandler): void {
  LINK_ATTRS[type] = h;
}
on(C.IFLA_IFNAME, (l, c) => (l.name = c.str()));
on(C.IFLA_MTU, (l, c) => (l.mtu = c.u32()));
on(C.IFLA_OPERSTATE, (l, c) => (l.operState = c.u8()));
on(C.IFLA_ADDRESS, (l, c) => (l.mac = c.mac()));
on(C.IFLA_BROADCAST, (l, c) => (l.broadcast = c.mac()));
on(C.IFLA_PERM_ADDRESS, (l, c) => (l.permMac = c.mac()));
on(C.IFLA_IFALIAS, (l, c) => (l.alias = c.str()));
on(C.IFLA_MASTER, (l, c) => (l.masterIndex = c.u32()));
on(C.IFLA_LINK, (l, c) => (l.linkIndex = c.u32()));
on(C.IFLA_LINK_NETNSID, (l, c) => (l.linkNetnsId = c.s32()));
on(C.IFLA_TXQLEN, (l, c) => (l.txQueueLen = c.u32()));
on(C.IFLA_QDISC, (l, c) => (l.qdisc = c.str()));
on(C.IFLA_GROUP, (l, c) => (l.group = c.u32()));
on(C.IFLA_PROMISCUITY, (l, c) => (l.promiscuity = c.u32()));
on(C.IFLA_CARRIER, (l, c) => (l.carrier = c.u8() !== 0));
on(C.IFLA_LINKMODE, (l, c) => (l.linkMode = c.u8()));
on(C.IFLA_NUM_TX_QUEUES, (l, c) => (l.numTxQueues = c.u32()));
on(C.IFLA_NUM_RX_QUEUES, (l, c) => (l.numRxQueues = c.u32()));
on(C.IFLA_NUM_VF, (l, c) => (l.numVf = c.u32()));
on(C.IFLA_PARENT_DEV_NAME, (l, c) => (l.parentDevName = c.str()));
on(C.IFLA_PARENT_DEV_BUS_NAME, (l, c) => (l.parentDevBusName = c.str()));
on(C.IFLA_LINKINFO, decodeLinkInfo);

/** Decodes one RTM_NEWLINK message. Throws DecodeError on malformed input. */
export function decodeLink(msg: NetlinkMessage): LinkMessage {
  checkMessage(msg, C.RTM_NEWLINK, IFINFOMSG_SIZE, 'RTM_NEWLINK');
  const p = msg.payload;
  const l: Mutable<LinkMessage> = {
    family: p[0] ?? 0,
    index: readS32(p, 4),
    type: readU16(p, 2),
    flags: readU32(p, 8),
    change: readU32(p, 12),
    name: '',
    mtu: 0,
    operState: 0,
    mac: '',
    broadcast: '',
    alias: '',
    txQueueLen: 0,
    qdisc: '',
  };
  const table = LINK_ATTRS;
  const c = new AttrCursor(p, IFINFOMSG_SIZE, p.length, RTNL);
  while (c.next()) {
    const h = table[c.type];
    if (h !== undefined) h(l, c);
  }
  return l;
}

/** Options of {@link buildGetLinkDump}. */
export interface GetLinkDumpOptions {
  /** IFLA_EXT_MASK value, e.g. RTEXT_FILTER_VF to include IFLA_NUM_VF/IFLA_VFINFO_LIST. */
  readonly extMask?: number;
  readonly seq?: number;
}

/** RTM_GETLINK dump request (`struct ifinfomsg` all zero, AF_UNSPEC), optionally with IFLA_EXT_MASK. */
export function buildGetLinkDump(options: GetLinkDumpOptions = {}): Buffer {
  const b = new MessageBuilder({
    type: C.RTM_GETLINK,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq: options.seq ?? 0,
  });
  const hdr = Buffer.alloc(IFINFOMSG_SIZE);
  hdr[0] = AF_UNSPEC;
  b.raw(hdr);
  if (options.extMask !== undefined) b.u32(C.IFLA_EXT_MASK, options.extMask);
  return b.finish();
}
