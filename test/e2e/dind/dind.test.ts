// SPDX-License-Identifier: MIT
/**
 * End-to-end: Docker-in-Docker ("turtles"). A container of the host Docker engine runs its own
 * dockerd (image localhost/gwtest/dind, built WITHOUT a registry by scripts/dind-image.sh from a
 * debootstrapped Debian rootfs, cached under /var/cache/ghostwire-dind), started as in
 * engines-on-this-machine.md — all capabilities but CAP_SYS_RESOURCE, no seccomp, unmasked
 * /proc, all devices, /var/lib/docker as a volume, the host cgroup tree — not `--privileged`
 * (which fails here). The inner dockerd gets the busybox test image loaded through its socket
 * (reached as /proc/<pid>/root/run/docker.sock), a user network with a label and a container.
 * The DinD container also carries KinD's node labels, so the kind decorator sees a node with an
 * engine inside.
 *
 * Asserted against `docker inspect` (outer and inner) and /proc: the tracker finds the inner
 * engines via /proc/PID/root with prefix = the DinD container's name; the inner container has
 * that prefix (also as label), its host PID (NSpid translation) and engine PID; its netns,
 * eth0 address and veth peer in the DinD netns; the decorators name the inner bridges; the
 * kind decorator marks node and inner container. Everything is named gwt-… and force-removed in
 * afterAll even on failure (inner container, DinD container with its volume, cgroup dirs).
 *
 * When no Debian mirror can be reached for the first image build, the suite skips with that
 * reason — unless GW_E2E_REQUIRED=1, then it fails.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, rmdirSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { runDecorators } from '../../../src/decorators/index.js';
import { EngineTracker } from '../../../src/engines/index.js';
import {
  ENGINE_TYPES,
  PREFIX_LABEL,
  type Container,
  type ContainerModel,
} from '../../../src/model/container.js';
import type { NamespaceModel } from '../../../src/model/namespace.js';
import type { NetworkModel, NetworkNamespace, Nif } from '../../../src/model/network.js';
import type { Problem } from '../../../src/model/problem.js';
import { discoverNamespaces } from '../../../src/namespaces/index.js';
import { discoverNetwork } from '../../../src/network/index.js';
import {
  IMAGE,
  STATE,
  docker,
  gwtName,
  processTable,
  run,
  tryRun,
  unavailable,
  until,
} from '../engines/helpers.js';

const skip = unavailable('docker');
const REQUIRED = process.env['GW_E2E_REQUIRED'] === '1';
const DIND_IMAGE = 'localhost/gwtest/dind:latest';
const REPO = new URL('../../../', import.meta.url).pathname;

/** Removes a cgroup directory tree bottom-up (cgroupfs dirs are removed with rmdir only). */
function rmCgroupTree(path: string): void {
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return;
  }
  for (const e of entries) {
    const sub = `${path}/${e}`;
    try {
      if (statSync(sub).isDirectory()) rmCgroupTree(sub);
    } catch {
      // vanished
    }
  }
  try {
    rmdirSync(path);
  } catch {
    // still busy or not ours to remove
  }
}

interface Discovered {
  namespaces: NamespaceModel;
  network: NetworkModel;
  containers: ContainerModel;
  problems: Problem[];
}

