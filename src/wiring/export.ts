// SPDX-License-Identifier: MIT
/**
 * @module wiring/export
 *
 * Text exports of the wiring: SVG (drawn from the same {@link layoutWiring} layout the web UI
 * renders), Graphviz DOT and Mermaid (one node per netns, one edge per wire, labelled with the
 * interface names at both ends). Every host string is escaped for its format.
 */
import type { WiringLayout, RoutedWire } from './layout.js';
import { METRICS } from './layout.js';
import type { WireEnd, WireKind, WiringModel } from './model.js';
import { WIRE_KIND_TEXT } from './model.js';

/** Escapes text for XML character data and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

/** SVG dash pattern per wire kind (also used by the UI): the kind never rests on colour alone. */
export const WIRE_DASH: Readonly<Record<WireKind, string>> = {
  veth: '',
  macvlan: '8 3 2 3',
  vlan: '2 3',
  vxlan: '10 4',
  vf: '12 3 4 3',
  tuntap: '4 2',
  external: '6 3',
};

/** Polyline points as an SVG path `d`. */
export function pathD(points: ReadonlyArray<[number, number]>): string {
  return points
    .map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`)
    .join(' ');
}

/** Short kind text of an interface badge. */
export const NIF_KIND_TEXT: Readonly<Record<string, string>> = {
  loopback: 'lo',
  physical: 'nic',
  bridge: 'br',
  veth: 'veth',
  macvlan: 'mvl',
  vlan: 'vlan',
  vxlan: 'vxl',
  tun: 'tun',
  tap: 'tap',
  dummy: 'dum',
  other: 'if',
};

/** Clips text to roughly `chars` characters (fixed metrics, no font measuring). */
export function clip(s: string, chars: number): string {
  return s.length <= chars ? s : `${s.slice(0, Math.max(1, chars - 1))}…`;
}

/** Colours of the standalone SVG (light theme). */
const C = {
  bg: '#ffffff',
  card: '#f6f8fa',
  cardStroke: '#8c959f',
  text: '#1f2328',
  muted: '#59636e',
  wire: '#0b6e4f',
  down: '#8c959f',
  group: '#6e7781',
};

function wireSvg(w: RoutedWire): string {
  const dash = WIRE_DASH[w.wire.kind];
  const stroke = w.wire.up ? C.wire : C.down;
  const title = `${WIRE_KIND_TEXT[w.wire.kind]}: ${w.ends[0]} ↔ ${w.ends[1]}${w.wire.up ? '' : ' (down)'}`;
  let out = `<path class="wire ${w.wire.kind}${w.wire.up ? '' : ' down'}" d="${pathD(w.points)}" fill="none" stroke="${stroke}" stroke-width="2"${dash !== '' ? ` stroke-dasharray="${dash}"` : ''}${w.stub !== undefined || w.wire.kind === 'external' ? ' marker-end="url(#gw-arrow)"' : ''}><title>${xmlEscape(title)}</title></path>`;
  if (w.stub !== undefined) {
    const [x, y] = w.stub.at;
    const anchor = w.stub.side === 'left' ? 'end' : 'start';
    const tx = w.stub.side === 'left' ? x - 4 : x + 4;
    out += `<text x="${tx}" y="${y + 4}" font-size="11" fill="${C.muted}" text-anchor="${anchor}">${xmlEscape(clip(w.stub.label, 40))}</text>`;
  }
  return out;
}

/** The standalone SVG document of a layout. */
export function wiringToSvg(m: WiringModel, l: WiringLayout, title = 'Ghostwire wiring'): string {
  const M = METRICS;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}" font-family="ui-monospace, monospace">`,
    `<title>${xmlEscape(title)}</title>`,
    `<defs><marker id="gw-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${C.muted}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="${C.bg}"/>`,
  );
  for (const g of l.groups)
    parts.push(
      `<g class="group"><rect x="${g.box.x}" y="${g.box.y}" width="${g.box.w}" height="${g.box.h}" rx="8" fill="none" stroke="${C.group}" stroke-dasharray="6 4"/><text x="${g.box.x + 8}" y="${g.box.y + 17}" font-size="12" font-weight="bold" fill="${C.text}">${xmlEscape(clip(`${g.label}${g.collapsed ? ` (${g.netnsIds.length} collapsed)` : ''}`, 36))}</text>${g.lines.map((ln) => `<text x="${g.box.x + 14}" y="${ln.y + 4}" font-size="11" fill="${C.text}">${xmlEscape(clip(m.netns[ln.netnsId]?.title ?? '', 36))}</text>`).join('')}</g>`,
    );
  for (const c of l.cards) {
    const ns = m.netns[c.netnsId];
    if (ns === undefined) continue;
    const b = c.box;
    const marks = ns.tenants
      .slice(0, 3)
      .map((t) => `${t.typeText} ${t.status}${t.privileged ? ' privileged' : ''}`)
      .join('; ');
    parts.push(
      `<g class="card"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="${C.card}" stroke="${C.cardStroke}"/>`,
      `<text x="${b.x + M.pad}" y="${b.y + 18}" font-size="13" font-weight="bold" fill="${C.text}">${xmlEscape(clip(ns.title, 34))}</text>`,
      `<text x="${b.x + M.pad}" y="${b.y + 35}" font-size="10" fill="${C.muted}">${xmlEscape(clip(`${ns.isHost ? 'host · ' : ''}netns ${ns.netnsid}${marks !== '' ? ` · ${marks}` : ''}`, 46))}</text>`,
    );
    for (const r of c.rails) {
      parts.push(
        `<path d="M${r.x},${r.y1} L${r.x},${r.y2}" stroke="${C.muted}" stroke-width="3"/>`,
        ...r.ticks.map(
          (t) => `<path d="M${r.x},${t} L${r.x + 10},${t}" stroke="${C.muted}" stroke-width="2"/>`,
        ),
      );
    }
    parts.push('</g>');
  }
  for (const b of Object.values(l.badges)) {
    const n = m.nifs[b.nifId];
    if (n === undefined) continue;
    const x = b.box;
    parts.push(
      `<g class="nif"><rect x="${x.x}" y="${x.y}" width="${x.w}" height="${x.h}" rx="4" fill="${C.bg}" stroke="${n.up ? C.wire : C.down}"${n.up ? '' : ' stroke-dasharray="3 2"'}/>`,
      `<text x="${x.x + 6}" y="${x.y + 15}" font-size="11" fill="${C.text}">${xmlEscape(clip(`${n.up ? '▲' : '▼'} ${NIF_KIND_TEXT[n.kind] ?? 'if'} ${n.name}${n.alias !== '' ? ` ~${n.alias}` : ''}${n.vid !== undefined ? ` VID ${n.vid}` : ''}`, Math.floor(x.w / 7)))}</text>`,
      ...b.addresses.map(
        (a, k) =>
          `<text x="${x.x + 10}" y="${x.y + M.badgeH + 11 + k * M.addrLineH}" font-size="10" fill="${C.muted}">${xmlEscape(a)}</text>`,
      ),
      '</g>',
    );
  }
  for (const w of l.wires) parts.push(wireSvg(w));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function endNifName(m: WiringModel, e: WireEnd): string {
  return e.type === 'nif' ? (m.nifs[e.nifId]?.name ?? e.nifId) : e.label;
}

