// SPDX-License-Identifier: MIT
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { existingPathInRoot } from '../namespaces/root-path.js';
import type { Problem } from '../model/problem.js';
import { findCandidates, orderSockets, parseUnixListeners } from './detect.js';

const HEADER = 'Num       RefCount Protocol Flags    Type St Inode Path\n';

describe('parseUnixListeners', () => {
  it('keeps listening stream sockets with a path, drops the rest', () => {
    const text =
      HEADER +
      '0000000000000000: 00000002 00000000 00010000 0001 01 16872 /var/run/docker.sock\n' +
      '0000000000000000: 00000002 00000000 00010000 0001 01 17720 /run/containerd/containerd.sock.ttrpc\n' +
      '0000000000000000: 00000003 00000000 00000000 0001 03 17000 /run/docker.sock\n' + // connected, not listening
      '0000000000000000: 00000002 00000000 00010000 0002 01 17001 /run/dgram.sock\n' + // SOCK_DGRAM
      '0000000000000000: 00000002 00000000 00010000 0001 01 17002 @abstract\n' +
      '0000000000000000: 00000002 00000000 00010000 0001 01 17003\n' +
      '0000000000000000: 00000002 00000000 00010000 0001 01 17004 /run/with space.sock\n' +
      'garbage\n';
    expect([...parseUnixListeners(text)]).toEqual([
      [16872, '/var/run/docker.sock'],
      [17720, '/run/containerd/containerd.sock.ttrpc'],
      [17004, '/run/with space.sock'],
    ]);
  });
});

describe('existingPathInRoot and findCandidates on a fake procfs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-detect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'root');
  mkdirSync(join(root, 'run', 'sub'), { recursive: true });
  mkdirSync(join(root, 'var'));
  symlinkSync('/run', join(root, 'var', 'run')); // absolute: must stay inside root
  symlinkSync('../run/sub', join(root, 'var', 'rel'));
  writeFileSync(join(root, 'run', 'docker.sock'), '');
  writeFileSync(join(root, 'run', 'sub', 'x.sock'), '');
  symlinkSync('loop2', join(root, 'loop1'));
  symlinkSync('loop1', join(root, 'loop2'));

  it('resolves symlinks inside the root, never on the host', () => {
    expect(existingPathInRoot(root, '/var/run/docker.sock')).toBe('/run/docker.sock');
    expect(existingPathInRoot(root, '/var/rel/x.sock')).toBe('/run/sub/x.sock');
    expect(existingPathInRoot(root, '/../../run/docker.sock')).toBe('/run/docker.sock');
    expect(existingPathInRoot(root, '/var/run/missing.sock')).toBeUndefined();
    expect(existingPathInRoot(root, '/loop1/x')).toBeUndefined();
  });

  it('orders well-known sockets first and drops ttrpc', () => {
    expect(
      orderSockets('dockerd', ['/a/libnetwork/1.sock', '/a/docker.sock', '/a/metrics.sock']),
    ).toEqual(['/a/docker.sock', '/a/libnetwork/1.sock', '/a/metrics.sock']);
    expect(orderSockets('containerd', ['/r/containerd.sock.ttrpc', '/r/containerd.sock'])).toEqual([
      '/r/containerd.sock',
    ]);
  });

  it('needs name, executable and a listening socket', () => {
    const proc = join(dir, 'proc');
    const mk = (pid: number, exe: string, unix: string, fds: string[]): void => {
      const p = join(proc, String(pid));
      mkdirSync(join(p, 'net'), { recursive: true });
      mkdirSync(join(p, 'fd'));
      symlinkSync(exe, join(p, 'exe'));
      symlinkSync(root, join(p, 'root'));
      writeFileSync(join(p, 'net', 'unix'), HEADER + unix);
      fds.forEach((t, i) => symlinkSync(t, join(p, 'fd', String(i + 3))));
    };
    const line = (ino: number, path: string): string =>
      `0000000000000000: 00000002 00000000 00010000 0001 01 ${ino} ${path}\n`;
    mk(10, '/usr/sbin/dockerd', line(1, '/var/run/docker.sock') + line(2, '/run/other.sock'), [
      'socket:[1]',
      'pipe:[5]',
    ]);
    mk(11, '/usr/bin/sleep', line(1, '/var/run/docker.sock'), ['socket:[1]']); // comm dockerd, wrong exe
    mk(12, '/tmp/x/dockerd', line(3, '/run/sub/x.sock'), ['pipe:[7]']); // right exe, no own listener
    mk(13, '/usr/bin/containerd (deleted)', line(4, '/run/sub/x.sock'), ['socket:[4]']);
    const procs = [
      { pid: 10, ppid: 1, comm: 'dockerd', starttime: 5, nspid: [10] },
      { pid: 11, ppid: 1, comm: 'dockerd', starttime: 5, nspid: [11] },
      { pid: 12, ppid: 1, comm: 'dockerd', starttime: 5, nspid: [12] },
      { pid: 13, ppid: 1, comm: 'containerd', starttime: 5, nspid: [13] },
      { pid: 14, ppid: 1, comm: 'bash', starttime: 5, nspid: [14] },
    ];
    const found = findCandidates(procs, proc);
    expect(found).toEqual([
      { pid: 10, starttime: 5, comm: 'dockerd', sockets: [`${proc}/10/root/run/docker.sock`] },
      { pid: 13, starttime: 5, comm: 'containerd', sockets: [`${proc}/13/root/run/sub/x.sock`] },
    ]);
    expect(findCandidates(procs, proc, (pid) => pid === 10).map((c) => c.pid)).toEqual([13]);
  });

  it('records an engine-named process it cannot inspect, not one that is gone', () => {
    const proc = join(dir, 'proc-inaccessible');
    // pid 20: `exe` is a regular file, so readlink fails with EINVAL (as EACCES does for a
    // non-root user); pid 21 has no directory at all (gone: ENOENT, nothing to report)
    mkdirSync(join(proc, '20'), { recursive: true });
    writeFileSync(join(proc, '20', 'exe'), '');
    const procs = [
      { pid: 20, ppid: 1, comm: 'dockerd', starttime: 5, nspid: [20] },
      { pid: 21, ppid: 1, comm: 'containerd', starttime: 5, nspid: [21] },
    ];
    const problems: Problem[] = [];
    expect(findCandidates(procs, proc, () => false, problems)).toEqual([]);
    expect(problems).toEqual([
      {
        code: 'GW_ERR_ENGINE_INACCESSIBLE',
        message: expect.stringMatching(/^dockerd \(pid 20\) looks like a container engine/),
        subject: 'pid 20',
        cause: 'EINVAL',
      },
    ]);
  });
});
