// SPDX-License-Identifier: MIT
/**
 * End-to-end: the network decorators against the real engines started by
 * scripts/engines-up.sh. Docker: default bridge, a user bridge with labels `foo=bar`, an
 * internal bridge, a macvlan network (its parent is a veth this test creates: the kernel here has
 * no VLAN support, and Docker allows one macvlan network per parent, so eth0 could collide with
 * other tests), each with a container; podman: a user network with
 * a label and an internal one; nerdctl/CNI: a containerd started by this test in its own mount
 * and network namespace with a nerdctl conflist and bridge that exist only there. The models
 * come from the real discovery phases (namespaces → network, tracker → containers); the
 * container ↔ veth ↔ bridge path is checked as in the Go original's test.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDecorators } from '../../../src/decorators/index.js';
import { EngineTracker } from '../../../src/engines/index.js';
import { ENGINE_TYPES, type Container, type ContainerModel } from '../../../src/model/container.js';
import type { NamespaceModel } from '../../../src/model/namespace.js';
import type { NetworkModel, NetworkNamespace, Nif } from '../../../src/model/network.js';
import type { Problem } from '../../../src/model/problem.js';
import { discoverNamespaces } from '../../../src/namespaces/index.js';
import { discoverNetwork } from '../../../src/network/index.js';
import {
  IMAGE,
  docker,
  gwtName,
  podman,
  processTable,
  run,
  startProcess,
  tryRun,
  unavailable,
  until,
} from '../engines/helpers.js';

const skipDocker = unavailable('docker');
const skipPodman = unavailable('podman');
const skipContainerd = unavailable('containerd');

interface Discovered {
  namespaces: NamespaceModel;
  network: NetworkModel;
  containers: ContainerModel;
  problems: Problem[];
}

/** One full discovery of namespaces, network and containers, then the decorators. */
async function discoverAndDecorate(tracker: EngineTracker): Promise<Discovered> {
  const ns = discoverNamespaces();
  const net = await discoverNetwork(ns.value);
  const cm = await tracker.update(ns.value.processes);
  const problems = await runDecorators({
    namespaces: ns.value,
    network: net.value,
    containers: cm.value,
    timeoutMs: 10_000,
  });
  return { namespaces: ns.value, network: net.value, containers: cm.value, problems };
}

function netnsOfPid(d: Discovered, pid: number): NetworkNamespace {
  const ino = d.namespaces.processes.get(pid)?.namespaces.net?.id.ino;
  const n = ino === undefined ? undefined : d.network.netns.get(ino);
  if (n === undefined) throw new Error(`netns of pid ${pid} not discovered`);
  return n;
}
function nifNamed(n: NetworkNamespace, name: string): Nif {
  const nif = [...n.nifs.values()].find((x) => x.name === name);
  if (nif === undefined) throw new Error(`no nif ${name} in netns ${n.ns.id.ino}`);
  return nif;
}
/** The decorator problems (any engine-level problem of dockernet/podmannet/nerdctlnet/kind). */
const decoratorProblems = (d: Discovered): Problem[] =>
  d.problems.filter(
    (p) =>
      p.code.startsWith('GW_ERR_DECORATOR') ||
      /^(dockernet|podmannet|nerdctlnet|kind):/.test(p.message),
  );

/** The bridge a container's eth0 (veth) is plugged into. */
function bridgeOfContainer(d: Discovered, c: Container): Nif | undefined {
  const eth0 = nifNamed(netnsOfPid(d, c.pid), 'eth0');
  expect(eth0.kind).toBe('veth');
  return eth0.peer?.master;
}

