// SPDX-License-Identifier: MIT
/**
 * End-to-end: forwarded ports of the real Docker engine (started by scripts/engines-up.sh, its
 * iptables-nft back-end, or docker-proxy processes where it uses them). One container on the
 * default bridge runs busybox httpd on port 80 and is published as `-p 127.0.0.1:P:80`, `-p
 * P2:80/udp` (served by a python3 UDP listener we start inside the container's netns: busybox
 * has no UDP server) and, when the daemon accepts it, `-p [::1]:P3:80`; each must resolve to the
 * container's netns and its listening process. A container on a user network must have the
 * embedded-DNS redirections `127.0.0.11:53` (tcp and udp) in its own netns, served by dockerd.
 * Everything created has a `gwt-` name and is removed afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forward } from '../../../src/model/forward.js';
import { discoverNamespaces } from '../../../src/namespaces/index.js';
import { discoverNetwork } from '../../../src/network/index.js';
import { discoverForwards } from '../../../src/network/portfwd/index.js';
import { discoverPorts } from '../../../src/network/ports/index.js';
import { PYTHON, waitForOutput } from '../../helpers/python.js';
import { IMAGE, docker, gwtName, recordedPid, tryRun, unavailable } from '../engines/helpers.js';

const skip = unavailable('docker');

const UDP_PY = `
import socket as S, time
u = S.socket(S.AF_INET, S.SOCK_DGRAM); u.bind(('0.0.0.0', 80))
print('READY', flush=True)
time.sleep(300)
`;

function inoOf(pid: number): number {
  return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))?.[1] ?? 0);
}

describe.skipIf(skip !== undefined)(`Docker forwarded ports (${skip ?? 'root'})`, () => {
  const tag = gwtName('fwd');
  const web = `${tag}-web`;
  const user = `${tag}-user`;
  const net = `${tag}-net`;
  let v6 = false;
  let v6Reason = '';
  let udp: ChildProcess | undefined;
  let webPid = 0;
  let userPid = 0;
  const dockerPid = recordedPid('docker') ?? 0;
  let ports: { p: number; p2: number; p3: number } = { p: 0, p2: 0, p3: 0 };
  let forwards: Map<number, Forward[]> = new Map();
  let problems: unknown[] = [];

  beforeAll(async () => {
    const base = 20000 + Math.floor(Math.random() * 20000);
    ports = { p: base, p2: base + 1, p3: base + 2 };
    const args = [
      'run',
      '-d',
      '--name',
      web,
      '--label',
      `gwt.test=${tag}`,
      '-p',
      `127.0.0.1:${ports.p}:80`,
      '-p',
      `${ports.p2}:80/udp`,
    ];
    try {
      docker(...args, '-p', `[::1]:${ports.p3}:80`, IMAGE, 'httpd', '-f', '-p', '80', '-h', '/');
      v6 = true;
    } catch (e: unknown) {
      v6Reason = `the daemon refused -p [::1]:P:80 (${
        String((e as { stderr?: unknown }).stderr ?? e)
          .trim()
          .split('\n')[0]
      })`;
      tryRun('docker', ['rm', '-f', web]);
      docker(...args, IMAGE, 'httpd', '-f', '-p', '80', '-h', '/');
    }
    docker('network', 'create', net);
    docker(
      'run',
      '-d',
      '--name',
      user,
      '--network',
      net,
      '--label',
      `gwt.test=${tag}`,
      IMAGE,
      'sleep',
      '300',
    );
    webPid = Number(docker('inspect', '-f', '{{.State.Pid}}', web));
    userPid = Number(docker('inspect', '-f', '{{.State.Pid}}', user));
    udp = spawn('nsenter', [`--net=/proc/${webPid}/ns/net`, PYTHON, '-c', UDP_PY], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await waitForOutput(udp, /READY\n/);
    const ns = await discoverNamespaces({ procRoot: '/proc' });
    const network = await discoverNetwork(ns.value, {});
    const only = new Set([inoOf(dockerPid), inoOf(webPid), inoOf(userPid)]);
    const p = await discoverPorts(ns.value, network.value, { only });
    const r = await discoverForwards(ns.value, network.value, p.value, { only });
    forwards = r.value;
    problems = r.problems;
  }, 120_000);

  afterAll(() => {
    if (udp?.pid !== undefined && udp.exitCode === null) udp.kill('SIGKILL');
    tryRun('docker', ['rm', '-f', web, user]);
    tryRun('docker', ['network', 'rm', net]);
  });

  const hostForward = (proto: string, ip: string, port: number): Forward | undefined =>
    (forwards.get(inoOf(dockerPid)) ?? []).find(
      (f) => f.protocol === proto && f.ip === ip && f.portMin === port,
    );
  const serverPids = (f: Forward | undefined): number[] =>
    f?.resolution?.resolved === true ? f.resolution.servers.map((s) => s.process.pid) : [];

  it('reads the host netns without problems', () => {
    expect(problems).toEqual([]);
  });

  it('-p 127.0.0.1:P:80 resolves to the container netns and httpd', () => {
    const f = hostForward('tcp', '127.0.0.1', ports.p);
    expect(
      f,
      JSON.stringify(
        [...(forwards.get(inoOf(dockerPid)) ?? [])].map(
          (x) => `${x.backend} ${x.protocol} ${x.ip}:${x.portMin}`,
        ),
      ),
    ).toBeDefined();
    expect(['docker', 'iptables-legacy', 'docker-proxy']).toContain(f?.backend);
    expect(f?.targetPortMin).toBe(80);
    expect(f?.resolution).toMatchObject({ resolved: true });
    expect(f?.resolution?.resolved === true && f.resolution.netns.id.ino).toBe(inoOf(webPid));
    expect(serverPids(f)).toContain(webPid);
  });

  it('-p P2:80/udp resolves to the container netns and its UDP listener', () => {
    const f = hostForward('udp', '0.0.0.0', ports.p2);
    expect(f?.resolution?.resolved === true && f.resolution.netns.id.ino).toBe(inoOf(webPid));
    expect(serverPids(f)).toContain(udp?.pid);
  });

  it('-p [::1]:P3:80 resolves to the container (skips when the daemon refuses IPv6 binds)', (ctx) => {
    if (!v6) {
      ctx.skip(v6Reason);
      return;
    }
    const f = hostForward('tcp', '::1', ports.p3);
    expect(f).toBeDefined();
    expect(f?.resolution?.resolved === true && f.resolution.netns.id.ino).toBe(inoOf(webPid));
    expect(serverPids(f)).toContain(webPid);
  });

  it('finds the embedded-DNS redirections inside the user-network container, served by dockerd', () => {
    const list = forwards.get(inoOf(userPid)) ?? [];
    const dns = list.filter((f) => f.ip === '127.0.0.11' && f.portMin === 53);
    expect(dns.map((f) => `${f.backend} ${f.protocol}`).sort()).toEqual([
      'docker tcp',
      'docker udp',
    ]);
    for (const f of dns) {
      expect(f.targetIp).toBe('127.0.0.11');
      expect(f.targetPortMin).toBeGreaterThan(0);
      expect(f.resolution?.resolved === true && f.resolution.netns.id.ino).toBe(inoOf(userPid));
      expect(serverPids(f)).toContain(dockerPid);
    }
  });
});
