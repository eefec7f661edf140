// SPDX-License-Identifier: MIT
/**
 * @module discovery/tenant-phases
 *
 * The discovery phases that run after tenant selection and look at single processes: the DNS
 * configuration of every tenant (one {@link TenantDnsReader} per run, so files are read once
 * per (mount namespace, root) and UTS names once per UTS namespace) and the TAP/TUN processors
 * (only when a tun/tap interface exists). Each phase returns its value plus the problems met;
 * a failure for one tenant or process never loses the others.
 */
import { errorMessage } from '../errors.js';
import type { NamespaceModel } from '../model/namespace.js';
import type { NetworkModel } from '../model/network.js';
import { toProblem, type PhaseResult, type Problem } from '../model/problem.js';
import type { DnsConfig, TunTapProcessors } from '../model/tenant-details.js';
import { tenantProcess, type TenantModel } from '../model/tenant.js';
import { TenantDnsReader, type DnsReaderOptions } from '../network/tenants/dns-reader.js';
import {
  findTunTapProcessors,
  tunNifsOf,
  type TunTapOptions,
} from '../network/tuntap/processors.js';

/** Options of {@link discoverTenantDns}. */
export type TenantDnsOptions = Pick<
  DnsReaderOptions,
  'procRoot' | 'caps' | 'native' | 'rootIdentity'
>;

/**
 * Reads the DNS configuration of every tenant that has a process, keyed by that process's PID.
 * Pseudo tenants (bind mounts) have no process and no entry.
 */
export function discoverTenantDns(
  tenants: TenantModel,
  opts: TenantDnsOptions = {},
): PhaseResult<Map<number, DnsConfig>> {
  const reader = new TenantDnsReader(opts);
  const value = new Map<number, DnsConfig>();
  const problems: Problem[] = [];
  for (const list of tenants.values()) {
    for (const t of list) {
      const p = tenantProcess(t);
      if (p === undefined || value.has(p.pid)) continue;
      try {
        value.set(p.pid, reader.read(p));
      } catch (e: unknown) {
        // The reader records its own problems and does not throw; this guards the one tenant.
        problems.push(toProblem(e, `pid ${p.pid} (${p.comm})`, 'GW_ERR_FILE_IN_ROOT'));
      }
    }
  }
  return { value, problems: [...reader.problems, ...problems] };
}

/**
 * Finds the processes holding TAP/TUN fds among all processes of the namespace model; nothing
 * is scanned when the network model has no tun/tap interface.
 */
export function discoverTunTapProcessors(
  namespaces: NamespaceModel,
  network: NetworkModel,
  opts: TunTapOptions = {},
): PhaseResult<TunTapProcessors> {
  const tun = tunNifsOf(network);
  if (tun.length === 0) return { value: new Map(), problems: [] };
  try {
    return findTunTapProcessors(namespaces.processes.values(), tun, opts);
  } catch (e: unknown) {
    return {
      value: new Map(),
      problems: [
        {
          code: 'GW_ERR_NETWORK_TUNTAP',
          message: `TAP/TUN processors not discovered: ${errorMessage(e)}`,
          subject: 'phase:tuntap',
        },
      ],
    };
  }
}
