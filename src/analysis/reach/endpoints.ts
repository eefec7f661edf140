// SPDX-License-Identifier: MIT
/**
 * @module analysis/reach/endpoints
 *
 * Resolves the FROM / TO arguments of `why` against a discovery result: an IP address,
 * `pid:N`, `netns:INODE`, a `/run/netns` name, a container name or ID prefix, a pod / compose
 * project / compose service name, or a tenant name. Pure.
 */
import { COMPOSE_PROJECT_LABEL } from '../../model/container.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { NetworkNamespace } from '../../model/network.js';
import type { Tenant } from '../../model/tenant.js';
import { ipFamily, isLinkLocalIp, isLoopbackIp, sameIp } from './ip.js';
import type { EndpointInfo, HopNetns } from './types.js';

/** Compose service label (docker compose v1/v2, nerdctl). */
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** A resolved endpoint. */
export interface Endpoint {
  readonly info: EndpointInfo;
  /** The netns; undefined for a TO given as a bare IP (the walk finds who has it). */
  readonly netns: NetworkNamespace | undefined;
  /** An explicit address (IP endpoints). */
  readonly address: string | undefined;
}

/** Display name of a netns: its tenants' names, else its reference, else `net:[ino]`. */
export function netnsName(result: DiscoveryResult, ino: number): string {
  if (result.namespaces.initial.net?.id.ino === ino) return 'host';
  const tenants = result.tenants.get(ino) ?? [];
  const names = [...new Set(tenants.map((t) => t.name))];
  if (names.length > 0) return names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
  const ns = result.network.netns.get(ino)?.ns;
  return ns?.ref.join(':') || `net:[${ino}]`;
}

/** The hop form of a netns. */
export function hopNetns(result: DiscoveryResult, netns: NetworkNamespace): HopNetns {
  const ino = netns.ns.id.ino;
  return { id: `netns-${ino}`, inode: ino, name: netnsName(result, ino) };
}

function netnsOfTenant(result: DiscoveryResult, t: Tenant): NetworkNamespace | undefined {
  return result.network.netns.get(t.netns.id.ino);
}

/** Thrown-free resolution result. */
export type Resolved =
  | { readonly ok: true; readonly endpoint: Endpoint }
  | {
      readonly ok: false;
      readonly message: string;
    };

function fromNetns(
  result: DiscoveryResult,
  spec: string,
  kind: EndpointInfo['kind'],
  netns: NetworkNamespace | undefined,
  what: string,
): Resolved {
  if (netns === undefined) {
    return { ok: false, message: `${spec}: ${what} has no discovered network namespace` };
  }
  return {
    ok: true,
    endpoint: {
      info: { spec, kind, netns: hopNetns(result, netns) },
      netns,
      address: undefined,
    },
  };
}

/** Netns carrying `addr` on some nif (loopback addresses excluded). */
export function netnsWithAddress(result: DiscoveryResult, addr: string): NetworkNamespace[] {
  const out: NetworkNamespace[] = [];
  for (const netns of result.network.netns.values()) {
    for (const nif of netns.nifs.values()) {
      if (nif.addresses.some((a) => sameIp(a.address, addr))) {
        out.push(netns);
        break;
      }
    }
  }
  return out;
}

/**
 * Resolves one endpoint spec. `role` matters for a bare IP: as FROM it must be an address of
 * exactly one netns; as TO it is just the destination.
 */
