// SPDX-License-Identifier: MIT
/**
 * @module engines/containerd/client
 *
 * containerd's native gRPC API (namespaces, containers, tasks, events, version, introspection)
 * over a unix socket, with the project's minimal protos ({@link containerdRoot}). Namespaced
 * calls send the `containerd-namespace` metadata header; the event subscription omits it and
 * so receives the events of all namespaces, each envelope naming its namespace.
 */
import { GrpcConnection } from '../grpc.js';
import { CONTAINERD_METHODS as M, NAMESPACE_HEADER, containerdType as T } from './proto.js';

/** containerd.v1.types.Process (fields used). */
export interface ContainerdProcess {
  readonly container_id: string;
  readonly id: string;
  readonly pid: number;
  readonly status: number;
}

/** containers.v1.Container (fields used). */
export interface ContainerdContainer {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image: string;
}

/** An event envelope with its payload decoded according to the topic (undefined if unknown). */
export interface ContainerdEnvelope {
  readonly namespace: string;
  readonly topic: string;
  readonly event: Record<string, unknown> | undefined;
  /** True when the payload of a known topic did not decode (the event is then undefined). */
  readonly malformed?: boolean;
}

/** Payload message per topic (containerd `api/events`). */
export const TOPIC_PAYLOADS: Readonly<Record<string, string>> = {
  '/tasks/start': 'containerd.events.TaskStart',
  '/tasks/exit': 'containerd.events.TaskExit',
  '/tasks/paused': 'containerd.events.TaskPaused',
  '/tasks/resumed': 'containerd.events.TaskResumed',
  '/tasks/delete': 'containerd.events.TaskDelete',
  '/containers/update': 'containerd.events.ContainerUpdate',
  '/containers/delete': 'containerd.events.ContainerDelete',
};

/** Decodes a raw envelope (as decoded by protobufjs) into {@link ContainerdEnvelope}. */
export function decodeEnvelope(raw: {
  namespace: string;
  topic: string;
  event: { type_url: string; value: Uint8Array } | null;
}): ContainerdEnvelope {
  const typeName = TOPIC_PAYLOADS[raw.topic];
  let event: Record<string, unknown> | undefined;
  if (typeName !== undefined && raw.event !== null && raw.event !== undefined) {
    try {
      const t = T(typeName);
      event = t.toObject(t.decode(raw.event.value), {
        longs: Number,
        enums: Number,
        defaults: true,
      });
    } catch {
      // flagged: the client counts it (malformedMessages) and the tracker reports it
      return { namespace: raw.namespace, topic: raw.topic, event: undefined, malformed: true };
    }
  }
  return { namespace: raw.namespace, topic: raw.topic, event };
}

/** Options of {@link ContainerdClient}. */
export interface ContainerdClientOptions {
  /** Deadline of unary calls (ms). Default 10 000. */
  readonly timeoutMs?: number;
}

/** containerd API client; must be closed by the caller. */
export class ContainerdClient {
  readonly endpoint: string;
  readonly #conn: GrpcConnection;
  #malformedMessages = 0;

  /** Events of known topics whose payload did not decode and were dropped. */
  get malformedMessages(): number {
    return this.#malformedMessages;
  }

  constructor(socketPath: string, options: ContainerdClientOptions = {}) {
    this.#conn = new GrpcConnection(socketPath, 'containerd', options.timeoutMs ?? 10_000);
    this.endpoint = this.#conn.endpoint;
  }

  /** Version/Version. */
  version(): Promise<{ version: string; revision: string }> {
    return this.#conn.unary(
      M.version,
      T('google.protobuf.Empty'),
      T('containerd.services.version.v1.VersionResponse'),
      {},
    );
  }

  /** Introspection/Server (`uuid` is the engine ID). */
  introspectionServer(): Promise<{ uuid: string; pid: number; pidns: number }> {
    return this.#conn.unary(
      M.introspectionServer,
      T('google.protobuf.Empty'),
      T('containerd.services.introspection.v1.ServerResponse'),
      {},
    );
  }

  /** Names of all namespaces. */
  async namespaces(): Promise<string[]> {
    const r = await this.#conn.unary<{ namespaces: Array<{ name: string }> }>(
      M.namespacesList,
      T('containerd.services.namespaces.v1.ListNamespacesRequest'),
      T('containerd.services.namespaces.v1.ListNamespacesResponse'),
      {},
    );
    return r.namespaces.map((n) => n.name);
  }

  /** Containers of namespace `ns`. */
  async containers(ns: string): Promise<ContainerdContainer[]> {
    const r = await this.#conn.unary<{ containers: ContainerdContainer[] }>(
      M.containersList,
      T('containerd.services.containers.v1.ListContainersRequest'),
      T('containerd.services.containers.v1.ListContainersResponse'),
      {},
      { [NAMESPACE_HEADER]: ns },
    );
    return r.containers;
  }

  /** One container of namespace `ns` (rejects with gRPC NOT_FOUND, status 5, if absent). */
  async container(ns: string, id: string): Promise<ContainerdContainer> {
    const r = await this.#conn.unary<{ container: ContainerdContainer }>(
      M.containersGet,
      T('containerd.services.containers.v1.GetContainerRequest'),
      T('containerd.services.containers.v1.GetContainerResponse'),
      { id },
      { [NAMESPACE_HEADER]: ns },
    );
    return r.container;
  }

  /** Tasks of namespace `ns` (`id` is the container ID; `container_id` is empty in lists). */
  async tasks(ns: string): Promise<ContainerdProcess[]> {
    const r = await this.#conn.unary<{ tasks: ContainerdProcess[] }>(
      M.tasksList,
      T('containerd.services.tasks.v1.ListTasksRequest'),
      T('containerd.services.tasks.v1.ListTasksResponse'),
      {},
      { [NAMESPACE_HEADER]: ns },
    );
    return r.tasks;
  }

  /** The init task of container `id` in `ns` (rejects with NOT_FOUND when it has none). */
  async task(ns: string, id: string): Promise<ContainerdProcess> {
    const r = await this.#conn.unary<{ process: ContainerdProcess }>(
      M.tasksGet,
      T('containerd.services.tasks.v1.GetRequest'),
      T('containerd.services.tasks.v1.GetResponse'),
      { container_id: id },
      { [NAMESPACE_HEADER]: ns },
    );
    return r.process;
  }

  /**
   * Events/Subscribe for all namespaces with containerd filters (OR-ed), e.g.
   * `topic=="/tasks/start"`. See {@link GrpcConnection.stream} for when it resolves.
   */
  subscribe(
    filters: readonly string[],
    onEnvelope: (e: ContainerdEnvelope) => void,
    onEnd: (err: unknown) => void,
  ): Promise<{ close(): void }> {
    return this.#conn.stream<{
      namespace: string;
      topic: string;
      event: { type_url: string; value: Uint8Array } | null;
    }>(
      M.eventsSubscribe,
      T('containerd.services.events.v1.SubscribeRequest'),
      T('containerd.types.Envelope'),
      { filters: [...filters] },
      (raw) => {
        const e = decodeEnvelope(raw);
        if (e.malformed === true) this.#malformedMessages++;
        onEnvelope(e);
      },
      onEnd,
    );
  }

  /** Closes the connection (and open subscriptions). */
  close(): void {
    this.#conn.close();
  }
}
