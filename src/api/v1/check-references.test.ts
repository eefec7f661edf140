// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { checkV1References } from './check-references.js';
import { SCENARIO, buildScenario } from '../../../test/helpers/scenario.js';
import { toV1 } from './to-v1.js';
import type { DiscoveryResultV1, NetnsV1 } from './types.js';

function doc(): DiscoveryResultV1 {
  return toV1(buildScenario(), { creatorVersion: '0.1.0' });
}

function ns(d: DiscoveryResultV1, i: number): NetnsV1 {
  const n = d['network-namespaces'][i];
  if (n === undefined) throw new Error('missing netns');
  return n;
}

describe('checkV1References', () => {
  it('accepts a consistent document', () => {
    expect(checkV1References(doc())).toEqual([]);
  });

  it('reports a dangling peer', () => {
    const d = doc();
    const veth = ns(d, 0)['network-interfaces'].find((n) => n.name === 'veth3f2a1b0');
    if (veth?.peer === undefined) throw new Error('fixture');
    veth.peer['peer-idref'] = 'nif-1-1';
    expect(checkV1References(d)).toEqual([
      {
        path: 'network-namespaces[0].network-interfaces[3].peer',
        ref: 'nif-1-1',
        problem: 'no such network interface',
      },
    ]);
  });

  it('reports a NifRef whose index or name disagree with its target', () => {
    const d = doc();
    const port = ns(d, 0)['network-interfaces'].find((n) => n.master !== undefined);
    if (port?.master === undefined) throw new Error('fixture');
    port.master.name = 'br-wrong';
    const issues = checkV1References(d);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.problem).toMatch(/differ/);
  });

  it('reports routes pointing into another netns', () => {
    const d = doc();
    const r = ns(d, 1).routes.ipv4[0];
    if (r === undefined) throw new Error('fixture');
    r['network-interface-idref'] = `nif-${SCENARIO.hostNet}-2`;
    r.index = 2;
    expect(checkV1References(d).map((i) => i.problem)).toEqual([
      `interface is not in netns-${SCENARIO.containerNet}`,
    ]);
  });

  it('reports unknown containers, PID namespaces, groups and duplicate ids', () => {
    const d = doc();
    const root = d['pid-namespaces'][0];
    if (root === undefined) throw new Error('fixture');
    root['container-idrefs'].push('cont-999');
    const c = ns(d, 0).containers[0];
    if (c === undefined) throw new Error('fixture');
    c['pidns-idref'] = 'pidns-1';
    c.group = 'group-0';
    ns(d, 2).containers.push({ ...c, 'pidns-idref': '', group: '' });
    ns(d, 0)['transport-ports'].ipv4.push({
      family: 2,
      protocol: 'tcp',
      'local-address': '0.0.0.0',
      'local-port': 22,
      'local-servicename': 'ssh',
      'remote-address': '0.0.0.0',
      'remote-port': 0,
      'remote-servicename': '',
      state: 'listening',
      macrostate: 'listening',
      owners: [{ pid: 1, cmdline: '', 'container-idref': 'cont-77' }],
      'network-interface-idrefs': ['nif-0-0'],
    });
    ns(d, 0)['forwarded-ports'].ipv6.push({
      family: 10,
      protocol: 'tcp',
      ip: '::',
      port: 80,
      servicename: 'http',
      'forward-ip': 'fd00::2',
      'forward-port': 80,
      'forward-servicename': 'http',
      netnsid: 0,
      owners: [],
      'network-interface-refs': ['nif-0-1'],
    });
    const problems = checkV1References(d).map((i) => `${i.ref}: ${i.problem}`);
    expect(problems.sort()).toEqual(
      [
        'cont-1: duplicate id',
        'pidns-1: no such PID namespace',
        'group-0: no such container group',
        'cont-77: no such container',
        'nif-0-0: no such network interface',
        'nif-0-1: no such network interface',
        'cont-999: no such container',
      ].sort(),
    );
  });

  it('reports ids that do not match their netns and index', () => {
    const d = doc();
    const lo = ns(d, 0)['network-interfaces'][0];
    if (lo === undefined) throw new Error('fixture');
    lo.index = 99;
    expect(
      checkV1References(d).some((i) => i.path === 'network-namespaces[0].network-interfaces[0].id'),
    ).toBe(true);
  });

  it('accepts an empty vxlan idref but not a dangling one', () => {
    const d = doc();
    const vx = ns(d, 0)['network-interfaces'].find((n) => n.name === 'vx6');
    if (vx?.vxlan === undefined) throw new Error('fixture');
    expect(vx.vxlan.idref).toBe('');
    vx.vxlan.idref = 'nif-5-5';
    expect(checkV1References(d).map((i) => i.path)).toEqual([
      expect.stringMatching(/vxlan\.idref$/),
    ]);
  });
});
