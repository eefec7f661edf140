// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { ENGINE_TYPES, type ContainerModel, type Engine } from '../model/container.js';
import type { NamespaceModel } from '../model/namespace.js';
import type { NetworkNamespace, Nif } from '../model/network.js';
import {
  applyDecoration,
  decorateEngines,
  engineNetns,
  socketPathOf,
  stringLabels,
} from './common.js';
import type { DecoratorContext } from './decorator.js';

function netns(ino: number, names: string[]): NetworkNamespace {
  const nifs = new Map<number, Nif>();
  names.forEach((name, i) =>
    nifs.set(i + 1, { name, index: i + 1, alias: '', labels: {} } as unknown as Nif),
  );
  return {
    ns: { id: { dev: 4, ino } },
    nifs,
    routes: [],
    rules: [],
    nsids: new Map(),
  } as unknown as NetworkNamespace;
}
const engine = (pid: number, type: Engine['type'] = ENGINE_TYPES.docker): Engine => ({
  id: `e${pid}`,
  type,
  version: '1',
  pid,
  apiPath: `unix:///proc/${pid}/root/run/docker.sock`,
  prefix: '',
});

function ctx(
  engines: Engine[],
  nets: NetworkNamespace[],
  netOfPid: Record<number, number>,
  signal = new AbortController().signal,
): DecoratorContext {
  const processes = new Map(
    Object.entries(netOfPid).map(([pid, ino]) => [
      Number(pid),
      { namespaces: { net: { id: { dev: 4, ino } } } },
    ]),
  );
  return {
    namespaces: { processes } as unknown as NamespaceModel,
    network: { netns: new Map(nets.map((n) => [n.ns.id.ino, n])) },
    containers: { engines, containers: [], groups: [] } as ContainerModel,
    procRoot: '/nonexistent-proc',
    apiTimeoutMs: 100,
    signal,
  };
}

describe('decorator helpers', () => {
  it('socketPathOf strips unix:// and refuses other schemes', () => {
    expect(socketPathOf(engine(42))).toBe('/proc/42/root/run/docker.sock');
    expect(socketPathOf({ ...engine(42), apiPath: 'tcp://127.0.0.1:2375' })).toBeUndefined();
  });

  it('stringLabels keeps string values only', () => {
    expect(stringLabels({ a: 'x', b: 1, c: null })).toEqual({ a: 'x' });
    expect(stringLabels(null)).toEqual({});
    expect(stringLabels(['a'])).toEqual({});
  });

  it('applyDecoration sets alias, merges labels, ignores a missing nif', () => {
    const n = netns(1, ['lo', 'docker0']);
    const nif = n.nifs.get(2);
    if (nif === undefined) throw new Error('fixture');
    nif.labels['keep'] = 'me';
    expect(
      applyDecoration(n, {
        nifName: 'docker0',
        network: 'bridge',
        labels: { 'gostwire/network/name': 'bridge' },
      }),
    ).toBe(nif);
    expect(nif.alias).toBe('bridge');
    expect(nif.labels).toEqual({ keep: 'me', 'gostwire/network/name': 'bridge' });
    expect(applyDecoration(n, { nifName: 'br-nope', network: 'x', labels: {} })).toBeUndefined();
  });

  it('engineNetns: from the namespace model, else undefined when /proc has nothing', () => {
    const n = netns(7, ['lo']);
    const c = ctx([], [n], { 42: 7 });
    expect(engineNetns(c, engine(42))).toBe(n);
    expect(engineNetns(c, engine(43))).toBeUndefined();
  });
});

describe('decorateEngines', () => {
  it('decorates each engine of the type in its own netns; one failing engine is one problem', async () => {
    const hostNs = netns(1, ['lo', 'docker0']);
    const innerNs = netns(2, ['lo', 'docker0']);
    const engines = [engine(10), engine(20), engine(30), engine(40, ENGINE_TYPES.podman)];
    const c = ctx(engines, [hostNs, innerNs], { 10: 1, 20: 2, 30: 1, 40: 1 });
    const problems = await decorateEngines(c, 'test', ENGINE_TYPES.docker, (e) => {
      if (e.pid === 30)
        return Promise.reject(
          new EngineError('GW_ERR_ENGINE_UNREACHABLE', 'gone', {
            engine: 'docker',
            endpoint: e.apiPath,
          }),
        );
      return Promise.resolve({
        decorations: [{ nifName: 'docker0', network: `net-of-${e.pid}`, labels: {} }],
        problems: [],
      });
    });
    expect(hostNs.nifs.get(2)?.alias).toBe('net-of-10');
    expect(innerNs.nifs.get(2)?.alias).toBe('net-of-20');
    expect(problems).toEqual([
      {
        code: 'GW_ERR_ENGINE_UNREACHABLE',
        message: 'test: gone',
        subject: 'engine:docker.com:pid 30',
      },
    ]);
  });

  it('reports an engine whose netns is not in the network model', async () => {
    const c = ctx([engine(10)], [], {});
    const problems = await decorateEngines(c, 'test', ENGINE_TYPES.docker, () =>
      Promise.resolve({
        decorations: [{ nifName: 'docker0', network: 'bridge', labels: {} }],
        problems: [],
      }),
    );
    expect(problems.map((p) => [p.code, p.subject])).toEqual([
      ['GW_ERR_DECORATOR_FAILED', 'engine:docker.com:pid 10'],
    ]);
  });

  it('does not touch the model once the context is aborted', async () => {
    const n = netns(1, ['lo', 'docker0']);
    const ac = new AbortController();
    const c = ctx([engine(10)], [n], { 10: 1 }, ac.signal);
    const problems = await decorateEngines(c, 'test', ENGINE_TYPES.docker, () => {
      ac.abort();
      return Promise.resolve({
        decorations: [{ nifName: 'docker0', network: 'late', labels: { a: 'b' } }],
        problems: [],
      });
    });
    expect(problems).toEqual([]);
    expect(n.nifs.get(2)?.alias).toBe('');
    expect(n.nifs.get(2)?.labels).toEqual({});
  });
});
