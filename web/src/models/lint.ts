// SPDX-License-Identifier: MIT
/**
 * @module models/lint
 *
 * Lint findings of the service (`GET api/lint`, `{findings: [...]}`, the JSON `ghostwire lint
 * --json` prints; see docs/analysis.md) mapped onto the netns they concern, so the wiring can
 * mark the affected cards and the details list them. The finding shape is declared here
 * structurally (the UI imports no analysis code).
 */
import type { DiscoveryResultV1 } from '@gw/api';

/** One finding as the API sends it. */
export interface LintFindingDto {
  code: string;
  severity: 'error' | 'warning' | 'info';
  objects: Array<{ kind: string; id: string; name: string }>;
  message: string;
}

/** Findings per netns id (`netns-<ino>`), most severe first. */
export function findingsByNetns(
  doc: DiscoveryResultV1,
  findings: readonly LintFindingDto[],
): Map<string, LintFindingDto[]> {
  const containerNetns = new Map<string, string>();
  for (const ns of doc['network-namespaces'])
    for (const c of ns.containers) containerNetns.set(c.id, ns.id);
  const known = new Set(doc['network-namespaces'].map((n) => n.id));
  const out = new Map<string, LintFindingDto[]>();
  for (const f of findings) {
    const ids = new Set<string>();
    for (const o of f.objects) {
      let id: string | undefined;
      if (o.kind === 'netns') id = o.id;
      else if (o.kind === 'nif') id = /^nif-(\d+)-\d+$/.exec(o.id)?.[1]?.replace(/^/, 'netns-');
      else if (o.kind === 'container') id = containerNetns.get(o.id);
      if (id !== undefined && known.has(id)) ids.add(id);
    }
    for (const id of ids) out.set(id, [...(out.get(id) ?? []), f]);
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  for (const l of out.values()) l.sort((a, b) => rank[a.severity] - rank[b.severity]);
  return out;
}
