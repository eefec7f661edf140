// SPDX-License-Identifier: MIT
/**
 * @module test/helpers/browser
 *
 * Headless Chromium for the web UI tests: Debian's `chromium` driven by playwright-core (no
 * browser download), launched with the flags the project fixed and a fresh user-data dir that is
 * removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The Chromium binary, or undefined when not installed. */
export function chromiumPath(): string | undefined {
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
}

/** Flags every test browser runs with. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A browser context with its own profile; `close()` also removes the profile. */
export async function launchBrowser(
  opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<BrowserContext & { dispose: () => Promise<void> }> {
  const exe = chromiumPath();
  if (exe === undefined) throw new Error('chromium not installed (apt-get install chromium)');
  const dir = mkdtempSync(join(tmpdir(), 'gwt-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: exe,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: opts.width ?? 1400, height: opts.height ?? 900 },
    colorScheme: opts.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  return Object.assign(ctx, {
    dispose: async () => {
      await ctx.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