export function resolveEndpoint(
  result: DiscoveryResult,
  spec: string,
  role: 'from' | 'to',
): Resolved {
  const s = spec.trim();
  if (ipFamily(s) !== undefined) {
    if (role === 'to') {
      return {
        ok: true,
        endpoint: { info: { spec, kind: 'ip', address: s }, netns: undefined, address: s },
      };
    }
    if (isLoopbackIp(s)) {
      return {
        ok: false,
        message: `${spec}: a loopback address exists in every netns; name the netns or container instead`,
      };
    }
    const owners = netnsWithAddress(result, s);
    if (owners.length !== 1) {
      return {
        ok: false,
        message:
          owners.length === 0
            ? `${spec}: no netns has this address`
            : `${spec}: ${owners.length} netns have this address (${owners.map((n) => n.ns.id.ino).join(', ')}); name one as netns:INODE`,
      };
    }
    const netns = owners[0] as NetworkNamespace;
    return {
      ok: true,
      endpoint: {
        info: { spec, kind: 'ip', netns: hopNetns(result, netns), address: s },
        netns,
        address: s,
      },
    };
  }
  const pid = /^pid:(\d+)$/.exec(s);
  if (pid !== null) {
    const proc = result.namespaces.processes.get(Number(pid[1]));
    if (proc === undefined) return { ok: false, message: `${spec}: no such process` };
    const ino = proc.namespaces.net?.id.ino;
    return fromNetns(
      result,
      spec,
      'process',
      ino === undefined ? undefined : result.network.netns.get(ino),
      'the process',
    );
  }
  const nsm = /^netns:(\d+)$/.exec(s);
  if (nsm !== null) {
    return fromNetns(result, spec, 'netns', result.network.netns.get(Number(nsm[1])), 'the inode');
  }
  const tenants = [...result.tenants.values()].flat();
  const containers = tenants.filter((t) => t.type === 'proc' && t.container !== undefined);
  const byName = containers.filter((t) => t.type === 'proc' && t.container?.name === s);
  if (byName.length > 0) {
    return fromNetns(
      result,
      spec,
      'container',
      netnsOfTenant(result, byName[0] as Tenant),
      'the container',
    );
  }
  if (/^[0-9a-f]{3,64}$/i.test(s)) {
    const byId = containers.filter(
      (t) =>
        t.type === 'proc' &&
        t.container !== undefined &&
        t.container.id.split('/').pop()?.startsWith(s.toLowerCase()),
    );
    const netnsSet = new Set(byId.map((t) => t.netns.id.ino));
    if (netnsSet.size > 1)
      return { ok: false, message: `${spec}: the ID prefix names ${byId.length} containers` };
    if (byId.length > 0) {
      return fromNetns(
        result,
        spec,
        'container',
        netnsOfTenant(result, byId[0] as Tenant),
        'the container',
      );
    }
  }
  // pods, compose projects and services: their first container (all share one netns in a pod)
  const grouped = containers.filter((t) => {
    const c = t.type === 'proc' ? t.container : undefined;
    if (c === undefined) return false;
    return (
      c.pod === s ||
      c.labels[COMPOSE_SERVICE_LABEL] === s ||
      result.containers.groups.some((g) => g.name === s && g.containers.includes(c)) ||
      c.labels[COMPOSE_PROJECT_LABEL] === s
    );
  });
  if (grouped.length > 0) {
    const netnsSet = new Set(grouped.map((t) => t.netns.id.ino));
    if (
      netnsSet.size > 1 &&
      !grouped.every((t) => t.type === 'proc' && t.container?.labels[COMPOSE_SERVICE_LABEL] === s)
    ) {
      return {
        ok: false,
        message: `${spec}: the group spans ${netnsSet.size} netns; name one of its containers`,
      };
    }
    return fromNetns(
      result,
      spec,
      'group',
      netnsOfTenant(result, grouped[0] as Tenant),
      'the group',
    );
  }
  const named = [...result.network.netns.values()].find(
    (n) =>
      n.ns.ref.some((r) => r === s || r === `/run/netns/${s}` || r.endsWith(`/run/netns/${s}`)) ||
      n.ns.sources.some(
        (src) =>
          src.kind === 'bindmount' && (src.mountPoint === `/run/netns/${s}` || src.path === s),
      ),
  );
  if (named !== undefined) return fromNetns(result, spec, 'netns', named, 'the netns');
  const tenant = tenants.find((t) => t.name === s);
  if (tenant !== undefined)
    return fromNetns(result, spec, 'process', netnsOfTenant(result, tenant), 'the tenant');
  return {
    ok: false,
    message: `${spec}: no container, group, process, netns or address of that name`,
  };
}

/**
 * Destination candidates in a TO netns, best first: for the same netns as FROM the loopback
 * address, then global IPv4, then global IPv6 addresses (link-local ones last).
 */
export function destinationCandidates(to: NetworkNamespace, sameAsFrom: boolean): string[] {
  const global4: string[] = [];
  const global6: string[] = [];
  const linkLocal: string[] = [];
  for (const nif of [...to.nifs.values()].sort((a, b) => a.index - b.index)) {
    if (nif.loopback) continue;
    for (const a of nif.addresses) {
      if (isLinkLocalIp(a.address)) linkLocal.push(a.address);
      else if (a.family === 4) global4.push(a.address);
      else global6.push(a.address);
    }
  }
  const out = [...global4, ...global6];
  if (sameAsFrom || out.length === 0) out.unshift('127.0.0.1');
  return out;
}
