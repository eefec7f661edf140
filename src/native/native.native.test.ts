// SPDX-License-Identifier: MIT
/**
 * @module native/native.native.test
 *
 * Tests of the built C addon through the wrappers in `index.ts`: error shapes, sockets in
 * network namespaces, the netlink transport (real RTM_GETLINK dumps), openat2-confined reads
 * with hostile symlinks, nsfs ioctls, pidfds and ethtool. After every test: no fd leaked and
 * every thread of the process is still in the initial net/uts/mnt namespaces.
 * Root-only cases (a netns made with `ip netns add gwt-…`) are skipped with a reason otherwise.
 * Build the addon first: `npx node-gyp rebuild`.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { NativeError } from '../errors.js';
import { candidatePaths } from './load.js';
import { gettid } from './process.js';
import {
  AF_INET,
  AF_NETLINK,
  CLONE_NEWNET,
  CLONE_NEWUSER,
  CLONE_NEWUTS,
  ethtoolIoctl,
  isNativeAvailable,
  netlinkTransact,
  NETLINK_ROUTE,
  nsGetOwnerUid,
  nsGetParent,
  nsGetType,
  nsGetUserns,
  openSocketIn,
  openFilesInNetns,
  openSocketsIn,
  pidfdGetfd,
  pidfdOpen,
  readFileInRoot,
  mountNsRoot,
  netlinkDrain,
  netlinkJoinGroups,
  recvFrom,
  sendTo,
  SOCK_DGRAM,
  SOCK_RAW,
  socketNetns,
  tunDeviceNetns,
  utsNamesIn,
} from './index.js';

const IS_ROOT = process.getuid?.() === 0;
const NO_FD = 1_000_000; // never open (above any RLIMIT_NOFILE here)

// ---- netlink helpers (hand-built: this layer must not depend on src/netlink)
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_GETADDR = 22;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_DUMP = 0x300;
const IFLA_IFNAME = 3;

/** nlmsghdr + ifinfomsg/ifaddrmsg-sized zeroed body (strict checking wants a full header). */
function request(type: number, flags: number, seq: number, body = 16, ifIndex = 0): Buffer {
  const b = Buffer.alloc(16 + body);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(type, 4);
  b.writeUInt16LE(flags, 6);
  b.writeUInt32LE(seq, 8);
  if (ifIndex !== 0) b.writeInt32LE(ifIndex, 20); // ifinfomsg.ifi_index
  return b;
}

interface Msg {
  type: number;
  flags: number;
  seq: number;
  body: Buffer;
}

function messages(data: Buffer): Msg[] {
  const out: Msg[] = [];
  let off = 0;
  while (off + 16 <= data.length) {
    const len = data.readUInt32LE(off);
    expect(len).toBeGreaterThanOrEqual(16);
    out.push({
      type: data.readUInt16LE(off + 4),
      flags: data.readUInt16LE(off + 6),
      seq: data.readUInt32LE(off + 8),
      body: data.subarray(off + 16, off + len),
    });
    off += (len + 3) & ~3;
  }
  expect(off).toBe(data.length);
  return out;
}

/** Interface names in RTM_NEWLINK messages (ifinfomsg is 16 bytes, then rtattrs). */
function linkNames(msgs: Msg[]): string[] {
  const names: string[] = [];
  for (const m of msgs.filter((x) => x.type === RTM_NEWLINK)) {
    let off = 16;
    while (off + 4 <= m.body.length) {
      const len = m.body.readUInt16LE(off);
      const type = m.body.readUInt16LE(off + 2) & 0x3fff;
      if (len < 4) break;
      if (type === IFLA_IFNAME)
        names.push(m.body.toString('utf8', off + 4, off + len).replace(/\0+$/, ''));
      off += (len + 3) & ~3;
    }
  }
  return names;
}

// ---- leak and namespace-uniformity checks
function openFds(): string[] {
  return readdirSync('/proc/self/fd').sort();
}

function nsOf(path: string): string {
  return readlinkSync(path);
}

function assertUniformlyNamespaced(): void {
  for (const type of ['net', 'uts', 'mnt']) {
    const want = nsOf(`/proc/self/ns/${type}`);
    for (const tid of readdirSync('/proc/self/task')) {
      let got: string;
      try {
        got = nsOf(`/proc/self/task/${tid}/ns/${type}`);
      } catch {
        continue; // thread exited meanwhile
      }
      expect(got, `thread ${tid} ${type}`).toBe(want);
    }
  }
}

const INITIAL_NS = { net: '', uts: '', mnt: '' };
let fdsBefore: string[] = [];

beforeAll(() => {
  expect(isNativeAvailable(), `addon missing; tried ${candidatePaths().join(', ')}`).toBe(true);
  INITIAL_NS.net = nsOf('/proc/self/ns/net');
  INITIAL_NS.uts = nsOf('/proc/self/ns/uts');
  INITIAL_NS.mnt = nsOf('/proc/self/ns/mnt');
});

beforeEach(() => {
  fdsBefore = openFds();
});

