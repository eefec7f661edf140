// SPDX-License-Identifier: MIT
/**
 * Decoders for link kinds the recording kernel lacks (vlan, ipvlan, bond, vrf, geneve,
 * wireguard, unknown), built from the uapi layouts with MessageBuilder; request builders and
 * their build → parse → build round trips; decoder input checks.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../errors.js';
import { parseAttributes } from '../core/attr.js';
import { MessageBuilder } from '../core/builder.js';
import { readU32, writeS32, writeU16 } from '../core/bytes.js';
import { NLA_F_NESTED, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST } from '../core/constants.js';
import { parseMessages } from '../core/message.js';
import type { NetlinkMessage } from '../core/types.js';
import { buildGetAddrDump, decodeAddress } from './addr.js';
import * as C from './constants.js';
import { buildGetLinkDump, decodeLink, IFINFOMSG_SIZE } from './link.js';
import { buildGetNsid, buildGetNsidDump, decodeNsid } from './nsid.js';
import { buildGetRouteDump, decodeRoute } from './route.js';
import { buildGetRuleDump, decodeRule } from './rule.js';

function one(buf: Buffer): NetlinkMessage {
  const [m] = parseMessages(buf, 'rtnetlink');
  if (m === undefined) throw new Error('no message');
  return m;
}

/** RTM_NEWLINK with ifinfomsg, a name, and IFLA_LINKINFO built by `info`. */
function linkWith(kind: string, data?: (b: MessageBuilder) => void, slaveKind?: string): Buffer {
  const b = new MessageBuilder({ type: C.RTM_NEWLINK, flags: NLM_F_MULTI, seq: 1 });
  const hdr = Buffer.alloc(IFINFOMSG_SIZE);
  writeU16(hdr, 1, 2); // ARPHRD_ETHER
  writeS32(hdr, 7, 4);
  b.raw(hdr).string(C.IFLA_IFNAME, `x-${kind}`).u32(C.IFLA_MTU, 1500).u32(C.IFLA_LINK, 2);
  const li = b.beginNested(C.IFLA_LINKINFO, 0); // the kernel nests without NLA_F_NESTED
  b.string(C.IFLA_INFO_KIND, kind);
  if (data !== undefined) {
    const d = b.beginNested(C.IFLA_INFO_DATA, 0);
    data(b);
    b.endNested(d);
  }
  if (slaveKind !== undefined) b.string(C.IFLA_INFO_SLAVE_KIND, slaveKind);
  b.endNested(li);
  return b.finish();
}

