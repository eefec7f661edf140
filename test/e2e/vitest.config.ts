// SPDX-License-Identifier: MIT
/**
 * Local vitest config of the end-to-end engine suites (until the root config gets an `e2e`
 * project): `npx vitest run --config test/e2e/vitest.config.ts`. Needs root and the engines
 * started by `scripts/engines-up.sh`; without them every suite skips with the reason.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
