// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import {
  ENGINE_TYPES,
  type Container,
  type ContainerModel,
  type Engine,
} from '../../model/container.js';
import {
  KIND_CLUSTER_LABEL,
  KIND_NODE_LABEL,
  KIND_ROLE_LABEL,
  isKindNode,
  kindMarks,
} from './index.js';

function engine(pid: number, type: Engine['type'], prefix = ''): Engine {
  return {
    id: `e${pid}`,
    type,
    version: '1',
    pid,
    apiPath: `unix:///proc/${pid}/root/x.sock`,
    prefix,
  };
}
function container(
  name: string,
  e: Engine,
  pid: number,
  labels: Record<string, string> = {},
): Container {
  return {
    id: name,
    name,
    type: e.type,
    labels,
    status: 'running',
    paused: false,
    pid,
    enginePid: pid,
    engine: e,
    prefix: e.prefix,
    privileged: false,
    pod: undefined,
  };
}

// host dockerd 100 → shim 200 → node init 201 (systemd) → containerd 300 (+ CRI on the same pid)
//                   shim 210 → plain container 211
const docker = engine(100, ENGINE_TYPES.docker);
const node = container('kind-control-plane', docker, 201, {
  'io.x-k8s.kind.cluster': 'kind',
  'io.x-k8s.kind.role': 'control-plane',
});
const plain = container('plain', docker, 211);
const inner = engine(300, ENGINE_TYPES.containerd, 'kind-control-plane');
const cri = engine(300, ENGINE_TYPES.cri, 'kind-control-plane');
const pod = container('kube-apiserver', cri, 400);
const ctrd = container('k8s.io/abc', inner, 400);
const processes = new Map<number, { ppid: number }>([
  [100, { ppid: 1 }],
  [200, { ppid: 1 }],
  [201, { ppid: 200 }],
  [300, { ppid: 201 }],
  [210, { ppid: 1 }],
  [211, { ppid: 210 }],
  [400, { ppid: 390 }],
  [390, { ppid: 201 }],
]);
const model: ContainerModel = {
  engines: [docker, inner, cri],
  containers: [node, plain, pod, ctrd],
  groups: [],
};

describe('kind decorator', () => {
  it('recognises node containers by both KinD labels', () => {
    expect(isKindNode(node)).toBe(true);
    expect(isKindNode(plain)).toBe(false);
    expect(isKindNode({ labels: { 'io.x-k8s.kind.cluster': 'kind' } })).toBe(false);
    expect(
      isKindNode({ labels: { 'io.x-k8s.kind.cluster': '', 'io.x-k8s.kind.role': 'worker' } }),
    ).toBe(false);
  });

  it('marks the node and every container of engines inside it, not others', () => {
    const marks = kindMarks(model, processes);
    expect(marks.map((m) => [m.container.name, m.labels])).toEqual([
      ['kind-control-plane', { [KIND_CLUSTER_LABEL]: 'kind', [KIND_ROLE_LABEL]: 'control-plane' }],
      ['kube-apiserver', { [KIND_CLUSTER_LABEL]: 'kind', [KIND_NODE_LABEL]: 'kind-control-plane' }],
      ['k8s.io/abc', { [KIND_CLUSTER_LABEL]: 'kind', [KIND_NODE_LABEL]: 'kind-control-plane' }],
    ]);
  });

  it('a daemon beside the init (child of the shim) counts as inside', () => {
    const beside = engine(350, ENGINE_TYPES.docker, 'kind-control-plane');
    const c = container('dind-inner', beside, 500);
    const procs = new Map(processes).set(350, { ppid: 200 });
    const marks = kindMarks(
      { engines: [docker, beside], containers: [node, c], groups: [] },
      procs,
    );
    expect(marks.find((m) => m.container === c)?.labels[KIND_NODE_LABEL]).toBe(
      'kind-control-plane',
    );
  });

  it('no nodes → no marks', () => {
    expect(kindMarks({ engines: [docker], containers: [plain], groups: [] }, processes)).toEqual(
      [],
    );
  });
});
