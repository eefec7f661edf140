#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Service benchmark (`npm run bench:serve`, root, built tree): builds the synthetic host of N
 * network namespaces (scripts/bench/build.mjs), compiles and runs the raw-netlink reference
 * (scripts/bench/rawnetlink.c: the same link/addr/route/rule dumps of the bench netns on 2
 * threads, nothing else), starts `bin/ghostwire serve` on a loopback port and measures:
 *   - /healthz and / (UI page) latency p50/p99/max WHILE discoveries are in flight;
 *   - warm /json latency (median of --runs) and its ratio to the raw-netlink time;
 *   - 200 concurrent /json clients: statuses and how many discoveries served them;
 *   - --seq sequential discoveries: fd, thread and RSS growth of the service;
 *   - peak RSS (VmHWM) of the service;
 *   - feed latency: a veth created in a bench netns until its nif-added event arrives
 *     (second server with --reconcile 0, so only the RTNETLINK source can deliver it; the
 *     time includes spawning `ip`), median of 3;
 *   - container feed latency: a `docker run` until its container-started event, measured from
 *     the container's StartedAt (engine source, reconcile off), median of 3, if docker and the
 *     scripts/engines-up.sh test image are there.
 * Prints a markdown table; removes everything it created (also on Ctrl-C or failure).
 * Usage: node scripts/bench-serve.mjs [--n 500] [--runs 5] [--seq 1000] [--clients 200]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchHost } from './bench/build.mjs';
