// SPDX-License-Identifier: MIT
/**
 * @module views/WiringView
 *
 * The start page: every visible netns as a card with its interfaces, wires between them. The
 * geometry comes from the pure `layoutWiring()` (@gw/wiring); this component only renders what
 * intersects the viewport (virtualised), handles zoom/pan, the minimap, hover/focus/selection
 * highlighting and the SVG/PNG export.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  METRICS,
  WIRE_DASH,
  WIRE_KIND_TEXT,
  groupWiring,
  layoutWiring,
  pathD,
  wiringToSvg,
  type BadgeLayout,
  type CardLayout,
  type GroupLayout,
  type NetnsNode,
  type NifNode,
  type RoutedWire,
  type WiringLayout,
  type WiringModel,
} from '@gw/wiring';
import { useApp } from '../app/context';
import { CaptureButton, ChosenCapture } from '../components/Capture';
import { KIND_DESCRIPTION, KIND_TEXT, KindIcon, OperIcon } from '../components/Icons';
import { TenantMarks } from '../components/TenantMarks';
import {
  NO_SELECTION,
  capturable,
  netnsTarget,
  notCapturableReason,
  toggleNif,
  type NifSelection,
} from '../models/capture';
import { matchingNetns, search } from '../models/search';
import { slugsOf } from '../models/slug';
import { visibleNetns, hiddenByNoise } from '../models/filters';
import { downloadBlob, timestamp } from '../models/download';
import type { LintFindingDto } from '../models/lint';

const OVERSCAN = 600;
const NONE_CHOSEN: readonly string[] = [];
const NO_BADGES: BadgeLayout[] = [];

interface Viewport {
  x: number;
  y: number;
  w: number;
  h: number;
}

const intersects = (a: { x: number; y: number; w: number; h: number }, v: Viewport): boolean =>
  a.x <= v.x + v.w && a.x + a.w >= v.x && a.y <= v.y + v.h && a.y + a.h >= v.y;

function wireText(w: RoutedWire): string {
  return `${WIRE_KIND_TEXT[w.wire.kind]}: ${w.ends[0]} ↔ ${w.ends[1]}${w.wire.up ? '' : ' (down)'}`;
}

/** One wiring card (memoised: unchanged cards are not re-rendered on live updates). */
const Card = memo(function Card({
  card,
  ns,
  badges,
  nifs,
  hotNifs,
  selectedNif,
  chosen,
  changed,
  onHover,
  onSelect,
  capture,
  docNetns,
  detailsHref,
  findings,
}: {
  card: CardLayout;
  ns: NetnsNode;
  badges: BadgeLayout[];
  nifs: Readonly<Record<string, NifNode>>;
  /**
   * The lit interfaces of this card, ids joined by a space (a string, so a hover elsewhere
   * leaves the props of this memoised card unchanged and it is not re-rendered).
   */
  hotNifs: string;
  /** The selected interface when it is in this card, else `''`. */
  selectedNif: string;
  /** Names of this card's interfaces chosen for a capture of several (empty: none). */
  chosen: readonly string[];
  changed: boolean;
  onHover: (nifId: string | null) => void;
  onSelect: (nifId: string, additive: boolean) => void;
  capture: boolean;
  docNetns: Parameters<typeof netnsTarget>[0] | undefined;
  detailsHref: string;
  findings: readonly LintFindingDto[] | undefined;
}) {
  const b = card.box;
  const hot = useMemo(() => new Set(hotNifs === '' ? [] : hotNifs.split(' ')), [hotNifs]);
  // capture the whole netns: every operational interface, lo included (as Edgeshark does)
  const upNames = ns.nifIds
    .map((id) => nifs[id])
    .filter((n): n is NifNode => n !== undefined && capturable(n.operstate))
    .map((n) => n.name);
  return (
    <section
      className={`card${ns.isHost ? ' host' : ''}${changed ? ' changed' : ''}`}
      id={`card-${ns.netnsid}`}
      data-netns={ns.netnsid}
      aria-label={`network namespace ${ns.title}`}
      style={{ left: b.x, top: b.y, width: b.w, height: b.h }}
    >
      <header className="card-head">
        <a className="card-title" href={detailsHref} title={`${ns.title} — open details`}>
          {ns.isHost ? <span className="tag">host</span> : null}
          {ns.title}
        </a>
        <div className="card-marks">
          <TenantMarks tenants={ns.tenants} />
          <span className="muted">netns {ns.netnsid}</span>
          {changed ? <span className="tag changed-tag">changed</span> : null}
          {findings !== undefined && findings.length > 0 ? (
            <a
              className={`mark lint ${findings[0]!.severity}`}
              href={`${detailsHref}#lint`}
              title={findings.map((x) => `${x.severity} ${x.code}: ${x.message}`).join('\n')}
            >
              <span aria-hidden="true">⚠</span> {findings.length} {findings[0]!.severity}
            </a>
          ) : null}
          {capture && docNetns !== undefined ? (
            <CaptureButton
              target={netnsTarget(docNetns, upNames)}
              label={`capture all up interfaces of ${ns.title}`}
            />
          ) : null}
        </div>
      </header>
      {card.rails.map((r) => (
        <div
          key={r.bridgeId}
          className="rail"
          aria-hidden="true"
          style={{ left: r.x - b.x - 1, top: r.y1 - b.y, height: r.y2 - r.y1 }}
        >
          {r.ticks.map((t) => (
            <span key={t} className="tick" style={{ top: t - r.y1 - 1 }} />
          ))}
        </div>
      ))}
      {badges.map((x) => {
        const n = nifs[x.nifId];
        if (n === undefined) return null;
        return (
          <NifBadge
            key={x.nifId}
            n={n}
            box={x}
            origin={b}
            hot={hot.has(n.id)}
            selected={selectedNif === n.id}
            chosen={chosen.includes(n.name)}
            onHover={onHover}
            onSelect={onSelect}
            capture={capture && docNetns !== undefined ? docNetns : undefined}
          />
        );
      })}
    </section>
  );
});

