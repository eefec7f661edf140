// SPDX-License-Identifier: MIT
/**
 * @module model/port
 *
 * Transport ports ("netstat on drugs", reference §3.7): one TCP or UDP socket of a network
 * namespace with its addresses, state, owning processes and the nifs owning its local address.
 * Filled by `src/network/ports`; turned into the v1 `transport-ports` DTO by `src/api/v1/ports`.
 */
import type { Namespace, Process } from './namespace.js';
import type { Nif } from './network.js';
import type { Tenant } from './tenant.js';

/** v1 `state` text per kernel TCP state number (net/tcp_states.h); UDP uses 1 and 7 only. */
export const PORT_STATE_TEXT: Readonly<Record<number, string>> = {
  1: 'connected',
  2: 'SYN sent',
  3: 'SYN received',
  4: 'FIN WAIT1',
  5: 'FIN WAIT2',
  6: 'time wait',
  7: 'closed',
  8: 'close wait',
  9: 'last ACK',
  10: 'listening',
  11: 'closing',
  12: 'new SYN received',
};

/** Simplified state of a port (v1 `macrostate`). */
export const MACROSTATES = ['listening', 'connected', 'unconnected'] as const;
export type Macrostate = (typeof MACROSTATES)[number];

/** Transport protocol of a port. */
export type PortProtocol = 'tcp' | 'udp';

/** A process owning (holding an fd of) a socket. */
export interface PortOwner {
  readonly process: Process;
  /**
   * The tenant leader of the process: walking up the parent chain, the first process that is a
   * leader of its own netns (its parent is in another netns or it has none). The v1 wire
   * refers to it as `container-idref: cont-<pid>`.
   */
  readonly leader: Process;
  /**
   * The tenant standing for {@link leader} (a tenant whose process is the leader); undefined
   * when the ports were discovered without tenants or the leader is no tenant (`kthreadd`).
   */
  readonly tenant: Tenant | undefined;
}

/** One TCP or UDP socket of a network namespace (or its IPv4 alias, see `ipv4Mapped`). */
export interface Port {
  /** The socket's network namespace. */
  readonly netns: Namespace;
  readonly family: 4 | 6;
  readonly protocol: PortProtocol;
  /** Canonical text (dotted IPv4, RFC 5952 IPv6 with `::ffff:a.b.c.d` for v4-mapped). */
  readonly localAddress: string;
  readonly localPort: number;
  /** `/etc/services` name of the local port for this protocol, '' if unknown. */
  readonly localServiceName: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteServiceName: string;
  /** Kernel state number (TCP_*; UDP: 1 connected, 7 bound). */
  readonly kernelState: number;
  /** v1 state text ({@link PORT_STATE_TEXT}). */
  readonly state: string;
  readonly macrostate: Macrostate;
  /** Socket inode (0 for TIME_WAIT/request sockets and kernel-internal sockets). */
  readonly inode: number;
  /** Kernel socket cookie. */
  readonly cookie: bigint;
  /** Owner UID as the kernel reports it. */
  readonly uid: number;
  /** Interface the socket is bound to (SO_BINDTODEVICE), 0 if none. */
  readonly boundIfIndex: number;
  /** Receive/send queue lengths (listeners: accept backlog / max backlog). */
  readonly rqueue: number;
  readonly wqueue: number;
  /** IPV6_V6ONLY of an IPv6 socket (INET_DIAG_SKV6ONLY); undefined for IPv4 and TIME_WAIT/requests. */
  readonly v6only: boolean | undefined;
  /**
   * True for the synthetic IPv4 entry standing for a dual-stack IPv6 socket (v1 rule: reported
   * also as IPv4 where no IPv4 socket of the same protocol, address and port exists).
   */
  readonly ipv4Mapped: boolean;
  /** For an `ipv4Mapped` entry: the IPv6 socket it stands for. */
  readonly aliasOf: Port | undefined;
  /** Processes holding the socket (several after fork or fd passing); sorted by PID. */
  readonly owners: readonly PortOwner[];
  /** Nifs owning the local address (all nifs of the netns for a wildcard address). */
  readonly nifs: readonly Nif[];
}
