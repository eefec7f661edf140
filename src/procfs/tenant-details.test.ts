// SPDX-License-Identifier: MIT
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Process } from '../model/namespace.js';
import { schedulingOf } from '../model/tenant-details.js';
import { findCgroupMounts, parseCgroup } from './cgroup.js';
import { parseCpuRanges } from './cpu-list.js';
import { parseMountinfo } from './mountinfo.js';
import { isFrozen, TenantDetailsReader } from './tenant-details.js';

function proc(pid: number, over: Partial<Process> = {}): Process {
  return {
    pid,
    ppid: 1,
    comm: `p${pid}`,
    cmdline: [],
    starttime: 1,
    nice: 0,
    policy: 0,
    rtPriority: 0,
    nspid: [pid],
    parent: undefined,
    children: [],
    namespaces: {},
    tids: [pid],
    ...over,
  };
}

const MOUNTS = findCgroupMounts(
  parseMountinfo(
    [
      '37 31 0:34 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer',
      '41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw',
    ].join('\n'),
  ),
);

describe('parseCpuRanges', () => {
  it.each([
    ['0-3', [[0, 3]]],
    [
      '0-3,8',
      [
        [0, 3],
        [8, 8],
      ],
    ],
    ['5', [[5, 5]]],
    [
      '8,0-1,2',
      [
        [0, 2],
        [8, 8],
      ],
    ],
    ['0-1023', [[0, 1023]]],
    [
      '0-7:2/4',
      [
        [0, 1],
        [4, 5],
      ],
    ],
    ['', []],
    ['  0-1\n', [[0, 1]]],
  ])('%j → %j', (text, want) => {
    expect(parseCpuRanges(text)).toEqual(want);
  });

  it.each(['a', '3-1', '1,,2', '0-', '-1', '0-7:5/4', '0-7:0/4'])('rejects %j', (text) => {
    expect(parseCpuRanges(text)).toBeUndefined();
  });
});

describe('schedulingOf', () => {
  it('reports the real-time priority, not the policy, as priority', () => {
    expect(schedulingOf({ policy: 1, rtPriority: 42, nice: 0 })).toEqual({
      policy: 1,
      priority: 42,
      nice: 0,
    });
    expect(schedulingOf({ policy: 0, rtPriority: 0, nice: -5 })).toEqual({
      policy: 0,
      priority: 0,
      nice: -5,
    });
  });
});

describe('isFrozen', () => {
  const files: Record<string, string> = {
    '/sys/fs/cgroup/freezer/frozen/freezer.state': 'FROZEN\n',
    '/sys/fs/cgroup/freezer/freezing/freezer.state': 'FREEZING\n',
    '/sys/fs/cgroup/freezer/thawed/freezer.state': 'THAWED\n',
    '/sys/fs/cgroup/unified/v2frozen/cgroup.events': 'populated 1\nfrozen 1\n',
    '/sys/fs/cgroup/unified/v2thawed/cgroup.events': 'populated 1\nfrozen 0\n',
  };
  const read = (p: string): string | undefined => files[p];
  it.each([
    ['6:freezer:/frozen\n0::/', true],
    ['6:freezer:/freezing\n0::/', true],
    ['6:freezer:/thawed\n0::/v2thawed', false],
    ['6:freezer:/thawed\n0::/v2frozen', true],
    ['6:freezer:/missing\n0::/missing', false],
    ['4:cpu:/frozen', false],
  ])('%j → %s', (cg, want) => {
    expect(isFrozen(parseCgroup(cg), MOUNTS, read)).toBe(want);
  });

  it('ignores hierarchies that are not mounted', () => {
    expect(
      isFrozen(parseCgroup('6:freezer:/frozen'), { freezer: undefined, unified: undefined }, read),
    ).toBe(false);
  });
});

describe('TenantDetailsReader', () => {
  const root = mkdtempSync(join(tmpdir(), 'gw-details-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const put = (rel: string, text: string): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  put('proc/10/status', 'Name:\tqemu\nCapBnd:\t000001ffffffffff\nCpus_allowed_list:\t0-1,3\n');
  put('proc/10/cgroup', '6:freezer:/vm\n0::/\n');
  put('sys/fs/cgroup/freezer/vm/freezer.state', 'FROZEN\n');
  put('proc/11/status', 'Name:\tx\nCapBnd:\tzz\n');
  put('proc/11/cgroup', '0::/\n');
  put('proc/self/mountinfo', '37 31 0:34 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n');

  it('reads capbnd, affinity and a frozen freezer cgroup', () => {
    const r = new TenantDetailsReader({ procRoot: join(root, 'proc'), cgroupPrefix: root });
    expect(r.read(proc(10))).toEqual({
      capBnd: 0x1ffffffffffn,
      affinity: [
        [0, 1],
        [3, 3],
      ],
      status: 'paused',
    });
    expect(r.problems).toEqual([]);
  });

  it('yields empty facts silently for a vanished process, a problem for a malformed status', () => {
    const r = new TenantDetailsReader({
      procRoot: join(root, 'proc'),
      cgroupMounts: MOUNTS,
      cgroupPrefix: root,
    });
    expect(r.read(proc(99))).toEqual({ capBnd: undefined, affinity: [], status: 'running' });
    expect(r.problems).toEqual([]);
    expect(r.read(proc(11))).toEqual({ capBnd: undefined, affinity: [], status: 'running' });
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'GW_ERR_PROCFS_PARSE', subject: 'pid 11 (p11)' }),
    ]);
  });
});
