// SPDX-License-Identifier: MIT
/**
 * End to end: the BUILT CLI (`npm run build`, then `bin/ghostwire dump`) against kernel objects
 * this suite creates, all named `gwt-<rand>`:
 *
 * - netns `ports`: python3 with TCP listeners v4 0.0.0.0:8080, dual-stack [::]:8081, V6ONLY
 *   [::1]:8082; UDP v4 :5353 and dual-stack :5354; established TCP v4, v6 and v4-via-dual-stack
 *   connections, a connected UDP socket; then it forks, so every socket is shared by two
 *   processes. The v1 `transport-ports` of that netns must equal `ss -tuanpH` inside it
 *   (protocol, local, remote, state, owner PIDs), dual-stack aliases aside.
 * - a process in its own net+mount+UTS namespaces with its own resolv.conf/hosts/hostname/
 *   domainname: its tenant's `dns` shows exactly those values.
 * - two hostile chroot roots (each in own net+mount+UTS namespaces): resolv.conf, hosts and
 *   hostname symlinked — absolute and `../../..` — to a canary file outside the root, a FIFO
 *   hostname, a 1 GiB sparse hosts file: the canary appears nowhere in the output, the files
 *   yield problems, and the dump finishes in bounded time.
 * - netns `tap`: a TAP device held by a process: `tuntap.processors` lists it.
 * - the document passes checkV1References.
 *
 * Cleanup (afterAll, also on failure) removes only what was made here and kills only PIDs
 * started here. As non-root the privileged cases skip; the unprivileged case runs the built CLI
 * and expects a consistent document with recorded access problems.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkV1References } from '../../src/api/v1/check-references.js';
import type {
  ContainerV1,
  DiscoveryResultV1,
  NetnsV1,
  TransportPortV1,
} from '../../src/api/v1/types.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import {
  IS_ROOT,
  makeNetns,
  spawnTree,
  uniqueName,
  type TestNetns,
  type TestProcess,
} from '../helpers/namespaces.js';
import { PYTHON, waitForOutput } from '../helpers/python.js';
import { holdsTap, killPids, pidsInNetns } from '../helpers/processes.js';

const run = promisify(execFile);
const REPO = new URL('../..', import.meta.url).pathname;
const CLI = join(REPO, 'bin', 'ghostwire');
const BUILT = join(REPO, 'dist', 'cli', 'main.js');
const NATIVE = isNativeAvailable();
const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));
/** The system interpreter: a version-manager shim (pyenv) may block on its own locks under load. */
const PRIV = IS_ROOT && NATIVE && BUSYBOX !== undefined && existsSync('/dev/net/tun');
const SKIP_PRIV = !IS_ROOT
  ? ' [skipped: needs root]'
  : !NATIVE
    ? ' [skipped: native addon not built]'
    : !PRIV
      ? ' [skipped: busybox or /dev/net/tun missing]'
      : '';
/** Bound for one complete dump of this host (hundreds of namespaces included). */
const DUMP_BOUND_MS = 60_000;

const SOCKETS_PY = `
import socket as S, os, time, faulthandler
faulthandler.dump_traceback_later(8, exit=True)
def L(fam, addr, port, v6only=None, typ=S.SOCK_STREAM):
    s = S.socket(fam, typ); s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1)
    if v6only is not None: s.setsockopt(S.IPPROTO_IPV6, S.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    if typ == S.SOCK_STREAM: s.listen(16)
    return s
keep = []
l4 = L(S.AF_INET, '0.0.0.0', 8080); l6 = L(S.AF_INET6, '::', 8081, 0); l6o = L(S.AF_INET6, '::1', 8082, 1)
keep += [l4, l6, l6o, L(S.AF_INET, '0.0.0.0', 5353, typ=S.SOCK_DGRAM), L(S.AF_INET6, '::', 5354, 0, typ=S.SOCK_DGRAM)]
c = S.create_connection(('127.0.0.1', 8080)); a, _ = l4.accept(); keep += [c, a]
c = S.create_connection(('::1', 8082)); a, _ = l6o.accept(); keep += [c, a]
c = S.create_connection(('127.0.0.1', 8081)); a, _ = l6.accept(); keep += [c, a]
u = S.socket(S.AF_INET, S.SOCK_DGRAM); u.connect(('127.0.0.1', 5353)); keep.append(u)
faulthandler.cancel_dump_traceback_later()
pid = os.fork()
if pid == 0:
    time.sleep(600); os._exit(0)
print('READY', pid, flush=True)
time.sleep(600)
`;

