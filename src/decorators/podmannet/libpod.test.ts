// SPDX-License-Identifier: MIT
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../errors.js';
import { libpodNetworks } from './libpod.js';

const RECORDED = readFileSync(
  new URL('../../../test/fixtures/engines/podman/libpod-networks.json', import.meta.url),
  'utf8',
);

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function fakePodman(handler: http.RequestListener): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gwt-libpod-'));
  const sock = join(dir, 'podman.sock');
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(sock, r));
  cleanup = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  };
  return sock;
}

describe('libpodNetworks', () => {
  it('pings for Libpod-Api-Version, then lists /v<version>/libpod/networks/json', async () => {
    const paths: string[] = [];
    const sock = await fakePodman((req, res) => {
      paths.push(req.url ?? '');
      if (req.url === '/_ping') {
        res.writeHead(200, { 'Libpod-Api-Version': '4.3.1', 'Api-Version': '1.41' }).end('OK');
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(RECORDED);
      }
    });
    const nets = await libpodNetworks(sock, 1000);
    expect(paths).toEqual(['/_ping', '/v4.3.1/libpod/networks/json']);
    expect(nets.map((n) => n.name)).toEqual([
      'podman',
      'gwt-rec-p4923',
      'gwt-rec-pi4923',
      'gwt-rec-pm4923',
    ]);
  });

  it('a Docker daemon (no Libpod-Api-Version) is an API error', async () => {
    const sock = await fakePodman((_req, res) =>
      res.writeHead(200, { 'Api-Version': '1.41' }).end('OK'),
    );
    await expect(libpodNetworks(sock, 1000)).rejects.toMatchObject({ code: 'GW_ERR_ENGINE_API' });
  });

  it('HTTP errors and malformed JSON are API errors; a dead socket is unreachable', async () => {
    let body = 'not json';
    let status = 200;
    const sock = await fakePodman((req, res) => {
      if (req.url === '/_ping') res.writeHead(200, { 'Libpod-Api-Version': '4.3.1' }).end('OK');
      else res.writeHead(status).end(body);
    });
    await expect(libpodNetworks(sock, 1000)).rejects.toMatchObject({
      code: 'GW_ERR_ENGINE_API',
      message: /malformed JSON/,
    });
    status = 500;
    body = '{}';
    await expect(libpodNetworks(sock, 1000)).rejects.toMatchObject({
      code: 'GW_ERR_ENGINE_API',
      status: 500,
    });
    status = 200;
    body = '{}';
    await expect(libpodNetworks(sock, 1000)).rejects.toMatchObject({ message: /not a JSON array/ });
    const err = await libpodNetworks('/nonexistent/gwt.sock', 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({
      code: 'GW_ERR_ENGINE_UNREACHABLE',
      endpoint: 'unix:///nonexistent/gwt.sock',
    });
  });

  it('times out a silent engine', async () => {
    const sock = await fakePodman(() => undefined);
    await expect(libpodNetworks(sock, 50)).rejects.toMatchObject({
      code: 'GW_ERR_ENGINE_UNREACHABLE',
      message: /timed out/,
    });
  });
});
