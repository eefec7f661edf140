#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * @module scripts/record-netlink-fixtures
 *
 * Records rtnetlink replies from the running kernel as test fixtures. Run as root after
 * `npm run build` (it imports the compiled `dist/netlink` and `dist/native`):
 *
 *   node scripts/record-netlink-fixtures.mjs [outDir]
 *
 * It builds two throw-away network namespaces (`gwt-rec-<random>-a` / `-b`) with a cross-netns
 * veth pair, a bridge with a port, macvlan, macvtap, IPv4/IPv6 vxlan, tun and tap devices,
 * IPv4/IPv6 addresses, routes in several tables (incl. a table id > 255, multipath, IPv6
 * router preference, an MTU metric, a blackhole), policy rules and an NSID; sends each request
 * inside them; scrubs the reply bytes (every MAC address and its EUI-64 form is replaced from a
 * deterministic map); and writes `<outDir>/<scenario>.bin` plus a `.json` sidecar (request,
 * kernel version, date, decoded summary). Everything it created is removed, also on failure.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nl = await import(join(root, 'dist/netlink/index.js'));
const native = await import(join(root, 'dist/native/index.js'));

const outDir = resolve(process.argv[2] ?? join(root, 'test/fixtures/netlink/rtnetlink'));
const tag = `gwt-rec-${randomBytes(3).toString('hex')}`;
const nsA = `${tag}-a`;
const nsB = `${tag}-b`;
const created = [];

function ip(...args) {
  try {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(`ip ${args.join(' ')}: ${String(e.stderr ?? e.message).trim()}`);
  }
}
function inA(...args) {
  ip('-n', nsA, ...args);
}

