// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import type { FeedEventV1 } from '../../api/v1/index.js';
import { SseParser, expandFilter, formatEvent } from './watch.js';

describe('watch', () => {
  it('parses SSE incrementally (split chunks, CRLF, comments, multi-line data)', () => {
    const p = new SseParser();
    expect(p.push('retry: 2000\n: hello\n\nid: 1\nevent: nif-added\nda')).toEqual([]);
    expect(p.push('ta: {"a":1}\n\nid: 2\r\ndata: x\r\ndata: y\r\n\r\n')).toEqual([
      { id: '1', event: 'nif-added', data: '{"a":1}' },
      { id: '2', data: 'x\ny' },
    ]);
  });

  it('expands filters by type and family', () => {
    expect(expandFilter(undefined)).toBeUndefined();
    expect(expandFilter('nif')).toEqual(['nif-added', 'nif-removed', 'nif-changed']);
    expect(expandFilter('netns-added, container')).toEqual([
      'netns-added',
      'container-started',
      'container-paused',
      'container-unpaused',
      'container-stopped',
    ]);
    expect(() => expandFilter('bogus')).toThrow(/unknown event type/);
  });

  it('formats one line per event', () => {
    const base = { seq: 7, time: '2026-01-01T12:34:56.789Z', source: 'netlink' } as const;
    const nif = {
      id: 'nif-1-5',
      netns: 1,
      index: 5,
      name: 'veth0',
      kind: 'veth',
      operstate: 'UP',
      mtu: 1500,
      master: '',
      addresses: ['10.0.0.1/24'],
    };
    const lines = (
      [
        { ...base, type: 'nif-added', nif },
        {
          ...base,
          type: 'nif-changed',
          nif: { ...nif, operstate: 'DOWN' },
          changed: ['operstate'],
        },
        {
          ...base,
          type: 'container-started',
          container: {
            id: 'cont-9',
            name: 'web',
            type: 'docker',
            netns: 2,
            pid: 9,
            status: 'running',
          },
        },
        { ...base, type: 'resync', oldest: 3 },
      ] satisfies FeedEventV1[]
    ).map(formatEvent);
    expect(lines[0]).toBe(
      '12:34:56.789 #7 nif-added          veth0 (veth, UP) in netns:[1] 10.0.0.1/24',
    );
    expect(lines[1]).toContain('veth0 in netns:[1]: operstate=DOWN');
    expect(lines[2]).toContain('docker web (pid 9) in netns:[2]');
    expect(lines[3]).toContain('events were lost');
  });
});
