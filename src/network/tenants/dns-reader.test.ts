// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { NativeError } from '../../errors.js';
import { newNamespace, type Namespace, type NsType, type Process } from '../../model/namespace.js';
import { TenantDnsReader, type DnsNativeOps } from './dns-reader.js';

function ns(type: NsType, ino: number): Namespace {
  return newNamespace({ dev: 4, ino }, type);
}

function proc(pid: number, mnt: number, uts: number): Process {
  return {
    pid,
    ppid: 1,
    comm: `p${pid}`,
    cmdline: [],
    starttime: 1,
    nice: 0,
    policy: 0,
    rtPriority: 0,
    nspid: [pid],
    parent: undefined,
    children: [],
    namespaces: { mnt: ns('mnt', mnt), uts: ns('uts', uts) },
    tids: [pid],
  };
}

function sysErr(sysCode: string, syscall: string): NativeError {
  const code = sysCode === 'EFTYPE' ? 'GW_ERR_FILE_NOT_REGULAR' : 'GW_ERR_FILE_IN_ROOT';
  return new NativeError(code, `readFileInRoot: ${sysCode}`, { sysCode, syscall, errno: 2 });
}

type Entry = string | Buffer | { error: string; syscall?: string } | { big: string };

/** Fake addon over per-root file maps; counts calls. */
function fakeNative(
  roots: Record<string, Record<string, Entry> | 'EACCES'>,
  uts: Record<string, string>,
): DnsNativeOps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    readFileInRoot(root, rel, maxBytes) {
      calls.push(`${root} ${rel}`);
      const files = roots[root];
      if (files === undefined) throw sysErr('ENOENT', 'open');
      if (files === 'EACCES') throw sysErr('EACCES', 'open');
      const e = files[rel];
      if (e === undefined) throw sysErr('ENOENT', 'openat2');
      if (typeof e === 'object' && 'error' in e) throw sysErr(e.error, e.syscall ?? 'openat2');
      const data =
        typeof e === 'string'
          ? Buffer.from(e)
          : Buffer.isBuffer(e)
            ? e
            : Buffer.from(e.big.repeat(maxBytes + 1));
      return { data: data.subarray(0, maxBytes), truncated: data.length > maxBytes };
    },
    utsNamesIn(path) {
      calls.push(`uts ${path}`);
      const n = uts[path];
      if (n === undefined)
        throw new NativeError('GW_ERR_NS_OPEN_FAILED', `open ${path}: ENOENT`, {
          sysCode: 'ENOENT',
          syscall: 'open',
        });
      if (n === 'EPERM')
        throw new NativeError('GW_ERR_NS_SETNS_FAILED', 'setns: EPERM', {
          sysCode: 'EPERM',
          syscall: 'setns',
        });
      return { nodename: n, domainname: '(none)' };
    },
  };
}

const GOOD = {
  'etc/resolv.conf': '# c\nnameserver 1.2.3.4\nnameserver 1,2\nsearch a.example\noptions ndots:3\n',
  'etc/hosts': '127.0.0.1 localhost\n10.0.0.5 web web.local\n',
  'etc/hostname': 'web\n',
  'etc/domainname': 'example\n',
};

const reader = (native: DnsNativeOps): TenantDnsReader =>
  new TenantDnsReader({ procRoot: '/p', native, rootIdentity: () => 'r' });

