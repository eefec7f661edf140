#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Ghostwire benchmark (`npm run bench`, root): for each N, builds a synthetic host of N network
 * namespaces (scripts/bench/plan.mjs: veth pairs to a few bridges, cross-netns macvlan and
 * vxlan, nested netns chains with moved veths, v4+v6 addresses, extra routes, a policy table,
 * processes holding netns), then times
 *   - cold: the whole `bin/ghostwire dump` process (median of --runs),
 *   - warm: in-process `discover()` after one warm-up run (median), and discover()+toV1+JSON,
 *     with the phase shares (namespaces; the network phase's own steps; network ∥ containers
 *     as the orchestrator runs them side by side; ports; forwards — the forwarding scenario:
 *     every 10th bench netns has an nf_tables nat table with 20 DNAT rules, see docs/performance.md),
 *   - the `ip -j link/addr/route` per-namespace shell loop on the same host (on a sample of
 *     namespaces when N is large, extrapolated to all bench netns — printed as such),
 * prints medians and ratios as a markdown table, and removes everything it created (also on
 * Ctrl-C or failure). Usage: node scripts/bench.mjs [--n 10,100,500] [--runs 5] [--sample 30]
 * [--root <dir>]. Needs a built tree (`npm run build`, addon built); `--root` benchmarks another
 * built copy (default: this repository).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchHost } from './bench/build.mjs';
import { median } from './bench/plan.mjs';

let ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { n: [10, 100, 500], runs: 5, sample: 30 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--n' && v !== undefined) {
      opts.n = v.split(',').map(Number);
      i++;
    } else if (a === '--runs' && v !== undefined) {
      opts.runs = Number(v);
      i++;
    } else if (a === '--sample' && v !== undefined) {
      opts.sample = Number(v);
      i++;
    } else if (a === '--root' && v !== undefined) {
      ROOT = v;
      i++;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: node scripts/bench.mjs [--n 10,100,500] [--runs 5] [--sample 30] [--root <built tree>]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (opts.n.some((x) => !Number.isInteger(x) || x < 2) || !(opts.runs >= 1) || !(opts.sample >= 1))
    throw new Error('bad --n/--runs/--sample');
  return opts;
}