afterEach(() => {
  expect(openFds()).toEqual(fdsBefore);
  assertUniformlyNamespaced();
  expect(nsOf('/proc/self/ns/net')).toBe(INITIAL_NS.net);
  expect(nsOf('/proc/self/ns/uts')).toBe(INITIAL_NS.uts);
  expect(nsOf('/proc/self/ns/mnt')).toBe(INITIAL_NS.mnt);
});

function caught(fn: () => unknown): NativeError {
  try {
    fn();
  } catch (e: unknown) {
    if (e instanceof NativeError) return e;
    throw e;
  }
  throw new Error('expected a NativeError');
}

function withFd<T>(path: string, use: (fd: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

function inode(fd: number): number {
  return fstatSync(fd).ino;
}

// ------------------------------------------------------------------------------------------

describe('error shape', () => {
  it('EBADF from an nsfs ioctl carries code, errno, syscall, sysCode, details and cause', () => {
    const e = caught(() => nsGetType(NO_FD));
    expect(e.code).toBe('GW_ERR_NS_IOCTL_FAILED');
    expect(e.errno).toBe(9);
    expect(e.syscall).toBe('ioctl');
    expect(e.sysCode).toBe('EBADF');
    expect(e.details).toMatchObject({ fd: NO_FD, op: 'nsGetType' });
    expect(e.message).toContain('ioctl: Bad file descriptor');
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.cause).toMatchObject({ code: 'EBADF', errno: 9, syscall: 'ioctl', fd: NO_FD });
  });

  it('ENOENT for an nsfs path is GW_ERR_NS_OPEN_FAILED with the path', () => {
    const e = caught(() =>
      openSocketIn('/nonexistent/gwt-ns', AF_NETLINK, SOCK_RAW, NETLINK_ROUTE),
    );
    expect(e.code).toBe('GW_ERR_NS_OPEN_FAILED');
    expect(e.sysCode).toBe('ENOENT');
    expect(e.errno).toBe(2);
    expect(e.details).toMatchObject({ path: '/nonexistent/gwt-ns' });
  });

  it('setns into a namespace of the wrong type is GW_ERR_NS_SETNS_FAILED (EINVAL)', () => {
    const e = caught(() => openSocketIn('/proc/self/ns/uts', AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
    expect(e.code).toBe('GW_ERR_NS_SETNS_FAILED');
    expect(e.syscall).toBe('setns');
    expect(e.sysCode).toBe('EINVAL');
    expect(e.details).toMatchObject({ ref: '/proc/self/ns/uts', nsType: CLONE_NEWNET });
  });

  it('socket() failure keeps its syscall', () => {
    const e = caught(() => openSocketIn(null, AF_NETLINK, SOCK_RAW, 9999));
    expect(e.code).toBe('GW_ERR_NETLINK_SOCKET');
    expect(e.syscall).toBe('socket');
    expect(e.sysCode).toBe('EPROTONOSUPPORT');
  });

  it.each([
    ['negative fd', () => nsGetType(-1)],
    ['fractional fd', () => nsGetType(1.5)],
    ['NaN protocol', () => openSocketIn(null, AF_NETLINK, SOCK_RAW, Number.NaN)],
    ['ns of wrong type', () => openSocketIn({} as unknown as number, AF_NETLINK, SOCK_RAW, 0)],
    ['NUL in path', () => readFileInRoot('/', 'etc/\0passwd', 10)],
    ['empty root', () => readFileInRoot('', 'etc/passwd', 10)],
    ['maxBytes too big', () => readFileInRoot('/', 'etc/passwd', 2 ** 40)],
    ['negative maxBytes', () => readFileInRoot('/', 'etc/passwd', -1)],
    ['pid 0', () => pidfdOpen(0)],
    ['long ifName', () => ethtoolIoctl(0, 'x'.repeat(16), Buffer.alloc(8))],
    ['short ethtool cmd', () => ethtoolIoctl(0, 'lo', Buffer.alloc(2))],
  ])('rejects %s with GW_ERR_NATIVE_ARGUMENT', (_name, fn) => {
    expect(caught(fn).code).toBe('GW_ERR_NATIVE_ARGUMENT');
  });
});

describe('openSocketIn / openSocketsIn', () => {
  it('opens a netlink socket in the current netns and, with CAP_SYS_ADMIN, via /proc/self/ns/net', () => {
    const fds: number[] = [];
    try {
      fds.push(openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
      if (IS_ROOT) {
        fds.push(openSocketIn('/proc/self/ns/net', AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
        fds.push(withFd('/proc/self/ns/net', (fd) => openSocketIn(fd, AF_INET, SOCK_DGRAM, 0)));
      } else {
        // setns() needs CAP_SYS_ADMIN, even into one's own netns
        const e = caught(() =>
          openSocketIn('/proc/self/ns/net', AF_NETLINK, SOCK_RAW, NETLINK_ROUTE),
        );
        expect(e).toMatchObject({
          code: 'GW_ERR_NS_SETNS_FAILED',
          sysCode: 'EPERM',
          syscall: 'setns',
        });
      }
      for (const fd of fds) {
        expect(fd).toBeGreaterThan(2);
        expect(fstatSync(fd).isSocket()).toBe(true);
      }
    } finally {
      fds.forEach((fd) => closeSync(fd));
    }
  });

  it('batch yields one fd or one error per item, in order', () => {
    const res = withFd('/proc/self/ns/net', (nsfd) =>
      openSocketsIn(
        [nsfd, null, NO_FD, '/nonexistent/gwt-ns', '/proc/self/ns/net', null],
        AF_NETLINK,
        SOCK_RAW,
        NETLINK_ROUTE,
      ),
    );
    try {
      expect(res).toHaveLength(6);
      for (const i of [0, 4]) {
        if (IS_ROOT) expect(typeof res[i]).toBe('number');
        else expect(res[i]).toMatchObject({ code: 'GW_ERR_NS_SETNS_FAILED', sysCode: 'EPERM' });
      }
      expect(typeof res[1]).toBe('number');
      expect(res[2]).toBeInstanceOf(NativeError);
      expect(res[2]).toMatchObject({
        code: 'GW_ERR_NS_SETNS_FAILED',
        sysCode: 'EBADF',
        syscall: 'setns',
      });
      expect(res[3]).toMatchObject({ code: 'GW_ERR_NS_OPEN_FAILED', sysCode: 'ENOENT' });
      expect(typeof res[5]).toBe('number');
    } finally {
      for (const r of res) if (typeof r === 'number') closeSync(r);
    }
    expect(openSocketsIn([], AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)).toEqual([]);
  });
});

describe('netlinkTransact', () => {
  it('dumps links (RTM_GETLINK) up to NLMSG_DONE and finds lo', async () => {
    const fd = openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    try {
      const replies = await netlinkTransact([
        { fd, requests: [request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 4711)] },
      ]);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toHaveLength(1);
      const r = replies[0]?.[0];
      if (r === undefined) throw new Error('no reply');
      expect(r.error).toBeUndefined();
      expect(r.dumpInterrupted).toBe(false);
      const msgs = messages(r.data);
      expect(msgs.at(-1)?.type).toBe(NLMSG_DONE);
      expect(msgs.every((m) => m.seq === 4711)).toBe(true);
      expect(linkNames(msgs)).toContain('lo');
    } finally {
      closeSync(fd);
    }
  });

  it('runs jobs in parallel, requests of a job in order, and drops stale replies of other seqs', async () => {
    const fds = [0, 1, 2, 3].map(() => openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
    try {
      const jobs = fds.map((fd, i) => ({
        fd,
        requests: [
          // doit request for lo with ACK: the kernel sends RTM_NEWLINK and then an ACK of the same
          // seq; the ACK stays queued and must be dropped while waiting for the next request.
          request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 100 + i, 16, 1),
          request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 200 + i),
          request(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 300 + i, 8),
        ],
      }));
      const replies = await netlinkTransact(jobs, { parallelism: 4, timeoutMs: 2000 });
      expect(replies).toHaveLength(4);
      replies.forEach((perJob, i) => {
        expect(perJob).toHaveLength(3);
        const [doit, links, addrs] = perJob.map((r) => {
          expect(r.error).toBeUndefined();
          return messages(r.data);
        });
        expect(doit?.map((m) => [m.type, m.seq])).toEqual([[RTM_NEWLINK, 100 + i]]);
        expect(linkNames(doit ?? [])).toEqual(['lo']);
        expect(links?.every((m) => m.seq === 200 + i)).toBe(true);
        expect(links?.at(-1)?.type).toBe(NLMSG_DONE);
        expect(addrs?.every((m) => m.seq === 300 + i)).toBe(true);
        expect(addrs?.at(-1)?.type).toBe(NLMSG_DONE);
      });
    } finally {
      fds.forEach((fd) => closeSync(fd));
    }
  });

  it('returns NLMSG_ERROR replies as data', async () => {
    const fd = openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    try {
      // doit for a nonexistent ifindex: the kernel answers NLMSG_ERROR -ENODEV
      const r = (
        await netlinkTransact([
          { fd, requests: [request(RTM_GETLINK, NLM_F_REQUEST, 9, 16, 0x7ffffff0)] },
        ])
      )[0]?.[0];
      const msgs = messages(r?.data ?? Buffer.alloc(0));
      expect(msgs).toHaveLength(1);
      expect(msgs[0]?.type).toBe(NLMSG_ERROR);
      expect(msgs[0]?.body.readInt32LE(0)).toBe(-19);
    } finally {
      closeSync(fd);
    }
  });

  it('reports per-request socket errors: ETIMEDOUT for an unanswered request, EBADF for a bad fd', async () => {
    const fd = openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    try {
      const started = Date.now();
      const replies = await netlinkTransact(
        [
          // no NLM_F_REQUEST: the kernel ignores the message and never answers
          {
            fd,
            requests: [
              request(RTM_GETLINK, 0, 1),
              request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2),
            ],
          },
          { fd: NO_FD, requests: [request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 3)] },
        ],
        { timeoutMs: 100, parallelism: 2 },
      );
      expect(Date.now() - started).toBeLessThan(2000);
      const timedOut = replies[0]?.[0];
      expect(timedOut?.error).toBeInstanceOf(NativeError);
      expect(timedOut?.error).toMatchObject({
        code: 'GW_ERR_NETLINK_SOCKET',
        sysCode: 'ETIMEDOUT',
        syscall: 'poll',
      });
      expect(timedOut?.data.length).toBe(0);
      // the job goes on with its next request
      expect(replies[0]?.[1]?.error).toBeUndefined();
      expect(messages(replies[0]?.[1]?.data ?? Buffer.alloc(0)).at(-1)?.type).toBe(NLMSG_DONE);
      expect(replies[1]?.[0]?.error).toMatchObject({
        code: 'GW_ERR_NETLINK_SOCKET',
        sysCode: 'EBADF',
        syscall: 'fcntl',
        errno: 9,
      });
    } finally {
      closeSync(fd);
    }
  });

  it('keeps working when the caller closes the fd while the transaction is in flight', async () => {
    const fd = openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    const pending = netlinkTransact([
      { fd, requests: [request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 77)] },
    ]);
    closeSync(fd);
    const r = (await pending)[0]?.[0];
    expect(r?.error).toBeUndefined();
    expect(linkNames(messages(r?.data ?? Buffer.alloc(0)))).toContain('lo');
  });

  it('rejects invalid jobs with GW_ERR_NATIVE_ARGUMENT', async () => {
    await expect(netlinkTransact([{ fd: 5, requests: [Buffer.alloc(8)] }])).rejects.toMatchObject({
      code: 'GW_ERR_NATIVE_ARGUMENT',
    });
    await expect(
      netlinkTransact([
        { fd: 5, requests: [] },
        { fd: 5, requests: [] },
      ]),
    ).rejects.toMatchObject({ code: 'GW_ERR_NATIVE_ARGUMENT' });
    await expect(netlinkTransact([], { parallelism: 17 })).rejects.toMatchObject({
      code: 'GW_ERR_NATIVE_ARGUMENT',
    });
    await expect(netlinkTransact([], { timeoutMs: 0 })).rejects.toMatchObject({
      code: 'GW_ERR_NATIVE_ARGUMENT',
    });
    expect(await netlinkTransact([])).toEqual([]);
  });
});

describe.skipIf(!IS_ROOT)('in a netns created by the test (root)', () => {
  const name = `gwt-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const path = `/run/netns/${name}`;
  let created = false;

  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', name]);
    created = true;
  });
  afterAll(() => {
    if (created) execFileSync('ip', ['netns', 'del', name]);
  });

  it('opens a socket inside it and sees only its own lo', async () => {
    const fd = openSocketIn(path, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    try {
      const r = (
        await netlinkTransact([
          { fd, requests: [request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1)] },
        ])
      )[0]?.[0];
      expect(linkNames(messages(r?.data ?? Buffer.alloc(0)))).toEqual(['lo']);
      // SIOCGSKNS confirms which netns the socket lives in
      const nsfd = socketNetns(fd);
      try {
        expect(inode(nsfd)).toBe(statSync(path).ino);
        expect(nsGetType(nsfd)).toBe(CLONE_NEWNET);
      } finally {
        closeSync(nsfd);
      }
    } finally {
      closeSync(fd);
    }
  });

  it('batch-opens sockets in both namespaces from one thread', () => {
    const res = openSocketsIn([path, null, path], AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    try {
      const inodes = res.map((r) => {
        if (typeof r !== 'number') throw r;
        const ns = socketNetns(r);
        try {
          return inode(ns);
        } finally {
          closeSync(ns);
        }
      });
      const own = statSync('/proc/self/ns/net').ino;
      expect(inodes).toEqual([statSync(path).ino, own, statSync(path).ino]);
    } finally {
      for (const r of res) if (typeof r === 'number') closeSync(r);
    }
  });

  it('opens per-netns procfs files from inside it, readable from the JS thread afterwards', () => {
    const DEV = '/proc/thread-self/net/dev';
    const res = openFilesInNetns(
      [path, null, path],
      [DEV, '/proc/thread-self/net/sockstat', '/nonexistent-gwt'],
    );
    const nifs = (fd: number | Error): string[] => {
      if (typeof fd !== 'number') throw fd;
      return readFileSync(fd, 'latin1')
        .split('\n')
        .slice(2)
        .map((l) => l.split(':')[0]?.trim() ?? '')
        .filter((x) => x !== '');
    };
    try {
      expect(res.length).toBe(3);
      expect(nifs(res[0]?.[0] as number)).toEqual(['lo']);
      expect(nifs(res[2]?.[0] as number)).toEqual(['lo']);
      expect(nifs(res[1]?.[0] as number)).toEqual(
        readFileSync(DEV, 'latin1')
          .split('\n')
          .slice(2)
          .map((l) => l.split(':')[0]?.trim() ?? '')
          .filter((x) => x !== ''),
      );
      const sockstat = res[0]?.[1];
      if (typeof sockstat !== 'number') throw sockstat;
      expect(readFileSync(sockstat, 'latin1')).toMatch(/^TCP: inuse 0 /m);
      for (const per of res) {
        expect(per[2]).toMatchObject({ code: 'GW_ERR_NATIVE_SYSCALL', sysCode: 'ENOENT' });
      }
    } finally {
      for (const per of res) for (const r of per) if (typeof r === 'number') closeSync(r);
    }
  });
});

describe('openFilesInNetns', () => {
  it('rejects bad arguments and reports per-item setns/open failures', () => {
    expect(caught(() => openFilesInNetns([null], []))).toMatchObject({
      code: 'GW_ERR_NATIVE_ARGUMENT',
    });
    expect(caught(() => openFilesInNetns([null], ['relative']))).toMatchObject({
      code: 'GW_ERR_NATIVE_ARGUMENT',
    });
    expect(openFilesInNetns([], ['/proc/thread-self/net/dev'])).toEqual([]);
    const [uts] = openFilesInNetns(['/proc/self/ns/uts'], ['/proc/thread-self/net/dev']);
    // not a netns: setns(CLONE_NEWNET) fails with EINVAL (root) or EPERM (no CAP_SYS_ADMIN)
    expect(uts?.[0]).toMatchObject({ code: 'GW_ERR_NS_SETNS_FAILED', syscall: 'setns' });
    expect(['EINVAL', 'EPERM']).toContain((uts?.[0] as { sysCode?: string }).sysCode);
    const [missing] = openFilesInNetns(
      ['/nonexistent-gwt/ns'],
      ['/proc/thread-self/net/dev', '/proc/thread-self/net/sockstat'],
    );
    expect(missing).toHaveLength(2);
    expect(missing?.[0]).toMatchObject({ code: 'GW_ERR_NS_OPEN_FAILED' });
  });
});

describe('readFileInRoot', () => {
  const base = mkdtempSync(join(tmpdir(), 'gwt-root-'));
  const root = join(base, 'root');
  const canary = join(base, 'canary.txt');

  beforeAll(() => {
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'hostname'), 'inside\n');
    writeFileSync(canary, 'CANARY\n');
    symlinkSync('/etc/hostname', join(root, 'abs')); // absolute: must stay in root
    symlinkSync('../../../../../../../../etc/hostname', join(root, 'deep')); // .. past root: clamps at root
    symlinkSync('../canary.txt', join(root, 'up')); // would reach the canary from a plain open
    symlinkSync(canary, join(root, 'abs-canary')); // absolute path of the canary
    symlinkSync('/proc/self/root/etc/hostname', join(root, 'magic'));
    execFileSync('mkfifo', [join(root, 'fifo')]);
    writeFileSync(join(root, 'big'), Buffer.alloc(100_000, 0x61));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('reads a file and symlinks resolved inside the root', () => {
    for (const rel of ['etc/hostname', '/etc/hostname', 'abs', 'deep', '../etc/hostname']) {
      const r = readFileInRoot(root, rel, 4096);
      expect(r.data.toString(), rel).toBe('inside\n');
      expect(r.truncated).toBe(false);
    }
  });

  it('never reaches the canary outside the root', () => {
    for (const rel of ['up', 'abs-canary', '../canary.txt', 'magic']) {
      let text: string | undefined;
      try {
        text = readFileInRoot(root, rel, 4096).data.toString();
      } catch (e: unknown) {
        expect(e, rel).toBeInstanceOf(NativeError);
        expect((e as NativeError).code).toBe('GW_ERR_FILE_IN_ROOT');
        expect((e as NativeError).sysCode).toBe('ENOENT');
        expect((e as NativeError).syscall).toBe('openat2');
        continue;
      }
      expect(text, rel).not.toContain('CANARY');
    }
  });

  it('refuses magic links on the way (RESOLVE_NO_MAGICLINKS)', () => {
    const e = caught(() => readFileInRoot('/proc/self', 'root/etc/hostname', 100));
    expect(e.code).toBe('GW_ERR_FILE_IN_ROOT');
    expect(e.sysCode).toBe('ELOOP');
  });

  it('refuses a FIFO and a directory with EFTYPE without blocking', () => {
    for (const rel of ['fifo', 'etc']) {
      const e = caught(() => readFileInRoot(root, rel, 100));
      expect(e.code).toBe('GW_ERR_FILE_NOT_REGULAR');
      expect(e.sysCode).toBe('EFTYPE');
      expect(e.syscall).toBe('fstat');
      expect(e.details).toMatchObject({ path: rel, root });
    }
  }, 5000);

  it('truncates at maxBytes and says so', () => {
    const r = readFileInRoot(root, 'big', 1000);
    expect(r.truncated).toBe(true);
    expect(r.data).toEqual(Buffer.alloc(1000, 0x61));
    const exact = readFileInRoot(root, 'big', 100_000);
    expect(exact.truncated).toBe(false);
    expect(exact.data.length).toBe(100_000);
    const none = readFileInRoot(root, 'big', 0);
    expect(none).toEqual({ data: Buffer.alloc(0), truncated: true });
  });

  it('reports a missing root with syscall open', () => {
    const e = caught(() => readFileInRoot(join(base, 'nope'), 'x', 10));
    expect(e).toMatchObject({ code: 'GW_ERR_FILE_IN_ROOT', sysCode: 'ENOENT', syscall: 'open' });
  });
});

describe('namespace ioctls and UTS', () => {
  it('NS_GET_NSTYPE, NS_GET_USERNS, NS_GET_OWNER_UID, NS_GET_PARENT', () => {
    expect(withFd('/proc/self/ns/net', nsGetType)).toBe(CLONE_NEWNET);
    expect(withFd('/proc/self/ns/uts', nsGetType)).toBe(CLONE_NEWUTS);
    const user = withFd('/proc/self/ns/net', nsGetUserns);
    try {
      expect(nsGetType(user)).toBe(CLONE_NEWUSER);
      expect(inode(user)).toBe(statSync('/proc/self/ns/user').ino);
      if (IS_ROOT) expect(nsGetOwnerUid(user)).toBe(0);
      // the initial user namespace has no parent visible to us
      const e = caught(() => nsGetParent(user));
      expect(e.code).toBe('GW_ERR_NS_IOCTL_FAILED');
      expect(e.sysCode).toBe('EPERM');
    } finally {
      closeSync(user);
    }
    expect(caught(() => withFd('/proc/self/ns/net', nsGetOwnerUid)).sysCode).toBe('EINVAL');
  });

  it('new nsfs fds are close-on-exec', () => {
    const user = withFd('/proc/self/ns/net', nsGetUserns);
    try {
      const flags = readFileSync(`/proc/self/fdinfo/${user}`, 'utf8').match(
        /^flags:\s+(\d+)/m,
      )?.[1];
      expect(flags).toBeDefined();
      expect(parseInt(flags ?? '0', 8) & 0o2000000).not.toBe(0); // O_CLOEXEC
    } finally {
      closeSync(user);
    }
  });

  it('utsNamesIn reads the host name of a UTS namespace (EPERM without CAP_SYS_ADMIN)', () => {
    if (IS_ROOT) expect(utsNamesIn('/proc/self/ns/uts').nodename).toBe(hostname());
    else
      expect(caught(() => utsNamesIn('/proc/self/ns/uts'))).toMatchObject({
        code: 'GW_ERR_NS_SETNS_FAILED',
        sysCode: 'EPERM',
      });
    expect(caught(() => utsNamesIn('/proc/self/ns/net'))).toMatchObject({
      code: 'GW_ERR_NS_SETNS_FAILED',
      sysCode: 'EINVAL',
    });
  });
});

describe('pidfd, SIOCGSKNS, TUNGETDEVNETNS, ethtool, gettid', () => {
  it('pidfdOpen + pidfdGetfd duplicate an fd of a process', () => {
    const target = openSync('/proc/self/ns/net', 'r');
    const pidfd = pidfdOpen(process.pid);
    try {
      const dup = pidfdGetfd(pidfd, target);
      try {
        expect(dup).not.toBe(target);
        expect(inode(dup)).toBe(inode(target));
      } finally {
        closeSync(dup);
      }
      expect(caught(() => pidfdGetfd(pidfd, NO_FD))).toMatchObject({
        code: 'GW_ERR_NATIVE_SYSCALL',
        sysCode: 'EBADF',
        syscall: 'pidfd_getfd',
      });
    } finally {
      closeSync(pidfd);
      closeSync(target);
    }
    expect(caught(() => pidfdOpen(0x7ffffff0))).toMatchObject({
      sysCode: 'ESRCH',
      syscall: 'pidfd_open',
    });
  });

  it('socketNetns returns the socket netns (or EPERM without CAP_NET_ADMIN)', () => {
    const sock = openSocketIn(null, AF_INET, SOCK_DGRAM, 0);
    try {
      if (IS_ROOT) {
        const ns = socketNetns(sock);
        try {
          expect(inode(ns)).toBe(statSync('/proc/self/ns/net').ino);
        } finally {
          closeSync(ns);
        }
      } else {
        expect(caught(() => socketNetns(sock)).sysCode).toBe('EPERM');
      }
      // not a TUN fd: the ioctl is refused
      const e = caught(() => tunDeviceNetns(sock));
      expect(e.code).toBe('GW_ERR_NATIVE_SYSCALL');
      expect(e.syscall).toBe('ioctl');
    } finally {
      closeSync(sock);
    }
  });

  it('ethtoolIoctl ETHTOOL_GLINK on lo fills the buffer in place; unknown nif is ENODEV', () => {
    const sock = openSocketIn(null, AF_INET, SOCK_DGRAM, 0);
    try {
      const cmd = Buffer.alloc(8); // struct ethtool_value { u32 cmd; u32 data; }
      cmd.writeUInt32LE(0x0000000a, 0); // ETHTOOL_GLINK
      const out = ethtoolIoctl(sock, 'lo', cmd);
      expect(out).toBe(cmd);
      expect(cmd.readUInt32LE(4)).toBe(1); // lo's link is always up
      const e = caught(() => ethtoolIoctl(sock, 'gwt-nonexist', Buffer.from(cmd)));
      expect(e).toMatchObject({
        code: 'GW_ERR_NATIVE_SYSCALL',
        sysCode: 'ENODEV',
        syscall: 'ioctl',
      });
      expect(e.details).toMatchObject({ ifName: 'gwt-nonexist' });
    } finally {
      closeSync(sock);
    }
  });

  it('gettid of the JS main thread is the pid', () => {
    expect(gettid()).toBe(process.pid);
  });
});

const HAS_TUN = IS_ROOT && existsSync('/dev/net/tun') && hasPython();

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!HAS_TUN)('TUN device of another process (root, /dev/net/tun, python3)', () => {
  it('pidfdGetfd fetches the tun fd of a child and tunDeviceNetns names its netns', async () => {
    const name = `gwt${Math.random().toString(36).slice(2, 10)}`;
    // The child attaches a non-persistent TUN device (TUNSETIFF, IFF_TUN|IFF_NO_PI), prints the
    // fd number and waits for stdin to close; the device disappears with the last fd.
    const script = [
      'import fcntl, os, struct, sys',
      "fd = os.open('/dev/net/tun', os.O_RDWR)",
      `fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', b'${name}', 0x1001))`,
      'print(fd, flush=True)',
      'sys.stdin.read()',
    ].join('\n');
    const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const childFd = await new Promise<number>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(Number.parseInt(d.toString(), 10)));
        child.once('error', reject);
        child.once('exit', (c) => reject(new Error(`python3 exited with ${c}`)));
      });
      const pidfd = pidfdOpen(child.pid ?? 0);
      try {
        const tun = pidfdGetfd(pidfd, childFd);
        try {
          const ns = tunDeviceNetns(tun);
          try {
            expect(inode(ns)).toBe(statSync('/proc/self/ns/net').ino);
            expect(nsGetType(ns)).toBe(CLONE_NEWNET);
          } finally {
            closeSync(ns);
          }
        } finally {
          closeSync(tun);
        }
      } finally {
        closeSync(pidfd);
      }
    } finally {
      child.stdin.end();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
    }
  });
});

