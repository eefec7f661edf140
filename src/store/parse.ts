// SPDX-License-Identifier: MIT
/**
 * @module store/parse
 *
 * Pure parsers of the history flags and query parameters: `--retention` (`7d`, `500MiB`, or both
 * as `7d,500MiB`) and points in time (`2026-12-04T18:00:00Z`, unix seconds `1796400000`, or
 * relative to now: `-1h`, `-30m`, `-2d`, `now`).
 */

/** How much history is kept; each bound optional. */
export interface Retention {
  /** Snapshots last seen longer ago than this are deleted. */
  readonly maxAgeMs?: number;
  /** Stored bytes (chunks + events) above this delete the oldest snapshots. */
  readonly maxBytes?: number;
}

/** Default retention: 7 days and 500 MiB, whichever is hit first. */
export const DEFAULT_RETENTION: Retention = { maxAgeMs: 7 * 86_400_000, maxBytes: 500 * 2 ** 20 };

const AGE_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const SIZE: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/** Parses `7d`, `12h`, `500MiB`, `2GB`, or `7d,500MiB` (comma or space separated). */
export function parseRetention(s: string): Retention {
  let maxAgeMs: number | undefined;
  let maxBytes: number | undefined;
  const parts = s
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) throw new RangeError(`invalid retention "${s}" (examples: 7d, 500MiB)`);
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)([a-zA-Z]+)$/.exec(p);
    const unit = m?.[2]?.toLowerCase() ?? '';
    const n = Number(m?.[1]);
    if (m !== null && AGE_MS[unit] !== undefined && maxAgeMs === undefined && n > 0) {
      maxAgeMs = Math.round(n * AGE_MS[unit]);
    } else if (m !== null && SIZE[unit] !== undefined && maxBytes === undefined && n > 0) {
      maxBytes = Math.round(n * SIZE[unit]);
    } else {
      throw new RangeError(
        `invalid retention "${s}" (an age like 7d / 12h and/or a size like 500MiB / 2GB)`,
      );
    }
  }
  return {
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
    ...(maxBytes === undefined ? {} : { maxBytes }),
  };
}

/**
 * Parses a point in time to ms since the epoch: RFC 3339 (`2026-12-04T18:00:00Z`, offset
 * required when a time is given), unix seconds (`1796400000`, fractions allowed), `now`, or
 * relative to `now` (`-1h`, `-90s`, `-2d`, `-1h30m`).
 */
export function parseTime(s: string, now: number = Date.now()): number {
  const t = s.trim();
  if (t === 'now') return now;
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const rel = /^-((?:\d+(?:\.\d+)?[smhdw])+)$/.exec(t);
  if (rel !== null) {
    let ms = 0;
    for (const m of (rel[1] ?? '').matchAll(/(\d+(?:\.\d+)?)([smhdw])/g))
      ms += Number(m[1]) * (AGE_MS[m[2] ?? ''] ?? NaN);
    return Math.round(now - ms);
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/i.test(t)) {
    const ms = Date.parse(t.replace(' ', 'T'));
    if (Number.isFinite(ms)) return ms;
  }
  throw new RangeError(
    `invalid time "${s}" (RFC 3339 like 2026-12-04T18:00:00Z, unix seconds, or relative like -1h)`,
  );
}
