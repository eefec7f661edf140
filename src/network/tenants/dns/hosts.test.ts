// SPDX-License-Identifier: MIT
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHosts } from './hosts.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/dns/${name}`, import.meta.url), 'utf8');

describe('parseHosts', () => {
  it('parses the reference scenario (§6): several names per line, trailing comment', () => {
    expect(parseHosts(fixture('hosts'))).toEqual([
      { name: 'frotzelwotz', address: '127.1.2.3' },
      { name: 'wurzelprumpf', address: '127.1.2.3' },
    ]);
  });

  it('keeps the last address of a repeated name, drops invalid lines, canonicalises addresses', () => {
    expect(parseHosts(fixture('hosts-complex'))).toEqual([
      { name: 'localhost', address: '::1' },
      { name: 'ip6-localhost', address: '::1' },
      { name: 'ip6-loopback', address: '::1' },
      { name: 'ip6-allnodes', address: 'ff02::1' },
      { name: 'a', address: '10.0.0.2' },
      { name: 'b', address: '10.0.0.3' },
      { name: 'linklocal', address: 'fe80::1%eth0' },
      { name: 'mapped', address: '::ffff:192.0.2.1' },
    ]);
  });

  it('treats # anywhere as a comment start', () => {
    expect(parseHosts('10.1.1.1 a#b c\n#10.1.1.2 d\n10.1.1.3#e f\n')).toEqual([
      { name: 'a', address: '10.1.1.1' },
    ]);
  });

  it('returns nothing for empty or comment-only text', () => {
    expect(parseHosts('')).toEqual([]);
    expect(parseHosts('# nothing\n\n')).toEqual([]);
  });
});
