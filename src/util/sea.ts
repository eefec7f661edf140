// SPDX-License-Identifier: MIT
/**
 * @module util/sea
 *
 * Access to the assets of Ghostwire's single executable (Node's Single Executable
 * Applications, `scripts/package.mjs`). In a checkout or an npm install there is no SEA:
 * {@link isSingleExecutable} is false and {@link seaAsset} returns undefined, so callers fall
 * back to files on disk. Asset keys are POSIX paths relative to the package root
 * (`web/dist/index.html`); {@link seaAssetKeys} lists them (from the `assets.json` manifest
 * the packager writes).
 */
import { createRequire } from 'node:module';

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

/** The manifest asset listing every other asset key. */
export const SEA_MANIFEST_KEY = 'assets.json';

let seaModule: SeaModule | null | undefined;

function sea(): SeaModule | null {
  if (seaModule === undefined) {
    try {
      // node:sea exists from Node 20.0; getAsset from 20.12 (only used inside our SEA)
      const m = createRequire(import.meta.url)('node:sea') as SeaModule;
      seaModule = m.isSea() ? m : null;
    } catch {
      seaModule = null;
    }
  }
  return seaModule;
}

/** True when running as Ghostwire's single executable. */
export function isSingleExecutable(): boolean {
  return sea() !== null;
}

/** A copy of the asset `key` (undefined outside the SEA or when it has no such asset). */
export function seaAsset(key: string): Buffer | undefined {
  const m = sea();
  if (m === null) return undefined;
  try {
    return Buffer.from(m.getAsset(key));
  } catch {
    return undefined;
  }
}

/** All asset keys from the manifest (empty outside the SEA). */
export function seaAssetKeys(): readonly string[] {
  const raw = seaAsset(SEA_MANIFEST_KEY);
  if (raw === undefined) return [];
  const parsed = JSON.parse(raw.toString('utf8')) as { assets?: unknown };
  return Array.isArray(parsed.assets)
    ? parsed.assets.filter((k): k is string => typeof k === 'string')
    : [];
}
