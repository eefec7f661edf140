// SPDX-License-Identifier: MIT
/**
 * Port discovery against the kernel's own view: `ss -tuanpeH` run inside each test netns
 * (`ip netns exec`). Topology (namespaces `gwt-<rand>` made here):
 *
 *   a: python3 with TCP listeners v4 0.0.0.0:8080, dual-stack [::]:8081, V6ONLY [::]:8082;
 *      UDP v4 :5353, dual-stack :5354, V6ONLY :5355; established TCP v4, v6 and v4-via-dual-
 *      stack connections; a connected UDP socket; a TIME_WAIT; then it forks, so every socket
 *      is shared by two processes; a veth pair gwd0/gwd1 with 10.77.0.1/24 on gwd0 for the nif mapping.
 *   b: a short-lived python3 leaves a TIME_WAIT socket behind: a netns with sockets but no
 *      process.
 *
 * Both strategies (`auto`, `full`) must report exactly ss' set of (proto, local, remote, state,
 * inode) and owners. As non-root the privileged cases skip.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Port } from '../../src/model/port.js';
import { discoverNamespaces } from '../../src/namespaces/index.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { discoverNetwork } from '../../src/network/index.js';
import { discoverPorts, emptyPortStats, type PortStrategy } from '../../src/network/ports/index.js';
import { transportPortsV1 } from '../../src/api/v1/ports.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import { IS_ROOT, makeNetns, type TestNetns } from '../helpers/namespaces.js';
import { PYTHON, waitForOutput } from '../helpers/python.js';
import { killPids, pidsInNetns } from '../helpers/processes.js';

const NATIVE = isNativeAvailable();
const SKIP = !IS_ROOT || !NATIVE;
const REASON = !IS_ROOT
  ? 'needs root (ip netns, sock_diag in other namespaces)'
  : 'native addon not built';

const SOCKETS_PY = `
import socket as S, os, time, faulthandler, sys
faulthandler.dump_traceback_later(8, exit=True)
def L(fam, addr, port, v6only=None, typ=S.SOCK_STREAM):
    s = S.socket(fam, typ); s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1)
    if v6only is not None: s.setsockopt(S.IPPROTO_IPV6, S.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    if typ == S.SOCK_STREAM: s.listen(16)
    return s
keep = []
l4 = L(S.AF_INET, '0.0.0.0', 8080); l6 = L(S.AF_INET6, '::', 8081, 0); l6o = L(S.AF_INET6, '::', 8082, 1)
keep += [l4, l6, l6o, L(S.AF_INET, '0.0.0.0', 5353, typ=S.SOCK_DGRAM), L(S.AF_INET6, '::', 5354, 0, typ=S.SOCK_DGRAM),
         L(S.AF_INET6, '::', 5355, 1, typ=S.SOCK_DGRAM), L(S.AF_INET, '10.77.0.1', 7070)]
c = S.create_connection(('127.0.0.1', 8080)); a, _ = l4.accept(); keep += [c, a]
c = S.create_connection(('::1', 8082)); a, _ = l6o.accept(); keep += [c, a]
c = S.create_connection(('127.0.0.1', 8081)); a, _ = l6.accept(); keep += [c, a]
u = S.socket(S.AF_INET, S.SOCK_DGRAM); u.connect(('127.0.0.1', 5353)); keep.append(u)
c = S.create_connection(('127.0.0.1', 8080)); a, _ = l4.accept(); c.close(); time.sleep(0.05); a.close()
faulthandler.cancel_dump_traceback_later()
pid = os.fork()
if pid == 0:
    time.sleep(600); os._exit(0)
print('READY', pid, flush=True)
time.sleep(600)
`;

const TIMEWAIT_PY = `
import socket as S, time
l = S.socket(); l.bind(('127.0.0.1', 6000)); l.listen(1)
c = S.create_connection(('127.0.0.1', 6000)); a, _ = l.accept(); c.close(); time.sleep(0.05); a.close(); l.close()
`;

const SS_STATE: Record<string, Record<number, string>> = {
  tcp: {
    1: 'ESTAB',
    2: 'SYN-SENT',
    3: 'SYN-RECV',
    4: 'FIN-WAIT-1',
    5: 'FIN-WAIT-2',
    6: 'TIME-WAIT',
    7: 'UNCONN',
    8: 'CLOSE-WAIT',
    9: 'LAST-ACK',
    10: 'LISTEN',
    11: 'CLOSING',
    12: 'SYN-RECV',
  },
  udp: { 1: 'ESTAB', 7: 'UNCONN' },
};

/** ss address → [address, port]: strips brackets and %dev, `*` is the IPv6 any address. */
function ssAddr(text: string): [string, number] {
  const i = text.lastIndexOf(':');
  let a = text.slice(0, i).replace(/%[^\]]*$/, '');
  if (a.startsWith('[')) a = a.slice(1, -1);
  if (a === '*') a = '::';
  const p = text.slice(i + 1);
  return [a, p === '*' ? 0 : Number(p)];
}

