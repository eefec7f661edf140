// SPDX-License-Identifier: MIT
/**
 * Namespace discovery against real kernel objects: a process-less netns (`ip netns add`), a
 * netns only bind-mounted inside another process's private mount namespace, a netns held only
 * by an open fd, a process-less mount namespace bound into a file (entered natively, no
 * helper process; discovery runs with PATH=/nonexistent), a user namespace owning a netns, nested PID namespaces. Identities are compared with
 * the kernel's own view (stat of the reference / readlink of /proc/PID/ns/*). As non-root, the
 * privileged cases skip and the unprivileged ones assert recorded problems.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  readlinkSync,
  rmdirSync,
  statSync,
  writeFileSync,
  rmSync,
} from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Namespace, NamespaceModel, NsType } from '../../src/model/namespace.js';
import {
  createPidTranslator,
  discoverNamespaces,
  openNamespace,
} from '../../src/namespaces/index.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import {
  IS_ROOT,
  makeNetns,
  spawnFdHolder,
  spawnInNewNamespaces,
  spawnTree,
  uniqueName,
  type TestProcess,
} from '../helpers/namespaces.js';

const cleanups: Array<() => void | Promise<void>> = [];
beforeEach(() => {
  startLeakGuard();
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  expectNoLeaks();
});

function track<T extends { cleanup(): void | Promise<void> }>(o: T): T {
  cleanups.push(() => o.cleanup());
  return o;
}

/** Inode of `/proc/PID/ns/<type>` as the kernel shows it. */
function kernelIno(pid: number, type: NsType): number {
  return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${type}`))?.[1]);
}

function find(model: NamespaceModel, type: NsType, ino: number): Namespace | undefined {
  return [...model.namespaces.values()].find((n) => n.type === type && n.id.ino === ino);
}

/**
 * Runs `fn` with `PATH=/nonexistent`: discovery and opening references need no external
 * program (no `nsenter`; the FROM-scratch image has none). Fixture setup keeps the real PATH.
 */
function withoutPath<T>(fn: () => T): T {
  const saved = process.env['PATH'];
  process.env['PATH'] = '/nonexistent';
  try {
    return fn();
  } finally {
    process.env['PATH'] = saved;
  }
}

function discoverWithoutPath(): ReturnType<typeof discoverNamespaces> {
  return withoutPath(() => discoverNamespaces());
}

/** Opens the namespace by its ref and checks (dev, ino) against the model. */
function expectOpenable(ns: Namespace): void {
  const fd = withoutPath(() => openNamespace(ns));
  try {
    const st = fstatSync(fd);
    expect({ dev: st.dev, ino: st.ino }).toEqual(ns.id);
  } finally {
    closeSync(fd);
  }
}

const NATIVE = isNativeAvailable();

describe.skipIf(!IS_ROOT)('namespace discovery as root', () => {
  it('finds a process-less netns made with ip netns add, by bind mount', () => {
    const netns = track(makeNetns());
    const st = statSync(netns.path);
    const { value, problems } = discoverWithoutPath();
    const ns = find(value, 'net', st.ino);
    expect(ns, 'netns found').toBeDefined();
    expect(ns?.id).toEqual({ dev: st.dev, ino: st.ino });
    expect(ns?.processes).toEqual([]);
    expect(ns?.sources).toContainEqual(
      expect.objectContaining({ kind: 'bindmount', mountPoint: netns.path, path: netns.path }),
    );
    expect(ns?.ref).toEqual([netns.path]);
    expectOpenable(ns as Namespace);
    if (NATIVE) expect(ns?.owner?.id.ino).toBe(kernelIno(process.pid, 'user'));
    expect(problems.filter((p) => p.subject.includes(String(st.ino)))).toEqual([]);
  });

  it('finds a netns bind-mounted only inside a private mount namespace of a process', async () => {
    const name = uniqueName();
    const proc = track(
      await spawnInNewNamespaces(['mount'], `mount -t tmpfs gwt /run && ip netns add ${name}`),
    );
    const inner = `/proc/${proc.target}/root/run/netns/${name}`;
    const st = statSync(inner);
    const { value } = discoverWithoutPath();
    const ns = find(value, 'net', st.ino);
    expect(ns?.id).toEqual({ dev: st.dev, ino: st.ino });
    const mntIno = kernelIno(proc.target, 'mnt');
    expect(ns?.sources).toContainEqual({
      kind: 'bindmount',
      mountPoint: `/run/netns/${name}`,
      mntns: find(value, 'mnt', mntIno)?.id,
      path: `/proc/${proc.target}/root/run/netns/${name}`,
    });
    expect(ns?.ref).toEqual([inner]);
    expect(find(value, 'mnt', mntIno)?.ealdorman?.pid).toBe(proc.target);
    expectOpenable(ns as Namespace);
  });

  it('finds a netns held only by an open fd of a process', async () => {
    const holder = track(await spawnFdHolder());
    const { value } = discoverWithoutPath();
    const ns = find(value, 'net', holder.netnsIno);
    expect(ns?.sources).toEqual([
      { kind: 'fd', pid: holder.target, fd: 3, path: `/proc/${holder.target}/fd/3` },
    ]);
    expect(ns?.ref).toEqual([`/proc/${holder.target}/fd/3`]);
    expectOpenable(ns as Namespace);
  });

  it('reaches a process-less mount namespace bound into a file natively, with no program on PATH', async () => {
    const dir = `/run/${uniqueName()}`;
    const name = uniqueName();
    mkdirSync(dir);
    cleanups.push(() => {
      for (const args of [
        ['-l', `${dir}/mnt`],
        ['-l', dir],
      ]) {
        try {
          execFileSync('umount', args, { stdio: 'pipe' });
        } catch {
          // not mounted
        }
      }
      rmSync(`${dir}/mnt`, { force: true });
      rmdirSync(dir);
    });
    execFileSync('mount', ['--bind', dir, dir]);
    execFileSync('mount', ['--make-private', dir]);
    writeFileSync(`${dir}/mnt`, '');
    execFileSync('unshare', [
      `--mount=${dir}/mnt`,
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs gwt /run && ip netns add ${name}`,
    ]);
    const mntIno = statSync(`${dir}/mnt`).ino;
    const { value, problems } = discoverWithoutPath();
    const mnt = find(value, 'mnt', mntIno);
    expect(mnt?.ref).toEqual([`${dir}/mnt`]);
    expect(mnt?.processes).toEqual([]);
    expect(problems.filter((p) => p.subject === `mnt:[${mntIno}]`)).toEqual([]);
    const net = [...value.namespaces.values()].find(
      (n) =>
        n.type === 'net' &&
        n.sources.some((s) => s.kind === 'bindmount' && s.mountPoint === `/run/netns/${name}`),
    );
    expect(net?.ref).toEqual([`${dir}/mnt`, `/run/netns/${name}`]);
    expect(net?.sources).toContainEqual(
      expect.objectContaining({ kind: 'bindmount', mntns: mnt?.id }),
    );
    expectOpenable(net as Namespace); // through a native root fd again
  });

  it.skipIf(!NATIVE)('relates a user namespace to the netns it owns', async () => {
    const proc = track(await spawnInNewNamespaces(['user', 'net']));
    const { value, problems } = discoverWithoutPath();
    const user = find(value, 'user', kernelIno(proc.target, 'user'));
    const net = find(value, 'net', kernelIno(proc.target, 'net'));
    expect(net?.owner).toBe(user);
    expect(user?.owned).toContain(net);
    expect(user?.parent?.id.ino).toBe(kernelIno(process.pid, 'user'));
    expect(user?.ownerUid).toBe(0);
    expect(user?.leaders.map((p) => p.pid)).toEqual([proc.target]);
    expect(net?.ealdorman?.pid).toBe(proc.target);
    expect(problems.filter((p) => p.code === 'GW_ERR_NS_HIERARCHY')).toEqual([]);
  });

  it.skipIf(!NATIVE)('finds nested PID namespaces, their leaders and PID translation', async () => {
    const proc = track(
      await spawnTree([
        'unshare',
        '--pid',
        '--fork',
        '--',
        'unshare',
        '--pid',
        '--fork',
        '--',
        'sleep',
        '300',
      ]),
    );
    const { value } = discoverWithoutPath();
    const inner = find(value, 'pid', kernelIno(proc.target, 'pid'));
    const middle = inner?.parent;
    const host = find(value, 'pid', kernelIno(process.pid, 'pid'));
    expect(middle?.parent).toBe(host);
    expect(host?.children).toContain(middle);
    expect(inner?.leaders.map((p) => p.pid)).toEqual([proc.target]);
    const middleLeader = middle?.leaders[0];
    expect(middleLeader?.pid).toBe(value.processes.get(proc.target)?.ppid);
    expect(value.processes.get(proc.target)?.nspid).toEqual([proc.target, 2, 1]);
    const t = createPidTranslator(value);
    expect(t.translate(proc.target, host as Namespace, inner as Namespace)).toBe(1);
    expect(t.translate(1, inner as Namespace, middle as Namespace)).toBe(2);
    expect(t.translate(2, middle as Namespace, host as Namespace)).toBe(proc.target);
  });

  it('records PID 1 namespaces it cannot read instead of failing', () => {
    const { value, problems } = discoverWithoutPath();
    expect(value.namespaces.size).toBeGreaterThan(0);
    for (const p of problems) expect(p.code).toMatch(/^GW_ERR_/);
  });
});

describe.skipIf(IS_ROOT)('namespace discovery as an ordinary user', () => {
  it("degrades to recorded problems for other users' processes", () => {
    const { value, problems } = discoverWithoutPath();
    expect(value.own.net).toBeDefined();
    expect(value.own.net?.processes.some((p) => p.pid === process.pid)).toBe(true);
    expect(problems.some((p) => p.code === 'GW_ERR_NS_ACCESS')).toBe(true);
  });
  it('still finds its own user namespace with a new netns (unprivileged userns)', async () => {
    let proc: TestProcess;
    try {
      proc = track(await spawnInNewNamespaces(['user', 'net']));
    } catch (e: unknown) {
      // unprivileged user namespaces disabled on this kernel: nothing to discover
      expect(String(e)).toMatch(/did not come up/);
      return;
    }
    const { value } = discoverWithoutPath();
    const net = find(value, 'net', kernelIno(proc.target, 'net'));
    expect(net?.ealdorman?.pid).toBe(proc.target);
    if (NATIVE) expect(net?.owner?.id.ino).toBe(kernelIno(proc.target, 'user'));
  });
});
