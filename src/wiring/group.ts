// SPDX-License-Identifier: MIT
/**
 * @module wiring/group
 *
 * Grouping of the wiring cards. The model groups by compose project or pod (`NetnsNode.group`);
 * `groupWiring(m, 'network')` regroups by **network**: the netns whose veth peers are ports of
 * the same Linux bridge (a Docker/podman/nerdctl network is one bridge; its engine name is the
 * bridge's alias) form one group, titled by the network name. A netns attached to several
 * networks joins the one first by name (a card is drawn once); a netns on no bridge, and the
 * host, stay ungrouped. `'none'` draws every card on its own. Pure; returns a new model that
 * shares the nodes it does not change, so the layout, the exports and the UI take it as is.
 */
import type { NetnsNode, WiringModel } from './model.js';

/** How the cards are grouped. */
export const GROUP_BY = ['project', 'network', 'none'] as const;
/** A grouping. */
export type GroupBy = (typeof GROUP_BY)[number];

/**
 * The bridges (networks) each netns is attached to, by netns id: `{key, label}` sorted by
 * label, where key is `net:<bridge nif id>` and label the bridge's alias (the engine network
 * name) or, without one, its name.
 */
export function networksOf(m: WiringModel): Map<string, Array<{ key: string; label: string }>> {
  const out = new Map<string, Map<string, string>>();
  for (const w of m.wires) {
    if (w.kind !== 'veth' || w.a.type !== 'nif' || w.b.type !== 'nif') continue;
    for (const [self, other] of [
      [w.a.nifId, w.b.nifId],
      [w.b.nifId, w.a.nifId],
    ] as const) {
      const bridgeId = m.nifs[other]?.bridgeId;
      const netnsId = m.nifs[self]?.netnsId;
      const bridge = bridgeId !== undefined ? m.nifs[bridgeId] : undefined;
      if (bridge === undefined || netnsId === undefined || netnsId === bridge.netnsId) continue;
      const nets = out.get(netnsId) ?? new Map<string, string>();
      nets.set(`net:${bridge.id}`, bridge.alias !== '' ? bridge.alias : bridge.name);
      out.set(netnsId, nets);
    }
  }
  return new Map(
    [...out].map(([id, nets]) => [
      id,
      [...nets]
        .map(([key, label]) => ({ key, label }))
        .sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key)),
    ]),
  );
}

/** The model grouped `by` (see the module doc); `'project'` returns `m` itself. */
export function groupWiring(m: WiringModel, by: GroupBy): WiringModel {
  if (by === 'project') return m;
  const nets = by === 'network' ? networksOf(m) : new Map<string, never[]>();
  const netns: Record<string, NetnsNode> = {};
  for (const [id, ns] of Object.entries(m.netns)) {
    const first = ns.isHost ? undefined : nets.get(id)?.[0];
    netns[id] =
      first === undefined
        ? ns.group === ''
          ? ns
          : { ...ns, group: '', groupLabel: '' }
        : { ...ns, group: first.key, groupLabel: first.label };
  }
  // the layout groups consecutive cards: host first, then the groups by label, then the rest,
  // each in the model's own order
  const rank = new Map(m.order.map((id, i) => [id, i]));
  const order = [...m.order].sort((a, b) => {
    const x = netns[a]!;
    const y = netns[b]!;
    return (
      (x.isHost ? -1 : 0) - (y.isHost ? -1 : 0) ||
      (x.group === '' ? 1 : 0) - (y.group === '' ? 1 : 0) ||
      x.groupLabel.localeCompare(y.groupLabel) ||
      x.group.localeCompare(y.group) ||
      rank.get(a)! - rank.get(b)!
    );
  });
  return { ...m, netns, order };
}