describe.skipIf(skipDocker !== undefined)(
  `dockernet${skipDocker === undefined ? '' : ` (skipped: ${skipDocker})`}`,
  () => {
    const tag = gwtName('deco');
    const user = `${tag}-user`;
    const internal = `${tag}-int`;
    const macvlan = `${tag}-mv`;
    const parent = `gwt${tag.slice(4, 12)}p`; // ≤ 15 characters
    const ctrs = {
      bridge: `${tag}-c-bridge`,
      user: `${tag}-c-user`,
      internal: `${tag}-c-int`,
      macvlan: `${tag}-c-mv`,
    };
    let tracker: EngineTracker;
    let d: Discovered;

    beforeAll(async () => {
      tracker = new EngineTracker();
      docker('network', 'create', '--label', 'foo=bar', '--label', 'com.example.team=blue', user);
      docker('network', 'create', '--internal', '--label', 'foo=bar', internal);
      run('ip', ['link', 'add', parent, 'type', 'veth', 'peer', 'name', `${parent}x`]);
      run('ip', ['link', 'set', parent, 'up']);
      docker(
        'network',
        'create',
        '-d',
        'macvlan',
        '-o',
        `parent=${parent}`,
        '--subnet',
        '192.168.253.0/24',
        '--label',
        'foo=bar',
        macvlan,
      );
      docker('run', '-d', '--name', ctrs.bridge, IMAGE, 'sleep', '1d');
      docker('run', '-d', '--name', ctrs.user, '--network', user, IMAGE, 'sleep', '1d');
      docker('run', '-d', '--name', ctrs.internal, '--network', internal, IMAGE, 'sleep', '1d');
      docker('run', '-d', '--name', ctrs.macvlan, '--network', macvlan, IMAGE, 'sleep', '1d');
      const names = Object.values(ctrs);
      d = await discoverAndDecorate(tracker);
      // the watcher may still be catching up with the last run: rediscover until all are listed
      await until(
        async () => {
          if (names.every((n) => d.containers.containers.some((c) => c.name === n))) return true;
          d = await discoverAndDecorate(tracker);
          return false;
        },
        20_000,
        300,
      );
    });

    afterAll(() => {
      tracker?.close();
      tryRun('docker', ['rm', '-f', ...Object.values(ctrs)]);
      for (const n of [user, internal, macvlan]) tryRun('docker', ['network', 'rm', n]);
      tryRun('ip', ['link', 'del', parent]);
    });

    const container = (name: string): Container => {
      const c = d.containers.containers.find(
        (x) => x.name === name && x.type === ENGINE_TYPES.docker && x.prefix === '',
      );
      if (c === undefined) throw new Error(`container ${name} not tracked`);
      return c;
    };
    const networkId = (name: string): string => docker('network', 'inspect', '-f', '{{.Id}}', name);

    it('records no decorator problems', () => {
      expect(decoratorProblems(d)).toEqual([]);
    });

    it('default bridge: docker0 has alias "bridge", the name and default-bridge labels, no internal label', () => {
      const br = bridgeOfContainer(d, container(ctrs.bridge));
      expect(br?.name).toBe('docker0');
      expect(br?.alias).toBe('bridge');
      expect(br?.labels).toMatchObject({
        'gostwire/network/name': 'bridge',
        'gostwire/network/default-bridge': 'true',
      });
      expect(br?.labels['gostwire/bridge/internal']).toBeUndefined();
    });

    it('user network: br-<id12> with alias, name label and user labels verbatim', () => {
      const br = bridgeOfContainer(d, container(ctrs.user));
      expect(br?.name).toBe(`br-${networkId(user).slice(0, 12)}`);
      expect(br?.alias).toBe(user);
      expect(br?.labels).toEqual({
        foo: 'bar',
        'com.example.team': 'blue',
        'gostwire/network/name': user,
      });
    });

    it('internal network: internal label "true"', () => {
      const br = bridgeOfContainer(d, container(ctrs.internal));
      expect(br?.name).toBe(`br-${networkId(internal).slice(0, 12)}`);
      expect(br?.alias).toBe(internal);
      expect(br?.labels).toEqual({
        foo: 'bar',
        'gostwire/network/name': internal,
        'gostwire/bridge/internal': 'true',
      });
    });

    it('macvlan network: the container’s macvlan master (the parent) carries alias and labels', () => {
      const c = container(ctrs.macvlan);
      const eth0 = nifNamed(netnsOfPid(d, c.pid), 'eth0');
      expect(eth0.kind).toBe('macvlan');
      expect(eth0.lower?.name).toBe(parent);
      expect(eth0.lower?.alias).toBe(macvlan);
      expect(eth0.lower?.labels).toEqual({ foo: 'bar', 'gostwire/network/name': macvlan });
      // the decorated nif is in the Docker engine's netns
      const dockerd = d.containers.engines.find((e) => e === c.engine);
      expect(eth0.lower?.netns).toBe(netnsOfPid(d, dockerd?.pid ?? -1));
    });
  },
);

