// SPDX-License-Identifier: MIT
/**
 * @module engines/containerd/adapter
 *
 * Watcher adapter for containerd's native API. Watches every containerd namespace except
 * `moby` (Docker's containers: the Docker API names them) and `k8s.io` (left to the CRI
 * watcher); `plugins.moby` (Docker managed plugins) is watched. A container is tracked while
 * its init task is RUNNING, PAUSED or PAUSING. Display ID is the bare ID in namespace
 * `default` and `ns/id` elsewhere; the name is the `nerdctl/name` label or the ID, with the
 * same `ns/` prefix. Events: `/tasks/start`, `/tasks/paused`, `/tasks/resumed`,
 * `/containers/update` → inspect; `/tasks/exit` of the init process (exec'd processes also
 * publish TaskExit, with their exec ID) and `/tasks/delete`, `/containers/delete` → gone.
 */
import { EngineError } from '../../errors.js';
import { ENGINE_TYPES, type EngineType } from '../../model/container.js';
import type { EngineAdapter, Subscription, TrackedContainer, WatchEvent } from '../watcher.js';
import type {
  ContainerdClient,
  ContainerdContainer,
  ContainerdEnvelope,
  ContainerdProcess,
} from './client.js';
import { TASK_STATUS } from './proto.js';

/** containerd namespaces not watched by default. */
export const IGNORED_NAMESPACES: readonly string[] = ['moby', 'k8s.io'];

/** Event filters (OR-ed) of the subscription. */
export const EVENT_FILTERS: readonly string[] = [
  'topic=="/tasks/start"',
  'topic=="/tasks/exit"',
  'topic=="/tasks/paused"',
  'topic=="/tasks/resumed"',
  'topic=="/tasks/delete"',
  'topic=="/containers/update"',
  'topic=="/containers/delete"',
];

/** gRPC NOT_FOUND. */
const NOT_FOUND = 5;

/** Display ID: bare in `default`, `ns/id` elsewhere. */
export function displayId(ns: string, id: string): string {
  return ns === 'default' ? id : `${ns}/${id}`;
}

/** Splits a display ID into namespace and container ID. */
export function splitDisplayId(display: string): { ns: string; id: string } {
  const slash = display.indexOf('/');
  return slash < 0
    ? { ns: 'default', id: display }
    : { ns: display.slice(0, slash), id: display.slice(slash + 1) };
}

/** Builds a tracked container from a container and its init task; `undefined` if not alive. */
export function toTracked(
  ns: string,
  c: ContainerdContainer,
  task: ContainerdProcess | undefined,
): TrackedContainer | undefined {
  if (task === undefined || !(task.pid > 0)) return undefined;
  const paused = task.status === TASK_STATUS.PAUSED || task.status === TASK_STATUS.PAUSING;
  if (!paused && task.status !== TASK_STATUS.RUNNING) return undefined;
  const nerdctl = c.labels['nerdctl/name'];
  const base = nerdctl !== undefined && nerdctl !== '' ? nerdctl : c.id;
  return {
    id: displayId(ns, c.id),
    name: ns === 'default' ? base : `${ns}/${base}`,
    labels: { ...c.labels },
    pid: task.pid,
    paused,
    privileged: false,
  };
}

/** Maps an event envelope to a watcher event; `undefined` for ignored namespaces and topics. */
export function toWatchEvent(
  e: ContainerdEnvelope,
  ignored: readonly string[] = IGNORED_NAMESPACES,
): WatchEvent | undefined {
  if (ignored.includes(e.namespace) || e.event === undefined) return undefined;
  const cid =
    typeof e.event['container_id'] === 'string'
      ? e.event['container_id']
      : typeof e.event['id'] === 'string'
        ? e.event['id']
        : '';
  if (cid === '') return undefined;
  const id = displayId(e.namespace, cid);
  switch (e.topic) {
    case '/tasks/exit': {
      // exec'd processes publish TaskExit too, with their exec ID in `id`
      const execId = e.event['id'];
      return execId === '' || execId === cid ? { kind: 'gone', id } : undefined;
    }
    case '/tasks/delete': {
      const execId = e.event['id'];
      return execId === '' || execId === cid || execId === undefined
        ? { kind: 'gone', id }
        : undefined;
    }
    case '/containers/delete':
      return { kind: 'gone', id };
    case '/tasks/start':
    case '/tasks/paused':
    case '/tasks/resumed':
    case '/containers/update':
      return { kind: 'changed', id };
    default:
      return undefined;
  }
}

function isNotFound(e: unknown): boolean {
  return e instanceof EngineError && e.status === NOT_FOUND;
}

/** Adapter over a {@link ContainerdClient} (ownership of the client passes to it). */
export class ContainerdAdapter implements EngineAdapter {
  readonly type: EngineType = ENGINE_TYPES.containerd;
  readonly endpoint: string;
  readonly client: ContainerdClient;
  readonly #ignored: readonly string[];

  constructor(client: ContainerdClient, ignoredNamespaces: readonly string[] = IGNORED_NAMESPACES) {
    this.client = client;
    this.endpoint = client.endpoint;
    this.#ignored = ignoredNamespaces;
  }

  subscribe(
    onEvent: (e: WatchEvent) => void,
    onEnd: (err: unknown) => void,
  ): Promise<Subscription> {
    return this.client.subscribe(
      EVENT_FILTERS,
      (env) => {
        const we = toWatchEvent(env, this.#ignored);
        if (we !== undefined) onEvent(we);
      },
      onEnd,
    );
  }

  async list(): Promise<TrackedContainer[]> {
    const namespaces = (await this.client.namespaces()).filter((ns) => !this.#ignored.includes(ns));
    const perNs = await Promise.all(
      namespaces.map(async (ns) => {
        const [containers, tasks] = await Promise.all([
          this.client.containers(ns),
          this.client.tasks(ns),
        ]);
        const byId = new Map<string, ContainerdProcess>();
        for (const t of tasks) byId.set(t.id !== '' ? t.id : t.container_id, t);
        return containers.map((c) => toTracked(ns, c, byId.get(c.id)));
      }),
    );
    return perNs.flat().filter((c): c is TrackedContainer => c !== undefined);
  }

  async inspect(display: string): Promise<TrackedContainer | undefined> {
    const { ns, id } = splitDisplayId(display);
    if (this.#ignored.includes(ns)) return undefined;
    try {
      const [c, t] = await Promise.all([this.client.container(ns, id), this.client.task(ns, id)]);
      return toTracked(ns, c, t);
    } catch (e: unknown) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  close(): void {
    this.client.close();
  }

  malformedMessages(): number {
    return this.client.malformedMessages;
  }
}