const TAP_PY = [
  'import fcntl, os, struct, sys',
  "fd = os.open('/dev/net/tun', os.O_RDWR)",
  "fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', sys.argv[1].encode(), 0x0002 | 0x1000))  # TUNSETIFF IFF_TAP|IFF_NO_PI",
  'os.set_inheritable(fd, True)',
  "os.execvp('sleep', ['sleep', '300'])",
].join('\n');

/** ss state names per v1 state text. */
const SS_STATE: Record<string, string> = {
  connected: 'ESTAB',
  'SYN sent': 'SYN-SENT',
  'SYN received': 'SYN-RECV',
  'FIN WAIT1': 'FIN-WAIT-1',
  'FIN WAIT2': 'FIN-WAIT-2',
  'time wait': 'TIME-WAIT',
  closed: 'UNCONN',
  'close wait': 'CLOSE-WAIT',
  'last ACK': 'LAST-ACK',
  listening: 'LISTEN',
  closing: 'CLOSING',
  'new SYN received': 'SYN-RECV',
};

interface Row {
  key: string;
  pids: number[];
}

/** ss address → normalised `addr:port` (brackets, %dev and ::ffff: stripped; `*` is `::`). */
function ssAddr(text: string): string {
  const i = text.lastIndexOf(':');
  let a = text.slice(0, i).replace(/%[^\]]*$/, '');
  if (a.startsWith('[')) a = a.slice(1, -1);
  if (a === '*') a = '::';
  a = a.replace(/^::ffff:(\d+\.)/, '$1');
  const p = text.slice(i + 1);
  return `${a}:${p === '*' ? 0 : Number(p)}`;
}

function ssRows(netns: string): Row[] {
  const out = execFileSync('nsenter', [`--net=/run/netns/${netns}`, 'ss', '-tuanpH'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.trim().split(/\s+/);
      const pids = [...new Set([...l.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))].sort(
        (x, y) => x - y,
      );
      return { key: `${f[0]} ${ssAddr(f[4] ?? '')} ${ssAddr(f[5] ?? '')} ${f[1]}`, pids };
    });
}

/** True when the ipv4 entry `p` is the synthetic alias of a dual-stack entry in `v6`. */
function isAlias(p: TransportPortV1, v6: readonly TransportPortV1[]): boolean {
  const six = (a: string): string => (a === '0.0.0.0' ? '::' : a);
  return v6.some(
    (q) =>
      q.protocol === p.protocol &&
      q['local-port'] === p['local-port'] &&
      q['remote-port'] === p['remote-port'] &&
      q.state === p.state &&
      q['local-address'] === six(p['local-address']) &&
      q['remote-address'] === six(p['remote-address']),
  );
}

function docRows(n: NetnsV1): Row[] {
  const v6 = n['transport-ports'].ipv6;
  return [...n['transport-ports'].ipv4.filter((p) => !isAlias(p, v6)), ...v6].map((p) => ({
    key: `${p.protocol} ${p['local-address']}:${p['local-port']} ${p['remote-address']}:${p['remote-port']} ${SS_STATE[p.state] ?? p.state}`,
    pids: p.owners.map((o) => o.pid).sort((x, y) => x - y),
  }));
}

const sortRows = (r: Row[]): Row[] =>
  [...r].sort((x, y) => x.key.localeCompare(y.key) || x.pids.join().localeCompare(y.pids.join()));

/** Runs the built CLI; resolves with stdout, stderr and the wall time. */
async function dump(): Promise<{
  doc: DiscoveryResultV1;
  stdout: string;
  stderr: string;
  ms: number;
}> {
  const t0 = Date.now();
  const { stdout, stderr } = await run(process.execPath, [CLI, 'dump'], {
    maxBuffer: 512 * 1024 * 1024,
    timeout: DUMP_BOUND_MS,
  });
  return { doc: JSON.parse(stdout) as DiscoveryResultV1, stdout, stderr, ms: Date.now() - t0 };
}

