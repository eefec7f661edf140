#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * @module scripts/record-nat-fixtures
 *
 * Records the NAT rules of throw-away network namespaces as test fixtures for the forwarded-port
 * recognisers. Run as root after `npm run build` (it imports the compiled `dist/`):
 *
 *   node scripts/record-nat-fixtures.mjs [outDir]
 *
 * Per scenario it builds one netns `gwt-nat-<random>-<scenario>`, writes rules with
 * `iptables-nft`, `ip6tables-nft`, `nft`, `iptables-legacy` and `ip6tables-legacy`, reads them
 * the way discovery does (nf_tables dumps through a capturing transport; the legacy tables
 * through a capturing getsockopt), and writes `<outDir>/<scenario>.json`: the kernel version,
 * the commands, every request with its raw reply bytes (base64) and every getsockopt answer.
 * Unit tests replay them (`src/network/portfwd/fixtures.test.ts`). Nothing on the host is
 * touched; the namespaces are removed, also on failure.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const native = await import(join(root, 'dist/native/index.js'));
const pf = await import(join(root, 'dist/network/portfwd/index.js'));
const outDir = resolve(process.argv[2] ?? join(root, 'test/fixtures/netlink/nftables'));
const tag = `gwt-nat-${randomBytes(3).toString('hex')}`;
const created = [];

function run(ns, cmd, ...args) {
  try {
    execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')}: ${String(e.stderr ?? e.message).trim()}`);
  }
}
const nft = (ns, script) => {
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], {
      input: script,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
  } catch (e) {
    throw new Error(`nft: ${String(e.stderr ?? e.message).trim()}`);
  }
};

