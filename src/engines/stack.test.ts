// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { PREFIX_LABEL } from '../model/container.js';
import type { EngineProcess } from './detect.js';
import { buildContainerModel, translatePid, type EngineSnapshot } from './stack.js';
import type { TrackedContainer } from './watcher.js';

/** Process table of a host with a Docker-in-Docker container:
 *  1 init ─ 100 dockerd (host) ─ … 200 shim ─ 201 dind-init(container "dind", inner pid 1)
 *                                              └ 210 inner dockerd (inner pid 20) … 220 shim (inner 30) ─ 230 app (inner 40)
 *  and 300 shim ─ 301 web (compose project "shop", host PID namespace of the engine). */
function table(): Map<number, EngineProcess> {
  const p = (pid: number, ppid: number, comm: string, nspid: number[]): [number, EngineProcess] => [
    pid,
    { pid, ppid, comm, starttime: pid, nspid },
  ];
  return new Map([
    p(1, 0, 'init', [1]),
    p(100, 1, 'dockerd', [100]),
    p(200, 1, 'containerd-shim', [200]),
    p(201, 200, 'sh', [201, 1]),
    p(210, 201, 'dockerd', [210, 20]),
    p(220, 1, 'containerd-shim', [220, 30]),
    p(230, 220, 'app', [230, 40, 1]),
    p(300, 1, 'containerd-shim', [300]),
    p(301, 300, 'httpd', [301]),
  ]);
}
const c = (
  id: string,
  name: string,
  pid: number,
  labels: Record<string, string> = {},
): TrackedContainer => ({ id, name, labels, pid, paused: false, privileged: false });
const engine = (pid: number, id: string): EngineSnapshot['engine'] => ({
  id,
  type: 'docker.com',
  version: '1',
  pid,
  apiPath: `unix:///proc/${pid}/root/run/docker.sock`,
});
// processes 201, 210 and 220 share the DinD PID namespace; everything else is the host's
const samePidns = (a: number, b: number): boolean =>
  [201, 210, 220].includes(a) === [201, 210, 220].includes(b);

describe('translatePid', () => {
  it('maps an engine-local PID to the host PID via NSpid', () => {
    expect(translatePid(40, [210, 20], 210, table(), samePidns)).toBe(230);
    expect(translatePid(301, [100], 100, table(), samePidns)).toBe(301);
    expect(translatePid(99, [210, 20], 210, table(), samePidns)).toBe(0);
  });
});

describe('buildContainerModel', () => {
  it('stacks the inner engine under its container, prefixes labels, translates PIDs, groups compose projects', () => {
    const snaps: EngineSnapshot[] = [
      {
        engine: engine(210, 'inner'),
        containers: [c('i1', 'app', 40, { 'com.docker.compose.project': 'inner' })],
      },
      {
        engine: engine(100, 'outer'),
        containers: [
          c('o1', 'dind', 201),
          c('o2', 'shop_web_1', 301, { 'com.docker.compose.project': 'shop' }),
        ],
      },
    ];
    const m = buildContainerModel(snaps, table(), samePidns);
    expect(m.engines.map((e) => [e.id, e.prefix])).toEqual([
      ['outer', ''],
      ['inner', 'dind'],
    ]);
    const app = m.containers.find((x) => x.id === 'i1');
    expect(app).toMatchObject({
      pid: 230,
      enginePid: 40,
      prefix: 'dind',
      labels: { [PREFIX_LABEL]: 'dind' },
    });
    expect(m.containers.find((x) => x.id === 'o2')?.labels[PREFIX_LABEL]).toBe('');
    expect(
      m.groups.map((g) => [g.type, g.name, g.engine.id, g.containers.map((x) => x.id)]),
    ).toEqual([
      ['com.docker.compose.project', 'shop', 'outer', ['o2']],
      ['com.docker.compose.project', 'inner', 'inner', ['i1']],
    ]);
  });

  it('groups Kubernetes pods by namespace/name and podman pods by name', () => {
    const snaps: EngineSnapshot[] = [
      {
        engine: { ...engine(100, 'e'), type: 'k8s.io/cri-api' },
        containers: [
          c('a', 'a', 301, { 'io.kubernetes.pod.namespace': 'ns', 'io.kubernetes.pod.name': 'p' }),
          c('b', 'b', 301, { 'io.kubernetes.pod.namespace': 'ns', 'io.kubernetes.pod.name': '' }),
          { ...c('d', 'd', 301), pod: 'pp' },
        ],
      },
    ];
    const m = buildContainerModel(snaps, table(), samePidns);
    expect(m.groups.map((g) => [g.type, g.name, g.containers.map((x) => x.id)])).toEqual([
      ['io.kubernetes.pod', 'ns/p', ['a']],
      ['io.podman.pod', 'pp', ['d']],
    ]);
  });
});
