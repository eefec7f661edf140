// SPDX-License-Identifier: MIT
/** Unit tests of namespace discovery against the fake procfs tree `basic`, with fake syscalls. */
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Namespace, NamespaceModel } from '../model/namespace.js';
import { discoverNamespaces } from './discover.js';
import { howFound, netnsDisplayName, refLabel } from './display.js';
import { createPidTranslator } from './pidmap.js';
import type { NsSyscalls } from './syscalls.js';
import { hostPathInRoot } from './root-path.js';

const ROOT = fileURLToPath(new URL('../../test/fixtures/proc/basic', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'gwt-ns-'));
const fakeNetnsFile = join(tmp, 'netns');
writeFileSync(fakeNetnsFile, '');
const FAKE_NETNS_INO = statSync(fakeNetnsFile).ino;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Fake syscalls: every fd is a real fd on a temp file, so closing is checked for real. */
function fakeSyscalls(calls: string[]): NsSyscalls {
  const fail = (): never => {
    throw Object.assign(new Error('not in this test'), { code: 'EINVAL' });
  };
  return {
    getUserns: fail,
    getParent: fail,
    getOwnerUid: fail,
    getNsType: fail,
    pidfdOpen: (pid) => (calls.push(`pidfdOpen ${pid}`), openSync(fakeNetnsFile, 'r')),
    pidfdGetfd: (_pidfd, fd) => (calls.push(`getfd ${fd}`), openSync(fakeNetnsFile, 'r')),
    socketNetns: () => openSync(fakeNetnsFile, 'r'),
  };
}

function ns(model: NamespaceModel, type: string, ino: number): Namespace {
  const found = [...model.namespaces.values()].find((n) => n.type === type && n.id.ino === ino);
  if (found === undefined) throw new Error(`${type}:[${ino}] not found`);
  return found;
}

const fdCount = (): number => readdirSync('/proc/self/fd').length;

