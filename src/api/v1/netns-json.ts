// SPDX-License-Identifier: MIT
/**
 * @module api/v1/netns-json
 *
 * The "model view" that `ghostwire nifs --json` prints: not the v1 document but the network
 * model of each netns — tenants, NSIDs, every nif field, routes with all next hops, policy
 * rules — as DTOs whose relations are the v1 IDs of `ids.ts` (`netns-<ino>`,
 * `nif-<ino>-<ifindex>`) instead of object references. Field names are the model's (camelCase);
 * plain-data values (addresses, kind data, driver info) are copied, never the model objects.
 */
import type { DiscoveryResult } from '../../model/discovery.js';
import type { Namespace } from '../../model/namespace.js';
import type {
  DriverInfo,
  Nif,
  NifAddress,
  NifKindData,
  OperState,
  Route,
  Rule,
} from '../../model/network.js';
import type { Problem } from '../../model/problem.js';
import { tunTapKey } from '../../model/tenant-details.js';
import { netnsIdOf, nifIdOf } from './ids.js';

/** A tenant of a netns: a process tenant with its PID, or a bind-mount pseudo tenant. */
export type TenantJson =
  | { readonly type: 'proc'; readonly name: string; readonly pid: number }
  | { readonly type: 'bindmount'; readonly name: string; readonly refs: readonly string[] };

/** One nif with its relations as nif IDs. */
export interface NifJson {
  readonly id: string;
  readonly index: number;
  readonly name: string;
  readonly alias: string;
  readonly kind: string;
  readonly slaveKind: string;
  readonly linkType: number;
  readonly mac: string;
  readonly mtu: number;
  readonly operState: OperState;
  readonly flags: number;
  readonly up: boolean;
  readonly promisc: boolean;
  readonly loopback: boolean;
  readonly physical: boolean;
  readonly kindData: NifKindData | undefined;
  readonly driverInfo: DriverInfo | undefined;
  readonly sriovRole: number;
  readonly raw: {
    readonly masterIndex: number | undefined;
    readonly linkIndex: number | undefined;
    readonly linkNetnsId: number | undefined;
  };
  readonly addresses: readonly NifAddress[];
  readonly labels: Readonly<Record<string, string>>;
  readonly master: string | undefined;
  readonly ports: readonly string[];
  readonly peer: string | undefined;
  readonly lower: string | undefined;
  readonly uppers: readonly string[];
  readonly underlay: string | undefined;
  readonly overlays: readonly string[];
  readonly pf: string | undefined;
  readonly vfs: readonly string[];
  /** PIDs of the processes holding a TAP/TUN nif (tun kind only). */
  readonly processors?: readonly number[];
}

/** One next hop of a multipath route. */
export interface NextHopJson {
  readonly gateway: string | undefined;
  readonly oif: string | undefined;
  readonly oifIndex: number;
  readonly weight: number;
  readonly flags: number;
}

/** A route with its output interface as a nif ID. */
export interface RouteJson extends Omit<Route, 'oif' | 'multipath'> {
  readonly oif: string | undefined;
  readonly multipath: readonly NextHopJson[];
}

/** One netns of the model view. */
export interface NetnsJson {
  readonly id: string;
  readonly ino: number;
  readonly ref: readonly string[];
  readonly tenants: readonly TenantJson[];
  /** NSID (as a string key) → the netns ID it names. */
  readonly nsids: Readonly<Record<string, string>>;
  readonly nifs: readonly NifJson[];
  readonly routes: readonly RouteJson[];
  readonly rules: readonly Rule[];
}

/** The model view document. */
export interface NetnsModelJson {
  readonly netns: readonly NetnsJson[];
  readonly problems: readonly Problem[];
}

const idOf = (n: Nif | undefined): string | undefined => (n === undefined ? undefined : nifIdOf(n));

function addressJson(a: NifAddress): NifAddress {
  return {
    family: a.family,
    address: a.address,
    prefixLen: a.prefixLen,
    scope: a.scope,
    preferredLifetime: a.preferredLifetime,
    validLifetime: a.validLifetime,
    flags: a.flags,
    label: a.label,
    broadcast: a.broadcast,
    peer: a.peer,
  };
}

