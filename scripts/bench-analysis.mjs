#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Analysis benchmark (`npm run bench:analysis`, root): builds the synthetic host of
 * scripts/bench (N network namespaces: veth pairs to bridges, macvlan, vxlan, nested chains,
 * v4+v6 addresses, extra routes, a policy table), runs one warm discovery, then times on that
 * warm model
 *   - readNetnsFacts (forwarding sysctls + nf_tables dumps of every netns),
 *   - `why` between random pairs of bench netns (median and max over --pairs),
 *   - `lint` of the whole host,
 *   - diffV1 of two v1 documents of the host (two discoveries),
 * prints a markdown table and removes everything it created. Usage:
 * node scripts/bench-analysis.mjs [--n 100,500] [--runs 5] [--pairs 50].
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchHost } from './bench/build.mjs';
import { median } from './bench/plan.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const opts = { n: [100, 500], runs: 5, pairs: 50 };
for (let i = 2; i < process.argv.length; i += 2) {
  const [a, v] = [process.argv[i], process.argv[i + 1]];
  if (a === '--n') opts.n = v.split(',').map(Number);
  else if (a === '--runs') opts.runs = Number(v);
  else if (a === '--pairs') opts.pairs = Number(v);
  else throw new Error(`unknown argument ${a}`);
}

const imp = (p) => import(join(ROOT, 'dist', p));
const { discover, configureDefaultDiscoveryContext, closeDefaultDiscoveryContext } =
  await imp('discovery/index.js');
const { readNetnsFacts } = await imp('network/index.js');
const { why, lint, diffV1, LINT_RULES } = await imp('analysis/index.js');
const { toV1 } = await imp('api/v1/index.js');

// Synchronous analyses are timed in CPU time of this process (user + system): on a shared,
// loaded machine wall-clock time mostly measures the other processes. Async work (readNetnsFacts:
// native threads, syscalls) and discover() are timed in wall-clock time.
const time = async (fn) => {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
};
const cpu = (fn) => {
  const c = process.cpuUsage();
  const r = fn();
  const d = process.cpuUsage(c);
  return [(d.user + d.system) / 1000, r];
};
const min = (xs) => Math.min(...xs);
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

configureDefaultDiscoveryContext({ engineWaitMs: 0, watch: false });
const rows = [];
for (const n of opts.n) {
  const host = new BenchHost(`gwt-bench-${randomBytes(3).toString('hex')}`);
  try {
    process.stderr.write(`bench-analysis: N=${n}: building… `);
    await host.build(n);
    process.stderr.write('done\n');
    await discover(); // warm-up
    const [discMs, result] = await time(() => discover());
    const ours = new Set(host.netns.map((x) => statSync(`/run/netns/${x}`).ino));
    const factsT = [];
    let facts;
    for (let r = 0; r < opts.runs; r++) {
      const [t, f] = await time(() => readNetnsFacts(result.namespaces, result.network));
      factsT.push(t);
      facts = f.facts;
    }
    const names = host.netns;
    const whyT = [];
    const verdicts = {};
    for (let k = 0; k < opts.pairs; k++) {
      const a = names[(k * 7919) % names.length];
      const b = names[(k * 104729 + 13) % names.length];
      const [t, r] = cpu(() => why(result, facts, { from: a, to: `${b}:80` }));
      whyT.push(t);
      const v = r.ok ? r.answer.verdict : 'error';
      verdicts[v] = (verdicts[v] ?? 0) + 1;
    }
    const lintT = [];
    let findings = 0;
    for (let r = 0; r < opts.runs; r++) {
      const [t, f] = cpu(() => lint({ result, facts }));
      lintT.push(t);
      findings = f.length;
    }
    for (const fam of LINT_RULES) {
      const [t] = cpu(() => fam.check({ result, facts }));
      process.stderr.write(`bench-analysis: N=${n}: lint family ${fam.name} ${ms(t)}\n`);
    }
    const docA = toV1(result, { creatorVersion: 'bench' });
    const docB = toV1(await discover(), { creatorVersion: 'bench' });
    const diffT = [];
    for (let r = 0; r < opts.runs; r++) diffT.push(cpu(() => diffV1(docA, docB))[0]);
    rows.push({
      n,
      total: result.network.netns.size,
      ours: ours.size,
      discMs,
      facts: median(factsT),
      whyMed: median(whyT),
      whyMin: min(whyT),
      lintMin: min(lintT),
      diffMin: min(diffT),
      whyMax: Math.max(...whyT),
      verdicts,
      lint: median(lintT),
      findings,
      diff: median(diffT),
    });
  } finally {
    host.destroy();
  }
}
closeDefaultDiscoveryContext();
const out = [
  '| N bench netns (host total) | warm discover() (wall) | readNetnsFacts (wall) | why CPU median (min / max) | lint CPU median (min), findings | diffV1 CPU median (min) |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const r of rows) {
  out.push(
    `| ${r.n} (${r.total}) | ${ms(r.discMs)} | ${ms(r.facts)} | ${ms(r.whyMed)} (${ms(r.whyMin)} / ${ms(r.whyMax)}) | ${ms(r.lint)} (${ms(r.lintMin)}), ${r.findings} | ${ms(r.diff)} (${ms(r.diffMin)}) |`,
  );
}
out.push(
  '',
  `why verdicts: ${rows.map((r) => `N=${r.n} ${JSON.stringify(r.verdicts)}`).join('; ')}`,
);
process.stdout.write(out.join('\n') + '\n');
