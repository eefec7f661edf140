// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import type { LinkMessage } from '../netlink/index.js';
import { parseMessages } from '../netlink/index.js';
import type { Namespace } from '../model/namespace.js';
import {
  addressFromMessage,
  fillNetworkNamespace,
  INFINITY_LIFE_TIME,
  newNetworkNamespace,
  nifFromLink,
  routeFromMessage,
  ruleFromMessage,
} from './map.js';
import { targetLinkRequest } from './discover.js';

const ns = {
  id: { dev: 4, ino: 7 },
  type: 'net',
  ref: [],
  sources: [],
  processes: [],
  leaders: [],
  children: [],
  owned: [],
  hidden: false,
} as unknown as Namespace;

const base: LinkMessage = {
  family: 0,
  index: 3,
  type: 1,
  flags: 0x1103,
  change: 0,
  name: 'eth0',
  mtu: 1500,
  operState: 6,
  mac: 'aa:bb:cc:dd:ee:ff',
  broadcast: 'ff:ff:ff:ff:ff:ff',
  alias: 'uplink',
  txQueueLen: 1000,
  qdisc: 'mq',
};

describe('message → model mapping', () => {
  it('maps a physical link: flags, operstate, physical, no kind', () => {
    const nif = nifFromLink(newNetworkNamespace(ns), base);
    expect(nif).toMatchObject({
      index: 3,
      name: 'eth0',
      alias: 'uplink',
      kind: '',
      slaveKind: '',
      mac: 'aa:bb:cc:dd:ee:ff',
      mtu: 1500,
      operState: 'UP',
      up: true,
      promisc: true,
      loopback: false,
      physical: true,
      qdisc: 'mq',
      sriovRole: 0,
    });
    expect(nif.raw).toEqual({
      masterIndex: undefined,
      linkIndex: undefined,
      linkNetnsId: undefined,
    });
  });

  it('keeps kernel kind names (tun stays tun), loopback is not physical, unknown operstate is UNKNOWN', () => {
    const n = newNetworkNamespace(ns);
    expect(nifFromLink(n, { ...base, kind: 'tun', data: { kind: 'tun', mode: 'tap' } }).kind).toBe(
      'tun',
    );
    const lo = nifFromLink(n, {
      ...base,
      index: 1,
      name: 'lo',
      flags: 0x49,
      type: 772,
      operState: 0,
    });
    expect([lo.loopback, lo.physical, lo.operState]).toEqual([true, false, 'UNKNOWN']);
    expect(nifFromLink(n, { ...base, operState: 42 }).operState).toBe('UNKNOWN');
    expect(nifFromLink(n, { ...base, kind: 'nlmon' }).kindData).toEqual({
      kind: 'other',
      name: 'nlmon',
    });
    expect(nifFromLink(n, { ...base, kind: 'veth' }).kindData).toEqual({ kind: 'veth' });
    // IP tunnels have 4/16-byte "MACs": kept verbatim
    expect(nifFromLink(n, { ...base, kind: 'sit', mac: '0a:00:00:01' }).mac).toBe('0a:00:00:01');
  });

  it('maps IPv4/IPv6 addresses incl. label, peer and lifetimes; drops other families', () => {
    expect(
      addressFromMessage({
        family: 2,
        prefixLen: 24,
        flags: 0x80,
        scope: 0,
        index: 3,
        local: '10.0.0.1',
        address: '10.0.0.1',
        label: 'eth0:1',
        broadcast: '10.0.0.255',
        cacheInfo: { preferredLifetime: 10, validLifetime: 20, created: 0, updated: 0 },
      }),
    ).toEqual({
      family: 4,
      address: '10.0.0.1',
      prefixLen: 24,
      scope: 0,
      preferredLifetime: 10,
      validLifetime: 20,
      flags: 0x80,
      label: 'eth0:1',
      broadcast: '10.0.0.255',
      peer: undefined,
    });
    expect(
      addressFromMessage({
        family: 2,
        prefixLen: 32,
        flags: 0,
        scope: 0,
        index: 3,
        local: '10.0.0.1',
        address: '10.0.0.2',
      })?.peer,
    ).toBe('10.0.0.2');
    const v6 = addressFromMessage({
      family: 10,
      prefixLen: 64,
      flags: 0,
      scope: 253,
      index: 3,
      address: 'fe80::1',
    });
    expect(v6).toMatchObject({
      family: 6,
      address: 'fe80::1',
      scope: 253,
      preferredLifetime: INFINITY_LIFE_TIME,
      validLifetime: INFINITY_LIFE_TIME,
      peer: undefined,
    });
    expect(
      addressFromMessage({ family: 17, prefixLen: 0, flags: 0, scope: 0, index: 3, address: '00' }),
    ).toBeUndefined();
  });

  it('maps routes: default destination, oif reference, gateway via RTA_VIA, multipath, pref; drops IPMR', () => {
    const n = fillNetworkNamespace(newNetworkNamespace(ns), {
      links: [base, { ...base, index: 4, name: 'eth1' }],
      addresses: [],
      routes: [],
      rules: [],
    });
    const r = routeFromMessage(n, {
      family: 2,
      dstLen: 0,
      srcLen: 0,
      tos: 0,
      table: 254,
      protocol: 4,
      scope: 0,
      type: 1,
      flags: 0,
      oif: 3,
      priority: 20,
      via: { family: 10, address: 'fe80::1' },
    });
    expect(r).toMatchObject({
      family: 4,
      destination: '0.0.0.0',
      destinationPrefixLen: 0,
      gateway: 'fe80::1',
      oifIndex: 3,
      metric: 20,
      table: 254,
      multipath: [],
    });
    expect(r?.oif).toBe(n.nifs.get(3));
    const mp = routeFromMessage(n, {
      family: 10,
      dstLen: 64,
      srcLen: 0,
      tos: 0,
      table: 200,
      protocol: 3,
      scope: 0,
      type: 1,
      flags: 0,
      dst: 'fd00::',
      pref: 1,
      multipath: [
        { flags: 0, hops: 0, weight: 1, ifIndex: 3, gateway: 'fe80::a' },
        { flags: 0, hops: 2, weight: 3, ifIndex: 99 },
      ],
    });
    expect(mp?.pref).toBe(1);
    expect(mp?.oif).toBeUndefined();
    expect(mp?.multipath.map((h) => [h.gateway, h.oif?.name, h.oifIndex, h.weight])).toEqual([
      ['fe80::a', 'eth0', 3, 1],
      [undefined, undefined, 99, 3],
    ]);
    expect(
      routeFromMessage(n, {
        family: 128,
        dstLen: 0,
        srcLen: 0,
        tos: 0,
        table: 254,
        protocol: 0,
        scope: 0,
        type: 1,
        flags: 0,
      }),
    ).toBeUndefined();
  });

  it('maps rules and drops non-IP families', () => {
    expect(
      ruleFromMessage({
        family: 2,
        dstLen: 0,
        srcLen: 24,
        tos: 0,
        table: 100,
        action: 1,
        flags: 0,
        invert: false,
        priority: 1000,
        src: '10.1.0.0',
        fwmark: 7,
        fwmask: 0xff,
      }),
    ).toMatchObject({
      family: 4,
      priority: 1000,
      table: 100,
      action: 1,
      src: '10.1.0.0',
      srcLen: 24,
      fwmark: 7,
      fwmask: 0xff,
      invert: false,
    });
    expect(
      ruleFromMessage({
        family: 128,
        dstLen: 0,
        srcLen: 0,
        tos: 0,
        table: 252,
        action: 1,
        flags: 0,
        invert: false,
        priority: 0,
      }),
    ).toBeUndefined();
  });

  it('drops addresses of nifs that vanished between the dumps', () => {
    const n = fillNetworkNamespace(newNetworkNamespace(ns), {
      links: [base],
      addresses: [
        { family: 2, prefixLen: 8, flags: 0, scope: 0, index: 9, local: '10.0.0.9' },
        { family: 2, prefixLen: 8, flags: 0, scope: 0, index: 3, local: '10.0.0.3' },
      ],
      routes: [],
      rules: [],
    });
    expect(n.nifs.get(3)?.addresses.map((a) => a.address)).toEqual(['10.0.0.3']);
  });
});

describe('targetLinkRequest', () => {
  it('builds RTM_GETLINK for one ifindex with IFLA_TARGET_NETNSID and SKIP_STATS (linux/if_link.h)', () => {
    const spec = targetLinkRequest(7, 3);
    expect(spec.dump).toBe(false);
    const [m] = parseMessages(spec.message, 'rtnetlink');
    expect(m?.type).toBe(18); // RTM_GETLINK
    expect(m?.flags).toBe(1); // NLM_F_REQUEST only: not a dump
    const p = m?.payload ?? Buffer.alloc(0);
    expect(p.readInt32LE(4)).toBe(7); // ifi_index
    // attributes after the 16-byte ifinfomsg: IFLA_TARGET_NETNSID (46) s32 3, IFLA_EXT_MASK (29) u32 8
    expect([p.readUInt16LE(16), p.readUInt16LE(18), p.readInt32LE(20)]).toEqual([8, 46, 3]);
    expect([p.readUInt16LE(24), p.readUInt16LE(26), p.readUInt32LE(28)]).toEqual([8, 29, 8]);
  });
});
