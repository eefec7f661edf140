// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import {
  formatIPv4,
  formatIPv6,
  formatMac,
  parseIp,
  parseIPv4,
  parseIPv6,
  parseMac,
} from './ip.js';

const v6 = (t: string): string => formatIPv6(parseIPv6(t) as Buffer);

describe('ip text helpers', () => {
  it('formats IPv4', () => {
    expect(formatIPv4(Uint8Array.of(0, 10, 1, 2, 255), 1)).toBe('10.1.2.255');
  });

  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // single zero group not compressed
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['fe80:0:0:0:5eff:fe00:0:1', 'fe80::5eff:fe00:0:1'],
    ['2001:DB8:0:0:0:0:2:0', '2001:db8::2:0'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], // longest run wins
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['1::', '1::'],
  ])('formats %s as %s (RFC 5952)', (input, out) => {
    expect(v6(input)).toBe(out);
  });

  it('parses and rejects', () => {
    expect(parseIPv4('1.2.3.256')).toBeUndefined();
    expect(parseIPv4('1.2.3')).toBeUndefined();
    expect(parseIPv4('010.1.1.1')).toBeUndefined();
    expect(parseIPv4('0.0.0.0')?.toString('hex')).toBe('00000000');
    expect(parseIPv6('1::2::3')).toBeUndefined();
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIPv6('12345::')).toBeUndefined();
    expect(parseIPv6('::1.2.3.4')?.toString('hex')).toBe('00000000000000000000000001020304');
    expect(parseIp('10.0.0.1')?.family).toBe(2);
    expect(parseIp('::')?.family).toBe(10);
    expect(parseIp('nope')).toBeUndefined();
  });

  it('formats and parses MACs', () => {
    expect(formatMac(Uint8Array.of(0xaa, 0x0b, 0xcc), 0, 3)).toBe('aa:0b:cc');
    expect(parseMac('AA:0b:cc')?.toString('hex')).toBe('aa0bcc');
    expect(parseMac('zz')).toBeUndefined();
    expect(parseMac('')?.length).toBe(0);
  });
});
