// SPDX-License-Identifier: MIT
/**
 * Forwarded ports against real kernel rules in every back-end, resolved through a real
 * topology. Namespaces (`gwt-<rand>`, made here, removed in afterAll):
 *
 *   h (holds all rules) ── br0 10.80.0.1/24 fd80::1/64 ── vh ═veth═ eth0 10.80.0.2 fd80::2 (r)
 *   r ── rw 10.81.0.1/24 fd81::1/64 ═veth═ eth0 10.81.0.5 10.81.0.6 fd81::5 (w)
 *   h routes 10.81.0.0/24, fd81::/64 and 10.99.0.0/16 via r; r routes 10.99.0.0/16 back via h
 *   (a routing loop). In w a python3 serves TCP [::]:80 (dual-stack) and UDP 0.0.0.0:53.
 *
 * Rules in h: Docker-like chains written with iptables-nft (Mk1: xtables tcp match carrying
 * the port; Mk2: meta l4proto + payload compares; Mk3: `ip protocol` payload byte written with
 * nft into the same chain), ip6tables-nft, kube-proxy-like KUBE-SERVICES → KUBE-SVC → two
 * KUBE-SEP endpoints, native nft `dnat` in `inet` (with a named map) and `ip6` tables,
 * iptables-legacy and ip6tables-legacy. Every forward is compared exactly, including where its
 * target was resolved to and the serving process. As non-root the suite skips.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Forward } from '../../src/model/forward.js';
import { discoverNamespaces } from '../../src/namespaces/index.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { discoverNetwork } from '../../src/network/index.js';
import { discoverForwards, emptyForwardStats } from '../../src/network/portfwd/index.js';
import { discoverPorts } from '../../src/network/ports/index.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import { IS_ROOT, makeNetns, type TestNetns } from '../helpers/namespaces.js';
import { PYTHON, waitForOutput } from '../helpers/python.js';
import { killPids, pidsInNetns } from '../helpers/processes.js';

const NATIVE = isNativeAvailable();
const TOOLS = ['iptables-nft', 'ip6tables-nft', 'iptables-legacy', 'ip6tables-legacy', 'nft'].every(
  (t) => {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  },
);
const SKIP = !IS_ROOT || !NATIVE || !TOOLS;
const REASON = !IS_ROOT
  ? 'needs root (ip netns, nf_tables and x_tables in other namespaces)'
  : !NATIVE
    ? 'native addon not built'
    : 'needs iptables (nft and legacy) and nftables';

const SERVER_PY = `
import socket as S, time
t = S.socket(S.AF_INET6, S.SOCK_STREAM); t.setsockopt(S.IPPROTO_IPV6, S.IPV6_V6ONLY, 0)
t.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1); t.bind(('::', 80)); t.listen(8)
u = S.socket(S.AF_INET, S.SOCK_DGRAM); u.bind(('0.0.0.0', 53))
print('READY', flush=True)
time.sleep(600)
`;

function sh(ns: string, cmd: string, ...args: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

describe.skipIf(SKIP)(`forwarded ports in every back-end (${SKIP ? REASON : 'root'})`, () => {
  let h: TestNetns | undefined;
  let r: TestNetns | undefined;
  let w: TestNetns | undefined;
  let py: ChildProcess | undefined;

  beforeAll(async () => {
    h = makeNetns();
    r = makeNetns();
    w = makeNetns();
    const ip = (n: TestNetns, ...a: string[]): void => {
      execFileSync('ip', ['-n', n.name, ...a], { stdio: 'pipe' });
    };
    for (const n of [h, r, w]) ip(n, 'link', 'set', 'lo', 'up');
    ip(h, 'link', 'add', 'br0', 'type', 'bridge');
    ip(h, 'addr', 'add', '10.80.0.1/24', 'dev', 'br0');
    ip(h, 'addr', 'add', 'fd80::1/64', 'dev', 'br0', 'nodad');
    ip(h, 'link', 'add', 'vh', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', r.name);
    ip(h, 'link', 'set', 'vh', 'master', 'br0');
    ip(h, 'link', 'set', 'vh', 'up');
    ip(h, 'link', 'set', 'br0', 'up');
    ip(r, 'addr', 'add', '10.80.0.2/24', 'dev', 'eth0');
    ip(r, 'addr', 'add', 'fd80::2/64', 'dev', 'eth0', 'nodad');
    ip(r, 'link', 'set', 'eth0', 'up');
    ip(r, 'link', 'add', 'rw', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', w.name);
    ip(r, 'addr', 'add', '10.81.0.1/24', 'dev', 'rw');
    ip(r, 'addr', 'add', 'fd81::1/64', 'dev', 'rw', 'nodad');
    ip(r, 'link', 'set', 'rw', 'up');
    ip(w, 'addr', 'add', '10.81.0.5/24', 'dev', 'eth0');
    ip(w, 'addr', 'add', '10.81.0.6/24', 'dev', 'eth0');
    ip(w, 'addr', 'add', 'fd81::5/64', 'dev', 'eth0', 'nodad');
    ip(w, 'link', 'set', 'eth0', 'up');
    ip(h, 'route', 'add', '10.81.0.0/24', 'via', '10.80.0.2', 'dev', 'br0');
    ip(h, 'route', 'add', 'fd81::/64', 'via', 'fd80::2', 'dev', 'br0');
    ip(h, 'route', 'add', '10.99.0.0/16', 'via', '10.80.0.2', 'dev', 'br0');
    ip(r, 'route', 'add', '10.99.0.0/16', 'via', '10.80.0.1', 'dev', 'eth0');

    const n = h.name;
    const ipt = (...a: string[]): void => sh(n, 'iptables-nft', '-t', 'nat', ...a);
    ipt('-N', 'DOCKER');
    ipt('-A', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER');
    ipt('-A', 'OUTPUT', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER');
    // Mk1: the tcp option forces the xtables tcp match, which then carries the port
    ipt(
      '-A',
      'DOCKER',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '18001',
      '--tcp-option',
      '2',
      '-j',
      'DNAT',
      '--to-destination',
      '10.81.0.5:80',
    );
    // Mk2: meta l4proto + compares, with a host IP
    ipt(
      '-A',
      'DOCKER',
      '-d',
      '127.0.0.1/32',
      '!',
      '-i',
      'br0',
      '-p',
      'udp',
      '-m',
      'udp',
      '--dport',
      '18053',
      '-j',
      'DNAT',
      '--to-destination',
      '10.81.0.5:53',
    );
    ipt(
      '-A',
      'DOCKER',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '18081',
      '-j',
      'DNAT',
      '--to-destination',
      '10.81.0.5:81',
    );
    ipt(
      '-A',
      'DOCKER',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '18099',
      '-j',
      'DNAT',
      '--to-destination',
      '10.99.1.1:80',
    );
    // Mk3: the IPv4 protocol byte as payload
    sh(
      n,
      'nft',
      'add',
      'rule',
      'ip',
      'nat',
      'DOCKER',
      'ip',
      'protocol',
      'tcp',
      'tcp',
      'dport',
      '18003',
      'dnat',
      'to',
      '10.81.0.5:80',
    );
    const ip6t = (...a: string[]): void => sh(n, 'ip6tables-nft', '-t', 'nat', ...a);
    ip6t('-N', 'DOCKER');
    ip6t('-A', 'PREROUTING', '-j', 'DOCKER');
    ip6t(
      '-A',
      'DOCKER',
      '-d',
      '::1/128',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '18443',
      '-j',
      'DNAT',
      '--to-destination',
      '[fd81::5]:80',
    );
    // kube-proxy-like: one service, two endpoints
    for (const c of ['KUBE-SERVICES', 'KUBE-SVC-T', 'KUBE-SEP-A', 'KUBE-SEP-B']) ipt('-N', c);
    ipt('-A', 'PREROUTING', '-j', 'KUBE-SERVICES');
    ipt(
      '-A',
      'KUBE-SERVICES',
      '-d',
      '10.96.0.10/32',
      '-p',
      'tcp',
      '-m',
      'comment',
      '--comment',
      'ns/web cluster IP',
      '-m',
      'tcp',
      '--dport',
      '80',
      '-j',
      'KUBE-SVC-T',
    );
    ipt(
      '-A',
      'KUBE-SVC-T',
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      '0.5',
      '-j',
      'KUBE-SEP-A',
    );
    ipt('-A', 'KUBE-SVC-T', '-j', 'KUBE-SEP-B');
    ipt(
      '-A',
      'KUBE-SEP-A',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '-j',
      'DNAT',
      '--to-destination',
      '10.81.0.5:80',
    );
    ipt(
      '-A',
      'KUBE-SEP-B',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '-j',
      'DNAT',
      '--to-destination',
      '10.81.0.6:80',
    );
    // native nftables
    execFileSync('ip', ['netns', 'exec', n, 'nft', '-f', '-'], {
      input: `table inet gwt {
  map m {
    type inet_service : ipv4_addr . inet_service
    elements = { 18101 : 10.81.0.5 . 80 }
  }
  chain pre {
    type nat hook prerouting priority -110; policy accept;
    ip daddr 10.80.0.1 tcp dport 18100 dnat ip to 10.81.0.5:80
    dnat ip to tcp dport map @m
    ip6 daddr fd80::1 tcp dport 18106 dnat ip6 to [fd81::5]:80
  }
}
table ip6 gwt6 {
  chain pre {
    type nat hook prerouting priority -100; policy accept;
    udp dport 18107 dnat to [fd81::5]:53
  }
}
`,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    // iptables-legacy
    sh(
      n,
      'iptables-legacy',
      '-t',
      'nat',
      '-A',
      'PREROUTING',
      '-p',
      'tcp',
      '--dport',
      '18200',
      '-j',
      'DNAT',
      '--to-destination',
      '10.81.0.5:80',
    );
    sh(
      n,
      'ip6tables-legacy',
      '-t',
      'nat',
      '-A',
      'PREROUTING',
      '-p',
      'tcp',
      '--dport',
      '18201',
      '-j',
      'DNAT',
      '--to-destination',
      '[fd81::5]:80',
    );

    py = spawn('nsenter', [`--net=/run/netns/${w.name}`, PYTHON, '-c', SERVER_PY], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await waitForOutput(py, /READY\n/);
  });

  afterAll(async () => {
    killPids([py?.pid ?? 0].filter((p) => p > 0));
    for (const n of [h, r, w]) if (n !== undefined) killPids(pidsInNetns(statSync(n.path).ino));
    if (py !== undefined && py.exitCode === null && py.signalCode === null)
      await new Promise((res) => py!.once('close', res));
    h?.cleanup();
    r?.cleanup();
    w?.cleanup();
  });

  beforeEach(() => {
    startLeakGuard();
  });
  afterEach(() => {
    expectNoLeaks();
  });

  it('finds every forward and resolves it to the netns and process serving it', async () => {
    const ns = await discoverNamespaces({ procRoot: '/proc' });
    const inos = [h!, r!, w!].map((n) => statSync(n.path).ino);
    const [hIno, rIno, wIno] = inos as [number, number, number];
    const net = await discoverNetwork(ns.value, {});
    const ports = await discoverPorts(ns.value, net.value, { only: new Set(inos) });
    const stats = emptyForwardStats();
    const res = await discoverForwards(ns.value, net.value, ports.value, {
      only: new Set(inos),
      stats,
    });
    expect(res.problems).toEqual([]);
    const name = (ino: number): string =>
      ino === hIno ? 'h' : ino === rIno ? 'r' : ino === wIno ? 'w' : String(ino);
    const pid = py!.pid ?? 0;
    const line = (f: Forward): string => {
      const x = f.resolution;
      const to =
        x === undefined
          ? '?'
          : x.resolved
            ? `${name(x.netns.id.ino)}/${x.nifs.map((i) => i.name).join(',')} [${x.servers.map((s) => (s.process.pid === pid ? 'python' : s.process.pid)).join(',')}]`
            : x.reason;
      return `${f.backend} ${f.protocol} ${f.ip}:${f.portMin} -> ${f.targetIp}:${f.targetPortMin} => ${to}`;
    };
    expect((res.value.get(hIno) ?? []).map(line).sort()).toEqual(
      [
        'docker tcp 0.0.0.0:18001 -> 10.81.0.5:80 => w/eth0 [python]',
        'docker udp 127.0.0.1:18053 -> 10.81.0.5:53 => w/eth0 [python]',
        'docker tcp 0.0.0.0:18081 -> 10.81.0.5:81 => w/eth0 []',
        'docker tcp 0.0.0.0:18099 -> 10.99.1.1:80 => routing-loop',
        'docker tcp 0.0.0.0:18003 -> 10.81.0.5:80 => w/eth0 [python]',
        'docker tcp ::1:18443 -> fd81::5:80 => w/eth0 [python]',
        'kube-proxy tcp 10.96.0.10:80 -> 10.81.0.5:80 => w/eth0 [python]',
        'kube-proxy tcp 10.96.0.10:80 -> 10.81.0.6:80 => w/eth0 [python]',
        'nft tcp 10.80.0.1:18100 -> 10.81.0.5:80 => w/eth0 [python]',
        'nft tcp 0.0.0.0:18101 -> 10.81.0.5:80 => w/eth0 [python]',
        'nft tcp fd80::1:18106 -> fd81::5:80 => w/eth0 [python]',
        'nft udp :::18107 -> fd81::5:53 => w/eth0 []',
        'iptables-legacy tcp 0.0.0.0:18200 -> 10.81.0.5:80 => w/eth0 [python]',
        'iptables-legacy tcp :::18201 -> fd81::5:80 => w/eth0 [python]',
      ].sort(),
    );
    // the path of a resolved forward: h via the bridge port, r via its veth, then w
    const f = res.value.get(hIno)?.find((x) => x.portMin === 18200);
    expect(
      f?.resolution?.resolved === true &&
        f.resolution.path.map(
          (p) => `${name(p.netns.id.ino)}${p.via === undefined ? '' : `/${p.via.name}`}`,
        ),
    ).toEqual(['h/vh', 'r/rw', 'w']);
    // r and w have no NAT tables: one table query each, nothing more
    expect(res.value.get(rIno)).toEqual([]);
    expect(res.value.get(wIno)).toEqual([]);
    expect(stats.tableQueries).toBe(3);
    expect(stats.chainQueries).toBe(1);
    expect(stats.legacyTables).toBe(2);
  });
});
