// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/requests
 *
 * Ready-made {@link RequestSpec}s for the rtnetlink dumps and queries discovery runs: a built
 * request plus the decoder of its replies, for {@link NetlinkSocket} and {@link transactBatch}.
 */
import type { RequestSpec } from '../core/request.js';
import { buildGetAddrDump, decodeAddress } from './addr.js';
import { RTNL } from './common.js';
import { buildGetLinkDump, decodeLink } from './link.js';
import { buildGetNsid, buildGetNsidDump, decodeNsid, type NsidTarget } from './nsid.js';
import { buildGetRouteDump, decodeRoute } from './route.js';
import { buildGetRuleDump, decodeRule } from './rule.js';
import type {
  AddressMessage,
  LinkMessage,
  NsidMessage,
  RouteMessage,
  RuleMessage,
} from './types.js';

/** RTM_GETLINK dump → LinkMessage[]. `extMask` e.g. RTEXT_FILTER_VF. */
export function linkDumpRequest(options: { extMask?: number } = {}): RequestSpec<LinkMessage> {
  return { message: buildGetLinkDump(options), decode: decodeLink, family: RTNL, dump: true };
}

/** RTM_GETADDR dump (AF_UNSPEC unless `family`) → AddressMessage[]. */
export function addrDumpRequest(options: { family?: number } = {}): RequestSpec<AddressMessage> {
  return { message: buildGetAddrDump(options), decode: decodeAddress, family: RTNL, dump: true };
}

/** RTM_GETROUTE dump, all tables unless `table` → RouteMessage[]. */
export function routeDumpRequest(
  options: { family?: number; table?: number } = {},
): RequestSpec<RouteMessage> {
  return { message: buildGetRouteDump(options), decode: decodeRoute, family: RTNL, dump: true };
}

/** RTM_GETRULE dump → RuleMessage[]. */
export function ruleDumpRequest(options: { family?: number } = {}): RequestSpec<RuleMessage> {
  return { message: buildGetRuleDump(options), decode: decodeRule, family: RTNL, dump: true };
}

/** RTM_GETNSID for a netns fd or PID → exactly one NsidMessage. */
export function nsidRequest(target: NsidTarget): RequestSpec<NsidMessage> {
  return { message: buildGetNsid(target), decode: decodeNsid, family: RTNL, dump: false };
}

/** RTM_GETNSID dump → every NSID assigned by the socket's netns. */
export function nsidDumpRequest(): RequestSpec<NsidMessage> {
  return { message: buildGetNsidDump(), decode: decodeNsid, family: RTNL, dump: true };
}
