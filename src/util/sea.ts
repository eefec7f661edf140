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
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

/** Asset key of the discovery worker's CommonJS bundle (`new Worker(source, { eval: true })`). */
export const SEA_DISCOVERY_WORKER_KEY = 'sea/discovery-worker.cjs';

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

/** Key prefix of the web UI's files (`web/dist/index.html`, `web/dist/assets/…`). */
export const SEA_WEB_PREFIX = 'web/dist/';

let webDir: string | null | undefined;

/**
 * The web UI carried by the single executable, written once per process into a fresh private
 * directory (`mkdtemp`: random name, mode 0700, so nobody else can plant or read files there)
 * below `$GHOSTWIRE_RUNTIME_DIR` or the system temp directory, and removed when the process
 * exits. Undefined outside the SEA or when it carries no UI (`index.html`).
 */
export function seaWebDir(): string | undefined {
  if (webDir !== undefined) return webDir ?? undefined;
  const keys = seaAssetKeys().filter((k) => k.startsWith(SEA_WEB_PREFIX));
  if (!keys.includes(`${SEA_WEB_PREFIX}index.html`)) {
    webDir = null;
    return undefined;
  }
  const base = process.env['GHOSTWIRE_RUNTIME_DIR'] ?? tmpdir();
  const dir = mkdtempSync(join(base, 'ghostwire-ui-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const key of keys) {
    const rel = key.slice(SEA_WEB_PREFIX.length);
    if (rel.split('/').some((s) => s === '' || s === '.' || s === '..')) continue;
    const path = join(dir, ...rel.split('/'));
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, seaAsset(key) ?? Buffer.alloc(0), { mode: 0o600 });
  }
  webDir = dir;
  return dir;
}
