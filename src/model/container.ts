// SPDX-License-Identifier: MIT
/**
 * @module model/container
 *
 * In-memory model of container engines, their containers and container groups (Kubernetes pods,
 * compose projects, podman pods), as the engines layer (`src/engines`) tracks them. Containers
 * reference their engine directly; wire formats turn references into IDs.
 */

/** Engine types (lxkns/turtlefinder naming); a container's `type` is its engine's type. */
export const ENGINE_TYPES = {
  docker: 'docker.com',
  containerd: 'containerd.io',
  podman: 'podman.io',
  cri: 'k8s.io/cri-api',
} as const;
/** One engine type. */
export type EngineType = (typeof ENGINE_TYPES)[keyof typeof ENGINE_TYPES];

/** Label every container carries: names of the containers its engine runs in, outermost first, joined by `/`; '' on the host. */
export const PREFIX_LABEL = 'turtlefinder/container/prefix';
/** Label (empty value) marking a privileged Docker/podman container (whalewatcher naming). */
export const PRIVILEGED_LABEL = 'github.com/thediveo/whalewatcher/moby/privileged';
/** Compose project label (docker-compose v1/v2, nerdctl compose). */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
/** Kubernetes pod namespace and name labels (CRI). */
export const K8S_POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const K8S_POD_NAME_LABEL = 'io.kubernetes.pod.name';

/** A container engine found on the host or inside a container. */
export interface Engine {
  /** Engine's own ID: Docker/podman `/info` ID, containerd server UUID, CRI: host name of the engine. */
  readonly id: string;
  readonly type: EngineType;
  /** Engine version text (e.g. `20.10.24`, `1.6.20 1.6.20~ds1`, `containerd 1.6.20 [API v1]`). */
  readonly version: string;
  /** Host PID of the engine process. */
  readonly pid: number;
  /** API endpoint as used, e.g. `unix:///proc/4711/root/run/docker.sock`. */
  readonly apiPath: string;
  /** Names of the containers the engine runs in, outermost first, joined by `/`; '' on the host. */
  prefix: string;
}

/** Lifecycle status of a tracked container (only containers with a process are tracked). */
export const CONTAINER_STATUSES = ['running', 'paused'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

/** A container with an initial process. */
export interface Container {
  /** Engine's container ID (containerd: `ns/id` unless namespace `default`). */
  readonly id: string;
  /** User-facing name (Docker: without leading '/'; containerd: `ns/` + nerdctl name or ID; CRI: container name). */
  readonly name: string;
  readonly type: EngineType;
  /**
   * Engine labels, plus {@link PREFIX_LABEL} (and {@link PRIVILEGED_LABEL} where it applies);
   * decorators (src/decorators) may add labels, e.g. the KinD ones.
   */
  readonly labels: Record<string, string>;
  readonly status: ContainerStatus;
  readonly paused: boolean;
  /** PID of the initial process, translated to the host PID namespace (0 if it could not be). */
  readonly pid: number;
  /** PID as the engine reported it (in the engine's PID namespace). */
  readonly enginePid: number;
  readonly engine: Engine;
  /** Same as the engine's prefix. */
  readonly prefix: string;
  readonly privileged: boolean;
  /** podman pod name (libpod API), if the container belongs to one. */
  readonly pod: string | undefined;
}

/** Container group types. */
export const GROUP_TYPES = {
  k8sPod: 'io.kubernetes.pod',
  composeProject: 'com.docker.compose.project',
  podmanPod: 'io.podman.pod',
} as const;
export type GroupType = (typeof GROUP_TYPES)[keyof typeof GROUP_TYPES];

/** A group of containers of one engine: a Kubernetes pod, a compose project, a podman pod. */
export interface ContainerGroup {
  /** Pod `namespace/name`, compose project name, podman pod name. */
  readonly name: string;
  readonly type: GroupType;
  readonly engine: Engine;
  readonly containers: Container[];
}

/** Engines, their containers and groups at one point in time. */
export interface ContainerModel {
  readonly engines: Engine[];
  readonly containers: Container[];
  readonly groups: ContainerGroup[];
}
