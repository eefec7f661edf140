// SPDX-License-Identifier: MIT
/**
 * @module discovery
 *
 * Public entry of the discovery orchestrator: {@link discover} runs namespace discovery,
 * network discovery in every netns, tenant selection with the tenants' process facts, their
 * DNS configuration, TAP/TUN processors, transport ports and the host facts, and returns one
 * {@link DiscoveryResult} with all recorded problems. See docs/architecture.md.
 */
import { readdirSync } from 'node:fs';
import { ProcfsError } from '../errors.js';
import type { DiscoveryResult } from '../model/discovery.js';
import { discoverNamespaces } from '../namespaces/index.js';
import { discoverNetwork } from '../network/index.js';
import { readHostInfo } from './host.js';
import {
  decorateWithEngines,
  defaultDiscoveryContext,
  discoverContainers,
  tenantsWithContainers,
} from './containers.js';
import { runDiscovery, type DiscoverOptions, type DiscoveryPhases } from './discover.js';
import { discoverPortsPhase } from './ports-phase.js';
import { discoverForwards } from '../network/portfwd/index.js';
import { discoverTenantDns, discoverTunTapProcessors } from './tenant-phases.js';
import { discoverTenants } from './tenants.js';

export type { DiscoverOptions, DiscoveryPhases } from './discover.js';
export { runDiscovery, FATAL_CODES, emptyNamespaceModel, nowNs } from './discover.js';
export { readHostInfo } from './host.js';
export {
  discoverTenants,
  isKthreadd,
  netnsRefPaths,
  selectTenants,
  type DiscoverTenantsOptions,
  type ReadTenantDetails,
} from './tenants.js';
export {
  discoverTenantDns,
  discoverTunTapProcessors,
  type TenantDnsOptions,
} from './tenant-phases.js';
export { discoverPortsPhase, type PortsPhaseOptions } from './ports-phase.js';
export type { DiscoveryResult, DiscoveryTimings, HostInfo } from '../model/discovery.js';
export {
  DiscoveryContext,
  closeDefaultDiscoveryContext,
  configureDefaultDiscoveryContext,
  decorateWithEngines,
  defaultDiscoveryContext,
  discoverContainers,
  emptyContainerModel,
  mergeContainerTenants,
  tenantsWithContainers,
  type DiscoveryContextOptions,
  type ProcessTenantBuilder,
} from './containers.js';

/**
 * The real phases: namespaces → network → tenants → DNS → TAP/TUN processors → ports →
 * forwards → host.
 */
export const DEFAULT_PHASES: DiscoveryPhases = {
  namespaces: (opts) =>
    discoverNamespaces({
      procRoot: opts.procRoot ?? '/proc',
      ...(opts.ignoreSocketInodes === undefined
        ? {}
        : { ignoreSocketInodes: opts.ignoreSocketInodes }),
    }),
  network: async (namespaces, opts) => {
    const r = await discoverNetwork(namespaces, {
      procRoot: opts.procRoot ?? '/proc',
      sysfsRoot: opts.sysfsRoot ?? '/sys',
    });
    return { value: r.value, problems: r.problems, stepsMs: r.stats.timings };
  },
  containers: (namespaces, opts) =>
    discoverContainers(
      opts.context ?? defaultDiscoveryContext(),
      namespaces,
      opts.procRoot ?? '/proc',
    ),
  decorate: (namespaces, network, containers, opts) =>
    decorateWithEngines(namespaces, network, containers, opts.procRoot ?? '/proc'),
  tenants: (namespaces, opts, containers) =>
    tenantsWithContainers(
      namespaces,
      containers,
      () => discoverTenants(namespaces, { procRoot: opts.procRoot ?? '/proc' }),
      opts.procRoot ?? '/proc',
    ),
  dns: (tenants, opts) => discoverTenantDns(tenants, { procRoot: opts.procRoot ?? '/proc' }),
  tuntap: (namespaces, network, opts) =>
    discoverTunTapProcessors(namespaces, network, { procRoot: opts.procRoot ?? '/proc' }),
  ports: (namespaces, network, tenants, opts) =>
    discoverPortsPhase(namespaces, network, tenants, { procRoot: opts.procRoot ?? '/proc' }),
  forwards: (namespaces, network, ports, opts) =>
    discoverForwards(namespaces, network, ports, { procRoot: opts.procRoot ?? '/proc' }),
  host: (opts) => readHostInfo(opts),
};

/**
 * Throws `GW_ERR_PROCFS_UNAVAILABLE` unless `procRoot` is a procfs-like directory with at least
 * one process directory: without it there is nothing to discover.
 */
export function assertProcfs(procRoot: string): void {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch (e: unknown) {
    throw new ProcfsError('GW_ERR_PROCFS_UNAVAILABLE', `no procfs at ${procRoot}`, {
      path: procRoot,
      cause: e,
    });
  }
  if (!entries.some((n) => /^\d+$/.test(n))) {
    throw new ProcfsError('GW_ERR_PROCFS_UNAVAILABLE', `no process directories below ${procRoot}`, {
      path: procRoot,
    });
  }
}

/**
 * Runs a complete discovery. Throws only when discovery cannot run at all (no procfs at
 * `procRoot`, native addon missing); everything else is recorded in `problems`.
 */
export async function discover(opts: DiscoverOptions = {}): Promise<DiscoveryResult> {
  assertProcfs(opts.procRoot ?? '/proc');
  return runDiscovery(DEFAULT_PHASES, opts);
}
