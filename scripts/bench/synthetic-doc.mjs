// SPDX-License-Identifier: MIT
/**
 * @module scripts/bench/synthetic-doc
 *
 * A synthetic v1 discovery document of a busy host for the web UI's scale test and benchmark:
 * the host netns (lo, a physical eth0, docker0 with one veth port per container) plus `n`
 * container netns (lo + eth0 veth peer with an IPv4 and an IPv6 address, a listening port),
 * grouped into compose projects of 10; every 25th container also has a MACVLAN on the host's
 * eth0. Deterministic: the same `n` gives the same document.
 */

const addr = (family, address, prefixlen, index) => ({
  family,
  address,
  prefixlen,
  'preferred-lifetime': 4294967295,
  'valid-lifetime': 4294967295,
  scope: 0,
  index,
});

function nif(netns, index, name, kind, extra = {}) {
  return {
    id: `nif-${netns}-${index}`,
    kind,
    name,
    index,
    addresses: {
      mac: `02:00:00:${((netns >> 8) & 255).toString(16).padStart(2, '0')}:${(netns & 255).toString(16).padStart(2, '0')}:${index.toString(16).padStart(2, '0')}`,
      ipv4: [],
      ipv6: [],
    },
    operstate: 'UP',
    physical: false,
    driverinfo: { driver: '' },
    promisc: false,
    ...extra,
  };
}

const empty = () => ({ ipv4: [], ipv6: [] });

