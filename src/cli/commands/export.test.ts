// SPDX-License-Identifier: MIT
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { SCENARIO, buildScenario } from '../../../test/helpers/scenario.js';
import { captureIo } from '../../../test/helpers/cli-io.js';
import { makeExportCommand } from './export.js';

async function run(args: string[]) {
  const io = captureIo();
  const program = new Command().exitOverride();
  makeExportCommand(async () => buildScenario()).register(program, io);
  await program.parseAsync(['node', 'ghostwire', 'export', ...args]);
  return io;
}

describe('ghostwire export', () => {
  it('prints an SVG document', async () => {
    const out = (await run(['--format', 'svg'])).out();
    expect(out).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
    expect(out.trimEnd().endsWith('</svg>')).toBe(true);
    expect(out).toContain('veth3f2a1b0');
  });

  it('prints DOT and Mermaid, one edge per wire labelled with both interface names', async () => {
    const dot = (await run(['--format', 'dot'])).out();
    expect(dot).toMatch(/^graph ghostwire \{\n/);
    expect(dot).toMatch(/-- .*label="veth", taillabel="(eth0|veth3f2a1b0)"/);
    const mm = (await run(['--format', 'mermaid'])).out();
    expect(mm).toMatch(/^flowchart LR\n/);
    expect(mm).toMatch(/\|"(eth0 — veth3f2a1b0|veth3f2a1b0 — eth0) \(veth\)"\|/);
  });

  it('restricts to --netns and keeps the far end as a stub', async () => {
    const dot = (await run(['--format', 'dot', '--netns', String(SCENARIO.containerNet)])).out();
    expect(dot.match(/\[label="[^"]*\\nnetns \d+"\]/g)).toHaveLength(1);
    expect(dot).toContain('(not exported)');
    const svg = (await run(['--format', 'svg', '--netns', 'nginx(2345)'])).out();
    expect(svg).toContain('(hidden)');
  });

  it('rejects an unknown format with GW_ERR_CLI_USAGE', async () => {
    await expect(run(['--format', 'png'])).rejects.toMatchObject({ code: 'GW_ERR_CLI_USAGE' });
  });
});
