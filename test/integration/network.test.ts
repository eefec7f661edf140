// SPDX-License-Identifier: MIT
/**
 * Network discovery against real kernel objects, compared field by field with iproute2's own
 * view (`ip -j -d link`, `ip -j addr`, `ip -4/-6 -j route show table all`, `ip -4/-6 -j rule`)
 * of the same namespaces. Topology (all in `gwt-<rand>-*` namespaces made here):
 *
 *   a: bridge br0 ← ports vab (veth to b), va1 (veth, peer va2 in a); tun0, tap0;
 *      addresses v4+v6; routes in main, table 100 (blackhole, v6 with pref), table 200
 *      (multipath); policy rules v4+v6
 *   b: vba (peer of vab), mv0 (macvlan made on a/br0, moved here), vbc (veth to c)
 *   c: vcb, vcd (veth to d), mvt0 (macvtap made on a/va2, moved here), vx0 (vxlan with
 *      underlay a/br0, moved here)
 *   d: vdc (end of the nested chain a → b → c → d)
 *
 * Kinds this kernel may lack (vlan, dummy, ipvlan, bond, vrf, geneve, wireguard) are probed and
 * skipped with that reason; their decoders and relations are unit-tested in src/.
 * As non-root everything privileged skips; the unprivileged case asserts recorded problems.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NamespaceModel } from '../../src/model/namespace.js';
import type { NetworkModel, NetworkNamespace, Nif } from '../../src/model/network.js';
import type { Problem } from '../../src/model/problem.js';
import { discoverNamespaces } from '../../src/namespaces/index.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { discoverNetwork } from '../../src/network/index.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import { IS_ROOT, makeNetns, type TestNetns } from '../helpers/namespaces.js';

const NATIVE = isNativeAvailable();

function ip(...args: string[]): string {
  return execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}
function ipJson<T>(ns: string, ...args: string[]): T[] {
  return JSON.parse(ip('-n', ns, '-j', ...args) || '[]') as T[];
}

/** Kernel link kinds that may be missing: probed once (root only) in a scratch netns. */
const OPTIONAL_KINDS = ['vlan', 'dummy', 'ipvlan', 'bond', 'vrf', 'geneve', 'wireguard'] as const;
type OptionalKind = (typeof OPTIONAL_KINDS)[number];
const ADD_ARGS: Record<OptionalKind, string[]> = {
  vlan: ['link', 'low', 'type', 'vlan', 'id', '100'],
  dummy: ['type', 'dummy'],
  ipvlan: ['link', 'low', 'type', 'ipvlan', 'mode', 'l2'],
  bond: ['type', 'bond', 'mode', 'active-backup'],
  vrf: ['type', 'vrf', 'table', '10'],
  geneve: ['type', 'geneve', 'id', '5', 'remote', '192.0.2.9'],
  wireguard: ['type', 'wireguard'],
};
function probeKinds(): Set<OptionalKind> {
  const have = new Set<OptionalKind>();
  if (!IS_ROOT) return have;
  const scratch = makeNetns();
  try {
    ip('-n', scratch.name, 'link', 'add', 'low', 'type', 'veth', 'peer', 'name', 'low2');
    for (const k of OPTIONAL_KINDS) {
      try {
        ip('-n', scratch.name, 'link', 'add', `t-${k}`, ...ADD_ARGS[k]);
        have.add(k);
      } catch {
        // "Unknown device type": this kernel lacks the kind
      }
    }
  } finally {
    scratch.cleanup();
  }
  return have;
}
const KINDS = probeKinds();

// ------------------------------------------------------------------------------------------
// iproute2 JSON shapes (the fields compared)

