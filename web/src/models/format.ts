// SPDX-License-Identifier: MIT
/** @module models/format — small text formatters for the details views. */

/** CPU ranges `[[0,3],[8,8]]` as `0–3, 8`. */
export function rangesText(r: ReadonlyArray<readonly number[]> | undefined): string {
  if (r === undefined || r.length === 0) return '';
  return r.map(([a, b]) => (a === b ? String(a) : `${a}–${b}`)).join(', ');
}

/** Scheduling policy names (sched.h). */
export const POLICIES: Record<number, string> = {
  0: 'NORMAL',
  1: 'FIFO',
  2: 'RR',
  3: 'BATCH',
  5: 'IDLE',
  6: 'DEADLINE',
};

/** Routing table names. */
export function tableName(t: number): string {
  return t === 254 ? 'main' : t === 255 ? 'local' : t === 253 ? 'default' : `table ${t}`;
}

/** An address lifetime (seconds; 0xffffffff = forever). */
export function lifetime(s: number): string {
  if (s >= 0xffffffff) return '∞';
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d > 0 ? `${d}d ` : ''}${p(h)}:${p(m)}:${p(s % 60)}`;
}

/** Labels the UI hides (internal bookkeeping of the discovery). */
export function internalLabel(k: string): boolean {
  return (
    k.startsWith('gostwire/') ||
    k.startsWith('turtlefinder/') ||
    k.startsWith('github.com/thediveo/')
  );
}

/** `addr:port` with IPv6 in brackets. */
export function hostPort(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}
