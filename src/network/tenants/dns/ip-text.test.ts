// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { canonicalIp, canonicalIPv4 } from './ip-text.js';

describe('canonicalIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['255.255.255.255', '255.255.255.255'],
    ['0.0.0.0', '0.0.0.0'],
    ['::dead:beef', '::dead:beef'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::192.0.2.1', '::c000:201'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
  ])('%s → %s', (text, want) => {
    expect(canonicalIp(text)).toBe(want);
  });

  it.each([
    '1,2',
    '1::xyz',
    '1',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '010.1.1.1',
    '01.2.3.4',
    '1.2.3.4 ',
    '',
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'g::1',
    '::1.2.3',
    '::256.1.1.1',
    '1.2.3.4%eth0',
    'fe80::1%',
    'fe80::1%a b',
    '::1.2.3.4:5',
    '-1.2.3.4',
  ])('rejects %j', (text) => {
    expect(canonicalIp(text)).toBeUndefined();
  });

  it('rejects IPv4 shorthands inet_aton would accept', () => {
    expect(canonicalIPv4('127.1')).toBeUndefined();
    expect(canonicalIPv4('0x7f.0.0.1')).toBeUndefined();
  });

  it('compresses the longest zero run, the first one on ties', () => {
    expect(canonicalIp('0:0:1:0:0:0:1:0')).toBe('0:0:1::1:0');
    expect(canonicalIp('0:0:1:0:0:1:0:0')).toBe('::1:0:0:1:0:0');
  });
});
