// SPDX-License-Identifier: MIT
/**
 * @module engines/docker/client
 *
 * Minimal client of the Docker Engine API (also podman's Docker-compatible API and a few libpod
 * endpoints) over a unix socket with `node:http` (`socketPath`). The API version is negotiated
 * once from the unversioned `GET /version` (the server's `ApiVersion`, capped at the newest
 * version this client was written against); later requests use the `/v<version>/…` prefix.
 * Reference: Docker Engine API v1.41 (containers/json, containers/{id}/json, networks, events,
 * version, info); podman 4 libpod API (`/v4.x/libpod/containers/json`, `/libpod/pods/json`).
 */
import * as http from 'node:http';
import { EngineError, errorMessage } from '../../errors.js';
import { JsonObjectSplitter } from './json-stream.js';

/** Newest Docker API version this client knows; servers answering newer are spoken to at this one. */
export const MAX_API_VERSION = '1.43';
/** Oldest version used when a server does not say (Docker's own fallback for /version-less servers). */
export const MIN_API_VERSION = '1.24';

/** Compares dotted API versions numerically ('1.9' < '1.41'). */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** `GET /version` (fields used). */
export interface DockerVersion {
  readonly Version: string;
  readonly ApiVersion: string;
  readonly MinAPIVersion?: string;
  readonly Components?: ReadonlyArray<{ readonly Name: string; readonly Version: string }>;
}

/** What {@link DockerClient.negotiate} learnt. */
export interface Negotiated {
  /** API version used for requests, e.g. `1.41`. */
  readonly apiVersion: string;
  /** podman only: libpod API version (= podman version in 4.x), e.g. `4.3.1`. */
  readonly libpodVersion: string | undefined;
  /** `Server` header, e.g. `Docker/20.10.24+dfsg1 (linux)`, `Libpod/4.3.1 (linux)`. */
  readonly server: string | undefined;
}

function headerOf(h: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}

/** `GET /info` (fields used). */
export interface DockerInfo {
  readonly ID: string;
  readonly Name: string;
  readonly ServerVersion: string;
}

/** `GET /containers/json` item (fields used). */
export interface DockerContainerSummary {
  readonly Id: string;
  readonly Names: readonly string[];
  readonly State: string;
  readonly Labels: Readonly<Record<string, string>> | null;
}

/** `GET /containers/{id}/json` (fields used; NetworkSettings may be null with podman). */
export interface DockerContainerInspect {
  readonly Id: string;
  readonly Name: string;
  readonly State: {
    readonly Status: string;
    readonly Running: boolean;
    readonly Paused: boolean;
    readonly Pid: number;
  };
  readonly Config: { readonly Labels: Readonly<Record<string, string>> | null } | null;
  readonly HostConfig: { readonly Privileged?: boolean; readonly NetworkMode?: string } | null;
  readonly NetworkSettings: {
    readonly SandboxKey?: string;
    readonly Networks?: Readonly<
      Record<
        string,
        { readonly NetworkID?: string; readonly IPAddress?: string; readonly MacAddress?: string }
      >
    > | null;
  } | null;
}

/** `GET /networks` item (fields used). */
export interface DockerNetwork {
  readonly Id: string;
  readonly Name: string;
  readonly Driver: string;
  readonly Internal?: boolean;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly Options?: Readonly<Record<string, string>> | null;
  readonly IPAM?: {
    readonly Config?: ReadonlyArray<{ readonly Subnet?: string; readonly Gateway?: string }> | null;
  } | null;
}

/** One `/events` message (fields used). */
export interface DockerEvent {
  readonly Type?: string;
  readonly Action?: string;
  /** Older servers and podman: the status/action. */
  readonly status?: string;
  readonly id?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Readonly<Record<string, string>> };
  readonly timeNano?: number;
}

/** libpod `GET /libpod/containers/json` item (fields used). */
export interface LibpodContainer {
  readonly Id: string;
  readonly Names: readonly string[];
  readonly Pid: number;
  readonly Pod: string;
  readonly PodName: string;
  readonly State: string;
}

/** libpod `GET /libpod/pods/json` item (fields used). */
export interface LibpodPod {
  readonly Id: string;
  readonly Name: string;
  readonly Status: string;
  readonly InfraId?: string;
  readonly Containers?: ReadonlyArray<{
    readonly Id: string;
    readonly Names: string;
    readonly Status: string;
  }>;
}

/** A running `/events` subscription. */
export interface DockerEventStream {
  /** Ends the stream and releases its socket. Idempotent. */
  close(): void;
}

