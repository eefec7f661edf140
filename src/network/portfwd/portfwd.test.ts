// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../errors.js';
import type { Forward } from '../../model/forward.js';
import type { NetworkNamespace } from '../../model/network.js';
import { MessageBuilder } from '../../netlink/index.js';
import {
  NFT,
  decodeRule,
  nftType,
  type NftChain,
  type NftRule,
} from '../../netlink/nftables/index.js';
import { parseEntries, parseGetInfo } from '../../netlink/xtables/index.js';
import {
  makeAddress,
  makeNamespace,
  makeNamespaceModel,
  makeNif,
  makeProcess,
  makeRoute,
} from '../../../test/helpers/scenario.js';
import { prng } from '../../../test/helpers/netlink-fuzz.js';
import { addDockerProxyForwards, forwardsOfTables } from './discover.js';
import { parseDockerProxy } from './docker-proxy.js';
import { loadNatFixture } from './fixture-replay.js';
import { resolveForwards, whereIs } from './resolve.js';
import { walkNatTable, type NatTable } from './walk.js';

// --- building nf_tables rule messages as the kernel sends them
type Expr = (b: MessageBuilder) => void;
const be32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v, 0);
  return b;
};
function expr(name: string, body: Expr): Expr {
  return (b) => {
    const el = b.beginNested(NFT.NFTA_LIST_ELEM);
    b.string(NFT.NFTA_EXPR_NAME, name);
    const d = b.beginNested(NFT.NFTA_EXPR_DATA);
    body(b);
    b.endNested(d);
    b.endNested(el);
  };
}
const value = (b: MessageBuilder, type: number, v: Buffer): void => {
  const t = b.beginNested(type);
  b.attr(NFT.NFTA_DATA_VALUE, v);
  b.endNested(t);
};
const payload = (base: number, offset: number, len: number): Expr =>
  expr('payload', (b) => {
    b.attr(NFT.NFTA_PAYLOAD_DREG, be32(1));
    b.attr(NFT.NFTA_PAYLOAD_BASE, be32(base));
    b.attr(NFT.NFTA_PAYLOAD_OFFSET, be32(offset));
    b.attr(NFT.NFTA_PAYLOAD_LEN, be32(len));
  });
const cmpEq = (v: Buffer): Expr =>
  expr('cmp', (b) => {
    b.attr(NFT.NFTA_CMP_SREG, be32(1));
    b.attr(NFT.NFTA_CMP_OP, be32(0));
    value(b, NFT.NFTA_CMP_DATA, v);
  });
const metaL4 = expr('meta', (b) => {
  b.attr(NFT.NFTA_META_KEY, be32(NFT.NFT_META_L4PROTO));
  b.attr(NFT.NFTA_META_DREG, be32(1));
});
function xtTcp(dport: number): Expr {
  const info = Buffer.alloc(12);
  info.writeUInt16LE(0, 0);
  info.writeUInt16LE(0xffff, 2);
  info.writeUInt16LE(dport, 4);
  info.writeUInt16LE(dport, 6);
  return expr('match', (b) => {
    b.string(NFT.NFTA_MATCH_NAME, 'tcp');
    b.attr(NFT.NFTA_MATCH_REV, be32(0));
    b.attr(NFT.NFTA_MATCH_INFO, info);
  });
}
function xtDnat(ip: string, port: number): Expr {
  const info = Buffer.alloc(44);
  info.writeUInt32LE(NFT.NF_NAT_RANGE_MAP_IPS | NFT.NF_NAT_RANGE_PROTO_SPECIFIED, 0);
  Buffer.from(ip.split('.').map(Number)).copy(info, 4);
  Buffer.from(ip.split('.').map(Number)).copy(info, 20);
  info.writeUInt16BE(port, 36);
  info.writeUInt16BE(port, 38);
  return expr('target', (b) => {
    b.string(NFT.NFTA_TARGET_NAME, 'DNAT');
    b.attr(NFT.NFTA_TARGET_REV, be32(2));
    b.attr(NFT.NFTA_TARGET_INFO, info);
  });
}
function ruleMessage(chain: string, exprs: Expr[], extra?: Expr): Buffer {
  const b = new MessageBuilder({ type: nftType(NFT.NFT_MSG_NEWRULE), flags: 2 });
  b.raw(Uint8Array.of(NFT.NFPROTO_IPV4, 0, 0, 0));
  b.string(NFT.NFTA_RULE_TABLE, 'nat');
  b.string(NFT.NFTA_RULE_CHAIN, chain);
  b.attr(NFT.NFTA_RULE_HANDLE, Buffer.from([0, 0, 0, 0, 0, 0, 0, 7]));
  const l = b.beginNested(NFT.NFTA_RULE_EXPRESSIONS);
  for (const e of exprs) e(b);
  b.endNested(l);
  extra?.(b);
  return b.finish();
}
function decode(msg: Buffer): NftRule {
  return decodeRule({
    length: msg.length,
    type: msg.readUInt16LE(4),
    flags: 0,
    seq: 0,
    pid: 0,
    payload: msg.subarray(16),
    offset: 0,
  });
}
const DOCKER: NftChain = { family: 2, table: 'nat', name: 'DOCKER', handle: 1n };
const table = (rules: NftRule[], sets: NatTable['sets'] = []): NatTable => ({
  source: 'nftables',
  family: NFT.NFPROTO_IPV4,
  name: 'nat',
  chains: [DOCKER],
  rules,
  sets,
});
const short = (t: NatTable): string[] =>
  walkNatTable(t).forwards.map(
    (f) => `${f.backend} ${f.protocol} ${f.ip}:${f.portMin} -> ${f.targetIp}:${f.targetPortMin}`,
  );

