// SPDX-License-Identifier: MIT
/**
 * @module discovery/tenants
 *
 * Tenant selection per network namespace (until container engines exist): every leader
 * process of a netns — a process whose parent is not attached to the same netns — becomes a
 * stand-alone `proc` tenant, except the kernel thread `kthreadd` (PID 2 with PPID 0). A netns
 * without any process gets one `bindmount` pseudo tenant named by its reference paths joined
 * by `:`. Selection is pure; the per-process facts (capabilities, affinity, frozen state) come
 * from `network/tenants`' {@link TenantDetailsReader} ({@link discoverTenants} wires both).
 */
import type { Namespace, NamespaceModel, Process } from '../model/namespace.js';
import type { PhaseResult } from '../model/problem.js';
import type { Tenant, TenantModel, TenantProcessDetails } from '../model/tenant.js';
import { TenantDetailsReader, type TenantDetailsOptions } from '../procfs/index.js';

/** True for the kernel thread daemon, which is never a tenant. */
export function isKthreadd(p: Process): boolean {
  return p.pid === 2 && p.ppid === 0;
}

/** Reference paths naming a process-less netns: its ref chain, else its bind-mount paths. */
export function netnsRefPaths(ns: Namespace): string[] {
  if (ns.ref.length > 0) return [...ns.ref];
  const paths: string[] = [];
  for (const s of ns.sources) if (s.kind === 'bindmount' || s.kind === 'fd') paths.push(s.path);
  return paths;
}

/** Reads the per-process facts of a tenant (never throws; unreadable facts stay empty). */
export type ReadTenantDetails = (p: Process) => TenantProcessDetails;

/**
 * Selects the tenants of every network namespace in `model`. Process tenants are sorted by
 * PID. Only netns of the namespace model are considered.
 */
export function selectTenants(
  model: NamespaceModel,
  readDetails: ReadTenantDetails,
): Map<number, Tenant[]> {
  const out = new Map<number, Tenant[]>();
  for (const ns of model.byType.net) {
    const tenants: Tenant[] = [];
    if (ns.processes.length === 0) {
      const refs = netnsRefPaths(ns);
      tenants.push({ type: 'bindmount', name: refs.join(':'), netns: ns, refs });
    } else {
      const leaders = [...ns.leaders].filter((p) => !isKthreadd(p)).sort((a, b) => a.pid - b.pid);
      for (const p of leaders) {
        tenants.push({
          type: 'proc',
          name: `${p.comm}(${p.pid})`,
          netns: ns,
          process: p,
          details: readDetails(p),
        });
      }
    }
    out.set(ns.id.ino, tenants);
  }
  return out;
}

/** Options of {@link discoverTenants}. */
export type DiscoverTenantsOptions = TenantDetailsOptions;

/**
 * The tenants phase: selects the tenants of every netns and reads each process tenant's facts
 * with one {@link TenantDetailsReader} (cgroup mounts located once). Problems of single
 * processes are collected; a vanished process just has empty facts.
 */
export function discoverTenants(
  model: NamespaceModel,
  opts: DiscoverTenantsOptions = {},
): PhaseResult<TenantModel> {
  const reader = new TenantDetailsReader(opts);
  const value = selectTenants(model, reader.read);
  return { value, problems: reader.problems };
}

/** Empty tenant model (used when a phase failed). */
export const NO_TENANTS: TenantModel = new Map();
