// SPDX-License-Identifier: MIT
/**
 * @module models/url-state
 *
 * The view, the search and every display filter live in the URL, so each view is a link.
 * Paths are relative to the document's `<base href>` (the server rewrites it, so the UI works
 * behind a path-prefix reverse proxy): `''` (wiring, the start page), `n/<name>` (details of the
 * netns of a container, pod or process, by name), `open` (open house), `settings`, `help`,
 * `about`. Query: `q` search, `lo=1` show lo-only netns, `v6=0` hide IPv6, `mac=1` show MACs,
 * `sb=1` show sandbox containers, `addr=1` addresses on the wiring badges, `c` collapsed groups,
 * `g=network|none` group the wiring by network or not at all (default: by project/pod).
 */
import type { GroupBy } from '@gw/wiring';

/** The views. */
export const VIEWS = ['wiring', 'details', 'open', 'settings', 'help', 'about'] as const;
/** A view. */
export type View = (typeof VIEWS)[number];

/** Display filters. */
export interface Filters {
  showLoOnly: boolean;
  ipv6: boolean;
  macs: boolean;
  sandboxes: boolean;
  addresses: boolean;
}

/** The complete URL state. */
export interface UrlState {
  view: View;
  /** Details: the netns slug (a tenant name, or an inode). */
  slug: string;
  /** Details: the section fragment (`routes`, `ports`, …). */
  section: string;
  q: string;
  filters: Filters;
  collapsed: string[];
  /** Wiring: how cards are grouped. */
  groupBy: GroupBy;
}

/** Defaults: IPv6 shown, lo-only netns, MACs and sandboxes hidden. */
export const DEFAULT_FILTERS: Filters = {
  showLoOnly: false,
  ipv6: true,
  macs: false,
  sandboxes: false,
  addresses: false,
};

const PATHS: Record<View, string> = {
  wiring: '',
  details: 'n',
  open: 'open',
  settings: 'settings',
  help: 'help',
  about: 'about',
};

/** Parses a path relative to the base (no leading slash), a query string and a hash. */
export function parseUrl(relPath: string, search: string, hash = ''): UrlState {
  const parts = relPath.replace(/^\/+/, '').split('/');
  const head = parts[0] ?? '';
  let view: View = 'wiring';
  let slug = '';
  if (head === 'n' || head === 'w') {
    slug = decodeURIComponent(parts.slice(1).join('/'));
    view = slug === '' ? 'wiring' : 'details';
  } else if ((VIEWS as readonly string[]).includes(head) || head === 'open') {
    view = (Object.entries(PATHS).find(([, p]) => p === head)?.[0] as View | undefined) ?? 'wiring';
  }
  const p = new URLSearchParams(search);
  const flag = (k: string, d: boolean): boolean => {
    const v = p.get(k);
    return v === null ? d : v === '1' || v === 'true';
  };
  return {
    view,
    slug,
    section: hash.replace(/^#/, ''),
    q: p.get('q') ?? '',
    filters: {
      showLoOnly: flag('lo', DEFAULT_FILTERS.showLoOnly),
      ipv6: flag('v6', DEFAULT_FILTERS.ipv6),
      macs: flag('mac', DEFAULT_FILTERS.macs),
      sandboxes: flag('sb', DEFAULT_FILTERS.sandboxes),
      addresses: flag('addr', DEFAULT_FILTERS.addresses),
    },
    collapsed: (p.get('c') ?? '').split(',').filter((s) => s !== ''),
    groupBy: p.get('g') === 'network' ? 'network' : p.get('g') === 'none' ? 'none' : 'project',
  };
}

/** Serialises a state into a path relative to the base plus query and hash (defaults omitted). */
export function formatUrl(s: UrlState): string {
  let path = PATHS[s.view];
  if (s.view === 'details') path = `n/${encodeURIComponent(s.slug)}`;
  const p = new URLSearchParams();
  if (s.q !== '') p.set('q', s.q);
  const f = s.filters;
  const put = (k: string, v: boolean, d: boolean): void => {
    if (v !== d) p.set(k, v ? '1' : '0');
  };
  put('lo', f.showLoOnly, DEFAULT_FILTERS.showLoOnly);
  put('v6', f.ipv6, DEFAULT_FILTERS.ipv6);
  put('mac', f.macs, DEFAULT_FILTERS.macs);
  put('sb', f.sandboxes, DEFAULT_FILTERS.sandboxes);
  put('addr', f.addresses, DEFAULT_FILTERS.addresses);
  if (s.collapsed.length > 0) p.set('c', [...new Set(s.collapsed)].sort().join(','));
  if (s.groupBy !== 'project') p.set('g', s.groupBy);
  const qs = p.toString();
  return `${path === '' ? './' : path}${qs !== '' ? `?${qs}` : ''}${s.section !== '' ? `#${s.section}` : ''}`;
}

/** The base path of the document (`/` or a proxy prefix such as `/edgeshark/`). */
export function basePath(baseURI: string): string {
  const u = new URL(baseURI);
  return u.pathname.endsWith('/') ? u.pathname : u.pathname.replace(/[^/]*$/, '');
}

/** `pathname` relative to `base` (`''` when outside it). */
export function relativePath(pathname: string, base: string): string {
  return pathname.startsWith(base) ? pathname.slice(base.length) : '';
}
