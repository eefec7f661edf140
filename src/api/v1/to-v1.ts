// SPDX-License-Identifier: MIT
/**
 * @module api/v1/to-v1
 *
 * Maps a {@link DiscoveryResult} (object graph) onto the v1 wire document (ID references): the
 * metadata, the netns with their containers, and the PID namespace tree. Nifs, routes, ports,
 * tenants and containers have their own mapping modules (`nifs.ts`, `routes.ts`, `ports.ts`,
 * `tenants.ts`, `containers.ts`). Object literals are built in the emitted field order of `types.ts`; optional fields are only
 * set when non-empty. Every decision that departs from the Go engine is listed in
 * docs/api-v1.md.
 */
import type { Forward } from '../../model/forward.js';
import { forwardedPortsV1 } from './forwarded-ports.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Namespace, Process } from '../../model/namespace.js';
import type { NetworkNamespace, Nif } from '../../model/network.js';
import type { Port } from '../../model/port.js';
import { schedulingOf, type DnsConfig, type TunTapProcessors } from '../../model/tenant-details.js';
import type { Tenant } from '../../model/tenant.js';
import { applyContainersV1, containerEnginesV1 } from './containers.js';
import { netnsIdOf, pidnsIdOf, tenantIdOf } from './ids.js';
import { nifV1 } from './nifs.js';
import { transportPortsV1 } from './ports.js';
import { routeV1 } from './routes.js';
import {
  confinementV1,
  containerIdrefResolver,
  schedulingV1,
  TENANT_TYPE_TEXT_V1,
  tenantDnsV1,
  tunTapProcessorsV1,
} from './tenants.js';
import type {
  ContainerV1,
  DiscoveryResultV1,
  MetadataV1,
  NetnsV1,
  PidnsV1,
  RouteV1,
} from './types.js';

/** The `creator` text of the v1 metadata. */
export const CREATOR =
  'Gostwire Linux virtual networking topology and configuration discovery engine';
/** The `creator-id` of the v1 metadata (clients check it). */
export const CREATOR_ID = 'gostwire';

/** Options of {@link toV1}. */
export interface ToV1Options {
  /** `creator-version` (Ghostwire's package version). */
  readonly creatorVersion: string;
  /** Restrict the document to these netns inodes; relations leading outside are dropped. */
  readonly netns?: ReadonlySet<number>;
}

/** RFC 3339 UTC timestamp with nanoseconds from Unix epoch nanoseconds. */
export function rfc3339Nano(epochNs: bigint): string {
  const secs = epochNs / 1_000_000_000n;
  const frac = epochNs % 1_000_000_000n;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return `${base}.${frac.toString().padStart(9, '0')}Z`;
}

/** Per-document lookups for the tenant, TAP/TUN and port fields of a netns. */
interface NetnsExtras {
  readonly dns: ReadonlyMap<number, DnsConfig>;
  readonly processors: TunTapProcessors;
  readonly ports: ReadonlyMap<number, readonly Port[]>;
  readonly forwards: ReadonlyMap<number, readonly Forward[]>;
  /** `container-idref` of the tenant leading a process, if that tenant is in the document. */
  readonly containerIdref: (p: Process) => string | undefined;
}

function containerV1(
  t: Tenant,
  pidnsInDoc: ReadonlySet<number>,
  dns: ReadonlyMap<number, DnsConfig>,
): ContainerV1 {
  if (t.type === 'bindmount') {
    return {
      cmdline: '',
      dns: tenantDnsV1(t, dns),
      group: '',
      id: tenantIdOf(t),
      name: t.name,
      prefix: '',
      'api-path': '',
      pid: 0,
      pidns: 0,
      'pidns-idref': '',
      status: '',
      type: 'bindmount',
      'type-text': TENANT_TYPE_TEXT_V1.bindmount,
    };
  }
  const p = t.process;
  const pidns = p.namespaces.pid?.id.ino ?? 0;
  const out: ContainerV1 = {
    cmdline: p.cmdline.join(' '),
    dns: tenantDnsV1(t, dns),
    group: '',
    id: tenantIdOf(t),
    name: t.name,
    prefix: '',
    'api-path': '',
    pid: p.pid,
    pidns,
    'pidns-idref': pidnsInDoc.has(pidns) ? pidnsIdOf(pidns) : '',
    ...confinementV1(t.details),
    type: 'proc',
    'type-text': TENANT_TYPE_TEXT_V1.proc,
    ...schedulingV1(t.details, schedulingOf(p)),
  };
  return out;
}

/** All network namespaces of the result, the host's first, then by inode. */
export function orderedNetns(result: DiscoveryResult): Namespace[] {
  const seen = new Map<number, Namespace>();
  for (const ns of result.namespaces.byType.net) seen.set(ns.id.ino, ns);
  for (const nn of result.network.netns.values())
    if (!seen.has(nn.ns.id.ino)) seen.set(nn.ns.id.ino, nn.ns);
  const hostIno = result.namespaces.initial.net?.id.ino;
  return [...seen.values()].sort((a, b) => {
    if (a.id.ino === hostIno) return -1;
    if (b.id.ino === hostIno) return 1;
    return a.id.ino - b.id.ino;
  });
}

