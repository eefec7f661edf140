// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { groupWiring, layoutWiring, networksOf } from './index.js';
import type { NetnsNode, NifNode, Wire, WiringModel } from './model.js';

/** A hand-built model: host with bridges `br-1` (alias "front") and `br-2`; four containers. */
function model(): WiringModel {
  const netns: Record<string, NetnsNode> = {};
  const nifs: Record<string, NifNode> = {};
  const wires: Wire[] = [];
  const ns = (id: string, title: string, group = ''): void => {
    netns[id] = {
      id,
      netnsid: Number(id.slice(6)),
      isHost: id === 'netns-1',
      title,
      tenants: [],
      group,
      groupLabel: group.replace(/^project:/, ''),
      loOnly: false,
      sandboxOnly: false,
      nifIds: [],
    };
  };
  const nif = (netnsId: string, name: string, kind: NifNode['kind'], alias = ''): string => {
    const id = `nif-${netnsId.slice(6)}-${Object.keys(nifs).length + 1}`;
    nifs[id] = {
      id,
      netnsId,
      name,
      index: 1,
      kind,
      rawKind: kind,
      alias,
      operstate: 'UP',
      up: true,
      mac: '',
      addresses: [],
      portIds: [],
    };
    netns[netnsId]!.nifIds.push(id);
    return id;
  };
  const plug = (netnsId: string, bridge: string, name: string): void => {
    const port = nif('netns-1', `veth-${name}`, 'veth');
    nifs[port]!.bridgeId = bridge;
    nifs[bridge]!.portIds.push(port);
    const eth = nif(netnsId, name, 'veth');
    wires.push({ id: `veth:${eth}:${port}`, kind: 'veth', a: nif2(eth), b: nif2(port), up: true });
  };
  const nif2 = (nifId: string) => ({ type: 'nif' as const, nifId });
  ns('netns-1', 'host h');
  ns('netns-10', 'web', 'project:shop');
  ns('netns-11', 'db', 'project:shop');
  ns('netns-12', 'cache');
  ns('netns-13', 'lonely');
  ns('netns-14', 'proxy');
  const br1 = nif('netns-1', 'br-1', 'bridge', 'front');
  const br2 = nif('netns-1', 'br-2', 'bridge');
  plug('netns-10', br1, 'eth0');
  plug('netns-11', br2, 'eth0');
  plug('netns-12', br1, 'eth0');
  plug('netns-14', br2, 'eth0');
  plug('netns-14', br1, 'eth1'); // on both networks
  nif('netns-13', 'lo', 'loopback');
  const order = ['netns-1', 'netns-11', 'netns-10', 'netns-12', 'netns-13', 'netns-14'];
  return { netns, nifs, order, wires };
}

describe('grouping by network', () => {
  it('finds the networks (bridges, by alias or name) each netns is attached to', () => {
    const nets = networksOf(model());
    const br1 = 'net:nif-1-1';
    const br2 = 'net:nif-1-2';
    expect(nets.get('netns-10')).toEqual([{ key: br1, label: 'front' }]);
    expect(nets.get('netns-14')).toEqual([
      { key: br2, label: 'br-2' },
      { key: br1, label: 'front' },
    ]);
    expect(nets.has('netns-13')).toBe(false);
    expect(nets.has('netns-1')).toBe(false); // the host owns the bridges, it is not "on" them
  });

  it('regroups cards by network, keeps the host and unattached netns ungrouped', () => {
    const m = model();
    const g = groupWiring(m, 'network');
    expect(g.order).toEqual([
      'netns-1',
      'netns-11',
      'netns-14',
      'netns-10',
      'netns-12',
      'netns-13',
    ]);
    expect(g.netns['netns-14']).toMatchObject({ group: 'net:nif-1-2', groupLabel: 'br-2' });
    expect(g.netns['netns-10']).toMatchObject({ group: 'net:nif-1-1', groupLabel: 'front' });
    expect(g.netns['netns-13']).toMatchObject({ group: '', groupLabel: '' });
    expect(g.netns['netns-1']!.group).toBe('');
    // the input is untouched, unchanged nodes are shared
    expect(m.netns['netns-10']!.group).toBe('project:shop');
    expect(g.nifs).toBe(m.nifs);
    expect(groupWiring(m, 'project')).toBe(m);
    const none = groupWiring(m, 'none');
    expect(Object.values(none.netns).every((n) => n.group === '')).toBe(true);
    // the layout draws one group box per network, members in order
    const l = layoutWiring(g);
    expect(l.groups.map((x) => [x.label, x.netnsIds])).toEqual([
      ['br-2', ['netns-11', 'netns-14']],
      ['front', ['netns-10', 'netns-12']],
    ]);
    expect(layoutWiring(none).groups).toEqual([]);
  });
});