describe('link kinds built from uapi layouts', () => {
  it('vlan (802.1ad, flags struct)', () => {
    const flags = Buffer.alloc(8);
    flags.writeUInt32LE(C.VLAN_FLAG_REORDER_HDR, 0);
    flags.writeUInt32LE(0xffffffff, 4);
    const l = decodeLink(
      one(
        linkWith('vlan', (b) =>
          b
            .u16(C.IFLA_VLAN_ID, 100)
            .attr(C.IFLA_VLAN_FLAGS, flags)
            .be16(C.IFLA_VLAN_PROTOCOL, 0x88a8),
        ),
      ),
    );
    expect(l).toMatchObject({ name: 'x-vlan', index: 7, type: 1, linkIndex: 2, kind: 'vlan' });
    expect(l.data).toEqual({
      kind: 'vlan',
      vid: 100,
      protocol: 0x88a8,
      flags: C.VLAN_FLAG_REORDER_HDR,
    });
  });

  it('vlan without data defaults to 802.1Q', () => {
    expect(decodeLink(one(linkWith('vlan'))).data).toEqual({
      kind: 'vlan',
      vid: 0,
      protocol: 0x8100,
    });
  });

  it.each([
    ['ipvlan', C.IPVLAN_MODE_L3S, 'l3s'],
    ['ipvtap', C.IPVLAN_MODE_L2, 'l2'],
    ['ipvlan', 9, 'unknown(9)'],
  ] as const)('%s mode %d → %s', (kind, mode, name) => {
    const l = decodeLink(
      one(
        linkWith(kind, (b) =>
          b.u16(C.IFLA_IPVLAN_MODE, mode).u16(C.IFLA_IPVLAN_FLAGS, C.IPVLAN_F_VEPA),
        ),
      ),
    );
    expect(l.data).toEqual({ kind, mode: name, modeNumber: mode, flags: C.IPVLAN_F_VEPA });
  });

  it('macvlan source/passthru names', () => {
    expect(
      decodeLink(one(linkWith('macvlan', (b) => b.u32(C.IFLA_MACVLAN_MODE, C.MACVLAN_MODE_SOURCE))))
        .data,
    ).toMatchObject({ mode: 'source' });
    expect(
      decodeLink(
        one(
          linkWith('macvtap', (b) =>
            b
              .u32(C.IFLA_MACVLAN_MODE, C.MACVLAN_MODE_PASSTHRU)
              .u16(C.IFLA_MACVLAN_FLAGS, C.MACVLAN_FLAG_NOPROMISC),
          ),
        ),
      ).data,
    ).toEqual({
      kind: 'macvtap',
      mode: 'passthru',
      modeNumber: C.MACVLAN_MODE_PASSTHRU,
      flags: C.MACVLAN_FLAG_NOPROMISC,
    });
  });

  it('bond with mode name, active slave, miimon; bond port slave kind', () => {
    const l = decodeLink(
      one(
        linkWith('bond', (b) =>
          b
            .u8(C.IFLA_BOND_MODE, C.BOND_MODE_8023AD)
            .u32(C.IFLA_BOND_ACTIVE_SLAVE, 4)
            .u32(C.IFLA_BOND_MIIMON, 100),
        ),
      ),
    );
    expect(l.data).toEqual({
      kind: 'bond',
      mode: 4,
      modeName: '802.3ad',
      activeSlave: 4,
      miimon: 100,
    });
    expect(decodeLink(one(linkWith('bond'))).data).toEqual({
      kind: 'bond',
      mode: 0,
      modeName: 'balance-rr',
    });
    expect(decodeLink(one(linkWith('veth', undefined, 'bond')))).toMatchObject({
      kind: 'veth',
      slaveKind: 'bond',
    });
  });

  it('vrf table', () => {
    expect(decodeLink(one(linkWith('vrf', (b) => b.u32(C.IFLA_VRF_TABLE, 1001)))).data).toEqual({
      kind: 'vrf',
      table: 1001,
    });
  });

  it('geneve v4 and v6 with network-order port', () => {
    const g = decodeLink(
      one(
        linkWith('geneve', (b) =>
          b
            .u32(C.IFLA_GENEVE_ID, 7)
            .ipv4(C.IFLA_GENEVE_REMOTE, '192.0.2.7')
            .u8(C.IFLA_GENEVE_TTL, 64)
            .u8(C.IFLA_GENEVE_TOS, 1)
            .be16(C.IFLA_GENEVE_PORT, 6081),
        ),
      ),
    );
    expect(g.data).toEqual({
      kind: 'geneve',
      vni: 7,
      remote4: '192.0.2.7',
      port: 6081,
      ttl: 64,
      tos: 1,
    });
    const g6 = decodeLink(
      one(linkWith('geneve', (b) => b.ipv6(C.IFLA_GENEVE_REMOTE6, '2001:db8::7'))),
    );
    expect(g6.data).toMatchObject({ remote6: '2001:db8::7', port: 0 });
  });

  it('wireguard and unknown kinds pass through', () => {
    expect(decodeLink(one(linkWith('wireguard'))).data).toEqual({ kind: 'wireguard' });
    expect(decodeLink(one(linkWith('batadv', (b) => b.u32(1, 1)))).data).toEqual({
      kind: 'other',
      name: 'batadv',
    });
  });

  it('bridge with vlan filtering and 802.1ad protocol; nested flag tolerated', () => {
    const b = new MessageBuilder({ type: C.RTM_NEWLINK, flags: 0 });
    b.raw(Buffer.alloc(IFINFOMSG_SIZE));
    const li = b.beginNested(C.IFLA_LINKINFO, NLA_F_NESTED);
    const d = b.beginNested(C.IFLA_INFO_DATA, NLA_F_NESTED); // data before kind: order must not matter
    b.u8(C.IFLA_BR_VLAN_FILTERING, 1)
      .be16(C.IFLA_BR_VLAN_PROTOCOL, 0x88a8)
      .u16(C.IFLA_BR_VLAN_DEFAULT_PVID, 1);
    b.attr(C.IFLA_BR_BRIDGE_ID, Uint8Array.of(0x80, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff));
    b.endNested(d);
    b.string(C.IFLA_INFO_KIND, 'bridge');
    b.endNested(li);
    expect(decodeLink(one(b.finish())).data).toEqual({
      kind: 'bridge',
      vlanFiltering: true,
      vlanProtocol: 0x88a8,
      vlanDefaultPvid: 1,
      bridgeId: '8000.aabbccddeeff',
    });
  });

  it('optional link attributes: perm address, num VF, parent device', () => {
    const b = new MessageBuilder({ type: C.RTM_NEWLINK, flags: 0 });
    b.raw(Buffer.alloc(IFINFOMSG_SIZE))
      .attr(C.IFLA_PERM_ADDRESS, Uint8Array.of(1, 2, 3, 4, 5, 6))
      .u32(C.IFLA_NUM_VF, 8);
    b.string(C.IFLA_PARENT_DEV_NAME, '0000:3b:00.0')
      .string(C.IFLA_PARENT_DEV_BUS_NAME, 'pci')
      .s32(C.IFLA_LINK_NETNSID, -1);
    expect(decodeLink(one(b.finish()))).toMatchObject({
      permMac: '01:02:03:04:05:06',
      numVf: 8,
      parentDevName: '0000:3b:00.0',
      parentDevBusName: 'pci',
      linkNetnsId: -1,
    });
  });
});

