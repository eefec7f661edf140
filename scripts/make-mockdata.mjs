#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Writes the web UI's mock document `web/src/models/mock/mockdata.json`: the v1 document of the
 * hand-built discovery scenario (src/discovery/scenario.ts: every v1 field, no host data, so
 * nothing to scrub). Run after `npm run build`: `node scripts/make-mockdata.mjs`.
 */
import { writeFileSync } from 'node:fs';

const { buildScenario } = await import('../dist/discovery/scenario.js');
const { toV1 } = await import('../dist/api/v1/index.js');
const doc = toV1(buildScenario(), { creatorVersion: '0.0.0-mock' });
const out = new URL('../web/src/models/mock/mockdata.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`wrote ${out.pathname}\n`);