/** One wire (memoised: lighting one wire re-renders only the wires whose state changed). */
const WireView = memo(function WireView({
  w,
  hot,
  dim,
  onHover,
  onTip,
}: {
  w: RoutedWire;
  hot: boolean;
  dim: boolean;
  onHover: (wireId: string | null) => void;
  onTip: (tip: { x: number; y: number; text: string } | null) => void;
}) {
  const d = pathD(w.points);
  const text = wireText(w);
  const enter = (): void => {
    onHover(w.wire.id);
    const p = w.points[Math.floor(w.points.length / 2)] ?? [0, 0];
    onTip({ x: p[0] + 8, y: p[1] + 8, text });
  };
  const leave = (): void => {
    onHover(null);
    onTip(null);
  };
  return (
    <g
      className={`wire ${w.wire.kind}${w.wire.up ? '' : ' down'}${hot ? ' hot' : ''}${dim ? ' dim' : ''}`}
      data-wire={w.wire.kind}
      tabIndex={0}
      role="img"
      aria-label={text}
      onMouseEnter={enter}
      onMouseLeave={leave}
      onFocus={enter}
      onBlur={leave}
    >
      <path className="ghost" d={d} />
      <path
        className="line"
        d={d}
        strokeDasharray={WIRE_DASH[w.wire.kind] || undefined}
        markerEnd={w.stub !== undefined || w.wire.kind === 'external' ? 'url(#arrow)' : undefined}
      />
      {w.stub !== undefined ? (
        <text
          className="stub"
          x={w.stub.side === 'left' ? w.stub.at[0] - 4 : w.stub.at[0] + 4}
          y={w.stub.at[1] + 4}
          textAnchor={w.stub.side === 'left' ? 'end' : 'start'}
        >
          {w.stub.label}
        </text>
      ) : null}
    </g>
  );
});

