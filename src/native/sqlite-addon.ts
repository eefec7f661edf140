// SPDX-License-Identifier: MIT
/**
 * @module native/sqlite-addon
 *
 * Finds and loads better-sqlite3's C addon (`better_sqlite3.node`) for the history store
 * (src/store). better-sqlite3's own lookup (the `bindings` package, which searches the
 * package's `build/` directories) cannot work inside the single executable, so Ghostwire
 * resolves the addon itself — like its own addon in load.ts — and hands the loaded module to
 * better-sqlite3 (its `nativeBinding` option accepts an addon object). Order:
 *
 * 1. `$GHOSTWIRE_SQLITE_ADDON` — an explicit path; when set, the ONLY candidate;
 * 2. inside the single executable: the embedded asset `native/better_sqlite3.node`
 *    (scripts/package.mjs), loaded through {@link loadEmbeddedAddon} (anonymous `O_TMPFILE`
 *    file, else a private 0700 directory);
 * 3. the npm package: `build/Release/better_sqlite3.node` next to better-sqlite3's
 *    `package.json` (where `npm ci` builds it).
 *
 * Never throws: the caller gets the module or every path tried with its reason (the store
 * turns that into a `GW_ERR_STORE_UNAVAILABLE` problem; history is then off).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { errorMessage } from '../errors.js';
import { embeddedAddonBytes, loadEmbeddedAddon } from './embedded.js';
import type { LoadAttempt } from './load.js';

/** Environment variable naming an explicit better-sqlite3 addon path. */
export const SQLITE_ADDON_ENV = 'GHOSTWIRE_SQLITE_ADDON';

/** SEA asset key of the embedded better-sqlite3 addon (scripts/package.mjs ADDONS). */
export const EMBEDDED_SQLITE_KEY = 'native/better_sqlite3.node';

/** The addon's file name as better-sqlite3's node-gyp target builds it. */
const FILE = 'better_sqlite3.node';

/** A loaded better-sqlite3 addon, or why not. */
export type SqliteAddonLoad =
  { readonly addon: object; readonly path: string } | { readonly tried: LoadAttempt[] };

const require = createRequire(import.meta.url);

function packagePath(): string | LoadAttempt {
  try {
    return join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', FILE);
  } catch (e: unknown) {
    return { path: 'better-sqlite3/package.json', reason: errorMessage(e) };
  }
}

function loadFile(path: string, tried: LoadAttempt[]): SqliteAddonLoad | undefined {
  if (!existsSync(path)) {
    tried.push({ path, reason: 'not found' });
    return undefined;
  }
  try {
    const mod = require(path) as unknown;
    if (typeof mod !== 'object' || mod === null || !('Database' in mod)) {
      tried.push({ path, reason: 'not a better-sqlite3 addon (no Database export)' });
      return undefined;
    }
    return { addon: mod, path };
  } catch (e: unknown) {
    tried.push({ path, reason: errorMessage(e) });
    return undefined;
  }
}

/** Loads the addon (see the module doc). `embedded` overrides the SEA asset (tests). */
export function loadSqliteAddon(
  env: NodeJS.ProcessEnv = process.env,
  embedded: Buffer | undefined = embeddedAddonBytes(EMBEDDED_SQLITE_KEY),
): SqliteAddonLoad {
  const tried: LoadAttempt[] = [];
  const override = env[SQLITE_ADDON_ENV];
  if (override !== undefined && override !== '') {
    return loadFile(resolve(override), tried) ?? { tried };
  }
  if (embedded !== undefined) {
    const r = loadEmbeddedAddon(embedded);
    if (!('tried' in r)) {
      const mod = r.exports;
      if (typeof mod === 'object' && mod !== null && 'Database' in mod)
        return { addon: mod, path: `${r.path} (embedded, ${r.how} in ${r.dir})` };
      tried.push({ path: r.path, reason: 'not a better-sqlite3 addon (no Database export)' });
    } else tried.push(...r.tried);
    return { tried };
  }
  const p = packagePath();
  if (typeof p !== 'string') return { tried: [p] };
  return loadFile(p, tried) ?? { tried };
}
