#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Bundles the compiled CLI (`dist/cli/main.js` and everything it imports, statically or with
 * `import()`) into `dist/bundle/cli/` with esbuild: one entry module plus shared chunks, so a
 * cold `ghostwire dump` loads a handful of files instead of ~130 ES modules (measured ~80–100 ms
 * less module loading on the development VM, docs/performance.md). Lazy `import()`s stay lazy
 * (code splitting), npm packages stay external (loaded from node_modules as before).
 *
 * The bundle lives two directories below the package root, like `dist/cli/commands/*.js` and
 * `dist/native/*.js`, so the few `import.meta.url`-relative paths (package.json, the addon's
 * package-root search) resolve the same. `bin/ghostwire` uses the bundle only while it is newer
 * than `dist/cli/main.js` (a later plain `tsc` build makes it stale and it is ignored).
 *
 * Runs after `tsc` in `npm run build`. Without esbuild installed it prints a note and exits 0:
 * the CLI then runs from `dist/` unbundled.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInfo, buildInfoDefine } from './build-info.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
const OUT = join(ROOT, 'dist', 'bundle', 'cli');
// the service's discovery worker is a second entry, next to the chunks that start it
// (src/server/discovery-service.ts resolves it as ./discovery-worker.js)
const WORKER = join(ROOT, 'dist', 'server', 'discovery-worker.js');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write(
    'bundle: esbuild not installed; the CLI runs unbundled from dist/ (npm install --save-dev esbuild)\n',
  );
  process.exit(0);
}
if (!existsSync(ENTRY)) {
  process.stderr.write(`bundle: ${ENTRY} missing: run tsc first\n`);
  process.exit(1);
}
rmSync(join(ROOT, 'dist', 'bundle'), { recursive: true, force: true });
await esbuild.build({
  entryPoints: [
    { in: ENTRY, out: 'main' },
    { in: WORKER, out: 'discovery-worker' },
  ],
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: buildInfoDefine(buildInfo(ROOT)),
});