describe.skipIf(skip !== undefined)(
  `docker-in-docker${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    const name = gwtName('dind');
    const innerName = gwtName('inner');
    const innerNet = gwtName('innernet');
    let imageSkip: string | undefined;
    let dindPid = 0;
    let sock = '';
    let tracker: EngineTracker | undefined;
    let d: Discovered;
    const inner = (...args: string[]): string =>
      run('docker', ['-H', `unix://${sock}`, ...args], 120_000);

    async function discover(): Promise<Discovered> {
      const ns = discoverNamespaces();
      const net = await discoverNetwork(ns.value);
      const cm = await (tracker as EngineTracker).update(ns.value.processes);
      const problems = [...ns.problems, ...net.problems, ...cm.problems];
      problems.push(
        ...(await runDecorators({
          namespaces: ns.value,
          network: net.value,
          containers: cm.value,
          timeoutMs: 10_000,
        })),
      );
      return { namespaces: ns.value, network: net.value, containers: cm.value, problems };
    }

    beforeAll(async () => {
      // 1. the image (cached rootfs → fast; first build runs debootstrap, ~80–150 s)
      const built = spawnSync(`${REPO}scripts/dind-image.sh`, [], {
        encoding: 'utf8',
        timeout: 540_000,
      });
      if (built.status === 2) {
        imageSkip = built.stderr.trim().split('\n').pop() ?? 'no Debian mirror reachable';
        if (REQUIRED)
          throw new Error(`DinD suite required but the image cannot be built: ${imageSkip}`);
        return;
      }
      if (built.status !== 0)
        throw new Error(
          `scripts/dind-image.sh failed (${built.status ?? built.signal}): ${built.stderr.slice(-2000)}`,
        );
      // 2. the DinD container, also dressed as a KinD node
      docker(
        'run',
        '-d',
        '--name',
        name,
        '--label',
        `io.x-k8s.kind.cluster=${name}-cluster`,
        '--label',
        'io.x-k8s.kind.role=control-plane',
        '--cap-add',
        'ALL',
        '--cap-drop',
        'SYS_RESOURCE',
        '--security-opt',
        'seccomp=unconfined',
        '--security-opt',
        'systempaths=unconfined',
        '--device-cgroup-rule',
        'a *:* rwm',
        '-v',
        '/var/lib/docker',
        '-v',
        '/sys/fs/cgroup:/sys/fs/cgroup',
        DIND_IMAGE,
        'dockerd',
        '--cgroup-parent',
        `/${name}`,
      );
      dindPid = Number(docker('inspect', '-f', '{{.State.Pid}}', name));
      sock = `/proc/${dindPid}/root/run/docker.sock`;
      const up = await until(
        () =>
          tryRun('curl', ['-sf', '--max-time', '2', '--unix-socket', sock, 'http://x/_ping']) ===
          'OK',
        60_000,
        200,
      );
      if (!up)
        throw new Error(
          `inner dockerd did not answer within 60 s: ${tryRun('docker', ['logs', '--tail', '20', name]) ?? ''}`,
        );
      // 3. inner workload: the busybox image without a registry, a labelled network, a container
      inner('load', '-q', '-i', `${STATE}/gwtest-busybox.tar`);
      inner('network', 'create', '--label', 'foo=bar', innerNet);
      inner('run', '-d', '--name', innerName, '--network', innerNet, IMAGE, 'sleep', '1d');
      // 4. discovery until the inner container is listed (new engines: ≤ 2 s wait per update)
      tracker = new EngineTracker();
      d = await discover();
      await until(
        async () => {
          if (d.containers.containers.some((c) => c.name === innerName && c.engine.pid === dindPid))
            return true;
          d = await discover();
          return false;
        },
        30_000,
        300,
      );
    }, 600_000);

    afterAll(async () => {
      tracker?.close();
      if (sock !== '') tryRun('docker', ['-H', `unix://${sock}`, 'rm', '-f', innerName], 60_000);
      tryRun('docker', ['rm', '-f', '-v', name], 120_000);
      if (dindPid > 0) await until(() => processTable().get(dindPid) === undefined, 30_000);
      for (const ctl of readdirSync('/sys/fs/cgroup'))
        rmCgroupTree(`/sys/fs/cgroup/${ctl}/${name}`);
    }, 180_000);

    const needImage = (ctx: TestContext): void => {
      if (imageSkip !== undefined) {
        console.warn(`docker-in-docker skipped: ${imageSkip}`);
        ctx.skip();
      }
    };
    const innerContainer = (): Container => {
      const c = d.containers.containers.find(
        (x) => x.name === innerName && x.engine.pid === dindPid,
      );
      if (c === undefined)
        throw new Error(`inner container not tracked; problems: ${JSON.stringify(d.problems)}`);
      return c;
    };
    const innerInspect = (): {
      State: { Pid: number };
      NetworkSettings: { Networks: Record<string, { IPAddress: string; NetworkID: string }> };
    } => (JSON.parse(inner('inspect', innerName)) as [ReturnType<typeof innerInspect>])[0];
    const netnsOfPid = (pid: number): NetworkNamespace => {
      const ino = d.namespaces.processes.get(pid)?.namespaces.net?.id.ino;
      const n = ino === undefined ? undefined : d.network.netns.get(ino);
      if (n === undefined) throw new Error(`netns of pid ${pid} not discovered`);
      return n;
    };
    const nifNamed = (n: NetworkNamespace, nifName: string): Nif | undefined =>
      [...n.nifs.values()].find((x) => x.name === nifName);

    it('finds the inner dockerd (and its containerd) via /proc/PID/root, prefixed with the DinD container name', (ctx) => {
      needImage(ctx);
      const dockerd = d.containers.engines.find((e) => e.pid === dindPid);
      expect(dockerd, JSON.stringify(d.problems)).toMatchObject({
        type: ENGINE_TYPES.docker,
        prefix: name,
      });
      expect(dockerd?.apiPath).toMatch(new RegExp(`^unix:///proc/${dindPid}/root/`));
      // the host sees no such socket: it is reachable only through the DinD process's root
      expect(dockerd?.apiPath).not.toBe('unix:///var/run/docker.sock');
      const childContainerd = d.containers.engines.find(
        (e) => e.type === ENGINE_TYPES.containerd && processTable().get(e.pid)?.ppid === dindPid,
      );
      expect(childContainerd?.prefix).toBe(name);
      // the DinD container itself belongs to the host engine, without prefix
      const outer = d.containers.containers.find((c) => c.name === name);
      expect(outer?.prefix).toBe('');
      expect(outer?.pid).toBe(dindPid);
    });

    it('inner container: prefix label, host PID by NSpid translation, engine-local PID', (ctx) => {
      needImage(ctx);
      const c = innerContainer();
      const enginePid = innerInspect().State.Pid;
      expect(c.prefix).toBe(name);
      expect(c.labels[PREFIX_LABEL]).toBe(name);
      expect(c.enginePid).toBe(enginePid);
      expect(c.pid).not.toBe(enginePid);
      const nspid = /^NSpid:\s+(.*)$/m
        .exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'))?.[1]
        ?.split(/\s+/)
        .map(Number);
      // host PID, PID in the DinD PID namespace, PID 1 in its own
      expect(nspid?.[0]).toBe(c.pid);
      expect(nspid?.[1]).toBe(enginePid);
      expect(nspid).toHaveLength(3);
      expect(readlinkSync(`/proc/${c.pid}/ns/pid`)).not.toBe(
        readlinkSync(`/proc/${dindPid}/ns/pid`),
      );
    });

    it('inner container netns, address and veth peer on the decorated bridge in the DinD netns', (ctx) => {
      needImage(ctx);
      const c = innerContainer();
      const info = innerInspect();
      const ep = info.NetworkSettings.Networks[innerNet];
      const cns = netnsOfPid(c.pid);
      const dindNs = netnsOfPid(dindPid);
      expect(cns).not.toBe(dindNs);
      expect(dindNs).not.toBe(netnsOfPid(process.pid));
      const eth0 = nifNamed(cns, 'eth0');
      expect(eth0?.addresses.filter((a) => a.family === 4).map((a) => a.address)).toEqual([
        ep?.IPAddress,
      ]);
      expect(eth0?.kind).toBe('veth');
      expect(eth0?.peer?.netns).toBe(dindNs);
      const br = eth0?.peer?.master;
      expect(br?.name).toBe(`br-${(ep?.NetworkID ?? '').slice(0, 12)}`);
      expect(br?.alias).toBe(innerNet);
      expect(br?.labels).toEqual({ foo: 'bar', 'gostwire/network/name': innerNet });
      // the inner default bridge is the DinD netns's docker0, decorated too; the host's docker0 is another nif
      const innerDocker0 = nifNamed(dindNs, 'docker0');
      expect(innerDocker0?.labels).toEqual({
        'gostwire/network/name': 'bridge',
        'gostwire/network/default-bridge': 'true',
      });
      expect(innerDocker0).not.toBe(nifNamed(netnsOfPid(process.pid), 'docker0'));
      expect(d.problems.filter((p) => p.code.startsWith('GW_ERR_DECORATOR'))).toEqual([]);
    });

    it('kind decorator: the DinD container as KinD node, the inner container marked with its node', (ctx) => {
      needImage(ctx);
      const node = d.containers.containers.find((c) => c.name === name);
      expect(node?.labels).toMatchObject({
        'gostwire/kind/cluster': `${name}-cluster`,
        'gostwire/kind/role': 'control-plane',
      });
      expect(innerContainer().labels).toMatchObject({
        'gostwire/kind/cluster': `${name}-cluster`,
        'gostwire/kind/node': name,
      });
      // host containers outside the node are not marked
      const others = d.containers.containers.filter((c) => c.prefix === '' && c.name !== name);
      expect(others.some((c) => c.labels['gostwire/kind/node'] !== undefined)).toBe(false);
    });
  },
);
