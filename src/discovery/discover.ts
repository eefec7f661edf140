// SPDX-License-Identifier: MIT
/**
 * @module discovery/discover
 *
 * The orchestrator core: runs the discovery phases in order — namespaces, network, tenants
 * (with their process facts), tenant DNS, TAP/TUN processors, ports, host facts — over
 * injectable phase functions (the real ones are wired in `index.ts`). A phase
 * that fails as a whole becomes one `GW_ERR_DISCOVERY_PHASE` problem and an empty value for
 * that phase; the results of the other phases are kept. Only "cannot run at all" errors
 * (no procfs, native addon missing) are thrown.
 */
import { ProjectError, errorMessage, type ErrorCode } from '../errors.js';
import type { DiscoveryResult, HostInfo } from '../model/discovery.js';
import { NS_TYPES, type NamespaceModel, type NsType, type Namespace } from '../model/namespace.js';
import type { ContainerModel } from '../model/container.js';
import type { Forward } from '../model/forward.js';
import type { NetworkModel } from '../model/network.js';
import type { Port } from '../model/port.js';
import type { PhaseResult, Problem } from '../model/problem.js';
import type { DnsConfig, TunTapProcessors } from '../model/tenant-details.js';
import type { TenantModel } from '../model/tenant.js';
import { emptyContainerModel, type DiscoveryContext } from './containers.js';

/** Options of one discovery run. */
export interface DiscoverOptions {
  /** procfs mount point (default `/proc`). */
  readonly procRoot?: string;
  /** sysfs mount point (default `/sys`). */
  readonly sysfsRoot?: string;
  /** Long-lived state (the engine tracker); default: the process-wide default context. */
  readonly context?: DiscoveryContext;
  /** Socket inodes the namespace scan must not count as holders (the feed's monitor sockets). */
  readonly ignoreSocketInodes?: ReadonlySet<number>;
}

/** The phase functions the orchestrator runs (injectable for tests). */
export interface DiscoveryPhases {
  namespaces(
    opts: DiscoverOptions,
  ): PhaseResult<NamespaceModel> | Promise<PhaseResult<NamespaceModel>>;
  /** Network phase; `stepsMs` are its own step timings (→ `timings.networkSteps`). */
  network(
    namespaces: NamespaceModel,
    opts: DiscoverOptions,
  ): Promise<PhaseResult<NetworkModel> & { readonly stepsMs?: Readonly<Record<string, number>> }>;
  /** Container engines and their containers; runs concurrently with `network`. */
  containers?(
    namespaces: NamespaceModel,
    opts: DiscoverOptions,
  ): Promise<PhaseResult<ContainerModel>>;
  /** Decorators over the network and container models (after both); resolves to their problems. */
  decorate?(
    namespaces: NamespaceModel,
    network: NetworkModel,
    containers: ContainerModel,
    opts: DiscoverOptions,
  ): Promise<Problem[]>;
  /** Tenants per netns; engine containers become tenants of the netns of their initial process. */
  tenants(
    namespaces: NamespaceModel,
    opts: DiscoverOptions,
    containers?: ContainerModel,
  ): PhaseResult<TenantModel>;
  /** DNS configuration per tenant process PID. */
  dns(tenants: TenantModel, opts: DiscoverOptions): PhaseResult<ReadonlyMap<number, DnsConfig>>;
  tuntap(
    namespaces: NamespaceModel,
    network: NetworkModel,
    opts: DiscoverOptions,
  ): PhaseResult<TunTapProcessors>;
  ports(
    namespaces: NamespaceModel,
    network: NetworkModel,
    tenants: TenantModel,
    opts: DiscoverOptions,
  ): Promise<PhaseResult<ReadonlyMap<number, readonly Port[]>>>;
  /** Forwarded ports per netns (NAT rules resolved to their targets); after `ports`. */
  forwards?(
    namespaces: NamespaceModel,
    network: NetworkModel,
    ports: ReadonlyMap<number, readonly Port[]>,
    opts: DiscoverOptions,
  ): Promise<PhaseResult<ReadonlyMap<number, readonly Forward[]>>>;
  host(opts: DiscoverOptions): HostInfo;
}

/** Codes that mean "discovery cannot run at all": these are thrown, never recorded. */
export const FATAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'GW_ERR_PROCFS_UNAVAILABLE',
  'GW_ERR_NATIVE_LOAD',
]);

/** An empty namespace model (when the namespace phase failed as a whole). */
export function emptyNamespaceModel(): NamespaceModel {
  const byType = Object.fromEntries(NS_TYPES.map((t) => [t, [] as Namespace[]])) as Record<
    NsType,
    Namespace[]
  >;
  return {
    processes: new Map(),
    namespaces: new Map(),
    byType,
    own: {},
    initial: {},
    socketOwners: new Map(),
  };
}

/** An empty host-facts record (when reading host facts failed as a whole). */
export const EMPTY_HOST: HostInfo = {
  hostname: '',
  osrelName: '',
  osrelVersion: '',
  kernelVersion: '',
  cpus: undefined,
};

