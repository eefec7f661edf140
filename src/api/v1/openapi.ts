// SPDX-License-Identifier: MIT
/**
 * @module api/v1/openapi
 *
 * The OpenAPI 3.1 description of everything `ghostwire serve` emits (`GET /api/openapi.json`).
 * Schema names follow the upstream Ghostwire spec (`DiscoveryResult`, `Network-Namespace`,
 * `Network-Interface`, `IP-Route`, `Container`, `TargetDiscoveryResult`, …); the upstream
 * errors are fixed (reference §2.13): `next-hop` (not `nexthop`), `index` and
 * `network-interface-idref` optional on routes, `forwarded-ports`, `driverinfo`, `labels`,
 * `tuntap`, `vxlan`, `vlan` on interfaces, the scheduling fields on containers, `""` as a
 * container status, all seven operstates, MACs of any length, no `netns-idref` on PID
 * namespaces, and the metadata keys we actually emit. Objects are closed
 * (`additionalProperties: false`): the CI check validates live responses against this document,
 * so it must describe exactly what we emit. Kept in step with `types.ts`, `targets.ts` and
 * `events.ts`.
 */
import { FEED_EVENT_TYPES, FEED_SOURCES } from './events.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const arr = (items: Schema): Schema => ({ type: 'array', items });
const family: Schema = { type: 'integer', enum: [2, 10] };

/** Closed object: `req` are required, the rest optional. */
function obj(props: Record<string, Schema>, req: string[] = Object.keys(props)): Schema {
  return { type: 'object', properties: props, required: req, additionalProperties: false };
}

function except(props: Record<string, Schema>, optional: string[]): string[] {
  return Object.keys(props).filter((k) => !optional.includes(k));
}

const nifRef = obj({ idref: str, index: int, name: str });
const owner = obj({ pid: int, cmdline: str, 'container-idref': str }, ['pid', 'cmdline']);
const address = obj({
  family,
  address: str,
  prefixlen: int,
  'preferred-lifetime': int,
  'valid-lifetime': int,
  scope: int,
  index: int,
});

const nifProps: Record<string, Schema> = {
  id: str,
  kind: str,
  name: str,
  alias: str,
  index: int,
  addresses: obj({
    mac: { type: 'string', description: 'colon-hex, any length; "" when none' },
    ipv4: arr(ref('IP-Address')),
    ipv6: arr(ref('IP-Address')),
  }),
  operstate: {
    type: 'string',
    enum: ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'],
  },
  physical: bool,
  driverinfo: obj({ driver: str, version: str, fwversion: str, businfo: str, eromversion: str }, [
    'driver',
  ]),
  promisc: bool,
  labels: { type: 'object', additionalProperties: str },
  master: ref('Nif-Ref'),
  macvlan: ref('Nif-Ref'),
  macvlans: arr(ref('Nif-Ref')),
  slaves: arr(ref('Nif-Ref')),
  peer: obj({ 'peer-idref': str, 'peer-index': int, 'peer-name': str }),
  tuntap: obj({ mode: { type: 'string', enum: ['tun', 'tap'] }, processors: arr(ref('Owner')) }),
  vxlan: obj(
    {
      idref: str,
      vid: int,
      'arp-proxy': bool,
      source: obj({ source_ipv4: str, source_ipv6: str }, []),
      'source-portrange': obj({ low: int, high: int }),
      remote: obj({ remote_ipv4: str, remote_ipv6: str }, []),
      'remote-port': int,
    },
    ['idref', 'vid', 'arp-proxy', 'source-portrange', 'remote-port'],
  ),
  vlan: obj({ vid: int, 'vlan-protocol': int }),
  'sr-iov-role': { type: 'integer', enum: [1, 2] },
  pf: ref('Nif-Ref'),
};
const nif = obj(nifProps, [
  'id',
  'kind',
  'name',
  'index',
  'addresses',
  'operstate',
  'physical',
  'driverinfo',
  'promisc',
]);

const routeProps: Record<string, Schema> = {
  type: str,
  family,
  destination: str,
  'destination-prefixlen': int,
  index: int,
  'network-interface-idref': str,
  'next-hop': str,
  preference: { type: 'string', pattern: '^[0-9a-f]{2}$' },
  priority: int,
  table: int,
};
const route = obj(routeProps, except(routeProps, ['index', 'network-interface-idref', 'next-hop']));

const dns = obj({
  'uts-hostname': str,
  'etc-hostname': str,
  domainname: str,
  nameservers: { type: ['array', 'null'], items: str },
  searchlist: { type: ['array', 'null'], items: str },
  'etc-hosts': {
    type: ['array', 'null'],
    items: obj({ name: str, address: str }),
  },
});
const bindmountDns = obj({ 'etc-hosts': { type: 'null' } });

