// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import {
  ENGINE_TYPES,
  PREFIX_LABEL,
  type Container,
  type ContainerModel,
  type Engine,
} from '../model/container.js';
import type { NamespaceModel, Process } from '../model/namespace.js';
import { NS_TYPES } from '../model/namespace.js';
import type { ProcessTenant, Tenant } from '../model/tenant.js';
import {
  DiscoveryContext,
  closeDefaultDiscoveryContext,
  defaultDiscoveryContext,
  discoverContainers,
  emptyContainerModel,
  mergeContainerTenants,
  tenantsWithContainers,
} from './containers.js';
import { runDiscovery, type DiscoveryPhases } from './discover.js';
import { buildScenario, makeNamespace, makeProcess } from '../../test/helpers/scenario.js';

const DETAILS = { capBnd: undefined, affinity: [], status: 'running' as const };

const engine: Engine = {
  id: 'E1',
  type: ENGINE_TYPES.docker,
  version: '20.10.24',
  pid: 50,
  apiPath: 'unix:///proc/50/root/run/docker.sock',
  prefix: '',
};

function container(name: string, pid: number, over: Partial<Container> = {}): Container {
  return {
    id: `id-${name}`,
    name,
    type: engine.type,
    labels: { [PREFIX_LABEL]: '' },
    status: 'running',
    paused: false,
    pid,
    enginePid: pid,
    engine,
    prefix: '',
    privileged: false,
    pod: undefined,
    ...over,
  };
}

/**
 * Host netns 100 (init 1, kthreadd 2, dockerd 50, shim 60, host-network container init 61),
 * container netns 200 (init 70 under shim 60, second container 71 sharing it via another shim
 * 62), an empty netns 300.
 */
function world(): { model: NamespaceModel; procs: Map<number, Process> } {
  const hostNet = makeNamespace('net', 100);
  const contNet = makeNamespace('net', 200);
  const emptyNet = makeNamespace('net', 300, ['/run/netns/x']);
  const pid1 = makeNamespace('pid', 1000);
  const init = makeProcess(1, undefined, 'init', ['/sbin/init'], { net: hostNet, pid: pid1 });
  const kthreadd = makeProcess(2, undefined, 'kthreadd', [], { net: hostNet, pid: pid1 });
  const dockerd = makeProcess(50, init, 'dockerd', ['dockerd'], { net: hostNet, pid: pid1 });
  const shim = makeProcess(60, init, 'containerd-shim', ['shim'], { net: hostNet, pid: pid1 });
  const hostCont = makeProcess(61, shim, 'sleep', ['sleep', '1d'], { net: hostNet, pid: pid1 });
  const c1 = makeProcess(70, shim, 'sleep', ['sleep', '1d'], { net: contNet, pid: pid1 });
  const shim2 = makeProcess(62, init, 'containerd-shim', ['shim'], { net: hostNet, pid: pid1 });
  const c2 = makeProcess(71, shim2, 'sleep', ['sleep', '2d'], { net: contNet, pid: pid1 });
  const procs = new Map(
    [init, kthreadd, dockerd, shim, hostCont, c1, shim2, c2].map((p) => [p.pid, p]),
  );
  const byType = {
    ...(Object.fromEntries(NS_TYPES.map((t) => [t, []])) as unknown as NamespaceModel['byType']),
    net: [hostNet, contNet, emptyNet],
    pid: [pid1],
  };
  const model: NamespaceModel = {
    processes: procs,
    namespaces: new Map(),
    byType,
    own: {},
    initial: { net: hostNet },
    socketOwners: new Map(),
  };
  return { model, procs };
}

/** The plain tenants phase: leaders (no kthreadd) as proc tenants, bind-mount pseudo tenants. */
function plainTenants(model: NamespaceModel): Map<number, Tenant[]> {
  const out = new Map<number, Tenant[]>();
  for (const ns of model.byType.net) {
    if (ns.processes.length === 0)
      out.set(ns.id.ino, [{ type: 'bindmount', name: ns.ref.join(':'), netns: ns, refs: ns.ref }]);
    else
      out.set(
        ns.id.ino,
        ns.leaders
          .filter((p) => p.pid !== 2)
          .map((p): Tenant => ({
            type: 'proc',
            name: `${p.comm}(${p.pid})`,
            netns: ns,
            process: p,
            details: DETAILS,
          })),
      );
  }
  return out;
}

const build = (p: Process, netns: ProcessTenant['netns']): ProcessTenant => ({
  type: 'proc',
  name: `${p.comm}(${p.pid})`,
  netns,
  process: p,
  details: DETAILS,
});

function summary(tenants: ReadonlyMap<number, readonly Tenant[]>): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (const [ino, list] of tenants) {
    out[ino] = list.map((t) =>
      t.type === 'proc'
        ? `${t.process.pid}:${t.name}${t.container === undefined ? '' : '*'}`
        : `bmnt:${t.name}`,
    );
  }
  return out;
}

