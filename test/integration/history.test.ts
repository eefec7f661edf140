// SPDX-License-Identifier: MIT
/**
 * The history store of the BUILT service (`bin/ghostwire serve --data-dir <temp>`, root): a
 * scripted change (a veth pair added in a `gwt-` netns of this suite) is exactly what
 * `GET /api/diff` and `ghostwire diff --url … T1` list for that netns; the history survives a
 * restart; a truncated database file is moved aside (problem logged) and the service serves
 * `/json`; a read-only data dir and `--no-history` give 503 `GW_ERR_STORE_UNAVAILABLE` on
 * `/api/history` while `/json` is served. Answers are checked against the OpenAPI schemas.
 * Other suites may change the host meanwhile, so changes are compared for this suite's netns.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IS_ROOT, makeNetns, type TestNetns } from '../helpers/namespaces.js';
import { schemaErrors } from '../helpers/openapi.js';
import { CLI, SERVE_BUILT, startServe, type Served } from '../helpers/serve.js';

interface Change {
  kind: string;
  change: string;
  key: string;
  netnsid?: number;
}

async function get(
  srv: Served,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(new URL(path, srv.url));
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

function ours(changes: unknown, ino: number): string[] {
  return (changes as Change[])
    .filter((c) => c.netnsid === ino)
    .map((c) => `${c.change} ${c.kind} ${c.key}`)
    .sort();
}

function historyProblems(srv: Served): string[] {
  return srv
    .stdout()
    .split('\n')
    .filter((l) => l.includes('"history problem"'))
    .map((l) => String((JSON.parse(l) as { problem?: unknown }).problem));
}

describe.skipIf(!SERVE_BUILT || !IS_ROOT)('serve: history store and /api/diff', () => {
  const dirs: string[] = [];
  const mounts: string[] = [];
  const servers: Served[] = [];
  let net: TestNetns | undefined;
  let dataDir = '';

  const serve = async (args: string[]): Promise<Served> => {
    const s = await startServe([...args, '--reconcile', '0']);
    servers.push(s);
    return s;
  };
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'gwt-history-'));
    dirs.push(d);
    return d;
  };

  beforeAll(() => {
    net = makeNetns();
    dataDir = tempDir();
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const m of mounts) execFileSync('umount', [m]);
    net?.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  let t1 = '';
  let t2 = '';
  let expected: string[] = [];

  it('lists exactly the scripted change (a veth pair in our netns), via the API and the CLI', async () => {
    if (net === undefined) throw new Error('no netns');
    const ino = statSync(net.path).ino;
    const srv = await serve(['--data-dir', dataDir]);
    expect((await get(srv, 'json')).status).toBe(200);
    const before = await get(srv, 'api/history');
    expect(before.status).toBe(200);
    expect(schemaErrors('History', before.body)).toEqual([]);
    expect((before.body['snapshots'] as unknown[]).length).toBeGreaterThan(0);
    t1 = new Date().toISOString();

    const tag = Math.random().toString(16).slice(2, 8);
    execFileSync('ip', [
      '-n',
      net.name,
      'link',
      'add',
      `h${tag}a`,
      'type',
      'veth',
      'peer',
      'name',
      `h${tag}b`,
    ]);
    expected = [`added interface ${ino}/h${tag}a`, `added interface ${ino}/h${tag}b`];

    const d = await get(srv, `api/diff?from=${encodeURIComponent(t1)}`);
    expect(d.status).toBe(200);
    expect(schemaErrors('History-Diff', d.body)).toEqual([]);
    expect(ours(d.body['changes'], ino)).toEqual(expected);
    t2 = new Date().toISOString();

    // the CLI asks the same service (a time, not a file)
    const cli = spawnSync(process.execPath, [CLI, 'diff', '--url', srv.url, '--json', t1, t2], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status, cli.stderr).toBe(1); // 1: something changed (as diff(1))
    expect(ours((JSON.parse(cli.stdout) as { changes: unknown }).changes, ino)).toEqual(expected);
  }, 90_000);

  it('keeps the history across a restart', async () => {
    for (const s of servers.splice(0)) await s.stop();
    const srv = await serve(['--data-dir', dataDir]);
    const h = await get(srv, 'api/history');
    expect(h.status).toBe(200);
    expect((h.body['snapshots'] as unknown[]).length).toBeGreaterThanOrEqual(2);
    const ino = statSync(net!.path).ino;
    const d = await get(
      srv,
      `api/diff?from=${encodeURIComponent(t1)}&to=${encodeURIComponent(t2)}`,
    );
    expect(d.status).toBe(200);
    expect(ours(d.body['changes'], ino)).toEqual(expected);
    expect(historyProblems(srv)).toEqual([]);
  }, 60_000);

  it('moves a truncated database aside, logs a problem and serves /json', async () => {
    for (const s of servers.splice(0)) await s.stop();
    truncateSync(join(dataDir, 'history.db'), 100);
    const srv = await serve(['--data-dir', dataDir]);
    expect((await get(srv, 'json')).status).toBe(200);
    expect(historyProblems(srv).some((p) => p.startsWith('GW_ERR_STORE_CORRUPT'))).toBe(true);
    expect(readdirSync(dataDir).some((f) => f.startsWith('history.db.corrupt-'))).toBe(true);
    const h = await get(srv, 'api/history');
    expect(h.status).toBe(200);
    // a fresh store: only what was discovered since this start
    for (const e of h.body['snapshots'] as { time: string }[])
      expect(Date.parse(e.time)).toBeGreaterThan(Date.parse(t2));
  }, 60_000);

  it('serves live results with a read-only data dir, and answers 503 for history', async () => {
    const ro = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'gwt-history', ro]);
    mounts.push(ro);
    const srv = await serve(['--data-dir', ro]);
    expect((await get(srv, 'json')).status).toBe(200);
    expect(historyProblems(srv).some((p) => p.startsWith('GW_ERR_STORE_UNAVAILABLE'))).toBe(true);
    const h = await get(srv, 'api/history');
    expect(h).toMatchObject({ status: 503, body: { code: 'GW_ERR_STORE_UNAVAILABLE' } });
    expect(schemaErrors('Error', h.body)).toEqual([]);
    const d = await get(srv, 'api/diff?from=-1h');
    expect(d).toMatchObject({ status: 503, body: { code: 'GW_ERR_STORE_UNAVAILABLE' } });
  }, 60_000);

  it('answers 503 with --no-history and 400 for a bad time', async () => {
    const srv = await serve(['--no-history']);
    expect(await get(srv, 'api/history')).toMatchObject({
      status: 503,
      body: { code: 'GW_ERR_STORE_UNAVAILABLE' },
    });
    expect(await get(srv, 'api/diff?from=yesterday')).toMatchObject({
      status: 400,
      body: { code: 'GW_ERR_HTTP_BAD_REQUEST' },
    });
    expect((await get(srv, 'api/diff')).status).toBe(400);
  }, 60_000);
});
