// SPDX-License-Identifier: MIT
/**
 * @module server/options
 *
 * Options of `ghostwire serve` and the pure parsers behind its flags: listen address
 * (`127.0.0.1:5000`, `[::]:5000`, `:5000`, `localhost:8080`), Go-style durations (`15s`,
 * `1m30s`, `250ms`, `0`), the brand icon (SVG text, or standard base64 of it).
 */

import type { HistoryConfig } from './history.js';

/** Everything the server needs, resolved. */
export interface ServeOptions {
  /** Host to listen on (an address or name; `::` listens dual-stack). */
  readonly host: string;
  /** TCP port (0: any free port). */
  readonly port: number;
  /** Required bearer token; undefined: no authentication. */
  readonly token?: string | undefined;
  readonly brand: string;
  readonly brandicon: string;
  /** Reuse a discovery result younger than this (0: always fresh). */
  readonly maxAgeMs: number;
  /** Graceful shutdown budget. */
  readonly shutdownMs: number;
  readonly logLevel: 'debug' | 'info' | 'error';
  /** Directory of the web UI (undefined: built-in placeholder page). */
  readonly uiDir?: string | undefined;
  /** How long one discovery waits for a newly found engine's first listing. */
  readonly engineWaitMs: number;
  /** Period of the change feed's reconcile discovery while anyone listens (0: off). */
  readonly reconcileMs: number;
  /** Events kept for `Last-Event-ID` resume. */
  readonly feedRing: number;
  /** A single discovery is abandoned (and the worker replaced) after this. */
  readonly discoveryTimeoutMs: number;
  readonly creatorVersion: string;
  /** The history store (`--data-dir`, `--retention`); undefined: `--no-history`. */
  readonly history?: HistoryConfig | undefined;
}

/** Default listen address: loopback only (see README "Opening the service"). */
export const DEFAULT_LISTEN = '127.0.0.1:5000';

/** Parses `HOST:PORT`, `[V6]:PORT` or `:PORT` (= all interfaces, dual-stack). */
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.%a-zA-Z0-9]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s.trim());
  if (m === null) throw new RangeError(`invalid listen address "${s}" (expected HOST:PORT)`);
  const port = Number(m[3]);
  if (port > 65535) throw new RangeError(`invalid port in "${s}"`);
  const host = m[1] ?? (m[2] === '' || m[2] === undefined ? '::' : m[2]);
  return { host, port };
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration (`1h2m3.5s`, `250ms`, `0`) into milliseconds. */
export function parseDuration(s: string): number {
  const t = s.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
    pos = re.lastIndex;
  }
  if (t === '' || pos !== t.length || !Number.isFinite(total))
    throw new RangeError(`invalid duration "${s}" (examples: 15s, 1m30s, 500ms, 0)`);
  return Math.round(total);
}

/** `--brandicon`: SVG text, or standard base64 that decodes to it (as upstream). */
export function decodeBrandIcon(s: string): string {
  const t = s.trim();
  if (t !== '' && /^[A-Za-z0-9+/]+={0,2}$/.test(t) && t.length % 4 === 0) {
    const decoded = Buffer.from(t, 'base64').toString('utf8');
    if (decoded.includes('<')) return decoded;
  }
  return s;
}
