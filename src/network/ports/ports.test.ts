// SPDX-License-Identifier: MIT
/**
 * @module network/ports/ports.test
 *
 * Pure parts of port discovery: state mapping, dual-stack aliasing (incl. V6ONLY), nifs per
 * address, owners and their tenant leaders, services(5) parsing, sockstat counters (also read
 * from inside a process-less netns through a fake `openFilesInNetns` handing out real fds of
 * temporary files) and the dump plan.
 */
import { fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newNamespace, type Namespace, type Process } from '../../model/namespace.js';
import type { Nif, NifAddress } from '../../model/network.js';
import type { InetDiagMessage } from '../../netlink/sockdiag/index.js';
import { buildPorts, nifsForAddress, portState, type PortContext } from './build.js';
import { listenersAreAll, planTcp } from './discover.js';
import { tenantLeader } from './leader.js';
import { parseServices, serviceName } from './services.js';
import {
  NETNS_SOCKSTAT_PATHS,
  readNetnsSocketCounts,
  socketCounts,
  type OpenFilesInNetns,
} from './sockstat.js';

function netns(ino: number): Namespace {
  return newNamespace({ dev: 4, ino }, 'net');
}

function proc(
  pid: number,
  parent: Process | undefined,
  net: Namespace | undefined,
  cmdline: string[] = [`cmd${pid}`],
): Process {
  const p: Process = {
    pid,
    ppid: parent?.pid ?? 0,
    comm: `c${pid}`,
    cmdline,
    starttime: pid,
    nice: 0,
    policy: 0,
    rtPriority: 0,
    nspid: [pid],
    parent,
    children: [],
    namespaces: net === undefined ? {} : { net },
    tids: [],
  };
  parent?.children.push(p);
  return p;
}

function addr(address: string): NifAddress {
  return {
    family: address.includes(':') ? 6 : 4,
    address,
    prefixLen: 24,
    scope: 0,
    preferredLifetime: 0,
    validLifetime: 0,
    flags: 0,
    label: undefined,
    broadcast: undefined,
    peer: undefined,
  };
}

function nif(index: number, addresses: string[]): Nif {
  return { index, name: `n${index}`, addresses: addresses.map(addr) } as unknown as Nif;
}

function sock(
  f: Partial<InetDiagMessage> & {
    family: number;
    state: number;
    src: string;
    sport: number;
    dst?: string;
    dport?: number;
    inode?: number;
    ifIndex?: number;
  },
): InetDiagMessage {
  return {
    family: f.family,
    state: f.state,
    timer: 0,
    retrans: 0,
    id: {
      sport: f.sport,
      dport: f.dport ?? 0,
      src: f.src,
      dst: f.dst ?? (f.family === 2 ? '0.0.0.0' : '::'),
      ifIndex: f.ifIndex ?? 0,
      cookie: 1n,
    },
    expires: 0,
    rqueue: 0,
    wqueue: 0,
    uid: 0,
    inode: f.inode ?? 0,
    ...(f.v6only === undefined ? {} : { v6only: f.v6only }),
  };
}

const NS = netns(4026532000);
const HOST = netns(4026531840);
const NIFS = new Map<number, Nif>([
  [2, nif(2, ['10.0.0.1', 'fe80::1'])],
  [1, nif(1, ['127.0.0.1', '::1'])],
]);
const init = proc(1, undefined, HOST);
const shell = proc(100, init, HOST);
const leader = proc(200, shell, NS);
const worker = proc(201, leader, NS);
const forked = proc(202, worker, NS);
const PROCESSES = new Map<number, Process>(
  [init, shell, leader, worker, forked].map((p) => [p.pid, p]),
);
const SERVICES = parseServices('ssh 22/tcp\ndomain 53/tcp\ndomain 53/udp\nhttp 80/tcp www\n');
const CTX: PortContext = {
  netns: NS,
  nifs: NIFS,
  processes: PROCESSES,
  socketOwners: new Map([
    [11, [202, 201, 201]],
    [12, [999]],
  ]),
  services: SERVICES,
};

