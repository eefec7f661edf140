// SPDX-License-Identifier: MIT
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../../test/helpers/cli-io.js';
import { buildProgram } from '../main.js';
import { checkHealth } from './healthcheck.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/healthz') res.writeHead(200).end('ok');
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2000);
    else res.writeHead(503).end('starting');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('checkHealth', () => {
  it('is healthy on 2xx and unhealthy on 5xx, timeouts and refused connections', async () => {
    expect(await checkHealth(`${base}/healthz`, 2000)).toEqual({
      healthy: true,
      detail: `${base}/healthz: HTTP 200`,
    });
    expect((await checkHealth(`${base}/readyz`, 2000)).healthy).toBe(false);
    const slow = await checkHealth(`${base}/slow`, 100);
    expect(slow.healthy).toBe(false);
    expect(slow.detail).toMatch(/timeout|aborted/i);
    // port 1 on loopback: nothing listens there unprivileged
    expect((await checkHealth('http://127.0.0.1:1/healthz', 2000)).healthy).toBe(false);
  });
});

describe('ghostwire healthcheck', () => {
  it('sets the exit code from the answer', async () => {
    const ok = captureIo();
    await buildProgram(ok).parseAsync(['node', 'gw', 'healthcheck', '--url', `${base}/healthz`]);
    expect(ok.exitCode).toBe(0);
    expect(ok.out()).toContain('healthy');
    const bad = captureIo();
    await buildProgram(bad).parseAsync(['node', 'gw', 'healthcheck', '--url', `${base}/nope`]);
    expect(bad.exitCode).toBe(1);
    expect(bad.err()).toContain('HTTP 503');
  });

  it('prints the version and commit', async () => {
    const io = captureIo();
    await expect(buildProgram(io).parseAsync(['node', 'gw', '--version'])).rejects.toMatchObject({
      code: 'commander.version',
      exitCode: 0,
    });
    expect(io.out()).toMatch(/^ghostwire \d+\.\d+\.\d+\S* \(commit \S+\)\n$/);
  });
});
