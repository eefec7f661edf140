// SPDX-License-Identifier: MIT
/**
 * @module models/filters
 *
 * Which netns the wiring and lists show: the search (a netns is kept when anything in it
 * matched), lo-only netns (hidden unless asked for) and sandbox-only netns (pause containers).
 */
import type { WiringModel } from '@gw/wiring';
import type { Filters } from './url-state';

/** Visible netns ids in display order. The host is kept when the search is empty. */
export function visibleNetns(
  m: WiringModel,
  f: Filters,
  matches: ReadonlySet<string> | undefined,
): Set<string> {
  const out = new Set<string>();
  for (const id of m.order) {
    const ns = m.netns[id]!;
    if (matches !== undefined && !matches.has(id)) continue;
    if (matches === undefined) {
      if (!f.showLoOnly && ns.loOnly && !ns.isHost) continue;
      if (!f.sandboxes && ns.sandboxOnly) continue;
    }
    out.add(id);
  }
  return out;
}

/** Number of netns hidden by the noise filters (not by the search). */
export function hiddenByNoise(m: WiringModel, f: Filters): number {
  return m.order.length - visibleNetns(m, f, undefined).size;
}
