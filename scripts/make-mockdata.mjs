#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Writes the web UI's mock document `web/src/models/mock/mockdata.json`: the v1 document of the
 * hand-built discovery scenario (test/helpers/scenario.ts: every v1 field, no host data, so
 * nothing to scrub). The TypeScript scenario and mapper are bundled on the fly with esbuild.
 * Usage: `node scripts/make-mockdata.mjs`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = await build({
  stdin: {
    contents:
      "import { buildScenario } from './test/helpers/scenario.ts';\n" +
      "import { toV1 } from './src/api/v1/index.ts';\n" +
      "export const doc = toV1(buildScenario(), { creatorVersion: '0.0.0-mock' });\n",
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  logLevel: 'error',
});
// the bundle imports npm packages (and uses import.meta.url): load it from inside the package
mkdirSync(join(root, 'dist'), { recursive: true });
const tmp = join(root, 'dist', `.make-mockdata-${process.pid}.mjs`);
writeFileSync(tmp, out.outputFiles[0].text);
let doc;
try {
  ({ doc } = await import(pathToFileURL(tmp).href));
} finally {
  rmSync(tmp, { force: true });
}
const file = new URL('../web/src/models/mock/mockdata.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`wrote ${file.pathname}\n`);