describe('context awareness', () => {
  it('loads and works in a worker thread while the main thread keeps using it', async () => {
    const addon = candidatePaths().find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    expect(addon).toBeDefined();
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const fs = require('node:fs');
      const b = require(workerData);
      const fd = b.openSocketIn(-1, 16, 3, 0);
      fs.closeSync(fd);
      parentPort.postMessage(b.gettid());
    `;
    // resolve on exit (not on the message) so the worker's own loop fds are gone again
    const tid = await new Promise<number>((resolve, reject) => {
      let got: number | undefined;
      const w = new Worker(code, { eval: true, workerData: addon });
      w.once('message', (m: number) => {
        got = m;
      });
      w.once('error', reject);
      w.once('exit', (exitCode) =>
        got !== undefined && exitCode === 0
          ? resolve(got)
          : reject(new Error(`worker exit ${exitCode}`)),
      );
    });
    expect(tid).not.toBe(process.pid);
    expect(gettid()).toBe(process.pid);
    const fd = openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    closeSync(fd);
  });
  it('a worker terminated while its transaction is in flight shuts down cleanly', async () => {
    const addon = candidatePaths().find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    // the request has no NLM_F_REQUEST flag, so it stays unanswered until its 300 ms timeout
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const fs = require('node:fs');
      const b = require(workerData);
      const fd = b.openSocketIn(-1, 16, 3, 0);
      const r = Buffer.alloc(32);
      r.writeUInt32LE(32, 0); r.writeUInt16LE(18, 4); r.writeUInt32LE(1, 8);
      b.netlinkTransact([{ fd, requests: [r] }], 1, 300, () => {});
      fs.closeSync(fd);
      parentPort.postMessage('started');
    `;
    const w = new Worker(code, { eval: true, workerData: addon });
    await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(await w.terminate()).toBe(1);
    // the main thread's instance is unaffected
    const fd = openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    closeSync(fd);
  });
});

