// SPDX-License-Identifier: MIT
/**
 * @module util/build-info
 *
 * Ghostwire's version and the git commit it was built from, for `--version` and the v1
 * document's `creator-version`. The bundlers (`scripts/bundle.mjs` for the checkout,
 * `scripts/package.mjs` for the single executable) replace the identifier
 * `__GHOSTWIRE_BUILD_INFO__` with a literal; plain `tsc` output (no bundle) reads the version
 * from `package.json` next to `src/`/`dist/` and reports the commit as `unknown`.
 */
import { readFileSync } from 'node:fs';

/** What a build knows about itself. */
export interface BuildInfo {
  /** Semver from package.json (`0.0.0` if it cannot be read). */
  readonly version: string;
  /** Full git commit hash, with `-dirty` when the tree had changes; `unknown` if not known. */
  readonly commit: string;
}

declare const __GHOSTWIRE_BUILD_INFO__: BuildInfo | undefined;

let cached: BuildInfo | undefined;

/** The build info (computed once). */
export function buildInfo(): BuildInfo {
  if (cached !== undefined) return cached;
  if (typeof __GHOSTWIRE_BUILD_INFO__ !== 'undefined' && __GHOSTWIRE_BUILD_INFO__ !== undefined) {
    cached = __GHOSTWIRE_BUILD_INFO__;
    return cached;
  }
  let version = '0.0.0';
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: unknown };
    if (typeof pkg.version === 'string') version = pkg.version;
  } catch {
    // keep 0.0.0: a stripped install without package.json
  }
  cached = { version, commit: 'unknown' };
  return cached;
}

/** One line for `--version`: `ghostwire 0.1.0 (commit 1234abcd…)`. */
export function versionLine(info: BuildInfo = buildInfo()): string {
  return `ghostwire ${info.version} (commit ${info.commit})`;
}
