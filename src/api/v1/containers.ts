// SPDX-License-Identifier: MIT
/**
 * @module api/v1/containers
 *
 * v1 wire mappers for engine containers (reference §2.5, §2.5.2), pod groups (§2.6) and the
 * `container-engines` metadata (§2.3):
 *
 * - a tenant with a `container` is emitted as that container: `name`, `prefix`, `labels`,
 *   `api-path`, `status` (engine's paused state), `type` (`docker`, `containerd`, `podman`,
 *   `CRI`; other engine types verbatim), `type-text`, `group` — the process facts (`cmdline`,
 *   `dns`, `pid`, `pidns`, `capbnd`, scheduling) stay those of its initial process;
 * - `container-groups` holds the pods (Kubernetes pods from `io.kubernetes.pod.*` labels, and
 *   podman pods) whose members are tenants of that netns, one group per pod and netns; IDs
 *   `group-<n>` are allocated in first-encounter order across the document; compose projects
 *   are not v1 groups (clients read `com.docker.compose.project` from the labels);
 * - privileged containers carry `gostwire/container/privileged: ""` in addition to the engine
 *   layer's privileged label.
 *
 * Decisions that depart from the Go engine are listed in docs/api-v1.md.
 */
import {
  ENGINE_TYPES,
  GROUP_TYPES,
  PRIVILEGED_LABEL,
  type Container,
  type ContainerGroup,
  type ContainerModel,
  type Engine,
} from '../../model/container.js';
import type { Tenant } from '../../model/tenant.js';
import type { ContainerEngineV1, ContainerGroupV1, ContainerV1, NetnsV1 } from './types.js';

/** Label the v1 layer adds to privileged containers (empty value), as the Go engine does. */
export const V1_PRIVILEGED_LABEL = 'gostwire/container/privileged';

/** v1 `type` and `type-text` per engine type. */
export const V1_CONTAINER_TYPES: Readonly<
  Record<string, { readonly type: string; readonly text: string }>
> = {
  [ENGINE_TYPES.docker]: { type: 'docker', text: 'Docker' },
  [ENGINE_TYPES.containerd]: { type: 'containerd', text: 'Containerd' },
  [ENGINE_TYPES.podman]: { type: 'podman', text: 'Podman' },
  // The Go engine title-cases `CRI` into `Cri`; the acronym is kept (see docs/api-v1.md).
  [ENGINE_TYPES.cri]: { type: 'CRI', text: 'CRI' },
};

/** Group types the v1 document emits as `pod` groups. */
export const V1_POD_GROUP_TYPES: ReadonlySet<string> = new Set([
  GROUP_TYPES.k8sPod,
  GROUP_TYPES.podmanPod,
]);

/** v1 `type`/`type-text` of a container of an engine type; unknown types verbatim, title-cased. */
export function containerTypeV1(engineType: string): { type: string; text: string } {
  const known = V1_CONTAINER_TYPES[engineType];
  if (known !== undefined) return { type: known.type, text: known.text };
  return { type: engineType, text: engineType.charAt(0).toUpperCase() + engineType.slice(1) };
}

/** v1 labels of a container (a copy): engine labels plus {@link V1_PRIVILEGED_LABEL} when privileged. */
export function containerLabelsV1(c: Container): Record<string, string> {
  const out: Record<string, string> = { ...c.labels };
  if (c.privileged || PRIVILEGED_LABEL in c.labels) out[V1_PRIVILEGED_LABEL] = '';
  return out;
}

/**
 * Re-emits the process-tenant object `base` (built for the container's initial process) as
 * the container `c`, keeping the v1 field order; `group` is its pod group ID or `''`.
 */
export function engineContainerV1(base: ContainerV1, c: Container, group: string): ContainerV1 {
  const { type, text } = containerTypeV1(c.type);
  const labels = containerLabelsV1(c);
  const out = {
    cmdline: base.cmdline,
    dns: base.dns,
    group,
    id: base.id,
    name: c.name,
    prefix: c.prefix,
  } as ContainerV1;
  if (Object.keys(labels).length > 0) out.labels = labels;
  out['api-path'] = c.engine.apiPath;
  out.pid = base.pid;
  out.pidns = base.pidns;
  out['pidns-idref'] = base['pidns-idref'];
  if (base.capbnd !== undefined) out.capbnd = base.capbnd;
  out.status = c.status;
  out.type = type;
  out['type-text'] = text;
  if (base.affinity !== undefined) out.affinity = base.affinity;
  if (base.policy !== undefined) out.policy = base.policy;
  if (base.priority !== undefined) out.priority = base.priority;
  if (base.nice !== undefined) out.nice = base.nice;
  return out;
}

/** Pod groups by member container. */
function podsByContainer(model: ContainerModel | undefined): Map<Container, ContainerGroup> {
  const out = new Map<Container, ContainerGroup>();
  for (const g of model?.groups ?? []) {
    if (!V1_POD_GROUP_TYPES.has(g.type)) continue;
    for (const c of g.containers) if (!out.has(c)) out.set(c, g);
  }
  return out;
}

/**
 * Turns the process tenants that stand for engine containers into v1 containers and fills
 * each netns' `container-groups`, in place. `netns[i]` must have been built from
 * `tenants[i]` (its `containers[j]` from `tenants[i][j]`). Group IDs are allocated in
 * document order. Returns `netns`.
 */
export function applyContainersV1(
  netns: NetnsV1[],
  tenants: ReadonlyArray<readonly Tenant[]>,
  model: ContainerModel | undefined,
): NetnsV1[] {
  const pods = podsByContainer(model);
  let next = 0;
  netns.forEach((n, i) => {
    const list = tenants[i] ?? [];
    const groups = new Map<ContainerGroup, ContainerGroupV1>();
    list.forEach((t, j) => {
      const base = n.containers[j];
      if (t.type !== 'proc' || t.container === undefined || base === undefined) return;
      const pod = pods.get(t.container);
      let group = '';
      if (pod !== undefined) {
        let g = groups.get(pod);
        if (g === undefined) {
          g = {
            'container-idrefs': [],
            id: `group-${next++}`,
            name: pod.name,
            type: 'pod',
            'type-text': 'Pod',
          };
          groups.set(pod, g);
        }
        g['container-idrefs'].push(base.id);
        group = g.id;
      }
      n.containers[j] = engineContainerV1(base, t.container, group);
    });
    n['container-groups'] = [...groups.values()];
  });
  return netns;
}

/** One `metadata.container-engines` entry (type in its long form, e.g. `docker.com`). */
export function containerEngineV1(e: Engine): ContainerEngineV1 {
  return { id: e.id, type: e.type, version: e.version, pid: e.pid };
}

/** `metadata.container-engines`: every known engine, with or without containers. */
export function containerEnginesV1(model: ContainerModel | undefined): ContainerEngineV1[] {
  return (model?.engines ?? []).map(containerEngineV1);
}
