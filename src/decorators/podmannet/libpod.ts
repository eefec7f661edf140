// SPDX-License-Identifier: MIT
/**
 * @module decorators/podmannet/libpod
 *
 * The one libpod call podmannet needs, over podman's unix socket with `node:http`:
 * `GET /_ping` (header `Libpod-Api-Version`), then `GET /v<version>/libpod/networks/json`.
 * The Docker-compatible `/networks` is no substitute: podman 4 renames its default network to
 * `bridge` there and hides `network_interface` (bridge / macvlan parent names).
 * Reference: podman 4 REST API, "libpod/networks/json" (NetworkListLibpod).
 */
import * as http from 'node:http';
import { EngineError, errorMessage } from '../../errors.js';

/** One libpod network (fields used; podman ≥ 4 netavark/CNI network format). */
export interface LibpodNetwork {
  readonly name: string;
  readonly id: string;
  readonly driver: string;
  /** Bridge name (driver bridge) or parent nif (driver macvlan/ipvlan). */
  readonly network_interface?: string;
  readonly internal?: boolean;
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly options?: Readonly<Record<string, string>> | null;
}

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

function get(socketPath: string, path: string, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath, path, method: 'GET', agent: false, headers: { 'User-Agent': 'Ghostwire' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`${path} timed out after ${timeoutMs} ms`)),
    );
    req.end();
  });
}

/** Lists podman's networks via the libpod API at `socketPath`. Throws {@link EngineError}. */
export async function libpodNetworks(
  socketPath: string,
  timeoutMs: number,
): Promise<LibpodNetwork[]> {
  const endpoint = `unix://${socketPath}`;
  const fail = (
    code: 'GW_ERR_ENGINE_API' | 'GW_ERR_ENGINE_UNREACHABLE',
    message: string,
    cause?: unknown,
    status?: number,
  ): EngineError =>
    new EngineError(code, `podman: ${message}`, {
      engine: 'podman',
      endpoint,
      ...(status === undefined ? {} : { status }),
      ...(cause === undefined ? {} : { cause }),
    });
  let ping: Reply;
  try {
    ping = await get(socketPath, '/_ping', timeoutMs);
  } catch (e: unknown) {
    throw fail('GW_ERR_ENGINE_UNREACHABLE', `/_ping: ${errorMessage(e)}`, e);
  }
  const v = ping.headers['libpod-api-version'];
  const version = typeof v === 'string' ? v : undefined;
  if (ping.status !== 200 || version === undefined || !/^\d+\.\d+(\.\d+)?$/.test(version)) {
    throw fail(
      'GW_ERR_ENGINE_API',
      `/_ping answered HTTP ${ping.status} without a usable Libpod-Api-Version`,
      undefined,
      ping.status,
    );
  }
  const path = `/v${version}/libpod/networks/json`;
  let reply: Reply;
  try {
    reply = await get(socketPath, path, timeoutMs);
  } catch (e: unknown) {
    throw fail('GW_ERR_ENGINE_UNREACHABLE', `${path}: ${errorMessage(e)}`, e);
  }
  if (reply.status !== 200)
    throw fail(
      'GW_ERR_ENGINE_API',
      `${path} answered HTTP ${reply.status}`,
      undefined,
      reply.status,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch (e: unknown) {
    throw fail('GW_ERR_ENGINE_API', `${path}: malformed JSON`, e, reply.status);
  }
  if (!Array.isArray(parsed))
    throw fail('GW_ERR_ENGINE_API', `${path}: not a JSON array`, undefined, reply.status);
  return parsed as LibpodNetwork[];
}
