// SPDX-License-Identifier: MIT
/**
 * @module discovery
 *
 * Public entry of the discovery orchestrator: {@link discover} runs namespace discovery,
 * network discovery in every netns, tenant selection and the host facts, and returns one
 * {@link DiscoveryResult} with all recorded problems. See docs/architecture.md.
 */
import { readdirSync } from 'node:fs';
import { ProcfsError } from '../errors.js';
import type { DiscoveryResult } from '../model/discovery.js';
import { discoverNamespaces } from '../namespaces/index.js';
import { discoverNetwork } from '../network/index.js';
import { readHostInfo } from './host.js';
import { runDiscovery, type DiscoverOptions, type DiscoveryPhases } from './discover.js';
import { readTenantDetails, selectTenants } from './tenants.js';

export type { DiscoverOptions, DiscoveryPhases } from './discover.js';
export { runDiscovery, FATAL_CODES, emptyNamespaceModel, nowNs } from './discover.js';
export { parseCpuRanges, parseOsRelease, readHostInfo } from './host.js';
export { isFrozen, isKthreadd, netnsRefPaths, readTenantDetails, selectTenants } from './tenants.js';
export type { DiscoveryResult, DiscoveryTimings, HostInfo } from '../model/discovery.js';

/** The real phases: namespaces → network → tenants → host. */
export const DEFAULT_PHASES: DiscoveryPhases = {
  namespaces: (opts) => discoverNamespaces({ procRoot: opts.procRoot ?? '/proc' }),
  network: (namespaces, opts) =>
    discoverNetwork(namespaces, { procRoot: opts.procRoot ?? '/proc', sysfsRoot: opts.sysfsRoot ?? '/sys' }),
  tenants: (namespaces, opts) => selectTenants(namespaces, readTenantDetails(opts)),
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
    throw new ProcfsError('GW_ERR_PROCFS_UNAVAILABLE', `no procfs at ${procRoot}`, { path: procRoot, cause: e });
  }
  if (!entries.some((n) => /^\d+$/.test(n))) {
    throw new ProcfsError('GW_ERR_PROCFS_UNAVAILABLE', `no process directories below ${procRoot}`, { path: procRoot });
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