const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 0)} ms` : 'n/a');
const ratio = (a, b) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a';

function timeCold(runs) {
  const bin = join(ROOT, 'bin', 'ghostwire');
  const times = [];
  for (let r = 0; r < runs; r++) {
    const devnull = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const res = spawnSync(process.execPath, [bin, 'dump'], {
      stdio: ['ignore', devnull, 'pipe'],
      maxBuffer: 64 << 20,
    });
    const t = performance.now() - t0;
    closeSync(devnull);
    if (res.status !== 0) throw new Error(`ghostwire dump failed (${res.status}): ${res.stderr}`);
    times.push(t);
  }
  return times;
}

/** Inodes of the bench's netns: bind mounts of the plan plus the process-only netns of its PIDs. */
function benchInodes(plan, host) {
  const inos = new Set();
  for (const x of plan.netns) {
    try {
      inos.add(statSync(`/run/netns/${x}`).ino);
    } catch {
      // not created
    }
  }
  for (const pid of host.pids) {
    try {
      inos.add(statSync(`/proc/${pid}/ns/net`).ino);
    } catch {
      // gone
    }
  }
  return inos;
}

function checkDump(inos) {
  const res = spawnSync(process.execPath, [join(ROOT, 'bin', 'ghostwire'), 'dump', '--check'], {
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  if (res.status !== 0)
    throw new Error(`ghostwire dump --check failed (${res.status}): ${res.stderr.slice(0, 2000)}`);
  const doc = JSON.parse(res.stdout);
  const all = doc['network-namespaces'];
  const ours = all.filter((n) => inos.has(n.netnsid));
  return {
    total: all.length,
    ours: ours.length,
    expected: inos.size,
    nifs: all.reduce((s, n) => s + n['network-interfaces'].length, 0),
  };
}

async function timeWarm(runs) {
  const discovery = await import(join(ROOT, 'dist', 'discovery', 'index.js'));
  const { toV1 } = await import(join(ROOT, 'dist', 'api', 'v1', 'index.js'));
  // Builds before the per-run stats (timings.networkSteps) kept the last run's in the module.
  const { lastNetworkStats } = await import(join(ROOT, 'dist', 'network', 'index.js'));
  const { discover } = discovery;
  try {
    await discover(); // warm-up: JIT, module init, addon load, engine connections
    const disc = [];
    const full = [];
    const nsPhase = [];
    const netPhase = [];
    const netOwn = [];
    const portsPhase = [];
    const containersPhase = [];
    const forwardsPhase = [];
    // A/B, interleaved run by run: the same warm discovery without the forwards phase
    const noFwd = [];
    const withoutForwards =
      discovery.runDiscovery !== undefined && discovery.DEFAULT_PHASES?.forwards !== undefined
        ? { ...discovery.DEFAULT_PHASES, forwards: undefined }
        : undefined;
    for (let r = 0; r < runs; r++) {
      if (withoutForwards !== undefined) {
        const a = performance.now();
        await discovery.runDiscovery(withoutForwards, {});
        noFwd.push(performance.now() - a);
      }
      const t0 = performance.now();
      const result = await discover();
      const t1 = performance.now();
      JSON.stringify(toV1(result, { creatorVersion: 'bench' }));
      const t2 = performance.now();
      disc.push(t1 - t0);
      full.push(t2 - t0);
      nsPhase.push(result.timings.namespacesMs);
      netPhase.push(result.timings.networkMs);
      // The network phase's own steps (links, addresses, routes, rules, NSIDs, relations):
      // the orchestrator's networkMs also covers the containers phase that runs alongside.
      const steps = result.timings.networkSteps ?? lastNetworkStats?.().timings ?? {};
      netOwn.push(Object.values(steps).reduce((a, b) => a + b, 0));
      portsPhase.push(result.timings.portsMs ?? NaN);
      containersPhase.push(result.timings.containersMs ?? NaN);
      forwardsPhase.push(result.timings.forwardsMs ?? NaN);
    }
    // what the forwards phase asked the kernel for (one more run, counted)
    let fwdStats;
    try {
      const pf = await import(join(ROOT, 'dist', 'network', 'portfwd', 'index.js'));
      const result = await discover();
      fwdStats = pf.emptyForwardStats();
      await pf.discoverForwards(result.namespaces, result.network, result.ports, {
        stats: fwdStats,
      });
    } catch {
      fwdStats = undefined; // a tree without the forwards phase
    }
    return {
      disc,
      full,
      nsPhase,
      netPhase,
      netOwn,
      portsPhase,
      containersPhase,
      forwardsPhase,
      noFwd,
      fwdStats,
    };
  } finally {
    // Engine watchers of the default discovery context would keep this process alive.
    await discovery.closeDefaultDiscoveryContext?.();
  }
}

function timeIpLoop(names, sample, runs) {
  const picked = names.slice(0, Math.min(sample, names.length));
  const script =
    'for ns in "$@"; do ip -n "$ns" -j link >/dev/null; ip -n "$ns" -j addr >/dev/null; ip -n "$ns" -j route show table all >/dev/null; done';
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const res = spawnSync('bash', ['-c', script, 'bash', ...picked], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (res.status !== 0) throw new Error(`ip loop failed: ${res.stderr}`);
    times.push(performance.now() - t0);
  }
  const perNs = median(times) / picked.length;
  return {
    sampled: picked.length,
    perNs,
    estimate: perNs * names.length,
    extrapolated: picked.length < names.length,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (process.getuid?.() !== 0)
    throw new Error('the benchmark builds network namespaces: run it as root');
  for (const f of ['dist/cli/main.js', 'dist/discovery/index.js']) {
    if (!existsSync(join(ROOT, f)))
      throw new Error(`${f} missing: run \`npm run build\` (and build the addon) first`);
  }
  const hosts = [];
  const cleanup = () => {
    for (const h of hosts) h.destroy();
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, removing what was created…\n`);
      cleanup();
      process.exit(130);
    });
  }

  const rows = [];
  for (const n of opts.n) {
    const prefix = `gwt-bench-${randomBytes(3).toString('hex')}`;
    const host = new BenchHost(prefix);
    hosts.push(host);
    try {
      process.stderr.write(`bench: N=${n}: building ${prefix}-… `);
      const tb = performance.now();
      const plan = await host.build(n);
      const natNetns = await host.addNat(plan);
      process.stderr.write(
        `done in ${((performance.now() - tb) / 1000).toFixed(1)} s (${natNetns} netns with 20 DNAT rules)\n`,
      );
      const check = checkDump(benchInodes(plan, host));
      process.stderr.write(
        `bench: N=${n}: dump --check ok, ${check.total} netns on the host, ${check.ours}/${check.expected} of this bench found, ${check.nifs} nifs\n`,
      );
      if (check.ours !== check.expected)
        throw new Error(`dump missed ${check.expected - check.ours} bench netns`);
      const cold = timeCold(opts.runs);
      const warm = await timeWarm(opts.runs);
      const loop = timeIpLoop(plan.netns, opts.sample, Math.min(opts.runs, 3));
      rows.push({
        n,
        total: check.total,
        nifs: check.nifs,
        cold: median(cold),
        warm: median(warm.disc),
        warmV1: median(warm.full),
        nsPhase: median(warm.nsPhase),
        netPhase: median(warm.netPhase),
        netOwn: median(warm.netOwn),
        ports: median(warm.portsPhase),
        containers: median(warm.containersPhase),
        forwards: median(warm.forwardsPhase),
        noFwd: warm.noFwd.length === 0 ? NaN : median(warm.noFwd),
        fwdStats: warm.fwdStats,
        loop,
      });
    } finally {
      host.destroy();
    }
  }

  const out = [];
  out.push(
    `Kernel ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, Node ${process.version}, ${opts.runs} runs, medians.`,
  );
  out.push('');
  out.push(
    '| N (bench netns) | netns on host | nifs | cold `dump` | warm `discover()` | namespaces | network (links+addr+routes+rules) | network ∥ containers | ports | warm + v1 JSON | `ip -j` loop | loop / warm | loop / cold |',
  );
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const loopText = `${ms(r.loop.estimate)}${r.loop.extrapolated ? ` (est. from ${r.loop.sampled})` : ''}`;
    out.push(
      `| ${r.n} | ${r.total} | ${r.nifs} | ${ms(r.cold)} | ${ms(r.warm)} | ${ms(r.nsPhase)} | ${ms(r.netOwn)} | ${ms(r.netPhase)} | ${ms(r.ports)} | ${ms(r.warmV1)} | ${loopText} | ${ratio(r.loop.estimate, r.warm)} | ${ratio(r.loop.estimate, r.cold)} |`,
    );
  }
  out.push('');
  out.push(
    '| N (bench netns) | forwards phase | warm without forwards | warm with forwards | added | netns read | table queries | chain queries | rule+set queries | forwards |',
  );
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const st = r.fwdStats;
    const added = Number.isFinite(r.noFwd)
      ? `${((100 * (r.warm - r.noFwd)) / r.noFwd).toFixed(1)} %`
      : 'n/a';
    out.push(
      `| ${r.n} | ${ms(r.forwards)} | ${ms(r.noFwd)} | ${ms(r.warm)} | ${added} | ${st?.netns ?? 'n/a'} | ${st?.tableQueries ?? 'n/a'} | ${st?.chainQueries ?? 'n/a'} | ${st?.ruleAndSetQueries ?? 'n/a'} | ${st?.forwards ?? 'n/a'} |`,
    );
  }
  const r100 = rows.find((r) => r.n === 100);
  const r500 = rows.find((r) => r.n === 500);
  if (r100 !== undefined && r500 !== undefined) {
    out.push('');
    out.push(
      `Growth t(500)/t(100): warm ${ratio(r500.warm, r100.warm)} (namespaces ${ratio(r500.nsPhase, r100.nsPhase)}, network ${ratio(r500.netOwn, r100.netOwn)}), cold ${ratio(r500.cold, r100.cold)}.`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
