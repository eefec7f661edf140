// SPDX-License-Identifier: MIT
/**
 * @module server/mobydig/plan
 *
 * Pure: which DNS names `/mobydig` checks for a start container, from a v1 document
 * (reference §1.4). The start container's "attached networks" are the bridges reached through
 * the peers of its netns's veths that carry a Docker network name (`gostwire/network/name`,
 * set by the dockernet decorator) and are not Docker's default bridge (no embedded DNS). Every
 * Docker container behind a veth port of such a bridge is a servant of its compose service
 * (`com.docker.compose.service`; stand-alone containers are their own service). Services are
 * merged by name, their networks restricted to the start container's; names per service are
 * `service`, `service.<net>`, and per servant `container`, `container.<net>`, as FQDNs.
 */
import type { ContainerV1, DiscoveryResultV1, NetworkInterfaceV1 } from '../../api/v1/index.js';

export const NETWORK_NAME_LABEL = 'gostwire/network/name';
export const DEFAULT_BRIDGE_LABEL = 'gostwire/network/default-bridge';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** What to dig for. */
export interface DigPlan {
  /** The start container. */
  readonly pid: number;
  readonly netns: number;
  /** Docker network names the start container is attached to (with DNS). */
  readonly networks: string[];
  /** FQDNs (trailing dot), in a stable order, no duplicates. */
  readonly names: string[];
}

/** Finds the start container: the first Docker container of that name. */
export function findDockerContainer(
  doc: DiscoveryResultV1,
  name: string,
): { container: ContainerV1; netns: number } | undefined {
  for (const n of doc['network-namespaces'])
    for (const c of n.containers)
      if (c.type === 'docker' && c.name === name) return { container: c, netns: n.netnsid };
  return undefined;
}

/** Builds the plan; undefined when there is no such Docker container. */
export function digPlan(doc: DiscoveryResultV1, target: string): DigPlan | undefined {
  const start = findDockerContainer(doc, target);
  if (start === undefined) return undefined;
  const nifs = new Map<string, NetworkInterfaceV1>();
  const netnsOfNif = new Map<string, number>();
  for (const n of doc['network-namespaces'])
    for (const i of n['network-interfaces']) {
      nifs.set(i.id, i);
      netnsOfNif.set(i.id, n.netnsid);
    }
  const containersByNetns = new Map<number, ContainerV1[]>();
  for (const n of doc['network-namespaces'])
    containersByNetns.set(
      n.netnsid,
      n.containers.filter((c) => c.type === 'docker'),
    );

  const startNetns = doc['network-namespaces'].find((n) => n.netnsid === start.netns);
  const bridges = new Map<string, string>(); // bridge nif id → network name
  for (const v of startNetns?.['network-interfaces'] ?? []) {
    if (v.kind !== 'veth' || v.peer === undefined) continue;
    const peer = nifs.get(v.peer['peer-idref']);
    const br = peer?.master === undefined ? undefined : nifs.get(peer.master.idref);
    const net = br?.labels?.[NETWORK_NAME_LABEL];
    if (br === undefined || net === undefined || net === '') continue;
    if (br.labels?.[DEFAULT_BRIDGE_LABEL] === 'true') continue;
    bridges.set(br.id, net);
  }
  const networks = [...new Set(bridges.values())].sort();

  interface Service {
    name: string;
    servants: Set<string>;
    networks: Set<string>;
  }
  const services = new Map<string, Service>();
  for (const [brId, net] of bridges) {
    for (const port of nifs.values()) {
      if (port.master?.idref !== brId || port.kind !== 'veth' || port.peer === undefined) continue;
      const ns = netnsOfNif.get(port.peer['peer-idref']);
      for (const c of ns === undefined ? [] : (containersByNetns.get(ns) ?? [])) {
        const svc = c.labels?.[COMPOSE_SERVICE_LABEL] ?? '';
        const key = svc === '' ? `:${c.name}` : svc;
        const s = services.get(key) ?? { name: svc, servants: new Set(), networks: new Set() };
        s.servants.add(c.name);
        s.networks.add(net);
        services.set(key, s);
      }
    }
  }
  const names: string[] = [];
  const add = (n: string): void => {
    const fqdn = `${n}.`;
    if (!names.includes(fqdn)) names.push(fqdn);
  };
  const allowed = new Set(networks);
  for (const s of [...services.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const nets = [...s.networks].filter((n) => allowed.has(n)).sort();
    if (s.name !== '') {
      add(s.name);
      for (const n of nets) add(`${s.name}.${n}`);
    }
    for (const c of [...s.servants].sort()) {
      add(c);
      for (const n of nets) add(`${c}.${n}`);
    }
  }
  return { pid: start.container.pid, netns: start.netns, networks, names };
}
