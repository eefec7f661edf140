// SPDX-License-Identifier: MIT
/**
 * @module model/discovery
 *
 * The complete result of one discovery run as the orchestrator (`src/discovery`) returns it and
 * the wire mappers (`src/api/v1`) and CLI consume it: the namespace model, the network model,
 * the tenants, facts about the host, every recorded problem and the phase timings.
 */
import type { NamespaceModel } from './namespace.js';
import type { NetworkModel } from './network.js';
import type { Problem } from './problem.js';
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
  readonly tenantsMs: number;
  readonly hostMs: number;
  readonly totalMs: number;
}

/** Result of one discovery run. */
export interface DiscoveryResult {
  readonly namespaces: NamespaceModel;
  readonly network: NetworkModel;
  readonly tenants: TenantModel;
  readonly host: HostInfo;
  readonly problems: Problem[];
  readonly timings: DiscoveryTimings;
  /** When the discovery started: Unix epoch nanoseconds (for RFC 3339 timestamps with ns). */
  readonly startedAtNs: bigint;
}
