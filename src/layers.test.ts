// SPDX-License-Identifier: MIT
/**
 * Guards the layer rule (house style §3): the ESLint zones must reject upward imports and
 * accept downward ones. Runs ESLint's API on probe sources; no files are written.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function restricted(filePath: string, importPath: string): Promise<boolean> {
  const code = `import type { X } from '${importPath}';\nexport type Y = X;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports');
}

describe('layer zones', () => {
  it.each([
    ['src/netlink/core/probe.ts', '../../network/index.js'],
    ['src/netlink/probe.ts', '../model/network.js'],
    ['src/native/probe.ts', '../netlink/index.js'],
    ['src/procfs/probe.ts', '../namespaces/index.js'],
    ['src/namespaces/probe.ts', '../discovery/index.js'],
    ['src/network/probe.ts', '../api/v1/index.js'],
    ['src/discovery/probe.ts', '../cli/main.js'],
    ['src/api/v1/probe.ts', '../../server/index.js'],
    ['src/server/probe.ts', '../cli/main.js'],
    ['src/model/probe.ts', '../network/index.js'],
    ['src/errors.ts', './model/network.js'],
    ['src/analysis/reach/probe.ts', '../../cli/main.js'],
    ['src/analysis/probe.ts', '../store/index.js'],
    ['src/api/v1/probe.ts', '../../analysis/index.js'],
    ['src/store/probe.ts', '../server/index.js'],
    ['src/api/v1/probe.ts', '../../discovery/index.js'],
    ['src/api/v1/probe.ts', '../../network/index.js'],
    ['src/api/v1/probe.ts', '../../util/index.js'],
    ['src/discovery/probe.ts', '../../test/helpers/scenario.js'],
    ['src/cli/commands/probe.ts', '../../../test/helpers/cli-io.js'],
    ['src/wiring/probe.ts', '../cli/main.js'],
    ['src/wiring/probe.ts', '../server/index.js'],
    ['src/api/v1/probe.ts', '../../wiring/index.js'],
  ])(
    '%s may not import %s',
    async (file, imp) => {
      expect(await restricted(file, imp)).toBe(true);
    },
    30_000,
  );

  it.each([
    ['src/network/probe.ts', '../netlink/index.js'],
    ['src/network/probe.ts', '../model/network.js'],
    ['src/namespaces/probe.ts', '../procfs/index.js'],
    ['src/discovery/probe.ts', '../network/index.js'],
    ['src/cli/probe.ts', '../discovery/index.js'],
    ['src/cli/probe.ts', '../server/index.js'],
    ['src/netlink/probe.ts', '../native/index.js'],
    ['src/analysis/reach/probe.ts', '../../api/v1/index.js'],
    ['src/analysis/probe.ts', '../model/network.js'],
    ['src/cli/probe.ts', '../analysis/index.js'],
    ['src/api/v1/probe.ts', '../../model/network.js'],
    ['src/api/v1/probe.ts', '../../errors.js'],
    ['src/discovery/probe.test.ts', '../../test/helpers/scenario.js'],
    ['src/wiring/probe.ts', '../api/v1/types.js'],
    ['src/cli/probe.ts', '../wiring/index.js'],
  ])(
    '%s may import %s',
    async (file, imp) => {
      expect(await restricted(file, imp)).toBe(false);
    },
    30_000,
  );
});
