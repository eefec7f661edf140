// SPDX-License-Identifier: MIT
/**
 * @module netlink/rtnetlink/notify
 *
 * Decoding of RTNETLINK multicast notifications (what a socket that joined RTNLGRP_LINK,
 * RTNLGRP_IPV4/IPV6_IFADDR and RTNLGRP_IPV4/IPV6_ROUTE receives): each datagram holds whole
 * RTM_NEW/DEL{LINK,ADDR,ROUTE} messages in the same layouts as dump replies, so the dump
 * decoders are reused. A datagram or message that does not decode becomes a
 * {@link DecodeError} in `problems`; the other messages (and datagrams) are still returned.
 * Message types outside these six (and NLMSG_NOOP/DONE) are ignored.
 */
import { DecodeError } from '../../errors.js';
import { NLMSG_DONE, NLMSG_NOOP } from '../core/constants.js';
import { parseMessages } from '../core/message.js';
import type { NetlinkMessage } from '../core/types.js';
import { decodeAddress } from './addr.js';
import {
  RTM_DELADDR,
  RTM_DELLINK,
  RTM_DELROUTE,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWROUTE,
  RTNLGRP_IPV4_IFADDR,
  RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV6_IFADDR,
  RTNLGRP_IPV6_ROUTE,
  RTNLGRP_LINK,
} from './constants.js';
import { decodeLink } from './link.js';
import { decodeRoute } from './route.js';
import type { AddressMessage, LinkMessage, RouteMessage } from './types.js';

/** The groups the change monitor joins: links, IPv4/IPv6 addresses, IPv4/IPv6 routes. */
export const MONITOR_GROUPS: readonly number[] = Object.freeze([
  RTNLGRP_LINK,
  RTNLGRP_IPV4_IFADDR,
  RTNLGRP_IPV6_IFADDR,
  RTNLGRP_IPV4_ROUTE,
  RTNLGRP_IPV6_ROUTE,
]);

/** One decoded notification; `op` is `new` for RTM_NEW*, `del` for RTM_DEL*. */
export type RtnlNotification =
  | { readonly what: 'link'; readonly op: 'new' | 'del'; readonly link: LinkMessage }
  | { readonly what: 'addr'; readonly op: 'new' | 'del'; readonly addr: AddressMessage }
  | { readonly what: 'route'; readonly op: 'new' | 'del'; readonly route: RouteMessage };

/** Notifications of some datagrams, plus what could not be decoded. */
export interface DecodedNotifications {
  readonly notifications: RtnlNotification[];
  readonly problems: DecodeError[];
}

function asDecodeError(e: unknown): DecodeError {
  if (e instanceof DecodeError) return e;
  return new DecodeError(
    'GW_ERR_NETLINK_MALFORMED',
    `rtnetlink notification: ${e instanceof Error ? e.message : String(e)}`,
    { family: 'rtnetlink', offset: 0, cause: e },
  );
}

/**
 * Decodes one message; undefined for types the monitor does not handle. Throws on bad data.
 * RTM_DEL* carry the same struct and attributes as RTM_NEW*, so they go through the same
 * decoders (which check the type) as their RTM_NEW* twin.
 */
export function decodeNotification(m: NetlinkMessage): RtnlNotification | undefined {
  switch (m.type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return {
        what: 'link',
        op: m.type === RTM_NEWLINK ? 'new' : 'del',
        link: decodeLink({ ...m, type: RTM_NEWLINK }),
      };
    case RTM_NEWADDR:
    case RTM_DELADDR:
      return {
        what: 'addr',
        op: m.type === RTM_NEWADDR ? 'new' : 'del',
        addr: decodeAddress({ ...m, type: RTM_NEWADDR }),
      };
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      return {
        what: 'route',
        op: m.type === RTM_NEWROUTE ? 'new' : 'del',
        route: decodeRoute({ ...m, type: RTM_NEWROUTE }),
      };
    default:
      return undefined;
  }
}

/** Decodes datagrams (in arrival order); never throws. */
export function decodeNotifications(datagrams: readonly Buffer[]): DecodedNotifications {
  const notifications: RtnlNotification[] = [];
  const problems: DecodeError[] = [];
  for (const d of datagrams) {
    let msgs: NetlinkMessage[];
    try {
      msgs = parseMessages(d, 'rtnetlink');
    } catch (e: unknown) {
      problems.push(asDecodeError(e));
      continue;
    }
    for (const m of msgs) {
      if (m.type === NLMSG_NOOP || m.type === NLMSG_DONE) continue;
      try {
        const n = decodeNotification(m);
        if (n !== undefined) notifications.push(n);
      } catch (e: unknown) {
        problems.push(asDecodeError(e));
      }
    }
  }
  return { notifications, problems };
}
