// SPDX-License-Identifier: MIT
/**
 * Tenant details, DNS configuration and TAP/TUN processors against real kernel objects:
 *
 * - a process in its own mount and UTS namespaces (tmpfs over /etc with its own resolv.conf,
 *   hosts, hostname, domainname; `hostname gwt-…`) shows exactly its own data;
 * - hostile roots (chroot'ed busybox processes in their own mount+UTS namespaces): resolv.conf
 *   and hosts symlinked — absolute and `../../..` — to a canary file outside the root, a 1 GiB
 *   sparse hosts file, a FIFO hostname, a char-device resolv.conf, a directory domainname and a
 *   file with NUL bytes: the canary never leaks, every bad file is a problem, nothing stalls;
 * - capbnd / affinity / RT policy and priority / nice / frozen (cgroup v1 freezer) status;
 * - TAP devices held by python3 processes, one of them moved to another netns after creation
 *   while a same-named TAP exists in the holder's netns: each holder is attributed to the
 *   device in the right netns.
 *
 * Everything created is uniquely named (`gwt-<rand>`), removed in afterEach, and only PIDs
 * started here are killed. As non-root the privileged cases skip; the unprivileged case checks
 * that another user's tenant yields null lists plus a recorded problem.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  rmdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  newNamespace,
  type Namespace,
  type NsType,
  type Process,
} from '../../src/model/namespace.js';
import { schedulingOf, tunTapKey } from '../../src/model/tenant-details.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { TenantDetailsReader } from '../../src/procfs/tenant-details.js';
import { TenantDnsReader } from '../../src/network/tenants/dns-reader.js';
import { findTunTapProcessors } from '../../src/network/tuntap/processors.js';
import { listPids, readCmdline, readNsLink, readStat } from '../../src/procfs/index.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import {
  IS_ROOT,
  makeNetns,
  spawnTree,
  uniqueName,
  type TestProcess,
} from '../helpers/namespaces.js';
import { PYTHON } from '../helpers/python.js';
import { holdsTap } from '../helpers/processes.js';

const NATIVE = isNativeAvailable();
const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
const PRIV = IS_ROOT && NATIVE;
/** Suffix naming why privileged suites skip (shown in the suite title). */
const SKIP_PRIV = !IS_ROOT
  ? ' [skipped: needs root]'
  : !NATIVE
    ? ' [skipped: native addon not built]'
    : '';

/** A minimal Process for `pid` from procfs (what namespace discovery would build). */
function processOf(pid: number): Process | undefined {
  try {
    const st = readStat(pid);
    const namespaces: Partial<Record<NsType, Namespace>> = {};
    for (const t of ['mnt', 'uts', 'net'] as const) {
      try {
        const l = readNsLink(pid, t);
        namespaces[t] = newNamespace({ dev: 0, ino: l.ino }, t, [`/proc/${pid}/ns/${t}`]);
      } catch {
        // not readable (other user) or gone
      }
    }
    let cmdline: string[] = [];
    try {
      cmdline = readCmdline(pid);
    } catch {
      // gone
    }
    return {
      pid,
      ppid: st.ppid,
      comm: st.comm,
      cmdline,
      starttime: st.starttime,
      nice: st.nice,
      policy: st.policy,
      rtPriority: st.rtPriority,
      nspid: [pid],
      parent: undefined,
      children: [],
      namespaces,
      tids: [pid],
    };
  } catch {
    return undefined;
  }
}

function mustProcess(pid: number): Process {
  const p = processOf(pid);
  if (p === undefined) throw new Error(`pid ${pid} vanished`);
  return p;
}

/** Cleanups registered by a test, run in reverse order in afterEach (never throwing). */
let cleanups: Array<() => void | Promise<void>> = [];
function onCleanup(f: () => void | Promise<void>): void {
  cleanups.push(f);
}

beforeEach(() => {
  cleanups = [];
  startLeakGuard();
});

afterEach(async () => {
  for (const f of cleanups.reverse()) {
    try {
      await f();
    } catch {
      // best effort: keep cleaning
    }
  }
  cleanups = [];
  expectNoLeaks();
});