const containerProps: Record<string, Schema> = {
  cmdline: str,
  dns: { oneOf: [ref('DNS'), ref('Bindmount-DNS')] },
  group: str,
  id: str,
  name: str,
  prefix: str,
  labels: { type: 'object', additionalProperties: str },
  'api-path': str,
  pid: int,
  pidns: int,
  'pidns-idref': str,
  capbnd: str,
  status: { type: 'string', enum: ['running', 'paused', ''] },
  type: str,
  'type-text': str,
  affinity: arr(arr(int)),
  policy: int,
  priority: int,
  nice: int,
};
const container = obj(
  containerProps,
  except(containerProps, ['labels', 'capbnd', 'affinity', 'policy', 'priority', 'nice']),
);

const group = obj({
  'container-idrefs': arr(str),
  id: str,
  name: str,
  type: str,
  'type-text': str,
});

const transportPort = obj({
  family,
  protocol: { type: 'string', enum: ['tcp', 'udp'] },
  'local-address': str,
  'local-port': int,
  'local-servicename': str,
  'remote-address': str,
  'remote-port': int,
  'remote-servicename': str,
  state: str,
  macrostate: { type: 'string', enum: ['listening', 'connected', 'unconnected'] },
  owners: arr(ref('Owner')),
  'network-interface-idrefs': arr(str),
});

const forwardedPort = obj({
  family,
  protocol: str,
  ip: str,
  port: int,
  servicename: str,
  'forward-ip': str,
  'forward-port': int,
  'forward-servicename': str,
  netnsid: int,
  owners: arr(ref('Owner')),
  'network-interface-refs': arr(str),
});

const byFamily = (s: Schema): Schema => obj({ ipv4: arr(s), ipv6: arr(s) });

const netns = obj({
  'container-groups': arr(ref('Container-Group')),
  containers: arr(ref('Container')),
  id: str,
  netnsid: int,
  'network-interfaces': arr(ref('Network-Interface')),
  routes: byFamily(ref('IP-Route')),
  'transport-ports': byFamily(ref('IP-Port')),
  'forwarded-ports': byFamily(ref('Forwarded-Port')),
});

const pidns = obj({
  id: str,
  pidnsid: int,
  children: arr(ref('Pidns')),
  'container-idrefs': arr(str),
});

const metadataProps: Record<string, Schema> = {
  'container-engines': arr(obj({ id: str, type: str, version: str, pid: int })),
  cpus: arr(arr(int)),
  'creation-timestamp': { type: 'string', format: 'date-time' },
  creator: str,
  'creator-id': str,
  'creator-version': str,
  hostname: str,
  'kernel-version': str,
  'osrel-name': str,
  'osrel-version': str,
};
const metadata = obj(metadataProps, except(metadataProps, ['cpus']));

const target = obj({
  name: str,
  type: str,
  netns: int,
  'network-interfaces': arr(str),
  pid: int,
  starttime: int,
  prefix: str,
});

// --- feed
const feedBase: Record<string, Schema> = {
  seq: { type: 'integer', minimum: 0 },
  time: { type: 'string', format: 'date-time' },
  source: { type: 'string', enum: [...FEED_SOURCES] },
};
function feedEvent(types: string[], payload: Record<string, Schema>): Schema {
  return obj({ ...feedBase, type: { type: 'string', enum: types }, ...payload });
}
const feedNetns = obj({ id: str, netns: int });
const feedNif = obj({
  id: str,
  netns: int,
  index: int,
  name: str,
  kind: str,
  operstate: str,
  mtu: int,
  master: str,
  addresses: arr(str),
});
const feedRoute = obj({
  netns: int,
  family,
  type: str,
  destination: str,
  'destination-prefixlen': int,
  'network-interface-idref': str,
  'next-hop': str,
  table: int,
  priority: int,
});
const feedContainer = obj({ id: str, name: str, type: str, netns: int, pid: int, status: str });
const feedPort = obj({
  netns: int,
  family,
  protocol: str,
  'local-address': str,
  'local-port': int,
  'remote-address': str,
  'remote-port': int,
  state: str,
});
const feedForward = obj({
  netns: int,
  family,
  protocol: str,
  ip: str,
  port: int,
  'forward-ip': str,
  'forward-port': int,
});

const errorBody = obj({
  code: { type: 'string', pattern: '^GW_ERR_[A-Z0-9_]+$' },
  message: str,
});

const jsonContent = (schema: Schema): Schema => ({ 'application/json': { schema } });
const errorResponse = (description: string): Schema => ({
  description,
  content: jsonContent(ref('Error')),
});

