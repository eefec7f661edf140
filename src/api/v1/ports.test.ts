// SPDX-License-Identifier: MIT
/**
 * @module api/v1/ports.test
 *
 * The v1 transport-port DTO: field order, dotted form of IPv4-mapped addresses, owners with
 * container-idref, nif idrefs, ipv4/ipv6 split.
 */
import { describe, expect, it } from 'vitest';
import type { Nif } from '../../model/network.js';
import type { Port } from '../../model/port.js';
import type { Process } from '../../model/namespace.js';
import type { Tenant } from '../../model/tenant.js';
import { transportPortsV1, v1Address } from './ports.js';

const NETNS = { ns: { id: { dev: 4, ino: 4026532456 } } };
const nif = (index: number): Nif => ({ index, netns: NETNS }) as unknown as Nif;
const proc = (pid: number, argv: string[]): Process =>
  ({ pid, cmdline: argv }) as unknown as Process;

function port(over: Partial<Port>): Port {
  return {
    family: 6,
    protocol: 'tcp',
    localAddress: '::',
    localPort: 22,
    localServiceName: 'ssh',
    remoteAddress: '::',
    remotePort: 0,
    remoteServiceName: '',
    kernelState: 10,
    state: 'listening',
    macrostate: 'listening',
    inode: 1,
    cookie: 0n,
    uid: 0,
    boundIfIndex: 0,
    rqueue: 0,
    wqueue: 0,
    v6only: false,
    ipv4Mapped: false,
    aliasOf: undefined,
    owners: [],
    nifs: [],
    netns: {} as Port['netns'],
    ...over,
  };
}

describe('transportPortsV1', () => {
  it('emits §2.10 fields in order and splits by family', () => {
    const sshd = proc(701, ['sshd:', '/usr/sbin/sshd', '-D']);
    const init = proc(1, []);
    const tenant = { type: 'proc', name: 'systemd(1)', process: init } as unknown as Tenant;
    const v6 = port({ owners: [{ process: sshd, leader: init, tenant }], nifs: [nif(1), nif(2)] });
    const v4 = port({
      family: 4,
      localAddress: '0.0.0.0',
      remoteAddress: '0.0.0.0',
      ipv4Mapped: true,
      aliasOf: v6,
      nifs: [nif(1)],
    });
    const out = transportPortsV1([v4, v6]);
    expect(Object.keys(out.ipv6[0]!)).toEqual([
      'family',
      'protocol',
      'local-address',
      'local-port',
      'local-servicename',
      'remote-address',
      'remote-port',
      'remote-servicename',
      'state',
      'macrostate',
      'owners',
      'network-interface-idrefs',
    ]);
    expect(out.ipv6[0]).toEqual({
      family: 10,
      protocol: 'tcp',
      'local-address': '::',
      'local-port': 22,
      'local-servicename': 'ssh',
      'remote-address': '::',
      'remote-port': 0,
      'remote-servicename': '',
      state: 'listening',
      macrostate: 'listening',
      owners: [{ pid: 701, cmdline: 'sshd: /usr/sbin/sshd -D', 'container-idref': 'cont-1' }],
      'network-interface-idrefs': ['nif-4026532456-1', 'nif-4026532456-2'],
    });
    expect(out.ipv4[0]).toMatchObject({
      family: 2,
      'local-address': '0.0.0.0',
      'network-interface-idrefs': ['nif-4026532456-1'],
    });
    expect(transportPortsV1(undefined)).toEqual({ ipv4: [], ipv6: [] });
  });
  it('omits container-idref without a tenant and lets the caller resolve it', () => {
    const orphan = proc(4711, ['x']);
    const p = port({ owners: [{ process: orphan, leader: orphan, tenant: undefined }] });
    expect(transportPortsV1([p]).ipv6[0]?.owners).toEqual([{ pid: 4711, cmdline: 'x' }]);
    expect(transportPortsV1([p], (o) => `cont-${o.leader.pid}`).ipv6[0]?.owners).toEqual([
      { pid: 4711, cmdline: 'x', 'container-idref': 'cont-4711' },
    ]);
  });
  it('prints IPv4-mapped IPv6 addresses dotted', () => {
    expect(v1Address('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(v1Address('::ffff:0:1')).toBe('::ffff:0:1');
    expect(v1Address('2001:db8::1')).toBe('2001:db8::1');
  });
});
