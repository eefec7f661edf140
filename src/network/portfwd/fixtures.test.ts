// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { newNamespace } from '../../model/namespace.js';
import type { Problem } from '../../model/problem.js';
import type { Forward } from '../../model/forward.js';
import { loadNatFixture, replayGetsockopt, replayTransport } from './fixture-replay.js';
import { dumpNatTables } from './nft-dump.js';
import { forwardsOfTables } from './discover.js';
import { readLegacyTable } from './legacy.js';
import type { NatTable } from './walk.js';

const DIR = new URL('../../../test/fixtures/netlink/nftables', import.meta.url).pathname;

function line(f: Forward): string {
  const where = f.origin.kind === 'process' ? `pid ${f.origin.pid}` : f.origin.chain;
  return `${f.backend} ${f.protocol} ${f.ip}:${f.portMin}-${f.portMax} -> ${f.targetIp}:${f.targetPortMin}-${f.targetPortMax} ${where}`;
}

async function forwardsOf(
  scenario: string,
): Promise<{ lines: string[]; problems: Problem[]; tables: NatTable[] }> {
  const f = loadNatFixture(DIR, scenario);
  const d = await dumpNatTables([{ key: 1, fd: 99 }], { transport: replayTransport(f) });
  expect(d.failures).toEqual([]);
  const tables = [...(d.tables.get(1) ?? [])];
  if (f.getsockopt.length > 0) {
    tables.push(readLegacyTable(3, false, 'nat', replayGetsockopt(f, 0)));
    tables.push(readLegacyTable(3, true, 'nat', replayGetsockopt(f, 41)));
  }
  const problems: Problem[] = [];
  const fw = forwardsOfTables(newNamespace({ dev: 4, ino: 1 }, 'net'), tables, problems);
  return { lines: fw.map(line).sort(), problems, tables };
}

