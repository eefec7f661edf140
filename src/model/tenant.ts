// SPDX-License-Identifier: MIT
/**
 * @module model/tenant
 *
 * Tenants of a network namespace: what "lives" in it. Until container engines are discovered
 * (a later issue) a tenant is either a stand-alone process — a leader process of the netns —
 * or, for a netns without any process, a bind-mount pseudo tenant named after the netns'
 * reference paths. The v1 wire calls tenants "containers".
 */
import type { Namespace, Process } from './namespace.js';

/** Tenant types as the v1 wire spells them (`type`), with their display text (`type-text`). */
export const TENANT_TYPES = { proc: 'Process', bindmount: 'Bind-mounted' } as const;
/** One tenant type. */
export type TenantType = keyof typeof TENANT_TYPES;

/** Scheduling and confinement facts of a process tenant, read from procfs. */
export interface TenantProcessDetails {
  /** Bounding capability set (`CapBnd` of /proc/PID/status); undefined when unreadable. */
  readonly capBnd: bigint | undefined;
  /** CPU affinity as inclusive ranges, e.g. `[[0, 3]]`; empty when unreadable. */
  readonly affinity: ReadonlyArray<readonly [number, number]>;
  /** `paused` when the process' cgroup is frozen, else `running`. */
  readonly status: 'running' | 'paused';
}

/** A stand-alone process attached to the netns (a leader: its parent is not in this netns). */
export interface ProcessTenant {
  readonly type: 'proc';
  /** `<comm>(<pid>)`, e.g. `systemd(1)`. */
  readonly name: string;
  /** The network namespace the tenant belongs to. */
  readonly netns: Namespace;
  readonly process: Process;
  readonly details: TenantProcessDetails;
}

/** Pseudo tenant of a netns that no process is attached to (kept alive by a bind mount or fd). */
export interface BindmountTenant {
  readonly type: 'bindmount';
  /** The netns' reference paths joined by `:` (e.g. `/run/netns/foo`). */
  readonly name: string;
  readonly netns: Namespace;
  /** The reference paths the name was built from. */
  readonly refs: readonly string[];
}

/** Any tenant. */
export type Tenant = ProcessTenant | BindmountTenant;

/** Tenants of all network namespaces, by netns inode. */
export type TenantModel = ReadonlyMap<number, readonly Tenant[]>;