describe('portState', () => {
  it('maps TCP states to v1 state and macrostate', () => {
    expect(portState('tcp', 10)).toEqual({ state: 'listening', macrostate: 'listening' });
    expect(portState('tcp', 1)).toEqual({ state: 'connected', macrostate: 'connected' });
    expect(portState('tcp', 4)).toEqual({ state: 'FIN WAIT1', macrostate: 'connected' });
    expect(portState('tcp', 5)).toEqual({ state: 'FIN WAIT2', macrostate: 'connected' });
    expect(portState('tcp', 6)).toEqual({ state: 'time wait', macrostate: 'unconnected' });
    expect(portState('tcp', 2)?.state).toBe('SYN sent');
    expect(portState('tcp', 3)?.state).toBe('SYN received');
    expect(portState('tcp', 8)?.state).toBe('close wait');
    expect(portState('tcp', 9)?.state).toBe('last ACK');
    expect(portState('tcp', 11)?.state).toBe('closing');
    expect(portState('tcp', 12)).toEqual({ state: 'new SYN received', macrostate: 'unconnected' });
    expect(portState('tcp', 0)).toBeUndefined();
    expect(portState('tcp', 13)).toBeUndefined();
  });
  it('maps a bound UDP socket to closed but listening, drops other UDP states', () => {
    expect(portState('udp', 7)).toEqual({ state: 'closed', macrostate: 'listening' });
    expect(portState('udp', 1)).toEqual({ state: 'connected', macrostate: 'connected' });
    expect(portState('udp', 2)).toBeUndefined();
    expect(portState('udp', 10)).toBeUndefined();
  });
});

describe('nifsForAddress', () => {
  it('matches configured addresses, v4-mapped as IPv4, wildcard to all (sorted) or the bound nif', () => {
    expect(nifsForAddress(NIFS, '10.0.0.1').map((n) => n.index)).toEqual([2]);
    expect(nifsForAddress(NIFS, '::ffff:127.0.0.1').map((n) => n.index)).toEqual([1]);
    expect(nifsForAddress(NIFS, '0.0.0.0').map((n) => n.index)).toEqual([1, 2]);
    expect(nifsForAddress(NIFS, '::').map((n) => n.index)).toEqual([1, 2]);
    expect(nifsForAddress(NIFS, '::', 2).map((n) => n.index)).toEqual([2]);
    expect(nifsForAddress(NIFS, '192.0.2.9')).toEqual([]);
    expect(nifsForAddress(undefined, '0.0.0.0')).toEqual([]);
  });
});

describe('tenantLeader', () => {
  it('walks up to the first process whose parent is in another netns', () => {
    expect(tenantLeader(forked).pid).toBe(200);
    expect(tenantLeader(leader).pid).toBe(200);
    expect(tenantLeader(shell).pid).toBe(1);
  });
  it('falls back to the process itself when its netns is unknown', () => {
    const orphan = proc(300, init, undefined);
    expect(tenantLeader(orphan).pid).toBe(300);
  });
});

