// SPDX-License-Identifier: MIT
/**
 * Relation and NSID resolution from hand-built decoded messages (no kernel): cross-netns veth
 * (incl. the omitted-IFLA_LINK case), ambiguous ifindexes, macvlan with its lower device in
 * another netns, vxlan underlay, vlan/ipvlan/bond/vrf, vanished peers.
 */
import { describe, expect, it } from 'vitest';
import type { LinkMessage } from '../netlink/index.js';
import { newNamespace, type Namespace } from '../model/namespace.js';
import type { NetworkNamespace, Nif } from '../model/network.js';
import { fillNetworkNamespace, newNetworkNamespace } from './map.js';
import { NsidResolver } from './nsid.js';
import { resolveRelations } from './relations.js';

function namespace(ino: number): Namespace {
  return newNamespace({ dev: 4, ino }, 'net', [`/run/netns/n${ino}`]);
}

let macSeq = 0;
/** A decoded RTM_NEWLINK with sensible defaults (an UP broadcast device with a fresh MAC). */
function link(l: Partial<LinkMessage> & { index: number; name: string }): LinkMessage {
  macSeq++;
  return {
    family: 0,
    type: 1,
    flags: 0x1043,
    change: 0,
    mtu: 1500,
    operState: 6,
    mac: `02:00:00:00:${(macSeq >> 8).toString(16).padStart(2, '0')}:${(macSeq & 255).toString(16).padStart(2, '0')}`,
    broadcast: 'ff:ff:ff:ff:ff:ff',
    alias: '',
    txQueueLen: 1000,
    qdisc: 'noqueue',
    ...l,
  };
}
const lo = (): LinkMessage =>
  link({ index: 1, name: 'lo', type: 772, flags: 0x49, mac: '00:00:00:00:00:00', operState: 0 });
const veth = (
  index: number,
  name: string,
  linkIndex: number | undefined,
  linkNetnsId?: number,
  extra: Partial<LinkMessage> = {},
): LinkMessage =>
  link({
    index,
    name,
    kind: 'veth',
    data: { kind: 'veth' },
    ...(linkIndex === undefined ? {} : { linkIndex }),
    ...(linkNetnsId === undefined ? {} : { linkNetnsId }),
    ...extra,
  });

function netns(ino: number, links: LinkMessage[]): NetworkNamespace {
  return fillNetworkNamespace(newNetworkNamespace(namespace(ino)), {
    links,
    addresses: [],
    routes: [],
    rules: [],
  });
}
function nif(n: NetworkNamespace, index: number): Nif {
  const x = n.nifs.get(index);
  if (x === undefined) throw new Error(`no nif ${index} in ${n.ns.id.ino}`);
  return x;
}

