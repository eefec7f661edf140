// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { mergeContainerTenants } from '../../discovery/containers.js';
import { buildScenario, SCENARIO } from '../../../test/helpers/scenario.js';
import {
  ENGINE_TYPES,
  GROUP_TYPES,
  PREFIX_LABEL,
  PRIVILEGED_LABEL,
  type Container,
  type ContainerGroup,
  type ContainerModel,
  type Engine,
} from '../../model/container.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Tenant } from '../../model/tenant.js';
import { checkV1References } from './check-references.js';
import {
  containerEnginesV1,
  containerLabelsV1,
  containerTypeV1,
  engineContainerV1,
  V1_PRIVILEGED_LABEL,
} from './containers.js';
import { toV1 } from './to-v1.js';
import type { ContainerV1 } from './types.js';

const docker: Engine = {
  id: 'D1',
  type: ENGINE_TYPES.docker,
  version: '20.10.24',
  pid: 900,
  apiPath: 'unix:///proc/900/root/run/docker.sock',
  prefix: '',
};
const podman: Engine = {
  id: 'P1',
  type: ENGINE_TYPES.podman,
  version: '4.3.1',
  pid: 901,
  apiPath: 'unix:///proc/901/root/run/podman/podman.sock',
  prefix: 'outer',
};

function container(
  engine: Engine,
  name: string,
  pid: number,
  over: Partial<Container> = {},
): Container {
  return {
    id: `id-${name}`,
    name,
    type: engine.type,
    labels: { [PREFIX_LABEL]: engine.prefix },
    status: 'running',
    paused: false,
    pid,
    enginePid: pid,
    engine,
    prefix: engine.prefix,
    privileged: false,
    pod: undefined,
    ...over,
  };
}

/**
 * The fixed scenario with engine containers: nginx (2345) is Docker container `web` in the
 * container netns, the worker (2346) is a second container `side` there (podman, pod `p1`,
 * paused); exporter (800) in the host netns is a podman host-network container `hostnet` in
 * the same pod `p1`; sshd (701) is a privileged Docker container in the host netns.
 */
function scenarioWithContainers(): { result: DiscoveryResult; model: ContainerModel } {
  const s = buildScenario();
  const web = container(docker, 'web', 2345, {
    labels: { [PREFIX_LABEL]: '', 'com.docker.compose.project': 'shop' },
  });
  const side = container(podman, 'side', 2346, { status: 'paused', paused: true, pod: 'p1' });
  const hostnet = container(podman, 'hostnet', 800, { pod: 'p1' });
  const priv = container(docker, 'priv', 701, {
    privileged: true,
    labels: { [PREFIX_LABEL]: '', [PRIVILEGED_LABEL]: '' },
  });
  const pod: ContainerGroup = {
    name: 'p1',
    type: GROUP_TYPES.podmanPod,
    engine: podman,
    containers: [side, hostnet],
  };
  const compose: ContainerGroup = {
    name: 'shop',
    type: GROUP_TYPES.composeProject,
    engine: docker,
    containers: [web],
  };
  const model: ContainerModel = {
    engines: [docker, podman],
    containers: [web, side, hostnet, priv],
    groups: [compose, pod],
  };
  const merged = mergeContainerTenants(s.tenants, model, s.namespaces, (p, netns) => ({
    type: 'proc',
    name: `${p.comm}(${p.pid})`,
    netns,
    process: p,
    details: { capBnd: undefined, affinity: [], status: 'running' },
  }));
  const tenants: ReadonlyMap<number, readonly Tenant[]> = merged.value;
  return {
    result: {
      ...s,
      tenants,
      containers: model,
      dns: s.dns ?? new Map(),
      tunTapProcessors: s.tunTapProcessors ?? new Map(),
      ports: s.ports ?? new Map(),
    },
    model,
  };
}

describe('containerTypeV1', () => {
  it('maps the engine types and passes others through', () => {
    expect(containerTypeV1('docker.com')).toEqual({ type: 'docker', text: 'Docker' });
    expect(containerTypeV1('containerd.io')).toEqual({ type: 'containerd', text: 'Containerd' });
    expect(containerTypeV1('podman.io')).toEqual({ type: 'podman', text: 'Podman' });
    expect(containerTypeV1('k8s.io/cri-api')).toEqual({ type: 'CRI', text: 'CRI' });
    expect(containerTypeV1('example.org')).toEqual({ type: 'example.org', text: 'Example.org' });
  });
});