describe('mergeContainerTenants', () => {
  it('replaces proc tenants, adds non-leader containers and keeps several containers per netns', () => {
    const { model } = world();
    const containers: ContainerModel = {
      engines: [engine],
      containers: [container('web', 70), container('sidecar', 71), container('hostnet', 61)],
      groups: [],
    };
    const r = mergeContainerTenants(plainTenants(model), containers, model, build);
    expect(r.problems).toEqual([]);
    expect(summary(r.value)).toEqual({
      100: ['1:init(1)', '61:hostnet*'],
      200: ['70:web*', '71:sidecar*'],
      300: ['bmnt:/run/netns/x'],
    });
    const web = r.value.get(200)?.[0];
    expect(web?.type === 'proc' && web.container?.name).toBe('web');
  });

  it('does not change its input and keeps tenants sorted by PID', () => {
    const { model } = world();
    const plain = plainTenants(model);
    const before = summary(plain);
    const r = mergeContainerTenants(
      plain,
      { engines: [engine], containers: [container('hostnet', 61)], groups: [] },
      model,
      build,
    );
    expect(summary(plain)).toEqual(before);
    expect(r.value.get(100)?.map((t) => (t.type === 'proc' ? t.process.pid : 0))).toEqual([1, 61]);
  });

  it('never makes kthreadd a tenant and lets the first engine win a shared process', () => {
    const { model } = world();
    const other: Engine = { ...engine, id: 'E2', type: ENGINE_TYPES.cri };
    const r = mergeContainerTenants(
      plainTenants(model),
      {
        engines: [engine, other],
        containers: [
          container('k', 2),
          container('a', 70),
          container('b', 70, { engine: other, type: other.type }),
        ],
        groups: [],
      },
      model,
      build,
    );
    expect(summary(r.value)[100]).toEqual(['1:init(1)']);
    expect(summary(r.value)[200]).toEqual(['70:a*', '71:sleep(71)']);
  });

  it('records containers whose process is unknown as GW_ERR_CONTAINER_PROCESS', () => {
    const { model } = world();
    const r = mergeContainerTenants(
      plainTenants(model),
      {
        engines: [engine],
        containers: [container('gone', 999), container('untranslated', 0)],
        groups: [],
      },
      model,
      build,
    );
    expect(r.problems.map((p) => [p.code, p.subject])).toEqual([
      ['GW_ERR_CONTAINER_PROCESS', 'container id-gone'],
      ['GW_ERR_CONTAINER_PROCESS', 'container id-untranslated'],
    ]);
    expect(summary(r.value)).toEqual(summary(plainTenants(model)));
  });

  it('records a builder failure and goes on', () => {
    const { model } = world();
    const r = mergeContainerTenants(
      plainTenants(model),
      {
        engines: [engine],
        containers: [container('hostnet', 61), container('web', 70)],
        groups: [],
      },
      model,
      () => {
        throw new Error('boom');
      },
    );
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.message).toMatch(/hostnet.*boom/);
    expect(summary(r.value)[200]).toEqual(['70:web*', '71:sleep(71)']);
  });
});

describe('tenantsWithContainers', () => {
  it('returns the plain phase result untouched without containers', () => {
    const { model } = world();
    const plain = {
      value: plainTenants(model),
      problems: [{ code: 'GW_ERR_PROCFS_READ' as const, message: 'm', subject: 's' }],
    };
    expect(tenantsWithContainers(model, emptyContainerModel(), () => plain)).toBe(plain);
    expect(tenantsWithContainers(model, undefined, () => plain)).toBe(plain);
  });

  it('merges and keeps the plain phase problems first', () => {
    const { model } = world();
    const plain = {
      value: plainTenants(model),
      problems: [{ code: 'GW_ERR_PROCFS_READ' as const, message: 'm', subject: 's' }],
    };
    const r = tenantsWithContainers(
      model,
      { engines: [engine], containers: [container('web', 70), container('x', 4242)], groups: [] },
      () => plain,
      '/nonexistent',
    );
    expect(r.problems.map((p) => p.code)).toEqual([
      'GW_ERR_PROCFS_READ',
      'GW_ERR_CONTAINER_PROCESS',
    ]);
    expect(summary(r.value)[200]).toEqual(['70:web*', '71:sleep(71)']);
  });
});