async function spawn(argv: string[], ready?: (target: number) => boolean): Promise<TestProcess> {
  const p = await spawnTree(argv, ready);
  onCleanup(() => p.cleanup());
  return p;
}

function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `${uniqueName()}-${tag}-`));
  onCleanup(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A chroot-able busybox root: bin/{busybox,sh,sleep,hostname}, etc/, tmp/. */
function busyboxRoot(tag: string): string {
  const root = tempDir(tag);
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'etc'));
  mkdirSync(join(root, 'tmp'));
  copyFileSync(BUSYBOX ?? '', join(root, 'bin', 'busybox'));
  execFileSync('chmod', ['755', join(root, 'bin', 'busybox')]);
  for (const a of ['sh', 'sleep', 'hostname']) symlinkSync('busybox', join(root, 'bin', a));
  return root;
}

/** Starts `sleep` chroot'ed into `root` in new mount and UTS namespaces with hostname `host`. */
function spawnChrooted(root: string, host: string): Promise<TestProcess> {
  return spawn([
    'unshare',
    '--mount',
    '--uts',
    '--propagation',
    'private',
    '--',
    'chroot',
    root,
    '/bin/sh',
    '-c',
    `hostname ${host} && exec /bin/sleep 300`,
  ]);
}

describe.skipIf(!PRIV)(`tenant DNS configuration (root)${SKIP_PRIV}`, () => {
  it('shows the own resolv.conf, hosts, hostname, domainname and UTS hostname of a tenant', async () => {
    const src = tempDir('etc');
    const host = uniqueName();
    writeFileSync(
      join(src, 'resolv.conf'),
      '; comment\n# comment\nnameserver 1.2.3.4\nnameserver 1,2\nnameserver 1::xyz\nnameserver ::dead:beef\ndomain abracadabra\nsearch foo.bar frotz.batz\noptions ndots:2\n',
    );
    writeFileSync(join(src, 'hosts'), '127.1.2.3 frotzelwotz wurzelprumpf # comment\n');
    writeFileSync(join(src, 'hostname'), `${host}-etc\n`);
    writeFileSync(join(src, 'domainname'), 'gwt.example\n');
    const p = await spawn([
      'unshare',
      '--mount',
      '--uts',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      `mount -t tmpfs gwt-etc /etc && cp -a ${src}/. /etc/ && hostname ${host} && exec sleep 300`,
    ]);
    const r = new TenantDnsReader();
    const dns = r.read(mustProcess(p.target));
    expect(r.problems).toEqual([]);
    expect(dns).toEqual({
      utsHostname: host,
      utsDomainname: expect.any(String),
      etcHostname: `${host}-etc`,
      etcDomainname: 'gwt.example',
      nameservers: ['1.2.3.4', '::dead:beef'],
      searchlist: ['foo.bar', 'frotz.batz'],
      options: ['ndots:2'],
      hosts: [
        { name: 'frotzelwotz', address: '127.1.2.3' },
        { name: 'wurzelprumpf', address: '127.1.2.3' },
      ],
    });
    // the host's own view is unaffected
    const self = r.read(mustProcess(process.pid));
    expect(self.utsHostname).not.toBe(host);
    expect(self.hosts).not.toContainEqual({ name: 'frotzelwotz', address: '127.1.2.3' });
  });

  it.skipIf(BUSYBOX === undefined)(
    'never leaks a canary outside hostile roots and never stalls',
    async () => {
      const canaryDir = tempDir('canary');
      const CANARY = 'nameserver 6.6.6.6\nsearch canary.example\n10.66.66.66 canaryhost\n';
      writeFileSync(join(canaryDir, 'canary'), CANARY);
      // root A: symlinks out of the root (absolute → the root's OWN copy at that path; relative → nothing)
      const a = busyboxRoot('rootA');
      mkdirSync(join(a, canaryDir), { recursive: true });
      writeFileSync(join(a, canaryDir, 'canary'), 'nameserver 7.7.7.7\n');
      symlinkSync(join(canaryDir, 'canary'), join(a, 'etc', 'resolv.conf'));
      symlinkSync(`../../../../../../../../..${canaryDir}/canary`, join(a, 'etc', 'hosts'));
      symlinkSync('../../../../../../../etc/shadow', join(a, 'etc', 'hostname'));
      writeFileSync(join(a, 'etc', 'domainname'), Buffer.from('gwt\0\0binary\n'));
      // root B: files that would hang or flood a naive reader
      const b = busyboxRoot('rootB');
      execFileSync('truncate', ['-s', '1G', join(b, 'etc', 'hosts')]);
      execFileSync('mkfifo', [join(b, 'etc', 'hostname')]);
      execFileSync('mknod', [join(b, 'etc', 'resolv.conf'), 'c', '1', '5']); // /dev/zero
      mkdirSync(join(b, 'etc', 'domainname'));

      const hostA = uniqueName();
      const hostB = uniqueName();
      const pa = await spawnChrooted(a, hostA);
      const pb = await spawnChrooted(b, hostB);
      const t0 = Date.now();
      const r = new TenantDnsReader();
      const da = r.read(mustProcess(pa.target));
      const db = r.read(mustProcess(pb.target));
      expect(Date.now() - t0).toBeLessThan(5_000);

      const all = JSON.stringify([da, db]);
      expect(all).not.toContain('6.6.6.6');
      expect(all).not.toContain('canary');
      expect(da).toMatchObject({
        utsHostname: hostA,
        nameservers: ['7.7.7.7'],
        searchlist: [],
        hosts: [],
        etcHostname: '',
        etcDomainname: '',
      });
      expect(db).toMatchObject({
        utsHostname: hostB,
        nameservers: [],
        searchlist: [],
        hosts: [],
        etcHostname: '',
        etcDomainname: '',
      });
      expect(all).not.toMatch(/root:/); // nothing of the host's /etc/shadow
      const codes = r.problems.map((p) => `${p.code} ${p.subject.replace(/^pid \d+ /, '')}`).sort();
      expect(codes).toEqual([
        'GW_ERR_FILE_BINARY (sleep) /etc/domainname',
        'GW_ERR_FILE_NOT_REGULAR (sleep) /etc/domainname',
        'GW_ERR_FILE_NOT_REGULAR (sleep) /etc/hostname',
        'GW_ERR_FILE_NOT_REGULAR (sleep) /etc/resolv.conf',
        'GW_ERR_FILE_TOO_LARGE (sleep) /etc/hosts',
      ]);
    },
  );
});