function netnsV1(
  ns: Namespace,
  nn: NetworkNamespace | undefined,
  tenants: readonly Tenant[],
  inDoc: (n: Nif | undefined) => n is Nif,
  pidnsInDoc: ReadonlySet<number>,
  extras: NetnsExtras,
): NetnsV1 {
  const nifs = nn === undefined ? [] : [...nn.nifs.values()].sort((a, b) => a.index - b.index);
  const ipv4: RouteV1[] = [];
  const ipv6: RouteV1[] = [];
  for (const r of nn?.routes ?? []) {
    (r.family === 4 ? ipv4 : ipv6).push(routeV1(r));
  }
  return {
    'container-groups': [],
    containers: tenants.map((t) => containerV1(t, pidnsInDoc, extras.dns)),
    id: netnsIdOf(ns.id.ino),
    netnsid: ns.id.ino,
    'network-interfaces': nifs.map((n) =>
      nifV1(
        n,
        inDoc,
        n.kind === 'tun'
          ? tunTapProcessorsV1(extras.processors, ns.id.ino, n.name, extras.containerIdref)
          : [],
      ),
    ),
    routes: { ipv4, ipv6 },
    'transport-ports': transportPortsV1(extras.ports.get(ns.id.ino), (o) =>
      extras.containerIdref(o.process),
    ),
    'forwarded-ports': forwardedPortsV1(extras.forwards.get(ns.id.ino), inDoc, (o) =>
      extras.containerIdref(o.process),
    ),
  };
}

function pidnsTree(result: DiscoveryResult, leaderIds: ReadonlyMap<number, string[]>): PidnsV1[] {
  const all = result.namespaces.byType.pid;
  const inSet = new Set(all.map((n) => n.id.ino));
  const build = (ns: Namespace): PidnsV1 => ({
    id: pidnsIdOf(ns.id.ino),
    pidnsid: ns.id.ino,
    children: ns.children
      .filter((c) => inSet.has(c.id.ino))
      .sort((a, b) => a.id.ino - b.id.ino)
      .map(build),
    'container-idrefs': leaderIds.get(ns.id.ino) ?? [],
  });
  return all
    .filter((ns) => ns.parent === undefined || !inSet.has(ns.parent.id.ino))
    .sort((a, b) => a.id.ino - b.id.ino)
    .map(build);
}

/** Builds the v1 `metadata` object (keys in Go's alphabetical order). */
export function metadataV1(result: DiscoveryResult, creatorVersion: string): MetadataV1 {
  const h = result.host;
  const out: MetadataV1 = {
    'container-engines': containerEnginesV1(result.containers),
  } as unknown as MetadataV1;
  if (h.cpus !== undefined) out.cpus = h.cpus.map(([a, b]) => [a, b]);
  out['creation-timestamp'] = rfc3339Nano(result.startedAtNs);
  out.creator = CREATOR;
  out['creator-id'] = CREATOR_ID;
  out['creator-version'] = creatorVersion;
  out.hostname = h.hostname;
  out['kernel-version'] = h.kernelVersion;
  out['osrel-name'] = h.osrelName;
  out['osrel-version'] = h.osrelVersion;
  return out;
}

/** Maps a discovery result onto the v1 document. */
export function toV1(result: DiscoveryResult, opts: ToV1Options): DiscoveryResultV1 {
  const selected = orderedNetns(result).filter(
    (ns) => opts.netns === undefined || opts.netns.has(ns.id.ino),
  );
  const selectedInos = new Set(selected.map((ns) => ns.id.ino));
  const inDoc = (n: Nif | undefined): n is Nif =>
    n !== undefined && selectedInos.has(n.netns.ns.id.ino) && n.netns.nifs.get(n.index) === n;
  const pidnsInDoc = new Set(result.namespaces.byType.pid.map((n) => n.id.ino));
  const extras: NetnsExtras = {
    dns: result.dns,
    processors: result.tunTapProcessors,
    ports: result.ports,
    forwards: result.forwards ?? new Map(),
    containerIdref: containerIdrefResolver(result.tenants, selectedInos),
  };

  // Process tenants that lead their PID namespace, by pidns inode (only tenants in the document).
  const leaderIds = new Map<number, string[]>();
  for (const ns of selected) {
    for (const t of result.tenants.get(ns.id.ino) ?? []) {
      if (t.type !== 'proc') continue;
      const pidns = t.process.namespaces.pid;
      if (pidns === undefined || !pidns.leaders.includes(t.process)) continue;
      const list = leaderIds.get(pidns.id.ino) ?? [];
      list.push(tenantIdOf(t));
      leaderIds.set(pidns.id.ino, list);
    }
  }

  return {
    metadata: metadataV1(result, opts.creatorVersion),
    // tenants standing for engine containers become v1 containers; pods become container-groups
    'network-namespaces': applyContainersV1(
      selected.map((ns) =>
        netnsV1(
          ns,
          result.network.netns.get(ns.id.ino),
          result.tenants.get(ns.id.ino) ?? [],
          inDoc,
          pidnsInDoc,
          extras,
        ),
      ),
      selected.map((ns) => result.tenants.get(ns.id.ino) ?? []),
      result.containers,
    ),
    'pid-namespaces': pidnsTree(result, leaderIds),
  };
}