describe('decoder input checks', () => {
  it('rejects a wrong message type and a short family header with DecodeError', () => {
    const wrongType = new MessageBuilder({ type: C.RTM_NEWADDR, flags: 0 })
      .raw(Buffer.alloc(16))
      .finish();
    expect(() => decodeLink(one(wrongType))).toThrow(DecodeError);
    const short = new MessageBuilder({ type: C.RTM_NEWROUTE, flags: 0 })
      .raw(Buffer.alloc(8))
      .finish();
    expect(() => decodeRoute(one(short))).toThrow(
      expect.objectContaining({ code: 'GW_ERR_NETLINK_TRUNCATED', family: 'rtnetlink' }),
    );
  });

  it('rejects bad payload sizes inside kind data and multipath', () => {
    const bad = linkWith('vxlan', (b) => b.attr(C.IFLA_VXLAN_PORT_RANGE, Uint8Array.of(1, 2)));
    expect(() => decodeLink(one(bad))).toThrow(
      expect.objectContaining({
        code: 'GW_ERR_NETLINK_MALFORMED',
        attrType: C.IFLA_VXLAN_PORT_RANGE,
      }),
    );
    const r = new MessageBuilder({ type: C.RTM_NEWROUTE, flags: 0 })
      .raw(Buffer.alloc(12))
      .attr(C.RTA_MULTIPATH, Uint8Array.of(4, 0, 0, 0, 0, 0, 0, 0))
      .finish();
    expect(() => decodeRoute(one(r))).toThrow(
      expect.objectContaining({ code: 'GW_ERR_NETLINK_MALFORMED', attrType: C.RTA_MULTIPATH }),
    );
  });

  it('decodes RTA_VIA of an unknown family as hex, and metrics incl. cc algo', () => {
    const b = new MessageBuilder({ type: C.RTM_NEWROUTE, flags: 0 }).raw(
      Uint8Array.of(28, 20, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0),
    );
    b.attr(C.RTA_VIA, Uint8Array.of(28, 0, 0x00, 0x01, 0x40, 0x00)); // AF_MPLS label bytes
    const m = b.beginNested(C.RTA_METRICS, 0);
    b.u32(C.RTAX_MTU, 9000).string(C.RTAX_CC_ALGO, 'bbr');
    b.endNested(m);
    b.u32(C.RTA_TABLE, 5000).u8(C.RTA_PREF, 3).u32(C.RTA_EXPIRES, 60);
    const r = decodeRoute(one(b.finish()));
    expect(r).toMatchObject({
      family: 28,
      table: 5000,
      pref: 3,
      expires: 60,
      via: { family: 28, address: '00014000' },
    });
    expect(r.metrics).toEqual({ mtu: 9000, raw: { [C.RTAX_MTU]: 9000, [C.RTAX_CC_ALGO]: 'bbr' } });
  });

  it('address flags: IFA_FLAGS wins over ifa_flags', () => {
    const b = new MessageBuilder({ type: C.RTM_NEWADDR, flags: 0 }).raw(
      Uint8Array.of(10, 64, C.IFA_F_PERMANENT, 0, 3, 0, 0, 0),
    );
    b.ipv6(C.IFA_ADDRESS, 'fe80::1')
      .u32(C.IFA_FLAGS, C.IFA_F_PERMANENT | C.IFA_F_NOPREFIXROUTE)
      .u8(C.IFA_PROTO, 2)
      .u32(C.IFA_RT_PRIORITY, 256);
    expect(decodeAddress(one(b.finish()))).toEqual({
      family: 10,
      prefixLen: 64,
      flags: C.IFA_F_PERMANENT | C.IFA_F_NOPREFIXROUTE,
      scope: 0,
      index: 3,
      address: 'fe80::1',
      protocol: 2,
      rtPriority: 256,
    });
    const bad = new MessageBuilder({ type: C.RTM_NEWADDR, flags: 0 })
      .raw(Buffer.alloc(8))
      .attr(C.IFA_CACHEINFO, Buffer.alloc(12))
      .finish();
    expect(() => decodeAddress(one(bad))).toThrow(
      expect.objectContaining({ attrType: C.IFA_CACHEINFO }),
    );
  });

  it('rule goto, l3mdev, suppressors, tun id, sport range', () => {
    const b = new MessageBuilder({ type: C.RTM_NEWRULE, flags: 0 }).raw(
      Uint8Array.of(2, 0, 0, 0, 0, 0, 0, C.FR_ACT_GOTO, 0, 0, 0, 0),
    );
    b.u32(C.FRA_GOTO, 500)
      .u8(C.FRA_L3MDEV, 1)
      .s32(C.FRA_SUPPRESS_PREFIXLEN, 0)
      .u32(C.FRA_SUPPRESS_IFGROUP, 3)
      .u8(C.FRA_PROTOCOL, 4);
    const tun = Buffer.alloc(8);
    tun.writeBigUInt64BE(123456789012345678n);
    b.attr(C.FRA_TUN_ID, tun)
      .attr(C.FRA_SPORT_RANGE, Uint8Array.of(0x10, 0, 0x20, 0))
      .string(C.FRA_OIFNAME, 'vrf-blue');
    expect(decodeRule(one(b.finish()))).toMatchObject({
      action: C.FR_ACT_GOTO,
      goto: 500,
      l3mdev: 1,
      suppressPrefixLen: 0,
      suppressIfGroup: 3,
      protocol: 4,
      tunId: '123456789012345678',
      oifName: 'vrf-blue',
    });
  });

  it('nsid: missing NETNSA_NSID reads as not assigned; current nsid decoded', () => {
    expect(
      decodeNsid(
        one(new MessageBuilder({ type: C.RTM_NEWNSID, flags: 0 }).raw(Uint8Array.of(0)).finish()),
      ),
    ).toEqual({ family: 0, nsid: -1 });
    const m = new MessageBuilder({ type: C.RTM_NEWNSID, flags: 0 })
      .raw(Uint8Array.of(0))
      .s32(C.NETNSA_NSID, -1)
      .s32(C.NETNSA_CURRENT_NSID, 3)
      .finish();
    expect(decodeNsid(one(m))).toEqual({ family: 0, nsid: -1, currentNsid: 3 });
  });
});

