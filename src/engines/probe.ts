// SPDX-License-Identifier: MIT
/**
 * @module engines/probe
 *
 * Confirms an engine candidate by a successful API call on one of its listening sockets and
 * builds the watcher adapter(s) for it:
 *
 * - `dockerd`: Docker API `/version` (version negotiation) + `/info` (engine ID); the server
 *   must not be podman;
 * - `podman`: `/_ping` must carry `Libpod-Api-Version` (the version); no `/info` (slow, and its
 *   `ID` is random per call), the engine ID is `podman.io:<pid>`;
 * - `containerd`: gRPC `Version` + `Introspection/Server` (UUID) → a `containerd.io` engine, and
 *   when the CRI plugin answers `runtime.v1 Version` on the same socket also a `k8s.io/cri-api`
 *   engine;
 * - `crio`: CRI `Version`.
 *
 * Sockets are tried in the candidate's order (well-known names first); the first that answers
 * wins. Clients of sockets that did not answer are closed.
 *
 * The containerd and CRI clients (with `@grpc/grpc-js` and `protobufjs`, ~115 ms to load) are
 * imported only when a containerd or CRI-O candidate is probed.
 */
import { readFileSync } from 'node:fs';
import { EngineError, errorMessage } from '../errors.js';
import { ENGINE_TYPES, type EngineType } from '../model/container.js';
import type { Problem } from '../model/problem.js';
import type { EngineCandidate } from './detect.js';
import { DockerAdapter } from './docker/adapter.js';
import { DockerClient, type DockerInfo } from './docker/client.js';
import type { EngineAdapter } from './watcher.js';

/** Engine facts learnt while probing (the prefix comes later, from stacking). */
export interface ProbedEngine {
  readonly id: string;
  readonly type: EngineType;
  readonly version: string;
  readonly pid: number;
  readonly apiPath: string;
  readonly adapter: EngineAdapter;
}

/** Probe options. */
export interface ProbeOptions {
  /** Timeout per API call while probing (ms). Default 3 000. */
  readonly timeoutMs?: number;
  readonly procRoot?: string;
}

/** Result of probing one candidate: the confirmed engine(s) or a problem. */
export interface ProbeResult {
  readonly engines: ProbedEngine[];
  readonly problems: Problem[];
}

/** Host name of an engine as seen in its mount namespace (CRI engine ID fallback). */
function engineHostname(pid: number, procRoot: string): string {
  try {
    const h = readFileSync(`${procRoot}/${pid}/root/etc/hostname`, 'utf8').trim();
    if (/^[A-Za-z0-9._-]{1,253}$/.test(h)) return h;
  } catch {
    // fall through
  }
  return `pid-${pid}`;
}

async function probeDocker(
  c: EngineCandidate,
  socket: string,
  timeoutMs: number,
): Promise<ProbedEngine[]> {
  const podman = c.comm === 'podman';
  const client = new DockerClient(socket, { engine: podman ? 'podman' : 'docker', timeoutMs });
  try {
    const n = await client.negotiate();
    if (podman !== (n.libpodVersion !== undefined)) {
      throw new EngineError(
        'GW_ERR_ENGINE_UNCONFIRMED',
        `${socket} answers, but not as ${c.comm}`,
        {
          engine: c.comm,
          endpoint: client.endpoint,
        },
      );
    }
    const type = podman ? ENGINE_TYPES.podman : ENGINE_TYPES.docker;
    // podman's compat /info takes ~300 ms and its `ID` is a fresh random UUID on every call, so
    // it identifies nothing: podman gets `podman.io:<pid>` and its version from the ping header
    const info: Partial<DockerInfo> = podman ? {} : await client.info();
    const adapter = new DockerAdapter(client, type);
    return [
      {
        id: typeof info.ID === 'string' && info.ID !== '' ? info.ID : `${type}:${c.pid}`,
        type,
        version: podman
          ? (n.libpodVersion ?? '')
          : typeof info.ServerVersion === 'string'
            ? info.ServerVersion
            : '',
        pid: c.pid,
        apiPath: client.endpoint,
        adapter,
      },
    ];
  } catch (e: unknown) {
    client.close();
    throw e;
  }
}

async function probeCri(
  c: EngineCandidate,
  socket: string,
  timeoutMs: number,
  procRoot: string,
): Promise<ProbedEngine> {
  const [{ CriClient }, { CriAdapter }] = await Promise.all([
    import('./cri/client.js'),
    import('./cri/adapter.js'),
  ]);
  const client = new CriClient(socket, { timeoutMs });
  try {
    const v = await client.version();
    const version = `${v.runtimeName} ${v.runtimeVersion} [API ${v.runtimeApiVersion}]`.trim();
    return {
      id: engineHostname(c.pid, procRoot),
      type: ENGINE_TYPES.cri,
      version,
      pid: c.pid,
      apiPath: client.endpoint,
      adapter: new CriAdapter(client),
    };
  } catch (e: unknown) {
    client.close();
    throw e;
  }
}

async function probeContainerd(
  c: EngineCandidate,
  socket: string,
  timeoutMs: number,
  procRoot: string,
): Promise<ProbedEngine[]> {
  const [{ ContainerdClient }, { ContainerdAdapter }] = await Promise.all([
    import('./containerd/client.js'),
    import('./containerd/adapter.js'),
  ]);
  const client = new ContainerdClient(socket, { timeoutMs });
  let native: ProbedEngine;
  try {
    const v = await client.version();
    let uuid = '';
    try {
      uuid = (await client.introspectionServer()).uuid;
    } catch {
      // very old containerd: no Introspection/Server
    }
    native = {
      id: uuid !== '' ? uuid : `${ENGINE_TYPES.containerd}:${c.pid}`,
      type: ENGINE_TYPES.containerd,
      version: `${v.version} ${v.revision}`.trim(),
      pid: c.pid,
      apiPath: client.endpoint,
      adapter: new ContainerdAdapter(client),
    };
  } catch (e: unknown) {
    client.close();
    throw e;
  }
  const out = [native];
  try {
    out.push(await probeCri(c, socket, timeoutMs, procRoot));
  } catch {
    // CRI plugin disabled or not serving: containerd alone
  }
  return out;
}

/** Probes the candidate's sockets in order until one answers as the expected engine. */
export async function probeCandidate(
  c: EngineCandidate,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const procRoot = options.procRoot ?? '/proc';
  const errors: string[] = [];
  for (const socket of c.sockets) {
    try {
      switch (c.comm) {
        case 'dockerd':
        case 'podman':
          return { engines: await probeDocker(c, socket, timeoutMs), problems: [] };
        case 'containerd':
          return { engines: await probeContainerd(c, socket, timeoutMs, procRoot), problems: [] };
        case 'crio':
          return { engines: [await probeCri(c, socket, timeoutMs, procRoot)], problems: [] };
      }
    } catch (e: unknown) {
      errors.push(`${socket}: ${errorMessage(e)}`);
    }
  }
  return {
    engines: [],
    problems: [
      {
        code: 'GW_ERR_ENGINE_UNCONFIRMED',
        message: `${c.comm} (pid ${c.pid}): no listening socket answered the engine API (${errors.join('; ')})`,
        subject: `pid ${c.pid}`,
      },
    ],
  };
}
