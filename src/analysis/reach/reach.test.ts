// SPDX-License-Identifier: MIT
/**
 * The reachability walk over synthetic topologies (test/helpers/topology.ts): endpoint
 * resolution, policy rules, L2 through bridges and macvlan, netfilter evaluation (definite
 * drop, undecidable rule, accept that makes an undecidable rule irrelevant), NAT, the way back,
 * and that `unknown` is used where facts are missing.
 */
import { describe, expect, it } from 'vitest';
import type { FilterChain, FilterRule } from '../../model/netns-facts.js';
import { Topology } from '../../../test/helpers/topology.js';
import { splitTarget, why } from './why.js';

function ask(t: Topology, from: string, to: string, opts: { facts?: boolean } = {}) {
  const { result, facts } = t.build();
  const r = why(result, opts.facts === false ? undefined : facts, { from, to });
  if (!r.ok) throw new Error(r.message);
  return r.answer;
}

function routed(): Topology {
  const t = new Topology();
  const a = t.netns('a');
  const r = t.netns('r');
  const b = t.netns('b');
  const [ax] = t.veth(a, 'eth0', '10.0.1.2/24', r, 'ra', '10.0.1.1/24');
  const [, bx] = t.veth(r, 'rb', '10.0.2.1/24', b, 'eth0', '10.0.2.2/24');
  t.route(a, { destination: '0.0.0.0', destinationPrefixLen: 0, gateway: '10.0.1.1', oif: ax });
  t.route(b, { destination: '0.0.0.0', destinationPrefixLen: 0, gateway: '10.0.2.1', oif: bx });
  t.listen(b, '0.0.0.0', 80);
  return t;
}

const rule = (handle: number, r: Partial<FilterRule>): FilterRule => ({
  handle,
  matches: [],
  complete: true,
  verdict: undefined,
  exprs: [],
  ...r,
});
const chain = (
  hook: FilterChain['hook'],
  rules: FilterRule[],
  policy: 'accept' | 'drop' = 'accept',
  type = 'filter',
): FilterChain => ({
  family: 'inet',
  table: 't',
  name: `${hook ?? 'x'}-${type}`,
  hook,
  priority: type === 'nat' ? -100 : 0,
  type,
  policy,
  rules,
});

