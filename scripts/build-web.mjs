#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Builds the web UI into `web/dist` (run by `npm run build`, hence by the root `npm ci`):
 * installs web/'s own dependencies from its lockfile first when they are missing or older than
 * the lockfile (`npm ci --prefix web`), then runs `vite build`. Set GHOSTWIRE_SKIP_WEB=1 to skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.env.GHOSTWIRE_SKIP_WEB === '1') process.exit(0);
const WEB = join(fileURLToPath(new URL('..', import.meta.url)), 'web');
const run = (args) => {
  const r = spawnSync('npm', args, { cwd: WEB, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const marker = join(WEB, 'node_modules', '.package-lock.json');
const lock = join(WEB, 'package-lock.json');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs)
  run(['ci', '--no-audit', '--no-fund']);
run(['run', 'build']);
