// SPDX-License-Identifier: MIT
/**
 * @module model/tenant-details
 *
 * Per-tenant facts beyond the process itself: the DNS configuration seen inside the tenant's
 * own mount and UTS namespaces (v1 §2.5.1), and the TAP/TUN "processors" — processes holding a
 * TAP/TUN fd — keyed by the (netns, interface name) of the device. Produced by
 * `network/tenants` and `network/tuntap`; mapped to the wire by `api/v1/tenants`.
 */
import type { Process } from './namespace.js';

/** One `/etc/hosts` entry: a host name and the address it resolves to. */
export interface HostsEntry {
  readonly name: string;
  /** Canonical text: dotted IPv4, RFC 5952 IPv6 (with `%zone` if the file gave one). */
  readonly address: string;
}

/**
 * DNS-related configuration of a tenant. The list fields are `null` when the tenant's mount
 * namespace could not be accessed at all (the v1 wire's `null`), `[]` when the file is
 * missing, unreadable or rejected (oversized, binary, not a regular file; then a problem is
 * recorded).
 */
export interface DnsConfig {
  /** nodename of the tenant's UTS namespace; `''` when it could not be read. */
  readonly utsHostname: string;
  /** NIS domainname of the tenant's UTS namespace; `''` when none or unreadable. */
  readonly utsDomainname: string;
  /** First non-comment line of `/etc/hostname`, `''` if missing. */
  readonly etcHostname: string;
  /** First non-comment line of `/etc/domainname`, `''` if missing. */
  readonly etcDomainname: string;
  /** Valid `nameserver` addresses of `/etc/resolv.conf`, in file order. */
  readonly nameservers: readonly string[] | null;
  /** Domains of the LAST `search` or `domain` line of `/etc/resolv.conf`. */
  readonly searchlist: readonly string[] | null;
  /** Tokens of all `options` lines of `/etc/resolv.conf`, in file order (not on the v1 wire). */
  readonly options: readonly string[] | null;
  /** `/etc/hosts` entries, one per name (a repeated name keeps its last address). */
  readonly hosts: readonly HostsEntry[] | null;
}

/** Scheduling facts of a process as the v1 wire needs them (all from `/proc/PID/stat`). */
export interface SchedulingInfo {
  /** SCHED_* policy number (stat field 41): 0 OTHER, 1 FIFO, 2 RR, 3 BATCH, 5 IDLE, 6 DEADLINE. */
  readonly policy: number;
  /**
   * The real-time priority `sched_priority` of sched_getparam(2) (stat field 40, `rt_priority`):
   * 1..99 under SCHED_FIFO/SCHED_RR, 0 under all other policies (their weight is `nice`).
   */
  readonly priority: number;
  /** Nice value −20..19 (stat field 19). */
  readonly nice: number;
}

/**
 * Scheduling facts of a process. `priority` is the real-time priority (`rtPriority`), not the
 * kernel's stat field 18 (`prio`-derived: nice + 20 for normal tasks, −1 − rt_priority for RT
 * tasks), which only re-encodes the other two values.
 */
export function schedulingOf(p: Pick<Process, 'policy' | 'rtPriority' | 'nice'>): SchedulingInfo {
  return { policy: p.policy, priority: p.rtPriority, nice: p.nice };
}

/** Map key of a TAP/TUN device: netns inode plus interface name. */
export function tunTapKey(netnsIno: number, ifName: string): string {
  return `${netnsIno}/${ifName}`;
}

/** Processes holding a TAP/TUN fd, by {@link tunTapKey} of the device they are attached to. */
export type TunTapProcessors = ReadonlyMap<string, readonly Process[]>;