function endNode(m: WiringModel, e: WireEnd): string | undefined {
  if (e.type === 'nif') return m.nifs[e.nifId]?.netnsId;
  if (e.type === 'process') return e.tenantNetnsId ?? `proc-${e.pid}`;
  return 'outside';
}

/** Graphviz DOT: one node per netns (plus `outside` and tenant-less processes), one edge per wire. */
export function wiringToDot(m: WiringModel, netnsIds: readonly string[] = m.order): string {
  const q = (s: string): string =>
    `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  const keep = new Set(netnsIds);
  const lines = [
    'graph ghostwire {',
    '  graph [rankdir=LR];',
    '  node [shape=box, fontname="monospace"];',
  ];
  for (const id of netnsIds) {
    const ns = m.netns[id];
    if (ns !== undefined)
      lines.push(`  ${q(id)} [label=${q(`${ns.title}\nnetns ${ns.netnsid}`)}];`);
  }
  const extra = new Set<string>();
  for (const w of m.wires) {
    const a = endNode(m, w.a);
    const b = endNode(m, w.b);
    if (a === undefined || b === undefined || (!keep.has(a) && !keep.has(b))) continue;
    for (const [n, e] of [
      [a, w.a],
      [b, w.b],
    ] as const)
      if (!keep.has(n) && !extra.has(n)) {
        extra.add(n);
        lines.push(
          `  ${q(n)} [label=${q(n === 'outside' ? 'outside' : e.type === 'nif' ? `${m.netns[n]?.title ?? n} (not exported)` : endNifName(m, e))}, shape=${n === 'outside' ? 'ellipse' : 'box'}, style=dashed];`,
        );
      }
    const style = w.kind === 'veth' ? 'solid' : w.kind === 'vlan' ? 'dotted' : 'dashed';
    lines.push(
      `  ${q(a)} -- ${q(b)} [label=${q(w.kind)}, taillabel=${q(endNifName(m, w.a))}, headlabel=${q(endNifName(m, w.b))}, style=${style}${w.up ? '' : ', color=gray'}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid flowchart: one node per netns, one edge per wire (`eth0 — veth12` labels). */
export function wiringToMermaid(m: WiringModel, netnsIds: readonly string[] = m.order): string {
  const keep = new Set(netnsIds);
  const ids = new Map<string, string>();
  const nid = (k: string): string => {
    let v = ids.get(k);
    if (v === undefined) {
      v = `n${ids.size}`;
      ids.set(k, v);
    }
    return v;
  };
  // Mermaid labels in "…" accept entity codes: escape quotes and markup characters.
  const lab = (s: string): string =>
    `"${s.replace(/[&<>"#]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\n/g, ' ')}"`;
  const lines = ['flowchart LR'];
  for (const id of netnsIds) {
    const ns = m.netns[id];
    if (ns !== undefined) lines.push(`  ${nid(id)}[${lab(`${ns.title} · netns ${ns.netnsid}`)}]`);
  }
  const extra = new Set<string>();
  for (const w of m.wires) {
    const a = endNode(m, w.a);
    const b = endNode(m, w.b);
    if (a === undefined || b === undefined || (!keep.has(a) && !keep.has(b))) continue;
    for (const [n, e] of [
      [a, w.a],
      [b, w.b],
    ] as const)
      if (!keep.has(n) && !extra.has(n)) {
        extra.add(n);
        lines.push(
          `  ${nid(n)}([${lab(n === 'outside' ? 'outside' : e.type === 'nif' ? `${m.netns[n]?.title ?? n} (not exported)` : endNifName(m, e))}])`,
        );
      }
    const arrow = w.kind === 'veth' ? '---' : '-.-';
    lines.push(
      `  ${nid(a)} ${arrow}|${lab(`${endNifName(m, w.a)} — ${endNifName(m, w.b)} (${w.kind})`)}| ${nid(b)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
