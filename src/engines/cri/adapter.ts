// SPDX-License-Identifier: MIT
/**
 * @module engines/cri/adapter
 *
 * Watcher adapter for CRI engines. Tracks running containers and ready pod sandboxes (a sandbox
 * becomes a container with ID = name = sandbox ID and the label `io.kubernetes.sandbox`), each
 * with the PID from its verbose status. Labels: the engine's labels, annotations as
 * `io.kubernetes.annotation/<key>`, and the pod's `io.kubernetes.pod.{uid,name,namespace}` plus
 * `io.kubernetes.container.name`. CRI has no pause notion: `paused` is always false. Events:
 * CONTAINER_STARTED → inspect; CONTAINER_STOPPED / CONTAINER_DELETED → gone; without an event
 * stream (UNIMPLEMENTED) the adapter polls instead.
 */
import { EngineError } from '../../errors.js';
import {
  ENGINE_TYPES,
  K8S_POD_NAMESPACE_LABEL,
  K8S_POD_NAME_LABEL,
  type EngineType,
} from '../../model/container.js';
import type { EngineAdapter, Subscription, TrackedContainer, WatchEvent } from '../watcher.js';
import type { CriClient, CriContainer, CriPodSandbox } from './client.js';
import { CONTAINER_EVENT, CONTAINER_STATE, SANDBOX_STATE } from './proto.js';

/** gRPC status UNIMPLEMENTED. */
const GRPC_UNIMPLEMENTED = 12;

/** Label marking a pod sandbox (value empty). */
export const SANDBOX_LABEL = 'io.kubernetes.sandbox';
/** Prefix of annotations copied into labels. */
export const ANNOTATION_PREFIX = 'io.kubernetes.annotation/';

function podLabels(sb: CriPodSandbox | undefined): Record<string, string> {
  const m = sb?.metadata;
  if (m === null || m === undefined) return {};
  return {
    'io.kubernetes.pod.uid': m.uid,
    [K8S_POD_NAME_LABEL]: m.name,
    [K8S_POD_NAMESPACE_LABEL]: m.namespace,
  };
}

function annotations(a: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) out[`${ANNOTATION_PREFIX}${k}`] = v;
  return out;
}

/** Tracked container from a CRI container, its sandbox and PID. */
export function fromCriContainer(
  c: CriContainer,
  sb: CriPodSandbox | undefined,
  pid: number,
): TrackedContainer | undefined {
  if (!(pid > 0) || c.state !== CONTAINER_STATE.RUNNING) return undefined;
  const name = c.metadata?.name ?? c.id;
  return {
    id: c.id,
    name: name !== '' ? name : c.id,
    labels: {
      ...c.labels,
      ...annotations(c.annotations),
      ...podLabels(sb),
      'io.kubernetes.container.name': name,
    },
    pid,
    paused: false,
    privileged: false,
  };
}

/** Tracked container for a ready pod sandbox. */
export function fromSandbox(sb: CriPodSandbox, pid: number): TrackedContainer | undefined {
  if (!(pid > 0) || sb.state !== SANDBOX_STATE.READY) return undefined;
  return {
    id: sb.id,
    name: sb.id,
    labels: {
      ...sb.labels,
      ...annotations(sb.annotations),
      ...podLabels(sb),
      'io.kubernetes.container.name': sb.id,
      [SANDBOX_LABEL]: '',
    },
    pid,
    paused: false,
    privileged: false,
  };
}

/** Adapter over a {@link CriClient} (ownership of the client passes to it). */
export class CriAdapter implements EngineAdapter {
  readonly type: EngineType = ENGINE_TYPES.cri;
  readonly endpoint: string;
  readonly client: CriClient;

  /** Poll interval (ms) when the engine has no event stream. */
  readonly pollMs: number;

  constructor(client: CriClient, options: { pollMs?: number } = {}) {
    this.client = client;
    this.pollMs = options.pollMs ?? 1_000;
    this.endpoint = client.endpoint;
  }

