#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Web UI benchmark (docs/performance.md, "Web UI"): serves the built UI (`web/dist`) with a
 * synthetic v1 document of N container netns (scripts/bench/synthetic-doc.mjs) on loopback and
 * drives Debian's headless Chromium (playwright-core) through it:
 *
 * - first meaningful paint: from the navigation's `responseEnd` (the document has arrived) to
 *   the first frame that shows a netns card (includes fetching and parsing `json`, building the
 *   wiring model, the layout and the first render);
 * - scrolling: the wiring is scrolled top to bottom in 600 px steps, one step per animation
 *   frame; reported are the longest task (PerformanceObserver `longtask`, ≥ 50 ms) and the
 *   number of tasks over 200 ms;
 * - scrolling while hovering: the same, and at every step the pointer "moves" onto an interface
 *   badge under the middle of the viewport (mouseout/mouseover as the browser sends them, so
 *   the wire highlighting and its tooltip run as for a user sweeping the mouse).
 *
 * Usage: node scripts/bench-webui.mjs [N ...] (default 100 500), env RUNS (default 3),
 * BENCH_DIST (another built web/dist, e.g. of an older commit, to compare).
 * Needs `npm run build` (web/dist) and the `chromium` package.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
/* global window, document, requestAnimationFrame, MouseEvent -- code in page.evaluate runs in the browser */
import { chromium } from 'playwright-core';
import { syntheticDoc } from './bench/synthetic-doc.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'web', 'dist');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

if (!existsSync(join(DIST, 'index.html'))) {
  process.stderr.write('bench-webui: web/dist missing: run npm run build first\n');
  process.exit(1);
}

function serve(doc) {
  const body = JSON.stringify(doc);
  const index = readFileSync(join(DIST, 'index.html'), 'utf8');
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/json')
      return res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    if (path === '/api/events') return res.writeHead(404).end();
    const file = normalize(join(DIST, path));
    if (path !== '/' && file.startsWith(DIST) && existsSync(file))
      return res
        .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
        .end(readFileSync(file));
    res.writeHead(200, { 'content-type': 'text/html' }).end(index);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

async function once(ctx, url) {
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    const w = window;
    w.__gwLong = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__gwLong.push({ start: e.startTime, d: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    const check = () => {
      if (document.querySelector('section.card') !== null) {
        requestAnimationFrame(() => (w.__gwFmp = performance.now()));
        return;
      }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__gwFmp !== undefined, null, { timeout: 30_000 });
  const fmp = await page.evaluate(
    () => window.__gwFmp - performance.getEntriesByType('navigation')[0].responseEnd,
  );
  const measureScroll = (hover) =>
    page.evaluate(async (hover) => {
      const el = document.querySelector('.wiring-scroll');
      el.scrollTop = 0;
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      let last = null;
      let steps = 0;
      let hovers = 0;
      const sweep = () => {
        const r = el.getBoundingClientRect();
        const hit = document
          .elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
          ?.closest('.nif-button');
        const at = hit ?? document.querySelector('.nif-button');
        if (at === null || at === last) return;
        // a badge scrolled out of the DOM (virtualised) sends no mouseout: enter from nowhere
        const from = last !== null && last.isConnected ? last : null;
        if (from !== null)
          from.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, relatedTarget: at }));
        at.dispatchEvent(new MouseEvent('mouseover', { bubbles: true, relatedTarget: from }));
        last = at;
      };
      await new Promise((resolve) => {
        const step = () => {
          el.scrollTop += 600;
          steps++;
          if (hover) {
            sweep();
            if (document.querySelector('.nif.hot') !== null) hovers++;
          }
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) resolve();
          else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      await new Promise((r) => setTimeout(r, 300));
      const tasks = window.__gwLong.filter((t) => t.start >= t0);
      return {
        tasks: tasks
          .filter((t) => t.d > 100)
          .map((t) => `${Math.round(t.start - t0)}+${Math.round(t.d)}`)
          .join(' '),
        ms: performance.now() - t0,
        frame: (performance.now() - t0 - 300) / steps,
        hot: hovers,
        height: el.scrollHeight,
        max: Math.max(0, ...tasks.map((t) => t.d)),
        over200: tasks.filter((t) => t.d > 200).length,
        cards: document.querySelectorAll('section.card').length,
      };
    }, hover);
  // main-thread script time of each phase (CDP Performance.getMetrics), less sensitive to other
  // load on the machine than wall-clock task lengths
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  const scriptTime = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration')
      .value * 1000;
  const t0 = await scriptTime();
  const scroll = await measureScroll(false);
  const t1 = await scriptTime();
  const hovered = await measureScroll(true);
  const t2 = await scriptTime();
  scroll.script = t1 - t0;
  hovered.script = t2 - t1;
  await cdp.detach();
  await page.close();
  if (process.env.BENCH_DEBUG === '1')
    process.stderr.write(
      `scroll ${Math.round(scroll.ms)} ms; tasks > 100 ms (start+duration): ${scroll.tasks}; ` +
        `with hover ${Math.round(hovered.ms)} ms (${hovered.hot} of the steps saw a lit wire): ${hovered.tasks}\n`,
    );
  return { fmp, ...scroll, hover: hovered };
}

const ns = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const RUNS = Number(process.env.RUNS ?? 3);
const exe = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'gwt-bench-chromium-'));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: exe,
  headless: true,
  args: FLAGS,
  viewport: { width: 1400, height: 900 },
});
try {
  console.log(
    '| netns | first meaningful paint (median / max of runs) | scroll: longest task | tasks > 200 ms | scroll + hover: longest task | tasks > 200 ms | mean step (scroll / + hover) | script time (scroll / + hover) | cards in DOM at the end | scrolled height |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of ns.length > 0 ? ns : [100, 500]) {
    const server = await serve(syntheticDoc(n));
    const url = `http://127.0.0.1:${server.address().port}/`;
    await once(ctx, url); // warm-up (disk cache, JIT)
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(ctx, url));
    server.close();
    const f = runs.map((r) => r.fmp).sort((a, b) => a - b);
    const maxTask = Math.max(...runs.map((r) => r.max));
    const maxHover = Math.max(...runs.map((r) => r.hover.max));
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ms = (x) => (x > 0 ? `${x.toFixed(0)} ms` : 'none ≥ 50 ms');
    console.log(
      `| ${n} | ${f[Math.floor(f.length / 2)].toFixed(0)} ms / ${f.at(-1).toFixed(0)} ms | ${ms(maxTask)} | ${runs.reduce((a, r) => a + r.over200, 0)} | ${ms(maxHover)} | ${runs.reduce((a, r) => a + r.hover.over200, 0)} | ${med(runs.map((r) => r.frame)).toFixed(0)} / ${med(runs.map((r) => r.hover.frame)).toFixed(0)} ms | ${med(runs.map((r) => r.script)).toFixed(0)} / ${med(runs.map((r) => r.hover.script)).toFixed(0)} ms | ${runs[0].cards} | ${runs[0].height} px |`,
    );
  }
} finally {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}