/** The synthetic document with `n` container netns. */
export function syntheticDoc(n) {
  const HOST = 4026531840;
  const hostNifs = [
    nif(HOST, 1, 'lo', '', {
      operstate: 'UNKNOWN',
      addresses: {
        mac: '00:00:00:00:00:00',
        ipv4: [addr(2, '127.0.0.1', 8, 1)],
        ipv6: [addr(10, '::1', 128, 1)],
      },
    }),
    nif(HOST, 2, 'eth0', '', {
      physical: true,
      driverinfo: { driver: 'virtio_net' },
      addresses: {
        mac: '52:54:00:12:34:56',
        ipv4: [addr(2, '192.0.2.10', 24, 2)],
        ipv6: [addr(10, '2001:db8::10', 64, 2)],
      },
      macvlans: [],
    }),
    nif(HOST, 3, 'docker0', 'bridge', {
      alias: 'bridge',
      addresses: { mac: '02:42:00:00:00:01', ipv4: [addr(2, '172.20.0.1', 16, 3)], ipv6: [] },
      slaves: [],
    }),
  ];
  const netns = [];
  for (let i = 0; i < n; i++) {
    const ino = 4026532000 + i;
    const hostIndex = 100 + i;
    const ip4 = `172.20.${Math.floor((i + 2) / 250)}.${((i + 2) % 250) + 2}`;
    const vethName = `veth${(0x100000 + i).toString(16)}`;
    hostNifs.push(
      nif(HOST, hostIndex, vethName, 'veth', {
        master: { idref: `nif-${HOST}-3`, index: 3, name: 'docker0' },
        peer: { 'peer-idref': `nif-${ino}-2`, 'peer-index': 2, 'peer-name': 'eth0' },
      }),
    );
    hostNifs[2].slaves.push({
      idref: `nif-${HOST}-${hostIndex}`,
      index: hostIndex,
      name: vethName,
    });
    const nifs = [
      nif(ino, 1, 'lo', '', {
        operstate: 'UNKNOWN',
        addresses: { mac: '00:00:00:00:00:00', ipv4: [addr(2, '127.0.0.1', 8, 1)], ipv6: [] },
      }),
      nif(ino, 2, 'eth0', 'veth', {
        addresses: {
          mac: `02:42:ac:14:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
          ipv4: [addr(2, ip4, 16, 2)],
          ipv6: [addr(10, `fd00:20::${(i + 2).toString(16)}`, 64, 2)],
        },
        peer: {
          'peer-idref': `nif-${HOST}-${hostIndex}`,
          'peer-index': hostIndex,
          'peer-name': vethName,
        },
      }),
    ];
    if (i % 25 === 0) {
      nifs.push(
        nif(ino, 3, 'mv0', 'macvlan', {
          macvlan: { idref: `nif-${HOST}-2`, index: 2, name: 'eth0' },
        }),
      );
      hostNifs[1].macvlans.push({ idref: `nif-${ino}-3`, index: 3, name: 'mv0' });
    }
    const project = `proj-${String(Math.floor(i / 10)).padStart(3, '0')}`;
    const name = `${project}-app-${i % 10}-1`;
    netns.push({
      'container-groups': [],
      containers: [
        {
          cmdline: `/app/server --port ${8000 + (i % 10)}`,
          dns: {
            'uts-hostname': name,
            'etc-hostname': name,
            domainname: '',
            nameservers: ['127.0.0.11'],
            searchlist: [],
            'etc-hosts': [{ name: 'localhost', address: '127.0.0.1' }],
          },
          group: '',
          id: `c${(0xabc000 + i).toString(16)}`,
          name,
          prefix: '',
          labels: {
            'com.docker.compose.project': project,
            'com.docker.compose.service': `app-${i % 10}`,
          },
          'api-path': 'unix:///run/docker.sock',
          pid: 10000 + i,
          pidns: 4026533000 + i,
          'pidns-idref': `pidns-${4026533000 + i}`,
          capbnd: '0x00000000a80425fb',
          status: 'running',
          type: 'docker',
          'type-text': 'Docker',
        },
      ],
      id: `netns-${ino}`,
      netnsid: ino,
      'network-interfaces': nifs,
      routes: {
        ipv4: [
          {
            type: 'unicast',
            family: 2,
            destination: '172.20.0.0',
            'destination-prefixlen': 16,
            index: 2,
            'network-interface-idref': `nif-${ino}-2`,
            preference: '00',
            priority: 0,
            table: 254,
          },
        ],
        ipv6: [],
      },
      'transport-ports': {
        ipv4: [
          {
            family: 2,
            protocol: 'tcp',
            'local-address': '0.0.0.0',
            'local-port': 8000 + (i % 10),
            'local-servicename': '',
            'remote-address': '0.0.0.0',
            'remote-port': 0,
            'remote-servicename': '',
            state: 'listen',
            macrostate: 'listening',
            owners: [
              {
                pid: 10000 + i,
                cmdline: '/app/server',
                'container-idref': `c${(0xabc000 + i).toString(16)}`,
              },
            ],
            'network-interface-idrefs': [],
          },
        ],
        ipv6: [],
      },
      'forwarded-ports': empty(),
    });
  }
  const host = {
    'container-groups': [],
    containers: [
      {
        cmdline: '/sbin/init',
        dns: {
          'uts-hostname': 'bench',
          'etc-hostname': 'bench',
          domainname: '',
          nameservers: ['192.0.2.1'],
          searchlist: [],
          'etc-hosts': [],
        },
        group: '',
        id: 'cont-1',
        name: 'systemd(1)',
        prefix: '',
        'api-path': '',
        pid: 1,
        pidns: 4026531836,
        'pidns-idref': 'pidns-4026531836',
        capbnd: '0x000001ffffffffff',
        status: 'running',
        type: 'proc',
        'type-text': 'Process',
      },
    ],
    id: `netns-${HOST}`,
    netnsid: HOST,
    'network-interfaces': hostNifs,
    routes: {
      ipv4: [
        {
          type: 'unicast',
          family: 2,
          destination: '0.0.0.0',
          'destination-prefixlen': 0,
          index: 2,
          'network-interface-idref': `nif-${HOST}-2`,
          'next-hop': '192.0.2.1',
          preference: '00',
          priority: 0,
          table: 254,
        },
      ],
      ipv6: [],
    },
    'transport-ports': empty(),
    'forwarded-ports': empty(),
  };
  return {
    metadata: {
      'container-engines': [{ id: 'bench', type: 'docker.com', version: '0.0.0', pid: 900 }],
      'creation-timestamp': '2026-01-01T00:00:00.000000000Z',
      creator: 'Gostwire Linux virtual networking topology and configuration discovery engine',
      'creator-id': 'gostwire',
      'creator-version': '0.0.0-synthetic',
      hostname: 'bench',
      'kernel-version': 'Linux version 6.1.0',
      'osrel-name': 'Debian GNU/Linux',
      'osrel-version': '12 (bookworm)',
    },
    'network-namespaces': [host, ...netns],
    'pid-namespaces': [
      {
        id: 'pidns-4026531836',
        pidnsid: 4026531836,
        'container-idrefs': ['cont-1'],
        children: netns.map((ns, i) => ({
          id: `pidns-${4026533000 + i}`,
          pidnsid: 4026533000 + i,
          children: [],
          'container-idrefs': [ns.containers[0].id],
        })),
      },
    ],
  };
}
