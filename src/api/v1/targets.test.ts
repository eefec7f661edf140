// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { mergeContainerTenants } from '../../discovery/containers.js';
import { buildScenario, SCENARIO } from '../../../test/helpers/scenario.js';
import {
  ENGINE_TYPES,
  K8S_POD_NAME_LABEL,
  K8S_POD_NAMESPACE_LABEL,
  PREFIX_LABEL,
  type Container,
  type Engine,
} from '../../model/container.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import { podOf, toTargetsV1 } from './targets.js';

const docker: Engine = {
  id: 'D1',
  type: ENGINE_TYPES.docker,
  version: '20.10.24',
  pid: 900,
  apiPath: 'unix:///proc/900/root/run/docker.sock',
  prefix: 'kind-1',
};

function container(name: string, pid: number, labels: Record<string, string> = {}): Container {
  return {
    id: `id-${name}`,
    name,
    type: docker.type,
    labels: { [PREFIX_LABEL]: docker.prefix, ...labels },
    status: 'running',
    paused: false,
    pid,
    enginePid: pid,
    engine: docker,
    prefix: docker.prefix,
    privileged: false,
    pod: undefined,
  };
}

/** The scenario with nginx (2345) and sh (2400) as two containers of one Kubernetes pod, and sshd (701) a plain container. */
function withPod(): DiscoveryResult {
  const s = buildScenario();
  const pod = { [K8S_POD_NAMESPACE_LABEL]: 'default', [K8S_POD_NAME_LABEL]: 'web-1' };
  const containers = [
    container('app', 2345, pod),
    container('side', 2400, pod),
    container('ssh', 701),
  ];
  const merged = mergeContainerTenants(
    s.tenants,
    { engines: [docker], containers, groups: [] },
    s.namespaces,
    (p, netns) => ({
      type: 'proc',
      name: `${p.comm}(${p.pid})`,
      netns,
      process: p,
      details: { capBnd: undefined, affinity: [], status: 'running' },
    }),
  );
  return { ...s, tenants: merged.value };
}

describe('toTargetsV1 (/mobyshark)', () => {
  it('lists process, container and bind-mount targets with start times, DOWN nifs dropped', () => {
    const d = toTargetsV1(buildScenario(), { creatorVersion: '0.1.0' });
    expect(Object.keys(d)).toEqual(['metadata', 'containers']);
    const sys = d.containers.find((t) => t.name === 'systemd(1)');
    expect(sys).toMatchObject({ type: 'proc', netns: SCENARIO.hostNet, pid: 1, prefix: '' });
    expect(sys?.starttime).toBeGreaterThan(0);
    // ens1f0 and vx6 are DOWN in the host netns
    expect(sys?.['network-interfaces']).not.toContain('ens1f0');
    expect(sys?.['network-interfaces']).not.toContain('vx6');
    expect(sys?.['network-interfaces']).toContain('eth0');
    const bm = d.containers.find((t) => t.type === 'bindmount');
    expect(bm).toEqual({
      name: '/run/netns/testns',
      type: 'bindmount',
      netns: SCENARIO.bindmountNet,
      'network-interfaces': ['ens1f0v0', 'mv0'], // lo is DOWN there
      pid: 0,
      starttime: 0,
      prefix: '',
    });
    expect(d.containers.some((t) => t.name === 'kthreadd(2)')).toBe(false);
    for (const t of d.containers)
      expect(Object.keys(t)).toEqual([
        'name',
        'type',
        'netns',
        'network-interfaces',
        'pid',
        'starttime',
        'prefix',
      ]);
  });

  it('collapses the containers of a pod into one pod target with an empty prefix', () => {
    const d = toTargetsV1(withPod(), { creatorVersion: '0.1.0' });
    const pods = d.containers.filter((t) => t.type === 'pod');
    expect(pods).toHaveLength(1);
    expect(pods[0]).toMatchObject({
      name: 'default/web-1',
      netns: SCENARIO.containerNet,
      prefix: '',
    });
    expect(d.containers.some((t) => t.name === 'app' || t.name === 'side')).toBe(false);
    const ssh = d.containers.find((t) => t.name === 'ssh');
    expect(ssh).toMatchObject({ type: 'docker', pid: 701, prefix: 'kind-1' });
  });

  it('names pods by Kubernetes labels or the podman pod', () => {
    expect(podOf(container('x', 1))).toBeUndefined();
    expect(podOf({ ...container('x', 1), pod: 'p1' })).toBe('p1');
  });
});
