// SPDX-License-Identifier: MIT
/**
 * @module decorators
 *
 * Post-discovery enrichment with what the container engines know. The decorators are
 * registered in the explicit list {@link DECORATORS} (no registration by import side effect,
 * house style rule 8) and run by {@link runDecorators}: all together, each isolated (a failure
 * is a problem, the others still run), within one time budget. See docs/decorators.md.
 *
 * May import `engines`, `network`, `namespaces`, `procfs`, `native`, `model`, `errors`, `util`;
 * must not import `discovery`, `api`, `server`, `cli`.
 */
import type { Problem } from '../model/problem.js';
import type { Decorator, DecoratorInput } from './decorator.js';
import { dockernet } from './dockernet/index.js';
import { kind } from './kind/index.js';
import { nerdctlnet } from './nerdctlnet/index.js';
import { podmannet } from './podmannet/index.js';
import { runDecoratorList } from './run.js';

export type { Decorator, DecoratorContext, DecoratorInput } from './decorator.js';
export {
  BRIDGE_INTERNAL_LABEL,
  DEFAULT_BRIDGE_LABEL,
  NERDCTL_NETWORK_NAME_LABEL,
  NETWORK_NAME_LABEL,
  applyDecoration,
  engineNetns,
  nifByName,
  type NifDecoration,
} from './common.js';
export { DEFAULT_API_TIMEOUT_MS, DEFAULT_DECORATOR_TIMEOUT_MS, runDecoratorList } from './run.js';
export { dockernet, dockerNetworkDecorations, bridgeName } from './dockernet/index.js';
export {
  podmannet,
  podmanNetworkDecorations,
  libpodNetworks,
  type LibpodNetwork,
} from './podmannet/index.js';
export {
  nerdctlnet,
  createNerdctlnet,
  nerdctlDecoration,
  readNerdctlDecorations,
  type NerdctlFiles,
} from './nerdctlnet/index.js';
export {
  kind,
  kindMarks,
  isKindNode,
  KIND_CLUSTER_LABEL,
  KIND_NODE_LABEL,
  KIND_ROLE_LABEL,
  KIND_CLUSTER_SOURCE_LABEL,
  KIND_ROLE_SOURCE_LABEL,
} from './kind/index.js';

/** All decorators, in the order their problems are reported. */
export const DECORATORS: readonly Decorator[] = [dockernet, podmannet, nerdctlnet, kind];

/**
 * Runs all {@link DECORATORS} over one discovery's models (mutating nif aliases/labels and
 * container labels in place) and returns their problems. Never throws for a decorator's
 * failure; bounded by `input.timeoutMs` (default 5 s).
 */
export function runDecorators(input: DecoratorInput): Promise<Problem[]> {
  return runDecoratorList(input, DECORATORS);
}