/** One snapshot of the history store (`GET /api/history`, docs/history.md). */
const historyEntry = obj({
  id: int,
  time: { type: 'string', format: 'date-time', description: 'first recorded' },
  'last-seen': { type: 'string', format: 'date-time', description: 'last seen unchanged' },
  discoveries: { ...int, description: 'discoveries that found exactly this state' },
  netns: int,
  interfaces: int,
  containers: int,
  events: { ...int, description: 'change-feed event batches recorded with it' },
});
const diffCount = obj({ added: int, removed: int, changed: int });
const DIFF_KINDS = ['netns', 'interface', 'address', 'route', 'port', 'forward', 'container'];
const diffChange = obj(
  {
    kind: { type: 'string', enum: DIFF_KINDS },
    change: { type: 'string', enum: ['added', 'removed', 'changed'] },
    key: str,
    name: str,
    netnsid: int,
    fields: {
      type: 'object',
      description: 'changed fields: name → [before, after]',
      additionalProperties: { type: 'array', minItems: 2, maxItems: 2 },
    },
  },
  ['kind', 'change', 'key', 'name'],
);
/** `GET /api/diff`: the same as `ghostwire diff --json`, plus the snapshots and events. */
const historyDiff = obj({
  from: { type: 'string', description: 'creation-timestamp of the "before" document' },
  to: { type: 'string', description: 'creation-timestamp of the "after" document' },
  summary: obj(Object.fromEntries(DIFF_KINDS.map((k) => [k, diffCount]))),
  changes: arr(diffChange),
  snapshots: obj({ from: ref('History-Entry'), to: ref('History-Entry') }),
  events: arr(
    obj({ time: { type: 'string', format: 'date-time' }, changes: arr({ type: 'object' }) }),
  ),
});
const timeParam = (name: string, required: boolean, description: string): Schema => ({
  name,
  in: 'query',
  required,
  schema: str,
  description: `${description}: RFC 3339 (2026-12-04T18:00:00Z), unix seconds, now, or relative (-1h, -30m, -2d)`,
});

