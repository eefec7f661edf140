// SPDX-License-Identifier: MIT
/**
 * @module discovery/containers
 *
 * The containers phase and the container ↔ tenant merge.
 *
 * - {@link DiscoveryContext} holds the long-lived state of discoveries: ONE
 *   {@link EngineTracker} (created on first use), whose background watchers keep every engine's
 *   workload current between discoveries. A service keeps one context for its lifetime; a
 *   one-shot CLI closes it when done ({@link closeDefaultDiscoveryContext}) so no socket or
 *   timer keeps the process alive.
 * - {@link discoverContainers} feeds the tracker the namespace model's process table and returns
 *   engines, containers (host PIDs) and groups read from memory, with the engines' problems.
 * - {@link mergeContainerTenants} makes each container a tenant of the netns of its initial
 *   process (matching purely by host PID, as lxkns does): a container replaces the `proc`
 *   tenant of the same PID; a container whose process is not a netns leader (`--network host`,
 *   a process inside another container's netns) is added; several containers sharing a netns
 *   (pods, `--network container:x`) all appear there. `kthreadd` is never a tenant.
 *
 * The engines layer is imported lazily: a discovery that never asks for containers (or a CLI
 * `--help`) does not load the gRPC stack.
 */
import type { EngineTracker, EngineTrackerOptions } from '../engines/index.js';
import { errorMessage } from '../errors.js';
import type { Container, ContainerModel } from '../model/container.js';
import type { Namespace, NamespaceModel, Process } from '../model/namespace.js';
import type { NetworkModel } from '../model/network.js';
import type { PhaseResult, Problem } from '../model/problem.js';
import type { ProcessTenant, Tenant, TenantModel } from '../model/tenant.js';
import { TenantDetailsReader } from '../procfs/index.js';
import { isKthreadd } from './tenants.js';

/** The empty container model (no engines). */
export function emptyContainerModel(): ContainerModel {
  return { engines: [], containers: [], groups: [] };
}

/** Options of a {@link DiscoveryContext}. */
export interface DiscoveryContextOptions {
  /** Longest wait for newly found engines' first sync per discovery (ms). Default 2 000. */
  readonly engineWaitMs?: number;
  /** Timeout per engine API call while probing a new engine (ms). Default 3 000. */
  readonly probeTimeoutMs?: number;
  /** Called whenever any engine's containers changed (e.g. to push updates to clients). */
  readonly onContainersChange?: () => void;
  /**
   * False for snapshot mode (one-shot CLI): engines are listed once, without event
   * subscriptions, so their containers are not kept current afterwards. Default true (watch).
   */
  readonly watch?: boolean;
}

/**
 * Long-lived state shared by the discoveries of one owner (a service, a CLI run): the engine
 * tracker. Must be closed by its owner ({@link DiscoveryContext.close}).
 */
export class DiscoveryContext {
  readonly #opts: DiscoveryContextOptions;
  #tracker: EngineTracker | undefined;
  #creating: Promise<EngineTracker> | undefined;
  #closed = false;

  constructor(options: DiscoveryContextOptions = {}) {
    this.#opts = options;
  }

  /** True once {@link close} was called; a closed context discovers no containers. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The tracker if one was created (for diagnostics and tests). */
  get tracker(): EngineTracker | undefined {
    return this.#tracker;
  }

