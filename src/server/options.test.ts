// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { decodeBrandIcon, parseDuration, parseListen } from './options.js';

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:5000', '127.0.0.1', 5000],
    ['[::]:5000', '::', 5000],
    ['[::1]:0', '::1', 0],
    [':8080', '::', 8080],
    ['localhost:1', 'localhost', 1],
  ])('%s', (s, host, port) => {
    expect(parseListen(s)).toEqual({ host, port });
  });
  it.each(['5000', '1.2.3.4', '1.2.3.4:70000', '[::1]', 'a:b:c'])('rejects %s', (s) => {
    expect(() => parseListen(s)).toThrow(RangeError);
  });
});

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['2s500ms', 2_500],
  ])('%s', (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });
  it.each(['', '15', 's', '1x', '-1s', '1s '])('rejects %j', (s) => {
    if (s === '1s ') expect(parseDuration(s)).toBe(1000);
    else expect(() => parseDuration(s)).toThrow(RangeError);
  });
});

describe('decodeBrandIcon', () => {
  it('decodes base64 SVG and keeps plain SVG', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';
    expect(decodeBrandIcon(Buffer.from(svg).toString('base64'))).toBe(svg);
    expect(decodeBrandIcon(svg)).toBe(svg);
    expect(decodeBrandIcon('abcd')).toBe('abcd');
  });
});
