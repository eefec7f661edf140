// SPDX-License-Identifier: MIT
/**
 * End-to-end: containerd (started by scripts/engines-up.sh, also serving dockerd). A container
 * run with `ctr` inside a network namespace made by this test must be found with its host PID,
 * labels and that netns; pausing/resuming it and killing it must show through the event
 * stream; Docker's containers (namespace `moby`) must not be reported twice. The CRI plugin on
 * the same socket must be recognised as a second engine of the same process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineTracker } from '../../../src/engines/index.js';
import { ENGINE_TYPES, PREFIX_LABEL, type Container } from '../../../src/model/container.js';
import {
  IMAGE,
  ctr,
  gwtName,
  leakableHandles,
  noNewHandles,
  netnsOf,
  processTable,
  recordedPid,
  removeCtr,
  run,
  tryRun,
  unavailable,
  until,
} from './helpers.js';

const skip = unavailable('containerd');

describe.skipIf(skip !== undefined)(
  `containerd engine${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    const id = gwtName('ctr');
    const netns = gwtName('ns');
    const baseline = leakableHandles();
    let tracker: EngineTracker;
    let containerdPid: number;

    beforeAll(() => {
      containerdPid = recordedPid('containerd') as number;
      run('ip', ['netns', 'add', netns]);
      ctr(
        '-n',
        'default',
        'run',
        '-d',
        '--label',
        `gwt.test=${id}`,
        '--with-ns',
        `network:/var/run/netns/${netns}`,
        IMAGE,
        id,
        'sleep',
        '1d',
      );
      tracker = new EngineTracker();
    });

    afterAll(() => {
      tracker?.close();
      removeCtr(id);
      tryRun('ip', ['netns', 'delete', netns]);
    });

    it('finds containerd and its ctr container in the netns made for it', async () => {
      const { value, problems } = await tracker.update(processTable());
      const engine = value.engines.find(
        (e) => e.type === ENGINE_TYPES.containerd && e.pid === containerdPid,
      );
      expect(engine, JSON.stringify(problems)).toBeDefined();
      expect(engine?.apiPath).toBe(
        `unix:///proc/${containerdPid}/root/run/containerd/containerd.sock`,
      );
      expect(engine?.version).toMatch(/^\d+\.\d+/);
      const c = value.containers.find((x) => x.engine === engine && x.id === id);
      expect(c).toBeDefined();
      const taskPid = Number(
        ctr('-n', 'default', 'tasks', 'ls')
          .split('\n')
          .find((l) => l.startsWith(`${id} `))
          ?.trim()
          .split(/\s+/)[1],
      );
      expect(c?.pid).toBe(taskPid);
      expect(c?.name).toBe(id);
      expect(c?.labels['gwt.test']).toBe(id);
      expect(c?.labels[PREFIX_LABEL]).toBe('');
      expect(c?.status).toBe('running');
      expect(netnsOf(c?.pid ?? -1)).toBe(netnsOfPath(`/var/run/netns/${netns}`));
      // Docker's containers live in namespace "moby": never reported by the containerd engine
      expect(value.containers.some((x) => x.engine === engine && x.id.startsWith('moby/'))).toBe(
        false,
      );
    });

    it('recognises the CRI plugin on the same socket as a second engine of that process', async () => {
      const { value } = await tracker.update(processTable());
      const cri = value.engines.find((e) => e.type === ENGINE_TYPES.cri && e.pid === containerdPid);
      expect(cri?.version).toMatch(/^containerd .* \[API v1/);
      expect(cri?.apiPath).toBe(
        `unix:///proc/${containerdPid}/root/run/containerd/containerd.sock`,
      );
      expect(value.containers.filter((x) => x.engine === cri)).toEqual([]); // no Kubernetes workload here
    });

    it('follows pause, resume and exit through the event stream', async () => {
      await tracker.update(processTable());
      const find = (): Container | undefined =>
        tracker
          .snapshot(processTable())
          .containers.find((x) => x.engine.pid === containerdPid && x.id === id);
      ctr('-n', 'default', 'tasks', 'pause', id);
      expect(await until(() => find()?.paused === true)).toBe(true);
      ctr('-n', 'default', 'tasks', 'resume', id);
      expect(await until(() => find()?.paused === false)).toBe(true);
      ctr('-n', 'default', 'tasks', 'kill', '-s', 'KILL', id);
      expect(await until(() => find() === undefined)).toBe(true);
    });

    it('leaves no sockets or timers behind once closed', async () => {
      tracker.close();
      expect(await until(() => noNewHandles(baseline), 5_000)).toBe(true);
    });
  },
);

/** nsfs link text of a bind-mounted netns, as /proc/PID/ns/net shows it. */
function netnsOfPath(path: string): string {
  const ino = run('stat', ['-L', '-c', '%i', path]);
  return `net:[${ino}]`;
}
