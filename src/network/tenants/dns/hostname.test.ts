// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { MAX_NAME_LINE, parseNameFile } from './hostname.js';

describe('parseNameFile', () => {
  it('takes the first line without white space', () => {
    expect(parseNameFile('foobar\n')).toEqual({ ok: true, value: 'foobar' });
    expect(parseNameFile('  foobar  \nsecond\n')).toEqual({ ok: true, value: 'foobar' });
    expect(parseNameFile('no-newline')).toEqual({ ok: true, value: 'no-newline' });
  });

  it('skips comment and blank lines (hostname(5))', () => {
    expect(parseNameFile('# set by installer\n\nedge01\n')).toEqual({ ok: true, value: 'edge01' });
  });

  it('yields empty for an empty file', () => {
    expect(parseNameFile('')).toEqual({ ok: true, value: '' });
    expect(parseNameFile('\n# only a comment\n')).toEqual({ ok: true, value: '' });
  });

  it('accepts exactly 256 characters and rejects longer lines', () => {
    expect(parseNameFile(`${'a'.repeat(MAX_NAME_LINE)}\n`)).toEqual({
      ok: true,
      value: 'a'.repeat(256),
    });
    expect(parseNameFile(`${'a'.repeat(MAX_NAME_LINE + 1)}\n`)).toEqual({
      ok: false,
      reason: 'too-long',
    });
  });

  it('uses a complete first line of a truncated read, rejects a cut-off one', () => {
    expect(parseNameFile('host\nxxxxxxxx', false)).toEqual({ ok: true, value: 'host' });
    expect(parseNameFile('hostxxxxxxxx', false)).toEqual({ ok: false, reason: 'too-long' });
  });
});