interface Row {
  key: string;
  pids: number[];
}

function ssRows(ns: string): Row[] {
  const out = execFileSync('nsenter', [`--net=/run/netns/${ns}`, 'ss', '-tuanpeH'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.trim().split(/\s+/);
      const [la, lp] = ssAddr(f[4] ?? '');
      const [ra, rp] = ssAddr(f[5] ?? '');
      const ino = /ino:(\d+)/.exec(l)?.[1] ?? '0';
      const pids = [...l.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])).sort((x, y) => x - y);
      return { key: `${f[0]} ${la}:${lp} ${ra}:${rp} ${f[1]} ${ino}`, pids: [...new Set(pids)] };
    });
}

function ourRows(ports: readonly Port[]): Row[] {
  return ports
    .filter((p) => !p.ipv4Mapped)
    .map((p) => ({
      key: `${p.protocol} ${p.localAddress}:${p.localPort} ${p.remoteAddress}:${p.remotePort} ${SS_STATE[p.protocol]?.[p.kernelState] ?? '?'} ${p.inode}`,
      pids: p.owners.map((o) => o.process.pid),
    }));
}

const sortRows = (r: Row[]): Row[] => [...r].sort((x, y) => x.key.localeCompare(y.key));

function inoOf(path: string): number {
  return statSync(path).ino;
}