describe.skipIf(!PRIV)(`tenant details (root)${SKIP_PRIV}`, () => {
  it('reads capbnd, affinity, RT policy/priority and nice', async () => {
    let p: TestProcess;
    try {
      p = await spawn(['taskset', '-c', '0', 'chrt', '-f', '10', 'sleep', '300']);
    } catch (e: unknown) {
      // RT scheduling may be forbidden in this environment: fall back to SCHED_OTHER + nice
      p = await spawn(['taskset', '-c', '0', 'nice', '-n', '5', 'sleep', '300']);
      void e;
    }
    const proc = mustProcess(p.target);
    const r = new TenantDetailsReader();
    const d = r.read(proc);
    expect(r.problems).toEqual([]);
    const status = execFileSync('cat', [`/proc/${p.target}/status`], { encoding: 'utf8' });
    const capHex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    expect(d.capBnd).toBe(BigInt(`0x${capHex}`));
    expect(d.affinity).toEqual([[0, 0]]);
    expect(d.status).toBe('running');
    const chrt = execFileSync('chrt', ['-p', String(p.target)], { encoding: 'utf8' });
    const sched = schedulingOf(proc);
    if (/SCHED_FIFO/.test(chrt)) expect(sched).toEqual({ policy: 1, priority: 10, nice: 0 });
    else expect(sched).toEqual({ policy: 0, priority: 0, nice: 5 });
  });

  it.skipIf(!existsSync('/sys/fs/cgroup/freezer/cgroup.procs'))(
    'reports a process in a frozen v1 freezer cgroup as paused',
    async () => {
      const cg = `/sys/fs/cgroup/freezer/${uniqueName()}`;
      mkdirSync(cg);
      onCleanup(() => rmdirSync(cg));
      const p = await spawn(['sleep', '300']);
      writeFileSync(`${cg}/cgroup.procs`, String(p.target));
      // thaw before the process is killed (registered after spawn → runs before its cleanup)
      onCleanup(() => writeFileSync(`${cg}/freezer.state`, 'THAWED'));
      const r = new TenantDetailsReader();
      expect(r.read(mustProcess(p.target)).status).toBe('running');
      writeFileSync(`${cg}/freezer.state`, 'FROZEN');
      expect(r.read(mustProcess(p.target)).status).toBe('paused');
      writeFileSync(`${cg}/freezer.state`, 'THAWED');
      expect(r.read(mustProcess(p.target)).status).toBe('running');
    },
  );
});

