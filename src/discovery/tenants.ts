// SPDX-License-Identifier: MIT
/**
 * @module discovery/tenants
 *
 * Tenant selection per network namespace (until container engines exist): every leader
 * process of a netns — a process whose parent is not attached to the same netns — becomes a
 * stand-alone `proc` tenant, except the kernel thread `kthreadd` (PID 2 with PPID 0). A netns
 * without any process gets one `bindmount` pseudo tenant named by its reference paths joined
 * by `:`. Selection is pure; {@link readTenantDetails} is the procfs/sysfs reader for the
 * per-process facts (capabilities, affinity, frozen state).
 */
import { readFileSync } from 'node:fs';
import type { Namespace, NamespaceModel, Process } from '../model/namespace.js';
import type { Tenant, TenantModel, TenantProcessDetails } from '../model/tenant.js';
import { readStatus } from '../procfs/status.js';
import { parseCpuRanges } from './host.js';

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
export type TenantDetailsReader = (p: Process) => TenantProcessDetails;

/**
 * Selects the tenants of every network namespace in `model`. Process tenants are sorted by
 * PID. Only netns of the namespace model are considered.
 */
export function selectTenants(model: NamespaceModel, readDetails: TenantDetailsReader): Map<number, Tenant[]> {
  const out = new Map<number, Tenant[]>();
  for (const ns of model.byType.net) {
    const tenants: Tenant[] = [];
    if (ns.processes.length === 0) {
      const refs = netnsRefPaths(ns);
      tenants.push({ type: 'bindmount', name: refs.join(':'), netns: ns, refs });
    } else {
      const leaders = [...ns.leaders].filter((p) => !isKthreadd(p)).sort((a, b) => a.pid - b.pid);
      for (const p of leaders) {
        tenants.push({ type: 'proc', name: `${p.comm}(${p.pid})`, netns: ns, process: p, details: readDetails(p) });
      }
    }
    out.set(ns.id.ino, tenants);
  }
  return out;
}

/** Where {@link readTenantDetails} reads from. */
export interface TenantDetailsOptions {
  readonly procRoot?: string;
  readonly sysfsRoot?: string;
}

/**
 * Whether the cgroup of a process is frozen: cgroup v2 `cgroup.events` has `frozen 1`
 * (Documentation/admin-guide/cgroup-v2.rst), cgroup v1 `freezer.state` is `FROZEN`
 * (Documentation/admin-guide/cgroup-v1/freezer-subsystem.rst). `cgroupText` is the content of
 * /proc/PID/cgroup.
 */
export function isFrozen(cgroupText: string, read: (path: string) => string | undefined, sysfsRoot = '/sys'): boolean {
  for (const line of cgroupText.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (m === null) continue;
    const [, hier, controllers, path] = m;
    if (hier === '0' && controllers === '') {
      const events = read(`${sysfsRoot}/fs/cgroup${path === '/' ? '' : path}/cgroup.events`);
      if (events !== undefined && /^frozen 1$/m.test(events)) return true;
    } else if (controllers !== undefined && controllers.split(',').includes('freezer')) {
      const state = read(`${sysfsRoot}/fs/cgroup/freezer${path === '/' ? '' : path}/freezer.state`);
      if (state?.trim() === 'FROZEN') return true;
    }
  }
  return false;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Returns a {@link TenantDetailsReader} over procfs/sysfs. */
export function readTenantDetails(opts: TenantDetailsOptions = {}): TenantDetailsReader {
  const procRoot = opts.procRoot ?? '/proc';
  const sysfsRoot = opts.sysfsRoot ?? '/sys';
  return (p) => {
    let capBnd: bigint | undefined;
    let affinity: Array<[number, number]> = [];
    try {
      const st = readStatus(p.pid, procRoot);
      capBnd = st.capBnd;
      affinity = (st.cpusAllowedList === undefined ? undefined : parseCpuRanges(st.cpusAllowedList)) ?? [];
    } catch {
      // process gone or status unreadable: leave the facts empty (v1 emits capbnd "0x0")
    }
    const cgroup = readText(`${procRoot}/${p.pid}/cgroup`);
    const frozen = cgroup !== undefined && isFrozen(cgroup, readText, sysfsRoot);
    return { capBnd, affinity, status: frozen ? 'paused' : 'running' };
  };
}

/** Empty tenant model (used when a phase failed). */
export const NO_TENANTS: TenantModel = new Map();