describe.skipIf(SKIP)(`ports vs ss (${SKIP ? REASON : 'root'})`, () => {
  let a: TestNetns | undefined;
  let b: TestNetns | undefined;
  let py: ChildProcess | undefined;
  let forked = 0;

  beforeAll(async () => {
    a = makeNetns();
    b = makeNetns();
    for (const n of [a, b]) execFileSync('ip', ['-n', n.name, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', [
      '-n',
      a.name,
      'link',
      'add',
      'gwd0',
      'type',
      'veth',
      'peer',
      'name',
      'gwd1',
    ]);
    execFileSync('ip', ['-n', a.name, 'addr', 'add', '10.77.0.1/24', 'dev', 'gwd0']);
    execFileSync('ip', ['-n', a.name, 'link', 'set', 'gwd0', 'up']);
    execFileSync('nsenter', [`--net=/run/netns/${b.name}`, PYTHON, '-c', TIMEWAIT_PY]);
    py = spawn('nsenter', [`--net=/run/netns/${a.name}`, PYTHON, '-c', SOCKETS_PY], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    forked = Number((await waitForOutput(py, /READY (\d+)\n/))[1]);
  });

  afterAll(async () => {
    // Every process in our own namespaces is ours (python, its fork): end them by PID.
    killPids([forked, py?.pid ?? 0].filter((p) => p > 0));
    for (const n of [a, b]) if (n !== undefined) killPids(pidsInNetns(statSync(n.path).ino));
    if (py !== undefined && py.exitCode === null && py.signalCode === null)
      await new Promise((r) => py!.once('close', r));
    a?.cleanup();
    b?.cleanup();
  });

  beforeEach(() => {
    startLeakGuard();
  });
  afterEach(() => {
    expectNoLeaks();
  });

  for (const strategy of ['auto', 'full'] as PortStrategy[]) {
    it(`reports what ss shows in each namespace (strategy ${strategy})`, async () => {
      const ns = await discoverNamespaces({ procRoot: '/proc' });
      const net = await discoverNetwork(ns.value, {});
      const inoA = inoOf(a!.path);
      const inoB = inoOf(b!.path);
      const stats = emptyPortStats();
      const r = await discoverPorts(ns.value, net.value, {
        strategy,
        only: new Set([inoA, inoB]),
        stats,
      });
      expect(r.problems).toEqual([]);
      const portsA = r.value.get(inoA) ?? [];
      const portsB = r.value.get(inoB) ?? [];
      const ssA = ssRows(a!.name);
      expect(ssA.length).toBeGreaterThanOrEqual(15);
      expect(sortRows(ourRows(portsA))).toEqual(sortRows(ssA));
      expect(sortRows(ourRows(portsB))).toEqual(sortRows(ssRows(b!.name)));
      expect(portsB.some((p) => p.state === 'time wait' && p.owners.length === 0)).toBe(true);

      // Shared sockets: both python processes own the 8080 listener; leader is the parent.
      const l8080 = portsA.find((p) => p.localPort === 8080 && p.state === 'listening');
      expect(l8080?.owners.map((o) => o.process.pid).sort()).toEqual([py!.pid, forked].sort());
      expect(new Set(l8080?.owners.map((o) => o.leader.pid))).toEqual(new Set([py!.pid]));

      // Dual-stack aliases: 8081 and 5354 (and the v4-mapped connection) but never V6ONLY 8082/5355.
      const aliases = portsA
        .filter((p) => p.ipv4Mapped)
        .map((p) => `${p.protocol} ${p.localAddress}:${p.localPort} ${p.state}`)
        .sort();
      expect(aliases).toEqual(
        [
          'tcp 0.0.0.0:8081 listening',
          'tcp 127.0.0.1:8081 connected',
          'udp 0.0.0.0:5354 closed',
        ].sort(),
      );

      // nifs: specific address → its nif; wildcard → all nifs of the netns.
      const nifsOf = (p: Port | undefined): string[] => (p?.nifs ?? []).map((n) => n.name).sort();
      expect(nifsOf(portsA.find((p) => p.localPort === 7070))).toEqual(['gwd0']);
      expect(nifsOf(l8080)).toEqual(['gwd0', 'gwd1', 'lo']);
      expect(nifsOf(portsA.find((p) => p.localPort === 8082 && p.state === 'listening'))).toEqual([
        'gwd0',
        'gwd1',
        'lo',
      ]);

      // v1 DTO: v4-mapped address printed dotted in the ipv6 list; owners refer to their
      // leader (the orchestrator resolves leaders to tenants; here the leader PID stands in).
      const v1 = transportPortsV1(portsA, (o) => `cont-${o.leader.pid}`);
      expect(
        v1.ipv6.some((p) => p['local-address'] === '127.0.0.1' && p['local-port'] === 8081),
      ).toBe(true);
      expect(
        v1.ipv4.find((p) => p['local-port'] === 8080 && p.state === 'listening')?.owners[0]?.[
          'container-idref'
        ],
      ).toBe(`cont-${py!.pid}`);

      if (strategy === 'auto') {
        // a has processes and connections (counted, fully walked); b has no process: counted
        // from inside the netns (openFilesInNetns), its TIME_WAIT (tw 1) forces the full walk,
        // and it has no UDP socket to dump.
        expect(stats.counted).toBe(2);
        expect(stats.fullTcpWalks).toBe(2);
        expect(stats.udpSkipped).toBe(2);
      }
    });
  }

  it('counts a process-less netns from inside it and dumps nothing when it holds no socket (auto)', async () => {
    const d = makeNetns();
    try {
      const ns = await discoverNamespaces({ procRoot: '/proc' });
      const net = await discoverNetwork(ns.value, {});
      const ino = inoOf(d.path);
      const stats = emptyPortStats();
      const r = await discoverPorts(ns.value, net.value, { only: new Set([ino]), stats });
      expect(r.problems).toEqual([]);
      expect(stats).toMatchObject({
        counted: 1,
        tcpSkipped: 1,
        fullTcpWalks: 0,
        listenerDumps: 0,
        udpDumps: 0,
        udpSkipped: 2,
      });
      expect(r.value.get(ino)).toEqual([]);
      expect(ssRows(d.name)).toEqual([]);
    } finally {
      d.cleanup();
    }
  });

  it('skips the established-hash walk for a netns with listeners only (auto)', async () => {
    const c = makeNetns();
    let listener: ChildProcess | undefined;
    try {
      execFileSync('ip', ['-n', c.name, 'link', 'set', 'lo', 'up']);
      listener = spawn(
        'nsenter',
        [
          `--net=/run/netns/${c.name}`,
          PYTHON,
          '-c',
          "import socket as S,time\ns=S.socket(S.AF_INET6); s.bind(('::', 9999)); s.listen(1)\nu=S.socket(S.AF_INET,S.SOCK_DGRAM); u.bind(('0.0.0.0', 9998))\nprint('READY',flush=True)\ntime.sleep(600)",
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await waitForOutput(listener, /READY\n/);
      const ns = await discoverNamespaces({ procRoot: '/proc' });
      const net = await discoverNetwork(ns.value, {});
      const ino = inoOf(c.path);
      const stats = emptyPortStats();
      const r = await discoverPorts(ns.value, net.value, { only: new Set([ino]), stats });
      expect(r.problems).toEqual([]);
      expect(stats).toMatchObject({
        counted: 1,
        listenerDumps: 1,
        fullTcpWalks: 0,
        udpDumps: 1,
        udpSkipped: 1,
        gateMisses: 0,
      });
      expect(sortRows(ourRows(r.value.get(ino) ?? []))).toEqual(sortRows(ssRows(c.name)));
    } finally {
      killPids(pidsInNetns(statSync(c.path).ino));
      if (listener !== undefined && listener.exitCode === null && listener.signalCode === null)
        await new Promise((res) => listener!.once('close', res));
      c.cleanup();
    }
  });
});

describe.skipIf(!SKIP)('ports without privileges', () => {
  it(`is skipped: ${REASON}`, () => {
    expect(SKIP).toBe(true);
  });
});