function cleanup() {
  for (const ns of created.splice(0).reverse()) {
    try {
      ip('netns', 'del', ns);
    } catch (e) {
      process.stderr.write(`cleanup: ip netns del ${ns}: ${e.message}\n`);
    }
  }
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

function setup() {
  for (const ns of [nsA, nsB]) {
    ip('netns', 'add', ns);
    created.push(ns);
  }
  inA('link', 'set', 'lo', 'up');
  ip('-n', nsB, 'link', 'set', 'lo', 'up');
  inA('netns', 'set', nsB, '5'); // A knows B as NSID 5
  inA('link', 'add', 'gwt0', 'type', 'veth', 'peer', 'name', 'gwt1', 'netns', nsB);
  inA('link', 'add', 'br0', 'type', 'bridge', 'forward_delay', '400', 'priority', '4096'); // no vlan_filtering: not built into this kernel
  inA('link', 'add', 'port0', 'type', 'veth', 'peer', 'name', 'port1');
  inA('link', 'set', 'port0', 'master', 'br0');
  inA('link', 'add', 'mv0', 'link', 'gwt0', 'type', 'macvlan', 'mode', 'bridge');
  inA('link', 'add', 'mvt0', 'link', 'gwt0', 'type', 'macvtap', 'mode', 'vepa');
  inA(
    'link',
    'add',
    'vx0',
    'type',
    'vxlan',
    'id',
    '42',
    'dstport',
    '4789',
    'local',
    '10.1.0.1',
    'group',
    '239.1.1.1',
    'dev',
    'gwt0',
    'ttl',
    '10',
    'srcport',
    '1000',
    '2000',
    'nolearning',
  );
  inA(
    'link',
    'add',
    'vx6',
    'type',
    'vxlan',
    'id',
    '43',
    'dstport',
    '4790',
    'local',
    '2001:db8::1',
    'remote',
    '2001:db8::2',
    'proxy',
  );
  inA('tuntap', 'add', 'mode', 'tun', 'name', 'tun0');
  inA(
    'tuntap',
    'add',
    'mode',
    'tap',
    'name',
    'tap0',
    'multi_queue',
    'user',
    '1000',
    'group',
    '1000',
  );
  inA('link', 'set', 'gwt0', 'alias', 'uplink to b');
  for (const l of ['gwt0', 'br0', 'port0', 'port1', 'mv0', 'vx0']) inA('link', 'set', l, 'up');
  ip('-n', nsB, 'link', 'set', 'gwt1', 'up');
  inA('addr', 'add', '10.1.0.1/24', 'dev', 'gwt0');
  inA('addr', 'add', '10.1.0.9/24', 'broadcast', '+', 'label', 'gwt0:1', 'dev', 'gwt0');
  inA('addr', 'add', '2001:db8::1/64', 'dev', 'gwt0', 'nodad');
  inA('addr', 'add', '10.9.9.1', 'peer', '10.9.9.2/32', 'dev', 'br0');
  inA(
    'addr',
    'add',
    '2001:db8:9::1/64',
    'dev',
    'br0',
    'nodad',
    'valid_lft',
    '3600',
    'preferred_lft',
    '1800',
  );
  inA('route', 'add', '10.2.0.0/16', 'via', '10.1.0.2');
  inA('route', 'add', 'default', 'via', '10.1.0.3', 'table', '100');
  inA('route', 'add', '10.3.0.0/16', 'dev', 'gwt0', 'table', '1000', 'metric', '50');
  inA(
    'route',
    'add',
    '10.4.0.0/16',
    'nexthop',
    'via',
    '10.1.0.2',
    'weight',
    '1',
    'nexthop',
    'via',
    '10.1.0.3',
    'weight',
    '3',
  );
  inA('route', 'add', '10.5.0.0/16', 'via', '10.1.0.2', 'mtu', '1400');
  inA('route', 'add', 'blackhole', '10.6.0.0/16');
  inA('-6', 'route', 'add', '2001:db8:1::/48', 'via', '2001:db8::2', 'pref', 'high');
  inA(
    '-6',
    'route',
    'add',
    '2001:db8:2::/48',
    'nexthop',
    'via',
    '2001:db8::2',
    'dev',
    'gwt0',
    'nexthop',
    'via',
    '2001:db8::3',
    'dev',
    'gwt0',
  );
  inA('route', 'add', '10.10.0.0/16', 'via', 'inet6', '2001:db8::2', 'dev', 'gwt0'); // RTA_VIA (IPv4 over an IPv6 next hop)
  inA('rule', 'add', 'from', '10.1.0.0/24', 'table', '100', 'pref', '100');
  inA('rule', 'add', 'fwmark', '0x10/0xff', 'table', '1000', 'pref', '200');
  inA('rule', 'add', 'iif', 'gwt0', 'to', '10.7.0.0/16', 'lookup', 'main', 'pref', '300');
  inA(
    'rule',
    'add',
    'not',
    'from',
    '10.8.0.0/16',
    'uidrange',
    '1000-2000',
    'ipproto',
    'tcp',
    'dport',
    '80-90',
    'table',
    '100',
    'pref',
    '400',
  );
  inA('-6', 'rule', 'add', 'from', '2001:db8::/64', 'table', '100', 'pref', '100');
}

// --- scrubbing: every MAC found in link dumps → 02:00:5e:00:NN:MM, also in EUI-64 form.
const macMap = new Map();
function collectMacs(buf) {
  for (const m of nl.parseMessages(buf, 'rtnetlink')) {
    if (m.type !== nl.RT.RTM_NEWLINK) continue;
    const c = new nl.AttrCursor(m.payload, 16, m.payload.length, 'rtnetlink');
    while (c.next()) {
      if (
        (c.type === nl.RT.IFLA_ADDRESS || c.type === nl.RT.IFLA_PERM_ADDRESS) &&
        c.dataLength === 6
      ) {
        const mac = c.data().toString('hex');
        if (/^(00)+$|^(ff)+$/.test(mac) || macMap.has(mac)) continue;
        const n = macMap.size + 1;
        macMap.set(mac, Buffer.from([0x02, 0x00, 0x5e, 0x00, n >> 8, n & 0xff]));
      }
    }
  }
}
function eui64(mac6) {
  return Buffer.from([mac6[0] ^ 2, mac6[1], mac6[2], 0xff, 0xfe, mac6[3], mac6[4], mac6[5]]);
}
function replaceAll(buf, from, to) {
  let i = buf.indexOf(from);
  while (i >= 0) {
    to.copy(buf, i);
    i = buf.indexOf(from, i + from.length);
  }
}
function scrub(buf) {
  const out = Buffer.from(buf);
  for (const [hex, repl] of macMap) {
    const from = Buffer.from(hex, 'hex');
    replaceAll(out, from, repl);
    replaceAll(out, eui64(from), eui64(repl));
  }
  return out;
}

function summarize(buf, decode) {
  const { messages, dumpInterrupted } = nl.decodeReply(buf, {
    message: Buffer.alloc(16),
    decode,
    family: 'rtnetlink',
    dump: true,
  });
  return { dumpInterrupted, messages };
}
function errorSummary(buf) {
  try {
    nl.decodeReply(buf, {
      message: Buffer.alloc(16),
      decode: (m) => m.type,
      family: 'rtnetlink',
      dump: false,
    });
    return { error: null };
  } catch (e) {
    return { error: { code: e.code, errno: e.errno, extack: e.extack ?? null } };
  }
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error('record-netlink-fixtures must run as root');
  setup();
  const fdA = native.openSocketIn(
    `/run/netns/${nsA}`,
    native.AF_NETLINK,
    native.SOCK_RAW,
    native.NETLINK_ROUTE,
  );
  const fdB = native.openSocketIn(
    `/run/netns/${nsB}`,
    native.AF_NETLINK,
    native.SOCK_RAW,
    native.NETLINK_ROUTE,
  );
  const nsBfd = openSync(`/run/netns/${nsB}`, 'r');
  const plainFd = openSync('/dev/null', 'r');
  try {
    const badRoute = nl.buildGetRouteDump({ family: nl.NL.AF_INET });
    badRoute[16 + 1] = 8; // rtm_dst_len != 0: rejected under strict checking, with extack
    const scenarios = [
      { name: 'links-a', fd: fdA, msg: nl.buildGetLinkDump(), decode: nl.decodeLink },
      { name: 'links-b', fd: fdB, msg: nl.buildGetLinkDump(), decode: nl.decodeLink },
      { name: 'addrs-a', fd: fdA, msg: nl.buildGetAddrDump(), decode: nl.decodeAddress },
      {
        name: 'routes4-a',
        fd: fdA,
        msg: nl.buildGetRouteDump({ family: nl.NL.AF_INET }),
        decode: nl.decodeRoute,
      },
      {
        name: 'routes6-a',
        fd: fdA,
        msg: nl.buildGetRouteDump({ family: nl.NL.AF_INET6 }),
        decode: nl.decodeRoute,
      },
      {
        name: 'routes4-table100-a',
        fd: fdA,
        msg: nl.buildGetRouteDump({ family: nl.NL.AF_INET, table: 100 }),
        decode: nl.decodeRoute,
      },
      { name: 'rules-a', fd: fdA, msg: nl.buildGetRuleDump(), decode: nl.decodeRule },
      { name: 'nsid-dump-a', fd: fdA, msg: nl.buildGetNsidDump(), decode: nl.decodeNsid },
      {
        name: 'nsid-fd-a',
        fd: fdA,
        msg: nl.buildGetNsid({ fd: nsBfd }),
        decode: nl.decodeNsid,
        fdDependent: true,
      },
      {
        name: 'error-nsid-badfd',
        fd: fdA,
        msg: nl.buildGetNsid({ fd: plainFd }),
        error: true,
        fdDependent: true,
      },
      { name: 'error-route-strict', fd: fdA, msg: badRoute, error: true },
    ];
    // Requests of one fd go in one job, in order (the addon allows one job per fd per call).
    const byFd = new Map();
    scenarios.forEach((s, i) => {
      nl.setSequence(s.msg, 1000 + i);
      if (!byFd.has(s.fd)) byFd.set(s.fd, []);
      byFd.get(s.fd).push(s);
    });
    const jobs = [...byFd.entries()].map(([fd, list]) => ({
      fd,
      requests: list.map((s) => s.msg),
    }));
    const replies = await native.netlinkTransact(jobs, { parallelism: 2, timeoutMs: 5000 });
    [...byFd.values()].forEach((list, j) => list.forEach((s, k) => (s.reply = replies[j][k])));
    for (const s of scenarios) {
      if (s.reply.error) throw s.reply.error;
      if (s.name.startsWith('links')) collectMacs(s.reply.data);
    }
    mkdirSync(outDir, { recursive: true });
    const meta = {
      kernel: release(),
      date: new Date().toISOString().slice(0, 10),
      recorder: 'scripts/record-netlink-fixtures.mjs',
    };
    for (const s of scenarios) {
      const data = scrub(s.reply.data);
      const req = Buffer.from(s.msg);
      nl.setSequence(req, 0, 0);
      const expected = s.error ? errorSummary(data) : summarize(data, s.decode);
      const sidecar = {
        scenario: s.name,
        ...meta,
        request: {
          hex: req.toString('hex'),
          ...(s.fdDependent ? { note: 'NETNSA_FD value is the recording process fd number' } : {}),
        },
        replyBytes: data.length,
        expected,
      };
      writeFileSync(join(outDir, `${s.name}.bin`), data);
      writeFileSync(join(outDir, `${s.name}.json`), JSON.stringify(sidecar, null, 2) + '\n');
      process.stdout.write(`${s.name}: ${data.length} bytes\n`);
    }
  } finally {
    for (const fd of [fdA, fdB, nsBfd, plainFd]) closeSync(fd);
  }
}

try {
  await main();
} catch (e) {
  process.exitCode = 1;
  process.stderr.write(`record-netlink-fixtures: ${e?.stack ?? e}\n`);
} finally {
  cleanup();
}