describe('containerLabelsV1', () => {
  it('copies the labels and adds the v1 privileged label for privileged containers', () => {
    const c = container(docker, 'x', 1, {
      privileged: true,
      labels: { a: 'b', [PRIVILEGED_LABEL]: '' },
    });
    const l = containerLabelsV1(c);
    expect(l).toEqual({ a: 'b', [PRIVILEGED_LABEL]: '', [V1_PRIVILEGED_LABEL]: '' });
    l['z'] = '1';
    expect(c.labels['z']).toBeUndefined();
    expect(containerLabelsV1(container(docker, 'y', 1))).toEqual({ [PREFIX_LABEL]: '' });
  });
});

describe('engineContainerV1', () => {
  it('keeps the process facts and the v1 field order', () => {
    const base: ContainerV1 = {
      cmdline: 'sleep 1d',
      dns: {
        'uts-hostname': 'h',
        'etc-hostname': '',
        domainname: '',
        nameservers: [],
        searchlist: [],
        'etc-hosts': [],
      },
      group: '',
      id: 'cont-42',
      name: 'sleep(42)',
      prefix: '',
      'api-path': '',
      pid: 42,
      pidns: 7,
      'pidns-idref': 'pidns-7',
      capbnd: '0x0',
      status: 'running',
      type: 'proc',
      'type-text': 'Process',
      affinity: [[0, 1]],
      nice: 3,
    };
    const c = container(podman, 'box', 42, {
      status: 'paused',
      paused: true,
      labels: { [PREFIX_LABEL]: 'outer', k: 'v' },
    });
    const out = engineContainerV1(base, c, 'group-3');
    expect(Object.keys(out)).toEqual([
      'cmdline',
      'dns',
      'group',
      'id',
      'name',
      'prefix',
      'labels',
      'api-path',
      'pid',
      'pidns',
      'pidns-idref',
      'capbnd',
      'status',
      'type',
      'type-text',
      'affinity',
      'nice',
    ]);
    expect(out).toMatchObject({
      cmdline: 'sleep 1d',
      group: 'group-3',
      id: 'cont-42',
      name: 'box',
      prefix: 'outer',
      labels: { [PREFIX_LABEL]: 'outer', k: 'v' },
      'api-path': podman.apiPath,
      pid: 42,
      status: 'paused',
      type: 'podman',
      'type-text': 'Podman',
    });
    expect(out.dns).toBe(base.dns);
  });
});

