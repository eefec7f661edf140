// SPDX-License-Identifier: MIT
/**
 * Two discoveries at once in one process (what the HTTP service does) share nothing by
 * accident: the v1 documents of two concurrent runs equal the document of a run on its own.
 * The runs use the real phases except the engine ones (containers, decorators): those share
 * the caller's `DiscoveryContext` on purpose, and engine connections would make the suite
 * depend on other suites' containers and on socket-close timing under load. Kernel state can
 * still move under load (a link's operstate, a route), so a round counts only when a single
 * run before and one after the concurrent pair agree; up to three rounds.
 *
 * As root the suite builds three netns `gwt-conc-<rand>-{a,b,c}`: a veth pair a↔b with v4+v6
 * addresses and a route, a bridge in c with a veth port whose peer is in a, and compares the
 * documents restricted to those netns (other engineers' namespaces and containers come and go
 * on a shared machine, so the rest of the host is not comparable). Without root (or without
 * the addon) it compares the own netns' loopback nif, which is the same for any user.
 *
 * Cleanup (afterAll, also on failure) deletes only the netns made here; fds and thread
 * namespaces are checked after each test.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toV1 } from '../../src/api/v1/to-v1.js';
import type { DiscoveryResultV1, NetnsV1 } from '../../src/api/v1/types.js';
import { assertProcfs, DEFAULT_PHASES, runDiscovery } from '../../src/discovery/index.js';
import type { DiscoveryPhases } from '../../src/discovery/index.js';
import type { DiscoveryResult } from '../../src/model/discovery.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { expectNoLeaks, startLeakGuard } from '../helpers/leak-guard.js';
import { IS_ROOT, makeNetns, uniqueName, type TestNetns } from '../helpers/namespaces.js';

const PRIV = IS_ROOT && isNativeAvailable();
const SKIP_PRIV = PRIV ? '' : ' [skipped: needs root and the native addon]';

/** The real phases without the engine ones (see the module doc). */
const PHASES: DiscoveryPhases = { ...DEFAULT_PHASES, containers: undefined, decorate: undefined };

/** One discovery of the whole host (no engines). */
async function discoverOnce(): Promise<DiscoveryResult> {
  assertProcfs('/proc');
  return runDiscovery(PHASES, {});
}

/**
 * Runs single, concurrent pair, single — until both singles give the same `view` (the kernel
 * held still) and no run recorded a problem about `inos` (e.g. a netlink timeout under load:
 * a partial result, not a shared state), at most 3 rounds — and returns the round's views.
 */
async function stableRound<T>(
  view: (r: DiscoveryResult) => T,
  inos: ReadonlySet<number> = new Set(),
): Promise<{ want: T; got: [T, T]; runs: DiscoveryResult[] }> {
  const troubled = (r: DiscoveryResult): boolean =>
    r.problems.some((p) => [...inos].some((ino) => p.subject.startsWith(`netns:[${ino}]`)));
  let last: { want: T; got: [T, T]; runs: DiscoveryResult[] } | undefined;
  for (let round = 0; round < 3; round++) {
    const before = await discoverOnce();
    const [x, y] = await Promise.all([discoverOnce(), discoverOnce()]);
    const after = await discoverOnce();
    last = { want: view(before), got: [view(x), view(y)], runs: [before, x, y, after] };
    const still = JSON.stringify(view(after)) === JSON.stringify(last.want);
    if (still && !last.runs.some(troubled)) return last;
  }
  return last as { want: T; got: [T, T]; runs: DiscoveryResult[] };
}

/** The v1 netns of `inos`, without the run-dependent metadata (timestamps, engines). */
function netnsDocs(result: DiscoveryResult, inos: ReadonlySet<number>): NetnsV1[] {
  const doc: DiscoveryResultV1 = toV1(result, { creatorVersion: 'test', netns: inos });
  return doc['network-namespaces'];
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { stdio: 'pipe', encoding: 'utf8', timeout: 10_000 });
}

/**
 * Waits (≤ 10 s) until the links, addresses and routes of `names` stop changing: operstate
 * (linkwatch runs up to a second late) and the IPv6 multicast route follow a link going up
 * asynchronously. Settled = every `up` link reports operstate UP and nothing changed in 500 ms.
 */
