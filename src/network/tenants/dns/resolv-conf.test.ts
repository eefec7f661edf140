// SPDX-License-Identifier: MIT
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseResolvConf } from './resolv-conf.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/dns/${name}`, import.meta.url), 'utf8');

describe('parseResolvConf', () => {
  it('parses the reference scenario (§6): comments, invalid servers dropped, last search/domain wins', () => {
    expect(parseResolvConf(fixture('resolv.conf'))).toEqual({
      nameservers: ['1.2.3.4', '::dead:beef'],
      searchlist: ['foo.bar', 'frotz.batz'],
      options: ['ndots:2', 'timeout:1', 'rotate'],
    });
  });

  it('lets a later domain line replace an earlier search line (first value only)', () => {
    expect(
      parseResolvConf('search a.example b.example\ndomain c.example d.example\n').searchlist,
    ).toEqual(['c.example']);
  });

  it('ignores keyword-only lines, unknown keywords and comments only in the first column', () => {
    const r = parseResolvConf(
      'search one\nsearch\nnameserver\nfoo bar\n #nameserver 9.9.9.9\n;nameserver 8.8.8.8\n',
    );
    expect(r.searchlist).toEqual(['one']);
    // ' #nameserver' is not a comment per resolv.conf(5), but its keyword is '#nameserver'
    expect(r.nameservers).toEqual([]);
  });

  it('takes only the first value of a nameserver line, tolerates tabs and CRLF, keeps all servers in order', () => {
    const r = parseResolvConf(
      'nameserver\t10.0.0.1  # primary\r\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\nnameserver FE80::1%eth0\n',
    );
    expect(r.nameservers).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', 'fe80::1%eth0']);
  });

  it('returns empty lists for empty text', () => {
    expect(parseResolvConf('')).toEqual({ nameservers: [], searchlist: [], options: [] });
  });
});
