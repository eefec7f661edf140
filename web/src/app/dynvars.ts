// SPDX-License-Identifier: MIT
/**
 * @module app/dynvars
 *
 * Runtime variables the server injects into index.html (`window.dynvars`, with a CSP nonce):
 * capture buttons on/off (`enableMonolith`, set when the request carried `Enable-Monolith`),
 * brand name and brand icon (an SVG document, shown as an image, never as markup).
 */

/** The injected variables, validated. */
export interface DynVars {
  enableMonolith: boolean;
  brand: string;
  /** A `data:` URL of the brand SVG icon, or `''`. */
  brandIcon: string;
}

/** Reads and validates `window.dynvars`. */
export function readDynVars(w: unknown = globalThis): DynVars {
  const raw = (w as { dynvars?: unknown }).dynvars;
  const d = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const icon = typeof d['brandicon'] === 'string' ? d['brandicon'].trim() : '';
  return {
    enableMonolith: d['enableMonolith'] === true,
    brand:
      typeof d['brand'] === 'string' && d['brand'].trim() !== '' ? d['brand'].trim() : 'Ghostwire',
    brandIcon: icon.startsWith('<svg')
      ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(icon)}`
      : '',
  };
}