describe('Docker rule encodings (§3.8)', () => {
  const ip = Buffer.from([127, 0, 0, 1]);
  it('Mk1: cmp IP + xtables tcp match + xtables DNAT target', () => {
    const r = decode(
      ruleMessage('DOCKER', [payload(1, 16, 4), cmpEq(ip), xtTcp(8080), xtDnat('172.17.0.2', 80)]),
    );
    expect(r.expressions.map((e) => e.type)).toEqual(['payload', 'cmp', 'match', 'target']);
    expect(short(table([r]))).toEqual(['docker tcp 127.0.0.1:8080 -> 172.17.0.2:80']);
    // without the IP: any address
    const r2 = decode(ruleMessage('DOCKER', [xtTcp(8081), xtDnat('172.17.0.3', 81)]));
    expect(short(table([r2]))).toEqual(['docker tcp 0.0.0.0:8081 -> 172.17.0.3:81']);
  });
  it('Mk2: meta l4proto + cmp, cmp IP, cmp port, DNAT target', () => {
    const r = decode(
      ruleMessage('DOCKER', [
        metaL4,
        cmpEq(Buffer.of(17)),
        payload(1, 16, 4),
        cmpEq(ip),
        payload(2, 2, 2),
        cmpEq(Buffer.from([0x14, 0xe9])),
        xtDnat('172.17.0.2', 53),
      ]),
    );
    expect(short(table([r]))).toEqual(['docker udp 127.0.0.1:5353 -> 172.17.0.2:53']);
  });
  it('Mk3: payload network-header protocol byte instead of meta l4proto', () => {
    const r = decode(
      ruleMessage('DOCKER', [
        payload(1, 9, 1),
        cmpEq(Buffer.of(6)),
        payload(2, 2, 2),
        cmpEq(Buffer.from([0x1f, 0x90])),
        xtDnat('172.17.0.9', 80),
      ]),
    );
    expect(short(table([r]))).toEqual(['docker tcp 0.0.0.0:8080 -> 172.17.0.9:80']);
  });
});

