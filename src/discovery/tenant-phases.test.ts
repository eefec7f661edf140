// SPDX-License-Identifier: MIT
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NativeError } from '../errors.js';
import type { FileInRoot } from '../native/index.js';
import { newNetworkNamespace } from '../network/index.js';
import {
  makeNamespace,
  makeNamespaceModel,
  makeNif,
  makeProcess,
} from '../../test/helpers/scenario.js';
import type { Tenant } from '../model/tenant.js';
import { discoverTenantDns, discoverTunTapProcessors } from './tenant-phases.js';

function model() {
  const net = makeNamespace('net', 100, ['/proc/1/ns/net']);
  const other = makeNamespace('net', 200, ['/proc/50/ns/net']);
  const bm = makeNamespace('net', 300, ['/run/netns/x']);
  const mnt = makeNamespace('mnt', 10);
  const uts = makeNamespace('uts', 20);
  const init = makeProcess(1, undefined, 'systemd', ['/sbin/init'], { net, mnt, uts });
  const a = makeProcess(50, init, 'sleep', ['sleep'], { net: other, mnt, uts });
  const tenants = new Map<number, Tenant[]>([
    [
      100,
      [
        {
          type: 'proc',
          name: 'systemd(1)',
          netns: net,
          process: init,
          details: { capBnd: undefined, affinity: [], status: 'running' },
        },
      ],
    ],
    [
      200,
      [
        {
          type: 'proc',
          name: 'sleep(50)',
          netns: other,
          process: a,
          details: { capBnd: undefined, affinity: [], status: 'running' },
        },
      ],
    ],
    [300, [{ type: 'bindmount', name: '/run/netns/x', netns: bm, refs: ['/run/netns/x'] }]],
  ]);
  return {
    m: makeNamespaceModel([net, other, bm, mnt, uts], [init, a], { net }),
    tenants,
    net,
    other,
  };
}

const enoent = (syscall: string): NativeError =>
  new NativeError('GW_ERR_FILE_IN_ROOT', 'ENOENT', { sysCode: 'ENOENT', syscall, errno: 2 });

describe('discoverTenantDns', () => {
  it('reads every tenant with a process, keyed by PID; shared namespaces are read once; pseudo tenants have none', () => {
    const { tenants } = model();
    const calls: string[] = [];
    const r = discoverTenantDns(tenants, {
      procRoot: '/fake',
      rootIdentity: () => 'same-root',
      native: {
        readFileInRoot(root: string, rel: string): FileInRoot {
          calls.push(`${root} ${rel}`);
          if (rel === 'etc/resolv.conf')
            return {
              data: Buffer.from('nameserver 10.0.0.53\nsearch gwt.example\n'),
              truncated: false,
            };
          if (rel === 'etc/hosts')
            return { data: Buffer.from('10.0.0.7 peer\n'), truncated: false };
          throw enoent('openat2');
        },
        utsNamesIn: () => ({ nodename: 'box', domainname: '(none)' }),
      },
    });
    expect([...r.value.keys()].sort((x, y) => x - y)).toEqual([1, 50]);
    expect(r.value.get(50)).toEqual({
      utsHostname: 'box',
      utsDomainname: '(none)',
      etcHostname: '',
      etcDomainname: '',
      nameservers: ['10.0.0.53'],
      searchlist: ['gwt.example'],
      options: [],
      hosts: [{ name: 'peer', address: '10.0.0.7' }],
    });
    expect(r.value.get(1)).toBe(r.value.get(50)); // same mount ns + root + UTS ns: one read
    expect(calls.filter((c) => c.endsWith('etc/resolv.conf'))).toHaveLength(1);
    expect(r.problems).toEqual([]);
  });

  it('records an unreachable root as a problem and null lists, keeping the other tenants', () => {
    const { tenants } = model();
    const r = discoverTenantDns(tenants, {
      procRoot: '/fake',
      rootIdentity: (root) => root,
      native: {
        readFileInRoot(root: string, rel: string): FileInRoot {
          if (root === '/fake/50/root')
            throw new NativeError('GW_ERR_FILE_IN_ROOT', 'EACCES', {
              sysCode: 'EACCES',
              syscall: 'open',
              errno: 13,
            });
          if (rel === 'etc/resolv.conf')
            return { data: Buffer.from('nameserver 1.1.1.1\n'), truncated: false };
          throw enoent('openat2');
        },
        utsNamesIn: () => ({ nodename: 'box', domainname: '' }),
      },
    });
    expect(r.value.get(1)?.nameservers).toEqual(['1.1.1.1']);
    expect(r.value.get(50)).toMatchObject({ nameservers: null, searchlist: null, hosts: null });
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'GW_ERR_NS_ACCESS', cause: 'EACCES' }),
    ]);
  });
});

describe('discoverTunTapProcessors', () => {
  it('scans nothing when there is no tun/tap interface', () => {
    const { m, net } = model();
    const nn = newNetworkNamespace(net);
    makeNif(nn, 1, 'lo');
    // a procRoot that does not exist would yield problems if anything were scanned
    const r = discoverTunTapProcessors(
      m,
      { netns: new Map([[100, nn]]) },
      { procRoot: '/nonexistent-gwt' },
    );
    expect(r).toEqual({ value: new Map(), problems: [] });
  });

  it('attributes a TAP holder when a tun/tap interface exists', () => {
    const { m, net } = model();
    const nn = newNetworkNamespace(net);
    makeNif(nn, 5, 'tap0', { kind: 'tun' });
    const root = mkdtempSync(join(tmpdir(), 'gw-tuntap-'));
    try {
      mkdirSync(join(root, '1', 'fd'), { recursive: true });
      mkdirSync(join(root, '1', 'fdinfo'), { recursive: true });
      mkdirSync(join(root, '50', 'fd'), { recursive: true });
      symlinkSync('/dev/net/tun', join(root, '1', 'fd', '7'));
      writeFileSync(
        join(root, '1', 'fdinfo', '7'),
        'pos:\t0\nflags:\t0100002\nmnt_id:\t25\nino:\t1030\niff:\ttap0\n',
      );
      const closed: number[] = [];
      const r = discoverTunTapProcessors(
        m,
        { netns: new Map([[100, nn]]) },
        {
          procRoot: root,
          native: {
            pidfdOpen: (pid) => 1000 + pid,
            pidfdGetfd: (_pidfd, fd) => 2000 + fd,
            tunDeviceNetns: () => 3000,
            fdIno: () => 100,
            close: (fd) => void closed.push(fd),
          },
        },
      );
      expect([...r.value.entries()].map(([k, ps]) => [k, ps.map((p) => p.pid)])).toEqual([
        ['100/tap0', [1]],
      ]);
      expect(r.problems).toEqual([]);
      expect(closed.sort()).toEqual([1001, 2007, 3000]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
