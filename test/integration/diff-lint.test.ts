// SPDX-License-Identifier: MIT
/**
 * `diff` and `lint` against the live kernel, in namespaces `gwt-<rand>` made here:
 *  - diff: two v1 documents around a scripted change (a veth pair, an address, a route and a
 *    listener added in netns x) list exactly that change for x;
 *  - lint: a veth pair with an MTU mismatch, a veth whose peer is down, and the same IP on two
 *    stations of one bridge produce their findings; a clean pair produces none.
 * As non-root (or without the addon) the suite skips.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { diffV1, lint } from '../../src/analysis/index.js';
import { toV1 } from '../../src/api/v1/index.js';
import {
  closeDefaultDiscoveryContext,
  configureDefaultDiscoveryContext,
  discover,
} from '../../src/discovery/index.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { readNetnsFacts } from '../../src/network/index.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import { IS_ROOT, makeNetns, type TestNetns } from '../helpers/namespaces.js';
import { PYTHON, waitForOutput } from '../helpers/python.js';
import { killPids } from '../helpers/processes.js';

const SKIP = !IS_ROOT || !isNativeAvailable();

describe.skipIf(SKIP)('diff and lint on the live kernel', () => {
  const made: TestNetns[] = [];
  const children: ChildProcess[] = [];
  const tag = randomBytes(3).toString('hex');
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe' });
  const netns = (): TestNetns => {
    const n = makeNetns();
    made.push(n);
    ip('-n', n.name, 'link', 'set', 'lo', 'up');
    return n;
  };
  const ino = (n: TestNetns): number => statSync(n.path).ino;

  beforeAll(async () => {
    configureDefaultDiscoveryContext({ engineWaitMs: 0, watch: false });
    await discover(); // warm-up: caches and engine clients are opened once, outside the leak guard
  }, 60_000);
  afterAll(() => {
    killPids(children.map((c) => c.pid ?? -1));
    for (const n of made) n.cleanup();
    closeDefaultDiscoveryContext();
  });
  beforeEach(() => startLeakGuard());
  afterEach(() => expectNoLeaks());

  it('two dumps around a scripted change list exactly that change', async () => {
    const x = netns();
    const before = toV1(await discover(), { creatorVersion: 'test' });
    ip('-n', x.name, 'link', 'add', `d${tag}a`, 'type', 'veth', 'peer', 'name', `d${tag}b`);
    ip('-n', x.name, 'addr', 'add', '10.93.0.1/24', 'dev', `d${tag}a`);
    ip('-n', x.name, 'link', 'set', `d${tag}a`, 'up');
    ip('-n', x.name, 'route', 'add', '10.94.0.0/16', 'via', '10.93.0.2');
    const py = spawn(
      'ip',
      [
        'netns',
        'exec',
        x.name,
        PYTHON,
        '-c',
        "import socket,time;s=socket.socket();s.bind(('10.93.0.1',7777));s.listen();print('READY',flush=True);time.sleep(600)",
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    children.push(py);
    await waitForOutput(py, /READY/, 60_000);
    const after = toV1(await discover(), { creatorVersion: 'test' });
    const closed = new Promise((r) => py.once('close', r));
    killPids([py.pid ?? -1]);
    await closed;
    const mine = diffV1(before, after)
      .changes.filter((c) => c.netnsid === ino(x))
      .map((c) => `${c.change} ${c.kind} ${c.key.split('/').slice(1).join('/')}`)
      .sort();
    expect(mine).toEqual(
      [
        `added interface d${tag}a`,
        `added interface d${tag}b`,
        `added address d${tag}a/10.93.0.1/24`,
        `added route 254/unicast/10.93.0.0/24/d${tag}a/0`,
        `added route 254/unicast/10.94.0.0/16/d${tag}a/0`,
        `added route 255/local/10.93.0.1/32/d${tag}a/0`,
        `added route 255/broadcast/10.93.0.255/32/d${tag}a/0`,
        `added port tcp/2/10.93.0.1/7777`,
        // the process makes x's tenant a process instead of the bind mount
        'changed netns ',
      ].sort(),
    );
  });

  it('lint finds an MTU mismatch, a down peer and a duplicate IP, and nothing on a clean pair', async () => {
    const a = netns();
    const b = netns();
    const s = netns();
    const pair = (na: TestNetns, ea: string, nb: TestNetns, eb: string): void => {
      ip('link', 'add', ea, 'netns', na.name, 'type', 'veth', 'peer', 'name', eb, 'netns', nb.name);
      ip('-n', na.name, 'link', 'set', ea, 'up');
      ip('-n', nb.name, 'link', 'set', eb, 'up');
    };
    pair(a, `m${tag}a`, b, `m${tag}b`); // MTU mismatch
    ip('-n', a.name, 'link', 'set', `m${tag}a`, 'mtu', '1400');
    pair(a, `p${tag}a`, b, `p${tag}b`); // peer down
    ip('-n', b.name, 'link', 'set', `p${tag}b`, 'down');
    pair(a, `c${tag}a`, b, `c${tag}b`); // clean
    ip('-n', s.name, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', s.name, 'link', 'set', 'br0', 'up');
    pair(a, `b${tag}a`, s, `b${tag}x`);
    pair(b, `b${tag}b`, s, `b${tag}y`);
    ip('-n', s.name, 'link', 'set', `b${tag}x`, 'master', 'br0');
    ip('-n', s.name, 'link', 'set', `b${tag}y`, 'master', 'br0');
    ip('-n', a.name, 'addr', 'add', '10.95.0.9/24', 'dev', `b${tag}a`);
    ip('-n', b.name, 'addr', 'add', '10.95.0.9/24', 'dev', `b${tag}b`);
    const result = await discover();
    const ours = new Set([a, b, s].map(ino));
    const { facts } = await readNetnsFacts(result.namespaces, result.network, { only: ours });
    const findings = lint({ result, facts }).filter((f) =>
      f.objects.some((o) =>
        [...ours].some((i) => o.id.startsWith(`nif-${i}-`) || o.id === `netns-${i}`),
      ),
    );
    const about = (code: string): string[] =>
      findings
        .filter((f) => f.code === code)
        .flatMap((f) => f.objects.map((o) => o.name.split(' ')[0] ?? ''));
    expect(about('mtu-veth-mismatch').sort()).toEqual([`m${tag}a`, `m${tag}b`]);
    expect(about('veth-peer-down').sort()).toEqual([`p${tag}a`, `p${tag}b`]);
    expect(about('duplicate-ip').sort()).toEqual([`b${tag}a`, `b${tag}b`]);
    expect(findings.some((f) => f.objects.some((o) => o.name.startsWith(`c${tag}`)))).toBe(false);
  });
});
