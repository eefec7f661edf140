// SPDX-License-Identifier: MIT
/**
 * Every lint code over synthetic topologies: one that triggers it and one that must not.
 */
import { describe, expect, it } from 'vitest';
import type { Forward } from '../../model/forward.js';
import { Topology } from '../../../test/helpers/topology.js';
import { lint, lintCodes } from './index.js';

function codes(t: Topology): string[] {
  const { result, facts } = t.build();
  return lint({ result, facts }).map((f) => f.code);
}

/** Two netns joined by a veth pair with default routes: clean. */
function pair(): {
  t: Topology;
  a: ReturnType<Topology['netns']>;
  b: ReturnType<Topology['netns']>;
} {
  const t = new Topology();
  const a = t.netns('a');
  const b = t.netns('b');
  const [x, y] = t.veth(a, 'eth0', '10.0.0.1/24', b, 'eth0', '10.0.0.2/24');
  t.route(a, { destination: '0.0.0.0', destinationPrefixLen: 0, gateway: '10.0.0.2', oif: x });
  t.route(b, { destination: '0.0.0.0', destinationPrefixLen: 0, gateway: '10.0.0.1', oif: y });
  return { t, a, b };
}

function forward(t: Topology, ip: string, served: boolean): Forward {
  const { result } = t.build();
  const ns = t.host.ns;
  return {
    netns: ns,
    backend: 'nft',
    origin: { kind: 'nftables', family: 'ip', table: 'nat', chain: 'pre', handle: 3n },
    protocol: 'tcp',
    family: 4,
    ip,
    portMin: 8080,
    portMax: 8080,
    targetIp: '10.0.0.2',
    targetPortMin: 80,
    targetPortMax: 80,
    serviceName: '',
    targetServiceName: 'http',
    resolution: served
      ? {
          resolved: true,
          netns: ns,
          nifs: [],
          ports: [...(result.ports.get(ns.id.ino) ?? [])],
          servers: [],
          path: [],
        }
      : { resolved: false, reason: 'no-route', detail: 'no route to 10.0.0.2' },
  };
}

