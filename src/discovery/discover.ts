// SPDX-License-Identifier: MIT
/**
 * @module discovery/discover
 *
 * The orchestrator core: runs the discovery phases in order — namespaces, network, tenants,
 * host facts — over injectable phase functions (the real ones are wired in `index.ts`). A phase
 * that fails as a whole becomes one `GW_ERR_DISCOVERY_PHASE` problem and an empty value for
 * that phase; the results of the other phases are kept. Only "cannot run at all" errors
 * (no procfs, native addon missing) are thrown.
 */
import { ProjectError, errorMessage, type ErrorCode } from '../errors.js';
import type { DiscoveryResult, HostInfo } from '../model/discovery.js';
import { NS_TYPES, type NamespaceModel, type NsType, type Namespace } from '../model/namespace.js';
import type { NetworkModel } from '../model/network.js';
import type { PhaseResult, Problem } from '../model/problem.js';
import type { TenantModel } from '../model/tenant.js';

/** Options of one discovery run. */
export interface DiscoverOptions {
  /** procfs mount point (default `/proc`). */
  readonly procRoot?: string;
  /** sysfs mount point (default `/sys`). */
  readonly sysfsRoot?: string;
}

/** The phase functions the orchestrator runs (injectable for tests). */
export interface DiscoveryPhases {
  namespaces(opts: DiscoverOptions): PhaseResult<NamespaceModel> | Promise<PhaseResult<NamespaceModel>>;
  network(namespaces: NamespaceModel, opts: DiscoverOptions): Promise<PhaseResult<NetworkModel>>;
  tenants(namespaces: NamespaceModel, opts: DiscoverOptions): TenantModel;
  host(opts: DiscoverOptions): HostInfo;
}

/** Codes that mean "discovery cannot run at all": these are thrown, never recorded. */
export const FATAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['GW_ERR_PROCFS_UNAVAILABLE', 'GW_ERR_NATIVE_LOAD']);

/** An empty namespace model (when the namespace phase failed as a whole). */
export function emptyNamespaceModel(): NamespaceModel {
  const byType = Object.fromEntries(NS_TYPES.map((t) => [t, [] as Namespace[]])) as Record<NsType, Namespace[]>;
  return { processes: new Map(), namespaces: new Map(), byType, own: {}, initial: {}, socketOwners: new Map() };
}

/** An empty host-facts record (when reading host facts failed as a whole). */
export const EMPTY_HOST: HostInfo = { hostname: '', osrelName: '', osrelVersion: '', kernelVersion: '', cpus: undefined };

// Wall clock in ns: Date gives ms, hrtime gives the sub-ms part (monotonic offset fixed at load).
const EPOCH_OFFSET_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Current Unix time in nanoseconds. */
export function nowNs(): bigint {
  return EPOCH_OFFSET_NS + process.hrtime.bigint();
}

function phaseProblem(phase: string, e: unknown): Problem {
  const cause = e instanceof ProjectError ? e.code : undefined;
  const base = { code: 'GW_ERR_DISCOVERY_PHASE' as const, message: `${phase} phase failed: ${errorMessage(e)}`, subject: `phase:${phase}` };
  return cause === undefined ? base : { ...base, cause };
}

function rethrowFatal(e: unknown): void {
  if (e instanceof ProjectError && FATAL_CODES.has(e.code)) throw e;
}

/**
 * Runs one discovery with the given phases. Never throws for a failing phase (see module doc);
 * throws the phase's error for {@link FATAL_CODES}.
 */
export async function runDiscovery(phases: DiscoveryPhases, opts: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const startedAtNs = nowNs();
  const t0 = performance.now();
  const problems: Problem[] = [];

  let namespaces: NamespaceModel;
  try {
    const r = await phases.namespaces(opts);
    namespaces = r.value;
    problems.push(...r.problems);
  } catch (e: unknown) {
    rethrowFatal(e);
    namespaces = emptyNamespaceModel();
    problems.push(phaseProblem('namespaces', e));
  }
  const t1 = performance.now();

  let network: NetworkModel;
  try {
    const r = await phases.network(namespaces, opts);
    network = r.value;
    problems.push(...r.problems);
  } catch (e: unknown) {
    rethrowFatal(e);
    network = { netns: new Map() };
    problems.push(phaseProblem('network', e));
  }
  const t2 = performance.now();

  let tenants: TenantModel;
  try {
    tenants = phases.tenants(namespaces, opts);
  } catch (e: unknown) {
    rethrowFatal(e);
    tenants = new Map();
    problems.push(phaseProblem('tenants', e));
  }
  const t3 = performance.now();

  let host: HostInfo;
  try {
    host = phases.host(opts);
  } catch (e: unknown) {
    rethrowFatal(e);
    host = EMPTY_HOST;
    problems.push(phaseProblem('host', e));
  }
  const t4 = performance.now();

  return {
    namespaces,
    network,
    tenants,
    host,
    problems,
    timings: { namespacesMs: t1 - t0, networkMs: t2 - t1, tenantsMs: t3 - t2, hostMs: t4 - t3, totalMs: t4 - t0 },
    startedAtNs,
  };
}