describe('buildPorts', () => {
  it('maps sockets with owners (deduplicated, sorted, unknown PIDs dropped), services and nifs', () => {
    const ports = buildPorts(
      CTX,
      [sock({ family: 2, state: 10, src: '10.0.0.1', sport: 22, inode: 11 })],
      [
        sock({
          family: 2,
          state: 1,
          src: '10.0.0.1',
          sport: 40000,
          dst: '10.0.0.2',
          dport: 53,
          inode: 12,
        }),
      ],
    );
    expect(ports).toHaveLength(2);
    const [ssh, dns] = ports;
    expect(ssh).toMatchObject({
      family: 4,
      protocol: 'tcp',
      localPort: 22,
      localServiceName: 'ssh',
      state: 'listening',
      macrostate: 'listening',
      inode: 11,
    });
    expect(ssh!.owners.map((o) => [o.process.pid, o.leader.pid])).toEqual([
      [201, 200],
      [202, 200],
    ]);
    expect(ssh!.nifs.map((n) => n.index)).toEqual([2]);
    expect(dns).toMatchObject({
      protocol: 'udp',
      remoteServiceName: 'domain',
      localServiceName: '',
      macrostate: 'connected',
    });
    expect(dns!.owners).toEqual([]);
  });

  it('aliases dual-stack IPv6 sockets as IPv4 unless V6ONLY or an IPv4 socket has the address and port', () => {
    const tcp = [
      sock({ family: 2, state: 10, src: '0.0.0.0', sport: 22 }),
      sock({ family: 10, state: 10, src: '::', sport: 22, v6only: false }), // IPv4 twin exists
      sock({ family: 10, state: 10, src: '::', sport: 80, v6only: false }), // dual-stack
      sock({ family: 10, state: 10, src: '::', sport: 81, v6only: true }), // V6ONLY
      sock({ family: 10, state: 10, src: '::1', sport: 82, v6only: true }),
      sock({
        family: 10,
        state: 1,
        src: '::ffff:10.0.0.1',
        sport: 80,
        dst: '::ffff:10.0.0.2',
        dport: 5555,
        v6only: false,
      }),
      sock({
        family: 10,
        state: 6,
        src: '::ffff:10.0.0.1',
        sport: 80,
        dst: '::ffff:10.0.0.3',
        dport: 5556,
      }), // TIME_WAIT: no attr
      sock({ family: 10, state: 1, src: '::', sport: 83, dst: '2001:db8::1', dport: 1 }), // remote not v4
    ];
    const ports = buildPorts(CTX, tcp, []);
    const v4 = ports.filter((p) => p.family === 4);
    expect(
      v4.map((p) => [
        p.localAddress,
        p.localPort,
        p.remoteAddress,
        p.remotePort,
        p.ipv4Mapped,
        p.state,
      ]),
    ).toEqual([
      ['0.0.0.0', 22, '0.0.0.0', 0, false, 'listening'],
      ['0.0.0.0', 80, '0.0.0.0', 0, true, 'listening'],
      ['10.0.0.1', 80, '10.0.0.2', 5555, true, 'connected'],
      ['10.0.0.1', 80, '10.0.0.3', 5556, true, 'time wait'],
    ]);
    const alias = v4[1]!;
    expect(alias.aliasOf?.localAddress).toBe('::');
    expect(alias.nifs.map((n) => n.index)).toEqual([1, 2]);
    expect(v4[2]!.nifs.map((n) => n.index)).toEqual([2]);
    expect(ports.filter((p) => p.family === 6)).toHaveLength(7);
    // order: TCP v4 real, aliases, TCP v6
    expect(ports.map((p) => `${p.family}${p.ipv4Mapped ? 'm' : ''}`).join(',')).toBe(
      '4,4m,4m,4m,6,6,6,6,6,6,6',
    );
  });

  it('drops sockets whose state is not reported', () => {
    expect(
      buildPorts(
        CTX,
        [sock({ family: 2, state: 13, src: '0.0.0.0', sport: 1 })],
        [sock({ family: 2, state: 2, src: '0.0.0.0', sport: 1 })],
      ),
    ).toEqual([]);
  });
});

describe('services', () => {
  it('parses services(5): first entry wins, comments, aliases, malformed lines', () => {
    const db = parseServices(
      '# comment\nhttp\t\t80/tcp\t\twww # WorldWideWeb\nalt 80/tcp\nbad 99999/tcp\nnoport\nx abc/tcp\n\nntp 123/udp\n',
    );
    expect(serviceName(db, 80, 'tcp')).toBe('http');
    expect(serviceName(db, 123, 'udp')).toBe('ntp');
    expect(serviceName(db, 123, 'tcp')).toBe('');
    expect(serviceName(db, 0, 'tcp')).toBe('');
    expect(db.size).toBe(2);
  });
});

describe('sockstat counters and plan', () => {
  const S4 =
    'sockets: used 8\nTCP: inuse 3 orphan 0 tw 0 alloc 7 mem 169\nUDP: inuse 2 mem 0\nUDPLITE: inuse 0\n';
  const S6 = 'TCP6: inuse 2\nUDP6: inuse 1\nUDPLITE6: inuse 0\n';
  it('reads inuse and tw per family', () => {
    expect(socketCounts(S4, S6)).toEqual({ tcp4: 3, tcp6: 2, tw: 0, udp4: 2, udp6: 1 });
    expect(socketCounts(S4, undefined)).toEqual({ tcp4: 3, tcp6: 0, tw: 0, udp4: 2, udp6: 0 });
    expect(socketCounts('garbage', S6)).toBeUndefined();
  });
  it('plans no TCP dump, a listener dump, or a full walk', () => {
    expect(planTcp(undefined)).toBe('full');
    expect(planTcp({ tcp4: 0, tcp6: 0, tw: 0, udp4: 1, udp6: 0 })).toBe('none');
    expect(planTcp({ tcp4: 1, tcp6: 0, tw: 0, udp4: 0, udp6: 0 })).toBe('listen');
    expect(planTcp({ tcp4: 0, tcp6: 0, tw: 1, udp4: 0, udp6: 0 })).toBe('full');
  });
  it('accepts a listener dump only when it accounts for every hashed TCP socket', () => {
    const l = [
      sock({ family: 2, state: 10, src: '0.0.0.0', sport: 1 }),
      sock({ family: 10, state: 10, src: '::', sport: 2 }),
    ];
    expect(listenersAreAll({ tcp4: 1, tcp6: 1, tw: 0, udp4: 0, udp6: 0 }, l)).toBe(true);
    expect(listenersAreAll({ tcp4: 2, tcp6: 1, tw: 0, udp4: 0, udp6: 0 }, l)).toBe(false);
    expect(listenersAreAll({ tcp4: 1, tcp6: 0, tw: 0, udp4: 0, udp6: 0 }, l)).toBe(false);
  });
});

