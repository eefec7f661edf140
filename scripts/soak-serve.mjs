#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Soak test of the service (bounded; loopback only): starts `bin/ghostwire serve` on a free
 * loopback port and for --seconds (default 60) runs --clients (default 8) request loops over
 * every endpoint (including hostile ones: bad methods, bad query values, huge headers, SSE
 * streams opened and dropped, websocket feeds opened and dropped), netns churn (as root: a
 * `gwt-soak-<rand>` netns with a veth pair every 500 ms, deleted 500 ms later) and container
 * churn (with Docker reachable: a `gwt-soak-<rand>` busybox container started and removed every
 * 5 s — the shared engines themselves are never restarted). Reports requests by status,
 * errors (5xx, connection failures, wrong statuses), and the service's fds, threads and RSS at
 * start and end. Removes everything it created. Exit 1 when any error was seen.
 * Usage: node scripts/soak-serve.mjs [--seconds 60] [--clients 8]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const IMAGE = 'localhost/gwtest/busybox:latest';
const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(`--${k}`);
  const v = i < 0 ? d : Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 1 || v > 3600) throw new Error(`bad --${k}`);
  return v;
};
const SECONDS = opt('seconds', 60);
const CLIENTS = Math.min(opt('clients', 8), 64);

function status(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    fds: readdirSync(`/proc/${pid}/fd`).length,
    threads: Number(/^Threads:\s+(\d+)/m.exec(s)?.[1]),
    rssMiB: Math.round(Number(/^VmRSS:\s+(\d+)/m.exec(s)?.[1]) / 1024),
  };
}

function call(url, { method = 'GET', headers = {}, dropAfterMs } = {}) {
  return new Promise((resolve) => {
    const req = request(url, { method, headers }, (res) => {
      if (dropAfterMs !== undefined) {
        setTimeout(() => {
          req.destroy();
          resolve(res.statusCode);
        }, dropAfterMs);
      }
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(res.statusCode));
    });
    req.setTimeout(120_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve(dropAfterMs === undefined ? `error ${e.message}` : 0));
    req.end();
  });
}

const CASES = [
  ['/json', {}, [200]],
  ['/mobyshark', {}, [200]],
  ['/healthz', {}, [200]],
  ['/readyz', {}, [200]],
  ['/metrics', {}, [200]],
  ['/', {}, [200]],
  [
    '/some/client/route',
    { headers: { 'x-forwarded-prefix': '/p', 'enable-monolith': '1' } },
    [200],
  ],
  ['/api/openapi.json', {}, [200]],
  ['/api/nope', {}, [404]],
  ['/json', { method: 'POST' }, [405]],
  ['/json?ieappicons=%00', {}, [400]],
  ['/mobydig', {}, [400]],
  ['/api/events?since=-1', {}, [400]],
  ['/json', { headers: { 'x-junk': 'x'.repeat(40_000) } }, [431]],
  ['/api/events', { dropAfterMs: 200 }, [200, 0]],
  ['/%2e%2e/%2e%2e/etc/passwd', {}, [200]],
];

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'server', 'discovery-worker.js')))
    throw new Error('run `npm run build` first');
  const root = process.getuid?.() === 0;
  const proc = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'ghostwire'),
      'serve',
      '--http',
      '127.0.0.1:0',
      '--silent',
      '--reconcile',
      '1s',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  const base = await new Promise((resolve, reject) => {
    proc.stderr.on('data', (b) => {
      err += b.toString();
      const m = /serving on (http:\/\/\S+)\//.exec(err);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
  });
  const created = { netns: new Set(), containers: new Set() };
  const cleanup = () => {
    for (const n of created.netns) spawnSync('ip', ['netns', 'del', n]);
    for (const c of created.containers) spawnSync('docker', ['rm', '-f', c], { stdio: 'ignore' });
    if (proc.exitCode === null) proc.kill('SIGKILL');
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

  while ((await call(`${base}/readyz`)) !== 200) await new Promise((r) => setTimeout(r, 200));
  const start = status(proc.pid);
  const deadline = Date.now() + SECONDS * 1000;
  const counts = new Map();
  const errors = [];
  const clients = Array.from({ length: CLIENTS }, async (_, k) => {
    for (let i = k; Date.now() < deadline; i++) {
      const [path, o, ok] = CASES[i % CASES.length];
      const s = await call(`${base}${path}`, o);
      counts.set(
        `${path.slice(0, 30)} ${o.method ?? 'GET'} ${s}`,
        (counts.get(`${path.slice(0, 30)} ${o.method ?? 'GET'} ${s}`) ?? 0) + 1,
      );
      if (!ok.includes(s)) errors.push(`${o.method ?? 'GET'} ${path.slice(0, 60)} → ${s}`);
    }
  });
  const churn = (async () => {
    if (!root) return;
    while (Date.now() < deadline) {
      const n = `gwt-soak-${randomBytes(3).toString('hex')}`;
      created.netns.add(n);
      spawnSync('ip', ['netns', 'add', n]);
      spawnSync('ip', ['-n', n, 'link', 'add', 'a', 'type', 'veth', 'peer', 'name', 'b']);
      await new Promise((r) => setTimeout(r, 500));
      spawnSync('ip', ['netns', 'del', n]);
      created.netns.delete(n);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const engines = (async () => {
    const ok = spawnSync('docker', ['version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
    if (!ok) return;
    while (Date.now() < deadline) {
      const c = `gwt-soak-${randomBytes(3).toString('hex')}`;
      created.containers.add(c);
      spawnSync('docker', ['run', '-d', '--name', c, IMAGE, 'sleep', '60'], {
        stdio: 'ignore',
        timeout: 30_000,
      });
      await new Promise((r) => setTimeout(r, 2_500));
      spawnSync('docker', ['rm', '-f', c], { stdio: 'ignore', timeout: 30_000 });
      created.containers.delete(c);
      await new Promise((r) => setTimeout(r, 2_500));
    }
  })();
  await Promise.all([...clients, churn, engines]);
  await new Promise((r) => setTimeout(r, 2_000));
  const end = status(proc.pid);
  proc.kill('SIGTERM');
  const code = await new Promise((r) => proc.once('exit', r));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const out = [
    `soak: ${SECONDS} s, ${CLIENTS} clients, ${total} requests, ${errors.length} errors; netns churn ${root ? 'on' : 'off (not root)'}`,
  ];
  out.push(
    `soak: service fds ${start.fds}→${end.fds}, threads ${start.threads}→${end.threads}, RSS ${start.rssMiB}→${end.rssMiB} MiB; exit code after SIGTERM ${code}`,
  );
  for (const [k, v] of [...counts].sort()) out.push(`  ${String(v).padStart(6)}  ${k}`);
  for (const e of errors.slice(0, 20)) out.push(`  ERROR ${e}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (errors.length > 0 || code !== 0) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`soak: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
