// SPDX-License-Identifier: MIT
/**
 * @module hooks/useUrlState
 *
 * The URL as the single source of the view state (models/url-state): reads it, navigates with
 * pushState relative to `<base href>`, follows back/forward.
 */
import { useCallback, useEffect, useState } from 'react';
import { basePath, formatUrl, parseUrl, relativePath, type UrlState } from '../models/url-state';

function current(): UrlState {
  const base = basePath(document.baseURI);
  return parseUrl(
    relativePath(window.location.pathname, base),
    window.location.search,
    window.location.hash,
  );
}

/** Hook: `[state, navigate(next, {replace})]`. */
export function useUrlState(): [UrlState, (next: UrlState, opts?: { replace?: boolean }) => void] {
  const [state, setState] = useState<UrlState>(current);
  useEffect(() => {
    const on = (): void => setState(current());
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  const navigate = useCallback((next: UrlState, opts: { replace?: boolean } = {}) => {
    const url = new URL(formatUrl(next), document.baseURI).href;
    if (opts.replace === true) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    setState(current());
  }, []);
  return [state, navigate];
}

/** An href for a state (for real links: middle-click, copy link). */
export function hrefOf(s: UrlState): string {
  return new URL(formatUrl(s), document.baseURI).href;
}
