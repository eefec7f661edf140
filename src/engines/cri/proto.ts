// SPDX-License-Identifier: MIT
/**
 * @module engines/cri/proto
 *
 * Minimal protobuf definitions of the Kubernetes CRI `runtime.v1.RuntimeService`
 * (kubernetes/cri-api `pkg/apis/runtime/v1/api.proto`), written from the field tables in the
 * project's engines reference §5.4–5.5: only the messages and fields Ghostwire reads or sends.
 * Filters use wrapper messages (`ContainerStateValue`, `PodSandboxStateValue`) so that the
 * presence of a state filter is explicit (SANDBOX_READY is the enum's zero value).
 */
import type protobuf from 'protobufjs';
import { parseProto } from '../grpc.js';

const CRI = `
syntax = "proto3";

package runtime.v1;

message VersionRequest { string version = 1; }
message VersionResponse { string version = 1; string runtime_name = 2; string runtime_version = 3; string runtime_api_version = 4; }

enum ContainerState { CONTAINER_CREATED = 0; CONTAINER_RUNNING = 1; CONTAINER_EXITED = 2; CONTAINER_UNKNOWN = 3; }
message ContainerStateValue { ContainerState state = 1; }
message ContainerFilter { string id = 1; ContainerStateValue state = 2; string pod_sandbox_id = 3; map<string, string> label_selector = 4; }
message ContainerMetadata { string name = 1; uint32 attempt = 2; }
message Container {
  string id = 1; string pod_sandbox_id = 2; ContainerMetadata metadata = 3; ContainerState state = 6;
  int64 created_at = 7; map<string, string> labels = 8; map<string, string> annotations = 9;
}
message ListContainersRequest { ContainerFilter filter = 1; }
message ListContainersResponse { repeated Container containers = 1; }

enum PodSandboxState { SANDBOX_READY = 0; SANDBOX_NOTREADY = 1; }
message PodSandboxStateValue { PodSandboxState state = 1; }
message PodSandboxFilter { string id = 1; PodSandboxStateValue state = 2; map<string, string> label_selector = 3; }
message PodSandboxMetadata { string name = 1; string uid = 2; string namespace = 3; uint32 attempt = 4; }
message PodSandbox {
  string id = 1; PodSandboxMetadata metadata = 2; PodSandboxState state = 3; int64 created_at = 4;
  map<string, string> labels = 5; map<string, string> annotations = 6; string runtime_handler = 7;
}
message ListPodSandboxRequest { PodSandboxFilter filter = 1; }
message ListPodSandboxResponse { repeated PodSandbox items = 1; }

message ContainerStatusRequest { string container_id = 1; bool verbose = 2; }
message ContainerStatusResponse { map<string, string> info = 2; }
message PodSandboxStatusRequest { string pod_sandbox_id = 1; bool verbose = 2; }
message PodSandboxStatusResponse { map<string, string> info = 2; }

enum ContainerEventType { CONTAINER_CREATED_EVENT = 0; CONTAINER_STARTED_EVENT = 1; CONTAINER_STOPPED_EVENT = 2; CONTAINER_DELETED_EVENT = 3; }
message GetEventsRequest {}
message ContainerEventResponse { string container_id = 1; ContainerEventType container_event_type = 2; int64 created_at = 3; }
`;

/** Parsed root of the CRI messages. */
export const criRoot = parseProto([CRI]);

/** Looks a `runtime.v1` message type up by its short name. */
export function criType(name: string): protobuf.Type {
  return criRoot.lookupType(`runtime.v1.${name}`);
}

/** Full gRPC method paths used. */
export const CRI_METHODS = {
  version: '/runtime.v1.RuntimeService/Version',
  listContainers: '/runtime.v1.RuntimeService/ListContainers',
  listPodSandbox: '/runtime.v1.RuntimeService/ListPodSandbox',
  containerStatus: '/runtime.v1.RuntimeService/ContainerStatus',
  podSandboxStatus: '/runtime.v1.RuntimeService/PodSandboxStatus',
  getContainerEvents: '/runtime.v1.RuntimeService/GetContainerEvents',
} as const;

/** CRI enum values used. */
export const CONTAINER_STATE = { CREATED: 0, RUNNING: 1, EXITED: 2, UNKNOWN: 3 } as const;
export const SANDBOX_STATE = { READY: 0, NOTREADY: 1 } as const;
export const CONTAINER_EVENT = { CREATED: 0, STARTED: 1, STOPPED: 2, DELETED: 3 } as const;