function netnsOf(doc: DiscoveryResultV1, ino: number): NetnsV1 {
  const n = doc['network-namespaces'].find((x) => x.netnsid === ino);
  if (n === undefined) throw new Error(`netns ${ino} missing in the dump`);
  return n;
}

function containerOf(doc: DiscoveryResultV1, pid: number): ContainerV1 {
  for (const n of doc['network-namespaces'])
    for (const c of n.containers) if (c.pid === pid && c.type !== 'bindmount') return c;
  throw new Error(`no tenant for pid ${pid} in the dump`);
}

/** Builds (tsc) the CLI unless GW_TEST_NO_BUILD=1; tsc still emits when other files have type errors. */
function build(): void {
  if (process.env.GW_TEST_NO_BUILD === '1' && existsSync(BUILT)) return;
  try {
    execFileSync(
      process.execPath,
      [
        join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(REPO, 'tsconfig.build.json'),
      ],
      {
        cwd: REPO,
        stdio: 'pipe',
      },
    );
  } catch (e: unknown) {
    if (!existsSync(BUILT)) throw e;
  }
}

describe.skipIf(!PRIV)(`ghostwire dump end to end (root)${SKIP_PRIV}`, () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  const host = uniqueName();
  const canaryToken = `${uniqueName()}-canary`;
  let portsNs: TestNetns;
  let tapNs: TestNetns;
  let py: ChildProcess | undefined;
  let forked = 0;
  let dnsProc: TestProcess;
  let hostileA: TestProcess;
  let hostileB: TestProcess;
  let tapHolder: TestProcess;
  let tapName: string;
  let result: Awaited<ReturnType<typeof dump>>;

  const tempDir = (tag: string): string => {
    const d = mkdtempSync(join(tmpdir(), `${uniqueName()}-${tag}-`));
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };
  const busyboxRoot = (tag: string): string => {
    const root = tempDir(tag);
    for (const d of ['bin', 'etc', 'tmp']) mkdirSync(join(root, d));
    copyFileSync(BUSYBOX ?? '', join(root, 'bin', 'busybox'));
    execFileSync('chmod', ['755', join(root, 'bin', 'busybox')]);
    for (const a of ['sh', 'sleep', 'hostname']) symlinkSync('busybox', join(root, 'bin', a));
    return root;
  };
  const spawnP = async (argv: string[], ready?: (pid: number) => boolean): Promise<TestProcess> => {
    const p = await spawnTree(argv, ready);
    cleanups.push(() => p.cleanup());
    return p;
  };

  beforeAll(async () => {
    build();
    // 1. ports
    portsNs = makeNetns();
    cleanups.push(() => portsNs.cleanup());
    execFileSync('ip', ['-n', portsNs.name, 'link', 'set', 'lo', 'up']);
    py = spawn('nsenter', [`--net=/run/netns/${portsNs.name}`, PYTHON, '-c', SOCKETS_PY], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pyProc = py;
    cleanups.push(async () => {
      killPids([forked, pyProc.pid ?? 0]);
      killPids(pidsInNetns(statSync(portsNs.path).ino));
      if (pyProc.exitCode === null && pyProc.signalCode === null)
        await new Promise((r) => pyProc.once('close', r));
    });
    forked = Number((await waitForOutput(pyProc, /READY (\d+)\n/))[1]);

    // 2. own mount + UTS (+ net) namespaces with own DNS files
    const src = tempDir('etc');
    writeFileSync(
      join(src, 'resolv.conf'),
      '# gwt\nnameserver 10.79.0.53\nnameserver fd79::53\nsearch a.gwt.example b.gwt.example\noptions ndots:3\n',
    );
    writeFileSync(
      join(src, 'hosts'),
      `127.0.0.1 localhost\n10.79.0.7 ${host}-peer ${host}-alias # comment\n`,
    );
    writeFileSync(join(src, 'hostname'), `${host}-etc\n`);
    writeFileSync(join(src, 'domainname'), 'gwt.example\n');
    dnsProc = await spawnP([
      'unshare',
      '--net',
      '--mount',
      '--uts',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      `mount -t tmpfs gwt-etc /etc && cp -a ${src}/. /etc/ && hostname ${host} && exec sleep 300`,
    ]);

    // 3. hostile roots
    const canaryDir = tempDir('canary');
    const canary = join(canaryDir, 'canary');
    writeFileSync(
      canary,
      `nameserver 10.66.66.66\nsearch ${canaryToken}\n10.66.66.67 ${canaryToken}\n${canaryToken}\n`,
    );
    const a = busyboxRoot('rootA');
    symlinkSync(canary, join(a, 'etc', 'resolv.conf')); // absolute: resolves to <root>/<canary path>, which does not exist
    symlinkSync(`../../../../../../../../..${canary}`, join(a, 'etc', 'hosts')); // relative: clamped at the root
    execFileSync('mkfifo', [join(a, 'etc', 'hostname')]);
    const b = busyboxRoot('rootB');
    symlinkSync(`../../../../../../../../..${canary}`, join(b, 'etc', 'resolv.conf'));
    execFileSync('truncate', ['-s', '1G', join(b, 'etc', 'hosts')]);
    symlinkSync(canary, join(b, 'etc', 'hostname'));
    const chrooted = (root: string, name: string): Promise<TestProcess> =>
      spawnP([
        'unshare',
        '--net',
        '--mount',
        '--uts',
        '--propagation',
        'private',
        '--',
        'chroot',
        root,
        '/bin/sh',
        '-c',
        `hostname ${name} && exec /bin/sleep 300`,
      ]);
    hostileA = await chrooted(a, `${host}-a`);
    hostileB = await chrooted(b, `${host}-b`);

    // 4. a TAP held by a process
    tapNs = makeNetns();
    cleanups.push(() => tapNs.cleanup());
    tapName = `gwt-${uniqueName().slice(4, 12)}`; // ≤ 15 bytes (IFNAMSIZ)
    tapHolder = await spawnP(
      ['nsenter', `--net=/run/netns/${tapNs.name}`, PYTHON, '-c', TAP_PY, tapName],
      holdsTap,
    );

    result = await dump();
  }, 240_000);

  afterAll(async () => {
    for (const f of cleanups.reverse()) {
      try {
        await f();
      } catch {
        // best effort: keep cleaning
      }
    }
  }, 60_000);

  beforeEach(() => {
    startLeakGuard();
  });
  afterEach(() => {
    expectNoLeaks();
  });

  it('finishes in bounded time with a consistent document', () => {
    expect(result.ms).toBeLessThan(DUMP_BOUND_MS);
    expect(checkV1References(result.doc)).toEqual([]);
  });

  it('reports the ports ss shows inside the namespace, with the owner PIDs of shared sockets', () => {
    const n = netnsOf(result.doc, statSync(portsNs.path).ino);
    const ss = ssRows(portsNs.name);
    expect(ss.length).toBeGreaterThanOrEqual(12);
    expect(sortRows(docRows(n))).toEqual(sortRows(ss));
    const l8080 = n['transport-ports'].ipv4.find(
      (p) => p['local-port'] === 8080 && p.state === 'listening',
    );
    expect(l8080?.owners.map((o) => o.pid).sort()).toEqual([py?.pid ?? -1, forked].sort());
    // both owners are led by the python parent, the netns' tenant
    expect(new Set(l8080?.owners.map((o) => o['container-idref']))).toEqual(
      new Set([`cont-${py?.pid ?? -1}`]),
    );
    // dual-stack listener also reported as IPv4; the V6ONLY one is not
    expect(
      n['transport-ports'].ipv4.some(
        (p) => p.protocol === 'tcp' && p['local-port'] === 8081 && p['local-address'] === '0.0.0.0',
      ),
    ).toBe(true);
    expect(n['transport-ports'].ipv4.some((p) => p['local-port'] === 8082)).toBe(false);
    expect(
      n['transport-ports'].ipv4.some(
        (p) =>
          p.protocol === 'udp' &&
          p['local-port'] === 5354 &&
          p.state === 'closed' &&
          p.macrostate === 'listening',
      ),
    ).toBe(true);
    // lo owns 127.0.0.1 and is the only nif
    const lo = n['network-interfaces'].find((x) => x.name === 'lo');
    expect(l8080?.['network-interface-idrefs']).toEqual([lo?.id]);
  });

  it('shows the DNS configuration of a tenant in its own mount and UTS namespaces', () => {
    const c = containerOf(result.doc, dnsProc.target);
    expect(c.dns).toEqual({
      'uts-hostname': host,
      'etc-hostname': `${host}-etc`,
      domainname: 'gwt.example',
      nameservers: ['10.79.0.53', 'fd79::53'],
      searchlist: ['a.gwt.example', 'b.gwt.example'],
      'etc-hosts': [
        { name: 'localhost', address: '127.0.0.1' },
        { name: `${host}-peer`, address: '10.79.0.7' },
        { name: `${host}-alias`, address: '10.79.0.7' },
      ],
    });
    // the tenants of the test's own netns are unaffected
    const own = netnsOf(result.doc, statSync('/proc/self/ns/net').ino);
    expect(own.containers.length).toBeGreaterThan(0);
    expect(JSON.stringify(own.containers.map((x) => x.dns))).not.toContain(host);
  });

  it('never leaks the canary outside hostile roots; bad files become problems', () => {
    expect(result.stdout).not.toContain(canaryToken);
    expect(result.stdout).not.toContain('10.66.66.6');
    expect(result.stderr).not.toContain('10.66.66.6');
    const a = containerOf(result.doc, hostileA.target);
    const b = containerOf(result.doc, hostileB.target);
    expect(a.dns).toEqual({
      'uts-hostname': `${host}-a`,
      'etc-hostname': '',
      domainname: '',
      nameservers: [],
      searchlist: [],
      'etc-hosts': [],
    });
    expect(b.dns).toEqual({
      'uts-hostname': `${host}-b`,
      'etc-hostname': '',
      domainname: '',
      nameservers: [],
      searchlist: [],
      'etc-hosts': [],
    });
    const mine = result.stderr
      .split('\n')
      .filter(
        (l) => l.includes(`pid ${hostileA.target} `) || l.includes(`pid ${hostileB.target} `),
      );
    expect(
      mine.some(
        (l) =>
          l.includes('GW_ERR_FILE_NOT_REGULAR') &&
          l.includes(`pid ${hostileA.target} `) &&
          l.includes('/etc/hostname'),
      ),
    ).toBe(true);
    expect(
      mine.some(
        (l) =>
          l.includes('GW_ERR_FILE_TOO_LARGE') &&
          l.includes(`pid ${hostileB.target} `) &&
          l.includes('/etc/hosts'),
      ),
    ).toBe(true);
  });

  it('attributes the TAP to the process holding it', () => {
    const n = netnsOf(result.doc, statSync(tapNs.path).ino);
    const tap = n['network-interfaces'].find((x) => x.name === tapName);
    expect(tap?.kind).toBe('tuntap');
    expect(tap?.tuntap?.mode).toBe('tap');
    expect(tap?.tuntap?.processors.map((p) => p.pid)).toEqual([tapHolder.target]);
    // the holder is the leader of its netns, hence its own tenant
    expect(tap?.tuntap?.processors[0]?.['container-idref']).toBe(`cont-${tapHolder.target}`);
    expect(n.containers.map((c) => c.id)).toContain(`cont-${tapHolder.target}`);
  });
});

describe.skipIf(IS_ROOT || !existsSync(BUILT))('ghostwire dump end to end (non-root)', () => {
  beforeEach(() => {
    startLeakGuard();
  });
  afterEach(() => {
    expectNoLeaks();
  });

  it('produces a consistent document and records what it could not see', async () => {
    const r = await dump();
    expect(r.ms).toBeLessThan(DUMP_BOUND_MS);
    expect(checkV1References(r.doc)).toEqual([]);
    for (const n of r.doc['network-namespaces'])
      for (const c of n.containers) expect(c.dns).toBeDefined();
    // other users' processes are out of reach: recorded as problems, not crashes
    expect(r.stderr).toMatch(/ghostwire: problem GW_ERR_/);
  });
});