describe('TenantDnsReader', () => {
  it('reads all files inside the tenant root and the UTS names', () => {
    const n = fakeNative({ '/p/10/root': GOOD }, { '/p/10/ns/uts': 'gwt-host' });
    const r = reader(n);
    expect(r.read(proc(10, 100, 200))).toEqual({
      utsHostname: 'gwt-host',
      utsDomainname: '(none)',
      etcHostname: 'web',
      etcDomainname: 'example',
      nameservers: ['1.2.3.4'],
      searchlist: ['a.example'],
      options: ['ndots:3'],
      hosts: [
        { name: 'localhost', address: '127.0.0.1' },
        { name: 'web', address: '10.0.0.5' },
        { name: 'web.local', address: '10.0.0.5' },
      ],
    });
    expect(r.problems).toEqual([]);
    expect(n.calls.filter((c) => c.startsWith('/p/10/root'))).toEqual([
      '/p/10/root etc/resolv.conf',
      '/p/10/root etc/hosts',
      '/p/10/root etc/hostname',
      '/p/10/root etc/domainname',
    ]);
  });

  it('reads once per mount and UTS namespace', () => {
    const n = fakeNative(
      { '/p/10/root': GOOD, '/p/11/root': GOOD },
      { '/p/10/ns/uts': 'a', '/p/11/ns/uts': 'b' },
    );
    const r = reader(n);
    const a = r.read(proc(10, 100, 200));
    const b = r.read(proc(11, 100, 200));
    expect(b).toBe(a);
    expect(n.calls).toHaveLength(5);
    const c = r.read(proc(11, 100, 201));
    expect(c.utsHostname).toBe('b');
    expect(c.nameservers).toBe(a.nameservers);
    expect(n.calls).toHaveLength(6);
  });

  it('gives empty lists and no problem for missing files', () => {
    const r = reader(fakeNative({ '/p/10/root': {} }, { '/p/10/ns/uts': 'h' }));
    expect(r.read(proc(10, 1, 2))).toMatchObject({
      etcHostname: '',
      etcDomainname: '',
      nameservers: [],
      searchlist: [],
      options: [],
      hosts: [],
    });
    expect(r.problems).toEqual([]);
  });

  it('gives null lists and one GW_ERR_NS_ACCESS problem when the root cannot be opened', () => {
    const r = reader(fakeNative({ '/p/10/root': 'EACCES' }, { '/p/10/ns/uts': 'h' }));
    expect(r.read(proc(10, 1, 2))).toMatchObject({
      utsHostname: 'h',
      nameservers: null,
      searchlist: null,
      options: null,
      hosts: null,
    });
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'GW_ERR_NS_ACCESS', cause: 'EACCES' }),
    ]);
  });

  it('gives null lists silently for a vanished process', () => {
    const r = new TenantDnsReader({
      procRoot: '/p',
      native: fakeNative({}, {}),
      rootIdentity: () => {
        throw Object.assign(new Error('gone'), { code: 'ENOENT' });
      },
    });
    expect(r.read(proc(10, 1, 2)).hosts).toBeNull();
    expect(r.problems).toEqual([]);
  });

  it('rejects oversized, binary and non-regular files with problems, never using their content', () => {
    const n = fakeNative(
      {
        '/p/10/root': {
          'etc/resolv.conf': { big: 'nameserver 9.9.9.9\n' },
          'etc/hosts': Buffer.from('10.0.0.1 a\n\0\0\0'),
          'etc/hostname': { error: 'EFTYPE', syscall: 'fstat' },
          'etc/domainname': { big: 'x' },
        },
      },
      { '/p/10/ns/uts': 'EPERM' },
    );
    const r = reader(n);
    expect(r.read(proc(10, 1, 2))).toEqual({
      utsHostname: '',
      utsDomainname: '',
      etcHostname: '',
      etcDomainname: '',
      nameservers: [],
      searchlist: [],
      options: [],
      hosts: [],
    });
    expect(r.problems.map((p) => [p.code, p.subject])).toEqual([
      ['GW_ERR_FILE_TOO_LARGE', 'pid 10 (p10) /etc/resolv.conf'],
      ['GW_ERR_FILE_BINARY', 'pid 10 (p10) /etc/hosts'],
      ['GW_ERR_FILE_NOT_REGULAR', 'pid 10 (p10) /etc/hostname'],
      ['GW_ERR_FILE_TOO_LARGE', 'pid 10 (p10) /etc/domainname'],
      ['GW_ERR_NS_SETNS_FAILED', 'pid 10 (p10) /p/10/ns/uts'],
    ]);
  });

  it('uses a complete first line of a long hostname file', () => {
    const r = reader(
      fakeNative({ '/p/10/root': { 'etc/hostname': `host\n${'#'.repeat(10_000)}` } }, {}),
    );
    expect(r.read(proc(10, 1, 2)).etcHostname).toBe('host');
  });

  it('records other open errors (ELOOP) as GW_ERR_FILE_IN_ROOT and keeps going', () => {
    const r = reader(
      fakeNative({ '/p/10/root': { ...GOOD, 'etc/resolv.conf': { error: 'ELOOP' } } }, {}),
    );
    const d = r.read(proc(10, 1, 2));
    expect(d.nameservers).toEqual([]);
    expect(d.etcHostname).toBe('web');
    expect(r.problems[0]).toMatchObject({ code: 'GW_ERR_FILE_IN_ROOT', cause: 'ELOOP' });
  });
});
