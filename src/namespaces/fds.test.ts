// SPDX-License-Identifier: MIT
/**
 * Unit tests of the socket-netns probe's cost rule (read another netns's socket tables only
 * when that saves more probes than it costs), on a temp copy of the fake procfs `basic` where
 * pid 43 gets its own netns with a `net/unix` table and pid 42 holds extra sockets listed there.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverNamespaces, type NsSyscalls } from './index.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/proc/basic', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'gwt-fds-'));
const fakeNetnsFile = join(tmp, 'netns');
writeFileSync(fakeNetnsFile, '');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A procfs copy where pid 42 holds `extra` more sockets (fds 100…), all listed in pid 43's netns. */
function procWithExtraSockets(extra: number): string {
  const root = join(tmp, `proc-${extra}`);
  cpSync(FIXTURE, root, { recursive: true, verbatimSymlinks: true });
  unlinkSync(join(root, '43/ns/net'));
  symlinkSync('net:[4026532201]', join(root, '43/ns/net'));
  mkdirSync(join(root, '43/net'), { recursive: true });
  const lines = ['Num       RefCount Protocol Flags    Type St Inode Path'];
  for (let i = 0; i < extra; i++) {
    symlinkSync(`socket:[${6000 + i}]`, join(root, '42/fd', String(100 + i)));
    lines.push(`0000000000000000: 00000002 00000000 00010000 0001 01 ${6000 + i} /run/s${i}.sock`);
  }
  writeFileSync(join(root, '43/net/unix'), `${lines.join('\n')}\n`);
  return root;
}

function probeCalls(procRoot: string): string[] {
  const calls: string[] = [];
  const fail = (): never => {
    throw Object.assign(new Error('not in this test'), { code: 'EINVAL' });
  };
  const sys: NsSyscalls = {
    getUserns: fail,
    getParent: fail,
    getOwnerUid: fail,
    getNsType: fail,
    pidfdOpen: (pid) => (calls.push(`pidfdOpen ${pid}`), openSync(fakeNetnsFile, 'r')),
    pidfdGetfd: (_pidfd, fd) => (calls.push(`getfd ${fd}`), openSync(fakeNetnsFile, 'r')),
    socketNetns: () => openSync(fakeNetnsFile, 'r'),
  };
  discoverNamespaces({ procRoot, hierarchy: false, bindMounts: false, syscalls: sys });
  return calls;
}

describe('socket netns probe cost rule', () => {
  it('reads the other netns table when many sockets are unaccounted (21 > 16 per table read)', () => {
    // 5002 is in no table; 6000…6019 are in pid 43's netns table: only 5002 is probed.
    expect(probeCalls(procWithExtraSockets(20))).toEqual(['pidfdOpen 42', 'getfd 6']);
  });

  it('probes a few unaccounted sockets directly instead of reading another netns table', () => {
    // 6 unaccounted ≤ 16: probing them is cheaper than reading pid 43's tables.
    const calls = probeCalls(procWithExtraSockets(5));
    expect(calls[0]).toBe('pidfdOpen 42');
    expect(calls.slice(1).sort()).toEqual([
      'getfd 100',
      'getfd 101',
      'getfd 102',
      'getfd 103',
      'getfd 104',
      'getfd 6',
    ]);
  });
});
