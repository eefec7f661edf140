#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * `npm run package`: builds `dist/ghostwire`, ONE executable file that runs Ghostwire on a
 * Linux x86-64 (or arm64) host with glibc and without Node.js, npm or a checkout — Node's
 * Single Executable Applications (docs/deploy.md):
 *
 * 1. esbuild bundles the compiled CLI (`dist/cli/main.js`, run `npm run build` first — the npm
 *    script does) with every npm dependency into one CommonJS file, wrapped as a function
 *    `(require, module, exports, __filename, __dirname)`: `dist/sea/cli.cjs`, plus V8's code
 *    cache for it (`cli.cache`, made by this node binary). `import.meta.url` becomes the
 *    executable's file URL; `__GHOSTWIRE_BUILD_INFO__` the version and git commit.
 * 2. The SEA main script `dist/sea/main.cjs` is a stub: `--version` prints a literal without
 *    compiling the CLI; anything else compiles the `sea/cli.cjs` asset with its code cache
 *    (`vm.Script`) and runs it (SEA runs CommonJS only; lazy `import()`s are inlined).
 * 3. Assets: the native addons of the `ADDONS` list (the C addon
 *    `native/ghostwire_native.node` and better-sqlite3's `native/better_sqlite3.node` for the
 *    history store, both loaded by src/native/embedded.ts),
 *    the CLI and its cache (`sea/cli.cjs`, `sea/cli.cache`; a worker thread can run the same
 *    source with `new Worker(source, { eval: true })`), every file of the web UI's `web/dist/`
 *    when it exists (key `web/dist/<path>`), and `assets.json` listing all keys
 *    (src/util/sea.ts).
 * 4. `node --experimental-sea-config` writes the preparation blob (`useCodeCache` for the
 *    stub), then a copy of the running `node` binary (debug info stripped when `strip`
 *    exists) gets the blob injected with postject, and is renamed into place.
 *
 * Options: `--out <file>` (default dist/ghostwire), `--web <dir>` (the web UI's built files,
 * default web/dist), `--no-strip`.
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
import vm from 'node:vm';
import { buildInfo, buildInfoDefine, versionLine } from './build-info.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
const WORKER_ENTRY = join(ROOT, 'dist', 'server', 'discovery-worker.js');
/** File name V8 and stack traces show for the CLI bundle inside the executable. */
const CLI_FILENAME = 'ghostwire:sea/cli.cjs';
/**
 * The native addons carried as SEA assets: asset key (what the loader asks `sea.getAsset` for),
 * the built `.node` file, and what to run when it is missing. Add an entry to carry another
 * addon (e.g. better-sqlite3's `build/Release/better_sqlite3.node`, loaded through the same
 * memfd/private-directory path as src/native/embedded.ts); each key is listed in assets.json.
 */
const ADDONS = [
  {
    key: 'native/ghostwire_native.node',
    file: join(ROOT, 'build', 'Release', 'ghostwire_native.node'),
    build: 'npm run build:native',
  },
  // better-sqlite3's addon for the history store (src/native/sqlite-addon.ts)
  {
    key: 'native/better_sqlite3.node',
    file: join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    build: 'npm rebuild better-sqlite3',
  },
];
const WEB_DIST_DEFAULT = join(ROOT, 'web', 'dist');
/** postject's sentinel: the fuse string Node's SEA code looks for (Node docs, "Single executable applications"). */
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const OUT = resolve(outIdx >= 0 ? args[outIdx + 1] : join(ROOT, 'dist', 'ghostwire'));
const STRIP = !args.includes('--no-strip');
/** Intermediate files: dist/sea for the default output, `<out>.build/` for another. */
const SEA_DIR = outIdx >= 0 ? `${OUT}.build` : join(ROOT, 'dist', 'sea');
const webIdx = args.indexOf('--web');
const WEB_DIST = webIdx >= 0 ? resolve(args[webIdx + 1]) : WEB_DIST_DEFAULT;

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
for (const a of ADDONS) {
  if (!existsSync(a.file)) fail(`${a.file} missing: run \`${a.build}\` first`);
}

const t0 = Date.now();
rmSync(SEA_DIR, { recursive: true, force: true });
mkdirSync(SEA_DIR, { recursive: true });

// 1. one CommonJS bundle of the CLI, wrapped as a function of (require, module, __filename)
const esbuild = await import('esbuild');
const info = buildInfo(ROOT);
const cliCjs = join(SEA_DIR, 'cli.cjs');
/**
 * ws `require()`s the optional native modules bufferutil and utf-8-validate inside try/catch;
 * in a SEA such a require of a non-builtin prints a warning. Bundle a stand-in that throws
 * MODULE_NOT_FOUND instead, which ws handles as "not installed".
 */
