// SPDX-License-Identifier: MIT
/**
 * The BUILT service (`bin/ghostwire serve` on a free loopback port, token required) against
 * this host: every endpoint and status, the token rule (header, cookie, link, 401 JSON,
 * `/healthz` open), 405 with Allow, JSON 404s, base-href and dynvars rewriting with the CSP
 * nonce, `/mobyshark` rules on the live host, OpenAPI validation of live `/json`, `/mobyshark`
 * and feed events, single flight for concurrent `/json`, the change feed delivering a veth
 * pair this suite creates (root only; `gwt-<rand>` names, removed in teardown), resume with
 * Last-Event-ID, the websocket feed, and graceful shutdown with a request in flight.
 * As non-root everything but the veth case runs (the documents then carry access problems).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type {
  DiscoveryResultV1,
  FeedEventV1,
  TargetDiscoveryResultV1,
} from '../../src/api/v1/index.js';
import { IS_ROOT, uniqueName } from '../helpers/namespaces.js';
import { schemaErrors } from '../helpers/openapi.js';
import {
  CLI,
  SERVE_BUILT,
  httpFetch,
  type HttpResponse,
  openSse,
  startServe,
  type Served,
} from '../helpers/serve.js';

const TOKEN = `gwt-${Math.random().toString(36).slice(2)}`;
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SKIP = SERVE_BUILT ? '' : ' [skipped: run npm run build first]';

let srv: Served | undefined;
const cleanups: Array<() => void> = [];

function url(path: string): string {
  if (srv === undefined) throw new Error('server not started');
  return new URL(path, srv.url).toString();
}

async function getJson(
  path: string,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; body: unknown; headers: HttpResponse['headers'] }> {
  const r = await httpFetch(url(path), { headers });
  const text = await r.text();
  return {
    status: r.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    headers: r.headers,
  };
}

describe.skipIf(!SERVE_BUILT)(`ghostwire serve${SKIP}`, () => {
  beforeAll(async () => {
    srv = await startServe(['--token', TOKEN, '--reconcile', '500ms', '--brand', 'Acme']);
  });
  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) c();
    const code = await srv?.stop();
    expect(code).toBe(0);
  });

  it('answers /healthz without a token and refuses everything else without one (401 JSON)', async () => {
    const h = await getJson('healthz', {});
    expect(h).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(schemaErrors('Health', h.body)).toEqual([]);
    for (const p of [
      'json',
      'mobyshark',
      'metrics',
      'readyz',
      'api/openapi.json',
      '',
      'some/ui/route',
    ]) {
      const r = await getJson(p, {});
      expect(r.status, p).toBe(401);
      expect(r.body).toMatchObject({ code: 'GW_ERR_HTTP_UNAUTHORIZED' });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await getJson('json', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await getJson('json', { cookie: 'ghostwire_token=wrong' })).status).toBe(401);
  });

  it('sets the cookie from a ?token= link, redirects pages without it, and accepts the cookie', async () => {
    const r = await httpFetch(url(`netns/1?token=${TOKEN}&x=1`), {});
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('1?x=1');
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ghostwire_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    const pair = cookie.split(';')[0] ?? '';
    expect((await getJson('readyz', { cookie: pair })).status).not.toBe(401);
    // API links work directly
    const api = await httpFetch(url(`healthz?token=${TOKEN}`));
    expect(api.status).toBe(200);
  });

  it('serves the v1 document, valid against the OpenAPI schema, and /readyz after it', async () => {
    const r = await getJson('json');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = r.body as DiscoveryResultV1;
    expect(schemaErrors('DiscoveryResult', doc)).toEqual([]);
    expect(doc['network-namespaces'].length).toBeGreaterThan(0);
    const ready = await getJson('readyz');
    expect(ready.status).toBe(200);
    expect(schemaErrors('Ready', ready.body)).toEqual([]);
    expect((await getJson('json?ieappicons')).status).toBe(200);
    expect((await getJson('json?ieappicons=off')).status).toBe(200);
    expect(await getJson('json?ieappicons=%3Cx')).toMatchObject({
      status: 400,
      body: { code: 'GW_ERR_HTTP_BAD_REQUEST' },
    });
  });

  it('serves /mobyshark by the capture-target rules', async () => {
    const r = await getJson('mobyshark');
    expect(r.status).toBe(200);
    const d = r.body as TargetDiscoveryResultV1;
    expect(schemaErrors('TargetDiscoveryResult', d)).toEqual([]);
    const procs = d.containers.filter((t) => t.type === 'proc');
    expect(procs.length).toBeGreaterThan(0);
    // start times (clock ticks since boot) let consumers detect netns inode reuse
    expect(procs.some((t) => t.starttime > 0)).toBe(true);
    for (const t of d.containers) {
      if (t.type === 'bindmount') expect([t.pid, t.starttime, t.prefix]).toEqual([0, 0, '']);
      else expect(t.pid).toBeGreaterThan(0);
    }
    expect(d.containers.some((t) => t.name === 'kthreadd(2)')).toBe(false);
    // no DOWN interface in any target: compare with /json
    const doc = (await getJson('json')).body as DiscoveryResultV1;
    const down = new Set(
      doc['network-namespaces'].flatMap((n) =>
        n['network-interfaces']
          .filter((i) => i.operstate === 'DOWN')
          .map((i) => `${n.netnsid}/${i.name}`),
      ),
    );
    for (const t of d.containers)
      for (const n of t['network-interfaces']) expect(down.has(`${t.netns}/${n}`)).toBe(false);
    const pods = d.containers.filter((t) => t.type === 'pod').map((t) => t.name);
    expect(new Set(pods).size).toBe(pods.length);
  });

  it('answers wrong methods with 405 + Allow and unknown API paths with JSON 404', async () => {
    for (const [m, p] of [
      ['POST', 'json'],
      ['DELETE', 'mobyshark'],
      ['PUT', 'healthz'],
      ['POST', 'metrics'],
      ['POST', 'some/page'],
    ] as const) {
      const r = await httpFetch(url(p), { method: m, headers: AUTH });
      expect(r.status, `${m} ${p}`).toBe(405);
      expect(r.headers.get('allow')).toMatch(/GET/);
      expect(await r.json()).toMatchObject({ code: 'GW_ERR_HTTP_METHOD' });
    }
    const nf = await getJson('api/nope');
    expect(nf).toMatchObject({ status: 404, body: { code: 'GW_ERR_HTTP_NOT_FOUND' } });
    expect(schemaErrors('Error', nf.body)).toEqual([]);
    const big = await httpFetch(url('json'), {
      method: 'GET',
      headers: { ...AUTH, 'x-big': 'x'.repeat(20_000) },
    });
    expect(big.status).toBe(431);
    expect(await big.json()).toMatchObject({ code: 'GW_ERR_HTTP_BAD_REQUEST' });
    const ws = await getJson('api/events/ws');
    expect(ws).toMatchObject({ status: 426, body: { code: 'GW_ERR_HTTP_UPGRADE_REQUIRED' } });
  });

  it('serves the UI page with base href, dynvars and a CSP nonce', async () => {
    const r = await httpFetch(url('netns/42'), {
      headers: { ...AUTH, 'x-forwarded-prefix': '/discover', 'enable-monolith': '1' },
    });
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('<base href="/discover/">');
    const m = /<script nonce="([^"]+)">window\.dynvars = (\{[^<]*\})<\/script>/.exec(html);
    expect(JSON.parse(m?.[2] ?? 'null')).toEqual({
      enableMonolith: true,
      brand: 'Acme',
      brandicon: '',
    });
    expect(r.headers.get('content-security-policy')).toContain(`'nonce-${m?.[1] ?? ''}'`);
    const plain = await (
      await httpFetch(url(''), { headers: { ...AUTH, 'x-forwarded-uri': '/gw/' } })
    ).text();
    expect(plain).toContain('<base href="/gw/">');
    expect(plain).toContain('"enableMonolith":false');
    const spec = await getJson('api/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body).toMatchObject({ openapi: '3.1.0' });
  });

  it('runs discovery on a worker thread niced below the HTTP thread', () => {
    const pid = srv?.proc.pid as number;
    const niceOf = (tid: string): number => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); // field 19
    };
    const main = niceOf(String(pid));
    const nices = readdirSync(`/proc/${pid}/task`).map(niceOf);
    expect(nices).toContain(Math.max(main, 10));
    if (main < 10) expect(Math.max(...nices)).toBeGreaterThan(main);
  });

  it('shares one discovery between concurrent /json requests', async () => {
    const count = async (): Promise<number> => {
      const text = await (await httpFetch(url('metrics'), { headers: AUTH })).text();
      return Number(/^ghostwire_discoveries_total (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    const before = await count();
    const rs = await Promise.all(
      Array.from({ length: 40 }, () => httpFetch(url('json'), { headers: AUTH })),
    );
    expect(rs.map((r) => r.status)).toEqual(rs.map(() => 200));
    await Promise.all(rs.map((r) => r.text()));
    const after = await count();
    // one flight (plus at most one reconcile or engine-triggered discovery in between)
    expect(after - before).toBeGreaterThanOrEqual(1);
    expect(after - before).toBeLessThanOrEqual(3);
    const text = await (await httpFetch(url('metrics'), { headers: AUTH })).text();
    for (const name of [
      'ghostwire_netns',
      'ghostwire_nifs{',
      'ghostwire_discovery_duration_seconds_bucket',
      'ghostwire_discovery_phase_seconds{phase="network"}',
      'process_open_fds',
      'process_resident_memory_bytes',
      'ghostwire_process_threads',
    ])
      expect(text).toContain(name);
  });

  it.skipIf(!IS_ROOT)(
    'puts a new veth pair on the feed (SSE and websocket), resumable with Last-Event-ID',
    async () => {
      const sse = await openSse(url('api/events'), AUTH);
      expect(sse.status).toBe(200);
      expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
      const wsEvents: FeedEventV1[] = [];
      const ws = new WebSocket(url('api/events/ws').replace(/^http/, 'ws'), { headers: AUTH });
      ws.on('message', (d: Buffer) => wsEvents.push(JSON.parse(d.toString()) as FeedEventV1));
      await new Promise<void>((res, rej) => {
        ws.once('open', () => res());
        ws.once('error', rej);
      });
      cleanups.push(() => ws.terminate());
      // `ghostwire watch` as a terminal client of the same feed
      const watch = spawn(
        process.execPath,
        [CLI, 'watch', '--url', url(''), '--token', TOKEN, '--filter', 'nif'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let watched = '';
      watch.stdout.on('data', (b: Buffer) => (watched += b.toString()));
      cleanups.push(() => watch.kill('SIGTERM'));
      // a first reconcile establishes the baseline (the service has had discoveries already)
      await new Promise((r) => setTimeout(r, 1_000));
      const name = uniqueName('gwt');
      execFileSync('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`]);
      cleanups.push(() => {
        try {
          execFileSync('ip', ['link', 'del', name], { stdio: 'pipe' });
        } catch {
          // already gone
        }
      });
      const t0 = Date.now();
      const hit = await sse.waitFor(
        (e) => e.event === 'nif-added' && e.data.includes(`"name":"${name}"`),
        15_000,
      );
      const latency = Date.now() - t0;
      const ev = JSON.parse(hit.data) as FeedEventV1;
      expect(schemaErrors('FeedEvent', ev)).toEqual([]);
      expect(ev).toMatchObject({ type: 'nif-added', nif: { kind: 'veth', name } });
      expect(String(ev.seq)).toBe(hit.id);
      expect(latency).toBeLessThan(15_000);
      await expect
        .poll(() => wsEvents.some((e) => e.type === 'nif-added' && e.nif.name === name), {
          timeout: 5_000,
        })
        .toBe(true);
      await expect
        .poll(() => watched, { timeout: 5_000 })
        .toMatch(new RegExp(`nif-added +${name} \\(veth`));
      // resume: everything after the event before ours is replayed, ours included
      const resumed = await openSse(url('api/events'), {
        ...AUTH,
        'last-event-id': String(ev.seq - 1),
      });
      const again = await resumed.waitFor((e) => e.id === String(ev.seq), 5_000);
      expect(again.data).toBe(hit.data);
      resumed.close();
      execFileSync('ip', ['link', 'del', name]);
      const gone = await sse.waitFor(
        (e) => e.event === 'nif-removed' && e.data.includes(`"name":"${name}"`),
        15_000,
      );
      expect(schemaErrors('FeedEvent', JSON.parse(gone.data))).toEqual([]);
      sse.close();
      expect(await getJson('api/events?since=abc')).toMatchObject({
        status: 400,
        body: { code: 'GW_ERR_HTTP_BAD_REQUEST' },
      });
      expect(await getJson('api/events?types=bogus')).toMatchObject({ status: 400 });
    },
  );

  it('refuses websocket upgrades without the token or from another origin', async () => {
    const status = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve) => {
        const ws = new WebSocket(url('api/events/ws').replace(/^http/, 'ws'), { headers });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => {
          resolve(101);
          ws.close();
        });
        ws.on('error', () => undefined);
      });
    expect(await status({})).toBe(401);
    expect(await status({ ...AUTH, origin: 'http://evil.example' })).toBe(403);
    expect(await status({ ...AUTH, origin: new URL(url('')).origin })).toBe(101);
  });
});

describe.skipIf(!SERVE_BUILT)(`ghostwire serve shutdown${SKIP}`, () => {
  it('finishes a request in flight on SIGTERM and exits 0', async () => {
    const s = await startServe(['--shutdown', '20s', '--reconcile', '0', '--debug']);
    try {
      const pending = httpFetch(new URL('json', s.url));
      // SIGTERM only once the server has the request (under load a fixed delay is not enough)
      await expect
        .poll(
          () =>
            /"msg":"incoming request"[^\n]*"url":"\/json"|"url":"\/json"[^\n]*"msg":"incoming request"/.test(
              s.stdout(),
            ),
          {
            timeout: 30_000,
            interval: 20,
          },
        )
        .toBe(true);
      s.proc.kill('SIGTERM');
      const r = await pending;
      expect(r.status).toBe(200);
      const doc = (await r.json()) as DiscoveryResultV1;
      expect(doc.metadata['creator-id']).toBe('gostwire');
      expect(await s.exited).toBe(0);
      expect(s.stderr()).toContain('SIGTERM, shutting down');
      // one log line per request, JSON
      const lines = s
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string; url?: string });
      expect(lines.some((l) => l.msg === 'request' && l.url === '/json')).toBe(true);
    } finally {
      await s.stop();
    }
  });
});