describe('bad input', () => {
  it('an unknown expression is kept raw with its attributes', () => {
    const r = decode(
      ruleMessage('DOCKER', [
        expr('quota', (b) => b.attr(1, Buffer.alloc(8))),
        xtTcp(1),
        xtDnat('10.0.0.1', 2),
      ]),
    );
    expect(r.expressions[0]).toEqual({
      type: 'raw',
      name: 'quota',
      attrs: [{ type: 1, data: Buffer.alloc(8) }],
    });
    expect(short(table([r]))).toEqual(['docker tcp 0.0.0.0:1 -> 10.0.0.1:2']);
  });
  it('a malformed expression marks the rule; the other rules still yield forwards', () => {
    const bad = decode(
      ruleMessage('DOCKER', [expr('cmp', (b) => b.attr(NFT.NFTA_CMP_SREG, be32(1)))]),
    );
    expect(bad.malformed?.code).toBe('GW_ERR_NETLINK_MALFORMED');
    const good = decode(ruleMessage('DOCKER', [xtTcp(80), xtDnat('10.0.0.1', 80)]));
    const w = walkNatTable(table([bad, good]));
    expect(w.forwards).toHaveLength(1);
    expect(w.problems).toHaveLength(1);
    expect(w.problems[0]?.message).toMatch(/malformed rule/);
  });
  it('a lookup of a missing set is a problem, not an exception', () => {
    const lookup = expr('lookup', (b) => {
      b.string(NFT.NFTA_LOOKUP_SET, 'gone');
      b.attr(NFT.NFTA_LOOKUP_SREG, be32(1));
      b.attr(NFT.NFTA_LOOKUP_DREG, be32(1));
    });
    const r = decode(ruleMessage('DOCKER', [payload(2, 2, 2), lookup]));
    const w = walkNatTable(table([r]));
    expect(w.forwards).toEqual([]);
    expect(w.problems.map((p) => p.message)).toEqual(['rule references missing set "gone"']);
    const problems: never[] = [];
    expect(forwardsOfTables(makeNamespace('net', 5), [table([r])], problems)).toEqual([]);
    expect(problems).toHaveLength(1);
  });
  it('a chain jumping to itself (legacy blobs can) is not followed forever', () => {
    const loop = (chain: string, to: string): NftRule => ({
      family: 2,
      table: 'nat',
      chain,
      handle: 1n,
      expressions: [
        {
          type: 'immediate',
          dreg: 0,
          data: { kind: 'verdict', verdict: { code: 'jump', raw: -3, chain: to } },
        },
      ],
    });
    const t: NatTable = {
      ...table([loop('A', 'B'), loop('B', 'A')]),
      chains: [
        {
          family: 2,
          table: 'nat',
          name: 'A',
          handle: 1n,
          hook: { hooknum: 0, priority: -100 },
          type: 'nat',
        },
        { family: 2, table: 'nat', name: 'B', handle: 2n },
      ],
    };
    const w = walkNatTable(t);
    expect(w.forwards).toEqual([]);
    expect(w.problems[0]?.message).toMatch(/not followed/);
  });
  it('truncated and mutated xtables blobs raise DecodeError only (bounded fuzz)', () => {
    const f = loadNatFixture(
      new URL('../../../test/fixtures/netlink/nftables', import.meta.url).pathname,
      'legacy',
    );
    const calls = f.getsockopt.filter((g) => g.level === 0);
    const info = parseGetInfo(Buffer.from(calls[0]?.answer ?? '', 'base64'));
    const blob = Buffer.from(calls[1]?.answer ?? '', 'base64');
    expect(parseEntries(blob, info, false).rules.length).toBeGreaterThan(3);
    const rnd = prng(0x9e7);
    let typed = 0;
    for (let i = 0; i < 1500; i++) {
      const b = Buffer.from(blob);
      const n = 1 + Math.floor(rnd() * 6);
      for (let k = 0; k < n; k++)
        b[40 + Math.floor(rnd() * (b.length - 40))] = Math.floor(rnd() * 256);
      const cut = rnd() < 0.3 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
      try {
        parseEntries(cut, info, rnd() < 0.2);
      } catch (e: unknown) {
        expect(e).toBeInstanceOf(DecodeError);
        typed++;
      }
    }
    expect(typed).toBeGreaterThan(100);
    expect(() => parseGetInfo(Buffer.alloc(10))).toThrow(DecodeError);
  });
});

