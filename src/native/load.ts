// SPDX-License-Identifier: MIT
/**
 * @module native/load
 *
 * The one place that loads the C addon (house style §5, rule 3). Search order, relative to the
 * package root (the nearest directory above this file holding `package.json`, so it works from
 * `src/` under vitest and from `dist/` when compiled):
 *
 * 1. `$GHOSTWIRE_NATIVE_BINDING` — an explicit path; when set, it is the ONLY candidate (an
 *    explicit choice must not silently fall back to another build);
 * 2. `prebuilds/linux-<arch>/ghostwire_native.node`;
 * 3. `build/Release/ghostwire_native.node`;
 * 4. `build/Debug/ghostwire_native.node`.
 *
 * Inside the single executable (`dist/ghostwire`) the addon is an embedded asset instead and
 * steps 2–4 are replaced by {@link loadEmbeddedAddon} (an anonymous `O_TMPFILE` file, else a
 * private 0700 directory; see `embedded.ts`); the override still wins.
 *
 * A candidate is accepted when it loads and reports the expected `abiVersion`. On failure one
 * {@link NativeError} `GW_ERR_NATIVE_LOAD` lists every path tried with its reason.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { errorMessage, NativeError } from '../errors.js';
import type { NativeBinding } from './binding.js';
import { NATIVE_ABI_VERSION } from './constants.js';
import { embeddedAddonBytes, loadEmbeddedAddon, RUNTIME_DIR_ENV } from './embedded.js';

/** Environment variable naming an explicit addon path. */
export const NATIVE_BINDING_ENV = 'GHOSTWIRE_NATIVE_BINDING';

/** File name of the addon (node-gyp target `ghostwire_native`). */
export const NATIVE_FILE_NAME = 'ghostwire_native.node';

/** One load attempt, as listed in the GW_ERR_NATIVE_LOAD error's `details.tried`. */
export interface LoadAttempt {
  readonly path: string;
  readonly reason: string;
}

/** Options of {@link loadNativeBinding}; defaults come from the environment. */
export interface LoadOptions {
  /** Explicit addon path (default: `process.env.GHOSTWIRE_NATIVE_BINDING`). */
  readonly override?: string | undefined;
  /** Package root (default: found from this module's location). */
  readonly packageRoot?: string;
  /** `process.arch` to use for the prebuild path (default: the running one). */
  readonly arch?: string;
  /** Embedded addon bytes (default: the single executable's asset; undefined elsewhere). */
  readonly embedded?: Buffer | undefined;
}

const require = createRequire(import.meta.url);

/** Nearest directory at or above this module's directory that holds `package.json`. */
export function findPackageRoot(
  startDir: string = dirname(fileURLToPath(import.meta.url)),
): string {
  let dir = resolve(startDir);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(startDir, '..', '..');
    dir = parent;
  }
}

/** The candidate paths in search order (see the module doc). */
export function candidatePaths(options: LoadOptions = {}): string[] {
  const override = 'override' in options ? options.override : process.env[NATIVE_BINDING_ENV];
  if (override !== undefined && override !== '') return [resolve(override)];
  const root = options.packageRoot ?? findPackageRoot();
  const arch = options.arch ?? process.arch;
  return [
    join(root, 'prebuilds', `linux-${arch}`, NATIVE_FILE_NAME),
    join(root, 'build', 'Release', NATIVE_FILE_NAME),
    join(root, 'build', 'Debug', NATIVE_FILE_NAME),
  ];
}

function isBinding(m: unknown): m is NativeBinding {
  return typeof m === 'object' && m !== null && 'abiVersion' in m && 'openSocketIn' in m;
}

/**
 * Loads the addon now (no caching; use {@link getNativeBinding} for the shared instance).
 * @throws NativeError GW_ERR_NATIVE_LOAD with `details.tried: LoadAttempt[]`.
 */
export function loadNativeBinding(options: LoadOptions = {}): NativeBinding {
  const tried: LoadAttempt[] = [];
  const causes: unknown[] = [];
  const override = 'override' in options ? options.override : process.env[NATIVE_BINDING_ENV];
  const embedded =
    override !== undefined && override !== ''
      ? undefined
      : 'embedded' in options
        ? options.embedded
        : embeddedAddonBytes();
  const loads: Array<() => { path: string; mod: unknown } | undefined> =
    embedded !== undefined
      ? [
          () => {
            const r = loadEmbeddedAddon(embedded);
            if ('tried' in r) {
              tried.push(...r.tried);
              return undefined;
            }
            return { path: `${r.path} (embedded, ${r.how} in ${r.dir})`, mod: r.exports };
          },
        ]
      : candidatePaths(options).map((path) => () => {
          if (!existsSync(path)) {
            tried.push({ path, reason: 'not found' });
            return undefined;
          }
          try {
            return { path, mod: require(path) as unknown };
          } catch (e: unknown) {
            tried.push({ path, reason: errorMessage(e) });
            causes.push(e);
            return undefined;
          }
        });
  for (const load of loads) {
    const loaded = load();
    if (loaded === undefined) continue;
    const { path, mod } = loaded;
    if (!isBinding(mod)) {
      tried.push({ path, reason: 'not a ghostwire addon (no abiVersion/openSocketIn export)' });
      continue;
    }
    if (mod.abiVersion !== NATIVE_ABI_VERSION) {
      tried.push({
        path,
        reason: `abiVersion ${String(mod.abiVersion)}, expected ${NATIVE_ABI_VERSION} (rebuild the addon)`,
      });
      continue;
    }
    return mod;
  }
  const list = tried.map((t) => `  ${t.path}: ${t.reason}`).join('\n');
  throw new NativeError(
    'GW_ERR_NATIVE_LOAD',
    embedded !== undefined
      ? `cannot load the embedded ghostwire C addon; tried:\n${list}\nPoint ${RUNTIME_DIR_ENV} at a private directory on a file system mounted without noexec (see docs/deploy.md).`
      : `cannot load the ghostwire C addon; tried:\n${list}\nBuild it with \`npx node-gyp rebuild\` (see docs/native.md) or set ${NATIVE_BINDING_ENV}.`,
    {
      details: { tried },
      ...(causes.length === 1
        ? { cause: causes[0] }
        : causes.length > 1
          ? { cause: new AggregateError(causes) }
          : {}),
    },
  );
}

let cached: NativeBinding | undefined;
let cachedError: NativeError | undefined;

/**
 * The shared addon instance, loaded lazily on first use. A failed load is remembered (the same
 * error is thrown again) so callers do not retry the file system on every call.
 */
export function getNativeBinding(): NativeBinding {
  if (cached !== undefined) return cached;
  if (cachedError !== undefined) throw cachedError;
  try {
    cached = loadNativeBinding();
    return cached;
  } catch (e: unknown) {
    if (e instanceof NativeError) cachedError = e;
    throw e;
  }
}
