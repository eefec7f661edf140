// SPDX-License-Identifier: MIT
/**
 * @module network/map
 *
 * Pure mapping from decoded rtnetlink messages (the netlink layer's outputs) into the network
 * model of one netns: links become {@link Nif}s, addresses are attached to their nif, routes and
 * rules are collected, and same-netns references (route output interfaces) become object
 * references. Cross-nif relations are resolved later (`relations.ts`), once every netns is read.
 */
import type { AddressMessage, LinkMessage, RouteMessage, RuleMessage } from '../netlink/index.js';
import { IFF_LOOPBACK, IFF_PROMISC, IFF_UP } from '../netlink/rtnetlink/constants.js';
import type { Namespace } from '../model/namespace.js';
import {
  OPER_STATES,
  newNif,
  type NetworkNamespace,
  type NextHop,
  type Nif,
  type NifAddress,
  type NifKindData,
  type Route,
  type Rule,
} from '../model/network.js';

/** AF_INET / AF_INET6 (`linux/socket.h`). */
const AF_INET = 2;
const AF_INET6 = 10;
/** ifa_cacheinfo lifetime meaning "forever" (INFINITY_LIFE_TIME, `net/ipv4/devinet.c`). */
export const INFINITY_LIFE_TIME = 0xffffffff;

/** The four rtnetlink dumps of one netns, as decoded messages. */
export interface NetnsDumps {
  readonly links: readonly LinkMessage[];
  readonly addresses: readonly AddressMessage[];
  readonly routes: readonly RouteMessage[];
  readonly rules: readonly RuleMessage[];
}

/** Shared (frozen) next-hop list of all single-path routes: most routes, no allocation. */
const NO_NEXT_HOPS: readonly NextHop[] = Object.freeze([]);

/** A new, empty network-side record for `ns`. */
export function newNetworkNamespace(ns: Namespace): NetworkNamespace {
  return { ns, nifs: new Map(), routes: [], rules: [], nsids: new Map() };
}

/** 4 for AF_INET, 6 for AF_INET6, undefined for any other family. */
function ipFamily(af: number): 4 | 6 | undefined {
  return af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined;
}

/**
 * A nif from an RTM_NEWLINK. `kind` is IFLA_INFO_KIND verbatim ('' when absent; kernel `tun`
 * stays `tun`, api/v1 maps it); `physical` = no kind and not IFF_LOOPBACK. Relations start empty.
 */
export function nifFromLink(netns: NetworkNamespace, m: LinkMessage): Nif {
  const kind = m.kind ?? '';
  const loopback = (m.flags & IFF_LOOPBACK) !== 0;
  return newNif({
    netns,
    index: m.index,
    name: m.name,
    alias: m.alias,
    kind,
    slaveKind: m.slaveKind ?? '',
    linkType: m.type,
    mac: m.mac,
    broadcastMac: m.broadcast,
    mtu: m.mtu,
    operState: OPER_STATES[m.operState] ?? 'UNKNOWN',
    flags: m.flags,
    up: (m.flags & IFF_UP) !== 0,
    promisc: (m.flags & IFF_PROMISC) !== 0,
    loopback,
    physical: kind === '' && !loopback,
    txQueueLen: m.txQueueLen,
    qdisc: m.qdisc,
    raw: { masterIndex: m.masterIndex, linkIndex: m.linkIndex, linkNetnsId: m.linkNetnsId },
    kindData: kindDataOf(m),
  });
}

/** Kind data of a link: the decoder's IFLA_INFO_DATA, or `other` for a kind it left without data. */
function kindDataOf(m: LinkMessage): NifKindData | undefined {
  if (m.data !== undefined) return m.data;
  if (m.kind === undefined) return undefined;
  return m.kind === 'veth' ? { kind: 'veth' } : { kind: 'other', name: m.kind };
}

/**
 * An address from an RTM_NEWADDR; undefined for families other than AF_INET/AF_INET6.
 * `address` is IFA_LOCAL when present (IPv4, and IPv6 point-to-point), else IFA_ADDRESS;
 * `peer` is IFA_ADDRESS when it differs from IFA_LOCAL (`linux/if_addr.h`).
 */