describe('why', () => {
  it('splits TO[:PORT]', () => {
    expect(splitTarget('web:80')).toEqual({ target: 'web', port: 80 });
    expect(splitTarget('[fd00::1]:53')).toEqual({ target: 'fd00::1', port: 53 });
    expect(splitTarget('fd00::1')).toEqual({ target: 'fd00::1', port: undefined });
    expect(splitTarget('10.0.0.1')).toEqual({ target: '10.0.0.1', port: undefined });
  });

  it('walks a routed path and names every netns', () => {
    const a = ask(routed(), 'a', 'b:80');
    expect(a.verdict).toBe('reachable');
    expect(a.source).toBe('10.0.1.2');
    expect(a.hops.map((h) => h.step)).toContain('forward');
    expect(a.hops.find((h) => h.step === 'forward')?.netns.name).toBe('r');
  });

  it('is unknown, never reachable, without netns facts (forwarding and filters unread)', () => {
    const a = ask(routed(), 'a', 'b:80', { facts: false });
    expect(a.verdict).toBe('unknown');
    expect(a.failure?.reason).toBe('filter-unread');
  });

  it('stops at a router whose forwarding is off', () => {
    const t = routed();
    const { result } = t.build();
    const r = [...result.network.netns.values()].find((n) => n.ns.ref[0] === '/run/netns/r');
    if (r === undefined) throw new Error('no r');
    t.facts(r, { ipv4Forwarding: false });
    expect(ask(t, 'a', 'b:80').failure?.reason).toBe('forwarding-disabled');
  });

  it('evaluates filter chains: a definite drop, an undecidable rule, and an accept before it', () => {
    const drop = routed();
    const bx = drop.build().result;
    const b = [...bx.network.netns.values()].find((n) => n.ns.ref[0] === '/run/netns/b');
    if (b === undefined) throw new Error('no b');
    drop.chain(
      b,
      chain('input', [
        rule(5, { matches: [{ field: 'dport', op: 'eq', value: 80 }], verdict: { kind: 'drop' } }),
      ]),
    );
    const d = ask(drop, 'a', 'b:80');
    expect(d.verdict).toBe('unreachable');
    expect(d.failure?.reason).toBe('filter-drop');
    expect(d.hops[d.failure?.hop ?? -1]?.filter).toEqual({
      chain: 'inet t input-filter',
      handle: 5,
    });

    const maybe = routed();
    const b2 = [...maybe.build().result.network.netns.values()].find(
      (n) => n.ns.ref[0] === '/run/netns/b',
    );
    if (b2 === undefined) throw new Error('no b');
    maybe.chain(
      b2,
      chain('input', [
        rule(6, { complete: false, verdict: { kind: 'drop' }, exprs: ['ct', 'cmp', 'immediate'] }),
      ]),
    );
    expect(ask(maybe, 'a', 'b:80').verdict).toBe('unknown');

    const policyDrop = routed();
    const b3 = [...policyDrop.build().result.network.netns.values()].find(
      (n) => n.ns.ref[0] === '/run/netns/b',
    );
    if (b3 === undefined) throw new Error('no b');
    // an undecidable accept before a drop policy: may be accepted, may be dropped → unknown;
    // a decided accept for port 80 first: reachable whatever the undecidable rule does
    policyDrop.chain(
      b3,
      chain(
        'input',
        [
          rule(1, {
            matches: [{ field: 'dport', op: 'eq', value: 80 }],
            verdict: { kind: 'accept' },
          }),
          rule(2, { complete: false, verdict: { kind: 'accept' } }),
        ],
        'drop',
      ),
    );
    expect(ask(policyDrop, 'a', 'b:80').verdict).toBe('reachable');
    expect(ask(policyDrop, 'a', 'b:81').failure?.reason).not.toBe('filter-drop');
  });

  it('applies DNAT before routing and reports an unserved forward target', () => {
    const t = routed();
    const r = [...t.build().result.network.netns.values()].find(
      (n) => n.ns.ref[0] === '/run/netns/r',
    );
    if (r === undefined) throw new Error('no r');
    t.chain(
      r,
      chain(
        'prerouting',
        [
          rule(1, {
            matches: [{ field: 'dport', op: 'eq', value: 8080 }],
            nat: { type: 'dnat', address: '10.0.2.2', port: 80 },
          }),
          rule(2, {
            matches: [{ field: 'dport', op: 'eq', value: 8081 }],
            nat: { type: 'dnat', address: '10.0.2.2', port: 81 },
          }),
        ],
        'accept',
        'nat',
      ),
    );
    const ok = ask(t, 'a', '10.0.1.1:8080');
    expect(ok.verdict).toBe('reachable');
    expect(ok.listener?.port).toBe(80);
    expect(ask(t, 'a', '10.0.1.1:8081').failure?.reason).toBe('forward-target-unserved');
  });

  it('goes through a bridge and notices a listener bound to loopback only', () => {
    const t = new Topology();
    const a = t.netns('a');
    const b = t.netns('b');
    const [, pa] = t.veth(a, 'eth0', '10.1.0.2/24', t.host, 'va', undefined);
    const [, pb] = t.veth(b, 'eth0', '10.1.0.3/24', t.host, 'vb', undefined);
    t.bridge(t.host, 'br0', [pa, pb]);
    t.listen(b, '127.0.0.1', 5432);
    t.listen(b, '0.0.0.0', 80);
    const ok = ask(t, 'a', '10.1.0.3:80');
    expect(ok.verdict).toBe('reachable');
    expect(ok.hops.some((h) => h.step === 'bridge' && h.nif?.name === 'br0')).toBe(true);
    expect(ask(t, 'a', 'b:5432').failure?.reason).toBe('listener-bound-elsewhere');
    // a bridge port down blocks that station
    Object.assign(pb, { up: false });
    expect(ask(t, 'a', '10.1.0.3:80').failure?.reason).toBe('interface-down');
  });

  it('does not reach the lower device from a macvlan, but a sibling macvlan', () => {
    const t = new Topology();
    const a = t.netns('a');
    const b = t.netns('b');
    const eth = t.nif(t.host, 'eth0');
    t.addr(eth, '192.168.1.10/24');
    const m1 = t.nif(a, 'mv0', { kind: 'macvlan' });
    const m2 = t.nif(b, 'mv0', { kind: 'macvlan' });
    for (const m of [m1, m2]) {
      m.lower = eth;
      eth.uppers.push(m);
    }
    t.addr(m1, '192.168.1.21/24');
    t.addr(m2, '192.168.1.22/24');
    t.listen(b, '0.0.0.0', 80);
    t.listen(t.host, '0.0.0.0', 80);
    expect(ask(t, 'a', 'b:80').verdict).toBe('reachable');
    const host = ask(t, 'a', '192.168.1.10:80');
    expect(host.verdict).not.toBe('reachable');
  });

  it('resolves containers by name and ID prefix and refuses ambiguous IPs', () => {
    const t = routed();
    const b = [...t.build().result.network.netns.values()].find(
      (n) => n.ns.ref[0] === '/run/netns/b',
    );
    if (b === undefined) throw new Error('no b');
    t.container(b, 'db');
    expect(ask(t, 'a', 'db:80').to.kind).toBe('container');
    expect(ask(t, 'a', 'db0123:80').verdict).toBe('reachable');
    const { result, facts } = t.build();
    const r = why(result, facts, { from: '127.0.0.1', to: 'db:80' });
    expect(r.ok).toBe(false);
  });
});
