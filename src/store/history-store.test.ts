// SPDX-License-Identifier: MIT
/**
 * HistoryStore over a real SQLite file in a temp dir: round trip, dedupe, chunk sharing,
 * retention by age and size, a truncated file (moved aside, fresh start), a read-only data dir,
 * and a full disk (a real tiny tmpfs when root, else SQLite's own size limit).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { toV1, type DiscoveryResultV1 } from '../api/v1/index.js';
import { buildScenario } from '../../test/helpers/scenario.js';
import { HISTORY_FILE, HistoryStore } from './history-store.js';

const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
const mounts: string[] = [];

function mountTmpfs(dir: string, opts: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'gwt-store', dir]);
  mounts.push(dir);
}

afterEach(() => {
  for (const m of mounts.splice(0)) execFileSync('umount', [m]);
  for (const d of dirs.splice(0)) {
    try {
      chmodSync(d, 0o700);
    } catch {
      // already gone
    }
    rmSync(d, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gwt-store-'));
  dirs.push(d);
  return d;
}

function doc(): DiscoveryResultV1 {
  return toV1(buildScenario(), { creatorVersion: '0.0.0' });
}

function open(dataDir: string, extra: Partial<Parameters<typeof HistoryStore.open>[0]> = {}) {
  const r = HistoryStore.open({ dataDir, ...extra });
  if (r.store === undefined) throw new Error(JSON.stringify(r.problems));
  return r;
}

describe('HistoryStore', () => {
  it('round-trips a document and dedupes an identical one by moving last_seen', () => {
    let now = 1_000_000;
    const { store, problems } = open(tempDir(), { now: () => now });
    expect(problems).toEqual([]);
    const a = doc();
    const r1 = store!.record(a, []);
    expect(r1.deduped).toBe(false);
    expect(r1.bytesWritten).toBeGreaterThan(0);
    now += 5_000;
    const again = doc();
    again.metadata['creation-timestamp'] = new Date(now).toISOString();
    const r2 = store!.record(again, []);
    expect(r2).toMatchObject({ deduped: true, bytesWritten: 0, snapshotId: r1.snapshotId });
    const list = store!.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ firstSeen: 1_000_000, lastSeen: 1_005_000, discoveries: 2 });
    expect(list[0]?.netns).toBe(a['network-namespaces'].length);
    expect(store!.document(r1.snapshotId!)).toEqual(a);
    store!.close();
  });

  it('stores only the changed netns of a new snapshot and keeps events', () => {
    let now = 1_000;
    const { store } = open(tempDir(), { now: () => now });
    const a = doc();
    const full = store!.record(a).bytesWritten;
    const b = doc();
    const n0 = b['network-namespaces'][0]!;
    n0['network-interfaces'][0]!.operstate = 'DOWN';
    now += 1_000;
    const events = [{ type: 'nif-changed', id: 'x' }];
    const r = store!.record(b, events);
    expect(r.deduped).toBe(false);
    // exactly one new netns chunk plus the events
    expect(r.bytesWritten).toBe(
      deflateRawSync(JSON.stringify(n0)).length + deflateRawSync(JSON.stringify(events)).length,
    );
    expect(r.bytesWritten).toBeLessThan(full);
    expect(store!.list()).toHaveLength(2);
    expect(store!.document(r.snapshotId!)).toEqual(b);
    expect(store!.events(0, now)).toEqual([
      { time: 2_000, events: [{ type: 'nif-changed', id: 'x' }] },
    ]);
    expect(store!.entryAt(1_500)?.id).toBe(store!.list()[0]?.id);
    store!.close();
  });

  it('survives a restart', () => {
    const dir = tempDir();
    const first = open(dir).store!;
    const id = first.record(doc()).snapshotId;
    first.close();
    const second = open(dir).store!;
    expect(second.list().map((e) => e.id)).toEqual([id]);
    // dedupe continues across the restart
    expect(second.record(doc()).deduped).toBe(true);
    second.close();
  });

  it('applies retention by age and by size, keeping the latest snapshot', () => {
    let now = 0;
    const { store } = open(tempDir(), {
      now: () => now,
      retention: { maxAgeMs: 10_000 },
    });
    for (let i = 0; i < 5; i++) {
      const d = doc();
      d['network-namespaces'][0]!['network-interfaces'][0]!.alias = `a${1000 + i}`;
      now = i * 5_000;
      store!.record(d);
    }
    store!.prune();
    // last_seen 0, 5000 are older than now(20000) - 10000
    expect(store!.list().map((e) => e.lastSeen)).toEqual([10_000, 15_000, 20_000]);
    store!.close();

    const sized = open(tempDir(), { retention: { maxBytes: 1 } }).store!;
    for (let i = 0; i < 3; i++) {
      const d = doc();
      d['network-namespaces'][0]!['network-interfaces'][0]!.alias = `a${2000 + i}`;
      sized.record(d);
    }
    sized.prune();
    expect(sized.list()).toHaveLength(1);
    expect(
      sized.document(sized.list()[0]!.id)!['network-namespaces'][0]!['network-interfaces'][0]!
        .alias,
    ).toBe('a2002');
    sized.close();
  });

  it('moves a truncated database aside and starts fresh with a problem', () => {
    const dir = tempDir();
    const s = open(dir).store!;
    for (let i = 0; i < 3; i++) {
      const d = doc();
      d['network-namespaces'][0]!['network-interfaces'][0]!.alias = `a${3000 + i}`;
      s.record(d);
    }
    s.close();
    const file = join(dir, HISTORY_FILE);
    expect(statSync(file).size).toBeGreaterThan(4096);
    truncateSync(file, 100);
    const r = HistoryStore.open({ dataDir: dir });
    expect(r.problems.map((p) => p.code)).toEqual(['GW_ERR_STORE_CORRUPT']);
    expect(r.store).toBeDefined();
    expect(r.store!.list()).toEqual([]);
    expect(r.store!.record(doc()).problems).toEqual([]);
    expect(readdirSync(dir).some((f) => f.startsWith(`${HISTORY_FILE}.corrupt-`))).toBe(true);
    r.store!.close();
  });

  it('yields no store and a problem for a read-only data dir', () => {
    const dir = tempDir();
    if (isRoot) {
      // root ignores permission bits: a read-only tmpfs of our own
      mountTmpfs(dir, 'ro,size=1m');
    } else {
      chmodSync(dir, 0o500);
    }
    const r = HistoryStore.open({ dataDir: dir });
    expect(r.store).toBeUndefined();
    expect(r.problems.map((p) => p.code)).toEqual(['GW_ERR_STORE_UNAVAILABLE']);
  });

  it.skipIf(!isRoot)('records a full disk as a problem and goes on (tiny tmpfs)', () => {
    const dir = tempDir();
    mountTmpfs(dir, 'size=160k');
    const { store } = open(dir);
    const codes = new Set<string>();
    let ok = 0;
    for (let i = 0; i < 200 && !codes.has('GW_ERR_STORE_FULL'); i++) {
      const d = doc();
      for (const n of d['network-namespaces'])
        n['network-interfaces'][0]!.alias = `pad-${i}-${'x'.repeat(64)}-${Math.random()}`;
      const r = store!.record(d);
      for (const p of r.problems) codes.add(p.code);
      if (r.problems.length === 0) ok++;
    }
    expect(ok).toBeGreaterThan(0);
    expect(codes.has('GW_ERR_STORE_FULL')).toBe(true);
    // the store stays usable: reading works and a deduped record needs no new pages
    expect(store!.list().length).toBeGreaterThan(0);
    store!.close();
  });

  it('reports a failed SQLite addon load as a problem, never a throw', () => {
    const r = HistoryStore.open({
      dataDir: tempDir(),
      env: { GHOSTWIRE_SQLITE_ADDON: '/nonexistent/better_sqlite3' },
    });
    expect(r.store).toBeUndefined();
    expect(r.problems.map((p) => p.code)).toEqual(['GW_ERR_STORE_UNAVAILABLE']);
    expect(r.problems[0]?.message).toContain('/nonexistent/better_sqlite3: not found');
  });
});
