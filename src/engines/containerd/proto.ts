// SPDX-License-Identifier: MIT
/**
 * @module engines/containerd/proto
 *
 * Minimal protobuf definitions of the containerd API (containerd/containerd `api/`, 1.6–2.x),
 * written from the field tables in the project's engines reference §5.2–5.3: only the services,
 * messages and fields Ghostwire reads. Field numbers are the wire contract; unknown fields in
 * replies are skipped by the decoder. Each service keeps its real package, so method paths are
 * the real ones (`/containerd.services.tasks.v1.Tasks/List`, …).
 */
import type protobuf from 'protobufjs';
import { parseProto } from '../grpc.js';

const PROTO = `
syntax = "proto3";

package google.protobuf;
message Any { string type_url = 1; bytes value = 2; }
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message Empty {}
`;

const CONTAINERD = `
syntax = "proto3";

package containerd.services.namespaces.v1;
message ListNamespacesRequest { string filter = 1; }
message Namespace { string name = 1; map<string, string> labels = 2; }
message ListNamespacesResponse { repeated Namespace namespaces = 1; }
`;

const CONTAINERS = `
syntax = "proto3";

package containerd.services.containers.v1;
message Container { string id = 1; map<string, string> labels = 2; string image = 3; }
message ListContainersRequest { repeated string filters = 1; }
message ListContainersResponse { repeated Container containers = 1; }
message GetContainerRequest { string id = 1; }
message GetContainerResponse { Container container = 1; }
`;

const TYPES = `
syntax = "proto3";

package containerd.v1.types;
enum Status { UNKNOWN = 0; CREATED = 1; RUNNING = 2; STOPPED = 3; PAUSED = 4; PAUSING = 5; }
message Process { string container_id = 1; string id = 2; uint32 pid = 3; Status status = 4; }
`;

const TASKS = `
syntax = "proto3";

package containerd.services.tasks.v1;
message ListTasksRequest { string filter = 1; }
message ListTasksResponse { repeated containerd.v1.types.Process tasks = 1; }
message GetRequest { string container_id = 1; string exec_id = 2; }
message GetResponse { containerd.v1.types.Process process = 1; }
`;

const EVENTS = `
syntax = "proto3";

package containerd.services.events.v1;
message SubscribeRequest { repeated string filters = 1; }
`;

const ENVELOPE = `
syntax = "proto3";

package containerd.types;
message Envelope { google.protobuf.Timestamp timestamp = 1; string namespace = 2; string topic = 3; google.protobuf.Any event = 4; }
`;

const EVENT_PAYLOADS = `
syntax = "proto3";

package containerd.events;
message TaskStart { string container_id = 1; uint32 pid = 2; }
message TaskExit { string container_id = 1; string id = 2; uint32 pid = 3; uint32 exit_status = 4; }
message TaskPaused { string container_id = 1; }
message TaskResumed { string container_id = 1; }
message TaskDelete { string container_id = 1; uint32 pid = 2; uint32 exit_status = 3; string id = 5; }
message ContainerUpdate { string id = 1; string image = 2; map<string, string> labels = 3; }
message ContainerDelete { string id = 1; }
`;

const VERSION = `
syntax = "proto3";

package containerd.services.version.v1;
message VersionResponse { string version = 1; string revision = 2; }
`;

const INTROSPECTION = `
syntax = "proto3";

package containerd.services.introspection.v1;
message ServerResponse { string uuid = 1; uint64 pid = 2; uint64 pidns = 3; }
`;

/** The parsed root holding all containerd message types. */
export const containerdRoot = parseProto([
  PROTO,
  CONTAINERD,
  CONTAINERS,
  TYPES,
  TASKS,
  EVENTS,
  ENVELOPE,
  EVENT_PAYLOADS,
  VERSION,
  INTROSPECTION,
]);

/** Looks a message type up by its full name. */
export function containerdType(name: string): protobuf.Type {
  return containerdRoot.lookupType(name);
}

/** Full gRPC method paths used. */
export const CONTAINERD_METHODS = {
  namespacesList: '/containerd.services.namespaces.v1.Namespaces/List',
  containersList: '/containerd.services.containers.v1.Containers/List',
  containersGet: '/containerd.services.containers.v1.Containers/Get',
  tasksList: '/containerd.services.tasks.v1.Tasks/List',
  tasksGet: '/containerd.services.tasks.v1.Tasks/Get',
  eventsSubscribe: '/containerd.services.events.v1.Events/Subscribe',
  version: '/containerd.services.version.v1.Version/Version',
  introspectionServer: '/containerd.services.introspection.v1.Introspection/Server',
} as const;

/** containerd task status (containerd.v1.types.Status). */
export const TASK_STATUS = {
  UNKNOWN: 0,
  CREATED: 1,
  RUNNING: 2,
  STOPPED: 3,
  PAUSED: 4,
  PAUSING: 5,
} as const;

/** Metadata key selecting the containerd namespace of a request. */
export const NAMESPACE_HEADER = 'containerd-namespace';
