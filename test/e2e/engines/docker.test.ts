// SPDX-License-Identifier: MIT
/**
 * End-to-end: the Docker engine started by scripts/engines-up.sh. Containers on the default
 * bridge, a user network, `--network none`, `container:<other>`, `host`, a paused one and a
 * compose v1 project; the tracker must find dockerd by its process and socket, list exactly what
 * `docker inspect` says (PID, name, labels, paused, netns, IP) and follow changes through events.
 * A fake `dockerd` (a renamed python3 listening on a unix socket that never answers) is ignored.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineTracker } from '../../../src/engines/index.js';
import { ENGINE_TYPES, PREFIX_LABEL, type Container } from '../../../src/model/container.js';
import {
  IMAGE,
  docker,
  dockerFleet,
  gwtName,
  leakableHandles,
  noNewHandles,
  netnsOf,
  processTable,
  recordedPid,
  removeDockerFleet,
  run,
  startDockerFleet,
  startProcess,
  tryRun,
  unavailable,
  until,
} from './helpers.js';

const skip = unavailable('docker');

interface Inspect {
  Id: string;
  Name: string;
  State: { Pid: number; Paused: boolean };
  Config: { Labels: Record<string, string> | null };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}
const inspect = (name: string): Inspect =>
  (JSON.parse(docker('inspect', name)) as Inspect[])[0] as Inspect;

/** IPv4 addresses inside the netns of `pid` (via nsenter + ip). */
function ipv4In(pid: number): string[] {
  const j = JSON.parse(
    run('nsenter', ['-t', String(pid), '-n', 'ip', '-j', '-4', 'addr']),
  ) as Array<{
    addr_info: Array<{ local: string }>;
  }>;
  return j.flatMap((l) => l.addr_info.map((a) => a.local));
}

