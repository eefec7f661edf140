// SPDX-License-Identifier: MIT
/**
 * @module server/feed-state
 *
 * Pure core of the change feed's reconcile source: {@link feedStateOf} condenses one discovery
 * (its v1 document plus the MTUs from the model) into keyed maps of what the feed reports, and
 * {@link diffFeedStates} turns two such states into typed changes (api/v1/events.ts). Ports
 * are the *listening* sockets (TCP LISTEN, unconnected UDP): connected sockets come and go
 * too fast to be useful on a feed and would flood it.
 */
import type {
  DiscoveryResultV1,
  FeedChangeV1,
  FeedContainerV1,
  FeedForwardV1,
  FeedNetnsV1,
  FeedNifV1,
  FeedPortV1,
  FeedRouteV1,
  NifChangedEventV1,
} from '../api/v1/index.js';
import type { DiscoveryResult } from '../model/discovery.js';

/** What the feed knows about one discovery, keyed for diffing. */
export interface FeedState {
  readonly netns: Map<number, FeedNetnsV1>;
  readonly nifs: Map<string, FeedNifV1>;
  readonly routes: Map<string, FeedRouteV1>;
  readonly containers: Map<string, FeedContainerV1>;
  readonly ports: Map<string, FeedPortV1>;
  readonly forwards: Map<string, FeedForwardV1>;
}

/** An empty state (before the first discovery). */
export function emptyFeedState(): FeedState {
  return {
    netns: new Map(),
    nifs: new Map(),
    routes: new Map(),
    containers: new Map(),
    ports: new Map(),
    forwards: new Map(),
  };
}

const NON_CONTAINER_TYPES = new Set(['proc', 'bindmount']);

/** Feed key of a container: v1 type, name and engine prefix (stable across restarts of it). */
export function containerKey(type: string, name: string, prefix: string): string {
  return `${type}\u0000${name}\u0000${prefix}`;
}

/** Condenses a discovery into a {@link FeedState}; `result` supplies MTUs (not on the v1 wire). */
export function feedStateOf(doc: DiscoveryResultV1, result?: DiscoveryResult): FeedState {
  const s = emptyFeedState();
  for (const n of doc['network-namespaces']) {
    const ino = n.netnsid;
    s.netns.set(ino, { id: n.id, netns: ino });
    const model = result?.network.netns.get(ino);
    for (const nif of n['network-interfaces']) {
      s.nifs.set(nif.id, {
        id: nif.id,
        netns: ino,
        index: nif.index,
        name: nif.name,
        kind: nif.kind,
        operstate: nif.operstate,
        mtu: model?.nifs.get(nif.index)?.mtu ?? 0,
        master: nif.master?.idref ?? '',
        addresses: [...nif.addresses.ipv4, ...nif.addresses.ipv6].map(
          (a) => `${a.address}/${a.prefixlen}`,
        ),
      });
    }
    for (const r of [...n.routes.ipv4, ...n.routes.ipv6]) {
      const fr: FeedRouteV1 = {
        netns: ino,
        family: r.family,
        type: r.type,
        destination: r.destination,
        'destination-prefixlen': r['destination-prefixlen'],
        'network-interface-idref': r['network-interface-idref'] ?? '',
        'next-hop': r['next-hop'] ?? '',
        table: r.table,
        priority: r.priority,
      };
      s.routes.set(JSON.stringify(fr), fr);
    }
    for (const c of n.containers) {
      if (NON_CONTAINER_TYPES.has(c.type)) continue;
      const key = containerKey(c.type, c.name, c.prefix);
      s.containers.set(key, {
        id: c.id,
        name: c.name,
        type: c.type,
        netns: ino,
        pid: c.pid,
        status: c.status,
      });
    }
    for (const p of [...n['transport-ports'].ipv4, ...n['transport-ports'].ipv6]) {
      if (p.macrostate !== 'listening' && p.macrostate !== 'unconnected') continue;
      const fp: FeedPortV1 = {
        netns: ino,
        family: p.family,
        protocol: p.protocol,
        'local-address': p['local-address'],
        'local-port': p['local-port'],
        'remote-address': p['remote-address'],
        'remote-port': p['remote-port'],
        state: p.state,
      };
      s.ports.set(JSON.stringify(fp), fp);
    }
    for (const f of [...n['forwarded-ports'].ipv4, ...n['forwarded-ports'].ipv6]) {
      const ff: FeedForwardV1 = {
        netns: ino,
        family: f.family,
        protocol: f.protocol,
        ip: f.ip,
        port: f.port,
        'forward-ip': f['forward-ip'],
        'forward-port': f['forward-port'],
      };
      s.forwards.set(JSON.stringify(ff), ff);
    }
  }
  return s;
}

