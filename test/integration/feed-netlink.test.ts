// SPDX-License-Identifier: MIT
/**
 * The change feed's RTNETLINK source against the built service and a real netns (root):
 * with the reconcile off, a veth pair, an address and a route made inside a test netns reach
 * `/api/events` with `source: netlink` (latency printed, not asserted beyond a generous
 * bound); after the netns is deleted, one discovery closes the service's socket in it and the
 * netns is freed (not pinned by us).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IS_ROOT, uniqueName } from '../helpers/namespaces.js';
import { openSse, SERVE_BUILT, startServe, type Served } from '../helpers/serve.js';

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

function socketCount(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** True while any process (incl. the service) has the netns inode as a ns link. */
function netnsListed(ino: number): boolean {
  return execFileSync('lsns', ['-t', 'net', '-n', '-o', 'NS'], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.trim() === String(ino));
}

describe.skipIf(!SERVE_BUILT || !IS_ROOT)('feed: RTNETLINK source (root)', () => {
  const ns = uniqueName();
  let srv: Served | undefined;
  let ino = 0;
  let deleted = false;

  beforeAll(async () => {
    ip('netns', 'add', ns);
    ino = statSync(`/run/netns/${ns}`).ino;
    srv = await startServe(['--reconcile', '0', '--silent']);
    // the first discovery (started at once) subscribes the netns: wait for readiness
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`${srv.url}readyz`);
      if (r.status === 200) break;
      await new Promise((res) => setTimeout(res, 100));
    }
  }, 60_000);

  afterAll(async () => {
    await srv?.stop();
    if (!deleted) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  });

  it('delivers veth, address and route from netlink; closes our socket when the netns goes', async () => {
    const s = srv as Served;
    const sse = await openSse(`${s.url}api/events`);
    try {
      const a = `${ns.slice(4)}a`;
      const t0 = performance.now();
      ip('-n', ns, 'link', 'add', a, 'type', 'veth', 'peer', 'name', `${ns.slice(4)}b`);
      const added = await sse.waitFor((e) => e.data.includes(`"name":"${a}"`), 5_000);
      const latency = performance.now() - t0;
      console.log(`feed latency veth → nif-added: ${latency.toFixed(1)} ms (incl. ip spawn)`);
      const ev = JSON.parse(added.data) as Record<string, unknown>;
      expect(ev).toMatchObject({ type: 'nif-added', source: 'netlink', nif: { netns: ino } });
      ip('-n', ns, 'addr', 'add', '10.77.1.1/24', 'dev', a);
      ip('-n', ns, 'link', 'set', a, 'up');
      const addr = await sse.waitFor((e) => e.data.includes('10.77.1.1/24'), 5_000);
      expect(JSON.parse(addr.data)).toMatchObject({ type: 'nif-changed', source: 'netlink' });
      const route = await sse.waitFor(
        (e) => e.event === 'route-added' && e.data.includes('"destination":"10.77.1.0"'),
        5_000,
      );
      expect(JSON.parse(route.data)).toMatchObject({ source: 'netlink', route: { netns: ino } });
      ip('-n', ns, 'link', 'del', a);
      const gone = await sse.waitFor(
        (e) => e.event === 'nif-removed' && e.data.includes(`"name":"${a}"`),
        5_000,
      );
      expect(JSON.parse(gone.data)).toMatchObject({ source: 'netlink' });
    } finally {
      sse.close();
    }

    const pid = s.proc.pid as number;
    const before = socketCount(pid);
    ip('netns', 'del', ns);
    deleted = true;
    const doc = await (await fetch(`${s.url}json`)).text();
    expect(doc).not.toContain(`"netnsid":${ino}`);
    // the discovery's sync closed the monitor socket in the vanished netns
    expect(socketCount(pid)).toBeLessThan(before);
    expect(netnsListed(ino)).toBe(false);
  }, 60_000);
});
