// SPDX-License-Identifier: MIT
/**
 * @module api/v1/ids
 *
 * Document-internal identifiers of the v1 wire (reference §2.1). Kept apart from the mappers so
 * every mapper module can use them without import cycles.
 */
import type { Nif } from '../../model/network.js';
import { tenantProcess, type Tenant } from '../../model/tenant.js';

/** `netns-<ino>`. */
export function netnsIdOf(ino: number): string {
  return `netns-${ino}`;
}

/** `nif-<netns ino>-<ifindex>`. */
export function nifIdOf(nif: Nif): string {
  return `nif-${nif.netns.ns.id.ino}-${nif.index}`;
}

/** `pidns-<ino>`. */
export function pidnsIdOf(ino: number): string {
  return `pidns-${ino}`;
}

/**
 * `cont-<pid>` for tenants with a process (stand-alone processes, containers: the PID of the
 * initial process), `bmnt-<netns ino>` for bind-mount pseudo tenants.
 */
export function tenantIdOf(t: Tenant): string {
  const p = tenantProcess(t);
  return p !== undefined ? `cont-${p.pid}` : `bmnt-${t.netns.id.ino}`;
}