/** Generic rebuild of a request from its parse (header, family header, raw attributes). */
function rebuild(msg: Buffer, familyHeader: number): Buffer {
  const m = one(msg);
  const b = new MessageBuilder({ type: m.type, flags: m.flags, seq: m.seq, pid: m.pid });
  b.raw(m.payload.subarray(0, familyHeader));
  b.attributes(
    parseAttributes(
      m.payload,
      Math.min(m.payload.length, (familyHeader + 3) & ~3),
      m.payload.length,
      'rtnetlink',
    ),
  );
  return b.finish();
}

describe('request builders', () => {
  it.each([
    ['GETLINK', () => buildGetLinkDump(), 16, C.RTM_GETLINK, 32],
    [
      'GETLINK ext mask',
      () => buildGetLinkDump({ extMask: C.RTEXT_FILTER_VF | C.RTEXT_FILTER_SKIP_STATS }),
      16,
      C.RTM_GETLINK,
      40,
    ],
    ['GETADDR', () => buildGetAddrDump(), 8, C.RTM_GETADDR, 24],
    ['GETROUTE v6', () => buildGetRouteDump({ family: 10 }), 12, C.RTM_GETROUTE, 28],
    ['GETROUTE table', () => buildGetRouteDump({ family: 2, table: 1000 }), 12, C.RTM_GETROUTE, 36],
    ['GETRULE', () => buildGetRuleDump({ family: 2 }), 12, C.RTM_GETRULE, 28],
    ['GETNSID dump', () => buildGetNsidDump(), 1, C.RTM_GETNSID, 17],
    ['GETNSID fd', () => buildGetNsid({ fd: 42 }), 1, C.RTM_GETNSID, 28],
    ['GETNSID pid', () => buildGetNsid({ pid: 4711 }, { seq: 9 }), 1, C.RTM_GETNSID, 28],
  ] as const)(
    '%s: header, length and build → parse → build identity',
    (_n, build, fh, type, len) => {
      const msg = build();
      const m = one(msg);
      expect(m.type).toBe(type);
      expect(m.length).toBe(len);
      expect(msg.length).toBe(len);
      expect(m.flags & NLM_F_REQUEST).toBe(NLM_F_REQUEST);
      expect(rebuild(msg, fh).equals(msg)).toBe(true);
      expect(rebuild(rebuild(msg, fh), fh).equals(msg)).toBe(true);
    },
  );

  it('dump flags, table 0 omitted, nsid attributes', () => {
    expect(one(buildGetRouteDump()).flags).toBe(NLM_F_REQUEST | NLM_F_DUMP);
    expect(buildGetRouteDump({ table: 0 }).equals(buildGetRouteDump())).toBe(true);
    const fdMsg = one(buildGetNsid({ fd: 42 }));
    expect(fdMsg.flags).toBe(NLM_F_REQUEST);
    const [a] = parseAttributes(fdMsg.payload, 4, fdMsg.payload.length, 't');
    expect(a?.type).toBe(C.NETNSA_FD);
    expect(readU32(a!.data, 0)).toBe(42);
    const [p] = parseAttributes(one(buildGetNsid({ pid: 4711 })).payload, 4, 12, 't');
    expect(p?.type).toBe(C.NETNSA_PID);
  });
});
