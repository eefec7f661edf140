#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * @module scripts/fuzz-netlink
 *
 * Longer fuzz run of the netlink decoders. The fuzzer is test scaffolding
 * (`test/helpers/netlink-fuzz.ts`, not shipped in `dist/`), so this script bundles it from the
 * TypeScript sources with esbuild (a devDependency) into memory and runs it. Feeds random and
 * mutated replies (corpus: test/fixtures/netlink) through every decoder; exits 1 and prints the
 * failing inputs (hex) if anything other than DecodeError / NetlinkError escapes.
 *
 *   node scripts/fuzz-netlink.mjs [iterations=200000] [seconds=60] [seed=random]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = await import('esbuild');
const built = await esbuild.build({
  entryPoints: [join(root, 'test/helpers/netlink-fuzz.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
const code = built.outputFiles[0].text;
const { runFuzz } = await import(
  `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
);

const iterations = Number(process.argv[2] ?? 200_000);
const seconds = Number(process.argv[3] ?? 60);
const seed =
  process.argv[4] === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(process.argv[4]);
if (!Number.isInteger(iterations) || iterations < 1 || !(seconds > 0) || !Number.isInteger(seed)) {
  process.stderr.write('usage: fuzz-netlink.mjs [iterations] [seconds] [seed]\n');
  process.exit(2);
}

const corpusDir = join(root, 'test/fixtures/netlink');
const corpus = [];
for (const family of readdirSync(corpusDir)) {
  for (const f of readdirSync(join(corpusDir, family)))
    if (f.endsWith('.bin')) corpus.push(readFileSync(join(corpusDir, family, f)));
}

const t0 = Date.now();
const stats = runFuzz({ seed, iterations, corpus, deadline: t0 + seconds * 1000 });
const secs = ((Date.now() - t0) / 1000).toFixed(1);
process.stdout.write(
  `seed ${seed}: ${stats.iterations} inputs in ${secs} s (${stats.decoded} decoded, ${stats.rejected} rejected with typed errors), ${stats.failures.length} failures\n`,
);
for (const f of stats.failures.slice(0, 20))
  process.stdout.write(`FAIL ${f.error}\n  input ${f.input}\n`);
process.exitCode = stats.failures.length === 0 ? 0 : 1;
