// SPDX-License-Identifier: MIT
/**
 * @module analysis/lint
 *
 * `lint`: the explicit list of rule families (one file each) and the function running them.
 * Findings are sorted by severity, then code; every code is documented in docs/analysis.md.
 */
import { dnsRules } from './dns.js';
import { exposureRules } from './exposure.js';
import { l2Rules } from './l2.js';
import { linkRules } from './links.js';
import { mtuRules } from './mtu.js';
import type { LintContext, LintFinding, LintRuleFamily, LintSeverity } from './types.js';

export type * from './types.js';
export { l2Domains } from './l2.js';
export { VXLAN_OVERHEAD } from './mtu.js';

/** All rule families, in the order their findings are listed. */
export const LINT_RULES: readonly LintRuleFamily[] = [
  linkRules,
  mtuRules,
  l2Rules,
  exposureRules,
  dnsRules,
];

const RANK: Readonly<Record<LintSeverity, number>> = { error: 0, warning: 1, info: 2 };

/** Runs every rule family (or `only` codes) and returns the findings, most severe first. */
export function lint(ctx: LintContext, only?: ReadonlySet<string>): LintFinding[] {
  const out: LintFinding[] = [];
  for (const family of LINT_RULES) {
    if (only !== undefined && !Object.keys(family.codes).some((c) => only.has(c))) continue;
    for (const f of family.check(ctx)) if (only === undefined || only.has(f.code)) out.push(f);
  }
  return out.sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.code.localeCompare(b.code));
}

/** Every lint code with its severity and summary. */
export function lintCodes(): Record<string, { severity: LintSeverity; summary: string }> {
  return Object.assign({}, ...LINT_RULES.map((f) => f.codes)) as Record<
    string,
    { severity: LintSeverity; summary: string }
  >;
}
