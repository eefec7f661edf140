// SPDX-License-Identifier: MIT
/**
 * @module model/discovery
 *
 * The complete result of one discovery run as the orchestrator (`src/discovery`) returns it and
 * the wire mappers (`src/api/v1`) and CLI consume it: the namespace model, the network model,
 * the tenants, facts about the host, every recorded problem and the phase timings.
 */
import type { ContainerModel } from './container.js';
import type { Forward } from './forward.js';
import type { NamespaceModel } from './namespace.js';
import type { NetworkModel } from './network.js';
import type { Port } from './port.js';
import type { Problem } from './problem.js';
import type { DnsConfig, TunTapProcessors } from './tenant-details.js';
import type { TenantModel } from './tenant.js';

/** Facts about the host the discovery ran on (v1 `metadata`). */
export interface HostInfo {
  /** UTS host name of the initial UTS namespace. */
  readonly hostname: string;
  /** `NAME` of /etc/os-release of the host ('' when unreadable). */
  readonly osrelName: string;
  /** `VERSION` of /etc/os-release of the host ('' when unreadable). */
  readonly osrelVersion: string;
  /** Complete contents of /proc/version, trailing newline included. */
  readonly kernelVersion: string;
  /** Online CPUs as inclusive ranges; undefined when /sys/devices/system/cpu/online is unreadable. */
  readonly cpus: ReadonlyArray<readonly [number, number]> | undefined;
}

/** Wall-clock milliseconds spent per discovery phase. */
export interface DiscoveryTimings {
  readonly namespacesMs: number;
  readonly networkMs: number;
  /** Engine detection and sync wait; runs concurrently with the network phase. */
  readonly containersMs: number;
  readonly tenantsMs: number;
  readonly dnsMs: number;
  readonly tuntapMs: number;
  readonly portsMs: number;
  /** Forwarded-port phase (NAT rules, resolution); absent when it did not run. */
  readonly forwardsMs?: number;
  readonly hostMs: number;
  readonly totalMs: number;
  /**
   * The network phase's own steps (open+sockets, dumps, model, nsids, ethtool, relations,
   * close) in ms, of this run; absent when the phase reported none (failed, or a test phase).
   */
  readonly networkSteps?: Readonly<Record<string, number>>;
}

/** Result of one discovery run. */
export interface DiscoveryResult {
  readonly namespaces: NamespaceModel;
  readonly network: NetworkModel;
  readonly tenants: TenantModel;
  /** Container engines, their containers (host PIDs) and groups, from the engine tracker's memory. */
  readonly containers: ContainerModel;
  /**
   * DNS configuration per tenant, keyed by the PID of the tenant's process (pseudo tenants have
   * none; a tenant missing here was not read, e.g. when the DNS phase failed).
   */
  readonly dns: ReadonlyMap<number, DnsConfig>;
  /** Processes holding TAP/TUN fds, by `tunTapKey(netns inode, ifname)`. */
  readonly tunTapProcessors: TunTapProcessors;
  /** Transport ports per netns inode (a netns whose sockets could not be dumped is absent). */
  readonly ports: ReadonlyMap<number, readonly Port[]>;
  /**
   * Forwarded ports per netns inode (model/forward.ts); a netns whose NAT rules could not be
   * read is absent. Undefined when the forwards phase did not run (phase sets without it).
   */
  readonly forwards?: ReadonlyMap<number, readonly Forward[]>;
  readonly host: HostInfo;
  readonly problems: Problem[];
  readonly timings: DiscoveryTimings;
  /** When the discovery started: Unix epoch nanoseconds (for RFC 3339 timestamps with ns). */
  readonly startedAtNs: bigint;
}
