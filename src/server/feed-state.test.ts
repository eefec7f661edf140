// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { toV1 } from '../api/v1/index.js';
import type { DiscoveryResultV1 } from '../api/v1/index.js';
import { SCENARIO, buildScenario } from '../../test/helpers/scenario.js';
import { diffFeedStates, emptyFeedState, feedStateOf } from './feed-state.js';

function doc(): DiscoveryResultV1 {
  return toV1(buildScenario(), { creatorVersion: '0.1.0' });
}

describe('feed state diff', () => {
  it('is empty between two equal discoveries', () => {
    const s = buildScenario();
    const d = toV1(s, { creatorVersion: '0.1.0' });
    expect(diffFeedStates(feedStateOf(d, s), feedStateOf(doc(), buildScenario()))).toEqual([]);
  });

  it('reports everything as added against the empty state, with MTUs from the model', () => {
    const s = buildScenario();
    const st = feedStateOf(toV1(s, { creatorVersion: '0.1.0' }), s);
    const changes = diffFeedStates(emptyFeedState(), st);
    expect(changes.filter((c) => c.type === 'netns-added')).toHaveLength(3);
    const eth0 = changes.find((c) => c.type === 'nif-added' && c.nif.name === 'eth0');
    expect(eth0).toMatchObject({ nif: { netns: SCENARIO.hostNet, mtu: expect.any(Number) } });
    if (eth0?.type !== 'nif-added') throw new Error('no eth0');
    expect(eth0.nif.mtu).toBeGreaterThan(0);
    expect(changes.some((c) => c.type === 'route-added')).toBe(true);
    expect(changes.some((c) => c.type === 'port-opened')).toBe(true);
    expect(diffFeedStates(st, emptyFeedState()).map((c) => c.type)).toContain('netns-removed');
  });

  it('reports a removed netns with its nifs, changed nifs with the fields, and containers', () => {
    const before = doc();
    const after = structuredClone(before);
    const bm = after['network-namespaces'].findIndex((n) => n.netnsid === SCENARIO.bindmountNet);
    after['network-namespaces'].splice(bm, 1);
    const host = after['network-namespaces'].find((n) => n.netnsid === SCENARIO.hostNet);
    const eth0 = host?.['network-interfaces'].find((n) => n.name === 'eth0');
    if (host === undefined || eth0 === undefined) throw new Error('scenario');
    eth0.operstate = 'DOWN';
    eth0.addresses.ipv4 = [];
    host.containers.push({
      ...host.containers[0]!,
      id: 'cont-999',
      name: 'web',
      type: 'docker',
      pid: 999,
      status: 'running',
    });
    const changes = diffFeedStates(feedStateOf(before), feedStateOf(after));
    const changed = changes.find((c) => c.type === 'nif-changed');
    expect(changed).toMatchObject({ nif: { name: 'eth0', operstate: 'DOWN' } });
    if (changed?.type !== 'nif-changed') throw new Error('no change');
    expect(changed.changed).toEqual(['operstate', 'addresses']);
    expect(changes.find((c) => c.type === 'container-started')).toMatchObject({
      container: { name: 'web', type: 'docker', pid: 999, netns: SCENARIO.hostNet },
    });
    const removed = changes.filter((c) => c.type.endsWith('-removed')).map((c) => c.type);
    expect(removed.at(-1)).toBe('netns-removed');
    expect(removed).toContain('nif-removed');
    // paused, then gone
    const paused = structuredClone(after);
    const web = paused['network-namespaces']
      .find((n) => n.netnsid === SCENARIO.hostNet)
      ?.containers.find((c) => c.name === 'web');
    if (web === undefined) throw new Error('no web');
    web.status = 'paused';
    expect(diffFeedStates(feedStateOf(after), feedStateOf(paused)).map((c) => c.type)).toEqual([
      'container-paused',
    ]);
    expect(diffFeedStates(feedStateOf(paused), feedStateOf(before)).map((c) => c.type)).toContain(
      'container-stopped',
    );
  });
});
