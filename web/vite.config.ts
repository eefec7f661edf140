// SPDX-License-Identifier: MIT
/**
 * Vite build of the web UI. `base: './'` makes every asset URL relative, so the same build works
 * at `/` and behind a path-prefix reverse proxy (the server rewrites `<base href>`). The shared
 * wiring model is imported as pure TypeScript source from `../src/wiring` (alias `@gw/wiring`);
 * the v1 DTOs as types only (`@gw/api`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const root = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

const pkg = JSON.parse(readFileSync(root('./package.json'), 'utf8')) as { version: string };

export default defineConfig({
  base: './',
  define: { __GW_VERSION__: JSON.stringify(pkg.version) },
  plugins: [react()],
  resolve: {
    alias: {
      '@gw/wiring': root('../src/wiring/index.ts'),
      '@gw/api': root('../src/api/v1/types.ts'),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    fs: { allow: [root('..')] },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
  },
});