describe.skipIf(!IS_ROOT)('ABI 4: mount namespace root fd, ICMP send/recv (root)', () => {
  it('enters a mount namespace of a process the test started: its root fd and mountinfo show its tmpfs', async () => {
    const tag = `gwt-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const child = spawn(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `mount -t tmpfs ${tag} /mnt && touch /mnt/${tag} && exec sleep 30`,
      ],
      { stdio: 'ignore' },
    );
    try {
      const pid = child.pid as number;
      const own = readlinkSync('/proc/self/ns/mnt');
      for (let i = 0; i < 500; i++) {
        if (
          readlinkSync(`/proc/${pid}/ns/mnt`) !== own &&
          existsSync(`/proc/${pid}/root/mnt/${tag}`)
        )
          break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const r = mountNsRoot(`/proc/${pid}/ns/mnt`, true);
      try {
        expect(readdirSync(`/proc/self/fd/${r.rootFd}/mnt`)).toEqual([tag]);
        expect(r.mountinfo?.toString()).toMatch(new RegExp(` /mnt rw[^\\n]* - tmpfs ${tag} `));
        expect(existsSync(`/mnt/${tag}`)).toBe(false); // our own mount namespace is untouched
      } finally {
        closeSync(r.rootFd);
      }
      const bare = mountNsRoot(`/proc/${pid}/ns/mnt`, false);
      closeSync(bare.rootFd);
      expect(bare.mountinfo).toBeUndefined();
      // a netns is no mount namespace: setns refuses it
      expect(caught(() => mountNsRoot('/proc/self/ns/net', false))).toMatchObject({
        code: 'GW_ERR_NS_SETNS_FAILED',
        sysCode: 'EINVAL',
      });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('sends an ICMP echo on a raw socket and receives the reply on lo; times out without one', async () => {
    const fd = openSocketIn('/proc/self/ns/net', AF_INET, SOCK_RAW, 1);
    try {
      const req = Buffer.from([8, 0, 0, 0, 0x12, 0x34, 0, 1, 0x67, 0x77, 0x74, 0x21]);
      let sum = 0;
      for (let i = 0; i < req.length; i += 2) sum += req.readUInt16BE(i);
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      req.writeUInt16BE(~sum & 0xffff, 2);
      expect(sendTo(fd, req, '127.0.0.1')).toBe(req.length);
      let reply: Buffer | undefined;
      for (let i = 0; i < 4 && reply === undefined; i++) {
        const d = await recvFrom(fd, 2000);
        expect(d.from).toBe('127.0.0.1');
        const icmp = d.data.subarray(((d.data[0] ?? 0) & 0x0f) * 4);
        if (icmp[0] === 0 && icmp.readUInt16BE(4) === 0x1234) reply = icmp;
      }
      expect(reply?.subarray(8).toString()).toBe('gwt!');
      await expect(recvFrom(fd, 50)).rejects.toMatchObject({ sysCode: 'ETIMEDOUT' });
      expect(caught(() => sendTo(fd, req, 'not-an-ip')).code).toBe('GW_ERR_NATIVE_ARGUMENT');
    } finally {
      closeSync(fd);
    }
  });
});

describe.skipIf(!IS_ROOT)('ABI 5: rtnetlink multicast join and non-blocking drain (root)', () => {
  it('joins RTNLGRP_LINK in a test netns, drains nothing, then the RTM_NEWLINK of a new veth', () => {
    const ns = `gwt-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    execFileSync('ip', ['netns', 'add', ns]);
    let fd = -1;
    try {
      fd = openSocketIn(`/run/netns/${ns}`, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
      netlinkJoinGroups(fd, [1]); // RTNLGRP_LINK
      expect(netlinkDrain([fd])).toEqual([null]);
      execFileSync('ip', ['-n', ns, 'link', 'add', 'gwta', 'type', 'veth', 'peer', 'name', 'gwtb']);
      const [d] = netlinkDrain([fd]);
      expect(d?.error).toBeUndefined();
      const types = (d?.datagrams ?? []).map((b) => b.readUInt16LE(4));
      expect(types.length).toBeGreaterThanOrEqual(2); // one RTM_NEWLINK per end
      expect(types.every((t) => t === RTM_NEWLINK)).toBe(true);
      // drained: the queue is empty again, and a byte budget leaves the rest queued
      expect(netlinkDrain([fd])).toEqual([null]);
      execFileSync('ip', ['-n', ns, 'link', 'del', 'gwta']);
      const small = netlinkDrain([fd], 1);
      expect(small[0]?.datagrams.length).toBe(1);
      expect(netlinkDrain([fd])[0]?.datagrams.length ?? 0).toBeGreaterThanOrEqual(1);
    } finally {
      if (fd >= 0) closeSync(fd);
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });

  it('rejects bad arguments; a closed fd and an unknown group fail with the socket error', () => {
    expect(caught(() => netlinkJoinGroups(NO_FD, [1]))).toMatchObject({
      code: 'GW_ERR_NETLINK_SOCKET',
      sysCode: 'EBADF',
    });
    expect(caught(() => netlinkDrain([-1])).code).toBe('GW_ERR_NATIVE_ARGUMENT');
    expect(caught(() => netlinkDrain([0], 0)).code).toBe('GW_ERR_NATIVE_ARGUMENT');
    const fd = openSocketIn(null, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    try {
      expect(caught(() => netlinkJoinGroups(fd, [0])).code).toBe('GW_ERR_NATIVE_ARGUMENT');
      expect(caught(() => netlinkJoinGroups(fd, [100_000]))).toMatchObject({
        code: 'GW_ERR_NETLINK_SOCKET',
      });
    } finally {
      closeSync(fd);
    }
  });
});