describe('NSID inference and relations', () => {
  it('resolves host ↔ container veths and bridge ports without any query', () => {
    const host = netns(1, [
      lo(),
      link({ index: 3, name: 'br0', kind: 'bridge', data: { kind: 'bridge' } }),
      veth(4, 'vethA', 2, 0, { masterIndex: 3, slaveKind: 'bridge' }),
      veth(5, 'vethB', 2, 1, { masterIndex: 3, slaveKind: 'bridge' }),
    ]);
    const c1 = netns(11, [lo(), veth(2, 'eth0', 4, 0)]);
    const c2 = netns(12, [lo(), veth(2, 'eth0', 5, 0)]);
    const r = new NsidResolver([host, c1, c2]);
    expect(r.unresolved()).toEqual([]);
    expect(host.nsids.get(0)).toBe(c1);
    expect(host.nsids.get(1)).toBe(c2);
    expect(c1.nsids.get(0)).toBe(host);
    expect(c2.nsids.get(0)).toBe(host);

    expect(resolveRelations([host, c1, c2])).toEqual([]);
    expect(nif(host, 4).peer).toBe(nif(c1, 2));
    expect(nif(c1, 2).peer).toBe(nif(host, 4));
    expect(nif(c2, 2).peer).toBe(nif(host, 5));
    expect(nif(host, 3).ports).toEqual([nif(host, 4), nif(host, 5)]);
    expect(nif(host, 5).master).toBe(nif(host, 3));
    expect(nif(host, 1).peer).toBeUndefined();
  });

  it('handles a same-netns veth pair (no IFLA_LINK_NETNSID)', () => {
    const a = netns(1, [lo(), veth(2, 'va', 3), veth(3, 'vb', 2)]);
    const r = new NsidResolver([a]);
    expect(r.pairs()).toEqual([]);
    expect(resolveRelations([a])).toEqual([]);
    expect(nif(a, 2).peer).toBe(nif(a, 3));
    expect(nif(a, 3).peer).toBe(nif(a, 2));
  });

  it('treats a missing IFLA_LINK next to IFLA_LINK_NETNSID as "peer has my index"', () => {
    const a = netns(1, [lo(), veth(7, 'x', undefined, 0)]);
    const b = netns(2, [lo(), veth(7, 'y', undefined, 3)]);
    const c = netns(3, [lo(), veth(7, 'z', 9, 0)]); // same index but its peer is 9: no candidate
    const r = new NsidResolver([a, b, c]);
    const open = r.unresolved();
    expect(open.map((p) => p.netns)).toEqual([c]);
    expect(open[0] === undefined ? ['?'] : r.candidatesOf(open[0])).toEqual([]);
    expect(a.nsids.get(0)).toBe(b);
    expect(b.nsids.get(3)).toBe(a);
    const problems = resolveRelations([a, b, c]);
    expect(nif(a, 7).peer).toBe(nif(b, 7));
    expect(nif(b, 7).peer).toBe(nif(a, 7));
    // c's peer (9, NSID 0) was never resolved: a problem, not a crash.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'GW_ERR_NETWORK_RELATION',
      subject: 'netns:[3] nif 7 (z)',
    });
  });

  it('uses injectivity: a netns known under one NSID is no candidate for another', () => {
    // a.5 → (nsid 0, idx 2) is unique (b); a.6 → (nsid 1, idx 2) could be b or c by index only,
    // but b is taken by nsid 0, so nsid 1 must be c.
    const a = netns(1, [
      lo(),
      veth(5, 'v5', 2, 0),
      link({
        index: 6,
        name: 'mv',
        kind: 'macvlan',
        data: { kind: 'macvlan', mode: 'bridge', modeNumber: 4 },
        linkIndex: 2,
        linkNetnsId: 1,
      }),
    ]);
    const b = netns(2, [lo(), veth(2, 'eth0', 5, 0)]);
    const c = netns(3, [
      lo(),
      link({ index: 2, name: 'br', kind: 'bridge', data: { kind: 'bridge' } }),
    ]);
    const r = new NsidResolver([a, b, c]);
    expect(r.unresolved()).toEqual([]);
    expect(a.nsids.get(1)).toBe(c);
    expect(resolveRelations([a, b, c])).toEqual([]);
    expect(nif(a, 6).lower).toBe(nif(c, 2));
    expect(nif(c, 2).uppers).toEqual([nif(a, 6)]);
  });

  it('leaves structurally ambiguous pairs open and resolves them from a fingerprint or an answer', () => {
    // a.7 ↔ b.5 and d.7 ↔ c.5: from structure alone a/d could pair with b/c either way.
    const a = netns(1, [lo(), veth(7, 'a7', 5, 0)]);
    const b = netns(2, [lo(), veth(5, 'b5', 7, 0)]);
    const c = netns(3, [lo(), veth(5, 'c5', 7, 0)]);
    const d = netns(4, [lo(), veth(7, 'd7', 5, 0)]);
    const r = new NsidResolver([a, b, c, d]);
    const open = r.unresolved();
    expect(open).toHaveLength(4);
    const pa = open.find((p) => p.netns === a);
    const pd = open.find((p) => p.netns === d);
    if (pa === undefined || pd === undefined) throw new Error('pairs missing');
    expect(new Set(r.candidatesOf(pa))).toEqual(new Set([b, c]));
    expect(r.probeOf(pa)?.target.index).toBe(5);

    // The kernel answered RTM_GETLINK(index 5, IFLA_TARGET_NETNSID 0) in a with c's nif.
    const cNif = nif(c, 5);
    expect(r.matchFingerprint(pa, { index: 5, name: 'c5', mac: cNif.mac, kind: 'veth' })).toEqual([
      c,
    ]);
    expect(
      r.matchFingerprint(pa, { index: 5, name: 'c5', mac: '02:ff:ff:ff:ff:ff', kind: 'veth' }),
    ).toEqual([]);
    r.narrow(pa, [c]);
    expect(a.nsids.get(0)).toBe(c);
    expect(c.nsids.get(0)).toBe(a); // reverse propagation
    // An RTM_GETNSID answer for d: d calls b by NSID 0.
    expect(r.learn(d, 0, b)).toBe(true);
    expect(r.learn(d, 0, b)).toBe(false);
    expect(b.nsids.get(0)).toBe(d);
    expect(r.unresolved()).toEqual([]);
    expect(resolveRelations([a, b, c, d])).toEqual([]);
    expect(nif(a, 7).peer).toBe(nif(c, 5));
    expect(nif(d, 7).peer).toBe(nif(b, 5));
  });

  it('offers every other netns as candidate for an unconstrained pair', () => {
    // vxlan moved to v with no underlay device: NSID 2 names the netns of its socket.
    const v = netns(1, [
      lo(),
      link({ index: 4, name: 'vx', kind: 'vxlan', data: vxlan(undefined), linkNetnsId: 2 }),
    ]);
    const u = netns(2, [lo()]);
    const w = netns(3, [lo()]);
    const r = new NsidResolver([v, u, w]);
    const [p] = r.unresolved();
    if (p === undefined) throw new Error('no open pair');
    expect(p.candidates).toBeUndefined();
    expect(new Set(r.candidatesOf(p))).toEqual(new Set([u, w]));
    expect(r.probeOf(p)).toBeUndefined();
    // No underlay index: no relation, no problem.
    expect(resolveRelations([v, u, w])).toEqual([]);
    expect(nif(v, 4).underlay).toBeUndefined();
  });

  it('resolves a vxlan underlay in another netns (IFLA_VXLAN_LINK, not IFLA_LINK)', () => {
    const v = netns(1, [
      lo(),
      veth(2, 'eth0', 9, 0),
      link({ index: 4, name: 'vx0', kind: 'vxlan', data: vxlan(9), linkIndex: 4, linkNetnsId: 0 }),
    ]);
    const u = netns(2, [lo(), veth(9, 'uplink', 2, 5)]);
    expect(new NsidResolver([v, u]).unresolved()).toEqual([]);
    expect(resolveRelations([v, u])).toEqual([]);
    expect(nif(v, 4).underlay).toBe(nif(u, 9));
    expect(nif(u, 9).overlays).toEqual([nif(v, 4)]);
    expect(nif(v, 4).lower).toBeUndefined();
  });

  it('resolves vlan, ipvlan, macvtap lower devices and bond/vrf masters in one netns', () => {
    const a = netns(1, [
      lo(),
      link({ index: 2, name: 'eth0', masterIndex: 5, slaveKind: 'bond' }),
      link({ index: 3, name: 'eth1', masterIndex: 5, slaveKind: 'bond' }),
      link({
        index: 5,
        name: 'bond0',
        kind: 'bond',
        data: { kind: 'bond', mode: 1, modeName: 'active-backup' },
        masterIndex: 6,
      }),
      link({ index: 6, name: 'vrf-blue', kind: 'vrf', data: { kind: 'vrf', table: 10 } }),
      link({
        index: 7,
        name: 'bond0.100',
        kind: 'vlan',
        data: { kind: 'vlan', vid: 100, protocol: 0x8100 },
        linkIndex: 5,
      }),
      link({
        index: 8,
        name: 'ipvl0',
        kind: 'ipvlan',
        data: { kind: 'ipvlan', mode: 'l2', modeNumber: 0 },
        linkIndex: 5,
      }),
      link({
        index: 9,
        name: 'mvt0',
        kind: 'macvtap',
        data: { kind: 'macvtap', mode: 'bridge', modeNumber: 4 },
        linkIndex: 2,
      }),
    ]);
    expect(resolveRelations([a])).toEqual([]);
    expect(nif(a, 5).ports).toEqual([nif(a, 2), nif(a, 3)]);
    expect(nif(a, 5).master).toBe(nif(a, 6));
    expect(nif(a, 6).ports).toEqual([nif(a, 5)]);
    expect(nif(a, 7).lower).toBe(nif(a, 5));
    expect(nif(a, 8).lower).toBe(nif(a, 5));
    expect(nif(a, 5).uppers).toEqual([nif(a, 7), nif(a, 8)]);
    expect(nif(a, 9).lower).toBe(nif(a, 2));
    expect(nif(a, 5).kindData).toEqual({ kind: 'bond', mode: 1, modeName: 'active-backup' });
  });

  it('records vanished peers, masters and unknown NSIDs as problems', () => {
    const a = netns(1, [
      lo(),
      veth(2, 'gone', 0), // the kernel reports iflink 0 while the pair is being deleted
      veth(3, 'far', 4, 7), // NSID 7 names no discovered netns
      link({ index: 4, name: 'port', masterIndex: 42 }),
      link({
        index: 5,
        name: 'mv',
        kind: 'macvlan',
        data: { kind: 'macvlan', mode: 'bridge', modeNumber: 4 },
        linkIndex: 77,
      }),
      veth(6, 'odd', 1), // "peer" 1 is lo: the index was reused
      veth(8, 'neg', 3, -1), // NETNSA_NSID_NOT_ASSIGNED
    ]);
    const r = new NsidResolver([a]);
    expect(r.unresolved().map((p) => p.nsid)).toEqual([7]);
    const problems = resolveRelations([a]);
    expect(problems.map((p) => p.subject)).toEqual([
      'netns:[1] nif 2 (gone)',
      'netns:[1] nif 3 (far)',
      'netns:[1] nif 4 (port)',
      'netns:[1] nif 5 (mv)',
      'netns:[1] nif 6 (odd)',
      'netns:[1] nif 8 (neg)',
    ]);
    expect(problems.every((p) => p.code === 'GW_ERR_NETWORK_RELATION')).toBe(true);
    for (const i of [2, 3, 6, 8]) expect(nif(a, i).peer).toBeUndefined();
    expect(nif(a, 4).master).toBeUndefined();
    expect(nif(a, 5).lower).toBeUndefined();
  });

  it('stays structural at scale: a host bridged to 1000 containers needs no query', () => {
    const n = 1000;
    const hostLinks = [
      lo(),
      link({ index: 2, name: 'br0', kind: 'bridge', data: { kind: 'bridge' } }),
    ];
    const containers: NetworkNamespace[] = [];
    for (let i = 0; i < n; i++) {
      hostLinks.push(veth(10 + i, `veth${i}`, 2, i, { masterIndex: 2 }));
      containers.push(netns(100 + i, [lo(), veth(2, 'eth0', 10 + i, 0)]));
    }
    const host = netns(1, hostLinks);
    const r = new NsidResolver([host, ...containers]);
    const problems = resolveRelations([host, ...containers]);
    expect(r.unresolved()).toEqual([]);
    expect(problems).toEqual([]);
    expect(host.nsids.size).toBe(n);
    expect(nif(containers[777] as NetworkNamespace, 2).peer).toBe(nif(host, 787));
    expect(nif(host, 2).ports).toHaveLength(n);
  });

  it('re-running resolution does not duplicate ports', () => {
    const a = netns(1, [
      lo(),
      link({ index: 2, name: 'br', kind: 'bridge', data: { kind: 'bridge' } }),
      veth(3, 'p', 4, undefined, { masterIndex: 2 }),
      veth(4, 'q', 3),
    ]);
    resolveRelations([a]);
    resolveRelations([a]);
    expect(nif(a, 2).ports).toEqual([nif(a, 3)]);
  });
});

function vxlan(linkIndex: number | undefined) {
  return {
    kind: 'vxlan' as const,
    vni: 42,
    port: 4789,
    portLow: 0,
    portHigh: 0,
    ttl: 0,
    tos: 0,
    proxy: false,
    ...(linkIndex === undefined ? {} : { linkIndex }),
  };
}