const NIF_FIELDS = ['name', 'kind', 'operstate', 'mtu', 'master', 'addresses'] as const;

/** The fields in which two states of one nif differ. */
export function nifChanges(a: FeedNifV1, b: FeedNifV1): NifChangedEventV1['changed'] {
  const out: NifChangedEventV1['changed'] = [];
  for (const f of NIF_FIELDS) {
    const same =
      f === 'addresses'
        ? a.addresses.length === b.addresses.length &&
          a.addresses.every((x, i) => x === b.addresses[i])
        : a[f] === b[f];
    if (!same) out.push(f);
  }
  return out;
}

/**
 * Changes from `prev` to `next`, in a stable order: netns added, nifs added/changed, routes
 * added, containers, ports, forwards, then removals innermost first (routes, nifs, netns).
 */
export function diffFeedStates(prev: FeedState, next: FeedState): FeedChangeV1[] {
  const out: FeedChangeV1[] = [];
  for (const [k, n] of next.netns)
    if (!prev.netns.has(k)) out.push({ type: 'netns-added', netns: n });
  for (const [k, n] of next.nifs) {
    const old = prev.nifs.get(k);
    if (old === undefined) out.push({ type: 'nif-added', nif: n });
    else {
      const changed = nifChanges(old, n);
      if (changed.length > 0) out.push({ type: 'nif-changed', nif: n, changed });
    }
  }
  for (const [k, r] of next.routes)
    if (!prev.routes.has(k)) out.push({ type: 'route-added', route: r });
  for (const [k, c] of next.containers) {
    const old = prev.containers.get(k);
    if (old === undefined || old.pid !== c.pid) {
      if (old !== undefined) out.push({ type: 'container-stopped', container: old });
      out.push({ type: 'container-started', container: c });
      if (c.status === 'paused') out.push({ type: 'container-paused', container: c });
    } else if (old.status !== c.status) {
      out.push({
        type: c.status === 'paused' ? 'container-paused' : 'container-unpaused',
        container: c,
      });
    }
  }
  for (const [k, c] of prev.containers)
    if (!next.containers.has(k)) out.push({ type: 'container-stopped', container: c });
  for (const [k, p] of next.ports)
    if (!prev.ports.has(k)) out.push({ type: 'port-opened', port: p });
  for (const [k, p] of prev.ports)
    if (!next.ports.has(k)) out.push({ type: 'port-closed', port: p });
  for (const [k, f] of next.forwards)
    if (!prev.forwards.has(k)) out.push({ type: 'forward-added', forward: f });
  for (const [k, f] of prev.forwards)
    if (!next.forwards.has(k)) out.push({ type: 'forward-removed', forward: f });
  for (const [k, r] of prev.routes)
    if (!next.routes.has(k)) out.push({ type: 'route-removed', route: r });
  for (const [k, n] of prev.nifs) if (!next.nifs.has(k)) out.push({ type: 'nif-removed', nif: n });
  for (const [k, n] of prev.netns)
    if (!next.netns.has(k)) out.push({ type: 'netns-removed', netns: n });
  return out;
}
