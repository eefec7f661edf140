// SPDX-License-Identifier: MIT
/**
 * @module engines
 *
 * Container engines anywhere: detection of engine processes and their API sockets (also in
 * other mount namespaces and inside containers), clients for the Docker/podman Engine API,
 * containerd and CRI, one background watcher per engine, and the tracker that keeps them and
 * builds the container model (containers, engines, groups) from memory. See README.md.
 */
export {
  ENGINE_COMMS,
  exeBasename,
  findCandidates,
  listeningSocketPaths,
  orderSockets,
  parseUnixListeners,
  type EngineCandidate,
  type EngineComm,
  type EngineProcess,
} from './detect.js';
export { probeCandidate, type ProbeOptions, type ProbeResult, type ProbedEngine } from './probe.js';
export {
  buildContainerModel,
  groupContainers,
  translatePid,
  type EngineSnapshot,
  type SamePidns,
} from './stack.js';
export { EngineTracker, starttimeOf, type EngineTrackerOptions } from './tracker.js';
export {
  EngineWatcher,
  WATCHER_STATES,
  type EngineAdapter,
  type Subscription,
  type TrackedContainer,
  type WatchEvent,
  type WatcherOptions,
  type WatcherState,
} from './watcher.js';
export {
  DockerClient,
  type DockerContainerInspect,
  type DockerNetwork,
  type DockerVersion,
  type DockerInfo,
} from './docker/client.js';
export { DockerAdapter } from './docker/adapter.js';
// Types only: the gRPC clients (and @grpc/grpc-js, protobufjs) load lazily when a containerd or
// CRI-O candidate is probed (probe.ts); import the classes from their modules when needed.
export type { ContainerdClient } from './containerd/client.js';
export type { ContainerdAdapter } from './containerd/adapter.js';
export type { CriClient } from './cri/client.js';
export type { CriAdapter } from './cri/adapter.js';
