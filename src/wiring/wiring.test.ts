// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { toV1 } from '../api/v1/index.js';
import type { DiscoveryResultV1 } from '../api/v1/types.js';
import { buildScenario } from '../../test/helpers/scenario.js';
import {
  assignLanes,
  buildWiringModel,
  capNames,
  layoutWiring,
  parseCapbnd,
  wiringToDot,
  wiringToMermaid,
  wiringToSvg,
  type WiringModel,
} from './index.js';

const doc = (): DiscoveryResultV1 => toV1(buildScenario(), { creatorVersion: '0.0.0' });
const nifByName = (m: WiringModel, name: string): string =>
  Object.values(m.nifs).find((n) => n.name === name)!.id;

describe('wiring model', () => {
  const m = buildWiringModel(doc());

  it('puts the host first and titles cards by their tenants', () => {
    expect(m.netns[m.order[0]!]!.isHost).toBe(true);
    const titles = m.order.map((id) => m.netns[id]!.title);
    expect(titles).toContain('nginx(2345), sh(2400)');
    expect(titles.some((t) => t.includes('/run/netns/testns'))).toBe(true);
    expect(titles[0]).toMatch(/^host /); // the host by its host name, not its processes
  });

  it('derives typed wires: veth, macvlan, vlan, vxlan, vf, tuntap and external', () => {
    const kinds = new Set(m.wires.map((w) => w.kind));
    for (const k of ['veth', 'macvlan', 'vlan', 'vxlan', 'vf', 'tuntap', 'external'])
      expect(kinds, k).toContain(k);
    const veth = m.wires.filter((w) => w.kind === 'veth');
    expect(veth).toHaveLength(1); // a pair is one wire, not two
    const ends = [veth[0]!.a, veth[0]!.b].map((e) =>
      e.type === 'nif' ? m.nifs[e.nifId]!.name : '',
    );
    expect(ends.sort()).toEqual(['eth0', 'veth3f2a1b0']);
    const vlan = m.wires.find((w) => w.kind === 'vlan')!;
    expect(vlan.a).toEqual({ type: 'nif', nifId: nifByName(m, 'eth0.10') });
  });

  it('groups bridge ports under their bridge', () => {
    const br = m.nifs[nifByName(m, 'docker0')]!;
    expect(br.portIds.map((p) => m.nifs[p]!.name)).toEqual(['veth3f2a1b0']);
    expect(m.nifs[nifByName(m, 'veth3f2a1b0')]!.bridgeId).toBe(br.id);
  });

  it('decodes capability masks and flags non-default ones', () => {
    const caps = capNames(parseCapbnd('0x00000000a80425fb')!);
    expect(caps.every((c) => !c.extra)).toBe(true);
    const priv = capNames(parseCapbnd('0x0000000000201000')!);
    expect(priv.map((c) => [c.name, c.extra])).toEqual([
      ['CAP_NET_ADMIN', true],
      ['CAP_SYS_ADMIN', true],
    ]);
    expect(parseCapbnd('bogus')).toBeUndefined();
  });
});