describe('readNetnsSocketCounts (process-less netns)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-sockstat-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  // netns 10: listeners only; 11: a TIME_WAIT socket and nothing else; 12: IPv6 off (ENOENT);
  // 13: sockstat6 fails otherwise (EACCES); 14: sockstat unopenable; 15: garbage counters.
  const TEXT: Record<number, [string | Error, string | Error]> = {
    10: [
      'TCP: inuse 2 orphan 0 tw 0 alloc 2 mem 1\nUDP: inuse 0 mem 0\n',
      'TCP6: inuse 1\nUDP6: inuse 1\n',
    ],
    11: [
      'TCP: inuse 0 orphan 0 tw 1 alloc 1 mem 0\nUDP: inuse 0 mem 0\n',
      'TCP6: inuse 0\nUDP6: inuse 0\n',
    ],
    12: [
      'TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 0\nUDP: inuse 1 mem 0\n',
      Object.assign(new Error('ENOENT'), { errno: 2, sysCode: 'ENOENT' }),
    ],
    13: [
      'TCP: inuse 0 orphan 0 tw 0 alloc 0 mem 0\nUDP: inuse 0 mem 0\n',
      Object.assign(new Error('EACCES'), { errno: 13, sysCode: 'EACCES' }),
    ],
    14: [Object.assign(new Error('EPERM'), { errno: 1 }), 'TCP6: inuse 0\nUDP6: inuse 0\n'],
    15: ['nothing here\n', 'TCP6: inuse 0\nUDP6: inuse 0\n'],
  };
  const handedOut: number[] = [];
  const fake: OpenFilesInNetns = (refs, paths) => {
    expect(paths).toEqual(NETNS_SOCKSTAT_PATHS);
    return refs.map((ref) =>
      (TEXT[ref as number] ?? []).map((t, k) => {
        if (t instanceof Error) return t;
        const fd = openSync(file(`${String(ref)}-${k}`, t), 'r');
        handedOut.push(fd);
        return fd;
      }),
    );
  };
  const isOpen = (fd: number): boolean => {
    try {
      fstatSync(fd);
      return true;
    } catch {
      return false;
    }
  };

  it('reads the counters per netns, ENOENT on sockstat6 = no IPv6, any other failure = unknown; closes every fd', () => {
    const counts = readNetnsSocketCounts([10, 11, 12, 13, 14, 15], fake);
    expect(counts).toEqual([
      { tcp4: 2, tcp6: 1, tw: 0, udp4: 0, udp6: 1 },
      { tcp4: 0, tcp6: 0, tw: 1, udp4: 0, udp6: 0 },
      { tcp4: 1, tcp6: 0, tw: 0, udp4: 1, udp6: 0 },
      undefined,
      undefined,
      undefined,
    ]);
    expect(handedOut.length).toBe(9);
    expect(handedOut.filter(isOpen)).toEqual([]);
    // and the plan follows: listeners only → listener dump; TIME_WAIT only → full walk (never skipped); unknown → full.
    expect(counts.map((c) => planTcp(c))).toEqual([
      'listen',
      'full',
      'listen',
      'full',
      'full',
      'full',
    ]);
  });

  it('falls back to unknown for every netns when opening throws, and asks nothing for no netns', () => {
    const boom: OpenFilesInNetns = () => {
      throw new Error('addon predates openFilesInNetns');
    };
    expect(readNetnsSocketCounts([10, 11], boom)).toEqual([undefined, undefined]);
    expect(readNetnsSocketCounts([], boom)).toEqual([]);
  });

  it('closes the fds even of a netns whose file cannot be read', () => {
    const dirFd = openSync(dir, 'r'); // reading a directory fails with EISDIR
    const counts = readNetnsSocketCounts([null], () => [[dirFd, dirFd]]);
    expect(counts).toEqual([undefined]);
    expect(isOpen(dirFd)).toBe(false);
  });
});
