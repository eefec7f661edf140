// SPDX-License-Identifier: MIT
/**
 * @module api/v1/events
 *
 * Wire types of the live change feed (`GET /api/events` as Server-Sent Events, and the same
 * stream over the websocket `/api/events/ws`). Every event is one JSON object with a strictly
 * increasing `seq` (per server process), an RFC 3339 `time` and a `type`; the rest depends on
 * the type (a discriminated union on `type`). The web UI's reducer is written against these
 * types; the OpenAPI document (`GET /api/openapi.json`, `FeedEvent` schema) describes the same.
 *
 * SSE framing: `id: <seq>`, `event: <type>`, `data: <the JSON object>`. A client that
 * reconnects with `Last-Event-ID: <seq>` gets every later event still in the server's bounded
 * ring; when the ring no longer reaches back that far it first gets a `resync` event and should
 * fetch `/json` again. Over the websocket each text frame is one event object; the resume point
 * is the `since` query parameter.
 *
 * Never change these in place: new event types may be added (clients ignore unknown types),
 * existing fields keep their meaning.
 */

/** All event types, in documentation order. */
export const FEED_EVENT_TYPES = [
  'netns-added',
  'netns-removed',
  'nif-added',
  'nif-removed',
  'nif-changed',
  'route-added',
  'route-removed',
  'container-started',
  'container-paused',
  'container-unpaused',
  'container-stopped',
  'port-opened',
  'port-closed',
  'forward-added',
  'forward-removed',
  'resync',
] as const;
/** One event type. */
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

/** Where a change was seen first. */
export const FEED_SOURCES = ['netlink', 'engine', 'reconcile'] as const;
/** One change source. */
export type FeedSource = (typeof FEED_SOURCES)[number];

/** Fields every event carries. */
export interface FeedEventBase {
  /** Sequence number, strictly increasing by 1 within one server process, starting at 1. */
  seq: number;
  /** When the server recorded the change (RFC 3339, UTC, millisecond precision). */
  time: string;
  /** What noticed it: a netlink notification, an engine event, or the periodic reconcile. */
  source: FeedSource;
}

/** A network namespace as the feed names it. */
export interface FeedNetnsV1 {
  /** v1 document ID (`netns-<inode>`). */
  id: string;
  /** Inode number of the netns. */
  netns: number;
}

/** An interface as the feed describes it. */
export interface FeedNifV1 {
  /** v1 document ID (`nif-<netns inode>-<ifindex>`). */
  id: string;
  netns: number;
  index: number;
  name: string;
  kind: string;
  operstate: string;
  mtu: number;
  /** v1 ID of the master (bridge, bond, VRF) or `""`. */
  master: string;
  /** All addresses as `address/prefixlen`, IPv4 first. */
  addresses: string[];
}

/** A route as the feed describes it. */
export interface FeedRouteV1 {
  netns: number;
  family: 2 | 10;
  type: string;
  destination: string;
  'destination-prefixlen': number;
  /** Output interface ID or `""`. */
  'network-interface-idref': string;
  'next-hop': string;
  table: number;
  priority: number;
}

/** A container (engine workload) as the feed describes it. */
export interface FeedContainerV1 {
  /** v1 document ID of the tenant. */
  id: string;
  name: string;
  /** v1 container type (`docker`, `containerd`, `podman`, `cri`). */
  type: string;
  /** Netns inode of its initial process. */
  netns: number;
  pid: number;
  status: string;
}

/** A transport port as the feed describes it. */
export interface FeedPortV1 {
  netns: number;
  family: 2 | 10;
  protocol: string;
  'local-address': string;
  'local-port': number;
  'remote-address': string;
  'remote-port': number;
  state: string;
}

/** A forwarded port as the feed describes it. */
export interface FeedForwardV1 {
  netns: number;
  family: 2 | 10;
  protocol: string;
  ip: string;
  port: number;
  'forward-ip': string;
  'forward-port': number;
}

/** netns appeared / vanished. */
export interface NetnsEventV1 extends FeedEventBase {
  type: 'netns-added' | 'netns-removed';
  netns: FeedNetnsV1;
}

/** Interface appeared / vanished. */
export interface NifEventV1 extends FeedEventBase {
  type: 'nif-added' | 'nif-removed';
  nif: FeedNifV1;
}

/** Interface changed: `nif` is the new state, `changed` names the fields that differ. */
export interface NifChangedEventV1 extends FeedEventBase {
  type: 'nif-changed';
  nif: FeedNifV1;
  changed: Array<'name' | 'operstate' | 'mtu' | 'master' | 'addresses' | 'kind'>;
}

/** Route appeared / vanished. */
export interface RouteEventV1 extends FeedEventBase {
  type: 'route-added' | 'route-removed';
  route: FeedRouteV1;
}

/** Container lifecycle. */
export interface ContainerEventV1 extends FeedEventBase {
  type: 'container-started' | 'container-paused' | 'container-unpaused' | 'container-stopped';
  container: FeedContainerV1;
}

/** Socket opened (listening or connected) / closed. */
export interface PortEventV1 extends FeedEventBase {
  type: 'port-opened' | 'port-closed';
  port: FeedPortV1;
}

/** Port forward appeared / vanished. */
export interface ForwardEventV1 extends FeedEventBase {
  type: 'forward-added' | 'forward-removed';
  forward: FeedForwardV1;
}

/**
 * The feed could not resume from the requested point (it fell out of the ring, or the server
 * restarted): the client must reload `/json`. `oldest` is the oldest seq still available
 * (0 when the ring is empty).
 */
export interface ResyncEventV1 extends FeedEventBase {
  type: 'resync';
  oldest: number;
}

/** One feed event. */
export type FeedEventV1 =
  | NetnsEventV1
  | NifEventV1
  | NifChangedEventV1
  | RouteEventV1
  | ContainerEventV1
  | PortEventV1
  | ForwardEventV1
  | ResyncEventV1;

/** A change before the feed numbers it (what diffing and event sources produce). */
export type FeedChangeV1 = FeedEventV1 extends infer E
  ? E extends FeedEventV1
    ? Omit<E, 'seq' | 'time' | 'source'>
    : never
  : never;
