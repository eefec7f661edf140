// SPDX-License-Identifier: MIT
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeNamespace, makeNamespaceModel, makeProcess } from './scenario.js';
import type { TenantProcessDetails } from '../model/tenant.js';
import { isFrozen, readTenantDetails, selectTenants } from './tenants.js';

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
  return { m: makeNamespaceModel([host, other, bm, fdOnly], [], { net: host }), host, other, bm, fdOnly };
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
    expect(t.get(300)).toEqual([expect.objectContaining({ type: 'bindmount', name: '/proc/1/root:/run/netns/x', refs: ['/proc/1/root', '/run/netns/x'] })]);
    expect(t.get(400)).toEqual([expect.objectContaining({ type: 'bindmount', name: '/proc/7/fd/3' })]);
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

describe('isFrozen', () => {
  const files = new Map<string, string>([
    ['/sys/fs/cgroup/a.slice/x/cgroup.events', 'populated 1\nfrozen 1\n'],
    ['/sys/fs/cgroup/b/cgroup.events', 'populated 1\nfrozen 0\n'],
    ['/sys/fs/cgroup/freezer/docker/c1/freezer.state', 'FROZEN\n'],
  ]);
  const read = (p: string): string | undefined => files.get(p);
  it('detects cgroup v2 frozen', () => expect(isFrozen('0::/a.slice/x\n', read)).toBe(true));
  it('detects cgroup v2 thawed', () => expect(isFrozen('0::/b\n', read)).toBe(false));
  it('detects cgroup v1 freezer', () => expect(isFrozen('5:freezer:/docker/c1\n2:cpu,cpuacct:/\n', read)).toBe(true));
  it('is false when nothing is readable', () => expect(isFrozen('0::/nope\n', read)).toBe(false));
});

describe('readTenantDetails', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads CapBnd, affinity and freezer state; tolerates a vanished process', () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-tenant-'));
    mkdirSync(join(dir, 'proc/42'), { recursive: true });
    mkdirSync(join(dir, 'sys/fs/cgroup/x'), { recursive: true });
    writeFileSync(join(dir, 'proc/42/status'), 'Name:\tx\nCapBnd:\t000001ffffffffff\nCpus_allowed_list:\t0-2,5\n');
    writeFileSync(join(dir, 'proc/42/cgroup'), '0::/x\n');
    writeFileSync(join(dir, 'sys/fs/cgroup/x/cgroup.events'), 'frozen 1\n');
    const read = readTenantDetails({ procRoot: join(dir, 'proc'), sysfsRoot: join(dir, 'sys') });
    const { m } = model();
    const p = m.byType.net[0]?.processes[0];
    if (p === undefined) throw new Error('fixture');
    expect(read({ ...p, pid: 42 })).toEqual({ capBnd: 0x1ffffffffffn, affinity: [[0, 2], [5, 5]], status: 'paused' });
    expect(read({ ...p, pid: 43 })).toEqual({ capBnd: undefined, affinity: [], status: 'running' });
  });
});
