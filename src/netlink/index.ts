// SPDX-License-Identifier: MIT
/**
 * @module netlink
 *
 * Public entry point of the netlink codec: framing and attributes (`core/`), rtnetlink decoders
 * and request builders (`rtnetlink/`), and the socket/batch layer over the native addon
 * (`socket.ts`). Outputs are plain decoded objects; this layer never imports `network/`,
 * `namespaces/` or `model/`. Constants keep their uapi names and are exported as namespaces
 * `NL` (core, `linux/netlink.h`) and `RT` (rtnetlink headers), e.g. `RT.IFLA_IFNAME`.
 */
export type * from './core/types.js';
export type * from './rtnetlink/types.js';

export * as NL from './core/constants.js';
export * as RT from './rtnetlink/constants.js';

export { AttrCursor, parseAttributes, type RawAttribute } from './core/attr.js';
export { MessageBuilder, setSequence, type HeaderFields } from './core/builder.js';
export { align4, HOST_LE } from './core/bytes.js';
export {
  decodeDoneMessage,
  decodeErrorMessage,
  errnoName,
  toNetlinkError,
} from './core/error-message.js';
export {
  formatHex,
  formatIPv4,
  formatIPv6,
  formatMac,
  parseIp,
  parseIPv4,
  parseIPv6,
  parseMac,
} from './core/ip.js';
export { parseMessages, readHeader } from './core/message.js';
export { splitReply, type SplitReply } from './core/reply.js';
export {
  decodeReply,
  type DecodedReply,
  type RequestResult,
  type RequestSpec,
  type SpecResult,
} from './core/request.js';

export { buildGetAddrDump, decodeAddress } from './rtnetlink/addr.js';
export { buildGetLinkDump, decodeLink, type GetLinkDumpOptions } from './rtnetlink/link.js';
export {
  BOND_MODE_NAMES,
  decodeKindData,
  IPVLAN_MODE_NAMES,
  MACVLAN_MODE_NAMES,
} from './rtnetlink/link-kinds.js';
export { buildGetNsid, buildGetNsidDump, decodeNsid, type NsidTarget } from './rtnetlink/nsid.js';
export {
  addrDumpRequest,
  linkDumpRequest,
  nsidDumpRequest,
  nsidRequest,
  routeDumpRequest,
  ruleDumpRequest,
} from './rtnetlink/requests.js';
export { buildGetRouteDump, decodeRoute, type GetRouteDumpOptions } from './rtnetlink/route.js';
export { buildGetRuleDump, decodeRule } from './rtnetlink/rule.js';
export {
  decodeNotification,
  decodeNotifications,
  MONITOR_GROUPS,
  type DecodedNotifications,
  type RtnlNotification,
} from './rtnetlink/notify.js';

export {
  NetlinkSocket,
  nextSequence,
  transactBatch,
  type BatchJob,
  type BatchJobResult,
  type BatchOptions,
  type Transport,
} from './socket.js';