interface IpLink {
  ifindex: number;
  ifname: string;
  address?: string;
  mtu: number;
  operstate: string;
  master?: string;
  link?: string | null;
  link_index?: number;
  link_netnsid?: number;
  flags: string[];
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_data?: Record<string, unknown> };
}
interface IpAddr {
  ifindex: number;
  ifname: string;
  addr_info: Array<{
    family: string;
    local: string;
    prefixlen: number;
    scope: string;
    label?: string;
    valid_life_time: number;
    preferred_life_time: number;
  }>;
}
interface IpRoute {
  type?: string;
  dst: string;
  gateway?: string;
  dev?: string;
  table?: string;
  metric?: number;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  pref?: string;
  nexthops?: Array<{ gateway?: string; dev: string; weight: number }>;
}
interface IpRule {
  priority: number;
  src: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  table: string;
}

const SCOPES: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };
const TABLES: Record<string, number> = { default: 253, main: 254, local: 255 };
const RTN: Record<number, string> = {
  1: 'unicast',
  2: 'local',
  3: 'broadcast',
  4: 'anycast',
  5: 'multicast',
  6: 'blackhole',
  7: 'unreachable',
  8: 'prohibit',
  9: 'throw',
};
const PREF: Record<number, string> = { 0: 'medium', 1: 'high', 3: 'low' };
const tableNo = (t: string | undefined): number =>
  t === undefined ? 254 : (TABLES[t] ?? Number(t));

function routeKeyFromIp(family: 4 | 6, r: IpRoute): string {
  const any = family === 4 ? '0.0.0.0' : '::';
  const dst =
    r.dst === 'default'
      ? `${any}/0`
      : r.dst.includes('/')
        ? r.dst
        : `${r.dst}/${family === 4 ? 32 : 128}`;
  const hops = (r.nexthops ?? []).map((h) => `${h.gateway ?? '-'}@${h.dev}*${h.weight}`).join(',');
  return [
    tableNo(r.table),
    r.type ?? 'unicast',
    dst,
    r.metric ?? 0,
    r.gateway ?? '-',
    r.dev ?? '-',
    r.prefsrc ?? '-',
    r.pref ?? '-',
    hops,
  ].join(' ');
}
function routeKeyFromModel(n: NetworkNamespace, family: 4 | 6): string[] {
  return n.routes
    .filter((r) => r.family === family)
    .map((r) => {
      const hops = r.multipath
        .map((h) => `${h.gateway ?? '-'}@${h.oif?.name ?? '?'}*${h.weight}`)
        .join(',');
      const pref = family === 6 && r.pref !== undefined ? (PREF[r.pref] ?? String(r.pref)) : '-';
      return [
        r.table,
        RTN[r.type] ?? String(r.type),
        `${r.destination}/${r.destinationPrefixLen}`,
        r.metric,
        r.gateway ?? '-',
        r.oif?.name ?? '-',
        r.prefSource ?? '-',
        pref,
        hops,
      ].join(' ');
    });
}

/** Every netns created by this suite, by letter. */
const NS: Record<string, TestNetns> = {};
let model: NetworkModel | undefined;
let nsModel: NamespaceModel | undefined;
let problems: Problem[] = [];

function ino(letter: string): number {
  const n = NS[letter];
  if (n === undefined) throw new Error(`no netns ${letter}`);
  return statSync(n.path).ino;
}
function netnsOf(letter: string): NetworkNamespace {
  const n = model?.netns.get(ino(letter));
  if (n === undefined) throw new Error(`netns ${letter} not discovered`);
  return n;
}
function nifOf(letter: string, name: string): Nif {
  const n = [...netnsOf(letter).nifs.values()].find((x) => x.name === name);
  if (n === undefined) throw new Error(`nif ${name} not found in ${letter}`);
  return n;
}
function nifOfIn(m: NetworkModel, letter: string, name: string): Nif | undefined {
  return [...(m.netns.get(ino(letter))?.nifs.values() ?? [])].find((x) => x.name === name);
}
const ourProblems = (): Problem[] =>
  problems.filter((p) =>
    Object.keys(NS).some((l) => NS[l] !== undefined && p.subject.startsWith(`netns:[${ino(l)}]`)),
  );

