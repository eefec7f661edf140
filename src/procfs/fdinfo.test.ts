// SPDX-License-Identifier: MIT
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcfsError } from '../errors.js';
import { parseFdinfo, readFdinfo } from './fdinfo.js';

describe('parseFdinfo', () => {
  it('parses a TUN/TAP fd with iff', () => {
    const info = parseFdinfo(
      'pos:\t0\nflags:\t02004002\nmnt_id:\t26\nino:\t1045\niff:\tgwt-tap0\n',
    );
    expect(info).toMatchObject({ pos: 0, flags: 0o2004002, mntId: 26, iff: 'gwt-tap0' });
    expect(info.fields.get('ino')).toBe('1045');
  });

  it('has no iff for a detached tun fd or other files', () => {
    expect(parseFdinfo('pos:\t0\nflags:\t02\nmnt_id:\t26\n').iff).toBeUndefined();
    expect(parseFdinfo('pos:\t0\nflags:\t02\nmnt_id:\t26\niff:\t\n').iff).toBeUndefined();
  });

  it('keeps lines of other drivers and ignores lines without a key', () => {
    const info = parseFdinfo(
      'pos:\t5\nflags:\t0100002\nmnt_id:\t15\neventfd-count:  0\n\ntfd:        3 events:       19 data: 0\n',
    );
    expect(info.fields.get('eventfd-count')).toBe('0');
    expect(info.pos).toBe(5);
  });

  it('throws GW_ERR_PROCFS_PARSE for malformed numbers', () => {
    expect(() => parseFdinfo('pos:\tx\n', 'p')).toThrow(ProcfsError);
    expect(() => parseFdinfo('flags:\t09\n', 'p')).toThrow(/bad flags/);
  });
});

describe('readFdinfo', () => {
  const root = mkdtempSync(join(tmpdir(), 'gw-fdinfo-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads <procRoot>/<pid>/fdinfo/<fd> and reports a closed fd as a read error', () => {
    mkdirSync(join(root, '7', 'fdinfo'), { recursive: true });
    writeFileSync(join(root, '7', 'fdinfo', '3'), 'pos:\t0\nflags:\t02\nmnt_id:\t1\niff:\ttun9\n');
    expect(readFdinfo(7, 3, root).iff).toBe('tun9');
    expect(() => readFdinfo(7, 4, root)).toThrow(
      expect.objectContaining({ code: 'GW_ERR_PROCFS_READ' }),
    );
  });
});