const TAP_SCRIPT = [
  'import fcntl, os, struct, sys',
  "fd = os.open('/dev/net/tun', os.O_RDWR)",
  "fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', sys.argv[1].encode(), 0x0002 | 0x1000))  # TUNSETIFF IFF_TAP|IFF_NO_PI",
  'os.set_inheritable(fd, True)',
  "os.execvp('sleep', ['sleep', '300'])",
].join('\n');

describe.skipIf(!PRIV || !existsSync('/dev/net/tun'))(
  `TAP/TUN processors (root)${SKIP_PRIV}`,
  () => {
    it('attributes TAP holders to the device in the right netns, even with the same name elsewhere', async () => {
      const nsA = makeNetns();
      onCleanup(() => nsA.cleanup());
      const nsB = makeNetns();
      onCleanup(() => nsB.cleanup());
      const inoA = statSync(nsA.path).ino;
      const inoB = statSync(nsB.path).ino;
      const tap = `gwt-${uniqueName().slice(4, 12)}`; // ≤ 15 bytes (IFNAMSIZ)
      // holder 1 creates the TAP in A; the device is then moved to B while the fd stays open
      const h1 = await spawn(
        ['nsenter', `--net=/run/netns/${nsA.name}`, PYTHON, '-c', TAP_SCRIPT, tap],
        holdsTap,
      );
      execFileSync('ip', ['-n', nsA.name, 'link', 'set', tap, 'netns', nsB.name]);
      // holder 2 creates a TAP of the same name in A
      const h2 = await spawn(
        ['nsenter', `--net=/run/netns/${nsA.name}`, PYTHON, '-c', TAP_SCRIPT, tap],
        holdsTap,
      );
      expect(
        execFileSync('ip', ['-n', nsB.name, 'link', 'show', tap], { encoding: 'utf8' }),
      ).toContain(tap);
      expect(
        execFileSync('ip', ['-n', nsA.name, 'link', 'show', tap], { encoding: 'utf8' }),
      ).toContain(tap);

      const processes = listPids()
        .map(processOf)
        .filter((p): p is Process => p !== undefined);
      const t0 = Date.now();
      const { value, problems } = findTunTapProcessors(processes, [
        { netnsIno: inoA, name: tap },
        { netnsIno: inoB, name: tap },
      ]);
      const ms = Date.now() - t0;
      expect(
        problems.filter((p) => p.subject.includes(`(${tap})`) || p.message.includes(tap)),
      ).toEqual([]);
      expect(value.get(tunTapKey(inoB, tap))?.map((p) => p.pid)).toEqual([h1.target]);
      expect(value.get(tunTapKey(inoA, tap))?.map((p) => p.pid)).toEqual([h2.target]);
      expect(ms).toBeLessThan(10_000);
    });

    it('does not scan anything without tun interfaces', () => {
      const { value, problems } = findTunTapProcessors([mustProcess(process.pid)], []);
      expect(value.size).toBe(0);
      expect(problems).toEqual([]);
    });
  },
);

describe.skipIf(IS_ROOT || !NATIVE)('tenant DNS configuration (non-root)', () => {
  it('gives null lists and a problem for a tenant whose mount namespace is out of reach', () => {
    const r = new TenantDnsReader();
    const init = processOf(1);
    if (init === undefined) return;
    const dns = r.read(init);
    expect(dns.nameservers).toBeNull();
    expect(dns.hosts).toBeNull();
    expect(r.problems.some((p) => p.code === 'GW_ERR_NS_ACCESS')).toBe(true);
  });
});