describe.skipIf(skipPodman !== undefined)(
  `podmannet${skipPodman === undefined ? '' : ` (skipped: ${skipPodman})`}`,
  () => {
    const tag = gwtName('pdeco');
    const user = `${tag}-user`;
    const internal = `${tag}-int`;
    const ctr = `${tag}-c`;
    let tracker: EngineTracker;
    let d: Discovered;
    const iface = (net: string): string =>
      podman('network', 'inspect', '-f', '{{.NetworkInterface}}', net);

    beforeAll(async () => {
      tracker = new EngineTracker();
      podman('network', 'create', '--label', 'foo=bar', user);
      podman('network', 'create', '--internal', internal);
      podman('run', '-d', '--name', ctr, '--network', user, IMAGE, 'sleep', '1d');
      // podman's CNI backend creates the default network's bridge (cni-podman0) only when a
      // container joins it: run one there too, so the test does not depend on earlier runs
      podman('run', '-d', '--name', `${ctr}-def`, IMAGE, 'sleep', '1d');
      d = await discoverAndDecorate(tracker);
      await until(
        async () => {
          if (d.containers.containers.some((c) => c.name === ctr && c.type === ENGINE_TYPES.podman))
            return true;
          d = await discoverAndDecorate(tracker);
          return false;
        },
        20_000,
        300,
      );
    });

    afterAll(() => {
      tracker?.close();
      tryRun('podman', ['rm', '-f', '-t', '0', ctr, `${ctr}-def`]);
      for (const n of [user, internal]) tryRun('podman', ['network', 'rm', '-f', n]);
    });

    it('records no decorator problems', () => {
      expect(decoratorProblems(d)).toEqual([]);
    });

    it('user network: the container’s bridge carries alias, name label and user labels', () => {
      const c = d.containers.containers.find(
        (x) => x.name === ctr && x.type === ENGINE_TYPES.podman,
      );
      if (c === undefined) throw new Error('podman container not tracked');
      const br = bridgeOfContainer(d, c);
      expect(br?.name).toBe(iface(user));
      expect(br?.alias).toBe(user);
      expect(br?.labels).toEqual({ foo: 'bar', 'gostwire/network/name': user });
    });

    it('default network podman on its bridge; internal network flagged', () => {
      const engine = d.containers.engines.find((e) => e.type === ENGINE_TYPES.podman);
      const host = netnsOfPid(d, engine?.pid ?? -1);
      const def = nifNamed(host, iface('podman'));
      expect(def.alias).toBe('podman');
      expect(def.labels).toEqual({ 'gostwire/network/name': 'podman' });
      // podman's CNI backend creates an internal network's bridge only when a container joins it
      const intName = iface(internal);
      const intBridge = [...host.nifs.values()].find((n) => n.name === intName);
      if (intBridge !== undefined)
        expect(intBridge.labels).toMatchObject({
          'gostwire/network/name': internal,
          'gostwire/bridge/internal': 'true',
        });
    });
  },
);

