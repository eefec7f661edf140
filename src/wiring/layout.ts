// SPDX-License-Identifier: MIT
/**
 * @module wiring/layout
 *
 * Pure layout and wire routing of the wiring view (no DOM measurement: every size is derived
 * from the model and fixed metrics, so the UI, the SVG export and the unit tests agree).
 *
 * Shape: the host netns is a tall card on the left; every other visible netns is a card in a
 * column to its right, grouped by compose project or pod (a collapsed group is one box). Host
 * interfaces whose only wire goes to a visible card (veth ports, mostly) are placed at the height
 * of their peer, so those wires run straight; bridges get a vertical rail inside the card that
 * ticks each of their ports. All other wires are routed orthogonally in one of three gutters —
 * left of the host (host ↔ host), between the columns (host ↔ card) and right of the cards
 * (card ↔ card) — with lanes assigned by greedy interval colouring (shortest first). A wire
 * whose far end is filtered out ends in a labelled stub instead of disappearing.
 */
import type { WireEnd, Wire, WiringModel, NifNode } from './model.js';
import { endLabel } from './model.js';

/** Fixed metrics (CSS pixels at zoom 1). */
export const METRICS = {
  cardW: 280,
  pad: 8,
  headerH: 46,
  badgeH: 22,
  rowH: 26,
  addrLineH: 15,
  cardGap: 14,
  groupHeaderH: 26,
  groupPad: 8,
  laneW: 10,
  railW: 8,
  gutterMin: 72,
  stubLen: 64,
  top: 16,
  margin: 16,
} as const;

/** A rectangle. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Options of a layout run. */
export interface LayoutOptions {
  /** Netns ids to draw (default: all); the rest leave stubs. */
  visible?: ReadonlySet<string>;
  /** Collapsed group keys. */
  collapsed?: ReadonlySet<string>;
  /** Show addresses under each badge. */
  showAddresses?: boolean;
  /** Show `lo` badges. */
  showLo?: boolean;
}

/** A laid-out netns card. */
export interface CardLayout {
  netnsId: string;
  box: Box;
  group: string;
  /** Bridge rails: the vertical line grouping a bridge's ports. */
  rails: Array<{ bridgeId: string; x: number; y1: number; y2: number; ticks: number[] }>;
}

/** A laid-out interface badge. */
export interface BadgeLayout {
  nifId: string;
  netnsId: string;
  box: Box;
  /** Address lines shown under the badge (when `showAddresses`). */
  addresses: string[];
}

/** A laid-out group (compose project or pod). */
export interface GroupLayout {
  key: string;
  label: string;
  box: Box;
  collapsed: boolean;
  netnsIds: string[];
  /** Collapsed: one line per member netns (vertical centre), where its wires end. */
  lines: Array<{ netnsId: string; y: number }>;
}

/** A routed wire. */
export interface RoutedWire {
  wire: Wire;
  /** Orthogonal polyline from end a to end b (or to the stub). */
  points: Array<[number, number]>;
  gutter: 0 | 1 | 2 | -1;
  lane: number;
  /** Texts naming both ends (for tooltips), in a → b order. */
  ends: [string, string];
  /** Set when end b (or a) is not drawn: the label of the stub at the last point. */
  stub?: { label: string; at: [number, number]; side: 'left' | 'right' };
  /** Bounding box (for culling). */
  bbox: Box;
}

/** The complete layout. */
export interface WiringLayout {
  width: number;
  height: number;
  cards: CardLayout[];
  badges: Record<string, BadgeLayout>;
  groups: GroupLayout[];
  wires: RoutedWire[];
}

type Anchor = {
  x: number;
  y: number;
  /** which column the anchor belongs to: 0 = host, 1 = cards */
  col: 0 | 1;
  /** left/right edge x of its box */
  left: number;
  right: number;
  /** x values are relative to the card column (`col`) or the group boxes (`group`) until fixed */
  rel: 'abs' | 'col' | 'group';
};

function rowHeight(n: NifNode, opts: LayoutOptions): number {
  return METRICS.rowH + (opts.showAddresses ? n.addresses.length * METRICS.addrLineH : 0);
}

function shownNifs(m: WiringModel, netnsId: string, opts: LayoutOptions): NifNode[] {
  const ns = m.netns[netnsId];
  if (ns === undefined) return [];
  return ns.nifIds
    .map((id) => m.nifs[id])
    .filter(
      (n): n is NifNode => n !== undefined && (opts.showLo === true || n.kind !== 'loopback'),
    );
}

