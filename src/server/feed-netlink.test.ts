// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { MessageBuilder } from '../netlink/core/builder.js';
import { writeS32, writeU16 } from '../netlink/core/bytes.js';
import { decodeNotifications, RT } from '../netlink/index.js';
import { IFINFOMSG_SIZE } from '../netlink/rtnetlink/link.js';
import { applyNotifications } from './feed-netlink.js';
import { emptyFeedState } from './feed-state.js';

const NETNS = 4026531999;

/** RTM_NEW/DELLINK (struct ifinfomsg + IFLA_IFNAME, IFLA_MTU, IFLA_OPERSTATE, IFLA_LINKINFO). */
function link(type: number, index: number, name: string, operState = 2): Buffer {
  const b = new MessageBuilder({ type, flags: 0 });
  const hdr = Buffer.alloc(IFINFOMSG_SIZE);
  writeU16(hdr, 1, 2); // ARPHRD_ETHER
  writeS32(hdr, index, 4);
  b.raw(hdr).string(RT.IFLA_IFNAME, name).u32(RT.IFLA_MTU, 1500).u8(RT.IFLA_OPERSTATE, operState);
  const li = b.beginNested(RT.IFLA_LINKINFO, 0);
  b.string(RT.IFLA_INFO_KIND, 'veth');
  b.endNested(li);
  return b.finish();
}

/** RTM_NEW/DELADDR (struct ifaddrmsg: family, prefixlen, flags, scope, index). */
function addr(type: number, index: number, ip: string, prefixLen: number): Buffer {
  const b = new MessageBuilder({ type, flags: 0 });
  const hdr = Buffer.alloc(8);
  hdr[0] = 2; // AF_INET
  hdr[1] = prefixLen;
  hdr.writeUInt32LE(index, 4);
  b.raw(hdr).ip(RT.IFA_LOCAL, ip).ip(RT.IFA_ADDRESS, ip);
  return b.finish();
}

/** RTM_NEWROUTE (struct rtmsg) for dst/len via oif in the main table. */
function route(type: number, dst: string, len: number, oif: number): Buffer {
  const b = new MessageBuilder({ type, flags: 0 });
  const hdr = Buffer.alloc(12);
  hdr[0] = 2; // AF_INET
  hdr[1] = len;
  hdr[4] = 254; // RT_TABLE_MAIN
  hdr[5] = 2; // RTPROT_KERNEL
  hdr[6] = 253; // RT_SCOPE_LINK
  hdr[7] = 1; // RTN_UNICAST
  b.raw(hdr).u32(RT.RTA_TABLE, 254).ip(RT.RTA_DST, dst).u32(RT.RTA_OIF, oif);
  return b.finish();
}

function state() {
  const s = emptyFeedState();
  s.netns.set(NETNS, { id: `netns-${NETNS}`, netns: NETNS });
  return s;
}

describe('netlink notifications → feed changes', () => {
  it('veth added, address, route, change, removal (routes through it go too)', () => {
    const s = state();
    const datagrams = [
      Buffer.concat([link(RT.RTM_NEWLINK, 5, 'gwt-a', 2)]),
      addr(RT.RTM_NEWADDR, 5, '10.1.2.3', 24),
      route(RT.RTM_NEWROUTE, '10.1.2.0', 24, 5),
      link(RT.RTM_NEWLINK, 5, 'gwt-a', 6), // operstate UP
      link(RT.RTM_NEWLINK, 5, 'gwt-a', 6), // no change: no event
    ];
    const { notifications, problems } = decodeNotifications(datagrams);
    expect(problems).toEqual([]);
    const changes = applyNotifications(s, NETNS, notifications);
    expect(changes.map((c) => c.type)).toEqual([
      'nif-added',
      'nif-changed',
      'route-added',
      'nif-changed',
    ]);
    expect(changes[0]).toMatchObject({
      nif: { id: `nif-${NETNS}-5`, name: 'gwt-a', kind: 'veth', mtu: 1500, operstate: 'DOWN' },
    });
    expect(changes[1]).toMatchObject({
      changed: ['addresses'],
      nif: { addresses: ['10.1.2.3/24'] },
    });
    expect(changes[2]).toMatchObject({
      route: {
        destination: '10.1.2.0',
        'destination-prefixlen': 24,
        'network-interface-idref': `nif-${NETNS}-5`,
        type: 'unicast',
        table: 254,
      },
    });
    expect(changes[3]).toMatchObject({ changed: ['operstate'], nif: { operstate: 'UP' } });
    const del = applyNotifications(
      s,
      NETNS,
      decodeNotifications([link(RT.RTM_DELLINK, 5, 'gwt-a')]).notifications,
    );
    expect(del.map((c) => c.type)).toEqual(['route-removed', 'nif-removed']);
    expect(s.nifs.size).toBe(0);
    expect(s.routes.size).toBe(0);
  });

  it('a malformed datagram is a problem; the other datagrams still count', () => {
    const bad = Buffer.alloc(20);
    bad.writeUInt32LE(200, 0); // nlmsg_len beyond the datagram
    const r = decodeNotifications([bad, link(RT.RTM_NEWLINK, 7, 'gwt-b')]);
    expect(r.problems.map((p) => p.code)).toEqual(['GW_ERR_NETLINK_TRUNCATED']);
    expect(r.notifications).toHaveLength(1);
  });

  it('notifications of a netns the state does not know are left to the reconcile', () => {
    const s = emptyFeedState();
    const n = decodeNotifications([link(RT.RTM_NEWLINK, 7, 'gwt-b')]).notifications;
    expect(applyNotifications(s, NETNS, n)).toEqual([]);
  });
});