describe.skipIf(skipContainerd !== undefined)(
  `nerdctlnet${skipContainerd === undefined ? '' : ` (skipped: ${skipContainerd})`}`,
  () => {
    const tag = gwtName('nctl');
    const dataRoot = `/var/lib/${tag}`;
    const netName = `${tag}-net`;
    const bridge = `br-${tag.slice(4, 12)}nc`; // ≤ 15 characters
    let daemon: ChildProcess | undefined;
    let pid = 0;
    let tracker: EngineTracker;
    let d: Discovered;

    beforeAll(async () => {
      tracker = new EngineTracker();
      const conflist = JSON.stringify({
        cniVersion: '1.0.0',
        name: netName,
        nerdctlID: 'f'.repeat(64),
        nerdctlLabels: { foo: 'bar' },
        plugins: [
          {
            type: 'bridge',
            bridge,
            isGateway: true,
            ipMasq: true,
            ipam: { type: 'host-local', ranges: [[{ subnet: '10.251.0.0/24' }]] },
          },
        ],
      });
      // containerd in its own mount+net namespace: /run and /etc/cni/net.d are private tmpfs, so
      // the conflist and the bridge exist only there (no other engine on the host sees them)
      const inner = [
        'set -e',
        'mount -t tmpfs -o mode=755 tmpfs /run',
        'mkdir -p /etc/cni/net.d',
        'mount -t tmpfs -o mode=755 tmpfs /etc/cni/net.d',
        `printf '%s' '${conflist}' > /etc/cni/net.d/nerdctl-${netName}.conflist`,
        `printf '{"name":"other","plugins":[{"type":"bridge","bridge":"lo"}]}' > /etc/cni/net.d/87-podman-bridge.conflist`,
        'ip link set lo up',
        `ip link add ${bridge} type bridge`,
        ': > /run/gwt-containerd.toml',
        `exec containerd --config /run/gwt-containerd.toml --address /run/containerd/containerd.sock --root ${dataRoot} --state /run/containerd-state`,
      ].join('\n');
      daemon = startProcess('unshare', [
        '--mount',
        '--net',
        '--propagation',
        'private',
        'sh',
        '-c',
        inner,
      ]);
      pid = daemon.pid as number;
      const sock = `/proc/${pid}/root/run/containerd/containerd.sock`;
      const up = await until(
        () =>
          tryRun('ctr', ['--address', sock, '--connect-timeout', '2s', 'version']) !== undefined,
        30_000,
        200,
      );
      if (!up) throw new Error('namespaced containerd did not answer within 30 s');
      d = await discoverAndDecorate(tracker);
    });

    afterAll(async () => {
      tracker?.close();
      if (pid > 0) {
        tryRun('kill', ['-TERM', String(pid)]);
        if (!(await until(() => processTable().get(pid) === undefined, 20_000)))
          tryRun('kill', ['-KILL', String(pid)]);
        await until(() => processTable().get(pid) === undefined, 10_000);
      }
      rmSync(dataRoot, { recursive: true, force: true });
    });

    it('finds the namespaced containerd and decorates its bridge from the conflist in its mount namespace', () => {
      const engine = d.containers.engines.find(
        (e) => e.pid === pid && e.type === ENGINE_TYPES.containerd,
      );
      expect(engine, JSON.stringify(d.problems)).toBeDefined();
      const n = netnsOfPid(d, pid);
      const br = nifNamed(n, bridge);
      expect(br.alias).toBe(netName);
      expect(br.labels).toEqual({ foo: 'bar', 'com.docker.network.bridge.name': netName });
      // only nerdctl-*.conflist files are read: podman's conflist (naming lo) is not applied
      expect(nifNamed(n, 'lo').alias).toBe('');
      // the host has no such file: no host nif got this network name
      const host = netnsOfPid(d, process.pid);
      expect([...host.nifs.values()].some((x) => x.alias === netName)).toBe(false);
      expect(decoratorProblems(d).filter((p) => p.subject.includes(`pid ${pid}`))).toEqual([]);
      expect(run('ls', [`/proc/${pid}/root/etc/cni/net.d`]).split('\n')).toContain(
        `nerdctl-${netName}.conflist`,
      );
    });
  },
);