/**
 * Orders a card's interfaces: bridges directly followed by their ports, then the rest, so the
 * rail of each bridge spans a contiguous block.
 */
function cardRows(nifs: readonly NifNode[]): Array<{ nif: NifNode; indent: number }> {
  const byId = new Map(nifs.map((n) => [n.id, n]));
  const out: Array<{ nif: NifNode; indent: number }> = [];
  const placed = new Set<string>();
  for (const n of nifs) {
    if (placed.has(n.id) || (n.bridgeId !== undefined && byId.has(n.bridgeId))) continue;
    out.push({ nif: n, indent: 0 });
    placed.add(n.id);
    for (const p of n.portIds) {
      const port = byId.get(p);
      if (port !== undefined && !placed.has(p)) {
        out.push({ nif: port, indent: 1 });
        placed.add(p);
      }
    }
  }
  return out;
}

/** Greedy interval colouring: returns a lane per interval (shortest intervals first). */
export function assignLanes(intervals: ReadonlyArray<[number, number]>, gap = 4): number[] {
  const idx = intervals.map((_, i) => i);
  const len = (i: number): number => Math.abs(intervals[i]![1] - intervals[i]![0]);
  const lo = (i: number): number => Math.min(intervals[i]![0], intervals[i]![1]);
  idx.sort((a, b) => len(a) - len(b) || lo(a) - lo(b) || a - b);
  const lanes: Array<Array<[number, number]>> = [];
  const out = new Array<number>(intervals.length).fill(0);
  for (const i of idx) {
    const a = lo(i);
    const b = a + len(i);
    let lane = lanes.findIndex((l) => l.every(([x, y]) => b + gap < x || a - gap > y));
    if (lane < 0) {
      lane = lanes.length;
      lanes.push([]);
    }
    lanes[lane]!.push([a, b]);
    out[i] = lane;
  }
  return out;
}