import { median } from './bench/plan.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = { n: 500, runs: 5, seq: 1000, clients: 200 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]?.replace(/^--/, '');
    const v = Number(argv[i + 1]);
    if (!(k in o) || !Number.isInteger(v) || v < 1) throw new Error(`bad argument ${argv[i]}`);
    o[k] = v;
  }
  return o;
}

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { headers }, (res) => {
      let n = 0;
      res.on('data', (b) => (n += b.length));
      res.on('end', () =>
        resolve({ status: res.statusCode, bytes: n, ms: performance.now() - t0 }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function startServe(args) {
  const proc = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'ghostwire'), 'serve', '--http', '127.0.0.1:0', '--silent', ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  const url = await new Promise((resolve, reject) => {
    proc.stderr.on('data', (b) => {
      err += b.toString();
      const m = /serving on (http:\/\/\S+\/)/.exec(err);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
  });
  for (;;) {
    const r = await get(`${url}readyz`);
    if (r.status === 200) break;
    await new Promise((r2) => setTimeout(r2, 200));
  }
  return {
    proc,
    url,
    stop: () =>
      new Promise((r) =>
        proc.exitCode !== null ? r() : (proc.once('exit', r), proc.kill('SIGTERM')),
      ),
  };
}

function procStatus(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  return {
    rssMiB: kb('VmRSS') / 1024,
    hwmMiB: kb('VmHWM') / 1024,
    threads: kb('Threads'),
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

async function discoveries(url) {
  const text = await new Promise((resolve, reject) => {
    request(`${url}metrics`, (res) => {
      let t = '';
      res.on('data', (b) => (t += b));
      res.on('end', () => resolve(t));
    })
      .on('error', reject)
      .end();
  });
  return Number(/^ghostwire_discoveries_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (process.getuid?.() !== 0) throw new Error('run as root (it builds network namespaces)');
  if (!existsSync(join(ROOT, 'dist', 'server', 'discovery-worker.js')))
    throw new Error('run `npm run build` first');
  const prefix = `gwt-bench-${randomBytes(3).toString('hex')}`;
  const host = new BenchHost(prefix);
  const tmp = mkdtempSync(join(tmpdir(), 'gwt-bench-serve-'));
  const servers = [];
  const cleanup = () => {
    for (const s of servers) s.proc.kill('SIGKILL');
    host.destroy();
    rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  const log = (s) => process.stderr.write(`bench-serve: ${s}\n`);

  log(`building N=${o.n} (${prefix}-…)`);
  const plan = await host.build(o.n);
  const raw = join(tmp, 'rawnetlink');
  const cc = spawnSync(
    'cc',
    ['-O2', '-pthread', '-o', raw, join(ROOT, 'scripts', 'bench', 'rawnetlink.c')],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
  const nsList = `${['/proc/self/ns/net', ...plan.netns.filter((x) => existsSync(`/run/netns/${x}`)).map((x) => `/run/netns/${x}`)].join('\n')}\n`;
  const rawMs = [];
  for (let i = 0; i < 3; i++)
    rawMs.push(JSON.parse(spawnSync(raw, [], { input: nsList, encoding: 'utf8' }).stdout).ms);
  log(`raw netlink: ${median(rawMs).toFixed(1)} ms`);

  const srv = await startServe(['--reconcile', '0']);
  servers.push(srv);
  const pid = srv.proc.pid;
  // warm /json
  const warm = [];
  let bytes = 0;
  for (let i = 0; i < o.runs; i++) {
    const r = await get(`${srv.url}json`);
    if (r.status !== 200) throw new Error(`/json ${r.status}`);
    warm.push(r.ms);
    bytes = r.bytes;
  }
  log(`warm /json: ${median(warm).toFixed(0)} ms (${(bytes / 1e6).toFixed(1)} MB)`);
  // probes during in-flight discoveries
  const health = [];
  const page = [];
  const metrics = [];
  for (let i = 0; i < 3; i++) {
    let done = false;
    const pending = get(`${srv.url}json`).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 5));
    while (!done) {
      health.push((await get(`${srv.url}healthz`)).ms);
      page.push((await get(`${srv.url}netns/1`)).ms);
      metrics.push((await get(`${srv.url}metrics`)).ms);
    }
    await pending;
  }
  log(`in flight: /healthz p99 ${pct(health, 99).toFixed(2)} ms over ${health.length}`);
  // concurrent clients
  const before = await discoveries(srv.url);
  const conc = await Promise.all(Array.from({ length: o.clients }, () => get(`${srv.url}json`)));
  const after = await discoveries(srv.url);
  const ok = conc.filter((r) => r.status === 200).length;
  log(`${o.clients} concurrent: ${ok} × 200, ${after - before} discoveries`);
  // sequential discoveries: growth
  const s0 = procStatus(pid);
  const t0 = performance.now();
  for (let i = 0; i < o.seq; i++) {
    const r = await get(`${srv.url}json`);
    if (r.status !== 200) throw new Error(`/json ${r.status} at ${i}`);
  }
  const seqS = (performance.now() - t0) / 1000;
  const s1 = procStatus(pid);
  log(
    `${o.seq} sequential in ${seqS.toFixed(0)} s: fds ${s0.fds}→${s1.fds}, threads ${s0.threads}→${s1.threads}, RSS ${s0.rssMiB.toFixed(0)}→${s1.rssMiB.toFixed(0)} MiB`,
  );
  await srv.stop();

  // feed latency
  const fsrv = await startServe(['--reconcile', '0']);
  servers.push(fsrv);
  const feed = [];
  const target = plan.netns.find((x) => existsSync(`/run/netns/${x}`));
  for (let i = 0; i < 3; i++) {
    const name = `gwtfl${randomBytes(3).toString('hex')}`;
    const latency = await new Promise((resolve, reject) => {
      const req = request(`${fsrv.url}api/events?types=nif-added`, (res) => {
        let buf = '';
        let t = 0;
        res.on('data', (b) => {
          buf += b.toString();
          if (t > 0 && buf.includes(`"name":"${name}"`) && buf.includes('"source":"netlink"')) {
            resolve(performance.now() - t);
            req.destroy();
          }
        });
        setTimeout(() => {
          t = performance.now();
          spawnSync('ip', [
            '-n',
            target,
            'link',
            'add',
            name,
            'type',
            'veth',
            'peer',
            'name',
            `${name}p`,
          ]);
        }, 1_000);
        setTimeout(() => reject(new Error('feed event did not arrive in 60 s')), 60_000).unref();
      });
      req.on('error', () => undefined);
      req.end();
    });
    spawnSync('ip', ['-n', target, 'link', 'del', name]);
    feed.push(latency);
  }
  // container feed latency: the container's StartedAt (engine clock = host clock) until its
  // container-started event arrives, median of 3 (needs docker and the engines-up.sh image)
  const ctrFeed = [];
  const img = 'localhost/gwtest/busybox';
  if (spawnSync('docker', ['image', 'inspect', img], { stdio: 'ignore' }).status === 0) {
    for (let i = 0; i < 3; i++) {
      const name = `gwt-bench-${randomBytes(3).toString('hex')}`;
      try {
        const arrived = await new Promise((resolve, reject) => {
          const req = request(`${fsrv.url}api/events?types=container-started`, (res) => {
            let buf = '';
            res.on('data', (b) => {
              buf += b.toString();
              if (buf.includes(`"name":"${name}"`)) {
                resolve(Date.now());
                req.destroy();
              }
            });
            setTimeout(() => {
              spawnSync('docker', ['run', '-d', '--name', name, img, 'sleep', '600']);
            }, 1_000);
            setTimeout(
              () => reject(new Error('container event did not arrive in 60 s')),
              60_000,
            ).unref();
          });
          req.on('error', () => undefined);
          req.end();
        });
        const started = spawnSync('docker', ['inspect', '-f', '{{.State.StartedAt}}', name], {
          encoding: 'utf8',
        }).stdout.trim();
        ctrFeed.push(arrived - Date.parse(started));
      } finally {
        spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
      }
    }
  }
  const hwm = procStatus(fsrv.proc.pid).hwmMiB;
  await fsrv.stop();

  const out = [];
  out.push(
    `Kernel ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, Node ${process.version}, N=${o.n} bench netns, ${o.runs} runs.`,
  );
  out.push('');
  out.push('| measure | value | target |');
  out.push('|---|---:|---|');
  out.push(
    `| /healthz during in-flight discovery, p50 / p99 / max (${health.length} requests) | ${pct(health, 50).toFixed(2)} / ${pct(health, 99).toFixed(2)} / ${Math.max(...health).toFixed(2)} ms | p99 ≤ 10 ms |`,
  );
  out.push(
    `| UI page during in-flight discovery, p50 / p99 | ${pct(page, 50).toFixed(2)} / ${pct(page, 99).toFixed(2)} ms | p99 ≤ 10 ms |`,
  );
  out.push(
    `| /metrics during in-flight discovery, p50 / p99 | ${pct(metrics, 50).toFixed(2)} / ${pct(metrics, 99).toFixed(2)} ms | p99 ≤ 10 ms |`,
  );
  out.push(
    `| raw-netlink reference (2 threads, link+addr+route+rule dumps) | ${median(rawMs).toFixed(1)} ms | — |`,
  );
  out.push(
    `| warm /json (worker, median) | ${median(warm).toFixed(0)} ms (${(median(warm) / median(rawMs)).toFixed(1)}× raw) | ≤ 1.2× raw |`,
  );
  out.push(
    `| ${o.clients} concurrent /json | ${ok} × 200, ${after - before} discoveries | all 200, one discovery |`,
  );
  out.push(
    `| ${o.seq} sequential discoveries (${seqS.toFixed(0)} s) | fds ${s0.fds}→${s1.fds}, threads ${s0.threads}→${s1.threads}, RSS ${s0.rssMiB.toFixed(0)}→${s1.rssMiB.toFixed(0)} MiB (${(((s1.rssMiB - s0.rssMiB) / s0.rssMiB) * 100).toFixed(1)} %) | 0 fd/thread growth, ≤ 10 % RSS drift |`,
  );
  out.push(`| peak RSS of the service (VmHWM) | ${hwm.toFixed(0)} MiB | ≤ 128 MiB |`);
  out.push(
    `| feed latency, veth → nif-added (netlink source, reconcile off), median of 3 | ${median(feed).toFixed(0)} ms | ≤ 500 ms |`,
  );
  out.push(
    `| feed latency, container StartedAt → container-started (engine source, reconcile off), median of 3 | ${ctrFeed.length > 0 ? `${median(ctrFeed).toFixed(0)} ms` : 'n/a (no docker or test image)'} | ≤ 500 ms |`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench-serve: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
