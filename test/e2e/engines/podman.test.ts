// SPDX-License-Identifier: MIT
/**
 * End-to-end: podman. The podman API service started by scripts/engines-up.sh must be found by
 * its process and socket; its containers (plain, `--network none`, paused) and a pod (infra +
 * member) must match `podman inspect`. A second podman service started by this test on its own
 * socket is stopped and restarted while the tracker runs: the old engine is forgotten (its
 * watcher closed) and the new one found, with the containers resynchronised.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineTracker } from '../../../src/engines/index.js';
import { ENGINE_TYPES, PREFIX_LABEL } from '../../../src/model/container.js';
import {
  IMAGE,
  gwtName,
  leakableHandles,
  noNewHandles,
  netnsOf,
  podman,
  processTable,
  recordedPid,
  startProcess,
  tryRun,
  unavailable,
  until,
} from './helpers.js';

const skip = unavailable('podman');

interface Inspect {
  Id: string;
  Name: string;
  State: { Pid: number; Paused: boolean };
  Config: { Labels: Record<string, string> | null };
  Pod: string;
}
const inspect = (name: string): Inspect =>
  (JSON.parse(podman('inspect', name)) as Inspect[])[0] as Inspect;

describe.skipIf(skip !== undefined)(
  `podman engine${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    const tag = gwtName();
    const names = {
      plain: `${tag}-plain`,
      none: `${tag}-none`,
      paused: `${tag}-paused`,
      member: `${tag}-member`,
    };
    const pod = `${tag}-pod`;
    const baseline = leakableHandles();
    let tracker: EngineTracker;
    let podmanPid: number;

    beforeAll(() => {
      podmanPid = recordedPid('podman') as number;
      const lbl = ['--label', `gwt.test=${tag}`];
      podman('run', '-d', '--name', names.plain, ...lbl, IMAGE, 'sleep', '1d');
      podman('run', '-d', '--name', names.none, '--network', 'none', ...lbl, IMAGE, 'sleep', '1d');
      podman('run', '-d', '--name', names.paused, ...lbl, IMAGE, 'sleep', '1d');
      podman('pause', names.paused);
      podman('pod', 'create', '--name', pod);
      podman('run', '-d', '--name', names.member, '--pod', pod, ...lbl, IMAGE, 'sleep', '1d');
      tracker = new EngineTracker();
    });

    afterAll(() => {
      tracker?.close();
      tryRun('podman', ['pod', 'rm', '-f', pod]);
      for (const n of Object.values(names)) tryRun('podman', ['rm', '-f', '-t', '0', n]);
    });

    it('finds the podman service and lists what podman inspect says, with the pod as a group', async () => {
      const { value, problems } = await tracker.update(processTable());
      const engine = value.engines.find(
        (e) => e.type === ENGINE_TYPES.podman && e.pid === podmanPid,
      );
      expect(engine, JSON.stringify(problems)).toBeDefined();
      expect(engine?.apiPath).toBe(`unix:///proc/${podmanPid}/root/run/podman/podman.sock`);
      expect(engine?.version).toMatch(/^4\./);
      const mine = value.containers.filter((c) => c.engine === engine);
      for (const n of Object.values(names)) {
        const c = mine.find((x) => x.name === n);
        const i = inspect(n);
        expect(c, n).toBeDefined();
        expect(c?.id).toBe(i.Id);
        expect(c?.pid).toBe(i.State.Pid);
        expect(c?.paused).toBe(i.State.Paused);
        expect(c?.labels).toEqual({ ...(i.Config.Labels ?? {}), [PREFIX_LABEL]: '' });
      }
      expect(mine.find((c) => c.name === names.paused)?.status).toBe('paused');
      expect(netnsOf(mine.find((c) => c.name === names.none)?.pid ?? -1)).not.toBe(
        netnsOf(process.pid),
      );
      // pod: infra container + member share one netns, grouped under the pod name
      const group = value.groups.find((g) => g.type === 'io.podman.pod' && g.name === pod);
      const infraId = (JSON.parse(podman('pod', 'inspect', pod)) as { InfraContainerID: string })
        .InfraContainerID;
      expect(group?.containers.map((c) => c.id).sort()).toEqual(
        [infraId, inspect(names.member).Id].sort(),
      );
      const [a, b] = group?.containers ?? [];
      expect(netnsOf(a?.pid ?? -1)).toBe(netnsOf(b?.pid ?? -2));
    });

    it('forgets a stopped engine and finds it again after a restart, resynchronised', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gwt-podman-'));
      const sock = join(dir, 'podman.sock');
      const extra = gwtName('restart');
      let svc: ChildProcess | undefined;
      const startService = async (): Promise<number> => {
        svc = startProcess('podman', ['system', 'service', '--time=0', `unix://${sock}`]);
        const pid = svc.pid as number;
        expect(
          await until(
            () => tryRun('curl', ['-sf', '--unix-socket', sock, 'http://x/_ping']) === 'OK',
          ),
        ).toBe(true);
        return pid;
      };
      const stopService = async (pid: number): Promise<void> => {
        process.kill(pid, 'SIGKILL');
        await until(() => processTable().get(pid) === undefined);
      };
      const t = new EngineTracker();
      try {
        const pid1 = await startService();
        const r1 = await t.update(processTable());
        const e1 = r1.value.engines.find((e) => e.pid === pid1);
        expect(e1?.type).toBe(ENGINE_TYPES.podman);
        podman('run', '-d', '--name', extra, IMAGE, 'sleep', '1d');
        // the second service sees the new container through its event stream
        expect(
          await until(() =>
            t
              .snapshot(processTable())
              .containers.some((c) => c.engine.pid === pid1 && c.name === extra),
          ),
        ).toBe(true);
        const before = t.watchers().length;
        await stopService(pid1);
        const r2 = await t.update(processTable());
        expect(r2.value.engines.some((e) => e.pid === pid1)).toBe(false);
        expect(t.watchers().length).toBe(before - 1);
        const pid2 = await startService();
        const r3 = await t.update(processTable());
        const e3 = r3.value.engines.find((e) => e.pid === pid2);
        expect(e3?.type).toBe(ENGINE_TYPES.podman);
        expect(r3.value.containers.find((c) => c.engine === e3 && c.name === extra)?.pid).toBe(
          inspect(extra).State.Pid,
        );
        await stopService(pid2);
      } finally {
        t.close();
        if (svc?.pid !== undefined) tryRun('kill', ['-KILL', String(svc.pid)]);
        tryRun('podman', ['rm', '-f', '-t', '0', extra]);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('leaves no sockets or timers behind once closed', async () => {
      tracker.close();
      expect(await until(() => noNewHandles(baseline), 5_000)).toBe(true);
    });
  },
);