function NifBadge({
  n,
  box,
  origin,
  hot,
  selected,
  chosen,
  onHover,
  onSelect,
  capture,
}: {
  n: NifNode;
  box: BadgeLayout;
  origin: { x: number; y: number };
  hot: boolean;
  selected: boolean;
  chosen: boolean;
  onHover: (nifId: string | null) => void;
  onSelect: (nifId: string, additive: boolean) => void;
  capture: Parameters<typeof netnsTarget>[0] | undefined;
}) {
  const tip = `${n.name}: ${KIND_DESCRIPTION[n.kind]}, ${n.operstate}${n.addresses.length > 0 ? `\n${n.addresses.join('\n')}` : ''}${n.mac !== '' && n.mac !== '00:00:00:00:00:00' ? `\nMAC ${n.mac}` : ''}`;
  return (
    <div
      className={`nif ${n.kind}${n.up ? '' : ' down'}${hot ? ' hot' : ''}${selected ? ' selected' : ''}${chosen ? ' chosen' : ''}`}
      style={{ left: box.box.x - origin.x, top: box.box.y - origin.y, width: box.box.w }}
      data-nif={n.name}
      onMouseEnter={() => onHover(n.id)}
      onMouseLeave={() => onHover(null)}
    >
      <button
        type="button"
        className="nif-button"
        title={
          capture !== undefined
            ? `${tip}\nCtrl/⌘+click or Ctrl+Enter: choose for a capture of several interfaces`
            : tip
        }
        aria-pressed={selected}
        aria-label={`${KIND_TEXT[n.kind]} ${n.name}, ${n.operstate}${chosen ? ', chosen for capture' : ''}`}
        onFocus={() => onHover(n.id)}
        onBlur={() => onHover(null)}
        onClick={(e) => onSelect(n.id, e.ctrlKey || e.metaKey)}
        onKeyDown={(e) => {
          // keyboard equivalent of Ctrl/⌘+click (a keyboard "click" carries no modifiers)
          if ((e.key === 'Enter' || e.key === ' ') && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onSelect(n.id, true);
          }
        }}
      >
        <KindIcon kind={n.kind} />
        <span className="kind">{KIND_TEXT[n.kind]}</span>
        <span className="name">{n.name}</span>
        {n.alias !== '' ? <span className="alias">~{n.alias}</span> : null}
        {n.vid !== undefined ? <span className="vid">VID {n.vid}</span> : null}
        <OperIcon up={n.up} state={n.operstate} />
      </button>
      {capture !== undefined ? (
        <CaptureButton
          target={netnsTarget(capture, [n.name])}
          label={`capture ${n.name}`}
          disabledReason={notCapturableReason(n.name, n.operstate)}
        />
      ) : null}
      {box.addresses.length > 0 ? (
        <ul className="addrs">
          {box.addresses.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Group({
  g,
  onToggle,
  model,
  slugs,
}: {
  g: GroupLayout;
  onToggle: (key: string) => void;
  model: WiringModel;
  slugs: ReadonlyMap<string, string>;
}) {
  return (
    <div
      className={`group${g.collapsed ? ' collapsed' : ''}`}
      style={{ left: g.box.x, top: g.box.y, width: g.box.w, height: g.box.h }}
    >
      <button
        type="button"
        className="group-head"
        aria-expanded={!g.collapsed}
        onClick={() => onToggle(g.key)}
        title={g.collapsed ? 'expand group' : 'collapse group'}
      >
        <span aria-hidden="true">{g.collapsed ? '▸' : '▾'}</span>{' '}
        {g.key.startsWith('pod:') ? 'pod' : g.key.startsWith('net:') ? 'network' : 'project'}{' '}
        <strong>{g.label}</strong> <span className="muted">({g.netnsIds.length} netns)</span>
      </button>
      {g.lines.map((ln) => (
        <a
          key={ln.netnsId}
          className="group-line"
          href={`n/${encodeURIComponent(slugs.get(ln.netnsId) ?? '')}`}
          style={{ top: ln.y - g.box.y - 9 }}
        >
          {model.netns[ln.netnsId]?.title ?? ln.netnsId}
        </a>
      ))}
    </div>
  );
}

/**
 * The minimap: every card drawn once per layout into a canvas; the viewport is a positioned
 * rectangle on top, so scrolling moves one element instead of redrawing 500 cards.
 */
const Minimap = memo(function Minimap({
  layout,
  view,
  onJump,
  model,
}: {
  layout: WiringLayout;
  view: Viewport;
  onJump: (x: number, y: number) => void;
  model: WiringModel;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const W = 150;
  const maxH = 300;
  const scale = Math.min(W / layout.width, maxH / layout.height);
  const H = Math.max(40, Math.ceil(layout.height * scale));
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (c == null || ctx == null) return;
    const css = getComputedStyle(c);
    const card = css.getPropertyValue('--mm-card').trim() || '#8c959f';
    const host = css.getPropertyValue('--mm-host').trim() || '#0b6e4f';
    ctx.clearRect(0, 0, W, H);
    for (const cl of layout.cards) {
      const b = cl.box;
      ctx.fillStyle = model.netns[cl.netnsId]?.isHost ? host : card;
      ctx.fillRect(
        b.x * scale,
        b.y * scale,
        Math.max(1, b.w * scale),
        Math.max(1, b.h * scale - 0.5),
      );
    }
    ctx.fillStyle = card;
    for (const g of layout.groups)
      if (g.collapsed)
        ctx.fillRect(
          g.box.x * scale,
          g.box.y * scale,
          g.box.w * scale,
          Math.max(1, g.box.h * scale),
        );
  }, [layout, scale, H, model]);
  const jump = (e: React.MouseEvent<HTMLElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    onJump((e.clientX - r.left) / scale, (e.clientY - r.top) / scale);
  };
  return (
    <div className="minimap" aria-label="minimap: click to jump">
      <div
        className="minimap-inner"
        style={{ width: W, height: H }}
        onMouseDown={jump}
        onMouseMove={(e) => {
          if (e.buttons === 1) jump(e);
        }}
      >
        <canvas ref={ref} width={W} height={H} />
        <div
          className="minimap-view"
          aria-hidden="true"
          style={{
            transform: `translate(${view.x * scale}px, ${view.y * scale}px)`,
            width: Math.max(2, view.w * scale),
            height: Math.max(2, view.h * scale),
          }}
        />
      </div>
    </div>
  );
});

/** The wiring view. */
export function WiringView() {
  const { doc, model, url, navigate, live, dyn, lint: lintByNetns } = useApp();
  // memoised by value: a navigation re-parses the URL into new objects even when the filters
  // or the collapsed groups did not change, and a new layout of 500 netns costs ~60 ms
  const fKey = JSON.stringify(url.filters);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const f = useMemo(() => url.filters, [fKey]);
  const hits = useMemo(
    () => (url.q.trim() === '' ? undefined : search(doc, model, url.q)),
    [doc, model, url.q],
  );
  const visible = useMemo(
    () => visibleNetns(model, f, hits === undefined ? undefined : matchingNetns(hits)),
    [model, f, hits],
  );
  const collapsedKey = [...new Set(url.collapsed)].sort().join('\n');
  const collapsed = useMemo(
    () => new Set(collapsedKey === '' ? [] : collapsedKey.split('\n')),
    [collapsedKey],
  );
  const grouped = useMemo(() => groupWiring(model, url.groupBy), [model, url.groupBy]);
  const layout = useMemo(
    () => layoutWiring(grouped, { visible, collapsed, showAddresses: f.addresses, showLo: false }),
    [grouped, visible, collapsed, f.addresses],
  );
  const [zoom, setZoom] = useState(1);
  const [view, setView] = useState<Viewport>({ x: 0, y: 0, w: 1600, h: 1200 });
  const [hover, setHover] = useState<string | null>(null);
  const [hoverWire, setHoverWire] = useState<string | null>(null);
  const [selected, setSelected] = useState('');
  const [chosen, setChosen] = useState<NifSelection>(NO_SELECTION);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const raf = useRef(0);

  const measure = useCallback(() => {
    const s = scroller.current;
    if (s === null) return;
    const next = {
      x: s.scrollLeft / zoom,
      y: s.scrollTop / zoom,
      w: s.clientWidth / zoom,
      h: s.clientHeight / zoom,
    };
    // re-render only when the viewport moved by a quarter of the overscan (or resized)
    setView((v) =>
      Math.abs(v.x - next.x) < OVERSCAN / 4 &&
      Math.abs(v.y - next.y) < OVERSCAN / 4 &&
      v.w === next.w &&
      v.h === next.h
        ? v
        : next,
    );
  }, [zoom]);
  // re-measure when the layout changes too (collapsing shrinks it and clamps the scroll
  // position without a scroll event)
  useLayoutEffect(() => {
    measure();
  }, [measure, layout]);
  useLayoutEffect(() => {
    const on = (): void => measure();
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, [measure]);
  const onScroll = (): void => {
    cancelAnimationFrame(raf.current);
    raf.current = requestAnimationFrame(measure);
  };

  // jump to a card named in the hash (#card-<inode>) once
  useEffect(() => {
    const m = /^card-(\d+)$/.exec(url.section);
    const s = scroller.current;
    if (m === null || s === null) return;
    const card = layout.cards.find((c) => String(model.netns[c.netnsId]?.netnsid) === m[1]);
    if (card !== undefined) s.scrollTo({ top: Math.max(0, card.box.y * zoom - 40), left: 0 });
    // only on a new target
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url.section]);

  const wiresByNif = useMemo(() => {
    const m = new Map<string, RoutedWire[]>();
    for (const w of layout.wires)
      for (const e of [w.wire.a, w.wire.b])
        if (e.type === 'nif') m.set(e.nifId, [...(m.get(e.nifId) ?? []), w]);
    return m;
  }, [layout]);
  const focusNif = hover ?? (selected !== '' ? selected : null);
  const hotWires = useMemo(() => {
    const s = new Set<string>();
    if (hoverWire !== null) s.add(hoverWire);
    else if (focusNif !== null) for (const w of wiresByNif.get(focusNif) ?? []) s.add(w.wire.id);
    return s;
  }, [focusNif, hoverWire, wiresByNif]);
  // lit interfaces per card, as a string per netns (see Card): only the cards at the ends of
  // the lit wires get new props
  const hotByNetns = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const w of layout.wires)
      if (hotWires.has(w.wire.id))
        for (const e of [w.wire.a, w.wire.b])
          if (e.type === 'nif') {
            const ns = model.nifs[e.nifId]?.netnsId;
            if (ns !== undefined) m.set(ns, [...(m.get(ns) ?? []), e.nifId]);
          }
    return new Map([...m].map(([k, v]) => [k, v.sort().join(' ')]));
  }, [hotWires, layout, model]);

  // tooltip for a hovered/focused nif: its wires, end to end
  useEffect(() => {
    if (hoverWire !== null) return;
    if (focusNif === null) {
      setTip(null);
      return;
    }
    const b = layout.badges[focusNif];
    const ws = wiresByNif.get(focusNif) ?? [];
    if (b === undefined || ws.length === 0) {
      setTip(null);
      return;
    }
    setTip({
      x: b.box.x + b.box.w + 8,
      y: b.box.y + b.box.h + 4,
      text: ws.map(wireText).join('\n'),
    });
  }, [focusNif, hoverWire, layout, wiresByNif]);

  const onHover = useCallback((id: string | null) => setHover(id), []);
  const jumpTo = useCallback(
    (x: number, y: number) => {
      const s = scroller.current;
      if (s !== null)
        s.scrollTo({ left: x * zoom - s.clientWidth / 2, top: y * zoom - s.clientHeight / 2 });
    },
    [zoom],
  );
  const onSelect = useCallback(
    (id: string, additive: boolean) => {
      const n = model.nifs[id];
      if (additive && dyn.enableMonolith && n !== undefined) {
        if (capturable(n.operstate)) setChosen((c) => toggleNif(c, n.netnsId, n.name));
        return;
      }
      setSelected((s) => (s === id ? '' : id));
    },
    [model, dyn.enableMonolith],
  );
  const toggleGroup = useCallback(
    (key: string) => {
      const c = new Set(url.collapsed);
      if (c.has(key)) c.delete(key);
      else c.add(key);
      navigate({ ...url, collapsed: [...c] }, { replace: true });
    },
    [url, navigate],
  );

  // what intersects the overscanned viewport: recomputed only when the viewport state (which
  // moves in quarter-overscan steps) or the layout changes, not on every hover
  const { sv, cards, groups, wires } = useMemo(() => {
    const v: Viewport = {
      x: view.x - OVERSCAN,
      y: view.y - OVERSCAN,
      w: view.w + 2 * OVERSCAN,
      h: view.h + 2 * OVERSCAN,
    };
    const sx = Math.max(0, v.x);
    const sy = Math.max(0, v.y);
    return {
      sv: {
        x: sx,
        y: sy,
        w: Math.max(1, Math.min(layout.width, v.x + v.w) - sx),
        h: Math.max(1, Math.min(layout.height, v.y + v.h) - sy),
      },
      cards: layout.cards.filter((c) => intersects(c.box, v)),
      groups: layout.groups.filter((g) => intersects(g.box, v)),
      wires: layout.wires.filter((w) =>
        intersects({ ...w.bbox, w: w.bbox.w + 1, h: w.bbox.h + 1 }, v),
      ),
    };
  }, [view, layout]);
  const badgesByNetns = useMemo(() => {
    const m = new Map<string, BadgeLayout[]>();
    for (const b of Object.values(layout.badges))
      m.set(b.netnsId, [...(m.get(b.netnsId) ?? []), b]);
    return m;
  }, [layout]);
  const docNetns = useMemo(() => new Map(doc['network-namespaces'].map((n) => [n.id, n])), [doc]);
  const slugs = useMemo(() => slugsOf(model), [model]);

  const setZoomAt = (z: number): void => {
    const s = scroller.current;
    const nz = Math.min(2, Math.max(0.1, z));
    if (s !== null) {
      const cx = (s.scrollLeft + s.clientWidth / 2) / zoom;
      const cy = (s.scrollTop + s.clientHeight / 2) / zoom;
      requestAnimationFrame(() => {
        s.scrollLeft = cx * nz - s.clientWidth / 2;
        s.scrollTop = cy * nz - s.clientHeight / 2;
      });
    }
    setZoom(nz);
  };
  const fit = (): void => {
    const s = scroller.current;
    if (s === null) return;
    setZoom(Math.max(0.1, Math.min(1, s.clientWidth / layout.width)));
  };
  const exportSvg = (): string =>
    wiringToSvg(grouped, layout, `${dyn.brand} wiring of ${doc.metadata.hostname}`);
  const downloadSvg = (): void =>
    downloadBlob(
      new Blob([exportSvg()], { type: 'image/svg+xml' }),
      `${dyn.brand.toLowerCase()}-${timestamp(new Date())}.svg`,
    );
  const downloadPng = (): void => {
    // a data: URL, not blob:, so the strict CSP (img-src 'self' data:) allows it
    const url2 = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(exportSvg())}`;
    const img = new Image();
    img.onload = () => {
      const scale = Math.min(2, 16000 / Math.max(layout.width, layout.height));
      const c = document.createElement('canvas');
      c.width = Math.ceil(layout.width * scale);
      c.height = Math.ceil(layout.height * scale);
      const ctx = c.getContext('2d');
      if (ctx === null) return;
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0);
      c.toBlob((b) => {
        if (b !== null) downloadBlob(b, `${dyn.brand.toLowerCase()}-${timestamp(new Date())}.png`);
      }, 'image/png');
    };
    img.src = url2;
  };
  const hidden = useMemo(() => hiddenByNoise(model, f), [model, f]);
  const filtering = hits !== undefined;
  const setFilter = (k: keyof typeof f, val: boolean): void =>
    navigate({ ...url, filters: { ...f, [k]: val } }, { replace: true });

  return (
    <div className="wiring-view">
      <div className="toolbar" role="toolbar" aria-label="wiring tools">
        <button
          type="button"
          onClick={() => setZoomAt(zoom / 1.25)}
          aria-label="zoom out"
          title="zoom out (-)"
        >
          −
        </button>
        <span className="zoom" aria-live="polite">
          {Math.round(zoom * 100)} %
        </span>
        <button
          type="button"
          onClick={() => setZoomAt(zoom * 1.25)}
          aria-label="zoom in"
          title="zoom in (+)"
        >
          +
        </button>
        <button type="button" onClick={fit} title="fit the width">
          fit
        </button>
        <button type="button" onClick={() => setZoomAt(1)} title="actual size">
          1:1
        </button>
        <span className="sep" />
        <label title="draw dashed group boxes around the cards of one compose project or pod, or of one network (the containers whose veth peers are ports of one bridge)">
          group by{' '}
          <select
            value={url.groupBy}
            onChange={(e) =>
              navigate(
                { ...url, groupBy: e.target.value as typeof url.groupBy, collapsed: [] },
                { replace: true },
              )
            }
          >
            <option value="project">project / pod</option>
            <option value="network">network</option>
            <option value="none">nothing</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() =>
            navigate(
              {
                ...url,
                collapsed: [...new Set([...url.collapsed, ...layout.groups.map((g) => g.key)])],
              },
              { replace: true },
            )
          }
          disabled={layout.groups.length === 0}
        >
          collapse groups
        </button>
        <button
          type="button"
          onClick={() => navigate({ ...url, collapsed: [] }, { replace: true })}
          disabled={url.collapsed.length === 0}
        >
          expand groups
        </button>
        <span className="sep" />
        <label>
          <input
            type="checkbox"
            checked={f.addresses}
            onChange={(e) => setFilter('addresses', e.target.checked)}
          />{' '}
          addresses
        </label>
        <label>
          <input
            type="checkbox"
            checked={f.showLoOnly}
            onChange={(e) => setFilter('showLoOnly', e.target.checked)}
          />{' '}
          lo-only netns
        </label>
        <label>
          <input
            type="checkbox"
            checked={f.sandboxes}
            onChange={(e) => setFilter('sandboxes', e.target.checked)}
          />{' '}
          sandboxes
        </label>
        <span className="sep" />
        <button type="button" onClick={downloadSvg} title="download the shown wiring as SVG">
          export SVG
        </button>
        <button type="button" onClick={downloadPng} title="download the shown wiring as PNG">
          export PNG
        </button>
      </div>
      {dyn.enableMonolith &&
      chosen.nifs.length > 0 &&
      docNetns.get(chosen.netnsId) !== undefined ? (
        <ChosenCapture
          ns={docNetns.get(chosen.netnsId)!}
          sel={chosen}
          onClear={() => setChosen(NO_SELECTION)}
          title={model.netns[chosen.netnsId]?.title ?? ''}
        />
      ) : null}
      {filtering || hidden > 0 ? (
        <p className={`filter-note${filtering ? ' active' : ''}`} role="status">
          {filtering
            ? `filtering applied: "${url.q}" — ${visible.size} of ${model.order.length} netns shown`
            : `${visible.size} of ${model.order.length} netns shown (${hidden} lo-only or sandbox netns hidden)`}
          {filtering && visible.size === 0 ? ' — no matches' : ''}
        </p>
      ) : null}
      <div className="wiring-wrap">
        <div
          className="wiring-scroll"
          ref={scroller}
          onScroll={onScroll}
          tabIndex={0}
          aria-label="wiring diagram; scroll to pan, +/- to zoom"
          onKeyDown={(e) => {
            if (e.target !== e.currentTarget) return;
            if (e.key === '+' || e.key === '=') setZoomAt(zoom * 1.25);
            else if (e.key === '-') setZoomAt(zoom / 1.25);
          }}
          onWheel={(e) => {
            if (e.ctrlKey) {
              e.preventDefault();
              setZoomAt(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
            }
          }}
        >
          <div
            className="wiring-size"
            style={{ width: layout.width * zoom, height: layout.height * zoom }}
          >
            <div
              className="wiring-canvas"
              style={{ width: layout.width, height: layout.height, transform: `scale(${zoom})` }}
            >
              {groups.map((g) => (
                <Group key={g.key} g={g} onToggle={toggleGroup} model={model} slugs={slugs} />
              ))}
              {/* only the overscanned viewport: a layout-sized SVG (50 000 px tall at 500 netns)
                  is re-rasterised on every change */}
              <svg
                className="wires"
                aria-label="wires"
                style={{ left: sv.x, top: sv.y }}
                width={sv.w}
                height={sv.h}
                viewBox={`${sv.x} ${sv.y} ${sv.w} ${sv.h}`}
              >
                <defs>
                  <marker
                    id="arrow"
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerWidth="7"
                    markerHeight="7"
                    orient="auto-start-reverse"
                  >
                    <path d="M0,0 L10,5 L0,10 z" className="marker" />
                  </marker>
                </defs>
                {wires.map((w) => (
                  <WireView
                    key={w.wire.id}
                    w={w}
                    hot={hotWires.has(w.wire.id)}
                    dim={hotWires.size > 0 && !hotWires.has(w.wire.id)}
                    onHover={setHoverWire}
                    onTip={setTip}
                  />
                ))}
              </svg>
              {cards.map((c) => {
                const ns = model.netns[c.netnsId];
                if (ns === undefined) return null;
                return (
                  <Card
                    key={c.netnsId}
                    card={c}
                    ns={ns}
                    badges={badgesByNetns.get(c.netnsId) ?? NO_BADGES}
                    nifs={model.nifs}
                    hotNifs={hotByNetns.get(c.netnsId) ?? ''}
                    selectedNif={model.nifs[selected]?.netnsId === c.netnsId ? selected : ''}
                    chosen={chosen.netnsId === c.netnsId ? chosen.nifs : NONE_CHOSEN}
                    changed={live.changed[ns.netnsid] !== undefined}
                    onHover={onHover}
                    onSelect={onSelect}
                    capture={dyn.enableMonolith}
                    docNetns={docNetns.get(c.netnsId)}
                    detailsHref={`n/${encodeURIComponent(slugs.get(c.netnsId) ?? '')}`}
                    findings={lintByNetns.get(c.netnsId)}
                  />
                );
              })}
              {tip !== null ? (
                <div className="tooltip" role="tooltip" style={{ left: tip.x, top: tip.y }}>
                  {tip.text}
                </div>
              ) : null}
            </div>
          </div>
        </div>
        <Minimap layout={layout} view={view} model={model} onJump={jumpTo} />
      </div>
      <Legend />
    </div>
  );
}

function Legend() {
  return (
    <details className="legend">
      <summary>legend</summary>
      <svg
        width="560"
        height={Object.keys(WIRE_DASH).length * 18 + 24}
        role="img"
        aria-label="wire kinds"
      >
        {Object.entries(WIRE_DASH).map(([k, dash], i) => (
          <g key={k} className={`wire ${k}`}>
            <path
              className="line"
              d={`M4,${14 + i * 18} L80,${14 + i * 18}`}
              strokeDasharray={dash || undefined}
            />
            <text x="90" y={18 + i * 18}>
              {WIRE_KIND_TEXT[k as keyof typeof WIRE_KIND_TEXT]}
            </text>
          </g>
        ))}
        <g className="wire down">
          <path className="line" d={`M4,${14 + 7 * 18} L80,${14 + 7 * 18}`} />
          <text x="90" y={18 + 7 * 18}>
            grey and thin: an end is down (also ▼ on the badge)
          </text>
        </g>
      </svg>
      <p>
        Bridges: the vertical rail at the left of a card ticks each port of the bridge. A wire
        ending in an arrow with a label leads to a netns that is filtered out. Metrics:{' '}
        {METRICS.cardW} px cards.
      </p>
    </details>
  );
}
