// SPDX-License-Identifier: MIT
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildScenario, SCENARIO } from '../../../test/helpers/scenario.js';
import {
  ENGINE_TYPES,
  GROUP_TYPES,
  PREFIX_LABEL,
  type Container,
  type ContainerModel,
  type Engine,
} from '../../model/container.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Forward } from '../../model/forward.js';
import { buildProgram } from '../main.js';
import {
  containersInfo,
  makeContainersCommand,
  publishedPortsFromForwards,
  portText,
  renderContainers,
  runContainers,
  type PublishedPortsFn,
} from './containers.js';
import { captureIo, type CapturedIo } from '../../../test/helpers/cli-io.js';

const docker: Engine = {
  id: 'D1',
  type: ENGINE_TYPES.docker,
  version: '20.10.24',
  pid: 900,
  apiPath: 'unix:///proc/900/root/run/docker.sock',
  prefix: '',
};
const ctrd: Engine = {
  id: 'C1',
  type: ENGINE_TYPES.containerd,
  version: '1.6.20',
  pid: 901,
  apiPath: 'unix:///proc/901/root/run/containerd/containerd.sock',
  prefix: 'dind',
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

function scenario(): DiscoveryResult {
  const s = buildScenario();
  const web = container(docker, 'web', 2345);
  const hostnet = container(docker, 'hostnet', 800, { status: 'paused', paused: true });
  const model: ContainerModel = {
    engines: [docker, ctrd],
    containers: [hostnet, web],
    groups: [{ name: 'shop', type: GROUP_TYPES.composeProject, engine: docker, containers: [web] }],
  };
  return { ...s, containers: model };
}

const io = (): CapturedIo => captureIo();

describe('published ports from forwards', () => {
  it('lists forwards of other netns resolved into the container netns, not kube-proxy or in-netns ones', () => {
    const s = scenario();
    const hostNs = s.namespaces.initial.net;
    const webNs = s.namespaces.processes.get(2345)?.namespaces.net;
    if (hostNs === undefined || webNs === undefined) throw new Error('scenario changed');
    const fwd = (over: Partial<Forward>): Forward => ({
      netns: hostNs,
      backend: 'docker',
      origin: { kind: 'nftables', family: 'ip', table: 'nat', chain: 'DOCKER', handle: 1n },
      protocol: 'tcp',
      family: 4,
      ip: '0.0.0.0',
      portMin: 8080,
      portMax: 8080,
      serviceName: '',
      targetIp: '172.17.0.2',
      targetPortMin: 80,
      targetPortMax: 80,
      targetServiceName: '',
      resolution: { resolved: true, netns: webNs, nifs: [], ports: [], servers: [], path: [] },
      ...over,
    });
    const forwards = new Map([
      [
        hostNs.id.ino,
        [
          fwd({}),
          fwd({
            protocol: 'udp',
            ip: '127.0.0.1',
            portMin: 5353,
            portMax: 5354,
            targetPortMin: 53,
            targetPortMax: 54,
          }),
          fwd({ backend: 'kube-proxy', portMin: 30080, portMax: 30080 }),
          fwd({
            portMin: 9999,
            portMax: 9999,
            resolution: { resolved: false, reason: 'no-route', detail: '' },
          }),
        ],
      ],
      [
        webNs.id.ino,
        [
          fwd({
            netns: webNs,
            ip: '127.0.0.11',
            portMin: 53,
            portMax: 53,
            targetPortMin: 41000,
            targetPortMax: 41000,
          }),
        ],
      ],
    ]);
    const r: DiscoveryResult = { ...s, forwards };
    const ports = publishedPortsFromForwards(r, r.containers.containers);
    expect(ports.get('id-web')).toEqual([
      { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' },
      { hostIp: '127.0.0.1', hostPort: 5354, containerPort: 54, protocol: 'udp' },
      { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    ]);
    expect(ports.has('id-hostnet')).toBe(false);
  });

  it('formats ports like docker ps', () => {
    expect(
      portText({ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }),
    ).toBe('0.0.0.0:8080->80/tcp');
    expect(portText({ hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' })).toBe(
      '[::]:8080->80/tcp',
    );
    expect(portText({ hostIp: '', hostPort: 1, containerPort: 2, protocol: 'udp' })).toBe(
      '1->2/udp',
    );
  });
});

describe('containersInfo', () => {
  it('lists engines with their containers, netns, addresses, groups and ports', () => {
    const ports = new Map([
      ['id-web', [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]],
    ]);
    const [d, c] = containersInfo(scenario(), ports);
    expect(c).toMatchObject({ type: 'containerd.io', prefix: 'dind', containers: [] });
    expect(d).toMatchObject({
      id: 'D1',
      type: 'docker.com',
      version: '20.10.24',
      pid: 900,
      'api-path': docker.apiPath,
      prefix: '',
    });
    const [hostnet, web] = d?.containers ?? [];
    expect(web).toMatchObject({
      name: 'web',
      type: 'docker',
      status: 'running',
      pid: 2345,
      netns: SCENARIO.containerNet,
      'host-netns': false,
      groups: [{ type: 'compose', name: 'shop' }],
      'published-ports': [
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      ],
    });
    // eth0 of the container netns, no loopback, no link-local
    expect(
      web?.addresses.every((a) => a.interface !== 'lo' && !a.address.startsWith('fe80:')),
    ).toBe(true);
    const s = scenario();
    const eth0 = [...(s.network.netns.get(SCENARIO.containerNet)?.nifs.values() ?? [])].find(
      (n) => n.name === 'eth0',
    );
    const global = (eth0?.addresses ?? []).filter((a) => a.scope === 0).map((a) => a.address);
    expect(web?.addresses.map((a) => a.address)).toEqual(global);
    expect(hostnet).toMatchObject({
      name: 'hostnet',
      status: 'paused',
      netns: SCENARIO.hostNet,
      'host-netns': true,
      groups: [],
    });
  });

  it('renders a table per engine', () => {
    const text = renderContainers(containersInfo(scenario(), new Map()));
    const lines = text.split('\n');
    expect(lines[0]).toBe(`docker.com 20.10.24  pid 900  ${docker.apiPath}  (id D1)`);
    expect(lines[1]).toMatch(/^ {2}NAME +STATUS +PID +NETNS +ADDRESSES +GROUP +PUBLISHED$/);
    expect(lines[2]).toMatch(
      new RegExp(`^ {2}hostnet +paused +800 +${SCENARIO.hostNet} +host network +- +-$`),
    );
    expect(lines[3]).toMatch(
      new RegExp(`^ {2}web +running +2345 +${SCENARIO.containerNet} +eth0:\\S+ .*compose:shop +-$`),
    );
    expect(text).toContain(
      `containerd.io 1.6.20  pid 901  ${ctrd.apiPath}  prefix dind  (id C1)\n  (no containers)\n`,
    );
    expect(renderContainers([])).toBe('no container engines found\n');
  });
});

describe('ghostwire containers', () => {
  const ports: PublishedPortsFn = async (cs) => ({
    byContainer: new Map(
      cs
        .filter((c) => c.name === 'web')
        .map((c) => [c.id, [{ hostIp: '', hostPort: 1, containerPort: 2, protocol: 'tcp' }]]),
    ),
    problems: [{ code: 'GW_ERR_ENGINE_API', message: 'nope', subject: 'container id-hostnet' }],
  });

  it('prints JSON and the problems on stderr', async () => {
    const o = io();
    await runContainers(o, { json: true }, async () => scenario(), ports);
    const j = JSON.parse(o.out()) as {
      engines: Array<{ containers: Array<{ name: string; 'published-ports': unknown[] }> }>;
    };
    expect(j.engines).toHaveLength(2);
    expect(
      j.engines[0]?.containers.find((c) => c.name === 'web')?.['published-ports'],
    ).toHaveLength(1);
    expect(o.err()).toContain('GW_ERR_ENGINE_API: container id-hostnet: nope');
    expect(o.exitCode).toBe(0);
  });

  it('is registered with --help text', async () => {
    const o = io();
    const program = buildProgram(o);
    expect(program.commands.map((c) => c.name())).toContain('containers');
    const p2 = new Command()
      .exitOverride()
      .configureOutput({ writeOut: (t) => o.stdout.write(t), writeErr: (t) => o.stderr.write(t) });
    makeContainersCommand(async () => scenario(), ports).register(p2, o);
    await expect(p2.parseAsync(['node', 'ghostwire', 'containers', '--help'])).rejects.toThrow();
    expect(o.out()).toContain('--json');
    expect(o.out()).toContain('published ports');
  });
});
