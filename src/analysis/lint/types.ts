// SPDX-License-Identifier: MIT
/**
 * @module analysis/lint/types
 *
 * Findings of `ghostwire lint`: a stable code, a severity, the objects concerned (by v1 id and
 * by name) and a sentence. Every code is documented with an example in docs/analysis.md.
 */
import type { DiscoveryResult } from '../../model/discovery.js';
import type { NetnsFactsModel } from '../../model/netns-facts.js';

/** Severity of a finding. */
export type LintSeverity = 'error' | 'warning' | 'info';

/** An object a finding is about. */
export interface LintObject {
  readonly kind: 'netns' | 'nif' | 'route' | 'container' | 'forward' | 'nameserver';
  /** v1 id (`netns-<ino>`, `nif-<ino>-<index>`, `cont-<pid>`), or a text id for routes/forwards. */
  readonly id: string;
  /** Human name (`eth0 in web`, container name, `ip route` text). */
  readonly name: string;
}

/** One finding. */
export interface LintFinding {
  readonly code: string;
  readonly severity: LintSeverity;
  readonly objects: readonly LintObject[];
  readonly message: string;
}

/** What the rules look at. */
export interface LintContext {
  readonly result: DiscoveryResult;
  /** Per-netns facts for the rules that ask the reachability engine. */
  readonly facts: NetnsFactsModel | undefined;
}

/** A rule family: a name and a function producing its findings. */
export interface LintRuleFamily {
  readonly name: string;
  /** The codes this family can produce, with their severity and a one-line summary. */
  readonly codes: Readonly<
    Record<string, { readonly severity: LintSeverity; readonly summary: string }>
  >;
  check(ctx: LintContext): LintFinding[];
}
