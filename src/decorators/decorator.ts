// SPDX-License-Identifier: MIT
/**
 * @module decorators/decorator
 *
 * The decorator contract. A decorator runs after the namespace, network and container phases
 * and enriches the in-memory model with what the container engines know: network names on
 * bridges (alias + labels), KinD node markers on containers. Decorators are plug-ins with a
 * declared name, registered in the explicit list in `index.ts` (house style rule 8); each runs
 * isolated: a failure or timeout of one becomes a recorded problem and the others still run.
 *
 * Rules for implementations:
 * - read everything first (engine APIs, config files), then apply the changes to the model in
 *   one synchronous step, and only if `ctx.signal` is not aborted — after the decorators' time
 *   is up the model belongs to the caller again;
 * - one failing engine or file is a problem, not an exception (partial results, §6);
 * - never throw for an item; throw only for programmer errors.
 */
import type { ContainerModel } from '../model/container.js';
import type { NamespaceModel } from '../model/namespace.js';
import type { NetworkModel } from '../model/network.js';
import type { Problem } from '../model/problem.js';

/** What a decorator gets: the models of one discovery (mutable in the documented places). */
export interface DecoratorContext {
  /** Namespaces and processes (engine PID → its netns, process ancestry). */
  readonly namespaces: NamespaceModel;
  /** Nifs by netns; decorators set `alias` and add `labels`. */
  readonly network: NetworkModel;
  /** Engines, containers and groups from the engine tracker; decorators may add container labels. */
  readonly containers: ContainerModel;
  /** procfs mount point (default `/proc`); engine files are read below `<procRoot>/<pid>/root`. */
  readonly procRoot: string;
  /** Timeout per engine API call (ms). */
  readonly apiTimeoutMs: number;
  /** Aborted when the decorators' time is up: do not touch the model afterwards. */
  readonly signal: AbortSignal;
}

/** A decorator: a named, self-contained enrichment step. */
export interface Decorator {
  /** Unique name, e.g. `dockernet`; used in problem subjects and logs. */
  readonly name: string;
  /** One-line description for docs and diagnostics. */
  readonly description: string;
  /** Decorates the model in `ctx`; resolves to the problems met on the way. */
  decorate(ctx: DecoratorContext): Promise<Problem[]>;
}

/** Input of `runDecorators`: the models plus optional knobs. */
export interface DecoratorInput {
  readonly namespaces: NamespaceModel;
  readonly network: NetworkModel;
  readonly containers: ContainerModel;
  /** Default `/proc`. */
  readonly procRoot?: string;
  /** Time all decorators together may take (ms). Default 5 000. */
  readonly timeoutMs?: number;
  /** Timeout per engine API call (ms). Default 3 000 (capped at `timeoutMs`). */
  readonly apiTimeoutMs?: number;
  /** Caller's abort (e.g. request gone); aborts the decorators too. */
  readonly signal?: AbortSignal;
}
