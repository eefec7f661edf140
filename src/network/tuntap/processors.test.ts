// SPDX-License-Identifier: MIT
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NativeError } from '../../errors.js';
import { newNamespace, type Namespace, type Process } from '../../model/namespace.js';
import type { NetworkModel } from '../../model/network.js';
import { tunTapKey } from '../../model/tenant-details.js';
import { findTunTapProcessors, tunNifsOf, type TunTapNativeOps } from './processors.js';

function netns(ino: number): Namespace {
  return newNamespace({ dev: 4, ino }, 'net');
}

function proc(pid: number, net: number): Process {
  return {
    pid,
    ppid: 1,
    comm: `p${pid}`,
    cmdline: ['qemu', `-n${pid}`],
    starttime: 1,
    nice: 0,
    policy: 0,
    rtPriority: 0,
    nspid: [pid],
    parent: undefined,
    children: [],
    namespaces: { net: netns(net) },
    tids: [pid],
  };
}

const root = mkdtempSync(join(tmpdir(), 'gw-tuntap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
function fd(pid: number, n: number, target: string, iff?: string): void {
  mkdirSync(join(root, String(pid), 'fd'), { recursive: true });
  mkdirSync(join(root, String(pid), 'fdinfo'), { recursive: true });
  symlinkSync(target, join(root, String(pid), 'fd', String(n)));
  writeFileSync(
    join(root, String(pid), 'fdinfo', String(n)),
    `pos:\t0\nflags:\t02\nmnt_id:\t5\n${iff === undefined ? '' : `iff:\t${iff}\n`}`,
  );
}
// pid 20: tap0 in netns 1000 (two queues) + a detached tun fd + a regular file
fd(20, 3, '/dev/net/tun', 'tap0');
fd(20, 4, '/dev/net/tun', 'tap0');
fd(20, 5, '/dev/net/tun');
fd(20, 6, '/tmp/x');
// pid 21: forked child sharing tap0's fd; also holds tun1 living in netns 2000 (moved there)
fd(21, 3, '/dev/net/tun', 'tap0');
fd(21, 7, '/dev/net/tun', 'tun1');
// pid 22: sockets only
fd(22, 3, 'socket:[123]');
// pid 23: tap0 of netns 3000 (same name, other netns)
fd(23, 3, '/dev/net/tun', 'tap0');

/** Fake addon: device netns by (pid, fd); counts open fds to check they are all closed. */
function fakeNative(
  devNetns: Record<string, number>,
  failPids: number[] = [],
): TunTapNativeOps & { open: Set<number> } {
  let next = 100;
  const open = new Set<number>();
  const what = new Map<number, string>();
  const alloc = (w: string): number => {
    const n = next++;
    open.add(n);
    what.set(n, w);
    return n;
  };
  return {
    open,
    pidfdOpen: (pid) => alloc(`pid:${pid}`),
    pidfdGetfd: (pidfd, target) => {
      const pid = Number(what.get(pidfd)?.slice(4));
      if (failPids.includes(pid))
        throw new NativeError('GW_ERR_NATIVE_SYSCALL', 'pidfd_getfd: EPERM', {
          sysCode: 'EPERM',
          syscall: 'pidfd_getfd',
        });
      return alloc(`dup:${pid}:${target}`);
    },
    tunDeviceNetns: (tunFd) => alloc(`ns:${devNetns[what.get(tunFd)?.slice(4) ?? ''] ?? 0}`),
    fdIno: (f) => Number(what.get(f)?.slice(3)),
    close: (f) => {
      if (!open.delete(f)) throw new Error(`double close ${f}`);
    },
  };
}

const NIFS = [
  { netnsIno: 1000, name: 'tap0' },
  { netnsIno: 2000, name: 'tun1' },
  { netnsIno: 3000, name: 'tap0' },
];

describe('findTunTapProcessors', () => {
  it('attributes attached tun fds to the device netns and closes every fd', () => {
    const native = fakeNative({
      '20:3': 1000,
      '20:4': 1000,
      '21:3': 1000,
      '21:7': 2000,
      '23:3': 3000,
    });
    const ps = [proc(20, 1000), proc(21, 1000), proc(22, 1000), proc(23, 3000)];
    const { value, problems } = findTunTapProcessors(ps, NIFS, { procRoot: root, native });
    expect(problems).toEqual([]);
    expect([...value.keys()].sort()).toEqual(
      [tunTapKey(1000, 'tap0'), tunTapKey(2000, 'tun1'), tunTapKey(3000, 'tap0')].sort(),
    );
    expect(value.get(tunTapKey(1000, 'tap0'))?.map((p) => p.pid)).toEqual([20, 21]);
    expect(value.get(tunTapKey(2000, 'tun1'))?.map((p) => p.pid)).toEqual([21]);
    expect(value.get(tunTapKey(3000, 'tap0'))?.map((p) => p.pid)).toEqual([23]);
    expect(native.open.size).toBe(0);
  });

  it('does nothing when no tun interface exists', () => {
    const native = fakeNative({});
    const { value } = findTunTapProcessors([proc(20, 1000)], [], { procRoot: root, native });
    expect(value.size).toBe(0);
    expect(native.open.size).toBe(0);
  });

  it('falls back to the unique name, else the own netns, recording the uncertainty', () => {
    const native = fakeNative({}, [20, 21]);
    const { value, problems } = findTunTapProcessors([proc(20, 1000), proc(21, 1000)], NIFS, {
      procRoot: root,
      native,
    });
    // tap0 is ambiguous (1000, 3000): own netns 1000 assumed; tun1 is unique: 2000 without a problem
    expect(value.get(tunTapKey(1000, 'tap0'))?.map((p) => p.pid)).toEqual([20, 21]);
    expect(value.get(tunTapKey(2000, 'tun1'))?.map((p) => p.pid)).toEqual([21]);
    expect(problems.map((p) => [p.code, p.subject, p.cause])).toEqual([
      ['GW_ERR_NETWORK_TUNTAP', 'pid 20 (p20)', 'EPERM'],
      ['GW_ERR_NETWORK_TUNTAP', 'pid 20 (p20)', 'EPERM'],
      ['GW_ERR_NETWORK_TUNTAP', 'pid 21 (p21)', 'EPERM'],
    ]);
    expect(native.open.size).toBe(0);
  });

  it('skips vanished processes silently', () => {
    const { value, problems } = findTunTapProcessors([proc(4242, 1)], NIFS, {
      procRoot: root,
      native: fakeNative({}),
    });
    expect(value.size).toBe(0);
    expect(problems).toEqual([]);
  });
});

describe('tunNifsOf', () => {
  it('lists nifs of kind tun per netns', () => {
    const mk = (kind: string, name: string) => ({ kind, name });
    const model = {
      netns: new Map([
        [
          1,
          {
            nifs: new Map([
              [1, mk('', 'lo')],
              [2, mk('tun', 'tap0')],
            ]),
          },
        ],
        [
          2,
          {
            nifs: new Map([
              [5, mk('veth', 'v')],
              [6, mk('tun', 'tun1')],
            ]),
          },
        ],
      ]),
    } as unknown as NetworkModel;
    expect(tunNifsOf(model)).toEqual([
      { netnsIno: 1, name: 'tap0' },
      { netnsIno: 2, name: 'tun1' },
    ]);
  });
});
