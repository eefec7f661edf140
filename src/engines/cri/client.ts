// SPDX-License-Identifier: MIT
/**
 * @module engines/cri/client
 *
 * Client of the CRI `runtime.v1.RuntimeService` (containerd's CRI plugin, CRI-O) over a unix
 * socket: version, containers, pod sandboxes, verbose status (for PIDs) and the container event
 * stream (Evented PLEG; CRI-O needs `enable_pod_events = true`).
 */
import { GrpcConnection } from '../grpc.js';
import { CRI_METHODS as M, criType as T } from './proto.js';

/** runtime.v1.VersionResponse. */
export interface CriVersion {
  readonly version: string;
  readonly runtime_name: string;
  readonly runtime_version: string;
  readonly runtime_api_version: string;
}

/** runtime.v1.Container (fields used). */
export interface CriContainer {
  readonly id: string;
  readonly pod_sandbox_id: string;
  readonly metadata: { readonly name: string; readonly attempt: number } | null;
  readonly state: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** runtime.v1.PodSandbox (fields used). */
export interface CriPodSandbox {
  readonly id: string;
  readonly metadata: {
    readonly name: string;
    readonly uid: string;
    readonly namespace: string;
    readonly attempt: number;
  } | null;
  readonly state: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** runtime.v1.ContainerEventResponse (fields used). */
export interface CriContainerEvent {
  readonly container_id: string;
  readonly container_event_type: number;
  readonly created_at: number;
}

/** Filters for list calls; `state` present means "filter by this state". */
export interface CriFilter {
  readonly id?: string;
  readonly state?: number;
}

/**
 * PID from a verbose status `info["info"]` JSON text; 0 when absent (the runtime reports none),
 * `undefined` when the text is not JSON (the caller counts it as a malformed message).
 */
export function pidFromVerboseInfo(info: Readonly<Record<string, string>>): number | undefined {
  const text = info['info'];
  if (text === undefined) return 0;
  let v: { pid?: unknown };
  try {
    v = JSON.parse(text) as { pid?: unknown };
  } catch {
    return undefined; // malformed: see the doc comment
  }
  return typeof v.pid === 'number' && Number.isSafeInteger(v.pid) && v.pid > 0 ? v.pid : 0;
}

function filterOf(f: CriFilter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.id !== undefined) out['id'] = f.id;
  if (f.state !== undefined) out['state'] = { state: f.state };
  return out;
}

/** CRI client; must be closed by the caller. */
export class CriClient {
  readonly endpoint: string;
  readonly #conn: GrpcConnection;
  #malformedMessages = 0;

  /** Verbose status answers whose `info` was not JSON (their PID counted as 0, not reported). */
  get malformedMessages(): number {
    return this.#malformedMessages;
  }

  #pid(info: Readonly<Record<string, string>>): number {
    const pid = pidFromVerboseInfo(info);
    if (pid !== undefined) return pid;
    this.#malformedMessages++;
    return 0;
  }

  constructor(socketPath: string, options: { timeoutMs?: number } = {}) {
    this.#conn = new GrpcConnection(socketPath, 'cri', options.timeoutMs ?? 10_000);
    this.endpoint = this.#conn.endpoint;
  }

  /** Version (runtime name and version, CRI API version). */
  async version(): Promise<{
    runtimeName: string;
    runtimeVersion: string;
    runtimeApiVersion: string;
  }> {
    const v = await this.#conn.unary<CriVersion>(
      M.version,
      T('VersionRequest'),
      T('VersionResponse'),
      { version: '0.1.0' },
    );
    return {
      runtimeName: v.runtime_name,
      runtimeVersion: v.runtime_version,
      runtimeApiVersion: v.runtime_api_version,
    };
  }

  /** ListContainers with an optional filter. */
  async containers(filter: CriFilter = {}): Promise<CriContainer[]> {
    const r = await this.#conn.unary<{ containers: CriContainer[] }>(
      M.listContainers,
      T('ListContainersRequest'),
      T('ListContainersResponse'),
      { filter: filterOf(filter) },
    );
    return r.containers;
  }

  /** ListPodSandbox with an optional filter. */
  async sandboxes(filter: CriFilter = {}): Promise<CriPodSandbox[]> {
    const r = await this.#conn.unary<{ items: CriPodSandbox[] }>(
      M.listPodSandbox,
      T('ListPodSandboxRequest'),
      T('ListPodSandboxResponse'),
      { filter: filterOf(filter) },
    );
    return r.items;
  }

  /** PID of a container's initial process from verbose ContainerStatus (0 if not reported). */
  async containerPid(id: string): Promise<number> {
    const r = await this.#conn.unary<{ info: Record<string, string> }>(
      M.containerStatus,
      T('ContainerStatusRequest'),
      T('ContainerStatusResponse'),
      { container_id: id, verbose: true },
    );
    return this.#pid(r.info);
  }

  /** PID of a sandbox's (pause) process from verbose PodSandboxStatus (0 if not reported). */
  async sandboxPid(id: string): Promise<number> {
    const r = await this.#conn.unary<{ info: Record<string, string> }>(
      M.podSandboxStatus,
      T('PodSandboxStatusRequest'),
      T('PodSandboxStatusResponse'),
      { pod_sandbox_id: id, verbose: true },
    );
    return this.#pid(r.info);
  }

  /** GetContainerEvents server stream. */
  events(
    onEvent: (e: CriContainerEvent) => void,
    onEnd: (err: unknown) => void,
  ): Promise<{ close(): void }> {
    return this.#conn.stream<CriContainerEvent>(
      M.getContainerEvents,
      T('GetEventsRequest'),
      T('ContainerEventResponse'),
      {},
      onEvent,
      onEnd,
    );
  }

  /** Closes the connection. */
  close(): void {
    this.#conn.close();
  }
}