  async subscribe(
    onEvent: (e: WatchEvent) => void,
    onEnd: (err: unknown) => void,
  ): Promise<Subscription> {
    try {
      return await this.client.events((e) => {
        if (e.container_id === '') return;
        if (e.container_event_type === CONTAINER_EVENT.STARTED)
          onEvent({ kind: 'changed', id: e.container_id });
        else if (
          e.container_event_type === CONTAINER_EVENT.STOPPED ||
          e.container_event_type === CONTAINER_EVENT.DELETED
        ) {
          onEvent({ kind: 'gone', id: e.container_id });
        }
      }, onEnd);
    } catch (e: unknown) {
      if (!(e instanceof EngineError && e.status === GRPC_UNIMPLEMENTED)) throw e;
    }
    return this.#poll(onEvent, onEnd);
  }

  /**
   * Engines without Evented PLEG (containerd < 1.7, CRI-O without `enable_pod_events`) answer
   * GetContainerEvents with UNIMPLEMENTED: then the running container and ready sandbox IDs are
   * polled every `pollMs` and differences reported as events.
   */
  async #poll(
    onEvent: (e: WatchEvent) => void,
    onEnd: (err: unknown) => void,
  ): Promise<Subscription> {
    let known = await this.#aliveIds();
    let busy = false;
    let closed = false;
    const timer = setInterval(() => {
      if (busy || closed) return;
      busy = true;
      this.#aliveIds().then(
        (now) => {
          busy = false;
          if (closed) return;
          for (const id of now) if (!known.has(id)) onEvent({ kind: 'changed', id });
          for (const id of known) if (!now.has(id)) onEvent({ kind: 'gone', id });
          known = now;
        },
        (err: unknown) => {
          busy = false;
          if (closed) return;
          closed = true;
          clearInterval(timer);
          onEnd(err);
        },
      );
    }, this.pollMs);
    return {
      close: () => {
        closed = true;
        clearInterval(timer);
      },
    };
  }

  async #aliveIds(): Promise<Set<string>> {
    const [containers, sandboxes] = await Promise.all([
      this.client.containers({ state: CONTAINER_STATE.RUNNING }),
      this.client.sandboxes({ state: SANDBOX_STATE.READY }),
    ]);
    return new Set([...containers.map((c) => c.id), ...sandboxes.map((s) => s.id)]);
  }

  async list(): Promise<TrackedContainer[]> {
    const [containers, sandboxes] = await Promise.all([
      this.client.containers({ state: CONTAINER_STATE.RUNNING }),
      this.client.sandboxes({ state: SANDBOX_STATE.READY }),
    ]);
    const sbById = new Map(sandboxes.map((s) => [s.id, s] as const));
    const out = await Promise.all([
      ...containers.map(async (c) =>
        fromCriContainer(c, sbById.get(c.pod_sandbox_id), await this.client.containerPid(c.id)),
      ),
      ...sandboxes.map(async (s) => fromSandbox(s, await this.client.sandboxPid(s.id))),
    ]);
    return out.filter((c): c is TrackedContainer => c !== undefined);
  }

  async inspect(id: string): Promise<TrackedContainer | undefined> {
    const cs = await this.client.containers({ id });
    const c = cs[0];
    if (cs.length === 1 && c !== undefined) {
      const [sb] = await this.client.sandboxes({ id: c.pod_sandbox_id });
      return fromCriContainer(c, sb, await this.client.containerPid(id));
    }
    const sbs = await this.client.sandboxes({ id });
    const sb = sbs[0];
    if (sbs.length === 1 && sb !== undefined)
      return fromSandbox(sb, await this.client.sandboxPid(id));
    return undefined;
  }

  close(): void {
    this.client.close();
  }

  malformedMessages(): number {
    return this.client.malformedMessages;
  }
}
