// SPDX-License-Identifier: MIT
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeNamespace, makeNamespaceModel, makeProcess } from '../../test/helpers/scenario.js';
import {
  tenantLeader,
  tenantProcess,
  tenantsByPid,
  type Tenant,
  type TenantProcessDetails,
} from '../model/tenant.js';
import { discoverTenants, selectTenants } from './tenants.js';

const NO_DETAILS: TenantProcessDetails = { capBnd: undefined, affinity: [], status: 'running' };

function model() {
  const host = makeNamespace('net', 100, ['/proc/1/ns/net']);
  const other = makeNamespace('net', 200, ['/proc/50/ns/net']);
  const bm = makeNamespace('net', 300, ['/proc/1/root', '/run/netns/x']);
  const fdOnly = makeNamespace('net', 400);
  fdOnly.sources.push({ kind: 'fd', pid: 7, fd: 3, path: '/proc/7/fd/3' });
  const init = makeProcess(1, undefined, 'systemd', ['/sbin/init'], { net: host });
  const kthreadd = makeProcess(2, undefined, 'kthreadd', [], { net: host });
  makeProcess(3, kthreadd, 'kworker/0:0', [], { net: host });
  makeProcess(40, init, 'bash', ['bash'], { net: host });
  const a = makeProcess(60, init, 'sleep', ['sleep', 'inf'], { net: other });
  makeProcess(50, init, 'unshare', ['unshare', '-n'], { net: other });
  makeProcess(61, a, 'child', [], { net: other });
  return {
    m: makeNamespaceModel([host, other, bm, fdOnly], [], { net: host }),
    host,
    other,
    bm,
    fdOnly,
  };
}

describe('selectTenants', () => {
  it('makes every leader a proc tenant, never kthreadd, sorted by PID', () => {
    const { m } = model();
    const t = selectTenants(m, () => NO_DETAILS);
    expect(t.get(100)?.map((x) => x.name)).toEqual(['systemd(1)']);
    expect(t.get(200)?.map((x) => x.name)).toEqual(['unshare(50)', 'sleep(60)']);
  });

  it('names process-less netns by their reference paths joined by ":"', () => {
    const { m } = model();
    const t = selectTenants(m, () => NO_DETAILS);
    expect(t.get(300)).toEqual([
      expect.objectContaining({
        type: 'bindmount',
        name: '/proc/1/root:/run/netns/x',
        refs: ['/proc/1/root', '/run/netns/x'],
      }),
    ]);
    expect(t.get(400)).toEqual([
      expect.objectContaining({ type: 'bindmount', name: '/proc/7/fd/3' }),
    ]);
  });

  it('attaches the details read for each process tenant', () => {
    const { m } = model();
    const seen: number[] = [];
    const t = selectTenants(m, (p) => {
      seen.push(p.pid);
      return { capBnd: 1n, affinity: [[0, 0]], status: 'paused' };
    });
    expect(seen.sort((a, b) => a - b)).toEqual([1, 50, 60]);
    expect(t.get(100)?.[0]).toMatchObject({ details: { capBnd: 1n, status: 'paused' } });
  });
});

describe('discoverTenants', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads CapBnd, affinity and freezer state with TenantDetailsReader; collects problems; tolerates vanished processes', () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-tenant-'));
    const put = (rel: string, text: string): void => {
      mkdirSync(join(dir ?? '', rel, '..'), { recursive: true });
      writeFileSync(join(dir ?? '', rel), text);
    };
    // hybrid host: v2 at /sys/fs/cgroup/unified, v1 freezer next to it
    put(
      'proc/self/mountinfo',
      '37 31 0:34 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n',
    );
    put('proc/1/status', 'Name:\tsystemd\nCapBnd:\t000001ffffffffff\nCpus_allowed_list:\t0-2,5\n');
    put('proc/1/cgroup', '0::/x\n');
    put('sys/fs/cgroup/unified/x/cgroup.events', 'populated 1\nfrozen 1\n');
    put('proc/50/status', 'Name:\tunshare\nCapBnd:\tnothex\n');
    put('proc/50/cgroup', '6:freezer:/\n');
    put('sys/fs/cgroup/freezer/freezer.state', 'THAWED\n');
    const { m } = model();
    const r = discoverTenants(m, { procRoot: join(dir, 'proc'), cgroupPrefix: dir });
    expect(r.value.get(100)?.[0]).toMatchObject({
      name: 'systemd(1)',
      details: {
        capBnd: 0x1ffffffffffn,
        affinity: [
          [0, 2],
          [5, 5],
        ],
        status: 'paused',
      },
    });
    expect(r.value.get(200)?.map((t) => (t.type === 'proc' ? t.details : undefined))).toEqual([
      { capBnd: undefined, affinity: [], status: 'running' },
      { capBnd: undefined, affinity: [], status: 'running' }, // pid 60 has no procfs entry: vanished, silent
    ]);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'GW_ERR_PROCFS_PARSE', subject: 'pid 50 (unshare)' }),
    ]);
  });
});

// model/tenant.ts helpers (tested here: model tests may not import the scenario builders)
describe('tenant helpers', () => {
  const host = makeNamespace('net', 1);
  const cont = makeNamespace('net', 2);
  const init = makeProcess(1, undefined, 'systemd', [], { net: host });
  const sshd = makeProcess(10, init, 'sshd', [], { net: host });
  const session = makeProcess(11, sshd, 'sshd', [], { net: host });
  const shim = makeProcess(20, init, 'shim', [], { net: host });
  const nginx = makeProcess(21, shim, 'nginx', [], { net: cont });
  const worker = makeProcess(22, nginx, 'nginx', [], { net: cont });
  const details = { capBnd: undefined, affinity: [], status: 'running' } as const;
  const t1: Tenant = { type: 'proc', name: 'systemd(1)', netns: host, process: init, details };
  const t2: Tenant = { type: 'proc', name: 'nginx(21)', netns: cont, process: nginx, details };
  const bm: Tenant = {
    type: 'bindmount',
    name: '/run/netns/x',
    netns: makeNamespace('net', 3),
    refs: ['/run/netns/x'],
  };

  it('walks up to the leader of the netns', () => {
    expect(tenantLeader(session)).toBe(init);
    expect(tenantLeader(worker)).toBe(nginx);
    expect(tenantLeader(nginx)).toBe(nginx);
    expect(tenantLeader(init)).toBe(init);
  });

  it('knows the process of a tenant and indexes tenants by PID', () => {
    expect(tenantProcess(t2)).toBe(nginx);
    expect(tenantProcess(bm)).toBeUndefined();
    const byPid = tenantsByPid(
      new Map([
        [1, [t1]],
        [2, [t2]],
        [3, [bm]],
      ]),
    );
    expect([...byPid.keys()].sort((a, b) => a - b)).toEqual([1, 21]);
    expect(byPid.get(tenantLeader(worker).pid)).toBe(t2);
  });
});
