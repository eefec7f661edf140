// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { checkV1References } from './check-references.js';
import {
  SCENARIO,
  buildScenario,
  makeNif,
  makeNamespace,
  makeRoute,
} from '../../../test/helpers/scenario.js';
import { newNetworkNamespace } from '../../network/index.js';
import { v1Kind } from './nifs.js';
import { routePreference, routeTypeName, routeV1 } from './routes.js';
import { rfc3339Nano, toV1 } from './to-v1.js';
import { capbndV1 } from './tenants.js';
import type { NetnsV1, NetworkInterfaceV1 } from './types.js';

function doc() {
  return toV1(buildScenario(), { creatorVersion: '0.1.0' });
}

function netns(d: ReturnType<typeof doc>, ino: number): NetnsV1 {
  const n = d['network-namespaces'].find((x) => x.netnsid === ino);
  if (n === undefined) throw new Error(`netns ${ino} missing`);
  return n;
}

function nif(n: NetnsV1, name: string): NetworkInterfaceV1 {
  const x = n['network-interfaces'].find((i) => i.name === name);
  if (x === undefined) throw new Error(`nif ${name} missing`);
  return x;
}

describe('toV1', () => {
  it('matches the recorded v1 document of the fixed scenario (field names and order)', async () => {
    await expect(`${JSON.stringify(doc(), null, 2)}\n`).toMatchFileSnapshot(
      './__snapshots__/scenario.v1.json',
    );
  });

  it('produces a document whose references all resolve', () => {
    expect(checkV1References(doc())).toEqual([]);
  });

  it('emits fields in the v1 order', () => {
    const d = doc();
    expect(Object.keys(d)).toEqual(['metadata', 'network-namespaces', 'pid-namespaces']);
    const host = netns(d, SCENARIO.hostNet);
    expect(Object.keys(host)).toEqual([
      'container-groups',
      'containers',
      'id',
      'netnsid',
      'network-interfaces',
      'routes',
      'transport-ports',
      'forwarded-ports',
    ]);
    expect(Object.keys(nif(host, 'docker0'))).toEqual([
      'id',
      'kind',
      'name',
      'alias',
      'index',
      'addresses',
      'operstate',
      'physical',
      'driverinfo',
      'promisc',
      'labels',
      'slaves',
    ]);
    expect(Object.keys(host.containers[0] ?? {})).toEqual([
      'cmdline',
      'dns',
      'group',
      'id',
      'name',
      'prefix',
      'api-path',
      'pid',
      'pidns',
      'pidns-idref',
      'capbnd',
      'status',
      'type',
      'type-text',
      'affinity',
    ]);
    expect(Object.keys(d.metadata)).toEqual([...Object.keys(d.metadata)].sort());
  });

  it('puts the host netns first and sorts the rest by inode', () => {
    expect(doc()['network-namespaces'].map((n) => n.id)).toEqual([
      `netns-${SCENARIO.hostNet}`,
      `netns-${SCENARIO.containerNet}`,
      `netns-${SCENARIO.bindmountNet}`,
    ]);
  });

  it('maps relations to ID references across namespaces', () => {
    const d = doc();
    const host = netns(d, SCENARIO.hostNet);
    const cont = netns(d, SCENARIO.containerNet);
    const bm = netns(d, SCENARIO.bindmountNet);
    expect(nif(host, 'veth3f2a1b0').peer).toEqual({
      'peer-idref': `nif-${SCENARIO.containerNet}-4`,
      'peer-index': 4,
      'peer-name': 'eth0',
    });
    expect(nif(cont, 'eth0').peer?.['peer-idref']).toBe(`nif-${SCENARIO.hostNet}-5`);
    expect(nif(host, 'veth3f2a1b0').master).toEqual({
      idref: `nif-${SCENARIO.hostNet}-3`,
      index: 3,
      name: 'docker0',
    });
    expect(nif(host, 'docker0').slaves).toEqual([
      { idref: `nif-${SCENARIO.hostNet}-5`, index: 5, name: 'veth3f2a1b0' },
    ]);
    const eth0 = nif(host, 'eth0');
    expect(eth0.macvlans).toEqual([
      { idref: `nif-${SCENARIO.bindmountNet}-7`, index: 7, name: 'mv0' },
    ]);
    expect(eth0.slaves?.map((s) => s.name)).toEqual(['vx666', 'eth0.10']);
    expect(nif(bm, 'mv0').macvlan?.idref).toBe(`nif-${SCENARIO.hostNet}-2`);
    expect(nif(host, 'eth0.10').master?.name).toBe('eth0');
    expect(nif(host, 'eth0.10').vlan).toEqual({ vid: 10, 'vlan-protocol': 33024 });
    expect(nif(host, 'vx666').vxlan).toEqual({
      idref: `nif-${SCENARIO.hostNet}-2`,
      vid: 666,
      'arp-proxy': false,
      source: { source_ipv4: '192.168.1.20' },
      'source-portrange': { low: 0, high: 0 },
      remote: { remote_ipv4: '239.1.1.1' },
      'remote-port': 4789,
    });
    expect(nif(host, 'vx6').vxlan).toMatchObject({
      idref: '',
      source: { source_ipv6: 'fd00::1' },
      remote: { remote_ipv6: 'fd00::2' },
    });
    expect(nif(host, 'ens1f0')['sr-iov-role']).toBe(1);
    expect(nif(host, 'ens1f0').slaves).toEqual([
      { idref: `nif-${SCENARIO.bindmountNet}-3`, index: 3, name: 'ens1f0v0' },
    ]);
    expect(nif(bm, 'ens1f0v0')['sr-iov-role']).toBe(2);
    expect(nif(bm, 'ens1f0v0').pf?.name).toBe('ens1f0');
  });

  it('maps kinds, MACs, driver info and tun/tap', () => {
    const host = netns(doc(), SCENARIO.hostNet);
    expect(nif(host, 'lo').kind).toBe('');
    expect(nif(host, 'lo').physical).toBe(false);
    expect(nif(host, 'tap0').kind).toBe('tuntap');
    expect(nif(host, 'tap0').tuntap).toEqual({
      mode: 'tap',
      processors: [
        {
          pid: 4711,
          cmdline: 'qemu-system-x86_64 -netdev tap,ifname=tap0',
          'container-idref': 'cont-1',
        },
      ],
    });
    expect(nif(host, 'tun0').tuntap).toEqual({ mode: 'tun', processors: [] });
    expect(nif(host, 'tun0').addresses.mac).toBe('00:00:00:00:00:00');
    expect(nif(host, 'eth0').driverinfo).toEqual({
      driver: 'e1000e',
      version: '6.1.0-21-amd64',
      fwversion: '0.8-4',
      businfo: '0000:00:1f.6',
    });
    expect(nif(host, 'docker0').driverinfo).toEqual({ driver: '' });
    expect(nif(host, 'eth0').addresses.ipv6[0]).toEqual({
      family: 10,
      address: 'fe80::3e52:82ff:fe11:2233',
      prefixlen: 64,
      'preferred-lifetime': 4294967295,
      'valid-lifetime': 4294967295,
      scope: 253,
      index: 2,
    });
  });

  it('keeps the routes of every table and omits the interface of interface-less routes', () => {
    const host = netns(doc(), SCENARIO.hostNet);
    expect(
      host.routes.ipv4.map((r) => `${r.destination}/${r['destination-prefixlen']}@${r.table}`),
    ).toEqual([
      '0.0.0.0/0@254',
      '172.17.0.0/16@254',
      '10.99.0.0/16@254',
      '10.1.0.0/24@100',
      '127.0.0.1/32@255',
    ]);
    expect(host.routes.ipv4[3]).toMatchObject({
      'next-hop': '192.168.1.254',
      table: 100,
      'network-interface-idref': `nif-${SCENARIO.hostNet}-2`,
    });
    const blackhole = host.routes.ipv4[2];
    expect(blackhole).toEqual({
      type: 'blackhole',
      family: 2,
      destination: '10.99.0.0',
      'destination-prefixlen': 16,
      preference: '00',
      priority: 0,
      table: 254,
    });
    expect(host.routes.ipv4[0]).toEqual({
      type: 'unicast',
      family: 2,
      destination: '0.0.0.0',
      'destination-prefixlen': 0,
      index: 2,
      'network-interface-idref': `nif-${SCENARIO.hostNet}-2`,
      'next-hop': '192.168.1.1',
      preference: '00',
      priority: 100,
      table: 254,
    });
    expect(host.routes.ipv6[0]?.preference).toBe('01');
  });

  it('maps tenants: proc with real priority, bind-mount pseudo containers, kthreadd never', () => {
    const d = doc();
    const host = netns(d, SCENARIO.hostNet);
    expect(host.containers.map((c) => c.id)).toEqual(['cont-1']);
    expect(host.containers[0]).toMatchObject({
      capbnd: '0x000001ffffffffff',
      status: 'running',
      type: 'proc',
      'type-text': 'Process',
      affinity: [[0, 3]],
    });
    const nginx = netns(d, SCENARIO.containerNet).containers[0];
    expect(nginx).toMatchObject({
      id: 'cont-2345',
      name: 'nginx(2345)',
      pidns: SCENARIO.containerPid,
      'pidns-idref': `pidns-${SCENARIO.containerPid}`,
      policy: 1,
      priority: 10,
      status: 'paused',
    });
    expect(nginx?.dns).toEqual({
      'uts-hostname': '5b0d7c1e2f3a',
      'etc-hostname': '5b0d7c1e2f3a',
      domainname: 'example.org',
      nameservers: ['192.168.1.1'],
      searchlist: [],
      'etc-hosts': [
        { name: 'localhost', address: '127.0.0.1' },
        { name: '5b0d7c1e2f3a', address: '172.17.0.2' },
      ],
    });
    expect(host.containers[0]?.dns).toEqual({
      'uts-hostname': 'edge01',
      'etc-hostname': 'edge01',
      domainname: '',
      nameservers: ['192.168.1.1', 'fd00::53'],
      searchlist: ['lan'],
      'etc-hosts': [
        { name: 'localhost', address: '::1' },
        { name: 'edge01', address: '127.0.1.1' },
      ],
    });
    // a tenant whose DNS was not read: null lists ("could not be read")
    const sh = netns(d, SCENARIO.containerNet).containers[1];
    expect(sh).toMatchObject({ id: 'cont-2400', name: 'sh(2400)' });
    expect(sh?.dns).toEqual({
      'uts-hostname': '',
      'etc-hostname': '',
      domainname: '',
      nameservers: null,
      searchlist: null,
      'etc-hosts': null,
    });
    expect(netns(d, SCENARIO.bindmountNet).containers).toEqual([
      {
        cmdline: '',
        dns: { 'etc-hosts': null },
        group: '',
        id: `bmnt-${SCENARIO.bindmountNet}`,
        name: '/run/netns/testns',
        prefix: '',
        'api-path': '',
        pid: 0,
        pidns: 0,
        'pidns-idref': '',
        status: '',
        type: 'bindmount',
        'type-text': 'Bind-mounted',
      },
    ]);
  });

  it('nests PID namespaces under their roots with the leading tenants', () => {
    expect(doc()['pid-namespaces']).toEqual([
      {
        id: `pidns-${SCENARIO.hostPid}`,
        pidnsid: SCENARIO.hostPid,
        children: [
          {
            id: `pidns-${SCENARIO.containerPid}`,
            pidnsid: SCENARIO.containerPid,
            children: [],
            'container-idrefs': ['cont-2345', 'cont-2400'],
          },
        ],
        'container-idrefs': ['cont-1'],
      },
    ]);
  });

  it('maps transport ports with §2.10 fields, dual-stack aliases, owners resolving to tenants, nif idrefs', () => {
    const d = doc();
    const host = netns(d, SCENARIO.hostNet)['transport-ports'];
    const all = `nif-${SCENARIO.hostNet}-`;
    expect(Object.keys(host.ipv4[0] ?? {})).toEqual([
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
    expect(host.ipv4[0]).toEqual({
      family: 2,
      protocol: 'tcp',
      'local-address': '0.0.0.0',
      'local-port': 22,
      'local-servicename': 'ssh',
      'remote-address': '0.0.0.0',
      'remote-port': 0,
      'remote-servicename': '',
      state: 'listening',
      macrostate: 'listening',
      owners: [
        { pid: 701, cmdline: 'sshd: /usr/sbin/sshd -D', 'container-idref': 'cont-1' },
        { pid: 702, cmdline: 'sshd: root@pts/0', 'container-idref': 'cont-1' },
      ],
      'network-interface-idrefs': [1, 2, 3, 5, 6, 9, 10, 11, 12, 13].map((i) => `${all}${i}`),
    });
    const brief = (p: (typeof host.ipv4)[number]): string =>
      `${p.protocol} ${p['local-address']}:${p['local-port']} ${p['remote-address']}:${p['remote-port']} ${p.state}/${p.macrostate} ${p.owners.map((o) => o.pid).join(',')}`;
    expect(host.ipv4.map(brief)).toEqual([
      'tcp 0.0.0.0:22 0.0.0.0:0 listening/listening 701,702',
      'tcp 192.168.1.20:22 192.168.1.5:50522 connected/connected 702',
      'tcp 192.168.1.20:22 192.168.1.7:40100 time wait/unconnected ',
      'tcp 0.0.0.0:9100 0.0.0.0:0 listening/listening 800', // alias of the dual-stack [::]:9100
      'tcp 127.0.0.1:9100 127.0.0.1:41000 connected/connected 800', // alias of IPv4 via IPv6
      'udp 0.0.0.0:68 0.0.0.0:0 closed/listening 1',
      'udp 192.168.1.20:40000 192.168.1.1:53 connected/connected 1',
    ]);
    expect(host.ipv6.map(brief)).toEqual([
      'tcp :::22 :::0 listening/listening 701', // V6ONLY: no alias
      'tcp :::9100 :::0 listening/listening 800',
      'tcp 127.0.0.1:9100 127.0.0.1:41000 connected/connected 800', // IPv4-mapped printed dotted
    ]);
    expect(host.ipv4[1]?.['network-interface-idrefs']).toEqual([`${all}2`]);
    expect(host.ipv4[6]?.['remote-servicename']).toBe('domain');
    const cont = netns(d, SCENARIO.containerNet)['transport-ports'];
    expect(cont.ipv4.map((p) => p.owners.map((o) => o['container-idref']))).toEqual([
      ['cont-2345', 'cont-2345'],
      ['cont-2345'],
    ]);
    expect(netns(d, SCENARIO.bindmountNet)['transport-ports']).toEqual({ ipv4: [], ipv6: [] });
  });

  it('drops owner and processor references to tenants outside a restricted document', () => {
    const r = buildScenario();
    const d = toV1(r, { creatorVersion: '0.1.0', netns: new Set([SCENARIO.containerNet]) });
    expect(checkV1References(d)).toEqual([]);
    // an owner whose leader is a tenant of another (unselected) netns has no container-idref
    const shim = r.namespaces.processes.get(2300);
    const nginx = r.namespaces.processes.get(2345);
    if (shim === undefined || nginx === undefined) throw new Error('scenario');
    const ports = r.ports.get(SCENARIO.containerNet) ?? [];
    const first = ports[0];
    if (first === undefined) throw new Error('scenario');
    const patched = new Map(r.ports);
    patched.set(SCENARIO.containerNet, [
      { ...first, owners: [...first.owners, { process: shim, leader: shim, tenant: undefined }] },
    ]);
    const d2 = toV1(
      { ...r, ports: patched },
      { creatorVersion: '0.1.0', netns: new Set([SCENARIO.containerNet]) },
    );
    expect(netns(d2, SCENARIO.containerNet)['transport-ports'].ipv4[0]?.owners).toEqual([
      {
        pid: 2345,
        cmdline: 'nginx: master process nginx -g daemon off;',
        'container-idref': 'cont-2345',
      },
      { pid: 2346, cmdline: 'nginx: worker process', 'container-idref': 'cont-2345' },
      { pid: 2300, cmdline: 'containerd-shim -id web' },
    ]);
    expect(checkV1References(d2)).toEqual([]);
    // in the full document the shim resolves to its leader systemd(1)
    const d3 = toV1({ ...r, ports: patched }, { creatorVersion: '0.1.0' });
    expect(netns(d3, SCENARIO.containerNet)['transport-ports'].ipv4[0]?.owners[2]).toEqual({
      pid: 2300,
      cmdline: 'containerd-shim -id web',
      'container-idref': 'cont-1',
    });
  });

  it('builds the metadata', () => {
    const m = doc().metadata;
    expect(m).toEqual({
      'container-engines': [],
      cpus: [[0, 3]],
      'creation-timestamp': '2024-07-25T09:30:12.345678901Z',
      creator: 'Gostwire Linux virtual networking topology and configuration discovery engine',
      'creator-id': 'gostwire',
      'creator-version': '0.1.0',
      hostname: 'edge01',
      'kernel-version':
        'Linux version 6.1.0-21-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC\n',
      'osrel-name': 'Debian GNU/Linux',
      'osrel-version': '12 (bookworm)',
    });
  });

  it('omits cpus when unknown', () => {
    const r = buildScenario();
    const d = toV1({ ...r, host: { ...r.host, cpus: undefined } }, { creatorVersion: 'x' });
    expect('cpus' in d.metadata).toBe(false);
  });

  it('restricts to selected netns and drops relations leading outside', () => {
    const d = toV1(buildScenario(), {
      creatorVersion: '0.1.0',
      netns: new Set([SCENARIO.containerNet]),
    });
    expect(d['network-namespaces'].map((n) => n.netnsid)).toEqual([SCENARIO.containerNet]);
    expect(nif(netns(d, SCENARIO.containerNet), 'eth0').peer).toBeUndefined();
    expect(d['pid-namespaces'][0]?.['container-idrefs']).toEqual([]);
    expect(checkV1References(d)).toEqual([]);
  });
});

describe('v1 scalar mappings', () => {
  it('maps kinds', () => {
    expect(v1Kind('tun')).toBe('tuntap');
    expect(v1Kind('')).toBe('');
    expect(v1Kind('macvtap')).toBe('macvtap');
  });
  it('names route types', () => {
    expect(routeTypeName(1)).toBe('unicast');
    expect(routeTypeName(11)).toBe('xresolve');
    expect(routeTypeName(42)).toBe('RouteType(42)');
  });
  it('formats preferences', () => {
    expect(routePreference(undefined)).toBe('00');
    expect(routePreference(0)).toBe('00');
    expect(routePreference(1)).toBe('01');
    expect(routePreference(3)).toBe('03');
  });
  it('formats timestamps with nanoseconds', () => {
    expect(rfc3339Nano(0n)).toBe('1970-01-01T00:00:00.000000000Z');
    expect(rfc3339Nano(1721899812000000007n)).toBe('2024-07-25T09:30:12.000000007Z');
  });
  it('formats bounding capabilities', () => {
    expect(capbndV1(undefined)).toBe('0x0');
    expect(capbndV1(0xa80425fbn)).toBe('0x00000000a80425fb');
  });
  it('keeps the index but no idref for a route whose interface vanished', () => {
    const net = newNetworkNamespace(makeNamespace('net', 7));
    makeNif(net, 1, 'lo');
    expect(
      routeV1(makeRoute({ destination: '10.0.0.0', destinationPrefixLen: 8, oifIndex: 9 })),
    ).toEqual({
      type: 'unicast',
      family: 2,
      destination: '10.0.0.0',
      'destination-prefixlen': 8,
      index: 9,
      preference: '00',
      priority: 0,
      table: 254,
    });
  });
});
