// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { parseRetention, parseTime } from './parse.js';
import { defaultDataDir } from './data-dir.js';

describe('parseRetention', () => {
  it('reads an age, a size, or both', () => {
    expect(parseRetention('7d')).toEqual({ maxAgeMs: 7 * 86_400_000 });
    expect(parseRetention('500MiB')).toEqual({ maxBytes: 500 * 2 ** 20 });
    expect(parseRetention('12h,2GB')).toEqual({ maxAgeMs: 12 * 3_600_000, maxBytes: 2e9 });
    expect(parseRetention('1GiB 30d')).toEqual({ maxAgeMs: 30 * 86_400_000, maxBytes: 2 ** 30 });
  });
  it('rejects nonsense, zero and doubles', () => {
    for (const bad of ['', '7', '7x', '0d', '1d,2d', '-1d', '5MiB,6MiB'])
      expect(() => parseRetention(bad), bad).toThrow(RangeError);
  });
});

describe('parseTime', () => {
  const now = Date.parse('2026-12-04T18:00:00Z');
  it('reads RFC 3339, unix seconds, now and relative times', () => {
    expect(parseTime('2026-12-04T17:00:00Z', now)).toBe(now - 3_600_000);
    expect(parseTime('2026-12-04T19:00:00+01:00', now)).toBe(now);
    expect(parseTime(String(now / 1000), now)).toBe(now);
    expect(parseTime('now', now)).toBe(now);
    expect(parseTime('-1h', now)).toBe(now - 3_600_000);
    expect(parseTime('-1h30m', now)).toBe(now - 5_400_000);
    expect(parseTime('-2d', now)).toBe(now - 2 * 86_400_000);
  });
  it('rejects nonsense', () => {
    for (const bad of ['', 'yesterday', '-1', '+1h', '2026-12-04T17:00:00', '12:00'])
      expect(() => parseTime(bad, now), bad).toThrow(RangeError);
  });
});

describe('defaultDataDir', () => {
  it('uses /var/lib for root, else XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultDataDir({}, 0)).toBe('/var/lib/ghostwire');
    expect(defaultDataDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/u' }, 1000)).toBe(
      '/x/state/ghostwire',
    );
    expect(defaultDataDir({ HOME: '/home/u' }, 1000)).toBe('/home/u/.local/state/ghostwire');
  });
});