describe('docker-proxy', () => {
  it('parses the five flags in Go flag syntax and refuses invalid values', () => {
    expect(
      parseDockerProxy([
        '/usr/bin/docker-proxy',
        '-proto',
        'tcp',
        '-host-ip',
        '0.0.0.0',
        '-host-port',
        '8080',
        '-container-ip',
        '172.17.0.2',
        '-container-port',
        '80',
        '-use-listen-fd',
      ]),
    ).toEqual({
      protocol: 'tcp',
      family: 4,
      hostIp: '0.0.0.0',
      hostPort: 8080,
      containerIp: '172.17.0.2',
      containerPort: 80,
    });
    expect(
      parseDockerProxy([
        'docker-proxy',
        '--proto=udp',
        '--host-ip=::',
        '--host-port=53',
        '--container-ip=fd00::2',
        '--container-port=53',
      ])?.family,
    ).toBe(6);
    expect(
      parseDockerProxy([
        'docker-proxy',
        '-proto',
        'tcp',
        '-host-ip',
        '0.0.0.0',
        '-host-port',
        '0',
        '-container-ip',
        '1.2.3.4',
        '-container-port',
        '80',
      ]),
    ).toBeUndefined();
    expect(parseDockerProxy(['docker-proxy', '-proto', 'icmp'])).toBeUndefined();
  });
  it('adds a forward only where no rule covers (protocol, host IP, host port)', () => {
    const net = makeNamespace('net', 4026531840);
    const p1 = makeProcess(
      10,
      undefined,
      'docker-proxy',
      [
        '/usr/bin/docker-proxy',
        '-proto',
        'tcp',
        '-host-ip',
        '0.0.0.0',
        '-host-port',
        '8080',
        '-container-ip',
        '172.17.0.2',
        '-container-port',
        '80',
      ],
      { net },
    );
    const p2 = makeProcess(
      11,
      undefined,
      'docker-proxy',
      [
        '/usr/bin/docker-proxy',
        '-proto',
        'tcp',
        '-host-ip',
        '0.0.0.0',
        '-host-port',
        '9090',
        '-container-ip',
        '172.17.0.2',
        '-container-port',
        '90',
      ],
      { net },
    );
    const model = makeNamespaceModel([net], [p1, p2], { net });
    const byNetns = new Map<number, Forward[]>();
    const rule = decode(ruleMessage('DOCKER', [xtTcp(8080), xtDnat('172.17.0.2', 80)]));
    byNetns.set(net.id.ino, forwardsOfTables(net, [table([rule])], []));
    addDockerProxyForwards(model, byNetns);
    expect(byNetns.get(net.id.ino)?.map((f) => `${f.backend} ${f.portMin}`)).toEqual([
      'docker 8080',
      'docker-proxy 9090',
    ]);
  });
});

