// SPDX-License-Identifier: MIT
/**
 * @module models/search
 *
 * "Find anything": one query over container, pod, project and process names, IP addresses
 * (also an address inside an interface's prefix), ports, interface names, MACs and labels.
 * Pure: takes the v1 document and the wiring model, returns what matched and where to jump.
 */
import type { DiscoveryResultV1 } from '@gw/api';
import type { WiringModel } from '@gw/wiring';
import { parseIp, prefixContains } from './ip';

/** What a hit matched. */
export type HitKind =
  | 'container'
  | 'pod'
  | 'project'
  | 'process'
  | 'ip'
  | 'subnet'
  | 'port'
  | 'interface'
  | 'mac'
  | 'label';

/** One search hit. */
export interface SearchHit {
  kind: HitKind;
  /** The matched text, e.g. `172.17.0.2/16 on eth0`. */
  text: string;
  netnsId: string;
  /** Card title of the netns, for the result list. */
  where: string;
  /** Section to jump to in the details (`tenants`, `nifs`, `ports`). */
  section: string;
  nifId?: string;
}

const MAX_HITS = 200;

/** Searches `doc`/`m`; an empty query yields no hits. Case-insensitive substring matching. */
export function search(doc: DiscoveryResultV1, m: WiringModel, query: string): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const ip = parseIp(q);
  const port = /^:?(\d{1,5})$/.exec(q);
  const portNo = port !== null ? Number(port[1]) : undefined;
  const hits: SearchHit[] = [];
  const has = (s: string): boolean => s.toLowerCase().includes(q);
  for (const ns of doc['network-namespaces']) {
    const node = m.netns[ns.id];
    const where = node?.title ?? `netns ${ns.netnsid}`;
    const push = (h: Omit<SearchHit, 'netnsId' | 'where'>): void => {
      hits.push({ ...h, netnsId: ns.id, where });
    };
    for (const g of ns['container-groups'])
      if (has(g.name)) push({ kind: 'pod', text: g.name, section: 'tenants' });
    const projects = new Set<string>();
    for (const c of ns.containers) {
      const kind: HitKind = c.type === 'proc' || c.type === 'bindmount' ? 'process' : 'container';
      if (has(c.name) || (portNo !== undefined && String(c.pid) === port![1]))
        push({ kind, text: c.name, section: 'tenants' });
      for (const [k, v] of Object.entries(c.labels ?? {})) {
        if (k === 'com.docker.compose.project' && has(v) && !projects.has(v)) {
          projects.add(v);
          push({ kind: 'project', text: v, section: 'tenants' });
        } else if (has(k) || has(v)) push({ kind: 'label', text: `${k}=${v}`, section: 'tenants' });
      }
    }
    for (const n of ns['network-interfaces']) {
      if (has(n.name) || (n.alias !== undefined && has(n.alias)))
        push({ kind: 'interface', text: n.name, section: 'nifs', nifId: n.id });
      if (n.addresses.mac !== '' && has(n.addresses.mac) && q.length >= 2 && /[:0-9a-f]/.test(q))
        push({
          kind: 'mac',
          text: `${n.addresses.mac} on ${n.name}`,
          section: 'nifs',
          nifId: n.id,
        });
      for (const a of [...n.addresses.ipv4, ...n.addresses.ipv6]) {
        const text = `${a.address}/${a.prefixlen} on ${n.name}`;
        if (ip !== undefined) {
          if (parseIp(a.address)?.value === ip.value && parseIp(a.address)?.family === ip.family)
            push({ kind: 'ip', text, section: 'nifs', nifId: n.id });
          else if (prefixContains(a.address, a.prefixlen, ip))
            push({ kind: 'subnet', text: `${q} is in ${text}`, section: 'nifs', nifId: n.id });
        } else if (has(a.address)) push({ kind: 'ip', text, section: 'nifs', nifId: n.id });
      }
    }
    if (portNo !== undefined) {
      const seen = new Set<string>();
      for (const p of [...ns['transport-ports'].ipv4, ...ns['transport-ports'].ipv6]) {
        if (p['local-port'] !== portNo && p['remote-port'] !== portNo) continue;
        const text = `${p.protocol} ${p['local-address']}:${p['local-port']}${p.state === 'listen' || p.macrostate === 'listening' ? ' listening' : ` → ${p['remote-address']}:${p['remote-port']}`}`;
        if (seen.has(text)) continue;
        seen.add(text);
        push({ kind: 'port', text, section: 'ports' });
      }
      for (const f of [...ns['forwarded-ports'].ipv4, ...ns['forwarded-ports'].ipv6])
        if (f.port === portNo || f['forward-port'] === portNo)
          push({
            kind: 'port',
            text: `${f.protocol} ${f.ip}:${f.port} → ${f['forward-ip']}:${f['forward-port']}`,
            section: 'forwarded',
          });
    }
    if (hits.length >= MAX_HITS) break;
  }
  // exact addresses and names first, "inside a subnet" last (stable within a rank)
  return hits
    .map((h, i) => ({ h, i }))
    .sort((a, b) => RANK[a.h.kind] - RANK[b.h.kind] || a.i - b.i)
    .map((x) => x.h)
    .slice(0, MAX_HITS);
}

const RANK: Record<HitKind, number> = {
  ip: 0,
  container: 1,
  pod: 1,
  project: 1,
  process: 2,
  interface: 3,
  mac: 3,
  label: 4,
  port: 5,
  subnet: 6,
};

/** The netns ids with at least one hit. */
export function matchingNetns(hits: readonly SearchHit[]): Set<string> {
  return new Set(hits.map((h) => h.netnsId));
}