function buildTopology(): void {
  for (const l of ['a', 'b', 'c', 'd']) NS[l] = makeNetns();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((l) => (NS[l] as TestNetns).name) as [
    string,
    string,
    string,
    string,
  ];
  const cmds: string[][] = [
    [a, 'link', 'add', 'br0', 'type', 'bridge'],
    [a, 'link', 'set', 'br0', 'up'],
    [a, 'link', 'add', 'vab', 'type', 'veth', 'peer', 'name', 'vba', 'netns', b],
    [a, 'link', 'set', 'vab', 'master', 'br0', 'up'],
    [b, 'link', 'set', 'vba', 'up'],
    [a, 'link', 'add', 'va1', 'type', 'veth', 'peer', 'name', 'va2'],
    [a, 'link', 'set', 'va1', 'master', 'br0', 'up'],
    [a, 'link', 'set', 'va2', 'up'],
    [a, 'link', 'set', 'lo', 'up'],
    [a, 'link', 'add', 'mv0', 'link', 'br0', 'type', 'macvlan', 'mode', 'bridge'],
    [a, 'link', 'set', 'mv0', 'netns', b],
    [a, 'link', 'add', 'mvt0', 'link', 'va2', 'type', 'macvtap', 'mode', 'vepa'],
    [a, 'link', 'set', 'mvt0', 'netns', c],
    [a, 'addr', 'add', '10.1.0.1/24', 'dev', 'br0'],
    [a, 'addr', 'add', '10.2.0.1/24', 'dev', 'va2', 'label', 'va2:sec'],
    [a, '-6', 'addr', 'add', 'fd00:1::1/64', 'dev', 'br0', 'nodad'],
    [
      a,
      '-6',
      'addr',
      'add',
      'fd00:2::1/64',
      'dev',
      'va2',
      'nodad',
      'preferred_lft',
      '300',
      'valid_lft',
      '600',
    ],
    [b, 'addr', 'add', '10.1.0.2/24', 'dev', 'vba'],
    [
      a,
      'link',
      'add',
      'vx0',
      'type',
      'vxlan',
      'id',
      '42',
      'dev',
      'br0',
      'local',
      '10.1.0.1',
      'remote',
      '10.1.0.2',
      'dstport',
      '4789',
      'srcport',
      '1000',
      '2000',
    ],
    [a, 'link', 'set', 'vx0', 'netns', c],
    [a, 'tuntap', 'add', 'mode', 'tun', 'name', 'tun0'],
    [a, 'tuntap', 'add', 'mode', 'tap', 'name', 'tap0'],
    [b, 'link', 'add', 'vbc', 'type', 'veth', 'peer', 'name', 'vcb', 'netns', c],
    [c, 'link', 'add', 'vcd', 'type', 'veth', 'peer', 'name', 'vdc', 'netns', d],
    [
      a,
      'route',
      'add',
      '10.9.0.0/24',
      'table',
      '200',
      'nexthop',
      'via',
      '10.1.0.2',
      'dev',
      'br0',
      'weight',
      '1',
      'nexthop',
      'via',
      '10.2.0.2',
      'dev',
      'va2',
      'weight',
      '3',
    ],
    [a, 'route', 'add', 'blackhole', '10.8.0.0/16', 'table', '100', 'metric', '7'],
    [a, 'route', 'add', 'default', 'via', '10.1.0.2', 'dev', 'br0', 'metric', '20'],
    [
      a,
      '-6',
      'route',
      'add',
      'fd00:9::/64',
      'via',
      'fd00:1::2',
      'dev',
      'br0',
      'metric',
      '50',
      'table',
      '100',
      'pref',
      'high',
    ],
    [a, 'rule', 'add', 'from', '10.1.0.0/24', 'table', '100', 'priority', '1000'],
    [a, '-6', 'rule', 'add', 'to', 'fd00:9::/64', 'table', '200', 'priority', '1001'],
  ];
  for (const [ns, ...args] of cmds) ip('-n', ns as string, ...args);
  // IPv6 link-local addresses (and their local routes) appear asynchronously after DAD: wait
  // until no address is tentative so that discovery and `ip` see the same state.
  const deadline = Date.now() + 10_000;
  for (const n of [a, b, c, d]) {
    while (ip('-n', n, '-6', 'addr', 'show', 'tentative').trim() !== '' && Date.now() < deadline) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
}

describe.skipIf(!IS_ROOT || !NATIVE)('network discovery as root', () => {
  beforeAll(async () => {
    try {
      buildTopology();
      nsModel = discoverNamespaces().value;
      const r = await discoverNetwork(nsModel);
      model = r.value;
      problems = r.problems;
    } catch (e: unknown) {
      for (const n of Object.values(NS)) n.cleanup();
      throw e;
    }
  });
  afterAll(() => {
    for (const n of Object.values(NS)) n.cleanup();
  });
  beforeEach(() => {
    startLeakGuard();
  });
  afterEach(() => {
    expectNoLeaks();
  });

  it('discovers every netns of the topology without problems', () => {
    for (const l of ['a', 'b', 'c', 'd']) expect(model?.netns.has(ino(l))).toBe(true);
    expect(ourProblems()).toEqual([]);
  });

  it('matches ip -j -d link: index, name, kind, mac, mtu, operstate, master, link/peer', () => {
    for (const l of ['a', 'b', 'c', 'd']) {
      const netns = netnsOf(l);
      const links = ipJson<IpLink>((NS[l] as TestNetns).name, '-d', 'link', 'show');
      expect([...netns.nifs.keys()].sort((x, y) => x - y)).toEqual(
        links.map((k) => k.ifindex).sort((x, y) => x - y),
      );
      for (const k of links) {
        const nif = netns.nifs.get(k.ifindex);
        expect(nif, `${l}/${k.ifname}`).toBeDefined();
        if (nif === undefined) continue;
        expect(nif.name).toBe(k.ifname);
        expect(nif.kind).toBe(k.linkinfo?.info_kind ?? '');
        expect(nif.slaveKind).toBe(k.linkinfo?.info_slave_kind ?? '');
        expect(nif.mac).toBe(k.address ?? '');
        expect(nif.mtu).toBe(k.mtu);
        expect(nif.operState).toBe(k.operstate);
        expect(nif.up).toBe(k.flags.includes('UP'));
        expect(nif.loopback).toBe(k.flags.includes('LOOPBACK'));
        expect(nif.physical).toBe(false); // all nifs in our namespaces are virtual
        expect(nif.master?.name).toBe(k.master);
        if (k.master !== undefined) expect(nif.master?.ports).toContain(nif);
        const related = nif.peer ?? nif.lower;
        if (typeof k.link === 'string') {
          // same-netns relation, resolved by name by ip
          expect(related?.name, `${l}/${k.ifname} link`).toBe(k.link);
          expect(related?.netns).toBe(netns);
        } else if (k.link_netnsid !== undefined && nif.kind !== 'vxlan') {
          expect(related?.index, `${l}/${k.ifname} link_index`).toBe(k.link_index);
          expect(related?.netns).toBe(netns.nsids.get(k.link_netnsid));
        }
        if (nif.kind === 'veth') expect(nif.peer?.peer).toBe(nif);
      }
    }
  });

  it('resolves cross-netns relations to the right namespaces', () => {
    expect(nifOf('a', 'vab').peer).toBe(nifOf('b', 'vba'));
    expect(nifOf('b', 'vba').peer).toBe(nifOf('a', 'vab'));
    expect(nifOf('a', 'va1').peer).toBe(nifOf('a', 'va2'));
    expect(nifOf('a', 'br0').ports).toEqual(
      expect.arrayContaining([nifOf('a', 'vab'), nifOf('a', 'va1')]),
    );
    expect(nifOf('a', 'br0').ports).toHaveLength(2);
    expect(nifOf('b', 'mv0').lower).toBe(nifOf('a', 'br0'));
    expect(nifOf('a', 'br0').uppers).toContain(nifOf('b', 'mv0'));
    expect(nifOf('c', 'mvt0').lower).toBe(nifOf('a', 'va2'));
    expect(nifOf('c', 'vx0').underlay).toBe(nifOf('a', 'br0'));
    expect(nifOf('a', 'br0').overlays).toEqual([nifOf('c', 'vx0')]);
    // nested chain a → b → c → d
    expect(nifOf('b', 'vbc').peer).toBe(nifOf('c', 'vcb'));
    expect(nifOf('c', 'vcd').peer).toBe(nifOf('d', 'vdc'));
    expect(nifOf('d', 'vdc').peer).toBe(nifOf('c', 'vcd'));
  });

  it('decodes kind data as ip -d shows it (macvlan/macvtap mode, vxlan, tun/tap)', () => {
    const c = (NS.c as TestNetns).name;
    const cl = ipJson<IpLink>(c, '-d', 'link', 'show');
    const vx = cl.find((k) => k.ifname === 'vx0')?.linkinfo?.info_data ?? {};
    const kd = nifOf('c', 'vx0').kindData;
    expect(kd?.kind).toBe('vxlan');
    if (kd?.kind === 'vxlan') {
      expect(kd.vni).toBe(vx.id);
      expect(kd.port).toBe(vx.port);
      expect(kd.local4).toBe(vx.local);
      expect(kd.group4).toBe(vx.remote);
      expect({ low: kd.portLow, high: kd.portHigh }).toEqual(vx.port_range);
      expect(kd.ttl).toBe(vx.ttl);
      expect(kd.linkIndex).toBe(nifOf('a', 'br0').index);
    }
    const mvt = nifOf('c', 'mvt0').kindData;
    expect(mvt).toMatchObject({ kind: 'macvtap', mode: 'vepa' });
    expect(nifOf('b', 'mv0').kindData).toMatchObject({ kind: 'macvlan', mode: 'bridge' });
    expect(nifOf('a', 'tun0').kindData).toMatchObject({ kind: 'tun', mode: 'tun', persist: true });
    expect(nifOf('a', 'tap0').kindData).toMatchObject({ kind: 'tun', mode: 'tap', persist: true });
    expect(nifOf('a', 'tun0').mac).toBe('');
    expect(nifOf('a', 'br0').kindData?.kind).toBe('bridge');
  });

  it('matches ip -j addr: family, address, prefix, scope, label, lifetimes', () => {
    for (const l of ['a', 'b', 'c', 'd']) {
      const netns = netnsOf(l);
      for (const e of ipJson<IpAddr>((NS[l] as TestNetns).name, 'addr', 'show')) {
        const mine = (netns.nifs.get(e.ifindex)?.addresses ?? []).map((x) =>
          [
            x.family,
            x.address,
            x.prefixLen,
            x.scope,
            x.label ?? '-',
            x.validLifetime > 0,
            x.preferredLifetime <= x.validLifetime,
          ].join(' '),
        );
        const theirs = e.addr_info.map((x) =>
          [
            x.family === 'inet' ? 4 : 6,
            x.local,
            x.prefixlen,
            SCOPES[x.scope] ?? x.scope,
            x.family === 'inet' ? (x.label ?? '-') : '-',
            x.valid_life_time > 0,
            x.preferred_life_time <= x.valid_life_time,
          ].join(' '),
        );
        expect(mine.sort(), `${l}/${e.ifname}`).toEqual(theirs.sort());
      }
    }
    const v6 = nifOf('a', 'va2').addresses.find((x) => x.address === 'fd00:2::1');
    expect(v6?.validLifetime).toBeGreaterThan(500);
    expect(v6?.validLifetime).toBeLessThanOrEqual(600);
    expect(v6?.preferredLifetime).toBeLessThanOrEqual(300);
    expect(nifOf('a', 'va2').addresses.find((x) => x.address === '10.2.0.1')?.label).toBe(
      'va2:sec',
    );
  });

  it('matches ip -4/-6 -j route show table all: table, type, dst, metric, gateway, dev, pref, next hops', () => {
    for (const l of ['a', 'b', 'c', 'd']) {
      const netns = netnsOf(l);
      for (const family of [4, 6] as const) {
        const theirs = ipJson<IpRoute>(
          (NS[l] as TestNetns).name,
          `-${family}`,
          'route',
          'show',
          'table',
          'all',
        ).map((r) => routeKeyFromIp(family, r));
        expect(routeKeyFromModel(netns, family).sort(), `${l} IPv${family}`).toEqual(theirs.sort());
      }
    }
    const mp = netnsOf('a').routes.find((r) => r.table === 200);
    expect(mp?.multipath.map((h) => [h.gateway, h.oif, h.weight])).toEqual([
      ['10.1.0.2', nifOf('a', 'br0'), 1],
      ['10.2.0.2', nifOf('a', 'va2'), 3],
    ]);
    expect(netnsOf('a').routes.find((r) => r.table === 100 && r.family === 4)?.type).toBe(6); // RTN_BLACKHOLE
  });

  it('matches ip -4/-6 -j rule: priority, table, from, to', () => {
    for (const l of ['a', 'b']) {
      const netns = netnsOf(l);
      for (const family of [4, 6] as const) {
        const theirs = ipJson<IpRule>((NS[l] as TestNetns).name, `-${family}`, 'rule', 'show').map(
          (r) =>
            [
              r.priority,
              tableNo(r.table),
              r.src === 'all' ? '-' : `${r.src}/${r.srclen}`,
              r.dst === undefined ? '-' : `${r.dst}/${r.dstlen}`,
            ].join(' '),
        );
        const mine = netns.rules
          .filter((r) => r.family === family)
          .map((r) =>
            [
              r.priority,
              r.table,
              r.src === undefined ? '-' : `${r.src}/${r.srcLen}`,
              r.dst === undefined ? '-' : `${r.dst}/${r.dstLen}`,
            ].join(' '),
          );
        expect(mine.sort(), `${l} IPv${family}`).toEqual(theirs.sort());
      }
    }
  });

  it('reads ethtool driver info for physical nifs of the host', () => {
    const host = nsModel?.initial.net;
    const hostNet = host === undefined ? undefined : model?.netns.get(host.id.ino);
    const phys = [...(hostNet?.nifs.values() ?? [])].filter((n) => n.physical);
    for (const n of phys) {
      expect(n.driverInfo?.driver, n.name).toMatch(/\S/);
      const sysDriver = (() => {
        try {
          return execFileSync('readlink', ['-f', `/sys/class/net/${n.name}/device/driver`], {
            encoding: 'utf8',
          })
            .trim()
            .split('/')
            .pop();
        } catch {
          return undefined;
        }
      })();
      // virtio_net reports "virtio_net"; the sysfs driver directory is "virtio_net" too
      if (sysDriver !== undefined && sysDriver !== '') expect(n.driverInfo?.driver).toBe(sysDriver);
    }
  });

  it('records an unreachable netns as a problem and still discovers the others', async () => {
    if (nsModel === undefined) throw new Error('no namespace model');
    const real = nsModel.byType.net;
    const ghost = {
      ...(real[0] as (typeof real)[number]),
      id: { dev: 0, ino: 1 },
      ref: ['/run/netns/gwt-does-not-exist'],
    };
    const broken: NamespaceModel = {
      ...nsModel,
      byType: { ...nsModel.byType, net: [...real, ghost] },
    };
    const r = await discoverNetwork(broken, { driverInfo: false });
    expect(r.problems.filter((p) => p.subject === 'netns:[1]')).toEqual([
      expect.objectContaining({ code: 'GW_ERR_NETWORK_NETNS_UNREACHABLE' }),
    ]);
    // (other namespaces on this host may come and go meanwhile: check ours)
    for (const l of ['a', 'b', 'c', 'd']) expect(r.value.netns.has(ino(l))).toBe(true);
    expect(nifOfIn(r.value, 'c', 'vx0')?.underlay?.name).toBe('br0');
  });

  it.each([
    ['fingerprint probes', false],
    ['RTM_GETNSID-by-fd queries (cloned MACs defeat fingerprints)', true],
  ])(
    'resolves structurally identical nested chains (same names and indexes) through %s',
    async (_what, cloneMacs) => {
      // Three chains x → y, each made the same way: inside x and y the veth ends get the same
      // indexes and names, so structure alone cannot tell which y belongs to which x.
      const chains = [0, 1, 2].map(() => ({ x: makeNetns(), y: makeNetns() }));
      try {
        for (const { x, y } of chains) {
          const macs = cloneMacs ? ['address', '02:00:5e:00:00:01'] : [];
          const peerMacs = cloneMacs ? ['address', '02:00:5e:00:00:02'] : [];
          ip(
            '-n',
            x.name,
            'link',
            'add',
            'up0',
            ...macs,
            'type',
            'veth',
            'peer',
            'name',
            'down0',
            ...peerMacs,
            'netns',
            y.name,
          );
        }
        const nsm = discoverNamespaces().value;
        const r = await discoverNetwork(nsm, { driverInfo: false });
        const { stats } = r;
        expect(stats.fingerprintQueries).toBeGreaterThan(0);
        if (cloneMacs) expect(stats.fdQueries).toBeGreaterThan(0);
        for (const { x, y } of chains) {
          const nx = r.value.netns.get(statSync(x.path).ino);
          const ny = r.value.netns.get(statSync(y.path).ino);
          const up = [...(nx?.nifs.values() ?? [])].find((f) => f.name === 'up0');
          const down = [...(ny?.nifs.values() ?? [])].find((f) => f.name === 'down0');
          expect(up).toBeDefined();
          expect(up?.peer).toBe(down);
          expect(down?.peer).toBe(up);
          const theirs = ipJson<IpLink>(x.name, 'link', 'show', 'up0')[0];
          expect(up?.peer?.index).toBe(theirs?.link_index);
        }
      } finally {
        for (const { x, y } of chains) {
          x.cleanup();
          y.cleanup();
        }
      }
    },
  );

  for (const kind of OPTIONAL_KINDS) {
    it.skipIf(!KINDS.has(kind))(
      `discovers ${kind} with its relation${KINDS.has(kind) ? '' : ' — skipped: this kernel lacks ' + kind}`,
      async () => {
        const t = makeNetns();
        try {
          ip('-n', t.name, 'link', 'add', 'low', 'type', 'veth', 'peer', 'name', 'low2');
          ip('-n', t.name, 'link', 'add', 'x0', ...ADD_ARGS[kind]);
          if (kind === 'bond' || kind === 'vrf')
            ip('-n', t.name, 'link', 'set', 'low2', 'master', 'x0');
          const nsm = discoverNamespaces().value;
          const r = await discoverNetwork(nsm, { driverInfo: false });
          const n = r.value.netns.get(statSync(t.path).ino);
          const x0 = [...(n?.nifs.values() ?? [])].find((f) => f.name === 'x0');
          const low = [...(n?.nifs.values() ?? [])].find((f) => f.name === 'low');
          const low2 = [...(n?.nifs.values() ?? [])].find((f) => f.name === 'low2');
          expect(x0?.kind).toBe(kind);
          expect(x0?.kindData?.kind).toBe(kind);
          if (kind === 'vlan' || kind === 'ipvlan') expect(x0?.lower).toBe(low);
          if (kind === 'bond' || kind === 'vrf') expect(low2?.master).toBe(x0);
        } finally {
          t.cleanup();
        }
      },
    );
  }
});

describe.skipIf(IS_ROOT || !NATIVE)('network discovery as an ordinary user', () => {
  it('records unreachable foreign namespaces instead of failing', async () => {
    const nsm = discoverNamespaces().value;
    const r = await discoverNetwork(nsm);
    const own = nsm.own.net;
    if (own !== undefined) expect(r.value.netns.has(own.id.ino)).toBe(true);
    for (const ns of nsm.byType.net) {
      if (ns === own || r.value.netns.has(ns.id.ino)) continue;
      expect(
        r.problems.some(
          (p) =>
            p.subject === `netns:[${ns.id.ino}]` && p.code === 'GW_ERR_NETWORK_NETNS_UNREACHABLE',
        ),
      ).toBe(true);
    }
  });
});