describe('lint', () => {
  it('a clean pair has no findings', () => {
    expect(codes(pair().t)).toEqual([]);
  });

  it('every code has a severity and a summary', () => {
    const all = lintCodes();
    expect(Object.keys(all).length).toBe(15);
    for (const v of Object.values(all)) expect(v.summary.length).toBeGreaterThan(10);
  });

  it('mtu-veth-mismatch', () => {
    const { t, a } = pair();
    expect(codes(t)).not.toContain('mtu-veth-mismatch');
    Object.assign(a.nifs.get(2) as object, { mtu: 1400 });
    expect(codes(t)).toContain('mtu-veth-mismatch');
  });

  it('mtu-bridge-mismatch', () => {
    const t = new Topology();
    const a = t.netns('a');
    const b = t.netns('b');
    const [, pa] = t.veth(a, 'eth0', '10.1.0.2/24', t.host, 'va', undefined);
    const [, pb] = t.veth(b, 'eth0', '10.1.0.3/24', t.host, 'vb', undefined);
    t.bridge(t.host, 'br0', [pa, pb], '10.1.0.1/24');
    expect(codes(t)).not.toContain('mtu-bridge-mismatch');
    Object.assign(b.nifs.get(2) as object, { mtu: 9000 });
    expect(codes(t)).toContain('mtu-bridge-mismatch');
  });

  it('mtu-vxlan-underlay', () => {
    const t = new Topology();
    const eth = t.nif(t.host, 'eth0', { mtu: 1500 });
    const vx = t.nif(t.host, 'vx0', { kind: 'vxlan', mtu: 1450 });
    vx.underlay = eth;
    expect(codes(t)).not.toContain('mtu-vxlan-underlay');
    Object.assign(vx, { mtu: 1500 });
    expect(codes(t)).toContain('mtu-vxlan-underlay');
  });

  it('duplicate-ip', () => {
    const t = new Topology();
    const a = t.netns('a');
    const b = t.netns('b');
    const [, pa] = t.veth(a, 'eth0', '10.1.0.2/24', t.host, 'va', undefined);
    const [y, pb] = t.veth(b, 'eth0', '10.1.0.3/24', t.host, 'vb', undefined);
    t.bridge(t.host, 'br0', [pa, pb], '10.1.0.1/24');
    expect(codes(t)).not.toContain('duplicate-ip');
    y.addresses.push({ ...(y.addresses[0] as (typeof y.addresses)[number]), address: '10.1.0.2' });
    expect(codes(t)).toContain('duplicate-ip');
  });

  it('duplicate-ip ignores the same address in separate L2 domains', () => {
    const t = new Topology();
    const a = t.netns('a');
    const b = t.netns('b');
    t.veth(a, 'eth0', '10.1.0.2/24', t.host, 'va', '10.1.0.1/24');
    t.veth(b, 'eth0', '10.1.0.2/24', t.host, 'vb', '10.1.0.1/24');
    expect(codes(t)).not.toContain('duplicate-ip');
  });

  it('duplicate-mac', () => {
    const t = new Topology();
    const a = t.netns('a');
    const b = t.netns('b');
    const [x, pa] = t.veth(a, 'eth0', '10.1.0.2/24', t.host, 'va', undefined);
    const [y, pb] = t.veth(b, 'eth0', '10.1.0.3/24', t.host, 'vb', undefined);
    t.bridge(t.host, 'br0', [pa, pb]);
    expect(codes(t)).not.toContain('duplicate-mac');
    Object.assign(y, { mac: x.mac });
    expect(codes(t)).toContain('duplicate-mac');
  });

  it('veth-peer-down and no double report as no-carrier', () => {
    const { t, b } = pair();
    expect(codes(t)).not.toContain('veth-peer-down');
    Object.assign(b.nifs.get(2) as object, { up: false, operState: 'DOWN' });
    const c = codes(t);
    expect(c).toContain('veth-peer-down');
  });

  it('veth-peer-missing', () => {
    const { t, a } = pair();
    expect(codes(t)).not.toContain('veth-peer-missing');
    (a.nifs.get(2) as { peer: unknown }).peer = undefined;
    expect(codes(t)).toContain('veth-peer-missing');
  });

  it('no-carrier', () => {
    const t = new Topology();
    const a = t.netns('a');
    const dummy = t.nif(a, 'd0', { kind: 'dummy' });
    t.addr(dummy, '10.2.0.1/24');
    t.route(a, { destination: '0.0.0.0', destinationPrefixLen: 0, oif: dummy });
    expect(codes(t)).not.toContain('no-carrier');
    Object.assign(dummy, { flags: 0x1003, operState: 'DOWN' });
    expect(codes(t)).toContain('no-carrier');
  });

  it('route-via-down-interface', () => {
    const { t, a } = pair();
    expect(codes(t)).not.toContain('route-via-down-interface');
    Object.assign(a.nifs.get(2) as object, { up: false, operState: 'DOWN', flags: 0x1002 });
    expect(codes(t)).toContain('route-via-down-interface');
  });

  it('route-via-down-interface ignores an idle bridge (no ports: no carrier by design)', () => {
    const t = new Topology();
    t.bridge(t.host, 'docker0', [], '172.17.0.1/16');
    Object.assign(t.host.nifs.get(2) as object, { flags: 0x1003, operState: 'DOWN' });
    expect(codes(t)).not.toContain('route-via-down-interface');
  });

  it('default-route-missing (warning for a container, info otherwise)', () => {
    const { t, a } = pair();
    expect(codes(t)).not.toContain('default-route-missing');
    a.routes.splice(
      a.routes.findIndex((r) => r.destinationPrefixLen === 0),
      1,
    );
    const { result, facts } = t.build();
    expect(lint({ result, facts }).find((f) => f.code === 'default-route-missing')?.severity).toBe(
      'info',
    );
    t.container(a, 'web');
    const again = t.build();
    expect(lint(again).find((f) => f.code === 'default-route-missing')?.severity).toBe('warning');
  });

  it('port-published-all-addresses and forward-target-unserved', () => {
    const { t } = pair();
    t.listen(t.host, '0.0.0.0', 80);
    const fwds = [forward(t, '127.0.0.1', true)];
    const built = t.build();
    const result = { ...built.result, forwards: new Map([[t.host.ns.id.ino, fwds]]) };
    const before = lint({ result, facts: built.facts }).map((f) => f.code);
    expect(before).not.toContain('port-published-all-addresses');
    expect(before).not.toContain('forward-target-unserved');
    fwds.push(forward(t, '0.0.0.0', false));
    const after = lint({ result, facts: built.facts }).map((f) => f.code);
    expect(after).toContain('port-published-all-addresses');
    expect(after).toContain('forward-target-unserved');
  });

  it('container-privileged and container-host-netns', () => {
    const { t, a } = pair();
    t.container(a, 'web');
    expect(codes(t)).not.toContain('container-privileged');
    expect(codes(t)).not.toContain('container-host-netns');
    t.container(a, 'priv', { privileged: true });
    t.container(t.host, 'hostnet');
    expect(codes(t)).toContain('container-privileged');
    expect(codes(t)).toContain('container-host-netns');
  });

  it('nameserver-unreachable', () => {
    const { t, a, b } = pair();
    t.listen(b, '0.0.0.0', 53, 'udp');
    t.container(a, 'web', { nameservers: ['10.0.0.2'] });
    expect(codes(t)).not.toContain('nameserver-unreachable');
    const t2 = pair();
    t2.t.container(t2.a, 'web', { nameservers: ['10.0.0.2'] }); // nothing listens on 53 in b
    expect(codes(t2.t)).toContain('nameserver-unreachable');
  });
});
