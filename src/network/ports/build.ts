// SPDX-License-Identifier: MIT
/**
 * @module network/ports/build
 *
 * Pure mapping of decoded inet_diag sockets into {@link Port}s (reference §3.7): v1 state and
 * macrostate, owners from the socket-inode map, nifs owning the local address, service names,
 * and the dual-stack IPv4 aliases.
 */
import {
  PORT_STATE_TEXT,
  type Macrostate,
  type Port,
  type PortOwner,
  type PortProtocol,
} from '../../model/port.js';
import type { Namespace, Process } from '../../model/namespace.js';
import type { Nif } from '../../model/network.js';
import type { Tenant } from '../../model/tenant.js';
import type { InetDiagMessage } from '../../netlink/sockdiag/index.js';
import { tenantLeader } from './leader.js';
import { serviceName, type ServiceDb } from './services.js';

/** What {@link buildPorts} needs to know about one netns. */
export interface PortContext {
  readonly netns: Namespace;
  /** Nifs of the netns by ifindex (undefined when network discovery did not reach it). */
  readonly nifs: ReadonlyMap<number, Nif> | undefined;
  readonly processes: ReadonlyMap<number, Process>;
  readonly socketOwners: ReadonlyMap<number, readonly number[]>;
  readonly services: ServiceDb;
  /** The tenant standing for a leader process (default: none known). */
  readonly tenantOf?: (leader: Process) => Tenant | undefined;
}

const TCP_ESTABLISHED = 1;
const TCP_FIN_WAIT1 = 4;
const TCP_FIN_WAIT2 = 5;
const TCP_CLOSE = 7;
const TCP_LISTEN = 10;

/**
 * v1 state/macrostate of a kernel state (table in reference §3.7); undefined = the socket is
 * not reported. A bound, unconnected UDP socket is kernel TCP_CLOSE: `closed` but `listening`.
 */
export function portState(
  protocol: PortProtocol,
  kernelState: number,
): { state: string; macrostate: Macrostate } | undefined {
  const state = PORT_STATE_TEXT[kernelState];
  if (state === undefined) return undefined;
  if (protocol === 'udp') {
    if (kernelState === TCP_CLOSE) return { state, macrostate: 'listening' };
    if (kernelState === TCP_ESTABLISHED) return { state, macrostate: 'connected' };
    return undefined;
  }
  if (kernelState === TCP_LISTEN) return { state, macrostate: 'listening' };
  if (
    kernelState === TCP_ESTABLISHED ||
    kernelState === TCP_FIN_WAIT1 ||
    kernelState === TCP_FIN_WAIT2
  )
    return { state, macrostate: 'connected' };
  return { state, macrostate: 'unconnected' };
}

const MAPPED_PREFIX = '::ffff:';

