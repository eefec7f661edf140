// SPDX-License-Identifier: MIT
/// <reference lib="dom" />
/**
 * End-to-end: the web UI in a real headless Chromium (Debian `chromium` via playwright-core)
 * against `ghostwire serve` (the built service, test/helpers/serve.ts; the stand-in of
 * test/helpers/ui-server.ts only when the service is not built) on namespaces and a veth the
 * test creates and Docker containers it starts (one
 * with a hostile label). Checks: the wiring draws the veth; search by IP finds the container; a
 * deep link by name opens its details (fuzzy "did you mean" for an unknown name); a container
 * started during the test appears without reload; capture URLs are exact; exports are valid
 * SVG / DOT / Mermaid; the hostile label is text; a 500-netns synthetic host renders
 * (virtualised). Screenshots of every view in light and dark go to $GW_TEST_ARTIFACTS
 * (default test-results/webui, listed in docs/webui.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DiscoveryResultV1 } from '../../../src/api/v1/types.js';
import { syntheticDoc } from '../../../scripts/bench/synthetic-doc.mjs';
import { launchBrowser } from '../../helpers/browser.js';
import { makeNetns, type TestNetns } from '../../helpers/namespaces.js';
import { SERVE_BUILT, startServe } from '../../helpers/serve.js';
import { WEB_DIST, startUiServer, type UiServer } from '../../helpers/ui-server.js';
import { IMAGE, docker, gwtName, tryRun, unavailable } from '../engines/helpers.js';
import { ensureBuilt } from '../v1/helpers.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'ghostwire');
const ARTIFACTS = process.env['GW_TEST_ARTIFACTS'] ?? join(ROOT, 'test-results', 'webui');
const HOSTILE = '<img src=x onerror=alert(1)>';
const skip = unavailable('docker');

function dumpDoc(): DiscoveryResultV1 {
  return JSON.parse(
    execFileSync(BIN, ['dump'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 << 20,
    }),
  ) as DiscoveryResultV1;
}

function ensureWebBuilt(): void {
  if (existsSync(join(WEB_DIST, 'index.html'))) return;
  execFileSync('node', [join(ROOT, 'scripts', 'build-web.mjs')], {
    stdio: 'pipe',
    timeout: 300_000,
  });
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

describe.skipIf(skip !== undefined)('web UI in Chromium against real discovery', () => {
  const tag = gwtName();
  const web = `${tag}-web`;
  const late = `${tag}-late`;
  const vethA = `${tag.slice(4, 12)}a`;
  const vethB = `${tag.slice(4, 12)}b`;
  const vethDown = `${tag.slice(4, 12)}d`;
  let nsA: TestNetns | undefined;
  let nsB: TestNetns | undefined;
  let server: { url: string; close: () => Promise<void>; notify?: UiServer['notify'] } | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page;
  let webIp = '';
  let webNetns = 0;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    ensureWebBuilt();
    nsA = makeNetns(`${tag}-a`);
    nsB = makeNetns(`${tag}-b`);
    execFileSync('ip', [
      '-n',
      nsA.name,
      'link',
      'add',
      vethA,
      'type',
      'veth',
      'peer',
      'name',
      vethB,
      'netns',
      nsB.name,
    ]);
    execFileSync('ip', [
      '-n',
      nsA.name,
      'link',
      'add',
      vethDown,
      'type',
      'veth',
      'peer',
      'name',
      `${vethDown.slice(0, -1)}e`,
    ]);
    execFileSync('ip', ['-n', nsA.name, 'addr', 'add', '10.251.7.1/24', 'dev', vethA]);
    execFileSync('ip', ['-n', nsA.name, 'link', 'set', vethA, 'up']);
    execFileSync('ip', ['-n', nsB.name, 'link', 'set', vethB, 'up']);
    docker(
      'run',
      '-d',
      '--name',
      web,
      '--label',
      `gwt.hostile=${HOSTILE}`,
      '--label',
      'gwt.suite=webui',
      IMAGE,
      'sleep',
      '600',
    );
    webIp = docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', web);
    const pid = Number(docker('inspect', '-f', '{{.State.Pid}}', web));
    webNetns = Number(
      /\[(\d+)\]/.exec(
        execFileSync('readlink', [`/proc/${pid}/ns/net`], { encoding: 'utf8' }),
      )?.[1],
    );
    if (SERVE_BUILT) {
      const s = await startServe();
      server = { url: s.url, close: async () => void (await s.stop()) };
    } else {
      server = await startUiServer({ doc: dumpDoc, enableMonolith: true });
    }
    browser = await launchBrowser({ colorScheme: 'light' });
    await browser.setExtraHTTPHeaders({ 'Enable-Monolith': '1' });
    page = await browser.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // the UI must run under the strict CSP (no inline script but the nonce'd dynvars)
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
        pageErrors.push(m.text());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.dispose();
    await server?.close();
    tryRun('docker', ['rm', '-f', web, late]);
    nsA?.cleanup();
    nsB?.cleanup();
  }, 120_000);

  it('draws the veth the test created between its two namespaces, with a tooltip naming both ends', async () => {
    await page.goto(`${server!.url}?q=${encodeURIComponent(tag)}`);
    await page.waitForSelector('section.card');
    const wire = page.locator(
      `g.wire.veth[aria-label*="${vethA} in /run/netns/${nsA!.name}"][aria-label*="${vethB} in /run/netns/${nsB!.name}"]`,
    );
    await wire.waitFor({ state: 'attached', timeout: 10_000 });
    await page
      .locator(
        `section.card[aria-label$="/run/netns/${nsA!.name}"] [data-nif="${vethA}"] button.nif-button`,
      )
      .focus();
    const tip = page.locator('.tooltip');
    await expect
      .poll(async () => tip.textContent())
      .toContain(`${vethB} in /run/netns/${nsB!.name}`);
    expect(await wire.getAttribute('class')).toContain('hot');
    await shot(page, 'wiring-light');
  });

  it('finds the container by its IP and jumps to its details', async () => {
    await page.goto(server!.url);
    await page.waitForSelector('section.card');
    await page.keyboard.press('/');
    const box = page.getByRole('combobox', { name: 'Search' });
    await expect
      .poll(async () => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Search');
    await box.fill(webIp);
    const hit = page.locator('#search-results li', { hasText: web });
    await hit.first().waitFor();
    expect(await hit.first().textContent()).toContain(webIp);
    await shot(page, 'search-light');
    await box.press('Enter');
    await page.waitForSelector('main.details h1');
    expect(await page.locator('main.details h1').textContent()).toContain(web);
    expect(new URL(page.url()).pathname).toBe(`/n/${encodeURIComponent(web)}`);
  });

  it('opens a deep link by container name, renders the hostile label as text, and suggests names for an unknown one', async () => {
    await page.goto(`${server!.url}n/${encodeURIComponent(web)}#tenants`);
    await page.waitForSelector('main.details h1');
    const label = page.locator('ul.labels li', { hasText: 'gwt.hostile' });
    expect(await label.textContent()).toBe(`gwt.hostile=${HOSTILE}`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot(page, 'details-light');
    await page.goto(`${server!.url}n/${encodeURIComponent(`${web}-old`)}`);
    await page.waitForSelector('h1');
    // close enough (Dice ≥ 0.8) resolves; a different name offers suggestions
    expect(await page.locator('h1').textContent()).toContain(web);
    await page.goto(`${server!.url}n/${encodeURIComponent(`${web}-sidecar-proxy`)}`);
    await page.locator('ul.suggestions a', { hasText: web }).waitFor();
  });

  it('produces exact capture URLs and disables down interfaces with a reason', async () => {
    await page.goto(`${server!.url}?q=${encodeURIComponent(tag)}`);
    const card = page.locator(`section.card[data-netns="${webNetns}"]`);
    await card.waitFor();
    const base = server!.url.replace(/^http/, 'ws');
    const target = (nifs: string[]): string =>
      `packetflix:${base}capture?container=${encodeURIComponent(JSON.stringify({ netns: webNetns, 'network-interfaces': nifs, name: web, type: 'docker', prefix: '' }))}&nif=${nifs.join('/')}`;
    expect(await card.locator('.card-head a.capture').getAttribute('href')).toBe(
      target(['lo', 'eth0']),
    );
    expect(await card.locator('[data-nif="eth0"] a.capture').getAttribute('href')).toBe(
      target(['eth0']),
    );
    const down = page.locator(`[data-nif="${vethDown}"] button.capture`);
    await down.waitFor();
    expect(await down.isDisabled()).toBe(true);
    expect(await down.getAttribute('title')).toBe(`${vethDown} is down: nothing to capture`);
  });

  it('captures a chosen set of interfaces of one netns with one exact URL', async () => {
    const base = server!.url.replace(/^http/, 'ws');
    const target = (netns: number, name: string, type: string, nifs: string[]): string =>
      `packetflix:${base}capture?container=${encodeURIComponent(JSON.stringify({ netns, 'network-interfaces': nifs, name, type, prefix: '' }))}&nif=${nifs.join('/')}`;
    // details: check boxes, chosen in reverse order; the URL lists the netns's own order
    await page.goto(`${server!.url}n/${encodeURIComponent(web)}#nifs`);
    const bar = page.getByRole('group', { name: 'capture of chosen interfaces' });
    await bar.waitFor();
    expect(await bar.locator('button.capture').isDisabled()).toBe(true);
    await page
      .getByRole('checkbox', { name: 'choose eth0 for a capture of several interfaces' })
      .check();
    await page
      .getByRole('checkbox', { name: 'choose lo for a capture of several interfaces' })
      .check();
    expect(await bar.locator('a.capture').getAttribute('href')).toBe(
      target(webNetns, web, 'docker', ['lo', 'eth0']),
    );
    expect(await bar.textContent()).toContain('capture 2 chosen: lo, eth0');
    // a down interface cannot be chosen, and says why
    await page.goto(`${server!.url}n/${encodeURIComponent(`/run/netns/${nsA!.name}`)}#nifs`);
    const downBox = page.getByRole('checkbox', {
      name: `choose ${vethDown} for a capture of several interfaces`,
    });
    await downBox.waitFor();
    expect(await downBox.isDisabled()).toBe(true);
    expect(await downBox.getAttribute('title')).toBe(`${vethDown} is down: nothing to capture`);
    // wiring: Ctrl+click (and Ctrl+Enter from the keyboard) chooses badges of one netns
    await page.goto(`${server!.url}?q=${encodeURIComponent(tag)}`);
    const card = page.locator(`section.card[data-netns="${webNetns}"]`);
    await card.waitFor();
    await card.locator('[data-nif="eth0"] button.nif-button').click({ modifiers: ['Control'] });
    const wbar = page.getByRole('group', { name: 'capture of chosen interfaces' });
    expect(await wbar.locator('a.capture').getAttribute('href')).toBe(
      target(webNetns, web, 'docker', ['eth0']),
    );
    expect(await card.locator('[data-nif="eth0"]').getAttribute('class')).toContain('chosen');
    // choosing in another netns starts over there (one netns per capture)
    const a = page.locator(
      `section.card[aria-label$="/run/netns/${nsA!.name}"] [data-nif="${vethA}"] button.nif-button`,
    );
    await a.focus();
    await page.keyboard.press('Control+Enter');
    await expect.poll(async () => wbar.textContent()).toContain(`: ${vethA}`);
    expect(await card.locator('[data-nif="eth0"]').getAttribute('class')).not.toContain('chosen');
  });

  it('shows a container started during the test without reloading the page', async () => {
    await page.goto(`${server!.url}?q=${encodeURIComponent(tag)}`);
    await page.waitForSelector('section.card');
    await page.evaluate(() => ((window as unknown as { gwMarker: number }).gwMarker = 42));
    docker('run', '-d', '--name', late, IMAGE, 'sleep', '600');
    server!.notify?.('container-started');
    await page.locator('section.card', { hasText: late }).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { gwMarker?: number }).gwMarker)).toBe(
      42,
    );
    expect(await page.locator('.live-text').textContent()).toBe('live');
    expect(await page.locator('.ago').textContent()).toMatch(/updated \d+ s ago/);
  });

  it('exports the shown wiring as valid SVG from the UI, and SVG/DOT/Mermaid from the CLI', async () => {
    await page.goto(`${server!.url}?q=${encodeURIComponent(nsA!.name)}`);
    await page.waitForSelector('section.card');
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'export SVG' }).click(),
    ]);
    const svg = readFileSync((await dl.path())!, 'utf8');
    const parse = (text: string): Promise<string> =>
      page.evaluate((t) => {
        const d = new DOMParser().parseFromString(t, 'image/svg+xml');
        return d.querySelector('parsererror') !== null ? 'error' : d.documentElement.nodeName;
      }, text);
    expect(await parse(svg)).toBe('svg');
    expect(svg).toContain(vethA);
    const cli = (format: string): string =>
      execFileSync(BIN, ['export', '--format', format, '--netns', nsA!.name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    const cliSvg = cli('svg');
    expect(await parse(cliSvg)).toBe('svg');
    // the far end is outside --netns: a labelled stub names it (the netns's reference may be a
    // path of the serving process's own fd while the service holds it open)
    expect(cliSvg).toMatch(new RegExp(`${vethB} in \\S+ \\(hidden\\)`));
    const dot = cli('dot');
    expect(dot).toMatch(/^graph ghostwire \{\n[\s\S]*\}\n$/);
    expect(dot).toMatch(
      new RegExp(`taillabel="(${vethA}|${vethB})", headlabel="(${vethA}|${vethB})"`),
    );
    const dotBin = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
    if (dotBin.error === undefined) {
      expect(dotBin.status).toBe(0);
      expect(await parse(dotBin.stdout)).toBe('svg');
    }
    const mermaid = cli('mermaid');
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    for (const line of mermaid.trim().split('\n').slice(1))
      expect(line).toMatch(
        /^ {2}n\d+(\[\(?"[^"<>]*"\)?\]|\(\["[^"<>]*"\]\)| (---|-\.-)\|"[^"<>]*"\| n\d+)$/,
      );
    expect(mermaid).toMatch(
      new RegExp(`\\|"(${vethA} — ${vethB}|${vethB} — ${vethA}) \\(veth\\)"\\|`),
    );
  });

  it('writes screenshots of every view in light and dark', async () => {
    const dark = await launchBrowser({ colorScheme: 'dark' });
    try {
      for (const [ctx, theme] of [
        [browser!, 'light'],
        [dark, 'dark'],
      ] as const) {
        const p = await ctx.newPage();
        await ctx.setExtraHTTPHeaders({ 'Enable-Monolith': '1' });
        for (const [view, path] of [
          ['wiring', ''],
          ['details', `n/${encodeURIComponent(web)}`],
          ['open-house', 'open'],
          ['settings', 'settings'],
          ['help', 'help'],
          ['about', 'about'],
        ] as const) {
          await p.goto(`${server!.url}${path}`);
          await p.waitForSelector(view === 'wiring' ? 'section.card' : 'main h1');
          await shot(p, `${view}-${theme}`);
        }
        await p.close();
      }
    } finally {
      await dark.dispose();
    }
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(skip !== undefined)('web UI at 500 namespaces', () => {
  it('renders a 500-netns synthetic host virtualised, with the minimap, and scrolls to the last card', async () => {
    ensureWebBuilt();
    const doc = syntheticDoc(500);
    const s = await startUiServer({ doc: () => doc });
    const b = await launchBrowser({ colorScheme: 'light' });
    try {
      const p = await b.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(s.url);
      await p.waitForSelector('section.card');
      expect(await p.locator('.brand .count').textContent()).toBe('501');
      const rendered = await p.locator('section.card').count();
      expect(rendered).toBeGreaterThan(1);
      expect(rendered).toBeLessThan(100); // virtualised: only what is near the viewport
      await p.locator('.minimap canvas').waitFor();
      await p.locator('.wiring-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await p.locator('section.card', { hasText: 'proj-049-app-9-1' }).waitFor();
      await shot(p, 'wiring-500-light');
      await p.getByRole('button', { name: 'collapse groups' }).click();
      await expect.poll(async () => p.locator('.group.collapsed').count()).toBeGreaterThan(2);
      expect(await p.locator('.group-line').count()).toBeGreaterThan(20);
      await shot(p, 'wiring-500-collapsed-light');
      // grouping by network: every container of the synthetic host is on docker0
      await p.getByRole('combobox', { name: /group by/ }).selectOption('network');
      await expect
        .poll(async () => p.locator('.group-head').first().textContent())
        .toMatch(/^▾ network (bridge|docker0) \(500 netns\)$/);
      expect(new URL(p.url()).searchParams.get('g')).toBe('network');
      expect(errors).toEqual([]);
    } finally {
      await b.dispose();
      await s.close();
    }
  }, 120_000);
});