/** Options of {@link DockerClient}. */
export interface DockerClientOptions {
  /** Name used in errors (`docker`, `podman`). */
  readonly engine?: string;
  /** Per-request timeout (ms) for non-streaming requests. Default 10 000. */
  readonly timeoutMs?: number;
}

/**
 * Docker/podman Engine API client over one unix socket. Holds an own keep-alive agent:
 * must be closed by the caller ({@link DockerClient.close}) to release its sockets.
 */
export class DockerClient {
  readonly socketPath: string;
  readonly endpoint: string;
  readonly #engine: string;
  readonly #timeoutMs: number;
  readonly #agent: http.Agent;
  #prefix = '';
  #negotiated: Negotiated | undefined;
  #streams = new Set<DockerEventStream>();
  #closed = false;
  #malformedMessages = 0;

  /** Event stream lines that were not JSON and were dropped (since the client was made). */
  get malformedMessages(): number {
    return this.#malformedMessages;
  }

  constructor(socketPath: string, options: DockerClientOptions = {}) {
    this.socketPath = socketPath;
    this.endpoint = `unix://${socketPath}`;
    this.#engine = options.engine ?? 'docker';
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  /** Result of {@link negotiate}, afterwards. */
  get negotiated(): Negotiated | undefined {
    return this.#negotiated;
  }

  /** API version in use ('' before negotiation). */
  get apiVersion(): string {
    return this.#prefix.slice(2);
  }

  /**
   * Fixes the API version prefix for later requests from the `Api-Version` header of the cheap
   * unversioned `GET /_ping` (capped at {@link MAX_API_VERSION}); podman also sends
   * `Libpod-Api-Version` there. Servers without the header are asked `/version` instead (podman
   * answers `/version` slowly: it runs conmon and the OCI runtime to learn their versions).
   */
  async negotiate(): Promise<Negotiated> {
    const { status, body, headers } = await this.#request('/_ping');
    if (status !== 200 || body.trim() !== 'OK') {
      throw this.#error('GW_ERR_ENGINE_API', `/_ping answered HTTP ${status}`, status);
    }
    let api = headerOf(headers, 'api-version');
    if (api === undefined) {
      const v = await this.#getJson<DockerVersion>('/version');
      api = typeof v?.ApiVersion === 'string' ? v.ApiVersion : undefined;
    }
    if (api === undefined || !/^\d+\.\d+$/.test(api)) api = MIN_API_VERSION;
    if (compareApiVersions(api, MAX_API_VERSION) > 0) api = MAX_API_VERSION;
    this.#prefix = `/v${api}`;
    const libpod = headerOf(headers, 'libpod-api-version');
    this.#negotiated = {
      apiVersion: api,
      libpodVersion: libpod !== undefined && /^\d+\.\d+/.test(libpod) ? libpod : undefined,
      server: headerOf(headers, 'server'),
    };
    return this.#negotiated;
  }

  /** `GET /version` (podman: slow, see {@link negotiate}). */
  version(): Promise<DockerVersion> {
    return this.#getJson<DockerVersion>(`${this.#prefix}/version`);
  }

  /** `GET /info`. */
  info(): Promise<DockerInfo> {
    return this.#getJson<DockerInfo>(`${this.#prefix}/info`);
  }

  /** `GET /containers/json?all=true` (all states, so paused containers are listed by podman too). */
  listContainers(): Promise<DockerContainerSummary[]> {
    return this.#getJson<DockerContainerSummary[]>(`${this.#prefix}/containers/json?all=true`);
  }

