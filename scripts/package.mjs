#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * `npm run package`: builds `dist/ghostwire`, ONE executable file that runs Ghostwire on a
 * Linux x86-64 (or arm64) host with glibc and without Node.js, npm or a checkout — Node's
 * Single Executable Applications (docs/deploy.md):
 *
 * 1. esbuild bundles the compiled CLI (`dist/cli/main.js`, run `npm run build` first — the npm
 *    script does) with every npm dependency into one CommonJS file `dist/sea/main.cjs` (SEA
 *    runs CommonJS only; lazy `import()`s are inlined). `import.meta.url` becomes the
 *    executable's file URL; `__GHOSTWIRE_BUILD_INFO__` the version and git commit.
 * 2. Assets: the C addon (`build/Release/ghostwire_native.node`, loaded by
 *    src/native/embedded.ts), the bundle itself (`sea/main.cjs`, for worker threads), every
 *    file of the web UI's `web/dist/` when it exists (key `web/dist/<path>`), and
 *    `assets.json` listing all keys (src/util/sea.ts).
 * 3. `node --experimental-sea-config` writes the preparation blob (with V8's code cache:
 *    `useCodeCache`), then a copy of the running `node` binary (debug info stripped when
 *    `strip` exists) gets the blob injected with postject, and is renamed into place.
 *
 * Options: `--out <file>` (default dist/ghostwire), `--no-strip`.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInfo, buildInfoDefine } from './build-info.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEA_DIR = join(ROOT, 'dist', 'sea');
const ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
const ADDON = join(ROOT, 'build', 'Release', 'ghostwire_native.node');
const WEB_DIST = join(ROOT, 'web', 'dist');
/** postject's sentinel: the fuse string Node's SEA code looks for (Node docs, "Single executable applications"). */
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const OUT = resolve(outIdx >= 0 ? args[outIdx + 1] : join(ROOT, 'dist', 'ghostwire'));
const STRIP = !args.includes('--no-strip');

function fail(msg) {
  process.stderr.write(`package: ${msg}\n`);
  process.exit(1);
}

function filesBelow(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesBelow(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  fail(`Node ${process.versions.node}: SEA assets and useCodeCache need Node >= 20.12`);
}
if (!existsSync(ENTRY)) fail(`${ENTRY} missing: run \`npm run build\` first`);
if (!existsSync(ADDON)) fail(`${ADDON} missing: run \`npm run build:native\` first`);

const t0 = Date.now();
rmSync(SEA_DIR, { recursive: true, force: true });
mkdirSync(SEA_DIR, { recursive: true });

// 1. one CommonJS bundle
const esbuild = await import('esbuild');
const info = buildInfo(ROOT);
const mainCjs = join(SEA_DIR, 'main.cjs');
await esbuild.build({
  stdin: {
    contents: `import { main } from ${JSON.stringify(ENTRY)};\nmain(process.argv);\n`,
    resolveDir: ROOT,
    sourcefile: 'sea-entry.mjs',
    loader: 'js',
  },
  outfile: mainCjs,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  // SEA's main script gets a builtin-only require and __filename = the executable
  banner: { js: 'var __gw_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  define: { ...buildInfoDefine(info), 'import.meta.url': '__gw_import_meta_url' },
});

// 2. assets
const assets = {
  'native/ghostwire_native.node': ADDON,
  'sea/main.cjs': mainCjs,
};
if (existsSync(WEB_DIST)) {
  for (const f of filesBelow(WEB_DIST)) {
    assets[`web/dist/${relative(WEB_DIST, f).split(sep).join('/')}`] = f;
  }
}
const manifest = join(SEA_DIR, 'assets.json');
writeFileSync(
  manifest,
  `${JSON.stringify({ ...info, assets: Object.keys(assets).sort() }, null, 2)}\n`,
);
assets['assets.json'] = manifest;

// 3. blob, inject
const blob = join(SEA_DIR, 'sea-prep.blob');
const config = join(SEA_DIR, 'sea-config.json');
writeFileSync(
  config,
  `${JSON.stringify(
    {
      main: mainCjs,
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: true,
      assets,
    },
    null,
    2,
  )}\n`,
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

const tmp = `${OUT}.tmp-${process.pid}`;
mkdirSync(dirname(OUT), { recursive: true });
copyFileSync(process.execPath, tmp);
chmodSync(tmp, 0o755);
if (STRIP) {
  try {
    execFileSync('strip', ['--strip-debug', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    process.stderr.write(`package: strip skipped (${e.code ?? e.message})\n`);
  }
}
const { inject } = createRequire(import.meta.url)('postject');
await inject(tmp, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SENTINEL_FUSE });
renameSync(tmp, OUT);

const mib = (p) => (statSync(p).size / 1048576).toFixed(1);
process.stdout.write(
  `package: ${relative(ROOT, OUT) || OUT} ${mib(OUT)} MiB (bundle ${mib(mainCjs)} MiB, ` +
    `${Object.keys(assets).length} assets, ${info.version} ${info.commit.slice(0, 12)}) in ` +
    `${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
);