// Wall clock in ns: Date gives ms, hrtime gives the sub-ms part (monotonic offset fixed at load).
const EPOCH_OFFSET_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Current Unix time in nanoseconds. */
export function nowNs(): bigint {
  return EPOCH_OFFSET_NS + process.hrtime.bigint();
}

function phaseProblem(phase: string, e: unknown): Problem {
  const cause = e instanceof ProjectError ? e.code : undefined;
  const base = {
    code: 'GW_ERR_DISCOVERY_PHASE' as const,
    message: `${phase} phase failed: ${errorMessage(e)}`,
    subject: `phase:${phase}`,
  };
  return cause === undefined ? base : { ...base, cause };
}

function rethrowFatal(e: unknown): void {
  if (e instanceof ProjectError && FATAL_CODES.has(e.code)) throw e;
}

/**
 * Runs one phase: its problems are appended to `problems`; when it fails as a whole, one
 * `GW_ERR_DISCOVERY_PHASE` problem is recorded and `fallback` is its value (fatal codes rethrow).
 */
async function runPhase<T>(
  name: string,
  problems: Problem[],
  fallback: T,
  phase: () => PhaseResult<T> | Promise<PhaseResult<T>>,
): Promise<T> {
  try {
    const r = await phase();
    problems.push(...r.problems);
    return r.value;
  } catch (e: unknown) {
    rethrowFatal(e);
    problems.push(phaseProblem(name, e));
    return fallback;
  }
}

/**
 * Runs one discovery with the given phases. Never throws for a failing phase (see module doc);
 * throws the phase's error for {@link FATAL_CODES}.
 */
export async function runDiscovery(
  phases: DiscoveryPhases,
  opts: DiscoverOptions = {},
): Promise<DiscoveryResult> {
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

  // containers (engine detection, ≤ ~2 s sync wait) overlap the network phase; own problem list
  // so the problem order stays deterministic
  const containerProblems: Problem[] = [];
  let containersMs = 0;
  const containersDone = runPhase(
    'containers',
    containerProblems,
    emptyContainerModel(),
    async () => {
      const r =
        phases.containers === undefined
          ? { value: emptyContainerModel(), problems: [] }
          : await phases.containers(namespaces, opts);
      containersMs = performance.now() - t1;
      return r;
    },
  );

  let network: NetworkModel;
  let networkSteps: Readonly<Record<string, number>> | undefined;
  try {
    const r = await phases.network(namespaces, opts);
    network = r.value;
    networkSteps = r.stepsMs;
    problems.push(...r.problems);
  } catch (e: unknown) {
    rethrowFatal(e);
    network = { netns: new Map() };
    problems.push(phaseProblem('network', e));
  }
  const containers = await containersDone;
  problems.push(...containerProblems);
  if (phases.decorate !== undefined) {
    const decorate = phases.decorate;
    await runPhase('decorators', problems, undefined, async () => ({
      value: undefined,
      problems: await decorate(namespaces, network, containers, opts),
    }));
  }
  const t2 = performance.now();

  const tenants = await runPhase<TenantModel>('tenants', problems, new Map(), () =>
    phases.tenants(namespaces, opts, containers),
  );
  const t3 = performance.now();
  const dns = await runPhase<ReadonlyMap<number, DnsConfig>>('dns', problems, new Map(), () =>
    phases.dns(tenants, opts),
  );
  const tDns = performance.now();
  const tunTapProcessors = await runPhase<TunTapProcessors>('tuntap', problems, new Map(), () =>
    phases.tuntap(namespaces, network, opts),
  );
  const tTun = performance.now();
  const ports = await runPhase<ReadonlyMap<number, readonly Port[]>>(
    'ports',
    problems,
    new Map(),
    () => phases.ports(namespaces, network, tenants, opts),
  );
  const tPorts = performance.now();
  const forwardsPhase = phases.forwards;
  const forwards =
    forwardsPhase === undefined
      ? undefined
      : await runPhase<ReadonlyMap<number, readonly Forward[]>>(
          'forwards',
          problems,
          new Map(),
          () => forwardsPhase(namespaces, network, ports, opts),
        );
  const tFwd = performance.now();

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
    containers,
    tenants,
    dns,
    tunTapProcessors,
    ports,
    ...(forwards === undefined ? {} : { forwards }),
    host,
    problems,
    timings: {
      namespacesMs: t1 - t0,
      networkMs: t2 - t1,
      containersMs,
      tenantsMs: t3 - t2,
      dnsMs: tDns - t3,
      tuntapMs: tTun - tDns,
      portsMs: tPorts - tTun,
      ...(forwards === undefined ? {} : { forwardsMs: tFwd - tPorts }),
      hostMs: t4 - tFwd,
      totalMs: t4 - t0,
      ...(networkSteps === undefined ? {} : { networkSteps }),
    },
    startedAtNs,
  };
}
