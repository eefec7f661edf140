// SPDX-License-Identifier: MIT
/**
 * @module engines/docker/adapter
 *
 * Watcher adapter for Docker and podman (Docker-compatible API). Events: `start`, `unpause`,
 * `pause`, `rename`, `restart` → inspect; `die`/`died`, `kill`-less exits, `destroy`/`remove` →
 * gone. Containers are listed with `all=true` (podman 4 omits paused containers otherwise) and
 * each inspected for `State.Pid`, `State.Paused`, `Config.Labels`, `HostConfig.Privileged`;
 * containers without a process (PID 0) are not tracked. For podman the libpod API adds the pod
 * name of each container.
 */
import { ENGINE_TYPES, PRIVILEGED_LABEL, type EngineType } from '../../model/container.js';
import type { EngineAdapter, Subscription, TrackedContainer, WatchEvent } from '../watcher.js';
import type { DockerClient, DockerContainerInspect, DockerEvent } from './client.js';

const GONE_ACTIONS: ReadonlySet<string> = new Set(['die', 'died', 'destroy', 'remove', 'cleanup']);
const CHANGED_ACTIONS: ReadonlySet<string> = new Set([
  'start',
  'restart',
  'pause',
  'unpause',
  'rename',
  'update',
  'init',
]);

/** Maps one `/events` message to a watcher event; `undefined` for irrelevant ones. */
export function toWatchEvent(ev: DockerEvent): WatchEvent | undefined {
  if (ev.Type !== undefined && ev.Type !== 'container') return undefined;
  const action = (ev.Action ?? ev.status ?? '').split(':')[0] ?? '';
  const id = ev.Actor?.ID ?? ev.id;
  if (id === undefined || id === '') return undefined;
  if (GONE_ACTIONS.has(action)) return { kind: 'gone', id };
  if (CHANGED_ACTIONS.has(action)) return { kind: 'changed', id };
  return undefined;
}

/** Maps an inspect answer to a tracked container; `undefined` without a process. */
export function fromInspect(c: DockerContainerInspect, pod?: string): TrackedContainer | undefined {
  const pid = c.State?.Pid ?? 0;
  if (!(pid > 0)) return undefined;
  const privileged = c.HostConfig?.Privileged === true;
  const labels: Record<string, string> = { ...(c.Config?.Labels ?? {}) };
  if (privileged) labels[PRIVILEGED_LABEL] = '';
  return {
    id: c.Id,
    name: c.Name.startsWith('/') ? c.Name.slice(1) : c.Name,
    labels,
    pid,
    paused: c.State.Paused === true,
    privileged,
    pod,
  };
}

/** Adapter over a negotiated {@link DockerClient} (ownership of the client passes to it). */
export class DockerAdapter implements EngineAdapter {
  readonly type: EngineType;
  readonly endpoint: string;
  readonly client: DockerClient;
  readonly #libpod: string | undefined;

  constructor(client: DockerClient, type: EngineType = ENGINE_TYPES.docker) {
    this.client = client;
    this.type = type;
    this.endpoint = client.endpoint;
    this.#libpod = type === ENGINE_TYPES.podman ? client.negotiated?.libpodVersion : undefined;
  }

  async subscribe(
    onEvent: (e: WatchEvent) => void,
    onEnd: (err: unknown) => void,
  ): Promise<Subscription> {
    return this.client.events((ev) => {
      const we = toWatchEvent(ev);
      if (we !== undefined) onEvent(we);
    }, onEnd);
  }

  async list(): Promise<TrackedContainer[]> {
    const [summaries, pods] = await Promise.all([this.client.listContainers(), this.#pods()]);
    const out = await Promise.all(
      summaries
        .filter((s) => s.State === 'running' || s.State === 'paused' || s.State === 'restarting')
        .map(async (s) => {
          const c = await this.client.inspect(s.Id);
          return c === undefined ? undefined : fromInspect(c, pods.get(s.Id));
        }),
    );
    return out.filter((c): c is TrackedContainer => c !== undefined);
  }

  async inspect(id: string): Promise<TrackedContainer | undefined> {
    const [c, pods] = await Promise.all([this.client.inspect(id), this.#pods()]);
    return c === undefined ? undefined : fromInspect(c, pods.get(c.Id));
  }

  close(): void {
    this.client.close();
  }

  malformedMessages(): number {
    return this.client.malformedMessages;
  }

  /** podman: container ID → pod name (empty map for Docker). */
  async #pods(): Promise<Map<string, string>> {
    const m = new Map<string, string>();
    if (this.#libpod === undefined) return m;
    for (const c of await this.client.libpodContainers(this.#libpod)) {
      if (c.PodName !== undefined && c.PodName !== '') m.set(c.Id, c.PodName);
    }
    return m;
  }
}