describe('discoverNamespaces on a fake procfs', () => {
  const calls: string[] = [];
  const before = fdCount();
  const { value: model, problems } = discoverNamespaces({
    procRoot: ROOT,
    tasks: true,
    hierarchy: false,
    syscalls: fakeSyscalls(calls),
  });

  it('builds the process table, skipping vanished and recording truncated processes', () => {
    expect([...model.processes.keys()].sort((a, b) => a - b)).toEqual([1, 42, 43, 50]);
    const p42 = model.processes.get(42);
    expect(p42?.comm).toBe('a) (b c');
    expect(p42?.parent?.pid).toBe(1);
    expect(
      model.processes
        .get(1)
        ?.children.map((c) => c.pid)
        .sort(),
    ).toEqual([42, 50]);
    expect(model.processes.get(43)?.tids).toEqual([43, 44]);
    expect(problems.filter((p) => p.subject === 'pid 61').map((p) => p.code)).toEqual([
      'GW_ERR_PROCFS_PARSE',
    ]);
    expect(problems.some((p) => p.subject === 'pid 60')).toBe(false);
  });

  it('finds process namespaces with leaders, ealdorman and reference', () => {
    const host = ns(model, 'net', 4026531840);
    expect(host.processes.map((p) => p.pid).sort()).toEqual([1, 50]);
    expect(host.leaders.map((p) => p.pid)).toEqual([1]);
    expect(host.ref).toEqual([`${ROOT}/1/ns/net`]);
    const cont = ns(model, 'net', 4026532200);
    expect(cont.leaders.map((p) => p.pid)).toEqual([42]);
    expect(cont.ealdorman?.pid).toBe(42);
    expect(netnsDisplayName(cont)).toBe('a) (b c(42)');
    expect(ns(model, 'pid', 4026532400).leaders.map((p) => p.pid)).toEqual([50]);
    expect(model.processes.get(43)?.namespaces.user).toBe(ns(model, 'user', 4026532300));
    expect(model.byType.net.map((n) => n.id.ino)).toEqual(
      [...model.byType.net.map((n) => n.id.ino)].sort((a, b) => a - b),
    );
    expect(model.own.net).toBe(host);
    expect(model.initial.pid?.id.ino).toBe(4026531836);
  });

  it('finds namespaces of loose threads, fds and bind mounts', () => {
    const loose = ns(model, 'net', 4026532555);
    expect(loose.sources).toEqual([{ kind: 'task', pid: 43, tid: 44 }]);
    expect(loose.processes).toEqual([]);
    const held = ns(model, 'net', 4026532999);
    expect(held.sources).toEqual([{ kind: 'fd', pid: 42, fd: 4, path: `${ROOT}/42/fd/4` }]);
    expect(held.ref).toEqual([`${ROOT}/42/fd/4`]);
    const blue = ns(model, 'net', 4026532100);
    expect(blue.ref).toEqual(['/run/netns/blue']);
    expect(howFound(blue)).toEqual(['bind mount /run/netns/blue']);
    expect(ns(model, 'net', 4026532101).ref).toEqual(['/run/netns/with space']);
  });

  it('maps sockets to owners and probes only unaccounted sockets', () => {
    expect(model.socketOwners.get(5001)).toEqual([1, 42]);
    expect(model.socketOwners.get(5002)).toEqual([42]);
    // 5001 is listed in pid 1's net/unix, so only 5002 is probed.
    expect(calls).toEqual(['pidfdOpen 42', 'getfd 6']);
    const viaSocket = ns(model, 'net', FAKE_NETNS_INO);
    expect(viaSocket.sources).toEqual([
      { kind: 'socket', pid: 42, fd: 6, path: `${ROOT}/42/fd/6` },
    ]);
    expect(fdCount()).toBe(before);
  });

  it('translates PIDs via NSpid', () => {
    const t = createPidTranslator(model);
    const inner = ns(model, 'pid', 4026532400);
    const outer = ns(model, 'pid', 4026531836);
    expect(t.translate(1, inner, outer)).toBe(50);
    expect(t.translate(50, outer, inner)).toBe(1);
    expect(t.translate(42, outer, inner)).toBeUndefined();
    expect(t.translate(999, outer, outer)).toBeUndefined();
  });

  it('records a process-less mount namespace it cannot enter instead of dropping it', () => {
    const mnt = ns(model, 'mnt', 4026532777);
    expect(mnt.ref).toEqual([`${ROOT}/42/fd/9`]);
    const p = problems.filter((x) => x.subject === 'mnt:[4026532777]');
    expect(p.map((x) => x.code)).toEqual(['GW_ERR_NS_MOUNTNS_UNREACHABLE']);
  });

  it('skips sources when asked', () => {
    const { value } = discoverNamespaces({
      procRoot: ROOT,
      hierarchy: false,
      fdScan: false,
      bindMounts: false,
    });
    expect(
      [...value.namespaces.values()].some(
        (n) => n.id.ino === 4026532999 || n.id.ino === 4026532100,
      ),
    ).toBe(false);
    expect(value.socketOwners.size).toBe(0);
  });

  it('throws GW_ERR_PROCFS_UNAVAILABLE without a procfs', () => {
    expect(() => discoverNamespaces({ procRoot: join(tmp, 'nope') })).toThrow(/no usable procfs/);
  });
});

describe('hostPathInRoot / refLabel', () => {
  it('keeps absolute symlinks inside the root', () => {
    const root = mkdtempSync(join(tmp, 'root-'));
    mkdirSync(join(root, 'run/netns'), { recursive: true });
    symlinkSync('/run', join(root, 'var-run'));
    symlinkSync('../../../../etc', join(root, 'run/escape'));
    expect(hostPathInRoot(root, '/var-run/netns/x')).toBe(`${root}/run/netns/x`);
    expect(hostPathInRoot(root, '/run/escape/passwd')).toBe(`${root}/etc/passwd`);
    expect(hostPathInRoot(root, '/')).toBe(root);
    symlinkSync('loop', join(root, 'loop'));
    expect(() => hostPathInRoot(root, '/loop/x')).toThrow(/too many symlinks/);
  });
  it('joins multi-path references with »', () => {
    expect(refLabel(['/run/mntns/a', '/run/netns/b'])).toBe('/run/mntns/a » /run/netns/b');
    expect(refLabel([])).toBe('(hidden)');
  });
});
