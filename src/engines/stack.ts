// SPDX-License-Identifier: MIT
/**
 * @module engines/stack
 *
 * Pure post-processing of a snapshot of all engines' containers:
 *
 * - **PID translation**: a container PID is in its engine's PID namespace. With the engine's
 *   `NSpid` list (host PID first, innermost last) the engine's level is `d = nspid.length - 1`;
 *   the host process of the container is the one whose `NSpid[d]` equals the container PID and
 *   that descends from the engine's PID namespace (checked by `samePidns`).
 * - **Stacking** ("turtles"): an engine whose process (or an ancestor of it) is a container's
 *   initial process — or that process's parent, the shim, for a daemon running *beside* the
 *   init in a container — runs inside that container. Its prefix is the enclosing engine's
 *   prefix plus the container name, joined by `/`; host engines get ''.
 * - **Groups**: compose projects (`com.docker.compose.project`), Kubernetes pods
 *   (`io.kubernetes.pod.namespace` + `io.kubernetes.pod.name`), podman pods.
 */
import {
  COMPOSE_PROJECT_LABEL,
  GROUP_TYPES,
  K8S_POD_NAMESPACE_LABEL,
  K8S_POD_NAME_LABEL,
  PREFIX_LABEL,
  type Container,
  type ContainerGroup,
  type ContainerModel,
  type Engine,
  type GroupType,
} from '../model/container.js';
import type { EngineProcess } from './detect.js';
import type { ProbedEngine } from './probe.js';
import type { TrackedContainer } from './watcher.js';

/** One engine with its current containers (engine-local PIDs). */
export interface EngineSnapshot {
  readonly engine: Omit<ProbedEngine, 'adapter'>;
  readonly containers: readonly TrackedContainer[];
}

/** Tells whether two processes share a PID namespace (by PID). */
export type SamePidns = (pidA: number, pidB: number) => boolean;

/**
 * Host PID of `pid` as seen by an engine with NSpid list `engineNspid`; 0 if not found.
 * `processes` must have NSpid lists.
 */
export function translatePid(
  pid: number,
  engineNspid: readonly number[],
  enginePid: number,
  processes: ReadonlyMap<number, EngineProcess>,
  samePidns: SamePidns,
): number {
  const d = engineNspid.length - 1;
  if (d <= 0) return pid; // engine in our own PID namespace
  const candidates: EngineProcess[] = [];
  for (const p of processes.values()) {
    if (p.nspid.length > d && p.nspid[d] === pid) candidates.push(p);
  }
  for (const p of candidates) {
    // climb to the process of the candidate's ancestry that lives at the engine's level
    let q: EngineProcess | undefined = p;
    let guard = 0;
    while (q !== undefined && q.nspid.length > d + 1 && guard++ < 4096) q = processes.get(q.ppid);
    if (q !== undefined && q.nspid.length === d + 1 && samePidns(q.pid, enginePid)) return p.pid;
  }
  return candidates.length === 1 && candidates[0] !== undefined ? candidates[0].pid : 0;
}

/** Groups of one engine's containers. */
export function groupContainers(
  engine: Engine,
  containers: readonly Container[],
): ContainerGroup[] {
  const groups = new Map<string, { name: string; type: GroupType; containers: Container[] }>();
  const add = (type: GroupType, name: string, c: Container): void => {
    const key = `${type}\u0000${name}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { name, type, containers: [] };
      groups.set(key, g);
    }
    g.containers.push(c);
  };
  for (const c of containers) {
    const project = c.labels[COMPOSE_PROJECT_LABEL];
    if (project !== undefined && project !== '') add(GROUP_TYPES.composeProject, project, c);
    const ns = c.labels[K8S_POD_NAMESPACE_LABEL];
    const name = c.labels[K8S_POD_NAME_LABEL];
    if (ns !== undefined && ns !== '' && name !== undefined && name !== '')
      add(GROUP_TYPES.k8sPod, `${ns}/${name}`, c);
    if (c.pod !== undefined && c.pod !== '') add(GROUP_TYPES.podmanPod, c.pod, c);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, engine }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}

/**
 * Builds the container model from engine snapshots: translated PIDs, prefixes, labels, groups.
 * Engines are ordered by PID then type; containers by engine then name.
 */
export function buildContainerModel(
  snapshots: readonly EngineSnapshot[],
  processes: ReadonlyMap<number, EngineProcess>,
  samePidns: SamePidns,
): ContainerModel {
  const ordered = [...snapshots].sort(
    (a, b) => a.engine.pid - b.engine.pid || a.engine.type.localeCompare(b.engine.type),
  );
  // 1. host PIDs
  const hostPids = ordered.map((s) => {
    const ep = processes.get(s.engine.pid);
    const nspid = ep?.nspid ?? [];
    return s.containers.map((c) => translatePid(c.pid, nspid, s.engine.pid, processes, samePidns));
  });
  // 2. index containers by host PID, then by their parent (shim) PID
  const byPid = new Map<number, { snap: number; c: TrackedContainer }>();
  ordered.forEach((s, i) =>
    s.containers.forEach((c, j) => {
      const hp = hostPids[i]?.[j] ?? 0;
      if (hp > 0 && !byPid.has(hp)) byPid.set(hp, { snap: i, c });
    }),
  );
  const enginePids = new Set(ordered.map((s) => s.engine.pid));
  ordered.forEach((s, i) =>
    s.containers.forEach((c, j) => {
      const hp = hostPids[i]?.[j] ?? 0;
      const parent = processes.get(hp)?.ppid;
      if (parent !== undefined && parent > 1 && !byPid.has(parent) && !enginePids.has(parent))
        byPid.set(parent, { snap: i, c });
    }),
  );
  // 3. enclosing container per engine
  const enclosing = ordered.map((s, i) => {
    let p = processes.get(s.engine.pid);
    let guard = 0;
    while (p !== undefined && p.pid > 1 && guard++ < 4096) {
      const hit = byPid.get(p.pid);
      if (hit !== undefined && hit.snap !== i) return hit;
      p = processes.get(p.ppid);
    }
    return undefined;
  });
  const prefixes = new Map<number, string>();
  const prefixOf = (i: number, depth = 0): string => {
    const known = prefixes.get(i);
    if (known !== undefined) return known;
    const enc = enclosing[i];
    let prefix = '';
    if (enc !== undefined && depth < 32) {
      const outer = prefixOf(enc.snap, depth + 1);
      prefix = outer === '' ? enc.c.name : `${outer}/${enc.c.name}`;
    }
    prefixes.set(i, prefix);
    return prefix;
  };
  // 4. model objects
  const engines: Engine[] = [];
  const containers: Container[] = [];
  const groups: ContainerGroup[] = [];
  ordered.forEach((s, i) => {
    const prefix = prefixOf(i);
    const engine: Engine = {
      id: s.engine.id,
      type: s.engine.type,
      version: s.engine.version,
      pid: s.engine.pid,
      apiPath: s.engine.apiPath,
      prefix,
    };
    engines.push(engine);
    const mine = s.containers
      .map((c, j) => ({
        id: c.id,
        name: c.name,
        type: engine.type,
        labels: { ...c.labels, [PREFIX_LABEL]: prefix },
        status: c.paused ? ('paused' as const) : ('running' as const),
        paused: c.paused,
        pid: hostPids[i]?.[j] ?? 0,
        enginePid: c.pid,
        engine,
        prefix,
        privileged: c.privileged,
        pod: c.pod,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    containers.push(...mine);
    groups.push(...groupContainers(engine, mine));
  });
  return { engines, containers, groups };
}
