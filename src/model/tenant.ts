// SPDX-License-Identifier: MIT
/**
 * @module model/tenant
 *
 * Tenants of a network namespace: what "lives" in it. A tenant is either a process — a leader
 * process of the netns, or the initial process of an engine container (then `container` is
 * set and the tenant IS that container) — or, for a netns without any process, a bind-mount
 * pseudo tenant named after the netns' reference paths. The v1 wire calls tenants "containers".
 */
import type { Container } from './container.js';
import type { Namespace, Process } from './namespace.js';

/** Tenant types (the v1 wire's `type`; its display text `type-text` is api/v1's). */
export const TENANT_TYPES = ['proc', 'bindmount'] as const;
/** One tenant type. */
export type TenantType = (typeof TENANT_TYPES)[number];

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
  /**
   * The engine container whose initial process `process` is (discovery's containers phase).
   * Such a tenant stands for the container: its `name` is the container name and it is listed
   * in the netns of that process even when the process is not a netns leader (`--network host`).
   */
  readonly container?: Container;
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

/**
 * The process a tenant stands for (its leader or initial process), undefined for pseudo
 * tenants. Works for every tenant variant that carries a `process`. Pure.
 */
export function tenantProcess(t: Tenant): Process | undefined {
  return 'process' in t ? (t as { readonly process: Process }).process : undefined;
}

/**
 * The tenant leader of a process (reference §2.10): walking up the parent chain, the first
 * process that is a leader of its netns, i.e. whose parent is in another netns or that has no
 * parent; `p` itself when its netns is unknown. Such a process is a tenant of its netns. Pure.
 */
export function tenantLeader(p: Process): Process {
  let cur = p;
  const seen = new Set<Process>();
  for (;;) {
    const net = cur.namespaces.net;
    const parent = cur.parent;
    if (net === undefined || parent === undefined || seen.has(parent)) return cur;
    const pnet = parent.namespaces.net;
    if (pnet === undefined || pnet.id.ino !== net.id.ino || pnet.id.dev !== net.id.dev) return cur;
    seen.add(cur);
    cur = parent;
  }
}

/** Process tenants by the PID of their process (first tenant wins if a PID appears twice). Pure. */
export function tenantsByPid(tenants: TenantModel): Map<number, Tenant> {
  const out = new Map<number, Tenant>();
  for (const list of tenants.values()) {
    for (const t of list) {
      const p = tenantProcess(t);
      if (p !== undefined && !out.has(p.pid)) out.set(p.pid, t);
    }
  }
  return out;
}
