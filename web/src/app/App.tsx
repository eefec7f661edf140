// SPDX-License-Identifier: MIT
/**
 * @module app/App
 *
 * The shell: header (brand, netns count, navigation, search, connection state, theme) and the
 * current view. Data comes from useLive (fetch at once + change feed), view state from the URL.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { buildWiringModel } from '@gw/wiring';
import { useLint, useLive } from '../hooks/useLive';
import { findingsByNetns } from '../models/lint';
import { useUrlState } from '../hooks/useUrlState';
import { agoText } from '../models/feed';
import { search, type SearchHit } from '../models/search';
import { slugOf } from '../models/slug';
import type { UrlState, View } from '../models/url-state';
import { DetailsView } from '../views/DetailsView';
import { OpenHouse } from '../views/OpenHouse';
import {
  AboutView,
  HelpView,
  SettingsView,
  applyTheme,
  storedTheme,
  type ThemePref,
} from '../views/Pages';
import { WiringView } from '../views/WiringView';
import { AppContext, type AppData } from './context';
import { readDynVars } from './dynvars';

const NAV: Array<[View, string]> = [
  ['wiring', 'Wiring'],
  ['open', 'Open house'],
  ['settings', 'Settings'],
  ['help', 'Help'],
  ['about', 'About'],
];

function SearchBox({ data }: { data: AppData }) {
  const { url, navigate, doc, model } = data;
  const [text, setText] = useState(url.q);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setText(url.q), [url.q]);
  useEffect(() => {
    const on = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      const typing =
        t !== null && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
      if (e.key === '/' && !typing) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
  // debounce the URL update while typing
  useEffect(() => {
    if (text === url.q) return undefined;
    const t = window.setTimeout(() => navigate({ ...url, q: text }, { replace: true }), 200);
    return () => window.clearTimeout(t);
  }, [text, url, navigate]);
  const hits = useMemo(
    () => (text.trim() === '' ? [] : search(doc, model, text)),
    [doc, model, text],
  );
  const go = (h: SearchHit): void => {
    setOpen(false);
    const next: UrlState = {
      ...url,
      q: text,
      view: 'details',
      slug: slugOf(model, h.netnsId),
      section: h.nifId !== undefined ? `nif-${model.nifs[h.nifId]?.name ?? ''}` : h.section,
    };
    navigate(next);
  };
  return (
    <div className="search" role="search">
      <input
        ref={input}
        type="search"
        aria-label="Search"
        placeholder="Search names, IPs, ports, MACs, labels  ( / )"
        value={text}
        aria-expanded={open && hits.length > 0}
        aria-controls="search-results"
        aria-autocomplete="list"
        role="combobox"
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(hits.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter' && hits[active] !== undefined) {
            e.preventDefault();
            go(hits[active]);
          } else if (e.key === 'Escape') setOpen(false);
        }}
      />
      {open && text.trim() !== '' ? (
        <ul id="search-results" className="results" role="listbox" aria-label="search results">
          {hits.length === 0 ? <li className="muted">no matches</li> : null}
          {hits.slice(0, 50).map((h, i) => (
            <li
              key={i}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => go(h)}
            >
              <span className="hit-kind">{h.kind}</span> <span className="hit-text">{h.text}</span>{' '}
              <span className="muted">in {model.netns[h.netnsId]?.isHost ? 'host' : h.where}</span>
            </li>
          ))}
          {hits.length > 50 ? <li className="muted">… {hits.length - 50} more</li> : null}
        </ul>
      ) : null}
    </div>
  );
}

function LiveStatus({ data, refresh }: { data: AppData; refresh: () => void }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  const c = data.live.connection;
  const text =
    c === 'live'
      ? 'live'
      : c === 'connecting'
        ? 'connecting…'
        : c === 'reconnecting'
          ? 'reconnecting…'
          : c === 'static'
            ? 'no change feed (polling)'
            : 'offline (polling)';
  return (
    <div className="live" role="status" aria-live="polite">
      <span className={`dot ${c}`} aria-hidden="true" />
      <span className="live-text">{text}</span>
      <span className="muted ago">· {agoText(data.live.updatedAt, now)}</span>
      {data.live.error !== '' ? (
        <span className="error"> · refresh failed: {data.live.error}</span>
      ) : null}
      <button type="button" onClick={refresh} title="discover again now" aria-label="refresh">
        ↻
      </button>
    </div>
  );
}

/** The app. */
export function App() {
  const [live, refresh] = useLive();
  const [url, navigate] = useUrlState();
  const dyn = useMemo(() => readDynVars(), []);
  const [theme, setThemeState] = useState<ThemePref>(storedTheme);
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    document.title = dyn.brand;
  }, [dyn.brand]);
  const setTheme = (t: ThemePref): void => {
    try {
      localStorage.setItem('ghostwire.theme', t);
    } catch {
      /* private mode: keep it for this page */
    }
    setThemeState(t);
  };
  const model = useMemo(
    () => (live.doc !== undefined ? buildWiringModel(live.doc) : undefined),
    [live.doc],
  );
  const findings = useLint(live.doc);
  const lint = useMemo(
    () => (live.doc !== undefined ? findingsByNetns(live.doc, findings) : new Map()),
    [live.doc, findings],
  );
  const data: AppData | undefined =
    live.doc !== undefined && model !== undefined
      ? { doc: live.doc, model, live, dyn, url, navigate, lint }
      : undefined;

  // links inside the app navigate without reloading
  useEffect(() => {
    const on = (e: MouseEvent): void => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
        return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (a === null || a === undefined || a.target !== '' || a.hasAttribute('download')) return;
      const href = a.getAttribute('href') ?? '';
      if (href.startsWith('packetflix:') || href === '') return;
      const u = new URL(a.href);
      if (u.origin !== window.location.origin) return;
      e.preventDefault();
      window.history.pushState(null, '', u.href);
      window.dispatchEvent(new PopStateEvent('popstate'));
    };
    document.addEventListener('click', on);
    return () => document.removeEventListener('click', on);
  }, []);

  const count = model?.order.length ?? 0;
  return (
    <div className="app">
      <header className="top">
        <a className="brand" href="./" title={`${dyn.brand}: wiring`}>
          {dyn.brandIcon !== '' ? (
            <img src={dyn.brandIcon} alt="" width="24" height="24" />
          ) : (
            <img src="./favicon.svg" alt="" width="24" height="24" />
          )}
          <span>{dyn.brand}</span>
          <span
            className="count"
            title={`${count} network namespaces discovered`}
            aria-label={`${count} network namespaces`}
          >
            {count}
          </span>
        </a>
        <nav aria-label="views">
          {NAV.map(([v, label]) => (
            <a
              key={v}
              href={v === 'wiring' ? './' : v}
              aria-current={
                url.view === v || (v === 'wiring' && url.view === 'details' && false)
                  ? 'page'
                  : undefined
              }
            >
              {label}
            </a>
          ))}
        </nav>
        {data !== undefined ? <SearchBox data={data} /> : <div className="search" />}
        {data !== undefined ? <LiveStatus data={data} refresh={refresh} /> : null}
        <button
          type="button"
          className="theme"
          onClick={() =>
            setTheme(theme === 'dark' ? 'light' : theme === 'light' ? 'system' : 'dark')
          }
          title={`theme: ${theme} (click to change)`}
          aria-label={`theme: ${theme}`}
        >
          {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
        </button>
      </header>
      {data === undefined ? (
        <main className="page">
          <p className="boot">
            {live.error !== '' ? `Discovery failed: ${live.error}` : 'Discovering…'}
          </p>
          {live.error !== '' ? (
            <button type="button" onClick={refresh}>
              try again
            </button>
          ) : null}
        </main>
      ) : (
        <AppContext.Provider value={data}>
          {url.view === 'wiring' ? <WiringView /> : null}
          {url.view === 'details' ? <DetailsView /> : null}
          {url.view === 'open' ? <OpenHouse /> : null}
          {url.view === 'settings' ? <SettingsView theme={theme} setTheme={setTheme} /> : null}
          {url.view === 'help' ? <HelpView /> : null}
          {url.view === 'about' ? <AboutView /> : null}
        </AppContext.Provider>
      )}
    </div>
  );
}