export function addressFromMessage(m: AddressMessage): NifAddress | undefined {
  const family = ipFamily(m.family);
  const address = m.local ?? m.address;
  if (family === undefined || address === undefined) return undefined;
  const peer =
    m.local !== undefined && m.address !== undefined && m.address !== m.local
      ? m.address
      : undefined;
  return {
    family,
    address,
    prefixLen: m.prefixLen,
    scope: m.scope,
    preferredLifetime: m.cacheInfo?.preferredLifetime ?? INFINITY_LIFE_TIME,
    validLifetime: m.cacheInfo?.validLifetime ?? INFINITY_LIFE_TIME,
    flags: m.flags,
    label: m.label,
    broadcast: m.broadcast,
    peer,
  };
}

/** RTA_GATEWAY, else an RTA_VIA of an IP family (IPv4 routes via an IPv6 next hop). */
function gatewayOf(
  gateway: string | undefined,
  via: { family: number; address: string } | undefined,
): string | undefined {
  if (gateway !== undefined) return gateway;
  return via !== undefined && ipFamily(via.family) !== undefined ? via.address : undefined;
}

/**
 * A route from an RTM_NEWROUTE; undefined for families other than AF_INET/AF_INET6 (an
 * AF_UNSPEC dump also returns e.g. RTNL_FAMILY_IPMR multicast routes). Output interfaces are
 * resolved against `netns.nifs` (same netns by definition); an index that is not there (the
 * nif vanished between the link and the route dump) leaves `oif` undefined and keeps the index.
 */
export function routeFromMessage(netns: NetworkNamespace, m: RouteMessage): Route | undefined {
  const family = ipFamily(m.family);
  if (family === undefined) return undefined;
  const multipath: readonly NextHop[] =
    m.multipath === undefined || m.multipath.length === 0
      ? NO_NEXT_HOPS
      : m.multipath.map((nh) => ({
          gateway: gatewayOf(nh.gateway, nh.via),
          oif: netns.nifs.get(nh.ifIndex),
          oifIndex: nh.ifIndex,
          weight: nh.weight,
          flags: nh.flags,
        }));
  return {
    family,
    type: m.type,
    table: m.table,
    destination: m.dst ?? (family === 4 ? '0.0.0.0' : '::'),
    destinationPrefixLen: m.dstLen,
    source: m.src,
    sourcePrefixLen: m.srcLen,
    prefSource: m.prefSrc,
    gateway: gatewayOf(m.gateway, m.via),
    oif: m.oif === undefined ? undefined : netns.nifs.get(m.oif),
    oifIndex: m.oif,
    metric: m.priority ?? 0,
    protocol: m.protocol,
    scope: m.scope,
    tos: m.tos,
    flags: m.flags,
    pref: m.pref,
    multipath,
  };
}

/** A policy rule from an RTM_NEWRULE; undefined for families other than AF_INET/AF_INET6. */
export function ruleFromMessage(m: RuleMessage): Rule | undefined {
  const family = ipFamily(m.family);
  if (family === undefined) return undefined;
  return {
    family,
    priority: m.priority,
    table: m.table,
    action: m.action,
    src: m.src,
    srcLen: m.srcLen,
    dst: m.dst,
    dstLen: m.dstLen,
    iifName: m.iifName,
    oifName: m.oifName,
    fwmark: m.fwmark,
    fwmask: m.fwmask,
    tos: m.tos,
    invert: m.invert,
    protocol: m.protocol,
  };
}

/**
 * Fills `netns` from its decoded dumps (in place): nifs first, then their addresses (an address
 * whose nif is gone is dropped: it vanished with it), then routes and rules. Returns `netns`.
 */
export function fillNetworkNamespace(netns: NetworkNamespace, dumps: NetnsDumps): NetworkNamespace {
  for (const l of dumps.links) netns.nifs.set(l.index, nifFromLink(netns, l));
  for (const a of dumps.addresses) {
    const addr = addressFromMessage(a);
    if (addr !== undefined) netns.nifs.get(a.index)?.addresses.push(addr);
  }
  for (const r of dumps.routes) {
    const route = routeFromMessage(netns, r);
    if (route !== undefined) netns.routes.push(route);
  }
  for (const r of dumps.rules) {
    const rule = ruleFromMessage(r);
    if (rule !== undefined) netns.rules.push(rule);
  }
  return netns;
}
