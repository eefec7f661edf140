// SPDX-License-Identifier: MIT
/**
 * End to end: the BUILT service against the real Docker engine.
 *
 * - `/mobydig` against a docker-compose (v1) project `gwt-<rand>` on a user network with three
 *   services: the start container `alpha`, `beta` (reachable: verified), `gamma` (its netns
 *   drops every packet with an nft table of ours: its names resolve but verify as invalid);
 *   close code 1000 when done; 4400 and the upstream reason for an unknown name; 400 (no
 *   upgrade) for a missing target.
 *   The service runs with `PATH=/nonexistent`: no `ping` or `nsenter` (as in the image).
 * - the change feed delivering a container this suite starts (`container-started`) and stops;
 *   with the reconcile off, from the engine events (`source: engine`), once each.
 * Teardown (also on failure): `docker-compose down` of the project, the extra container
 * removed, the server stopped by PID.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { FeedEventV1 } from '../../../src/api/v1/index.js';
import { schemaErrors } from '../../helpers/openapi.js';
import { SERVE_BUILT, openSse, startServe, type Served } from '../../helpers/serve.js';
import { IMAGE, docker, gwtName, run, tryRun, unavailable } from '../engines/helpers.js';

const SKIP = unavailable('docker') ?? (SERVE_BUILT ? undefined : 'run npm run build first');
const project = gwtName('dig');
const dir = mkdtempSync(join(tmpdir(), 'gwt-compose-'));
const file = join(dir, 'docker-compose.yaml');
let srv: Served | undefined;
let extra: string | undefined;

function compose(...args: string[]): string {
  return run('docker-compose', ['-p', project, '-f', file, ...args], 120_000);
}

interface Dug {
  frames: Array<Record<string, string>>;
  code: number;
  reason: string;
}

function mobydig(query: string): Promise<Dug | { status: number; body: string }> {
  if (srv === undefined) throw new Error('no server');
  const url = `${srv.url.replace(/^http/, 'ws')}mobydig${query}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Array<Record<string, string>> = [];
    ws.on('message', (d: Buffer) =>
      frames.push(JSON.parse(d.toString()) as Record<string, string>),
    );
    ws.on('close', (code, reason) => resolve({ frames, code, reason: reason.toString() }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', reject);
  });
}

describe.skipIf(SKIP !== undefined)(
  `service against Docker${SKIP === undefined ? '' : ` [skipped: ${SKIP}]`}`,
  () => {
    beforeAll(async () => {
      writeFileSync(
        file,
        `version: "2.4"
services:
  alpha:
    image: ${IMAGE}
    command: ["sleep", "900"]
    networks: [net]
  beta:
    image: ${IMAGE}
    command: ["sleep", "900"]
    networks: [net]
  gamma:
    image: ${IMAGE}
    command: ["sleep", "900"]
    networks: [net]
networks:
  net: {}
`,
      );
      compose('up', '-d');
      // gamma drops everything that reaches its netns: resolvable, not reachable
      const gammaPid = docker('inspect', '-f', '{{.State.Pid}}', `${project}_gamma_1`);
      execFileSync('nsenter', [`--net=/proc/${gammaPid}/ns/net`, 'nft', '-f', '-'], {
        input:
          'table inet gwtdrop {\n chain gwtin {\n type filter hook input priority 0; policy drop;\n }\n}\n',
      });
      // No program on the service's PATH: DNS and pings from inside the netns are native.
      srv = await startServe(['--reconcile', '500ms'], 30_000, { PATH: '/nonexistent' });
    }, 180_000);

    afterAll(async () => {
      await srv?.stop();
      if (extra !== undefined) tryRun('docker', ['rm', '-f', extra]);
      tryRun('docker-compose', ['-p', project, '-f', file, 'down', '-t', '1', '-v'], 120_000);
      rmSync(dir, { recursive: true, force: true });
    }, 180_000);

    it('digs the names of the neighbours: verified for beta, invalid for gamma, then closes 1000', async () => {
      const r = await mobydig(`?target=${project}_alpha_1`);
      if (!('frames' in r)) throw new Error(`refused: ${r.status} ${r.body}`);
      expect(r.code).toBe(1000);
      const net = `${project}_net`;
      const final = (fqdn: string): string[] =>
        r.frames
          .filter(
            (f) =>
              f['fqdn'] === fqdn && (f['quality'] === 'verified' || f['quality'] === 'invalid'),
          )
          .map((f) => f['quality'] ?? '');
      for (const name of [
        'beta.',
        `beta.${net}.`,
        `${project}_beta_1.`,
        `${project}_beta_1.${net}.`,
      ]) {
        expect(
          r.frames.some((f) => f['fqdn'] === name && f['quality'] === 'unverified'),
          name,
        ).toBe(true);
        expect(final(name), name).toContain('verified');
      }
      expect(final('gamma.')).toEqual(['invalid']);
      const verifying = r.frames.find((f) => f['fqdn'] === 'beta.' && f['quality'] === 'verifying');
      expect(verifying?.['address']).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      for (const f of r.frames) {
        expect(
          Object.keys(f).every((k) => ['fqdn', 'address', 'quality', 'error'].includes(k)),
        ).toBe(true);
        for (const v of Object.values(f)) expect(v).not.toBe('');
      }
    });

    it('closes with 4400 for an unknown container and refuses a missing target with 400', async () => {
      const r = await mobydig('?target=gwt-nope-0000');
      expect(r).toMatchObject({
        code: 4400,
        reason: 'Docker container "gwt-nope-0000" not found',
        frames: [],
      });
      const bad = await mobydig('');
      expect(bad).toMatchObject({ status: 400 });
      expect(JSON.parse((bad as { body: string }).body)).toEqual({
        code: 'GW_ERR_HTTP_BAD_REQUEST',
        message: 'missing or multiple target query parameters',
      });
      expect(await mobydig('?target=a&target=b')).toMatchObject({ status: 400 });
    });

    it('puts a container the test starts and stops on the feed', async () => {
      if (srv === undefined) throw new Error('no server');
      const sse = await openSse(`${srv.url}api/events?types=container-started,container-stopped`);
      try {
        // let the first reconcile set the baseline
        await new Promise((r) => setTimeout(r, 1_000));
        extra = gwtName('feed');
        docker('run', '-d', '--name', extra, IMAGE, 'sleep', '900');
        const started = await sse.waitFor(
          (e) => e.event === 'container-started' && e.data.includes(`"name":"${extra}"`),
          15_000,
        );
        const ev = JSON.parse(started.data) as FeedEventV1;
        expect(schemaErrors('FeedEvent', ev)).toEqual([]);
        expect(ev).toMatchObject({
          type: 'container-started',
          container: { type: 'docker', status: 'running' },
        });
        docker('rm', '-f', extra);
        await sse.waitFor(
          (e) => e.event === 'container-stopped' && e.data.includes(`"name":"${extra}"`),
          15_000,
        );
      } finally {
        sse.close();
      }
    });

    it('publishes container start and stop from the engine events, not a discovery (source engine)', async () => {
      // reconcile off: only the engine source (or the discovery an event triggers) can report it
      const quiet = await startServe(['--reconcile', '0', '--silent'], 30_000);
      const name = gwtName('engfeed');
      try {
        for (let i = 0; i < 100; i++) {
          if ((await fetch(`${quiet.url}readyz`)).status === 200) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        const sse = await openSse(
          `${quiet.url}api/events?types=container-started,container-stopped`,
        );
        try {
          const t0 = performance.now();
          docker('run', '-d', '--name', name, IMAGE, 'sleep', '900');
          const started = await sse.waitFor(
            (e) => e.event === 'container-started' && e.data.includes(`"name":"${name}"`),
            10_000,
          );
          const ms = performance.now() - t0;
          const ev = JSON.parse(started.data) as FeedEventV1;
          expect(schemaErrors('FeedEvent', ev)).toEqual([]);
          const pid = Number(docker('inspect', '-f', '{{.State.Pid}}', name));
          expect(ev).toMatchObject({
            source: 'engine',
            container: { id: `cont-${pid}`, type: 'docker', pid, status: 'running' },
          });
          console.log(
            `feed latency docker run → container-started: ${ms.toFixed(0)} ms (incl. docker run)`,
          );
          // the document agrees with the engine source: same id and netns
          const doc = (await (await fetch(`${quiet.url}json`)).json()) as {
            'network-namespaces': Array<{
              netnsid: number;
              containers: Array<{ id: string; name: string }>;
            }>;
          };
          const inDoc = doc['network-namespaces'].find((n) =>
            n.containers.some((c) => c.name === name),
          );
          expect(inDoc?.netnsid).toBe((ev as { container: { netns: number } }).container.netns);
          docker('rm', '-f', name);
          const stopped = await sse.waitFor(
            (e) => e.event === 'container-stopped' && e.data.includes(`"name":"${name}"`),
            10_000,
          );
          expect(JSON.parse(stopped.data)).toMatchObject({ source: 'engine' });
          // reported once: no second start/stop from the discoveries the events triggered
          await new Promise((r) => setTimeout(r, 1_500));
          const mine = sse.events.filter((e) => e.data.includes(`"name":"${name}"`));
          expect(mine.map((e) => e.event)).toEqual(['container-started', 'container-stopped']);
        } finally {
          sse.close();
        }
      } finally {
        tryRun('docker', ['rm', '-f', name]);
        await quiet.stop();
      }
    }, 60_000);
  },
);
