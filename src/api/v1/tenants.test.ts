// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import type { Process } from '../../model/namespace.js';
import { schedulingOf, type DnsConfig } from '../../model/tenant-details.js';
import { capbndV1, confinementV1, dnsV1, processorsV1, schedulingV1 } from './tenants.js';

const DNS: DnsConfig = {
  utsHostname: 'foobar',
  utsDomainname: '(none)',
  etcHostname: 'foobar',
  etcDomainname: 'example',
  nameservers: ['1.2.3.4', '::dead:beef'],
  searchlist: ['foo.bar', 'frotz.batz'],
  options: ['ndots:2'],
  hosts: [{ name: 'frotzelwotz', address: '127.1.2.3' }],
};

describe('dnsV1', () => {
  it('emits the §2.5.1 fields in order, without options', () => {
    const v = dnsV1(DNS);
    expect(Object.keys(v)).toEqual([
      'uts-hostname',
      'etc-hostname',
      'domainname',
      'nameservers',
      'searchlist',
      'etc-hosts',
    ]);
    expect(v).toEqual({
      'uts-hostname': 'foobar',
      'etc-hostname': 'foobar',
      domainname: 'example',
      nameservers: ['1.2.3.4', '::dead:beef'],
      searchlist: ['foo.bar', 'frotz.batz'],
      'etc-hosts': [{ name: 'frotzelwotz', address: '127.1.2.3' }],
    });
  });

  it('keeps null lists of an inaccessible mount namespace', () => {
    const v = dnsV1({ ...DNS, nameservers: null, searchlist: null, options: null, hosts: null });
    expect(JSON.stringify(v)).toContain('"nameservers":null,"searchlist":null,"etc-hosts":null');
  });
});

describe('capbndV1 / confinementV1', () => {
  it('formats 16 lower-case hex digits, 0x0 when unknown', () => {
    expect(capbndV1(0x1ffffffffffn)).toBe('0x000001ffffffffff');
    expect(capbndV1(0xa80425fbn)).toBe('0x00000000a80425fb');
    expect(capbndV1(0n)).toBe('0x0000000000000000');
    expect(capbndV1(undefined)).toBe('0x0');
    expect(confinementV1({ capBnd: 0xffn, affinity: [], status: 'paused' })).toEqual({
      capbnd: '0x00000000000000ff',
      status: 'paused',
    });
  });
});

describe('schedulingV1', () => {
  it('emits affinity, policy, real priority and nice in order, omitting empty/zero values', () => {
    const rt = schedulingV1(
      {
        capBnd: 0n,
        affinity: [
          [0, 1],
          [3, 3],
        ],
        status: 'running',
      },
      schedulingOf({ policy: 2, rtPriority: 50, nice: -3 }),
    );
    expect(Object.keys(rt)).toEqual(['affinity', 'policy', 'priority', 'nice']);
    expect(rt).toEqual({
      affinity: [
        [0, 1],
        [3, 3],
      ],
      policy: 2,
      priority: 50,
      nice: -3,
    });
    expect(
      schedulingV1(
        { capBnd: 0n, affinity: [], status: 'running' },
        schedulingOf({ policy: 0, rtPriority: 0, nice: 0 }),
      ),
    ).toEqual({});
    expect(
      schedulingV1(
        { capBnd: 0n, affinity: [], status: 'running' },
        schedulingOf({ policy: 3, rtPriority: 0, nice: 10 }),
      ),
    ).toEqual({ policy: 3, nice: 10 });
  });
});

describe('processorsV1', () => {
  it('maps processes to owners with container references where known', () => {
    const p = (pid: number, cmdline: string[]): Process => ({
      pid,
      ppid: 1,
      comm: 'q',
      cmdline,
      starttime: 0,
      nice: 0,
      policy: 0,
      rtPriority: 0,
      nspid: [pid],
      parent: undefined,
      children: [],
      namespaces: {},
      tids: [pid],
    });
    expect(
      processorsV1([p(5, ['qemu', '-m', '1G']), p(6, [])], (x) =>
        x.pid === 5 ? 'cont-5' : undefined,
      ),
    ).toEqual([
      { pid: 5, cmdline: 'qemu -m 1G', 'container-idref': 'cont-5' },
      { pid: 6, cmdline: '' },
    ]);
  });
});