describe.skipIf(skip !== undefined)(
  `docker engine${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    const fleet = dockerFleet(gwtName());
    const { names, network, project } = fleet;
    const baseline = leakableHandles();
    let tracker: EngineTracker;
    let dockerPid: number;

    beforeAll(() => {
      dockerPid = recordedPid('docker') as number;
      startDockerFleet(fleet);
      tracker = new EngineTracker();
    });

    afterAll(() => {
      tracker?.close();
      removeDockerFleet(fleet);
    });

    it('finds dockerd by process and socket and lists what docker inspect says', async () => {
      const { value, problems } = await tracker.update(processTable());
      const engine = value.engines.find(
        (e) => e.type === ENGINE_TYPES.docker && e.pid === dockerPid,
      );
      expect(engine, JSON.stringify(problems)).toBeDefined();
      expect(engine?.apiPath).toBe(`unix:///proc/${dockerPid}/root/run/docker.sock`);
      expect(engine?.prefix).toBe('');
      expect(engine?.version).toMatch(/^\d+\.\d+/);
      expect(engine?.id).toBe(JSON.parse(docker('info', '--format', '{{json .ID}}')));
      expect(problems.filter((p) => p.subject === `pid ${dockerPid}`)).toEqual([]);

      const byName = new Map<string, Container>(
        value.containers.filter((c) => c.engine === engine).map((c) => [c.name, c]),
      );
      const hostNetns = netnsOf(process.pid);
      for (const n of Object.values(names)) {
        const c = byName.get(n);
        const i = inspect(n);
        expect(c, n).toBeDefined();
        expect(c?.id).toBe(i.Id);
        expect(c?.pid).toBe(i.State.Pid);
        expect(c?.enginePid).toBe(i.State.Pid);
        expect(c?.paused).toBe(i.State.Paused);
        expect(c?.status).toBe(i.State.Paused ? 'paused' : 'running');
        expect(c?.type).toBe('docker.com');
        expect(c?.privileged).toBe(false);
        expect(c?.labels).toEqual({ ...(i.Config.Labels ?? {}), [PREFIX_LABEL]: '' });
      }
      expect(byName.get(names.paused)?.paused).toBe(true);
      // container <-> netns <-> IP against docker inspect
      const pidOf = (n: string): number => byName.get(n)?.pid ?? -1;
      expect(netnsOf(pidOf(names.shared))).toBe(netnsOf(pidOf(names.bridge)));
      expect(netnsOf(pidOf(names.host))).toBe(hostNetns);
      expect(netnsOf(pidOf(names.none))).not.toBe(hostNetns);
      expect(ipv4In(pidOf(names.none))).toEqual(['127.0.0.1']);
      expect(ipv4In(pidOf(names.bridge))).toContain(
        inspect(names.bridge).NetworkSettings.Networks['bridge']?.IPAddress,
      );
      expect(ipv4In(pidOf(names.user))).toContain(
        inspect(names.user).NetworkSettings.Networks[network]?.IPAddress,
      );

      // compose v1 project with two services → one group
      const group = value.groups.find(
        (g) => g.type === 'com.docker.compose.project' && g.name === project,
      );
      expect(group?.containers.map((c) => c.name).sort()).toEqual([
        `${project}_web_1`,
        `${project}_worker_1`,
      ]);
      expect(group?.engine).toBe(engine);
    });

    it('follows start, pause, unpause, rename and removal through events', async () => {
      await tracker.update(processTable());
      const n = gwtName('late');
      const find = (name: string): Container | undefined =>
        tracker
          .snapshot(processTable())
          .containers.find((c) => c.name === name && c.engine.pid === dockerPid);
      try {
        docker('run', '-d', '--name', n, IMAGE, 'sleep', '1d');
        expect(await until(() => find(n)?.pid === inspect(n).State.Pid)).toBe(true);
        docker('pause', n);
        expect(await until(() => find(n)?.paused === true)).toBe(true);
        docker('unpause', n);
        expect(await until(() => find(n)?.paused === false)).toBe(true);
        docker('rename', n, `${n}-renamed`);
        expect(await until(() => find(`${n}-renamed`) !== undefined && find(n) === undefined)).toBe(
          true,
        );
        docker('rm', '-f', `${n}-renamed`);
        expect(await until(() => find(`${n}-renamed`) === undefined)).toBe(true);
      } finally {
        tryRun('docker', ['rm', '-f', n]);
        tryRun('docker', ['rm', '-f', `${n}-renamed`]);
      }
    });

    it('ignores fake dockerd processes (silent one and one with an unanswering socket)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gwt-fake-'));
      mkdirSync(join(dir, 'a'));
      mkdirSync(join(dir, 'b'));
      copyFileSync('/bin/sleep', join(dir, 'a', 'dockerd'));
      copyFileSync(run('readlink', ['-f', '/usr/bin/python3']), join(dir, 'b', 'dockerd'));
      run('chmod', ['+x', join(dir, 'a', 'dockerd'), join(dir, 'b', 'dockerd')]);
      const silent = startProcess(join(dir, 'a', 'dockerd'), ['600']);
      const listening = startProcess(join(dir, 'b', 'dockerd'), [
        '-c',
        `import socket,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(${JSON.stringify(join(dir, 'b', 'docker.sock'))})\ns.listen(1)\ntime.sleep(600)`,
      ]);
      const t = new EngineTracker({ probeTimeoutMs: 1_000 });
      try {
        expect(await until(() => processTable().get(listening.pid ?? -1)?.comm === 'dockerd')).toBe(
          true,
        );
        expect(
          await until(
            () => tryRun('ss', ['-xlp'])?.includes(join(dir, 'b', 'docker.sock')) === true,
          ),
        ).toBe(true);
        const { value, problems } = await t.update(processTable());
        expect(value.engines.some((e) => e.pid === silent.pid || e.pid === listening.pid)).toBe(
          false,
        );
        expect(value.engines.some((e) => e.pid === dockerPid)).toBe(true);
        expect(problems.filter((p) => p.subject === `pid ${silent.pid}`)).toEqual([]);
        expect(problems.find((p) => p.subject === `pid ${listening.pid}`)?.code).toBe(
          'GW_ERR_ENGINE_UNCONFIRMED',
        );
      } finally {
        t.close();
        if (silent.pid !== undefined) process.kill(silent.pid, 'SIGKILL');
        if (listening.pid !== undefined) process.kill(listening.pid, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('leaves no sockets or timers behind once closed', async () => {
      const t = new EngineTracker();
      await t.update(processTable());
      expect(t.engineCount).toBeGreaterThan(0);
      t.close();
      tracker.close();
      expect(await until(() => noNewHandles(baseline), 5_000)).toBe(true);
    });
  },
);
