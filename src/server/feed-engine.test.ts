// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import type { Container, ContainerModel, Engine } from '../model/container.js';
import { applyEngineContainers, engineFeedContainers } from './feed-engine.js';
import { emptyFeedState, feedStateOf } from './feed-state.js';
import type { DiscoveryResultV1 } from '../api/v1/index.js';

const docker: Engine = {
  id: 'e1',
  type: 'docker.com',
  version: '20.10',
  pid: 100,
  apiPath: 'unix:///run/docker.sock',
  prefix: '',
};

function ctr(name: string, pid: number, status: Container['status'] = 'running'): Container {
  return {
    id: `id-${name}`,
    name,
    type: 'docker.com',
    labels: {},
    status,
    paused: status === 'paused',
    pid,
    enginePid: pid,
    engine: docker,
    prefix: '',
    privileged: false,
    pod: undefined,
  };
}

const model = (...containers: Container[]): ContainerModel => ({
  engines: [docker],
  containers,
  groups: [],
});

const NETNS: Record<number, number> = { 201: 4026532001, 202: 4026532002, 203: 4026532003 };
const netnsOf = (pid: number): number | undefined => NETNS[pid];

describe('engineFeedContainers', () => {
  it('builds the entries the v1 document would give: cont-<pid>, v1 type, the netns', () => {
    const m = engineFeedContainers(model(ctr('web', 201), ctr('db', 202, 'paused')), netnsOf);
    expect([...m.values()]).toEqual([
      {
        id: 'cont-201',
        name: 'web',
        type: 'docker',
        netns: 4026532001,
        pid: 201,
        status: 'running',
      },
      { id: 'cont-202', name: 'db', type: 'docker', netns: 4026532002, pid: 202, status: 'paused' },
    ]);
  });

  it('leaves out containers without a host PID or with an unreadable netns', () => {
    const m = engineFeedContainers(model(ctr('nested', 0), ctr('gone', 999)), netnsOf);
    expect(m.size).toBe(0);
  });

  it('uses the same keys as the document-derived state', () => {
    const doc = {
      'network-namespaces': [
        {
          netnsid: 4026532001,
          id: 'netns-4026532001',
          'network-interfaces': [],
          routes: { ipv4: [], ipv6: [] },
          'transport-ports': { ipv4: [], ipv6: [] },
          'forwarded-ports': { ipv4: [], ipv6: [] },
          containers: [
            {
              id: 'cont-201',
              name: 'web',
              type: 'docker',
              prefix: '',
              pid: 201,
              status: 'running',
            },
          ],
        },
      ],
    } as unknown as DiscoveryResultV1;
    const fromDoc = feedStateOf(doc).containers;
    const fromEngine = engineFeedContainers(model(ctr('web', 201)), netnsOf);
    expect([...fromEngine.entries()]).toEqual([...fromDoc.entries()]);
  });
});

describe('applyEngineContainers', () => {
  it('reports start, pause, unpause and stop, and updates the state so they are not repeated', () => {
    const state = emptyFeedState();
    const step = (...cs: Container[]): string[] =>
      applyEngineContainers(state, engineFeedContainers(model(...cs), netnsOf)).map(
        (c) => `${c.type}:${'container' in c ? c.container.name : ''}`,
      );
    expect(step(ctr('web', 201))).toEqual(['container-started:web']);
    expect(step(ctr('web', 201))).toEqual([]);
    expect(step(ctr('web', 201, 'paused'), ctr('db', 202))).toEqual([
      'container-paused:web',
      'container-started:db',
    ]);
    expect(step(ctr('web', 201), ctr('db', 202))).toEqual(['container-unpaused:web']);
    expect(step(ctr('db', 202))).toEqual(['container-stopped:web']);
    // a restart under the same name gets a new PID: stopped + started
    expect(step(ctr('db', 203))).toEqual(['container-stopped:db', 'container-started:db']);
    expect([...state.containers.values()].map((c) => c.pid)).toEqual([203]);
  });
});