describe('toV1 with engine containers', () => {
  it('emits containers, pod groups per netns, engines metadata and resolvable references', () => {
    const { result } = scenarioWithContainers();
    const doc = toV1(result, { creatorVersion: '1.0.0' });
    expect(checkV1References(doc)).toEqual([]);
    expect(doc.metadata['container-engines']).toEqual([
      { id: 'D1', type: 'docker.com', version: '20.10.24', pid: 900 },
      { id: 'P1', type: 'podman.io', version: '4.3.1', pid: 901 },
    ]);
    const host = doc['network-namespaces'].find((n) => n.netnsid === SCENARIO.hostNet);
    const cont = doc['network-namespaces'].find((n) => n.netnsid === SCENARIO.containerNet);
    const byId = (n: typeof host, id: string): ContainerV1 | undefined =>
      n?.containers.find((c) => c.id === id);

    // document order: host netns first → pod p1 meets its host-network member first
    expect(host?.['container-groups']).toEqual([
      {
        'container-idrefs': ['cont-800'],
        id: 'group-0',
        name: 'p1',
        type: 'pod',
        'type-text': 'Pod',
      },
    ]);
    expect(cont?.['container-groups']).toEqual([
      {
        'container-idrefs': ['cont-2346'],
        id: 'group-1',
        name: 'p1',
        type: 'pod',
        'type-text': 'Pod',
      },
    ]);

    const web = byId(cont, 'cont-2345');
    expect(web).toMatchObject({
      name: 'web',
      type: 'docker',
      'type-text': 'Docker',
      group: '',
      status: 'running',
      'api-path': docker.apiPath,
      prefix: '',
    });
    expect(web?.labels).toEqual({ [PREFIX_LABEL]: '', 'com.docker.compose.project': 'shop' });
    expect(web?.cmdline).toBe('nginx: master process nginx -g daemon off;');
    expect(byId(cont, 'cont-2346')).toMatchObject({
      name: 'side',
      type: 'podman',
      group: 'group-1',
      status: 'paused',
      prefix: 'outer',
    });
    expect(byId(host, 'cont-800')).toMatchObject({ name: 'hostnet', group: 'group-0' });
    expect(byId(host, 'cont-701')?.labels?.[V1_PRIVILEGED_LABEL]).toBe('');
    expect(byId(host, 'cont-1')).toMatchObject({ name: 'systemd(1)', type: 'proc', group: '' });

    // the container whose process leads its PID namespace is listed there
    const walk = (l: (typeof doc)['pid-namespaces']): Array<[string, string[]]> =>
      l.flatMap((p) => [[p.id, p['container-idrefs']] as [string, string[]], ...walk(p.children)]);
    const refs = new Map(walk(doc['pid-namespaces']));
    expect(refs.get(`pidns-${SCENARIO.containerPid}`)).toContain('cont-2345');
  });

  it('allocates group IDs only over the selected netns', () => {
    const { result } = scenarioWithContainers();
    const doc = toV1(result, { creatorVersion: '1.0.0', netns: new Set([SCENARIO.containerNet]) });
    expect(doc['network-namespaces'][0]?.['container-groups'].map((g) => g.id)).toEqual([
      'group-0',
    ]);
    expect(checkV1References(doc)).toEqual([]);
  });

  it('emits no engines and no groups without a container model', () => {
    const s = buildScenario();
    const doc = toV1(
      { ...s, containers: { engines: [], containers: [], groups: [] } },
      { creatorVersion: '1.0.0' },
    );
    expect(doc.metadata['container-engines']).toEqual([]);
    expect(doc['network-namespaces'].every((n) => n['container-groups'].length === 0)).toBe(true);
  });

  it('emits a Kubernetes pod of a CRI engine as a pod group with type CRI members', () => {
    const s = buildScenario();
    const cri: Engine = {
      id: 'node1',
      type: ENGINE_TYPES.cri,
      version: 'containerd 1.6.20 [API v1]',
      pid: 902,
      apiPath: 'unix:///proc/902/root/run/containerd/containerd.sock',
      prefix: 'kind-control-plane',
    };
    const app = container(cri, 'app', 2345, {
      labels: {
        [PREFIX_LABEL]: 'kind-control-plane',
        'io.kubernetes.pod.namespace': 'default',
        'io.kubernetes.pod.name': 'web-1',
      },
    });
    const model: ContainerModel = {
      engines: [cri],
      containers: [app],
      groups: [{ name: 'default/web-1', type: GROUP_TYPES.k8sPod, engine: cri, containers: [app] }],
    };
    const tenants = mergeContainerTenants(s.tenants, model, s.namespaces, () => {
      throw new Error('not needed');
    }).value;
    const doc = toV1({ ...s, tenants, containers: model }, { creatorVersion: '1.0.0' });
    const cont = doc['network-namespaces'].find((n) => n.netnsid === SCENARIO.containerNet);
    expect(cont?.['container-groups']).toEqual([
      {
        'container-idrefs': ['cont-2345'],
        id: 'group-0',
        name: 'default/web-1',
        type: 'pod',
        'type-text': 'Pod',
      },
    ]);
    expect(cont?.containers.find((c) => c.id === 'cont-2345')).toMatchObject({
      type: 'CRI',
      'type-text': 'CRI',
      group: 'group-0',
      prefix: 'kind-control-plane',
      name: 'app',
    });
    expect(checkV1References(doc)).toEqual([]);
  });

  it('maps every engine of the model', () => {
    expect(containerEnginesV1(undefined)).toEqual([]);
    expect(containerEnginesV1({ engines: [podman], containers: [], groups: [] })).toEqual([
      { id: 'P1', type: 'podman.io', version: '4.3.1', pid: 901 },
    ]);
  });
});
