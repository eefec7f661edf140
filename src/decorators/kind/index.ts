// SPDX-License-Identifier: MIT
/**
 * @module decorators/kind
 *
 * Decorator `kind`: recognises KinD ("Kubernetes in Docker") node containers — containers (of
 * Docker or podman) carrying KinD's labels `io.x-k8s.kind.cluster` and `io.x-k8s.kind.role` —
 * and marks them and the workload running inside them:
 *
 * - on the node container: `gostwire/kind/cluster` = cluster name and `gostwire/kind/role` =
 *   node role (`control-plane`, `worker`, …);
 * - on every container of an engine running inside a node (the node's containerd/CRI, a
 *   dockerd in it): `gostwire/kind/cluster` = cluster name and `gostwire/kind/node` = the node
 *   container's name — so a UI can show `<cluster>: <namespace>/` headers without walking the
 *   engine tree.
 *
 * "Inside" is decided from the process tree as the engine stacking does: the engine process or
 * one of its ancestors is the node container's initial process, or that process's parent (the
 * shim) for a daemon beside the init. The container prefix itself
 * (`turtlefinder/container/prefix`) is the engines layer's job (`engines/stack.ts`); this
 * decorator does not change it.
 */
import type { Container, ContainerModel, Engine } from '../../model/container.js';
import type { Decorator, DecoratorContext } from '../decorator.js';

/** KinD's own node container labels (set by `kind create cluster`). */
export const KIND_CLUSTER_SOURCE_LABEL = 'io.x-k8s.kind.cluster';
export const KIND_ROLE_SOURCE_LABEL = 'io.x-k8s.kind.role';
/** Label: the KinD cluster a node container or nested container belongs to. */
export const KIND_CLUSTER_LABEL = 'gostwire/kind/cluster';
/** Label on node containers: the node's role. */
export const KIND_ROLE_LABEL = 'gostwire/kind/role';
/** Label on containers running inside a node: the node container's name. */
export const KIND_NODE_LABEL = 'gostwire/kind/node';

/** A process as far as ancestry is concerned. */
export interface ParentLink {
  readonly ppid: number;
}

/** Labels to add per container. */
export interface ContainerMark {
  readonly container: Container;
  readonly labels: Readonly<Record<string, string>>;
}

/** True when `c` is a KinD node container (both KinD labels present, cluster non-empty). */
export function isKindNode(c: Pick<Container, 'labels'>): boolean {
  const cluster = c.labels[KIND_CLUSTER_SOURCE_LABEL];
  return cluster !== undefined && cluster !== '' && c.labels[KIND_ROLE_SOURCE_LABEL] !== undefined;
}

/**
 * The innermost KinD node enclosing `engine`'s process, by process ancestry, or undefined.
 * `nodesByPid` maps a node's host PID (and its shim's PID) to the node.
 */
export function enclosingNode(
  engine: Pick<Engine, 'pid'>,
  nodesByPid: ReadonlyMap<number, Container>,
  processes: ReadonlyMap<number, ParentLink>,
): Container | undefined {
  let pid = engine.pid;
  for (let guard = 0; pid > 1 && guard < 4096; guard++) {
    const hit = nodesByPid.get(pid);
    if (hit !== undefined) return hit;
    const p = processes.get(pid);
    if (p === undefined) return undefined;
    pid = p.ppid;
  }
  return undefined;
}

/** Pure: the marks for all KinD nodes and the containers of engines inside them. */
export function kindMarks(
  model: ContainerModel,
  processes: ReadonlyMap<number, ParentLink>,
): ContainerMark[] {
  const nodes = model.containers.filter(isKindNode);
  if (nodes.length === 0) return [];
  const marks: ContainerMark[] = [];
  const nodesByPid = new Map<number, Container>();
  for (const n of nodes) {
    marks.push({
      container: n,
      labels: {
        [KIND_CLUSTER_LABEL]: n.labels[KIND_CLUSTER_SOURCE_LABEL] ?? '',
        [KIND_ROLE_LABEL]: n.labels[KIND_ROLE_SOURCE_LABEL] ?? '',
      },
    });
    if (n.pid > 0) nodesByPid.set(n.pid, n);
  }
  const enginePids = new Set(model.engines.map((e) => e.pid));
  for (const n of nodes) {
    // the shim (init's parent) encloses daemons started beside the init, unless it is an engine
    const shim = processes.get(n.pid)?.ppid;
    if (shim !== undefined && shim > 1 && !enginePids.has(shim) && !nodesByPid.has(shim))
      nodesByPid.set(shim, n);
  }
  const nodeOfEngine = new Map<Engine, Container | undefined>();
  for (const e of model.engines) nodeOfEngine.set(e, enclosingNode(e, nodesByPid, processes));
  for (const c of model.containers) {
    const node = nodeOfEngine.get(c.engine);
    if (node === undefined || node === c) continue;
    marks.push({
      container: c,
      labels: {
        [KIND_CLUSTER_LABEL]: node.labels[KIND_CLUSTER_SOURCE_LABEL] ?? '',
        [KIND_NODE_LABEL]: node.name,
      },
    });
  }
  return marks;
}

/** The `kind` decorator. */
export const kind: Decorator = {
  name: 'kind',
  description: 'KinD node containers and the containers running inside them',
  decorate(ctx: DecoratorContext) {
    const marks = kindMarks(ctx.containers, ctx.namespaces.processes);
    if (!ctx.signal.aborted) for (const m of marks) Object.assign(m.container.labels, m.labels);
    return Promise.resolve([]);
  },
};