function bboxOf(points: ReadonlyArray<[number, number]>): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/** Lays out the wiring of `m`. Pure; O(n log n) in cards and wires apart from lane search. */
export function layoutWiring(m: WiringModel, opts: LayoutOptions = {}): WiringLayout {
  const M = METRICS;
  const visible = opts.visible ?? new Set(m.order);
  const collapsed = opts.collapsed ?? new Set<string>();
  const order = m.order.filter((id) => visible.has(id));
  const hostId = order.find((id) => m.netns[id]?.isHost);
  const right = order.filter((id) => id !== hostId);

  const badges: Record<string, BadgeLayout> = {};
  const cards: CardLayout[] = [];
  const groups: GroupLayout[] = [];
  /** where a nif of a collapsed group is anchored */
  const groupAnchor = new Map<string, { g: GroupLayout; y: number }>();

  // Which host nifs are aligned with a visible card's peer: exactly one veth wire, peer drawn.
  const rightSet = new Set(right);
  const wiresOf = new Map<string, Wire[]>();
  for (const w of m.wires)
    for (const e of [w.a, w.b])
      if (e.type === 'nif') wiresOf.set(e.nifId, [...(wiresOf.get(e.nifId) ?? []), w]);
  const peerOf = (nifId: string): string | undefined => {
    const ws = wiresOf.get(nifId) ?? [];
    if (ws.length !== 1 || ws[0]!.kind !== 'veth') return undefined;
    const w = ws[0]!;
    const other = w.a.type === 'nif' && w.a.nifId === nifId ? w.b : w.a;
    if (other.type !== 'nif') return undefined;
    const ns = m.nifs[other.nifId]?.netnsId;
    return ns !== undefined && rightSet.has(ns) ? other.nifId : undefined;
  };

  // --- host: header and the unaligned rows
  const hostX = M.margin + M.stubLen + M.gutterMin;
  const hostNifs = hostId !== undefined ? shownNifs(m, hostId, opts) : [];
  const hostRows = cardRows(hostNifs);
  const hostBridges = hostRows.filter((r) => r.nif.kind === 'bridge');
  const railsW = hostBridges.length * M.railW;
  let y = M.top + M.headerH;
  const aligned: Array<{ nif: NifNode; peer: string }> = [];
  for (const r of hostRows) {
    const peer = peerOf(r.nif.id);
    if (peer !== undefined) {
      aligned.push({ nif: r.nif, peer });
      continue;
    }
    const indent = r.nif.bridgeId !== undefined ? railsW + 6 : railsW;
    badges[r.nif.id] = {
      nifId: r.nif.id,
      netnsId: hostId!,
      box: { x: hostX + M.pad + indent, y, w: M.cardW - 2 * M.pad - indent, h: M.badgeH },
      addresses: opts.showAddresses ? r.nif.addresses : [],
    };
    y += rowHeight(r.nif, opts);
  }
  const hostTopEnd = hostId !== undefined ? y + M.cardGap : M.top;

  // --- right column (x fixed later): y positions first
  let ry = hostTopEnd;
  const rightCards: CardLayout[] = [];
  const rightBadges: BadgeLayout[] = [];
  let i = 0;
  while (i < right.length) {
    const ns = m.netns[right[i]!]!;
    let j = i;
    while (j < right.length && ns.group !== '' && m.netns[right[j]!]!.group === ns.group) j++;
    if (j === i) j = i + 1;
    const members = right.slice(i, j);
    const grouped = ns.group !== '';
    let g: GroupLayout | undefined;
    if (grouped) {
      g = {
        key: ns.group,
        label: ns.groupLabel,
        box: { x: 0, y: ry, w: M.cardW + 2 * M.groupPad, h: 0 },
        collapsed: collapsed.has(ns.group),
        netnsIds: members,
        lines: [],
      };
      groups.push(g);
      ry += M.groupHeaderH;
    }
    if (g?.collapsed) {
      members.forEach((id, k) => {
        const y = g.box.y + M.groupHeaderH + k * M.rowH + M.badgeH / 2;
        g.lines.push({ netnsId: id, y });
        for (const n of m.netns[id]!.nifIds) groupAnchor.set(n, { g, y });
      });
      g.box.h = M.groupHeaderH + members.length * M.rowH + M.groupPad;
      ry = g.box.y + g.box.h + M.cardGap;
      i = j;
      continue;
    }
    for (const id of members) {
      const rows = cardRows(shownNifs(m, id, opts));
      const box: Box = { x: 0, y: ry, w: M.cardW, h: 0 };
      let cy = ry + M.headerH;
      const rails: CardLayout['rails'] = [];
      let rail: CardLayout['rails'][number] | undefined;
      const nBridges = rows.filter((r) => r.nif.kind === 'bridge').length;
      const cw = nBridges * M.railW;
      for (const r of rows) {
        if (r.nif.kind === 'bridge') {
          rail = {
            bridgeId: r.nif.id,
            x: cw > 0 ? rails.length * M.railW + M.pad + 3 : 0,
            y1: cy + M.badgeH / 2,
            y2: cy + M.badgeH / 2,
            ticks: [],
          };
          rails.push(rail);
        }
        const indent = cw + (r.indent > 0 ? 6 : 0);
        const b: BadgeLayout = {
          nifId: r.nif.id,
          netnsId: id,
          box: { x: M.pad + indent, y: cy, w: M.cardW - 2 * M.pad - indent, h: M.badgeH },
          addresses: opts.showAddresses ? r.nif.addresses : [],
        };
        if (r.indent > 0 && rail !== undefined) {
          rail.y2 = cy + M.badgeH / 2;
          rail.ticks.push(cy + M.badgeH / 2);
        }
        rightBadges.push(b);
        badges[r.nif.id] = b;
        cy += rowHeight(r.nif, opts);
      }
      box.h = cy - ry + M.pad;
      const card: CardLayout = { netnsId: id, box, group: ns.group, rails };
      rightCards.push(card);
      ry += box.h + M.cardGap;
    }
    if (g !== undefined) {
      g.box.h = ry - g.box.y - M.cardGap + M.groupPad;
      ry += M.groupPad;
    }
    i = j;
  }

  // --- host port area: aligned badges at their peers' height
  const peerTop = (nifId: string): number | undefined => {
    const b = badges[nifId];
    if (b !== undefined) return b.box.y;
    const g = groupAnchor.get(nifId);
    return g !== undefined ? g.y - M.badgeH / 2 : undefined;
  };
  aligned.sort(
    (a, b) =>
      (peerTop(a.peer) ?? 0) - (peerTop(b.peer) ?? 0) || a.nif.name.localeCompare(b.nif.name),
  );
  let py = hostTopEnd;
  for (const a of aligned) {
    const want = peerTop(a.peer) ?? py;
    const top = Math.max(py, want);
    const indent = a.nif.bridgeId !== undefined ? railsW + 6 : railsW;
    badges[a.nif.id] = {
      nifId: a.nif.id,
      netnsId: hostId!,
      box: { x: hostX + M.pad + indent, y: top, w: M.cardW - 2 * M.pad - indent, h: M.badgeH },
      addresses: opts.showAddresses ? a.nif.addresses : [],
    };
    py = top + rowHeight(a.nif, opts);
  }
  if (hostId !== undefined) {
    const hostBottom = Math.max(y, py) + M.pad;
    const rails: CardLayout['rails'] = hostBridges.map((r, k) => {
      const ports = r.nif.portIds
        .map((p) => badges[p])
        .filter((b): b is BadgeLayout => b !== undefined);
      const ticks = ports.map((b) => b.box.y + M.badgeH / 2);
      const y1 = (badges[r.nif.id]?.box.y ?? 0) + M.badgeH / 2;
      return {
        bridgeId: r.nif.id,
        x: hostX + M.pad + 3 + k * M.railW,
        y1,
        y2: Math.max(y1, ...ticks),
        ticks,
      };
    });
    cards.push({
      netnsId: hostId,
      box: { x: hostX, y: M.top, w: M.cardW, h: hostBottom - M.top },
      group: '',
      rails,
    });
  }

  // --- resolve wire ends
  const anchorOf = (e: WireEnd): Anchor | { stub: string } => {
    if (e.type === 'nif') {
      const b = badges[e.nifId];
      const n = m.nifs[e.nifId];
      if (b !== undefined) {
        const col = b.netnsId === hostId ? 0 : 1;
        return {
          x: 0,
          y: b.box.y + M.badgeH / 2,
          col,
          left: b.box.x,
          right: b.box.x + b.box.w,
          rel: col === 0 ? 'abs' : 'col',
        };
      }
      const ga = groupAnchor.get(e.nifId);
      if (ga !== undefined)
        return {
          x: 0,
          y: ga.y,
          col: 1,
          left: 0,
          right: M.cardW + 2 * M.groupPad,
          rel: 'group',
        };
      return {
        stub:
          n !== undefined ? `${n.name} in ${m.netns[n.netnsId]?.title ?? '?'} (hidden)` : e.nifId,
      };
    }
    if (e.type === 'process' && e.tenantNetnsId !== undefined) {
      const c = [...rightCards, ...cards].find((k) => k.netnsId === e.tenantNetnsId);
      if (c !== undefined) {
        const col = c.netnsId === hostId ? 0 : 1;
        return {
          x: 0,
          y: c.box.y + M.headerH / 2,
          col,
          left: c.box.x,
          right: c.box.x + c.box.w,
          rel: col === 0 ? 'abs' : 'col',
        };
      }
    }
    return { stub: e.label };
  };

  type Pending = {
    wire: Wire;
    a: Anchor;
    b: Anchor | null;
    stub?: string;
    gutter: 0 | 1 | 2 | -1;
  };
  const pending: Pending[] = [];
  for (const w of m.wires) {
    let ea = anchorOf(w.a);
    let eb = anchorOf(w.b);
    let wire = w;
    if ('stub' in ea && 'stub' in eb) continue; // neither end drawn
    if ('stub' in ea) {
      // keep the drawn end first
      [ea, eb] = [eb, ea];
      wire = { ...w, a: w.b, b: w.a };
    }
    const a = ea as Anchor;
    if ('stub' in eb) {
      pending.push({ wire, a, b: null, stub: eb.stub, gutter: -1 });
      continue;
    }
    const b = eb;
    const gutter = a.col !== b.col ? 1 : a.col === 0 ? 0 : 2;
    pending.push({ wire, a, b, gutter });
  }

  // --- lanes per gutter
  const laneOf = new Map<Pending, number>();
  let lanes1 = 0;
  let lanes2 = 0;
  for (const g of [0, 1, 2] as const) {
    const ps = pending.filter(
      (p) => p.gutter === g && !(g === 1 && Math.abs(p.a.y - p.b!.y) < 0.5),
    );
    // Wires sharing an end (a host NIC with many MACVLANs, a VXLAN underlay) share one lane:
    // they fan out from it like a bus instead of taking a lane each.
    const shared = new Map<string, Pending[]>();
    for (const p of ps) {
      const end = g === 1 ? (p.a.col === 0 ? p.wire.a : p.wire.b) : p.wire.b;
      const key = end.type === 'nif' ? end.nifId : p.wire.id;
      shared.set(key, [...(shared.get(key) ?? []), p]);
    }
    const buses = [...shared.values()];
    const ls = assignLanes(
      buses.map((bus) => [
        Math.min(...bus.map((p) => Math.min(p.a.y, p.b!.y))),
        Math.max(...bus.map((p) => Math.max(p.a.y, p.b!.y))),
      ]),
    );
    buses.forEach((bus, k) => {
      for (const p of bus) laneOf.set(p, ls[k]!);
    });
    const n = ls.length > 0 ? Math.max(...ls) + 1 : 0;
    if (g === 1) lanes1 = n;
    else if (g === 2) lanes2 = n;
  }

  const hostRight = hostX + M.cardW;
  const g1 = Math.max(M.gutterMin, 24 + (lanes1 + 1) * M.laneW + 24);
  const colX = hostId !== undefined ? hostRight + g1 : hostX;
  const groupX = colX - M.groupPad;
  for (const g of groups) g.box.x = groupX;
  for (const c of rightCards) {
    c.box.x = colX;
    for (const r of c.rails) r.x += colX;
  }
  for (const b of rightBadges) b.box.x += colX;
  cards.push(...rightCards);
  const colRight = colX + M.cardW;
  const g2Right = colRight + M.groupPad + 16 + (lanes2 + 1) * M.laneW;

  // absolute x for anchors of the right column
  const fix = (a: Anchor): Anchor => {
    const dx = a.rel === 'col' ? colX : a.rel === 'group' ? groupX : 0;
    return { ...a, left: a.left + dx, right: a.right + dx, rel: 'abs' };
  };

  const wires: RoutedWire[] = [];
  for (const p of pending) {
    const a = fix(p.a);
    const lane = laneOf.get(p) ?? 0;
    const ends: [string, string] = [endLabel(m, p.wire.a), endLabel(m, p.wire.b)];
    let points: Array<[number, number]>;
    let stub: RoutedWire['stub'];
    if (p.b === null) {
      // stub: toward where the far end would be
      const farHost = p.wire.b.type === 'nif' && m.nifs[p.wire.b.nifId]?.netnsId === hostId;
      const toLeft = p.wire.kind === 'external' ? a.col === 0 : a.col === 1 && farHost;
      const sx = toLeft ? a.left - M.stubLen : a.right + M.stubLen;
      points = [
        [toLeft ? a.left : a.right, a.y],
        [sx, a.y],
      ];
      stub = { label: p.stub ?? '', at: [sx, a.y], side: toLeft ? 'left' : 'right' };
      if (p.wire.kind !== 'external') ends[1] = p.stub ?? ends[1];
    } else {
      const b = fix(p.b);
      if (p.gutter === 1) {
        const [h, c] = a.col === 0 ? [a, b] : [b, a];
        if (Math.abs(h.y - c.y) < 0.5)
          points = [
            [h.right, h.y],
            [c.left, c.y],
          ];
        else {
          const lx = hostRight + 24 + lane * M.laneW;
          points = [
            [h.right, h.y],
            [lx, h.y],
            [lx, c.y],
            [c.left, c.y],
          ];
        }
        if (h !== a) points.reverse();
      } else if (p.gutter === 2) {
        const lx = colRight + M.groupPad + 16 + lane * M.laneW;
        points = [
          [a.right, a.y],
          [lx, a.y],
          [lx, b.y],
          [b.right, b.y],
        ];
      } else {
        const lx = hostX - 16 - lane * M.laneW;
        points = [
          [a.left, a.y],
          [lx, a.y],
          [lx, b.y],
          [b.left, b.y],
        ];
      }
    }
    wires.push({
      wire: p.wire,
      points,
      gutter: p.gutter,
      lane,
      ends,
      ...(stub !== undefined ? { stub } : {}),
      bbox: bboxOf(points),
    });
  }

  const bottoms = [
    ...cards.map((c) => c.box.y + c.box.h),
    ...groups.map((g) => g.box.y + g.box.h),
    M.top,
  ];
  const width = Math.max(g2Right, colRight + M.stubLen + 160) + M.margin;
  return { width, height: Math.max(...bottoms) + M.margin, cards, badges, groups, wires };
}