describe('resolution (§3.8 + routes of all tables, bridges, veth hops, loops)', () => {
  const nn = (ino: number): NetworkNamespace => ({
    ns: makeNamespace('net', ino),
    nifs: new Map(),
    routes: [],
    rules: [],
    nsids: new Map(),
  });
  const veth = (
    a: NetworkNamespace,
    ai: number,
    an: string,
    b: NetworkNamespace,
    bi: number,
    bn: string,
  ): void => {
    const x = makeNif(a, ai, an, { kind: 'veth' });
    const y = makeNif(b, bi, bn, { kind: 'veth' });
    x.peer = y;
    y.peer = x;
  };
  function world() {
    const host = nn(1);
    const router = nn(2);
    const web = nn(3);
    const lo = makeNif(host, 1, 'lo');
    lo.addresses.push(makeAddress('127.0.0.1', 8, 254));
    const br = makeNif(host, 2, 'br0', { kind: 'bridge' });
    br.addresses.push(makeAddress('10.1.0.1', 24));
    veth(host, 3, 'vh', router, 2, 'eth0');
    const vh = host.nifs.get(3);
    if (vh === undefined) throw new Error('no vh');
    vh.master = br;
    br.ports.push(vh);
    router.nifs.get(2)?.addresses.push(makeAddress('10.1.0.2', 24));
    veth(router, 3, 'to-web', web, 2, 'eth0');
    web.nifs.get(2)?.addresses.push(makeAddress('10.2.0.5', 24));
    host.routes.push(makeRoute({ destination: '10.1.0.0', destinationPrefixLen: 24, oif: br }));
    host.routes.push(
      makeRoute({
        destination: '10.2.0.0',
        destinationPrefixLen: 16,
        oif: br,
        gateway: '10.1.0.2',
      }),
    );
    host.routes.push(
      makeRoute({
        destination: '127.0.0.0',
        destinationPrefixLen: 8,
        oif: lo,
        type: 2,
        table: 255,
      }),
    );
    host.routes.push(makeRoute({ destination: '192.0.2.0', destinationPrefixLen: 24, type: 6 }));
    router.routes.push(
      makeRoute({ destination: '10.2.0.0', destinationPrefixLen: 24, oif: router.nifs.get(3) }),
    );
    // a routing loop: 10.9.0.0/16 goes back and forth between host and router
    host.routes.push(
      makeRoute({
        destination: '10.9.0.0',
        destinationPrefixLen: 16,
        oif: br,
        gateway: '10.1.0.2',
      }),
    );
    router.routes.push(
      makeRoute({ destination: '10.9.0.0', destinationPrefixLen: 16, oif: router.nifs.get(2) }),
    );
    // policy routing: 10.7.0.0/16 only in table 100
    host.rules.push({
      family: 4,
      priority: 0,
      table: 255,
      action: 1,
      src: undefined,
      srcLen: 0,
      dst: undefined,
      dstLen: 0,
      iifName: undefined,
      oifName: undefined,
      fwmark: undefined,
      fwmask: undefined,
      tos: 0,
      invert: false,
      protocol: undefined,
    });
    host.rules.push({
      family: 4,
      priority: 100,
      table: 100,
      action: 1,
      src: undefined,
      srcLen: 0,
      dst: '10.7.0.0',
      dstLen: 16,
      iifName: undefined,
      oifName: undefined,
      fwmark: undefined,
      fwmask: undefined,
      tos: 0,
      invert: false,
      protocol: undefined,
    });
    host.rules.push({
      family: 4,
      priority: 32766,
      table: 254,
      action: 1,
      src: undefined,
      srcLen: 0,
      dst: undefined,
      dstLen: 0,
      iifName: undefined,
      oifName: undefined,
      fwmark: undefined,
      fwmask: undefined,
      tos: 0,
      invert: false,
      protocol: undefined,
    });
    host.routes.push(
      makeRoute({
        destination: '10.7.0.0',
        destinationPrefixLen: 16,
        oif: br,
        gateway: '10.1.0.2',
        table: 100,
      }),
    );
    router.nifs.get(2)?.addresses.push(makeAddress('10.7.0.1', 32));
    return {
      host,
      router,
      web,
      network: { netns: new Map([host, router, web].map((n) => [n.ns.id.ino, n])) },
    };
  }
  it('follows a bridge, a veth hop and a second veth to the netns owning the IP', () => {
    const w = world();
    const r = whereIs(w.host, '10.2.0.5');
    expect(r.found && r.nns).toBe(w.web);
    expect(
      r.found &&
        r.path.map((h) => `${h.netns.id.ino}${h.via === undefined ? '' : `/${h.via.name}`}`),
    ).toEqual(['1/vh', '2/to-web', '3']);
  });
  it('local routes (127.0.0.0/8 on lo), own addresses, policy-routed tables', () => {
    const w = world();
    const lo = whereIs(w.host, '127.0.0.11');
    expect(lo.found && lo.nifs.map((n) => n.name)).toEqual(['lo']);
    const own = whereIs(w.host, '10.1.0.1');
    expect(own.found && own.nifs.map((n) => n.name)).toEqual(['br0']);
    const pol = whereIs(w.host, '10.7.0.1');
    expect(pol.found && pol.nns).toBe(w.router);
  });
  it('reasons: no route, unreachable route, routing loop', () => {
    const w = world();
    expect(whereIs(w.host, '203.0.113.1')).toMatchObject({ found: false, reason: 'no-route' });
    expect(whereIs(w.host, '192.0.2.7')).toMatchObject({
      found: false,
      reason: 'unreachable-route',
    });
    expect(whereIs(w.host, '10.9.1.1')).toMatchObject({ found: false, reason: 'routing-loop' });
  });
  it('resolved forwards name nifs and the listening sockets serving the target', () => {
    const w = world();
    const f: Forward = {
      netns: w.host.ns,
      backend: 'nft',
      origin: { kind: 'nftables', family: 'ip', table: 'nat', chain: 'pre', handle: 1n },
      protocol: 'tcp',
      family: 4,
      ip: '0.0.0.0',
      portMin: 8080,
      portMax: 8080,
      serviceName: '',
      targetIp: '10.2.0.5',
      targetPortMin: 80,
      targetPortMax: 80,
      targetServiceName: 'http',
      resolution: undefined,
    };
    const nobody: Forward = { ...f, targetIp: '203.0.113.1', resolution: undefined };
    resolveForwards([f, nobody], w.network, new Map());
    expect(f.resolution).toMatchObject({ resolved: true, netns: w.web.ns, ports: [], servers: [] });
    expect(nobody.resolution).toMatchObject({ resolved: false, reason: 'no-route' });
  });
});
