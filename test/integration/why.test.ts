// SPDX-License-Identifier: MIT
/**
 * `ghostwire why` against real connectivity: every answer is compared with a TCP connection
 * attempt made from inside FROM's netns (python3, 1.5 s timeout; only addresses of the test's
 * own namespaces). Topology (all namespaces `gwt-<rand>` made here, subnets 10.91.x.0/24):
 *
 *   a (client) ── r (router, forwarding on) ── b (server: 0.0.0.0:8080, 127.0.0.1:8081,
 *   │              │   │                          8082 dropped by nft, 8083 dropped by an
 *   │              │   │                          undecidable ct rule)
 *   │              │   └── h (server without a route back to a)
 *   │              └── e (client whose only route to b is in table 100, selected by a
 *   │                     `from` policy rule; plus a prohibit rule)
 *   ├── g (server behind a veth whose far end is down)
 *   ├── r2 (router, forwarding off) ── c (server)
 *   └── s (bridge br) ── k (server on the same bridge)
 *   a also has a blackhole route and no route to 10.91.77.0/24.
 *
 * One discovery serves all cases. As non-root (or without the addon) the suite skips.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { why, type ReachAnswer } from '../../src/analysis/index.js';
import {
  closeDefaultDiscoveryContext,
  configureDefaultDiscoveryContext,
  discover,
} from '../../src/discovery/index.js';
import type { DiscoveryResult } from '../../src/model/discovery.js';
import type { NetnsFactsModel } from '../../src/model/netns-facts.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { readNetnsFacts } from '../../src/network/index.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import { IS_ROOT, makeNetns, type TestNetns } from '../helpers/namespaces.js';
import { PYTHON, waitForOutput } from '../helpers/python.js';
import { killPids } from '../helpers/processes.js';

const SKIP = !IS_ROOT || !isNativeAvailable();
const hasNft = ((): boolean => {
  try {
    execFileSync('nft', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

const LISTEN_PY = `
import socket as S, sys, time
keep = []
for spec in sys.argv[1:]:
    a, p = spec.rsplit(':', 1)
    s = S.socket(); s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1); s.bind((a, int(p))); s.listen(8); keep.append(s)
print('READY', flush=True)
time.sleep(600)
`;

const CONNECT_PY = `
import socket as S, sys
try:
    S.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5).close(); print('OK')
except OSError as e:
    print('FAIL', e)
`;

describe.skipIf(SKIP)('why vs real connections', () => {
  const nets: Record<string, TestNetns> = {};
  const children: ChildProcess[] = [];
  const tag = randomBytes(3).toString('hex');
  let result: DiscoveryResult;
  let facts: NetnsFactsModel;

  const ip = (...args: string[]): void => {
    execFileSync('ip', args, { stdio: 'pipe' });
  };
  const inNs = (ns: string, ...argv: string[]): string =>
    execFileSync('ip', ['netns', 'exec', (nets[ns] as TestNetns).name, ...argv], {
      stdio: 'pipe',
    }).toString();
  /** A veth pair between two of our netns, with addresses (`x.x.x.x/nn`) and both ends up. */
  let vethN = 0;
  const link = (
    a: string,
    addrA: string | undefined,
    b: string,
    addrB: string | undefined,
  ): [string, string] => {
    const n = vethN++;
    const ea = `g${tag}${n}a`;
    const eb = `g${tag}${n}b`;
    ip(
      'link',
      'add',
      ea,
      'netns',
      (nets[a] as TestNetns).name,
      'type',
      'veth',
      'peer',
      'name',
      eb,
      'netns',
      (nets[b] as TestNetns).name,
    );
    for (const [ns, dev, addr] of [
      [a, ea, addrA],
      [b, eb, addrB],
    ] as const) {
      if (addr !== undefined)
        ip('-n', (nets[ns] as TestNetns).name, 'addr', 'add', addr, 'dev', dev);
      ip('-n', (nets[ns] as TestNetns).name, 'link', 'set', dev, 'up');
    }
    return [ea, eb];
  };
  const listen = async (ns: string, ...specs: string[]): Promise<void> => {
    const child = spawn(
      'ip',
      ['netns', 'exec', (nets[ns] as TestNetns).name, PYTHON, '-c', LISTEN_PY, ...specs],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    children.push(child);
    await waitForOutput(child, /READY/, 60_000);
  };
  const connect = (from: string, addr: string, port: number): boolean =>
    inNs(from, PYTHON, '-c', CONNECT_PY, addr, String(port)).startsWith('OK');
  const ask = (from: string, to: string): ReachAnswer => {
    const r = why(result, facts, { from: (nets[from] as TestNetns).name, to });
    if (!r.ok) throw new Error(r.message);
    return r.answer;
  };
  const nameOf = (ns: string): string => (nets[ns] as TestNetns).name;

  beforeAll(async () => {
    for (const n of ['a', 'r', 'b', 'h', 'e', 'g', 'r2', 'c', 's', 'k']) {
      nets[n] = makeNetns();
      ip('-n', (nets[n] as TestNetns).name, 'link', 'set', 'lo', 'up');
    }
    const sysctl = (ns: string, kv: string): void => void inNs(ns, 'sysctl', '-qw', kv);
    sysctl('r', 'net.ipv4.ip_forward=1');
    sysctl('r2', 'net.ipv4.ip_forward=0');
    link('a', '10.91.1.2/24', 'r', '10.91.1.1/24');
    link('r', '10.91.2.1/24', 'b', '10.91.2.2/24');
    link('r', '10.91.9.1/24', 'h', '10.91.9.2/24');
    link('e', '10.91.4.2/24', 'r', '10.91.4.1/24');
    const [, gEnd] = link('a', '10.91.5.1/24', 'g', '10.91.5.2/24');
    ip('-n', nameOf('g'), 'link', 'set', gEnd, 'down');
    link('a', '10.91.6.2/24', 'r2', '10.91.6.1/24');
    link('r2', '10.91.8.1/24', 'c', '10.91.8.2/24');
    ip('-n', nameOf('s'), 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', nameOf('s'), 'link', 'set', 'br0', 'up');
    const [, sa] = link('a', '10.91.10.2/24', 's', undefined);
    const [, sk] = link('k', '10.91.10.3/24', 's', undefined);
    ip('-n', nameOf('s'), 'link', 'set', sa, 'master', 'br0');
    ip('-n', nameOf('s'), 'link', 'set', sk, 'master', 'br0');
    // routes
    ip('-n', nameOf('a'), 'route', 'add', '10.91.2.0/24', 'via', '10.91.1.1');
    ip('-n', nameOf('a'), 'route', 'add', '10.91.9.0/24', 'via', '10.91.1.1');
    ip('-n', nameOf('a'), 'route', 'add', '10.91.8.0/24', 'via', '10.91.6.1');
    ip('-n', nameOf('a'), 'route', 'add', 'blackhole', '10.91.2.99/32');
    ip('-n', nameOf('b'), 'route', 'add', 'default', 'via', '10.91.2.1');
    ip('-n', nameOf('c'), 'route', 'add', 'default', 'via', '10.91.8.1');
    ip('-n', nameOf('e'), 'route', 'add', '10.91.2.0/24', 'via', '10.91.4.1', 'table', '100');
    ip('-n', nameOf('e'), 'rule', 'add', 'to', '10.91.2.0/24', 'lookup', '100', 'priority', '100');
    // a `from` rule cannot match the first lookup of an unbound socket (source still 0.0.0.0)
    ip('-n', nameOf('e'), 'route', 'add', '10.91.9.0/24', 'via', '10.91.4.1', 'table', '101');
    ip('-n', nameOf('e'), 'rule', 'add', 'from', '10.91.4.2', 'lookup', '101', 'priority', '101');
    ip('-n', nameOf('e'), 'rule', 'add', 'to', '10.91.2.77', 'prohibit', 'priority', '50');
    // h has no route back to 10.91.1.0/24
    if (hasNft) {
      inNs(
        'b',
        'nft',
        'add table inet gwt; add chain inet gwt in { type filter hook input priority 0; policy accept; }',
      );
      inNs('b', 'nft', 'add rule inet gwt in tcp dport 8082 drop');
      inNs('b', 'nft', 'add rule inet gwt in ct state new tcp dport 8083 drop');
      // r: a DNAT forward to b, one to a port nobody serves, and masquerading towards h for 8088
      inNs(
        'r',
        'nft',
        'add table ip gwtnat; add chain ip gwtnat pre { type nat hook prerouting priority -100; }; add chain ip gwtnat post { type nat hook postrouting priority 100; }',
      );
      inNs(
        'r',
        'nft',
        'add rule ip gwtnat pre ip daddr 10.91.1.1 tcp dport 9090 dnat to 10.91.2.2:8080',
      );
      inNs(
        'r',
        'nft',
        'add rule ip gwtnat pre ip daddr 10.91.1.1 tcp dport 9091 dnat to 10.91.2.2:8099',
      );
      inNs('r', 'nft', 'add rule ip gwtnat post ip daddr 10.91.9.2 tcp dport 8088 masquerade');
    }
    await listen('b', '0.0.0.0:8080', '127.0.0.1:8081', '0.0.0.0:8082', '0.0.0.0:8083');
    await listen('h', '0.0.0.0:8080', '0.0.0.0:8088');
    await listen('g', '0.0.0.0:8080');
    await listen('c', '0.0.0.0:8080');
    await listen('k', '0.0.0.0:8080');
    configureDefaultDiscoveryContext({ engineWaitMs: 0, watch: false });
    result = await discover();
    const ours = new Set(
      [...result.network.netns.values()]
        .filter((n) =>
          n.ns.sources.some(
            (s) =>
              s.kind === 'bindmount' && Object.values(nets).some((t) => s.mountPoint === t.path),
          ),
        )
        .map((n) => n.ns.id.ino),
    );
    facts = (await readNetnsFacts(result.namespaces, result.network, { only: ours })).facts;
  }, 120_000);

  afterAll(() => {
    killPids(children.map((c) => c.pid ?? -1));
    for (const n of Object.values(nets)) n.cleanup();
    closeDefaultDiscoveryContext();
  });

  beforeEach(() => startLeakGuard());
  afterEach(() => expectNoLeaks());

  /** Asserts the verdict, that it agrees with a real connection, and the failure reason. */
  const check = (
    from: string,
    to: string,
    addr: string,
    port: number,
    verdict: ReachAnswer['verdict'],
    reason?: string,
  ): ReachAnswer => {
    const a = ask(from, to);
    const real = connect(from, addr, port);
    expect(
      { verdict: a.verdict, reason: a.failure?.reason },
      JSON.stringify(a.hops.map((h) => h.text)),
    ).toEqual({ verdict, reason });
    if (verdict === 'reachable') expect(real).toBe(true);
    if (verdict === 'unreachable') expect(real).toBe(false);
    return a;
  };

  it('routed path through a forwarding router', () => {
    const a = check('a', `${nameOf('b')}:8080`, '10.91.2.2', 8080, 'reachable');
    expect(a.source).toBe('10.91.1.2');
    expect(a.hops.some((h) => h.step === 'forward' && h.netns.name.includes(nameOf('r')))).toBe(
      true,
    );
    expect(a.listener?.address).toBe('0.0.0.0');
  });

  it('a listener bound to 127.0.0.1 only', () => {
    check('a', '10.91.2.2:8081', '10.91.2.2', 8081, 'unreachable', 'listener-bound-elsewhere');
  });

  it('no listener on the port', () => {
    check('a', '10.91.2.2:8099', '10.91.2.2', 8099, 'unreachable', 'no-listener');
  });

  it('bridged path', () => {
    const a = check('a', `${nameOf('k')}:8080`, '10.91.10.3', 8080, 'reachable');
    expect(a.hops.some((h) => h.step === 'bridge' && h.nif?.name === 'br0')).toBe(true);
  });

  it('a veth whose peer is down', () => {
    check('a', '10.91.5.2:8080', '10.91.5.2', 8080, 'unreachable', 'peer-down');
  });

  it('a blackhole route', () => {
    check('a', '10.91.2.99:8080', '10.91.2.99', 8080, 'unreachable', 'route-blackhole');
  });

  it('a missing route', () => {
    check('a', '10.91.77.1:8080', '10.91.77.1', 8080, 'unreachable', 'no-route');
  });

  it('a router that does not forward', () => {
    check('a', `${nameOf('c')}:8080`, '10.91.8.2', 8080, 'unreachable', 'forwarding-disabled');
  });

  it('a server without a route back', () => {
    check('a', '10.91.9.2:8080', '10.91.9.2', 8080, 'unreachable', 'no-return-route');
  });

  it('a policy rule selecting another table by source', () => {
    const a = check('e', '10.91.2.2:8080', '10.91.2.2', 8080, 'reachable');
    expect(a.hops.some((h) => h.rule?.includes('lookup 100'))).toBe(true);
  });

  it('a `from` policy rule does not apply to the unbound first lookup', () => {
    check('e', '10.91.9.2:8080', '10.91.9.2', 8080, 'unreachable', 'no-route');
  });

  it('a prohibit policy rule', () => {
    check('e', '10.91.2.77:8080', '10.91.2.77', 8080, 'unreachable', 'rule-prohibit');
  });

  it.skipIf(!hasNft)('a DNAT forward to a server', () => {
    const a = check('a', '10.91.1.1:9090', '10.91.1.1', 9090, 'reachable');
    expect(a.hops.some((h) => h.step === 'nat' && h.text.includes('10.91.2.2:8080'))).toBe(true);
    expect(a.listener?.port).toBe(8080);
  });

  it.skipIf(!hasNft)('a DNAT forward whose target nobody serves', () => {
    check('a', '10.91.1.1:9091', '10.91.1.1', 9091, 'unreachable', 'forward-target-unserved');
  });

  it.skipIf(!hasNft)('masquerading makes a server without a route back reachable', () => {
    const a = check('a', '10.91.9.2:8088', '10.91.9.2', 8088, 'reachable');
    expect(a.source).toBe('10.91.1.2');
    expect(a.hops.some((h) => h.step === 'nat' && h.text.includes('masquerade'))).toBe(true);
  });

  it.skipIf(!hasNft)('a filter rule that drops', () => {
    const a = check('a', '10.91.2.2:8082', '10.91.2.2', 8082, 'unreachable', 'filter-drop');
    const h = a.hops[a.failure?.hop ?? -1];
    expect(h?.filter?.chain).toBe('inet gwt in');
  });

  it.skipIf(!hasNft)('a filter rule that cannot be evaluated is unknown, never reachable', () => {
    check('a', '10.91.2.2:8083', '10.91.2.2', 8083, 'unknown', 'filter-may-drop');
    expect(connect('a', '10.91.2.2', 8083)).toBe(false);
  });
});
