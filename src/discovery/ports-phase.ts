// SPDX-License-Identifier: MIT
/**
 * @module discovery/ports-phase
 *
 * The ports phase: TCP/UDP sockets of every network namespace ({@link discoverPorts} with its
 * sockstat-gated cost strategy, see docs/ports.md), with each owner carrying the tenant that
 * stands for its leader process. Runs after the tenants phase.
 */
import type { NamespaceModel } from '../model/namespace.js';
import type { NetworkModel } from '../model/network.js';
import type { Port } from '../model/port.js';
import type { PhaseResult } from '../model/problem.js';
import { tenantsByPid, type TenantModel } from '../model/tenant.js';
import { discoverPorts, type DiscoverPortsOptions } from '../network/ports/index.js';

/** Options of {@link discoverPortsPhase} (all of discoverPorts' except the tenant lookup). */
export type PortsPhaseOptions = Omit<DiscoverPortsOptions, 'tenantOf'>;

/**
 * Discovers the ports of all network namespaces; owners' `tenant` is the tenant whose process
 * is the owner's leader (undefined when the leader is no tenant, e.g. `kthreadd`).
 */
export function discoverPortsPhase(
  namespaces: NamespaceModel,
  network: NetworkModel,
  tenants: TenantModel,
  opts: PortsPhaseOptions = {},
): Promise<PhaseResult<Map<number, Port[]>>> {
  const byPid = tenantsByPid(tenants);
  return discoverPorts(namespaces, network, {
    ...opts,
    tenantOf: (leader) => byPid.get(leader.pid),
  });
}