async function settle(
  names: readonly string[],
  up: ReadonlyArray<[string, string]>,
): Promise<void> {
  const snap = (): string =>
    names
      .map(
        (n) =>
          ip('-n', n, '-j', 'link') +
          ip('-n', n, '-j', 'addr') +
          ip('-n', n, '-j', 'route', 'show', 'table', 'all'),
      )
      .join('\n');
  const isUp = ([ns, dev]: [string, string]): boolean =>
    (JSON.parse(ip('-n', ns, '-j', 'link', 'show', 'dev', dev)) as Array<{ operstate?: string }>)[0]
      ?.operstate === 'UP';
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = up.every(isUp) ? snap() : '';
    if (now !== '' && now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`test netns did not settle: ${names.join(', ')}`);
}

describe('concurrent discoveries in one process', () => {
  const made: TestNetns[] = [];
  let inos = new Set<number>();

  beforeAll(async () => {
    if (!PRIV) return;
    const base = uniqueName('gwt-conc');
    const [a, b, c] = ['a', 'b', 'c'].map((s) => {
      const ns = makeNetns(`${base}-${s}`);
      made.push(ns);
      return ns;
    }) as [TestNetns, TestNetns, TestNetns];
    // addrgenmode none: no IPv6 link-local address appears while the runs are going on
    ip('-n', a.name, 'link', 'add', 'ab0', 'type', 'veth', 'peer', 'name', 'ba0', 'netns', b.name);
    ip('-n', a.name, 'link', 'set', 'ab0', 'addrgenmode', 'none');
    ip('-n', b.name, 'link', 'set', 'ba0', 'addrgenmode', 'none');
    ip('-n', a.name, 'addr', 'add', '10.77.0.1/24', 'dev', 'ab0');
    ip('-n', a.name, 'addr', 'add', 'fd77::1/64', 'dev', 'ab0', 'nodad');
    ip('-n', b.name, 'addr', 'add', '10.77.0.2/24', 'dev', 'ba0');
    ip('-n', a.name, 'link', 'set', 'ab0', 'up');
    ip('-n', b.name, 'link', 'set', 'ba0', 'up');
    ip('-n', b.name, 'route', 'add', '10.78.0.0/16', 'via', '10.77.0.1');
    ip('-n', c.name, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', c.name, 'link', 'add', 'cp0', 'type', 'veth', 'peer', 'name', 'ac0', 'netns', a.name);
    ip('-n', c.name, 'link', 'set', 'cp0', 'master', 'br0');
    inos = new Set(made.map((n) => statSync(n.path).ino));
    await settle(
      made.map((n) => n.name),
      [
        [a.name, 'ab0'],
        [b.name, 'ba0'],
      ],
    );
  });

  afterAll(() => {
    for (const n of made) n.cleanup();
  });

  beforeEach(() => {
    startLeakGuard();
  });
  afterEach(() => {
    expectNoLeaks();
  });

  it(
    `two concurrent runs each equal a single run on the test netns${SKIP_PRIV}`,
    { timeout: 90_000 },
    async (t) => {
      if (!PRIV) t.skip();
      const { want, got, runs } = await stableRound((r) => netnsDocs(r, inos), inos);
      const [single, x, y] = runs as [DiscoveryResult, DiscoveryResult, DiscoveryResult];
      expect(want).toHaveLength(3);
      // the veth pair and the bridge port are there, with their cross-netns relations
      const nifs = want.flatMap((n) => n['network-interfaces'].map((f) => f.name)).sort();
      expect(nifs).toEqual(['ab0', 'ac0', 'ba0', 'br0', 'cp0', 'lo', 'lo', 'lo']);
      expect(got[0]).toEqual(want);
      expect(got[1]).toEqual(want);
      // each run reports its own counters: the test netns are counted in every run
      for (const r of [single, x, y]) {
        expect(r.timings.networkSteps).toBeDefined();
        expect(Object.keys(r.timings.networkSteps ?? {})).toContain('relations');
        for (const ino of inos) expect(r.network.netns.has(ino)).toBe(true);
      }
      // no object is shared between the runs' models
      const nifOf = (r: DiscoveryResult): unknown =>
        [...(r.network.netns.get([...inos][0] as number)?.nifs.values() ?? [])][0];
      expect(nifOf(x)).not.toBe(nifOf(y));
      expect(x.namespaces.processes).not.toBe(y.namespaces.processes);
    },
  );

  it(
    'two concurrent runs each equal a single run on the own netns (any user)',
    { timeout: 90_000 },
    async () => {
      const own = statSync('/proc/self/ns/net').ino;
      const lo = (r: DiscoveryResult): unknown =>
        netnsDocs(r, new Set([own]))[0]?.['network-interfaces'].find((f) => f.name === 'lo');
      const { want, got } = await stableRound(lo);
      expect(want).toBeDefined();
      expect(got[0]).toEqual(want);
      expect(got[1]).toEqual(want);
    },
  );
});