describe('recognisers on recorded rules (scripts/record-nat-fixtures.mjs)', () => {
  it('docker: iptables-nft published ports (host IP or not, TCP/UDP, range, IPv6) and embedded DNS', async () => {
    const r = await forwardsOf('docker');
    expect(r.problems).toEqual([]);
    expect(r.lines).toEqual(
      [
        'docker tcp 127.0.0.1:8080-8080 -> 172.17.0.2:80-80 DOCKER',
        'docker udp 0.0.0.0:5353-5353 -> 172.17.0.2:53-53 DOCKER',
        'docker tcp 0.0.0.0:9000-9001 -> 172.17.0.3:90-91 DOCKER',
        'docker tcp 127.0.0.11:53-53 -> 127.0.0.11:37041-37041 DOCKER_OUTPUT',
        'docker udp 127.0.0.11:53-53 -> 127.0.0.11:52317-52317 DOCKER_OUTPUT',
        'docker tcp ::1:8443-8443 -> fd00:dead::2:443-443 DOCKER',
      ].sort(),
    );
    // the DNAT targets are xtables-compat target expressions with decoded nf_nat_range2
    const targets = r.tables
      .flatMap((t) => t.rules)
      .flatMap((x) => x.expressions)
      .filter((e) => e.type === 'target');
    expect(targets.length).toBe(6);
    expect(targets[0]?.type === 'target' && targets[0].decoded).toEqual({
      kind: 'DNAT',
      range: {
        flags: 3,
        minAddress: '172.17.0.2',
        maxAddress: '172.17.0.2',
        minPort: 80,
        maxPort: 80,
      },
    });
  });

  it('kube-proxy iptables mode: one forward per endpoint, for the cluster IP and the node port', async () => {
    const r = await forwardsOf('kube-iptables');
    expect(r.problems).toEqual([]);
    expect(r.lines).toEqual([
      'kube-proxy tcp 0.0.0.0:30080-30080 -> 10.244.1.5:8080-8080 KUBE-SEP-AAA',
      'kube-proxy tcp 0.0.0.0:30080-30080 -> 10.244.2.7:8080-8080 KUBE-SEP-BBB',
      'kube-proxy tcp 10.96.0.10:80-80 -> 10.244.1.5:8080-8080 KUBE-SEP-AAA',
      'kube-proxy tcp 10.96.0.10:80-80 -> 10.244.2.7:8080-8080 KUBE-SEP-BBB',
    ]);
    const comment = r.tables
      .flatMap((t) => t.rules)
      .flatMap((x) => x.expressions)
      .find((e) => e.type === 'match' && e.name === 'comment');
    expect(comment?.type === 'match' && comment.decoded).toEqual({
      kind: 'comment',
      comment: 'default/web:http cluster IP',
    });
  });

  it('kube-proxy nftables mode: the service-ips verdict map (concatenated key) and numgen vmap', async () => {
    const r = await forwardsOf('kube-nft');
    expect(r.problems).toEqual([]);
    expect(r.lines).toEqual([
      'kube-proxy tcp 10.96.0.10:80-80 -> 10.244.1.5:8080-8080 endpoint-AAA',
      'kube-proxy tcp 10.96.0.10:80-80 -> 10.244.2.7:8080-8080 endpoint-BBB',
    ]);
  });

  it('native nft: dnat in ip/ip6/inet, named and anonymous maps, ranges, redirect; no SNAT, no filter table', async () => {
    const r = await forwardsOf('nft-native');
    expect(r.problems).toEqual([]);
    expect(r.tables.map((t) => `${t.family}/${t.name}`).sort()).toEqual([
      '1/dual',
      '10/web6',
      '2/web',
    ]);
    expect(r.lines).toEqual(
      [
        'nft tcp 0.0.0.0:8080-8080 -> 10.0.0.2:80-80 pre',
        'nft udp 192.0.2.1:53-53 -> 10.0.0.3:53-53 pre',
        'nft tcp 0.0.0.0:81-81 -> 10.0.0.4:8081-8081 pre',
        'nft tcp 0.0.0.0:82-82 -> 10.0.0.5:8082-8082 pre',
        'nft tcp 0.0.0.0:83-83 -> 10.0.0.6:83-83 pre',
        'nft tcp 0.0.0.0:84-84 -> 10.0.0.7:84-84 pre',
        'nft tcp 0.0.0.0:7000-7009 -> 10.0.0.8:7000-7009 pre',
        'nft tcp 0.0.0.0:2222-2222 -> 127.0.0.1:22-22 pre',
        'nft tcp fd00::1:443-443 -> fd00::2:8443-8443 pre',
        'nft tcp 198.51.100.7:25-25 -> 10.0.0.9:2525-2525 out',
        'nft udp 2001:db8::7:123-123 -> fd00::9:1123-1123 out',
      ].sort(),
    );
  });

  it('iptables-legacy: IPv4 and IPv6 nat blobs (jumps, goto, REDIRECT) in the same model', async () => {
    const r = await forwardsOf('legacy');
    expect(r.problems).toEqual([]);
    expect(r.lines).toEqual(
      [
        'iptables-legacy tcp 127.0.0.1:8080-8080 -> 172.17.0.2:80-80 DOCKER',
        'iptables-legacy udp 0.0.0.0:5353-5353 -> 172.17.0.2:53-53 DOCKER',
        'iptables-legacy tcp 0.0.0.0:2222-2222 -> 127.0.0.1:22-22 OUTPUT',
        'iptables-legacy tcp 192.0.2.9:99-99 -> 10.9.9.9:99-99 LOOP',
        'iptables-legacy udp fd00::1:5353-5353 -> fd00::9:53-53 PREROUTING',
      ].sort(),
    );
    const legacy = r.tables.find((t) => t.source === 'iptables-legacy' && t.family === 2);
    expect(legacy?.chains.map((c) => c.name)).toEqual([
      'PREROUTING',
      'INPUT',
      'OUTPUT',
      'POSTROUTING',
      'DOCKER',
      'LOOP',
    ]);
  });
});
