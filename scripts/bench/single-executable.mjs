#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Single-executable benchmark (`npm run bench:package`; docs/performance.md): on this host, in
 * alternating order so drifting load hits both sides alike, the median of
 *   - `node -e 0` vs `dist/ghostwire --version` (start-up; target ≤ 1.2×),
 *   - a cold `dump` from the single file vs from the checkout (`bin/ghostwire dump`; target:
 *     no slower),
 * plus the executable's size and, with `--image <tag>`, the container image's size.
 * Usage: node scripts/bench/single-executable.mjs [--runs 21] [--dump-runs 7] [--image tag]
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './plan.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXE = join(ROOT, 'dist', 'ghostwire');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt('--runs', '21'));
const DUMP_RUNS = Number(opt('--dump-runs', '7'));
const IMAGE = opt('--image', undefined);

/**
 * A clean environment for every run: NODE_EXTRA_CA_CERTS (set on some machines) makes every
 * Node start-up parse a CA bundle (~100 ms here), which would hide the difference measured.
 */
const ENV = { ...process.env };
delete ENV.NODE_EXTRA_CA_CERTS;
delete ENV.NODE_OPTIONS;

function time(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env: ENV, stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}: exit ${r.status}`);
  return ms;
}

function pair(runs, a, b) {
  const ta = [];
  const tb = [];
  time(...a); // warm the page cache for both
  time(...b);
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      ta.push(time(...a));
      tb.push(time(...b));
    } else {
      tb.push(time(...b));
      ta.push(time(...a));
    }
  }
  return [median(ta), median(tb)];
}

const f = (x) => `${x.toFixed(0)} ms`;
const [node0, version] = pair(RUNS, [process.execPath, ['-e', '0']], [EXE, ['--version']]);
const [dumpCheckout, dumpExe] = pair(
  DUMP_RUNS,
  [process.execPath, [join(ROOT, 'bin', 'ghostwire'), 'dump']],
  [EXE, ['dump']],
);
const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;
const rows = [
  ['`node -e 0`', f(node0), ''],
  ['`dist/ghostwire --version`', f(version), `${(version / node0).toFixed(2)}× node -e 0`],
  ['cold `dump`, checkout (`bin/ghostwire`)', f(dumpCheckout), ''],
  [
    'cold `dump`, single executable',
    f(dumpExe),
    `${(dumpExe / dumpCheckout).toFixed(2)}× checkout`,
  ],
  ['`dist/ghostwire` size', mib(statSync(EXE).size), `${statSync(EXE).size} bytes`],
];
if (IMAGE !== undefined) {
  const r = spawnSync('docker', ['image', 'inspect', IMAGE, '--format', '{{.Size}}'], {
    encoding: 'utf8',
  });
  if (r.status === 0) rows.push(['image size', mib(Number(r.stdout)), `${r.stdout.trim()} bytes`]);
}
process.stdout.write(
  `| what (median of ${RUNS} / ${DUMP_RUNS} runs) | time / size | ratio |\n|---|---|---|\n` +
    rows.map((r) => `| ${r.join(' | ')} |`).join('\n') +
    '\n',
);