const ABSENT_OPTIONALS = {
  name: 'absent-optionals',
  setup(b) {
    b.onResolve({ filter: /^(bufferutil|utf-8-validate)$/ }, (a) => ({
      path: a.path,
      namespace: 'gw-absent',
    }));
    b.onLoad({ filter: /.*/, namespace: 'gw-absent' }, (a) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`${a.path} is not bundled`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};
const BUNDLE_OPTIONS = {
  plugins: [ABSENT_OPTIONALS],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // the executable's file URL (also inside an eval'd worker, which has no real __filename)
  banner: {
    js: 'var __gw_import_meta_url = require("node:url").pathToFileURL(process.execPath).href;',
  },
};
const built = await esbuild.build({
  ...BUNDLE_OPTIONS,
  stdin: {
    contents: `require(${JSON.stringify(ENTRY)}).main(process.argv);\n`,
    resolveDir: ROOT,
    sourcefile: 'sea-cli.cjs',
    loader: 'js',
  },
  write: false,
  define: { ...buildInfoDefine(info), 'import.meta.url': '__gw_import_meta_url' },
});
const cliSource = `(function (require, module, exports, __filename, __dirname) {\n${built.outputFiles[0].text}\n})`;
// the service's discovery worker: a second CommonJS bundle, run with new Worker(source, { eval: true })
const workerCjs = join(SEA_DIR, 'discovery-worker.cjs');
if (existsSync(WORKER_ENTRY)) {
  await esbuild.build({
    ...BUNDLE_OPTIONS,
    entryPoints: [WORKER_ENTRY],
    outfile: workerCjs,
    define: { ...buildInfoDefine(info), 'import.meta.url': '__gw_import_meta_url' },
  });
}
writeFileSync(cliCjs, cliSource);
// V8's code cache for it, made by this very node binary (the one copied below)
const cliCache = join(SEA_DIR, 'cli.cache');
const cacheData = new vm.Script(cliSource, { filename: CLI_FILENAME }).createCachedData();
writeFileSync(cliCache, cacheData);
if (
  new vm.Script(cliSource, { filename: CLI_FILENAME, cachedData: cacheData }).cachedDataRejected
) {
  process.stderr.write('package: warning: V8 rejects the code cache it just made\n');
}

// The SEA main script is a stub: `--version` answers from a literal without compiling the CLI
// (~0.9 MiB of JavaScript); everything else compiles the CLI asset with its code cache and runs it.
const mainCjs = join(SEA_DIR, 'main.cjs');
writeFileSync(
  mainCjs,
  `'use strict';
const a = process.argv;
if (a.length === 3 && (a[2] === '--version' || a[2] === '-V')) {
  process.stdout.write(${JSON.stringify(`${versionLine(info)}\n`)});
} else {
  const sea = require('node:sea');
  const vm = require('node:vm');
  let cachedData;
  try { cachedData = new Uint8Array(sea.getAsset('sea/cli.cache')); } catch {}
  const script = new vm.Script(sea.getAsset('sea/cli.cjs', 'utf8'), {
    filename: ${JSON.stringify(CLI_FILENAME)},
    cachedData,
  });
  const m = { exports: {} };
  script.runInThisContext()(require, m, m.exports, __filename, __dirname);
}
`,
);

// 2. assets
const assets = {
  ...Object.fromEntries(ADDONS.map((a) => [a.key, a.file])),
  'sea/cli.cjs': cliCjs,
  'sea/cli.cache': cliCache,
};
if (existsSync(workerCjs)) assets['sea/discovery-worker.cjs'] = workerCjs;
if (existsSync(WEB_DIST)) {
  for (const f of filesBelow(WEB_DIST)) {
    assets[`web/dist/${relative(WEB_DIST, f).split(sep).join('/')}`] = f;
  }
}
const manifest = join(SEA_DIR, 'assets.json');
writeFileSync(
  manifest,
  `${JSON.stringify({ ...info, addons: ADDONS.map((a) => a.key), assets: Object.keys(assets).sort() }, null, 2)}\n`,
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
  `package: ${relative(ROOT, OUT) || OUT} ${mib(OUT)} MiB (bundle ${mib(cliCjs)} MiB, ` +
    `${Object.keys(assets).length} assets, ${info.version} ${info.commit.slice(0, 12)}) in ` +
    `${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
);