/** The OpenAPI 3.1 document. */
export function openApiV1(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ghostwire',
      version,
      description:
        'Virtual network discovery of one Linux host. Every error body is `Error`. With a token configured, every request but /healthz needs `Authorization: Bearer <token>`, the session cookie, or `?token=`.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'ghostwire_token' },
        query: { type: 'apiKey', in: 'query', name: 'token' },
      },
      schemas: {
        DiscoveryResult: obj({
          metadata: ref('Metadata'),
          'network-namespaces': arr(ref('Network-Namespace')),
          'pid-namespaces': arr(ref('Pidns')),
        }),
        Metadata: metadata,
        'Network-Namespace': netns,
        'Network-Interface': nif,
        'Nif-Ref': nifRef,
        'IP-Address': address,
        'IP-Route': route,
        Container: container,
        DNS: dns,
        'Bindmount-DNS': bindmountDns,
        'Container-Group': group,
        'IP-Port': transportPort,
        'Forwarded-Port': forwardedPort,
        Owner: owner,
        Pidns: pidns,
        TargetDiscoveryResult: obj({ metadata: ref('Metadata'), containers: arr(ref('Target')) }),
        Target: target,
        FeedEvent: {
          oneOf: [
            feedEvent(['netns-added', 'netns-removed'], { netns: feedNetns }),
            feedEvent(['nif-added', 'nif-removed'], { nif: feedNif }),
            feedEvent(['nif-changed'], {
              nif: feedNif,
              changed: arr({
                type: 'string',
                enum: ['name', 'operstate', 'mtu', 'master', 'addresses', 'kind'],
              }),
            }),
            feedEvent(['route-added', 'route-removed'], { route: feedRoute }),
            feedEvent(
              ['container-started', 'container-paused', 'container-unpaused', 'container-stopped'],
              { container: feedContainer },
            ),
            feedEvent(['port-opened', 'port-closed'], { port: feedPort }),
            feedEvent(['forward-added', 'forward-removed'], { forward: feedForward }),
            feedEvent(['resync'], { oldest: int }),
          ],
          description: `Event types: ${FEED_EVENT_TYPES.join(', ')}.`,
        },
        'History-Entry': historyEntry,
        History: obj({ snapshots: arr(ref('History-Entry')), 'stored-bytes': int }),
        'History-Diff': historyDiff,
        Error: errorBody,
        Health: obj({ status: { type: 'string', const: 'ok' } }),
        Ready: obj({
          status: { type: 'string', const: 'ready' },
          discoveries: int,
          'last-discovery': { type: 'string', format: 'date-time' },
        }),
      },
    },
    security: [{}, { bearer: [] }, { cookie: [] }, { query: [] }],
    paths: {
      '/json': {
        get: {
          summary: 'The v1 discovery document',
          parameters: [
            {
              name: 'ieappicons',
              in: 'query',
              required: false,
              allowEmptyValue: true,
              schema: { type: 'string', enum: ['', 'on', 'off'] },
            },
          ],
          responses: {
            '200': {
              description: 'discovery result',
              content: jsonContent(ref('DiscoveryResult')),
            },
            '400': errorResponse('bad ieappicons value'),
            '401': errorResponse('token required'),
            '500': errorResponse('discovery could not run'),
            '503': errorResponse('shutting down or discovery timed out'),
          },
        },
      },
      '/mobyshark': {
        get: {
          summary: 'Capture targets (Packetflix, Wireshark extcap)',
          responses: {
            '200': {
              description: 'targets',
              content: jsonContent(ref('TargetDiscoveryResult')),
            },
            '401': errorResponse('token required'),
            '500': errorResponse('discovery could not run'),
          },
        },
      },
      '/mobydig': {
        get: {
          summary:
            "Websocket: DNS names of the target container's user-network neighbours, resolved and pinged from inside its netns; one JSON text frame per verdict `{fqdn, address, quality, error}` (empty fields omitted); close 1000 when done, 4400 with a reason for an unknown container",
          parameters: [{ name: 'target', in: 'query', required: true, schema: str }],
          responses: {
            '101': { description: 'switching to the websocket protocol' },
            '400': errorResponse('missing or multiple target query parameters'),
            '426': errorResponse('not a websocket upgrade'),
          },
        },
      },
      '/api/openapi.json': {
        get: {
          summary: 'This document',
          responses: {
            '200': { description: 'OpenAPI 3.1', content: jsonContent({ type: 'object' }) },
          },
        },
      },
      '/api/events': {
        get: {
          summary:
            'Live change feed, Server-Sent Events (`id` = seq, `event` = type, `data` = FeedEvent)',
          parameters: [
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              schema: { type: 'string', pattern: '^\\d+$' },
            },
            {
              name: 'since',
              in: 'query',
              required: false,
              schema: { type: 'string', pattern: '^\\d+$' },
            },
            {
              name: 'types',
              in: 'query',
              required: false,
              schema: str,
              description: 'comma-separated event types',
            },
          ],
          responses: {
            '200': {
              description: 'event stream',
              content: { 'text/event-stream': { schema: ref('FeedEvent') } },
            },
            '400': errorResponse('bad resume point or event type'),
          },
        },
      },
      '/api/events/ws': {
        get: {
          summary: 'Live change feed as websocket text frames (one FeedEvent each)',
          parameters: [
            {
              name: 'since',
              in: 'query',
              required: false,
              schema: { type: 'string', pattern: '^\\d+$' },
            },
            { name: 'types', in: 'query', required: false, schema: str },
          ],
          responses: {
            '101': { description: 'switching to the websocket protocol' },
            '426': errorResponse('not a websocket upgrade'),
          },
        },
      },
      '/api/history': {
        get: {
          summary: 'Snapshots of the history store (oldest first; identical discoveries share one)',
          parameters: [
            timeParam('from', false, 'only snapshots current at or after this time'),
            timeParam('to', false, 'only snapshots current at or before this time'),
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'string', pattern: '^\\d+$' },
              description: 'at most this many (the newest; default 1000)',
            },
          ],
          responses: {
            '200': { description: 'snapshots', content: jsonContent(ref('History')) },
            '400': errorResponse('bad time or limit'),
            '503': errorResponse('history is off or unavailable (GW_ERR_STORE_UNAVAILABLE)'),
          },
        },
      },
      '/api/diff': {
        get: {
          summary:
            'What changed between the snapshot current at `from` and the one at `to` (default: now, after a fresh discovery)',
          parameters: [
            timeParam('from', true, 'the "before" time'),
            timeParam('to', false, 'the "after" time (default now)'),
          ],
          responses: {
            '200': { description: 'the diff', content: jsonContent(ref('History-Diff')) },
            '400': errorResponse('missing or bad time, or from after to'),
            '404': errorResponse('no history recorded yet'),
            '503': errorResponse('history is off or unavailable (GW_ERR_STORE_UNAVAILABLE)'),
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'Liveness (no discovery, no token needed)',
          security: [{}],
          responses: { '200': { description: 'alive', content: jsonContent(ref('Health')) } },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: the first discovery has finished',
          responses: {
            '200': { description: 'ready', content: jsonContent(ref('Ready')) },
            '503': errorResponse('not ready yet'),
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (text exposition format 0.0.4)',
          responses: {
            '200': { description: 'metrics', content: { 'text/plain': { schema: str } } },
          },
        },
      },
    },
  };
}
