// SPDX-License-Identifier: MIT
/**
 * End-to-end (stretch): a dockerd in its own mount + network namespace, started by this test
 * with `unshare`, whose socket exists only inside its private `/run` — reachable from the host
 * solely as `/proc/<pid>/root/run/docker.sock`. The tracker must find it there, list its
 * container, and also work from the namespace model's process table (src/namespaces).
 */
import { readdirSync, rmSync, rmdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineTracker } from '../../../src/engines/index.js';
import { ENGINE_TYPES } from '../../../src/model/container.js';
import { discoverNamespaces } from '../../../src/namespaces/index.js';
import {
  IMAGE,
  STATE,
  gwtName,
  netnsOf,
  processTable,
  run,
  startProcess,
  tryRun,
  unavailable,
  until,
} from './helpers.js';

const skip = unavailable('docker');

describe.skipIf(skip !== undefined)(
  `dockerd in its own mount+net namespace${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    const tag = gwtName('nested');
    const dataRoot = `/var/lib/${tag}`;
    const ctrName = gwtName('inner');
    let daemon: ChildProcess | undefined;
    let pid = 0;
    let sock = '';
    const nd = (...args: string[]): string => run('docker', ['-H', `unix://${sock}`, ...args]);

    beforeAll(async () => {
      const inner = [
        'set -e',
        'mount -t tmpfs -o mode=755 tmpfs /run',
        `mkdir -p ${dataRoot}/opt`,
        `mount --bind ${dataRoot}/opt /opt`, // its managed containerd would create /opt/containerd on the host
        'ip link set lo up',
        `exec dockerd --data-root ${dataRoot} --exec-root /run/docker --pidfile /run/docker.pid -H unix:///run/docker.sock --cgroup-parent /${tag} --storage-driver overlay2`,
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
      sock = `/proc/${pid}/root/run/docker.sock`;
      const up = await until(
        () =>
          tryRun('curl', ['-sf', '--max-time', '2', '--unix-socket', sock, 'http://x/_ping']) ===
          'OK',
        60_000,
        200,
      );
      if (!up) throw new Error('nested dockerd did not answer within 60 s');
      nd('load', '-q', '-i', `${STATE}/gwtest-busybox.tar`);
      nd('run', '-d', '--name', ctrName, IMAGE, 'sleep', '1d');
    });

    afterAll(async () => {
      if (pid > 0) {
        tryRun('docker', ['-H', `unix://${sock}`, 'rm', '-f', ctrName]);
        tryRun('kill', ['-TERM', String(pid)]);
        if (!(await until(() => processTable().get(pid) === undefined, 30_000)))
          tryRun('kill', ['-KILL', String(pid)]);
        await until(() => processTable().get(pid) === undefined, 10_000);
      }
      rmSync(dataRoot, { recursive: true, force: true });
      for (const ctl of readdirSync('/sys/fs/cgroup')) {
        try {
          rmdirSync(`/sys/fs/cgroup/${ctl}/${tag}`);
        } catch {
          // not created in this controller
        }
      }
    });

    it('is found through /proc/PID/root and lists its container', async () => {
      // its socket is not the host's /run/docker.sock: only the /proc/PID/root path reaches it
      expect(run('stat', ['-L', '-c', '%d:%i', sock])).not.toBe(
        tryRun('stat', ['-L', '-c', '%d:%i', '/run/docker.sock']),
      );
      const t = new EngineTracker();
      try {
        const { value, problems } = await t.update(processTable());
        const engine = value.engines.find((e) => e.pid === pid);
        expect(engine, JSON.stringify(problems)).toMatchObject({
          type: ENGINE_TYPES.docker,
          apiPath: `unix://${sock}`,
          prefix: '',
        });
        const c = value.containers.find((x) => x.engine === engine && x.name === ctrName);
        const inspected = JSON.parse(nd('inspect', ctrName)) as Array<{ State: { Pid: number } }>;
        expect(c?.pid).toBe(inspected[0]?.State.Pid);
        expect(netnsOf(c?.pid ?? -1)).not.toBe(netnsOf(pid));
        expect(netnsOf(pid)).not.toBe(netnsOf(process.pid));
      } finally {
        t.close();
      }
    });

    it('works from the namespace model process table', async () => {
      const model = discoverNamespaces();
      const t = new EngineTracker();
      try {
        const { value } = await t.update(model.value.processes);
        expect(value.engines.some((e) => e.pid === pid && e.type === ENGINE_TYPES.docker)).toBe(
          true,
        );
        expect(value.containers.some((c) => c.name === ctrName && c.engine.pid === pid)).toBe(true);
      } finally {
        t.close();
      }
    });
  },
);
