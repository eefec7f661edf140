// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import type { DiscoveryResultV1 } from '@gw/api';
import { buildWiringModel } from '@gw/wiring';
import mock from './mock/mockdata.json';
import {
  NO_SELECTION,
  captureUrl,
  netnsTarget,
  notCapturableReason,
  selectionTarget,
  toggleNif,
} from './capture';
import { INITIAL_LIVE, agoText, changedNetns, liveReducer } from './feed';
import { visibleNetns } from './filters';
import { findingsByNetns } from './lint';
import { parseIp, prefixContains } from './ip';
import { search } from './search';
import { dice, resolveSlug, slugOf, slugsOf } from './slug';
import { DEFAULT_FILTERS, basePath, formatUrl, parseUrl, relativePath } from './url-state';

const doc = (): DiscoveryResultV1 => structuredClone(mock) as unknown as DiscoveryResultV1;
const model = buildWiringModel(doc());
const idOf = (title: string): string =>
  Object.values(model.netns).find((n) => n.title === title)!.id;

describe('url state', () => {
  it('round-trips view, search, filters and collapsed groups; defaults stay out of the URL', () => {
    const s = parseUrl('n/web%20app', '?q=172.17&v6=0&mac=1&c=project:b,project:a', '#ports');
    expect(s).toMatchObject({ view: 'details', slug: 'web app', section: 'ports', q: '172.17' });
    expect(s.filters).toEqual({ ...DEFAULT_FILTERS, ipv6: false, macs: true });
    expect(formatUrl(s)).toBe('n/web%20app?q=172.17&v6=0&mac=1&c=project%3Aa%2Cproject%3Ab#ports');
    expect(
      parseUrl(
        formatUrl(s).split(/[?#]/)[0]!,
        '?' + (formatUrl(s).split('?')[1] ?? '').split('#')[0],
        '#ports',
      ),
    ).toEqual({ ...s, collapsed: ['project:a', 'project:b'] });
    expect(formatUrl(parseUrl('', ''))).toBe('./');
    expect(parseUrl('open', '').view).toBe('open');
    expect(parseUrl('nonsense', '').view).toBe('wiring');
    expect(parseUrl('', '').filters.ipv6).toBe(true); // IPv6 shown by default
  });

  it('keeps the grouping in the URL (g=network|none; project/pod by default, not written)', () => {
    expect(parseUrl('', '').groupBy).toBe('project');
    expect(parseUrl('', '?g=network').groupBy).toBe('network');
    expect(parseUrl('', '?g=bogus').groupBy).toBe('project');
    const s = parseUrl('', '?g=none&c=net:a,net:a');
    expect(formatUrl(s)).toBe('./?c=net%3Aa&g=none');
    expect(formatUrl({ ...s, groupBy: 'project', collapsed: [] })).toBe('./');
  });

  it('derives the base path behind a path-prefix proxy', () => {
    expect(basePath('http://h:5001/edgeshark/')).toBe('/edgeshark/');
    expect(basePath('http://h/edgeshark/index.html')).toBe('/edgeshark/');
    expect(relativePath('/edgeshark/n/web', '/edgeshark/')).toBe('n/web');
    expect(relativePath('/other', '/edgeshark/')).toBe('');
  });
});

describe('ip', () => {
  it('parses IPv4, IPv6 and IPv4-mapped IPv6', () => {
    expect(parseIp('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('fe80::1:2')?.value).toBe((0xfe80n << 112n) | (1n << 16n) | 2n);
    expect(parseIp('::ffff:10.0.0.1')?.value).toBe((0xffffn << 32n) | 0x0a000001n);
    for (const bad of ['256.1.1.1', '1.2.3', 'eth0', '1::2::3', 'abcde::1'])
      expect(parseIp(bad)).toBeUndefined();
  });
  it('tests prefix containment', () => {
    expect(prefixContains('172.17.0.1', 16, parseIp('172.17.5.9')!)).toBe(true);
    expect(prefixContains('172.17.0.1', 16, parseIp('172.18.0.1')!)).toBe(false);
    expect(prefixContains('fd00::2', 64, parseIp('fd00::1234')!)).toBe(true);
    expect(prefixContains('fd00::2', 64, parseIp('10.0.0.1')!)).toBe(false);
  });
});

describe('search', () => {
  const d = doc();
  it('finds a container by IP, also inside its prefix', () => {
    const exact = search(d, model, '172.17.0.2');
    expect(exact.some((h) => h.kind === 'ip' && h.where === 'nginx(2345), sh(2400)')).toBe(true);
    expect(exact[0]).toMatchObject({ kind: 'ip', where: 'nginx(2345), sh(2400)' }); // before the host's subnet
    const inside = search(d, model, '172.17.0.99');
    expect(inside.filter((h) => h.kind === 'subnet').map((h) => h.where)).toContain(
      'nginx(2345), sh(2400)',
    );
  });
  it('finds processes, interfaces, MACs and ports and says what matched', () => {
    expect(search(d, model, 'nginx')[0]).toMatchObject({
      kind: 'process',
      text: 'nginx(2345)',
      section: 'tenants',
    });
    expect(search(d, model, 'vx666').map((h) => h.kind)).toContain('interface');
    expect(search(d, model, '3c:52:82').map((h) => h.kind)).toContain('mac');
    const ports = search(d, model, '80').filter((h) => h.kind === 'port');
    expect(ports.length).toBeGreaterThan(0);
    expect(ports[0]!.text).toMatch(/:80\b/);
    expect(search(d, model, '   ')).toEqual([]);
  });
  it('matches labels and compose projects', () => {
    const dd = doc();
    dd['network-namespaces'][1]!.containers[0]!.labels = {
      'com.docker.compose.project': 'shop',
      tier: 'frontend',
    };
    const m = buildWiringModel(dd);
    expect(search(dd, m, 'shop').map((h) => h.kind)).toContain('project');
    expect(search(dd, m, 'frontend')[0]).toMatchObject({ kind: 'label', text: 'tier=frontend' });
  });
});

describe('slugs and fuzzy deep links', () => {
  it('links by name, not inode, and resolves names with and without PID', () => {
    const ng = idOf('nginx(2345), sh(2400)');
    expect(slugOf(model, ng)).toBe('nginx');
    expect(resolveSlug(model, 'nginx')).toEqual({ found: true, netnsId: ng });
    expect(resolveSlug(model, 'nginx(2345)')).toEqual({ found: true, netnsId: ng });
    expect(resolveSlug(model, String(model.netns[ng]!.netnsid))).toEqual({
      found: true,
      netnsId: ng,
    });
    const all = slugsOf(model);
    for (const id of model.order) expect(all.get(id)).toBe(slugOf(model, id));
  });
  it('accepts a close name and offers "did you mean" otherwise', () => {
    expect(dice('web_1', 'web-1')).toBeGreaterThan(0.4);
    expect(resolveSlug(model, 'ngiinx')).toMatchObject({ found: true });
    const r = resolveSlug(model, 'ngix-proxy');
    expect(r.found).toBe(false);
    if (!r.found) expect(r.suggestions[0]?.name).toMatch(/nginx/);
  });
});

describe('feed reducer', () => {
  it('tracks connection, sequence, staleness and changed netns', () => {
    let s = liveReducer(INITIAL_LIVE, { type: 'loaded', doc: doc(), at: 1000 });
    expect(s.updatedAt).toBe(1000);
    s = liveReducer(s, { type: 'feed-open' });
    expect(s.connection).toBe('live');
    s = liveReducer(s, {
      type: 'event',
      event: { seq: 3, time: '', type: 'container-started', container: { netns: 42 } },
      at: 2000,
    });
    expect(s).toMatchObject({ seq: 3, stale: true, changed: { 42: 2000 } });
    const again = liveReducer(s, {
      type: 'event',
      event: { seq: 2, time: '', type: 'nif-added' },
      at: 2100,
    });
    expect(again).toBe(s); // old events are ignored
    const next = doc();
    next['network-namespaces'][1]!['network-interfaces'][1]!.operstate = 'DOWN';
    s = liveReducer(s, { type: 'loaded', doc: next, at: 3000 });
    expect(s.stale).toBe(false);
    expect(Object.keys(s.changed).map(Number)).toContain(next['network-namespaces'][1]!.netnsid);
    const same = liveReducer(s, { type: 'unchanged', at: 4000 });
    expect(same.doc).toBe(s.doc); // the same objects: nothing to re-render
    expect(same.updatedAt).toBe(4000);
    s = liveReducer(s, { type: 'feed-error', willRetry: true });
    expect(s.connection).toBe('reconnecting');
    expect(liveReducer(s, { type: 'feed-unavailable' }).connection).toBe('static');
  });
  it('diffs documents and formats the age', () => {
    expect(changedNetns(doc(), doc())).toEqual([]);
    expect(agoText(0, 5)).toBe('never updated');
    expect(agoText(1000, 6400)).toBe('updated 5 s ago');
    expect(agoText(0 + 1, 1 + 180_000)).toBe('updated 3 min ago');
  });
});

describe('capture URLs', () => {
  const d = doc();
  const ns = d['network-namespaces'][1]!;
  it('builds exactly the packetflix URL of the Edgeshark plugin', () => {
    const t = netnsTarget(ns, ['eth0']);
    expect(t).toEqual({
      netns: ns.netnsid,
      nifs: ['eth0'],
      name: 'nginx(2345)',
      type: 'proc',
      prefix: '',
    });
    const json = `{"netns":${ns.netnsid},"network-interfaces":["eth0"],"name":"nginx(2345)","type":"proc","prefix":""}`;
    expect(captureUrl('http://host:5001/', t)).toBe(
      `packetflix:ws://host:5001/capture?container=${encodeURIComponent(json)}&nif=eth0`,
    );
    expect(captureUrl('https://h/edgeshark/', { ...t, nifs: ['eth0', 'eth1'] })).toMatch(
      /^packetflix:wss:\/\/h\/edgeshark\/capture\?container=.*&nif=eth0\/eth1$/,
    );
  });
  it('uses the pod as the target of a pod netns and disables down interfaces with a reason', () => {
    const t = netnsTarget(
      {
        netnsid: 1,
        containers: [{ name: 'c', type: 'CRI', prefix: '', pid: 5 }],
        'container-groups': [{ name: 'default/web', type: 'pod' }],
      },
      ['eth0'],
    );
    expect(t).toMatchObject({ name: 'default/web', type: 'pod' });
    expect(notCapturableReason('eth0', 'DOWN')).toBe('eth0 is down: nothing to capture');
    expect(notCapturableReason('eth0', 'LOWER_LAYER_DOWN')).toMatch(/lower layer down/);
    expect(notCapturableReason('eth0', 'UP')).toBe('');
  });
  it('captures a chosen set of interfaces of one netns as one packetflix URL', () => {
    const one = {
      id: 'netns-7',
      netnsid: 7,
      containers: [{ name: 'web', type: 'docker', prefix: '', pid: 9 }],
      'container-groups': [],
      'network-interfaces': [
        { name: 'lo', operstate: 'UNKNOWN' },
        { name: 'eth0', operstate: 'UP' },
        { name: 'eth1', operstate: 'UP' },
        { name: 'eth2', operstate: 'DOWN' },
      ],
    };
    // click order eth1, eth0 (and a down one): the URL lists them in the netns's order, without
    // the down interface
    let sel = toggleNif(NO_SELECTION, 'netns-7', 'eth1');
    sel = toggleNif(sel, 'netns-7', 'eth0');
    sel = toggleNif(sel, 'netns-7', 'eth2');
    expect(sel).toEqual({ netnsId: 'netns-7', nifs: ['eth1', 'eth0', 'eth2'] });
    const t = selectionTarget(one, sel)!;
    const json =
      '{"netns":7,"network-interfaces":["eth0","eth1"],"name":"web","type":"docker","prefix":""}';
    expect(captureUrl('http://127.0.0.1:5001/gw/', t)).toBe(
      `packetflix:ws://127.0.0.1:5001/gw/capture?container=${encodeURIComponent(json)}&nif=eth0/eth1`,
    );
    // toggling off, and a selection in another netns starts over there
    expect(toggleNif(sel, 'netns-7', 'eth1').nifs).toEqual(['eth0', 'eth2']);
    expect(toggleNif(sel, 'netns-8', 'eth0')).toEqual({ netnsId: 'netns-8', nifs: ['eth0'] });
    expect(toggleNif(toggleNif(NO_SELECTION, 'netns-7', 'lo'), 'netns-7', 'lo')).toBe(NO_SELECTION);
    expect(selectionTarget(one, { netnsId: 'netns-8', nifs: ['eth0'] })).toBeUndefined();
    expect(selectionTarget(one, { netnsId: 'netns-7', nifs: ['eth2'] })).toBeUndefined();
    // a "," in a name stays in the JSON; "/" separates the nif list (Linux allows "," in names)
    const odd = {
      ...one,
      'network-interfaces': [{ name: 'a,b', operstate: 'UP' }, ...one['network-interfaces']],
    };
    const u = captureUrl(
      'http://h/',
      selectionTarget(odd, { netnsId: 'netns-7', nifs: ['eth0', 'a,b'] })!,
    );
    expect(u.endsWith('&nif=a%2Cb/eth0')).toBe(true);
  });
});

describe('filters', () => {
  it('hides lo-only netns unless asked and keeps search matches', () => {
    const d = doc();
    d['network-namespaces'].push({
      ...structuredClone(d['network-namespaces'][1]!),
      id: 'netns-7',
      netnsid: 7,
      containers: [],
      'network-interfaces': [
        { ...d['network-namespaces'][1]!['network-interfaces'][0]!, id: 'nif-7-1' },
      ],
    });
    const m = buildWiringModel(d);
    expect(visibleNetns(m, DEFAULT_FILTERS, undefined).has('netns-7')).toBe(false);
    expect(
      visibleNetns(m, { ...DEFAULT_FILTERS, showLoOnly: true }, undefined).has('netns-7'),
    ).toBe(true);
    expect([...visibleNetns(m, DEFAULT_FILTERS, new Set(['netns-7']))]).toEqual(['netns-7']);
  });
});

describe('lint findings', () => {
  it('maps findings to the netns of their netns, nif and container objects, most severe first', () => {
    const d = doc();
    const ns = d['network-namespaces'][1]!;
    const c = ns.containers[0]!;
    const nif = ns['network-interfaces'][1]!;
    const m = findingsByNetns(d, [
      {
        code: 'A',
        severity: 'info',
        objects: [{ kind: 'nif', id: nif.id, name: nif.name }],
        message: 'a',
      },
      {
        code: 'B',
        severity: 'error',
        objects: [{ kind: 'container', id: c.id, name: c.name }],
        message: 'b',
      },
      {
        code: 'C',
        severity: 'warning',
        objects: [{ kind: 'netns', id: 'netns-1', name: 'gone' }],
        message: 'c',
      },
    ]);
    expect(m.get(ns.id)?.map((f) => f.code)).toEqual(['B', 'A']);
    expect(m.has('netns-1')).toBe(false);
  });
});