describe('DiscoveryContext', () => {
  it('discovers nothing for an empty process table and creates no tracker', async () => {
    const ctx = new DiscoveryContext();
    const { model } = world();
    const r = await discoverContainers(ctx, { ...model, processes: new Map() });
    expect(r).toEqual({ value: emptyContainerModel(), problems: [] });
    expect(ctx.tracker).toBeUndefined();
    ctx.close();
  });

  it('creates one tracker lazily, hands out none once closed', async () => {
    const ctx = new DiscoveryContext({ engineWaitMs: 10 });
    const [a, b] = await Promise.all([
      ctx.engineTracker('/nonexistent'),
      ctx.engineTracker('/nonexistent'),
    ]);
    expect(a).toBeDefined();
    expect(a).toBe(b);
    ctx.close();
    expect(ctx.closed).toBe(true);
    expect(await ctx.engineTracker('/nonexistent')).toBeUndefined();
    const { model } = world();
    expect((await discoverContainers(ctx, model, '/nonexistent')).value).toEqual(
      emptyContainerModel(),
    );
  });

  it('does not hand out a tracker when closed while it is being created', async () => {
    const ctx = new DiscoveryContext();
    const pending = ctx.engineTracker('/nonexistent');
    ctx.close();
    expect(await pending).toBeUndefined();
    expect(ctx.tracker).toBeUndefined();
  });

  it('finds no engines in a process table without engine processes', async () => {
    const ctx = new DiscoveryContext({ engineWaitMs: 10 });
    const { model } = world();
    const noEngines = new Map([...model.processes].filter(([pid]) => pid !== 50));
    const r = await discoverContainers(ctx, { ...model, processes: noEngines }, '/nonexistent');
    expect(r.value.engines).toEqual([]);
    ctx.close();
  });

  it('the default context is shared until closed, then replaced', () => {
    const a = defaultDiscoveryContext();
    expect(defaultDiscoveryContext()).toBe(a);
    closeDefaultDiscoveryContext();
    expect(a.closed).toBe(true);
    const b = defaultDiscoveryContext();
    expect(b).not.toBe(a);
    closeDefaultDiscoveryContext();
  });
});

describe('runDiscovery with the containers phase', () => {
  function phases(over: Partial<DiscoveryPhases> = {}): DiscoveryPhases {
    const s = buildScenario();
    return {
      namespaces: () => ({ value: s.namespaces, problems: [] }),
      network: async () => {
        await new Promise((r) => setTimeout(r, 20));
        return {
          value: s.network,
          problems: [{ code: 'GW_ERR_NETWORK_DUMP', message: 'n', subject: 'net' }],
        };
      },
      tenants: (_ns, _o, containers) => ({
        value: containers?.containers.length ? new Map() : s.tenants,
        problems: [],
      }),
      dns: () => ({ value: s.dns, problems: [] }),
      tuntap: () => ({ value: s.tunTapProcessors, problems: [] }),
      ports: async () => ({ value: s.ports, problems: [] }),
      host: () => s.host,
      ...over,
    };
  }
  const model: ContainerModel = {
    engines: [engine],
    containers: [container('web', 2345)],
    groups: [],
  };

  it('runs containers concurrently with network, then decorators, then tenants with the containers', async () => {
    const order: string[] = [];
    const r = await runDiscovery(
      phases({
        containers: async () => {
          order.push('containers');
          return {
            value: model,
            problems: [{ code: 'GW_ERR_ENGINE_SYNC_TIMEOUT', message: 'c', subject: 'pid 50' }],
          };
        },
        decorate: async (_ns, network, containers) => {
          order.push(`decorate:${network.netns.size}:${containers.containers.length}`);
          return [{ code: 'GW_ERR_DECORATOR_FAILED', message: 'd', subject: 'dockernet' }];
        },
        tenants: (_ns, _o, containers) => {
          order.push(`tenants:${containers?.containers.length}`);
          return { value: new Map(), problems: [] };
        },
      }),
    );
    expect(order).toEqual(['containers', 'decorate:3:1', 'tenants:1']);
    expect(r.containers).toBe(model);
    // network problems first, then containers, then decorators: deterministic order
    expect(r.problems.map((p) => p.code)).toEqual([
      'GW_ERR_NETWORK_DUMP',
      'GW_ERR_ENGINE_SYNC_TIMEOUT',
      'GW_ERR_DECORATOR_FAILED',
    ]);
    expect(r.timings.containersMs).toBeGreaterThanOrEqual(0);
  });

  it('records a failing containers phase and goes on with an empty model', async () => {
    const r = await runDiscovery(
      phases({
        containers: async () => {
          throw new Error('engines down');
        },
      }),
    );
    expect(r.containers).toEqual(emptyContainerModel());
    expect(r.tenants.size).toBe(3);
    expect(r.problems.find((p) => p.subject === 'phase:containers')?.code).toBe(
      'GW_ERR_DISCOVERY_PHASE',
    );
  });

  it('without a containers phase the model is empty', async () => {
    const r = await runDiscovery(phases());
    expect(r.containers).toEqual(emptyContainerModel());
  });
});