  /** `GET /containers/{id}/json`; `undefined` when the container does not exist (404). */
  async inspect(id: string): Promise<DockerContainerInspect | undefined> {
    const { status, body } = await this.#request(
      `${this.#prefix}/containers/${encodeURIComponent(id)}/json`,
    );
    if (status === 404) return undefined;
    return this.#parse<DockerContainerInspect>(status, body, 'containers/{id}/json');
  }

  /** `GET /networks`. */
  networks(): Promise<DockerNetwork[]> {
    return this.#getJson<DockerNetwork[]>(`${this.#prefix}/networks`);
  }

  /** podman only: libpod containers (incl. `Pid`, `PodName`); `libpodVersion` like `4.3.1`. */
  libpodContainers(libpodVersion: string): Promise<LibpodContainer[]> {
    return this.#getJson<LibpodContainer[]>(`/v${libpodVersion}/libpod/containers/json?all=true`);
  }

  /** podman only: libpod pods. */
  libpodPods(libpodVersion: string): Promise<LibpodPod[]> {
    return this.#getJson<LibpodPod[]>(`/v${libpodVersion}/libpod/pods/json`);
  }

  /**
   * Subscribes to `/events` for containers. Resolves once the engine answered the request (the
   * subscription is then in place: Docker and podman send the headers after subscribing), so a
   * list made afterwards cannot miss a change. `onEvent` gets each message; `onEnd` is called
   * exactly once when the stream ends for any reason other than `close()` (engine gone, error).
   */
  events(
    onEvent: (e: DockerEvent) => void,
    onEnd: (err: unknown) => void,
  ): Promise<DockerEventStream> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'] }));
    const path = `${this.#prefix}/events?filters=${filters}`;
    return new Promise((resolve, reject) => {
      let settled = false;
      let ended = false;
      const splitter = new JsonObjectSplitter();
      const stream: DockerEventStream = {
        close: () => {
          ended = true;
          this.#streams.delete(stream);
          req.destroy();
        },
      };
      const finish = (err: unknown): void => {
        this.#streams.delete(stream);
        if (!settled) {
          settled = true;
          ended = true;
          reject(this.#wrap(err, path));
          return;
        }
        if (ended) return;
        ended = true;
        onEnd(err);
      };
      // streaming: no agent (a dedicated socket, destroyed on close), no idle timeout
      const req = http.request({ socketPath: this.socketPath, path, method: 'GET', agent: false });
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          finish(
            this.#error(
              'GW_ERR_ENGINE_API',
              `${path} answered HTTP ${res.statusCode}`,
              res.statusCode,
            ),
          );
          req.destroy();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (ended) return;
          for (const text of splitter.push(chunk)) {
            let ev: DockerEvent;
            try {
              ev = JSON.parse(text) as DockerEvent;
            } catch {
              // counted (malformedMessages), reported per discovery by the engine tracker
              this.#malformedMessages++;
              continue;
            }
            onEvent(ev);
          }
        });
        res.on('end', () => finish(this.#error('GW_ERR_ENGINE_UNREACHABLE', 'event stream ended')));
        res.on('error', (e) => finish(e));
        res.on('close', () =>
          finish(this.#error('GW_ERR_ENGINE_UNREACHABLE', 'event stream closed')),
        );
        settled = true;
        this.#streams.add(stream);
        resolve(stream);
      });
      req.on('error', (e) => finish(e));
      req.setTimeout(this.#timeoutMs, () => {
        if (!settled)
          req.destroy(this.#error('GW_ERR_ENGINE_UNREACHABLE', `${path} did not answer`));
      });
      req.end();
      if (this.#closed) stream.close();
    });
  }

  /** Closes open event streams and the agent's sockets. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const s of [...this.#streams]) s.close();
    this.#agent.destroy();
  }

  async #getJson<T>(path: string): Promise<T> {
    const { status, body } = await this.#request(path);
    return this.#parse<T>(status, body, path);
  }

  #parse<T>(status: number, body: string, what: string): T {
    if (status < 200 || status > 299) {
      throw this.#error(
        'GW_ERR_ENGINE_API',
        `${what} answered HTTP ${status}: ${body.slice(0, 200).trim()}`,
        status,
      );
    }
    try {
      return JSON.parse(body) as T;
    } catch (e: unknown) {
      throw new EngineError('GW_ERR_ENGINE_API', `${what}: malformed JSON`, {
        engine: this.#engine,
        endpoint: this.endpoint,
        status,
        cause: e,
      });
    }
  }

  #request(
    path: string,
  ): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
    if (this.#closed)
      return Promise.reject(this.#error('GW_ERR_ENGINE_UNREACHABLE', 'client closed'));
    return new Promise((resolve, reject) => {
      const req = http.request(
        { socketPath: this.socketPath, path, method: 'GET', agent: this.#agent },
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
          res.on('error', (e) => reject(this.#wrap(e, path)));
        },
      );
      req.on('error', (e) => reject(this.#wrap(e, path)));
      req.setTimeout(this.#timeoutMs, () =>
        req.destroy(this.#error('GW_ERR_ENGINE_UNREACHABLE', `${path} timed out`)),
      );
      req.end();
    });
  }

  #wrap(e: unknown, path: string): EngineError {
    if (e instanceof EngineError) return e;
    return new EngineError(
      'GW_ERR_ENGINE_UNREACHABLE',
      `${this.#engine} ${path}: ${errorMessage(e)}`,
      {
        engine: this.#engine,
        endpoint: this.endpoint,
        cause: e,
      },
    );
  }

  #error(
    code: 'GW_ERR_ENGINE_API' | 'GW_ERR_ENGINE_UNREACHABLE',
    message: string,
    status?: number,
  ): EngineError {
    return new EngineError(code, `${this.#engine}: ${message}`, {
      engine: this.#engine,
      endpoint: this.endpoint,
      ...(status === undefined ? {} : { status }),
    });
  }
}