/** One nif as {@link NifJson}; `processors` for tun/tap nifs. */
export function nifJson(n: Nif, processors?: readonly number[]): NifJson {
  return {
    id: nifIdOf(n),
    index: n.index,
    name: n.name,
    alias: n.alias,
    kind: n.kind,
    slaveKind: n.slaveKind,
    linkType: n.linkType,
    mac: n.mac,
    mtu: n.mtu,
    operState: n.operState,
    flags: n.flags,
    up: n.up,
    promisc: n.promisc,
    loopback: n.loopback,
    physical: n.physical,
    kindData: n.kindData,
    driverInfo: n.driverInfo === undefined ? undefined : { ...n.driverInfo },
    sriovRole: n.sriovRole,
    raw: {
      masterIndex: n.raw.masterIndex,
      linkIndex: n.raw.linkIndex,
      linkNetnsId: n.raw.linkNetnsId,
    },
    addresses: n.addresses.map(addressJson),
    labels: { ...n.labels },
    master: idOf(n.master),
    ports: n.ports.map(nifIdOf),
    peer: idOf(n.peer),
    lower: idOf(n.lower),
    uppers: n.uppers.map(nifIdOf),
    underlay: idOf(n.underlay),
    overlays: n.overlays.map(nifIdOf),
    pf: idOf(n.pf),
    vfs: n.vfs.map(nifIdOf),
    ...(processors === undefined ? {} : { processors }),
  };
}

/** One route as {@link RouteJson}. */
export function routeJson(r: Route): RouteJson {
  return {
    family: r.family,
    type: r.type,
    table: r.table,
    destination: r.destination,
    destinationPrefixLen: r.destinationPrefixLen,
    source: r.source,
    sourcePrefixLen: r.sourcePrefixLen,
    prefSource: r.prefSource,
    gateway: r.gateway,
    oif: idOf(r.oif),
    oifIndex: r.oifIndex,
    metric: r.metric,
    protocol: r.protocol,
    scope: r.scope,
    tos: r.tos,
    flags: r.flags,
    pref: r.pref,
    multipath: r.multipath.map((h) => ({
      gateway: h.gateway,
      oif: idOf(h.oif),
      oifIndex: h.oifIndex,
      weight: h.weight,
      flags: h.flags,
    })),
  };
}

function ruleJson(r: Rule): Rule {
  return {
    family: r.family,
    priority: r.priority,
    table: r.table,
    action: r.action,
    src: r.src,
    srcLen: r.srcLen,
    dst: r.dst,
    dstLen: r.dstLen,
    iifName: r.iifName,
    oifName: r.oifName,
    fwmark: r.fwmark,
    fwmask: r.fwmask,
    tos: r.tos,
    invert: r.invert,
    protocol: r.protocol,
  };
}

/** The model view of the network namespaces `namespaces` (in that order) of `result`. */
export function netnsModelJson(
  result: DiscoveryResult,
  namespaces: readonly Namespace[],
): NetnsModelJson {
  const netns = namespaces.map((ns): NetnsJson => {
    const nn = result.network.netns.get(ns.id.ino);
    return {
      id: netnsIdOf(ns.id.ino),
      ino: ns.id.ino,
      ref: [...ns.ref],
      tenants: (result.tenants.get(ns.id.ino) ?? []).map((t): TenantJson =>
        t.type === 'proc'
          ? { type: t.type, name: t.name, pid: t.process.pid }
          : { type: t.type, name: t.name, refs: [...t.refs] },
      ),
      nsids:
        nn === undefined
          ? {}
          : Object.fromEntries(
              [...nn.nsids].map(([id, other]) => [String(id), netnsIdOf(other.ns.id.ino)]),
            ),
      nifs:
        nn === undefined
          ? []
          : [...nn.nifs.values()]
              .sort((a, b) => a.index - b.index)
              .map((n) =>
                nifJson(
                  n,
                  n.kind === 'tun'
                    ? (result.tunTapProcessors.get(tunTapKey(ns.id.ino, n.name)) ?? []).map(
                        (q) => q.pid,
                      )
                    : undefined,
                ),
              ),
      routes: nn?.routes.map(routeJson) ?? [],
      rules: nn?.rules.map(ruleJson) ?? [],
    };
  });
  return { netns, problems: result.problems };
}