describe('layout and routing', () => {
  const m = buildWiringModel(doc());

  it('assigns lanes by greedy interval colouring, shortest first', () => {
    expect(
      assignLanes([
        [0, 10],
        [20, 30],
        [5, 25],
      ]),
    ).toEqual([0, 0, 1]);
    expect(
      assignLanes([
        [0, 100],
        [10, 20],
      ]),
    ).toEqual([1, 0]);
    expect(assignLanes([])).toEqual([]);
  });

  it('aligns a host veth port with its peer so the wire runs straight', () => {
    const l = layoutWiring(m);
    const host = nifByName(m, 'veth3f2a1b0');
    const peer = Object.values(m.nifs).find(
      (n) => n.name === 'eth0' && !m.netns[n.netnsId]!.isHost,
    )!;
    expect(l.badges[host]!.box.y).toBe(l.badges[peer.id]!.box.y);
    const w = l.wires.find((x) => x.wire.kind === 'veth')!;
    expect(w.points).toHaveLength(2);
    expect(w.points[0]![1]).toBe(w.points[1]![1]);
    expect(w.ends.join(' ')).toMatch(/veth3f2a1b0 in .* eth0 in nginx/);
    // the bridge rail ticks the port
    const rail = l.cards[0]!.rails[0]!;
    expect(rail.ticks).toContain(l.badges[host]!.box.y + 11);
  });

  it('never overlaps cards and keeps every badge inside its card', () => {
    const l = layoutWiring(m, { showAddresses: true, showLo: true });
    for (const c of l.cards)
      for (const b of Object.values(l.badges).filter((x) => x.netnsId === c.netnsId)) {
        expect(b.box.x).toBeGreaterThanOrEqual(c.box.x);
        expect(b.box.y + b.box.h).toBeLessThanOrEqual(c.box.y + c.box.h);
      }
    const right = l.cards
      .filter((c) => !m.netns[c.netnsId]!.isHost)
      .sort((a, b) => a.box.y - b.box.y);
    for (let i = 1; i < right.length; i++)
      expect(right[i]!.box.y).toBeGreaterThanOrEqual(right[i - 1]!.box.y + right[i - 1]!.box.h);
  });

  it('leaves a labelled stub when the peer netns is filtered out', () => {
    const host = m.order[0]!;
    const l = layoutWiring(m, { visible: new Set([host]) });
    const w = l.wires.find((x) => x.wire.kind === 'veth')!;
    expect(w.stub?.label).toBe('eth0 in nginx(2345), sh(2400) (hidden)');
    expect(w.points).toHaveLength(2);
  });

  it('routes host-to-host wires in the left gutter; wires sharing an end share a lane', () => {
    const l = layoutWiring(m);
    const vlan = l.wires.find((x) => x.wire.kind === 'vlan')!;
    const vxlan = l.wires.find((x) => x.wire.kind === 'vxlan')!;
    const ext = l.wires.filter((x) => x.wire.kind === 'external');
    expect(vlan.gutter).toBe(0);
    expect(vxlan.gutter).toBe(0);
    // both hang off eth0: one bus lane, fanning out
    expect(vlan.points[1]![0]).toBe(vxlan.points[1]![0]);
    expect(vlan.points[0]![1]).not.toBe(vxlan.points[0]![1]);
    expect(ext.length).toBeGreaterThan(0);
    expect(ext.every((x) => x.stub?.side === 'left')).toBe(true);
  });

  it('anchors wires into a collapsed group on the group box', () => {
    const d = doc();
    const ns = d['network-namespaces'][1]!;
    for (const c of ns.containers) c.labels = { 'com.docker.compose.project': 'shop' };
    const mm = buildWiringModel(d);
    const l = layoutWiring(mm, { collapsed: new Set(['project:shop']) });
    const g = l.groups.find((x) => x.key === 'project:shop')!;
    expect(g.collapsed).toBe(true);
    const w = l.wires.find((x) => x.wire.kind === 'veth')!;
    expect(w.stub).toBeUndefined();
    expect(w.points.at(-1)![0]).toBe(g.box.x);
    // one line per member netns, and the wire ends at that line, running straight
    expect(g.lines).toHaveLength(1);
    expect(w.points.at(-1)![1]).toBe(g.lines[0]!.y);
    expect(w.points).toHaveLength(2);
  });
});

describe('exports', () => {
  const d = doc();
  d['network-namespaces'][1]!.containers[0]!.name = '<img src=x onerror=alert(1)>';
  const m = buildWiringModel(d);

  it('writes well-formed SVG with host strings escaped', () => {
    const svg = wiringToSvg(m, layoutWiring(m));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg.match(/<path class="wire/g)?.length).toBe(layoutWiring(m).wires.length);
  });

  it('writes DOT with one node per netns and one labelled edge per wire', () => {
    const dot = wiringToDot(m);
    expect(dot).toMatch(/^graph ghostwire \{/);
    expect(dot.match(/ -- /g)?.length).toBe(m.wires.length);
    expect(dot).toMatch(/taillabel="(eth0|veth3f2a1b0)", headlabel="(eth0|veth3f2a1b0)"/);
  });

  it('writes Mermaid with escaped labels', () => {
    const mm = wiringToMermaid(m);
    expect(mm.startsWith('flowchart LR\n')).toBe(true);
    expect(mm).not.toMatch(/<img/);
    expect(mm.match(/\|"/g)?.length).toBe(m.wires.length);
  });

  it('restricts DOT to the chosen netns and keeps far ends as dashed nodes', () => {
    const host = m.order[0]!;
    const dot = wiringToDot(m, [host]);
    expect(dot).toContain('(not exported)');
  });
});
