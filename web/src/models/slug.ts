// SPDX-License-Identifier: MIT
/**
 * @module models/slug
 *
 * Deep links name containers, not inodes: `n/<name>` resolves a pod, container, compose project
 * or process name (exactly, then case-insensitively, then by a Dice similarity ≥ 0.8, which
 * also finds `web-1` after a restart renamed it from `web_1`); an all-digits slug is an inode.
 * Otherwise it offers "did you mean" candidates (similarity ≥ 0.3).
 */
import type { WiringModel } from '@gw/wiring';

/** Result of resolving a slug. */
export type SlugResult =
  | { found: true; netnsId: string }
  | { found: false; suggestions: Array<{ name: string; netnsId: string; score: number }> };

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  const t = s.toLowerCase();
  for (let i = 0; i < t.length - 1; i++) {
    const b = t.slice(i, i + 2);
    m.set(b, (m.get(b) ?? 0) + 1);
  }
  return m;
}

/** Sørensen–Dice coefficient over character bigrams (1 for equal strings). */
export function dice(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return a.toLowerCase() === b.toLowerCase() ? 1 : 0;
  const x = bigrams(a);
  const y = bigrams(b);
  let both = 0;
  for (const [k, n] of x) both += Math.min(n, y.get(k) ?? 0);
  return (2 * both) / (a.length - 1 + (b.length - 1));
}

/** Names a netns can be linked by: pods, projects, tenants (also without a `(pid)` suffix). */
export function netnsNames(m: WiringModel, netnsId: string): string[] {
  const ns = m.netns[netnsId];
  if (ns === undefined) return [];
  const out = new Set<string>();
  for (const t of ns.tenants) {
    out.add(t.name);
    const bare = t.name.replace(/\(\d+\)$/, '');
    if (bare !== '' && bare !== t.name) out.add(bare);
    if (t.pod !== '') out.add(t.pod);
  }
  return [...out];
}

/** The slug to link a netns by: its first pod or tenant name, else its inode. */
export function slugOf(m: WiringModel, netnsId: string): string {
  const ns = m.netns[netnsId];
  if (ns === undefined) return '';
  const t = ns.tenants.find((x) => x.pod !== '')?.pod ?? ns.tenants.find((x) => !x.sandbox)?.name;
  if (t === undefined) return String(ns.netnsid);
  // a process name with its PID changes on restart: link a stand-alone process by its name only
  // when that name is unique
  const bare = t.replace(/\(\d+\)$/, '');
  const uses = Object.keys(m.netns).filter((id) => netnsNames(m, id).includes(bare)).length;
  return bare !== t && uses === 1 ? bare : t;
}

/** The slugs of all netns at once (O(n); {@link slugOf} per netns is O(n) each). */
export function slugsOf(m: WiringModel): Map<string, string> {
  const uses = new Map<string, number>();
  for (const id of m.order)
    for (const name of netnsNames(m, id)) uses.set(name, (uses.get(name) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const id of m.order) {
    const ns = m.netns[id]!;
    const t = ns.tenants.find((x) => x.pod !== '')?.pod ?? ns.tenants.find((x) => !x.sandbox)?.name;
    if (t === undefined) {
      out.set(id, String(ns.netnsid));
      continue;
    }
    const bare = t.replace(/\(\d+\)$/, '');
    out.set(id, bare !== t && uses.get(bare) === 1 ? bare : t);
  }
  return out;
}

/** Resolves a slug. */
export function resolveSlug(m: WiringModel, slug: string): SlugResult {
  if (/^\d+$/.test(slug)) {
    const hit = Object.values(m.netns).find((n) => String(n.netnsid) === slug);
    if (hit !== undefined) return { found: true, netnsId: hit.id };
  }
  const all: Array<{ name: string; netnsId: string }> = [];
  for (const id of m.order) for (const name of netnsNames(m, id)) all.push({ name, netnsId: id });
  const exact =
    all.find((x) => x.name === slug) ??
    all.find((x) => x.name.toLowerCase() === slug.toLowerCase());
  if (exact !== undefined) return { found: true, netnsId: exact.netnsId };
  const scored = all
    .map((x) => ({ ...x, score: dice(slug, x.name) }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const best = scored[0];
  if (best !== undefined && best.score >= 0.8 && (scored[1]?.score ?? 0) < best.score)
    return { found: true, netnsId: best.netnsId };
  const seen = new Set<string>();
  return {
    found: false,
    suggestions: scored
      .filter((x) => x.score >= 0.3 && !seen.has(x.name) && seen.add(x.name) !== undefined)
      .slice(0, 8),
  };
}
