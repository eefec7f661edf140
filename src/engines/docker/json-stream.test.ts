// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { JsonObjectSplitter } from './json-stream.js';

describe('JsonObjectSplitter', () => {
  it('splits newline-separated and back-to-back objects cut at any point', () => {
    const objs = [{ a: 1, s: 'x}{"y' }, { b: { c: [1, { d: '\\"}' }] } }, { e: '' }];
    const text = `${JSON.stringify(objs[0])}\n${JSON.stringify(objs[1])}${JSON.stringify(objs[2])}\n`;
    for (let cut = 1; cut < text.length; cut += 3) {
      const s = new JsonObjectSplitter();
      const out = [...s.push(text.slice(0, cut)), ...s.push(text.slice(cut))].map(
        (t) => JSON.parse(t) as unknown,
      );
      expect(out).toEqual(objs);
    }
  });
  it('yields nothing for an incomplete object', () => {
    const s = new JsonObjectSplitter();
    expect(s.push('{"a":')).toEqual([]);
    expect(s.push('1}')).toEqual(['{"a":1}']);
  });
});