  /**
   * The context's tracker, created on first use for `procRoot` (the procfs of the first
   * discovery; later discoveries with another procfs root get the same tracker). Undefined
   * once closed.
   */
  async engineTracker(procRoot: string): Promise<EngineTracker | undefined> {
    if (this.#closed) return undefined;
    if (this.#tracker !== undefined) return this.#tracker;
    this.#creating ??= import('../engines/index.js').then(({ EngineTracker: Tracker }) => {
      const o: EngineTrackerOptions = {
        procRoot,
        ...(this.#opts.engineWaitMs === undefined ? {} : { waitMs: this.#opts.engineWaitMs }),
        ...(this.#opts.probeTimeoutMs === undefined
          ? {}
          : { probeTimeoutMs: this.#opts.probeTimeoutMs }),
        ...(this.#opts.onContainersChange === undefined
          ? {}
          : { onChange: this.#opts.onContainersChange }),
        ...(this.#opts.watch === undefined ? {} : { watch: this.#opts.watch }),
      };
      const t = new Tracker(o);
      // closed while the engines layer was loading: never hand out a live tracker
      if (this.#closed) t.close();
      else this.#tracker = t;
      return t;
    });
    const t = await this.#creating;
    return this.#closed ? undefined : t;
  }

  /** Closes the tracker and all its watchers (no sockets or timers stay behind). Idempotent. */
  close(): void {
    this.#closed = true;
    this.#tracker?.close();
    this.#tracker = undefined;
  }
}

let defaultContext: DiscoveryContext | undefined;

/** The process-wide default context (created on first use; used by `discover()`). */
export function defaultDiscoveryContext(): DiscoveryContext {
  defaultContext ??= new DiscoveryContext(defaultContextOptions);
  return defaultContext;
}

let defaultContextOptions: DiscoveryContextOptions = {};

/**
 * Sets the options of the default context (e.g. the CLI's `--engine-wait`); takes effect for
 * the next default context created, so call it before the first discovery.
 */
export function configureDefaultDiscoveryContext(options: DiscoveryContextOptions): void {
  defaultContextOptions = { ...options };
}

/**
 * Closes the default context if one exists; the next `discover()` starts a fresh one. A CLI
 * calls this when it is done so that engine watchers do not keep the process alive.
 */
export function closeDefaultDiscoveryContext(): void {
  defaultContext?.close();
  defaultContext = undefined;
}

/**
 * The containers phase: feeds the context's tracker the processes of `namespaces` (prune,
 * detect, wait ≤ ~2 s for new engines) and returns the container model from memory with the
 * engines' problems. Never throws for an engine; an empty process table yields no engines.
 */
export async function discoverContainers(
  context: DiscoveryContext,
  namespaces: NamespaceModel,
  procRoot = '/proc',
): Promise<PhaseResult<ContainerModel>> {
  if (namespaces.processes.size === 0) return { value: emptyContainerModel(), problems: [] };
  const tracker = await context.engineTracker(procRoot);
  if (tracker === undefined) return { value: emptyContainerModel(), problems: [] };
  return tracker.update(namespaces.processes);
}

/** Builds the process tenant of `p` in `netns` (the tenants phase's own builder). */
export type ProcessTenantBuilder = (p: Process, netns: Namespace) => ProcessTenant;

function tenantPid(t: Tenant): number | undefined {
  return t.type === 'proc' ? t.process.pid : undefined;
}

/**
 * Merges engine containers into the tenants (see module doc). Pure except for `build`, which
 * is called only for container processes that were not tenants yet. Tenants in each netns stay
 * sorted by PID; bind-mount pseudo tenants are kept as they are. A container whose initial
 * process is not in the process table (PID not translatable, or it started or ended between
 * the scans) is recorded as a `GW_ERR_CONTAINER_PROCESS` problem and not shown.
 */
export function mergeContainerTenants(
  tenants: TenantModel,
  containers: ContainerModel,
  namespaces: NamespaceModel,
  build: ProcessTenantBuilder,
): PhaseResult<Map<number, Tenant[]>> {
  const out = new Map<number, Tenant[]>();
  for (const [ino, list] of tenants) out.set(ino, [...list]);
  const problems: Problem[] = [];
  const touched = new Set<number>();
  for (const c of containers.containers) {
    const p = c.pid > 0 ? namespaces.processes.get(c.pid) : undefined;
    const netns = p?.namespaces.net;
    if (p === undefined || netns === undefined) {
      problems.push(
        containerProcessProblem(
          c,
          p === undefined ? 'is not in the process table' : 'has no readable network namespace',
        ),
      );
      continue;
    }
    if (isKthreadd(p)) continue;
    const list = out.get(netns.id.ino) ?? [];
    const i = list.findIndex((t) => tenantPid(t) === p.pid);
    const existing = i >= 0 ? list[i] : undefined;
    if (existing?.type === 'proc' && existing.container !== undefined) {
      // two engines claim one process (e.g. containerd native + CRI): first one wins
      continue;
    }
    let base: ProcessTenant;
    try {
      base = existing?.type === 'proc' ? existing : build(p, netns);
    } catch (e: unknown) {
      problems.push(containerProcessProblem(c, `could not be read: ${errorMessage(e)}`));
      continue;
    }
    const tenant: ProcessTenant = { ...base, name: c.name, container: c };
    if (i >= 0) list[i] = tenant;
    else list.push(tenant);
    out.set(netns.id.ino, list);
    touched.add(netns.id.ino);
  }
  for (const ino of touched) {
    out.get(ino)?.sort((a, b) => (tenantPid(a) ?? 0) - (tenantPid(b) ?? 0));
  }
  return { value: out, problems };
}

function containerProcessProblem(c: Container, what: string): Problem {
  return {
    code: 'GW_ERR_CONTAINER_PROCESS',
    message: `initial process of ${c.type} container ${c.name} (engine pid ${c.engine.pid}, container pid ${c.enginePid}) ${what}`,
    subject: `container ${c.id}`,
  };
}

/**
 * The tenants phase with containers: runs `selectTenantsPhase` (the plain tenants phase), then
 * {@link mergeContainerTenants}; container processes that were not tenants yet get their facts
 * from a {@link TenantDetailsReader} like every other process tenant.
 */
export function tenantsWithContainers(
  namespaces: NamespaceModel,
  containers: ContainerModel | undefined,
  selectTenantsPhase: () => PhaseResult<TenantModel>,
  procRoot = '/proc',
): PhaseResult<TenantModel> {
  const plain = selectTenantsPhase();
  if (containers === undefined || containers.containers.length === 0) return plain;
  let reader: TenantDetailsReader | undefined;
  const merged = mergeContainerTenants(plain.value, containers, namespaces, (p, netns) => {
    reader ??= new TenantDetailsReader({ procRoot });
    return {
      type: 'proc',
      name: `${p.comm}(${p.pid})`,
      netns,
      process: p,
      details: reader.read(p),
    };
  });
  return {
    value: merged.value,
    problems: [...plain.problems, ...(reader?.problems ?? []), ...merged.problems],
  };
}

/**
 * The decorators step: runs the decorators (`src/decorators`, loaded on first use) over the
 * network and container models; skipped when no engine was found, since every decorator
 * needs one.
 */
export async function decorateWithEngines(
  namespaces: NamespaceModel,
  network: NetworkModel,
  containers: ContainerModel,
  procRoot = '/proc',
): Promise<Problem[]> {
  if (containers.engines.length === 0) return [];
  const { runDecorators } = await import('../decorators/index.js');
  return runDecorators({ namespaces, network, containers, procRoot });
}