/** The IPv4 text of an IPv4-mapped IPv6 address, else undefined. */
export function unmapIPv4(address: string): string | undefined {
  return address.startsWith(MAPPED_PREFIX) && address.includes('.')
    ? address.slice(MAPPED_PREFIX.length)
    : undefined;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/**
 * Nifs owning `address` in a netns: those with that address configured (an IPv4-mapped IPv6
 * address is looked up as IPv4); for a wildcard address all nifs, or only the bound nif when
 * the socket is bound to a device. Sorted by ifindex.
 */
export function nifsForAddress(
  nifs: ReadonlyMap<number, Nif> | undefined,
  address: string,
  boundIfIndex = 0,
): Nif[] {
  if (nifs === undefined) return [];
  const all = [...nifs.values()].sort((a, b) => a.index - b.index);
  if (isWildcard(address)) {
    if (boundIfIndex !== 0) {
      const bound = nifs.get(boundIfIndex);
      if (bound !== undefined) return [bound];
    }
    return all;
  }
  const want = unmapIPv4(address) ?? address;
  return all.filter((n) => n.addresses.some((a) => a.address === want));
}

function ownersOf(ctx: PortContext, inode: number): PortOwner[] {
  if (inode === 0) return [];
  const pids = ctx.socketOwners.get(inode);
  if (pids === undefined) return [];
  const out: PortOwner[] = [];
  for (const pid of [...new Set(pids)].sort((a, b) => a - b)) {
    const process = ctx.processes.get(pid);
    if (process === undefined) continue;
    const leader = tenantLeader(process);
    out.push({ process, leader, tenant: ctx.tenantOf?.(leader) });
  }
  return out;
}

/** Maps one decoded socket; undefined when its state is not reported (v1 rule). */
export function portFromSocket(
  ctx: PortContext,
  protocol: PortProtocol,
  s: InetDiagMessage,
): Port | undefined {
  const st = portState(protocol, s.state);
  if (st === undefined) return undefined;
  const family = s.family === 10 ? 6 : 4;
  return {
    netns: ctx.netns,
    family,
    protocol,
    localAddress: s.id.src,
    localPort: s.id.sport,
    localServiceName: serviceName(ctx.services, s.id.sport, protocol),
    remoteAddress: s.id.dst,
    remotePort: s.id.dport,
    remoteServiceName: serviceName(ctx.services, s.id.dport, protocol),
    kernelState: s.state,
    state: st.state,
    macrostate: st.macrostate,
    inode: s.inode,
    cookie: s.id.cookie,
    uid: s.uid,
    boundIfIndex: s.id.ifIndex,
    rqueue: s.rqueue,
    wqueue: s.wqueue,
    v6only: family === 6 ? s.v6only : undefined,
    ipv4Mapped: false,
    aliasOf: undefined,
    owners: ownersOf(ctx, s.inode),
    nifs: nifsForAddress(ctx.nifs, s.id.src, s.id.ifIndex),
  };
}

/** IPv4 text a dual-stack address stands for: `::` → 0.0.0.0, `::ffff:a.b.c.d` → a.b.c.d. */
function v4Of(address: string): string | undefined {
  return address === '::' ? '0.0.0.0' : unmapIPv4(address);
}

/**
 * The synthetic IPv4 entry for an IPv6 socket that also serves IPv4 (reference §3.7
 * "dual-stack aliasing"), or undefined. Unlike the Go original, which assumes IPV6_V6ONLY off,
 * a socket the kernel reports as V6ONLY (INET_DIAG_SKV6ONLY) is never aliased.
 */
export function ipv4AliasOf(ctx: PortContext, p: Port): Port | undefined {
  if (p.family !== 6 || p.v6only === true) return undefined;
  const local = v4Of(p.localAddress);
  const remote = v4Of(p.remoteAddress);
  if (local === undefined || remote === undefined) return undefined;
  return {
    ...p,
    family: 4,
    localAddress: local,
    remoteAddress: remote,
    ipv4Mapped: true,
    aliasOf: p,
    nifs: nifsForAddress(ctx.nifs, local, p.boundIfIndex),
  };
}

/**
 * All ports of one netns in v1 order: TCP IPv4 (real, then aliases), TCP IPv6, UDP IPv4 (real,
 * then aliases), UDP IPv6. An alias is added only when no real IPv4 socket of the same protocol
 * has the same local address and port.
 */
export function buildPorts(
  ctx: PortContext,
  tcp: readonly InetDiagMessage[],
  udp: readonly InetDiagMessage[],
): Port[] {
  const out: Port[] = [];
  for (const [protocol, sockets] of [
    ['tcp', tcp],
    ['udp', udp],
  ] as const) {
    const v4: Port[] = [];
    const v6: Port[] = [];
    for (const s of sockets) {
      const p = portFromSocket(ctx, protocol, s);
      if (p !== undefined) (p.family === 4 ? v4 : v6).push(p);
    }
    const taken = new Set(v4.map((p) => `${p.localAddress} ${p.localPort}`));
    const aliases: Port[] = [];
    for (const p of v6) {
      const a = ipv4AliasOf(ctx, p);
      if (a !== undefined && !taken.has(`${a.localAddress} ${a.localPort}`)) aliases.push(a);
    }
    out.push(...v4, ...aliases, ...v6);
  }
  return out;
}
