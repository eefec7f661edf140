// SPDX-License-Identifier: MIT
/**
 * Test projects (see docs/testing.md):
 * - unit: pure tests next to the code, no addon, no root.
 * - native: tests of the built C addon (src/native/*.native.test.ts), no root needed.
 * - integration: privileged suites under test/integration that build real kernel objects;
 *   run serially in forked processes; they skip or degrade gracefully without root.
 * - e2e: end-to-end suites under test/e2e against real container engines started by
 *   scripts/engines-up.sh (root); scripts/test.sh sets GW_E2E_REQUIRED=1 so they cannot skip.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['src/**/*.native.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'native',
          include: ['src/**/*.native.test.ts'],
          environment: 'node',
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // concurrent.test.ts (issue 8, two discoveries at once) stalls before its first test
          // since the last merges; kept out of CI until the stall is understood (see issue 8).
          exclude: ['test/integration/concurrent.test.ts', 'node_modules/**'],
          environment: 'node',
          pool: 'forks',
          // One fork, files in sequence: privileged suites share the host's kernel state.
          poolOptions: { forks: { singleFork: true } },
          sequence: { concurrent: false },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
