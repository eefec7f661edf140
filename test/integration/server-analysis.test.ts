// SPDX-License-Identifier: MIT
/**
 * `GET /api/why` and `GET /api/lint` of the BUILT service (`bin/ghostwire serve` on a free
 * loopback port): parameter checks (400 JSON), a why answer between two netns this suite makes
 * (root only; `gwt-<rand>` names, removed in teardown) with a listener in one of them, and the
 * lint findings list. As non-root the netns case is skipped.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IS_ROOT, makeNetns, type TestNetns } from '../helpers/namespaces.js';
import { killPids } from '../helpers/processes.js';
import { PYTHON, waitForOutput } from '../helpers/python.js';
import { SERVE_BUILT, startServe, type Served } from '../helpers/serve.js';

let srv: Served | undefined;

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  if (srv === undefined) throw new Error('server not started');
  const r = await fetch(new URL(path, srv.url));
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe.skipIf(!SERVE_BUILT)('serve: /api/why and /api/lint', () => {
  const nets: TestNetns[] = [];
  let py: ChildProcess | undefined;
  beforeAll(async () => {
    srv = await startServe([]);
  });
  afterAll(async () => {
    killPids([py?.pid ?? -1]);
    for (const n of nets) n.cleanup();
    await srv?.stop();
  });

  it('refuses missing or bad parameters with 400 JSON', async () => {
    expect(await get('api/why?from=x')).toMatchObject({
      status: 400,
      body: { code: 'GW_ERR_HTTP_BAD_REQUEST' },
    });
    expect((await get('api/why?from=x&to=y&port=99999')).status).toBe(400);
    expect((await get('api/why?from=x&to=y&proto=icmp')).status).toBe(400);
    const unknown = await get('api/why?from=gwt-no-such-thing&to=10.0.0.1');
    expect(unknown.status).toBe(400);
    expect(String(unknown.body['message'])).toContain('gwt-no-such-thing');
  });

  it('serves the lint findings', async () => {
    const r = await get('api/lint');
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body['findings'])).toBe(true);
  });

  it.skipIf(!IS_ROOT)('answers why between two netns, as the CLI does', async () => {
    const a = makeNetns();
    const b = makeNetns();
    nets.push(a, b);
    const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe' });
    const tag = Math.random().toString(16).slice(2, 8);
    ip(
      'link',
      'add',
      `s${tag}a`,
      'netns',
      a.name,
      'type',
      'veth',
      'peer',
      'name',
      `s${tag}b`,
      'netns',
      b.name,
    );
    ip('-n', a.name, 'addr', 'add', '10.96.0.1/24', 'dev', `s${tag}a`);
    ip('-n', b.name, 'addr', 'add', '10.96.0.2/24', 'dev', `s${tag}b`);
    ip('-n', a.name, 'link', 'set', `s${tag}a`, 'up');
    ip('-n', b.name, 'link', 'set', `s${tag}b`, 'up');
    py = spawn(
      'ip',
      [
        'netns',
        'exec',
        b.name,
        PYTHON,
        '-c',
        "import socket,time;s=socket.socket();s.bind(('0.0.0.0',8080));s.listen();print('READY',flush=True);time.sleep(600)",
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await waitForOutput(py, /READY/, 60_000);
    const ok = await get(`api/why?from=${a.name}&to=${b.name}&port=8080`);
    expect(ok.status).toBe(200);
    expect(ok.body, JSON.stringify(ok.body['failure'])).toMatchObject({
      verdict: 'reachable',
      source: '10.96.0.1',
      destination: '10.96.0.2',
      port: 8080,
    });
    const no = await get(`api/why?from=${a.name}&to=10.96.0.2&port=8081&proto=tcp`);
    expect(no.body).toMatchObject({ verdict: 'unreachable', failure: { reason: 'no-listener' } });
  });
});