/** The scenarios: name → function(ns) writing the rules; `commands` lists them for the sidecar. */
export const SCENARIOS = {
  // Docker's iptables-nft rules: published ports with/without host IP, IPv4/IPv6, TCP/UDP, a
  // port range, and the embedded-DNS redirections of a user-network container
  docker(ns) {
    const ipt = (...a) => run(ns, 'iptables-nft', '-t', 'nat', ...a);
    const ip6t = (...a) => run(ns, 'ip6tables-nft', '-t', 'nat', ...a);
    ipt('-N', 'DOCKER');
    ipt('-A', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER');
    ipt(
      '-A',
      'OUTPUT',
      '!',
      '-d',
      '127.0.0.0/8',
      '-m',
      'addrtype',
      '--dst-type',
      'LOCAL',
      '-j',
      'DOCKER',
    );
    ipt('-A', 'DOCKER', '-i', 'docker0', '-j', 'RETURN');
    ipt(
      '-A',
      'DOCKER',
      '-d',
      '127.0.0.1/32',
      '!',
      '-i',
      'docker0',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '8080',
      '-j',
      'DNAT',
      '--to-destination',
      '172.17.0.2:80',
    );
    ipt(
      '-A',
      'DOCKER',
      '!',
      '-i',
      'docker0',
      '-p',
      'udp',
      '-m',
      'udp',
      '--dport',
      '5353',
      '-j',
      'DNAT',
      '--to-destination',
      '172.17.0.2:53',
    );
    ipt(
      '-A',
      'DOCKER',
      '!',
      '-i',
      'docker0',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '9000:9001',
      '-j',
      'DNAT',
      '--to-destination',
      '172.17.0.3:90-91',
    );
    ipt('-N', 'DOCKER_OUTPUT');
    ipt('-A', 'OUTPUT', '-d', '127.0.0.11/32', '-j', 'DOCKER_OUTPUT');
    ipt(
      '-A',
      'DOCKER_OUTPUT',
      '-d',
      '127.0.0.11/32',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '53',
      '-j',
      'DNAT',
      '--to-destination',
      '127.0.0.11:37041',
    );
    ipt(
      '-A',
      'DOCKER_OUTPUT',
      '-d',
      '127.0.0.11/32',
      '-p',
      'udp',
      '-m',
      'udp',
      '--dport',
      '53',
      '-j',
      'DNAT',
      '--to-destination',
      '127.0.0.11:52317',
    );
    ip6t('-N', 'DOCKER');
    ip6t('-A', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER');
    ip6t(
      '-A',
      'DOCKER',
      '-d',
      '::1/128',
      '!',
      '-i',
      'docker0',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '8443',
      '-j',
      'DNAT',
      '--to-destination',
      '[fd00:dead::2]:443',
    );
  },
  // kube-proxy iptables mode: a ClusterIP service with two endpoints and its NodePort
  'kube-iptables'(ns) {
    const ipt = (...a) => run(ns, 'iptables-nft', '-t', 'nat', ...a);
    for (const c of [
      'KUBE-SERVICES',
      'KUBE-NODEPORTS',
      'KUBE-MARK-MASQ',
      'KUBE-SVC-WEB',
      'KUBE-EXT-WEB',
      'KUBE-SEP-AAA',
      'KUBE-SEP-BBB',
    ])
      ipt('-N', c);
    ipt(
      '-A',
      'PREROUTING',
      '-m',
      'comment',
      '--comment',
      'kubernetes service portals',
      '-j',
      'KUBE-SERVICES',
    );
    ipt(
      '-A',
      'OUTPUT',
      '-m',
      'comment',
      '--comment',
      'kubernetes service portals',
      '-j',
      'KUBE-SERVICES',
    );
    ipt('-A', 'KUBE-MARK-MASQ', '-j', 'MARK', '--or-mark', '0x4000');
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
      'default/web:http cluster IP',
      '-m',
      'tcp',
      '--dport',
      '80',
      '-j',
      'KUBE-SVC-WEB',
    );
    ipt(
      '-A',
      'KUBE-SERVICES',
      '-m',
      'comment',
      '--comment',
      'kubernetes service nodeports',
      '-m',
      'addrtype',
      '--dst-type',
      'LOCAL',
      '-j',
      'KUBE-NODEPORTS',
    );
    ipt(
      '-A',
      'KUBE-NODEPORTS',
      '-p',
      'tcp',
      '-m',
      'comment',
      '--comment',
      'default/web:http',
      '-m',
      'tcp',
      '--dport',
      '30080',
      '-j',
      'KUBE-EXT-WEB',
    );
    ipt('-A', 'KUBE-EXT-WEB', '-j', 'KUBE-MARK-MASQ');
    ipt('-A', 'KUBE-EXT-WEB', '-j', 'KUBE-SVC-WEB');
    ipt(
      '-A',
      'KUBE-SVC-WEB',
      '-m',
      'comment',
      '--comment',
      'default/web:http -> 10.244.1.5:8080',
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      '0.5',
      '-j',
      'KUBE-SEP-AAA',
    );
    ipt(
      '-A',
      'KUBE-SVC-WEB',
      '-m',
      'comment',
      '--comment',
      'default/web:http -> 10.244.2.7:8080',
      '-j',
      'KUBE-SEP-BBB',
    );
    ipt('-A', 'KUBE-SEP-AAA', '-s', '10.244.1.5/32', '-j', 'KUBE-MARK-MASQ');
    ipt(
      '-A',
      'KUBE-SEP-AAA',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '-j',
      'DNAT',
      '--to-destination',
      '10.244.1.5:8080',
    );
    ipt('-A', 'KUBE-SEP-BBB', '-s', '10.244.2.7/32', '-j', 'KUBE-MARK-MASQ');
    ipt(
      '-A',
      'KUBE-SEP-BBB',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '-j',
      'DNAT',
      '--to-destination',
      '10.244.2.7:8080',
    );
  },
  // kube-proxy nftables mode: its own table with the service-ips verdict map
  'kube-nft'(ns) {
    nft(
      ns,
      `table ip kube-proxy {
  chain endpoint-AAA {
    ip saddr 10.244.1.5 meta mark set 0x4000
    meta l4proto tcp dnat to 10.244.1.5:8080
  }
  chain endpoint-BBB {
    meta l4proto tcp dnat to 10.244.2.7:8080
  }
  chain service-WEB {
    numgen random mod 2 vmap { 0 : goto endpoint-AAA, 1 : goto endpoint-BBB }
  }
  map service-ips {
    type ipv4_addr . inet_proto . inet_service : verdict
    elements = { 10.96.0.10 . tcp . 80 : goto service-WEB }
  }
  chain services {
    ip daddr . meta l4proto . th dport vmap @service-ips
  }
  chain nat-prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    jump services
  }
  chain nat-output {
    type nat hook output priority -100; policy accept;
    jump services
  }
}
`,
    );
  },
  // native nftables dnat in ip, ip6 and inet tables, with anonymous and named maps, an
  // interval, a redirect and a map rule referencing a set that is deleted below
  'nft-native'(ns) {
    nft(
      ns,
      `table ip web {
  map ports { type inet_service : ipv4_addr . inet_service; elements = { 81 : 10.0.0.4 . 8081, 82 : 10.0.0.5 . 8082 } }
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    tcp dport 8080 dnat to 10.0.0.2:80
    ip daddr 192.0.2.1 udp dport 53 dnat to 10.0.0.3
    dnat ip to tcp dport map @ports
    dnat to tcp dport map { 83 : 10.0.0.6, 84 : 10.0.0.7 }
    tcp dport 7000-7009 dnat to 10.0.0.8
    tcp dport 2222 redirect to :22
  }
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "eth0" masquerade
  }
}
table ip6 web6 {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    ip6 daddr fd00::1 tcp dport 443 dnat to [fd00::2]:8443
  }
}
table inet dual {
  chain out {
    type nat hook output priority -100; policy accept;
    ip daddr 198.51.100.7 tcp dport 25 dnat ip to 10.0.0.9:2525
    ip6 daddr 2001:db8::7 udp dport 123 dnat ip6 to [fd00::9]:1123
  }
}
table ip filter {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 22 accept
  }
}
`,
    );
  },
  // iptables-legacy nat tables of both families
  legacy(ns) {
    const ipt = (...a) => run(ns, 'iptables-legacy', '-t', 'nat', ...a);
    const ip6t = (...a) => run(ns, 'ip6tables-legacy', '-t', 'nat', ...a);
    ipt('-N', 'DOCKER');
    ipt('-A', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER');
    ipt(
      '-A',
      'DOCKER',
      '-d',
      '127.0.0.1/32',
      '!',
      '-i',
      'docker0',
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '8080',
      '-j',
      'DNAT',
      '--to-destination',
      '172.17.0.2:80',
    );
    ipt(
      '-A',
      'DOCKER',
      '!',
      '-i',
      'docker0',
      '-p',
      'udp',
      '-m',
      'udp',
      '--dport',
      '5353',
      '-j',
      'DNAT',
      '--to-destination',
      '172.17.0.2:53',
    );
    ipt('-A', 'OUTPUT', '-p', 'tcp', '--dport', '2222', '-j', 'REDIRECT', '--to-ports', '22');
    ipt('-N', 'LOOP');
    ipt('-A', 'OUTPUT', '-g', 'LOOP');
    ipt(
      '-A',
      'LOOP',
      '-d',
      '192.0.2.9',
      '-p',
      'tcp',
      '--dport',
      '99',
      '-j',
      'DNAT',
      '--to-destination',
      '10.9.9.9',
    );
    ip6t(
      '-A',
      'PREROUTING',
      '-d',
      'fd00::1/128',
      '-p',
      'udp',
      '--dport',
      '5353',
      '-j',
      'DNAT',
      '--to-destination',
      '[fd00::9]:53',
    );
  },
};

function cleanup() {
  for (const ns of created.splice(0).reverse()) {
    try {
      execFileSync('ip', ['netns', 'del', ns]);
    } catch (e) {
      process.stderr.write(`cleanup: ip netns del ${ns}: ${e.message}\n`);
    }
  }
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

try {
  mkdirSync(outDir, { recursive: true });
  for (const [name, build] of Object.entries(SCENARIOS)) {
    const ns = `${tag}-${name}`;
    execFileSync('ip', ['netns', 'add', ns]);
    created.push(ns);
    build(ns);
    const nsFd = openSync(`/run/netns/${ns}`, 'r');
    const exchanges = [];
    const getsockopt = [];
    try {
      const [sock] = native.openSocketsIn(
        [nsFd],
        native.AF_NETLINK,
        native.SOCK_RAW,
        native.NETLINK_NETFILTER,
      );
      if (typeof sock !== 'number') throw sock;
      try {
        const transport = async (jobs, opts) => {
          const replies = await native.netlinkTransact(jobs, opts);
          jobs.forEach((j, i) =>
            j.requests.forEach((req, k) =>
              exchanges.push({
                request: req.toString('base64'),
                reply: replies[i][k].data.toString('base64'),
              }),
            ),
          );
          return replies;
        };
        await pf.dumpNatTables([{ key: 1, fd: sock }], { transport });
      } finally {
        closeSync(sock);
      }
      const reader = (fd, level, optname, buf) => {
        const n = native.getsockoptBuffer(fd, level, optname, buf);
        getsockopt.push({
          level,
          optname,
          request: buf.subarray(0, 32).toString('latin1').replace(/\0.*$/s, ''),
          answer: Buffer.from(buf.subarray(0, n)).toString('base64'),
        });
        return n;
      };
      pf.readLegacyNatTables(
        [{ ns: { id: { ino: 1, dev: 0 }, ealdorman: undefined, processes: [] }, nsFd }],
        '/proc',
        reader,
      );
    } finally {
      closeSync(nsFd);
    }
    const file = join(outDir, `${name}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ scenario: name, kernel: release(), recorded: new Date().toISOString().slice(0, 10), builder: String(build), exchanges, getsockopt }, null, 1)}\n`,
    );
    process.stdout.write(
      `wrote ${file} (${exchanges.length} exchanges, ${getsockopt.length} getsockopt)\n`,
    );
  }
} finally {
  cleanup();
}
