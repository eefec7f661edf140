// SPDX-License-Identifier: MIT
/**
 * @module analysis/diff/diff
 *
 * The difference between two v1 discovery documents (`ghostwire dump` files, or snapshots):
 * network namespaces, interfaces, addresses, routes, listening ports, forwarded ports and
 * containers that were added, removed or changed. Objects are matched by identities that
 * survive a re-discovery: netns by inode, interfaces by netns and name (ifindex changes when a
 * link is re-created), containers by type and name (PIDs change on restart), routes by table,
 * type, destination and interface name, ports by protocol, address and port. Pure.
 */
import type {
  ContainerV1,
  DiscoveryResultV1,
  NetnsV1,
  NetworkInterfaceV1,
} from '../../api/v1/index.js';

/** What kind of object changed. */
export type DiffKind =
  'netns' | 'interface' | 'address' | 'route' | 'port' | 'forward' | 'container';

/** One change. */
export interface DiffChange {
  readonly kind: DiffKind;
  readonly change: 'added' | 'removed' | 'changed';
  /** Stable key of the object (see module doc). */
  readonly key: string;
  /** Human name, e.g. `eth0 in web`, `10.0.0.0/24 via 10.0.0.1 dev eth0 table main`. */
  readonly name: string;
  /** netns inode the object lives in. */
  readonly netnsid?: number;
  /** For `changed`: field → [before, after]. */
  readonly fields?: Readonly<Record<string, readonly [unknown, unknown]>>;
}

/** The diff of two documents. */
export interface DiffResult {
  readonly from: string;
  readonly to: string;
  readonly summary: Readonly<Record<DiffKind, { added: number; removed: number; changed: number }>>;
  readonly changes: readonly DiffChange[];
}

interface Item {
  readonly key: string;
  readonly name: string;
  readonly netnsid?: number;
  readonly fields: Record<string, unknown>;
}

function netnsLabel(n: NetnsV1): string {
  const names = n.containers.map((c) => c.name).filter((x) => x !== '');
  return names.length > 0 ? names.slice(0, 3).join(', ') : `netns ${n.netnsid}`;
}

function tableName(t: number): string {
  return t === 254 ? 'main' : t === 255 ? 'local' : t === 253 ? 'default' : String(t);
}

function sorted(xs: readonly string[]): string[] {
  return [...xs].sort();
}

/** All comparable items of a document, by kind. */
function itemsOf(doc: DiscoveryResultV1): Map<DiffKind, Map<string, Item>> {
  const out = new Map<DiffKind, Map<string, Item>>();
  const add = (kind: DiffKind, item: Item): void => {
    let m = out.get(kind);
    if (m === undefined) out.set(kind, (m = new Map()));
    m.set(item.key, item);
  };
  const nifName = new Map<string, string>(); // v1 id → `name@netnsid`
  for (const n of doc['network-namespaces']) {
    for (const i of n['network-interfaces']) nifName.set(i.id, `${i.name}@${n.netnsid}`);
  }
  const refName = (id: string | undefined): string | undefined =>
    id === undefined ? undefined : (nifName.get(id) ?? id);
  for (const n of doc['network-namespaces']) {
    const label = netnsLabel(n);
    const id = n.netnsid;
    add('netns', {
      key: `netns ${id}`,
      name: label,
      netnsid: id,
      fields: { containers: sorted(n.containers.map((c) => c.name)) },
    });
    for (const i of n['network-interfaces'] as NetworkInterfaceV1[]) {
      add('interface', {
        key: `${id}/${i.name}`,
        name: `${i.name} in ${label}`,
        netnsid: id,
        fields: {
          kind: i.kind,
          operstate: i.operstate,
          mac: i.addresses.mac,
          alias: i.alias ?? '',
          promisc: i.promisc,
          master: i.master?.name ?? '',
          // the reference carries the peer's name; its netns inode is part of the id
          peer:
            i.peer === undefined
              ? ''
              : `${i.peer['peer-name']}@${/^nif-(\d+)-/.exec(i.peer['peer-idref'])?.[1] ?? '?'}`,
          labels: i.labels ?? {},
        },
      });
      for (const a of [...i.addresses.ipv4, ...i.addresses.ipv6]) {
        add('address', {
          key: `${id}/${i.name}/${a.address}/${a.prefixlen}`,
          name: `${a.address}/${a.prefixlen} on ${i.name} in ${label}`,
          netnsid: id,
          fields: { scope: a.scope },
        });
      }
    }
    for (const r of [...n.routes.ipv4, ...n.routes.ipv6]) {
      const dev = refName(r['network-interface-idref'])?.replace(/@\d+$/, '') ?? '';
      const dst =
        r['destination-prefixlen'] === 0 && r.destination.match(/^(0\.0\.0\.0|::)$/)
          ? 'default'
          : `${r.destination}/${r['destination-prefixlen']}`;
      add('route', {
        key: `${id}/${r.table}/${r.type}/${r.destination}/${r['destination-prefixlen']}/${dev}/${r.priority}`,
        name: `${r.type === 'unicast' ? '' : `${r.type} `}${dst}${dev === '' ? '' : ` dev ${dev}`} table ${tableName(r.table)} in ${label}`,
        netnsid: id,
        fields: { 'next-hop': r['next-hop'] ?? '', preference: r.preference },
      });
    }
    for (const p of [...n['transport-ports'].ipv4, ...n['transport-ports'].ipv6]) {
      if (p.macrostate !== 'listening') continue; // connections come and go; listeners are config
      const host = p.family === 10 ? `[${p['local-address']}]` : p['local-address'];
      add('port', {
        key: `${id}/${p.protocol}/${p.family}/${p['local-address']}/${p['local-port']}`,
        name: `${p.protocol} ${host}:${p['local-port']} in ${label}`,
        netnsid: id,
        fields: { owners: sorted(p.owners.map((o) => o.cmdline.split(' ')[0] ?? '')) },
      });
    }
    const fw = n['forwarded-ports'] ?? { ipv4: [], ipv6: [] };
    for (const f of [...fw.ipv4, ...fw.ipv6]) {
      const host = f.family === 10 ? `[${f.ip}]` : f.ip;
      add('forward', {
        key: `${id}/${f.protocol}/${f.family}/${f.ip}/${f.port}`,
        name: `${f.protocol} ${host}:${f.port} in ${label}`,
        netnsid: id,
        fields: { target: `${f['forward-ip']}:${f['forward-port']}`, 'target-netnsid': f.netnsid },
      });
    }
    for (const c of n.containers as ContainerV1[]) {
      if (c.type === 'proc' || c.type === 'bindmount') continue; // tenants without an engine
      add('container', {
        key: `${c.type}/${c.name}`,
        name: `${c.name} (${c['type-text'] || c.type})`,
        netnsid: id,
        fields: { netnsid: id, status: c.status, group: c.group, labels: c.labels ?? {} },
      });
    }
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

const KINDS: readonly DiffKind[] = [
  'netns',
  'interface',
  'address',
  'route',
  'port',
  'forward',
  'container',
];

/** Diffs document `a` (before) against `b` (after). */
export function diffV1(a: DiscoveryResultV1, b: DiscoveryResultV1): DiffResult {
  const ia = itemsOf(a);
  const ib = itemsOf(b);
  const changes: DiffChange[] = [];
  const summary = Object.fromEntries(
    KINDS.map((k) => [k, { added: 0, removed: 0, changed: 0 }]),
  ) as Record<DiffKind, { added: number; removed: number; changed: number }>;
  for (const kind of KINDS) {
    const before = ia.get(kind) ?? new Map<string, Item>();
    const after = ib.get(kind) ?? new Map<string, Item>();
    const base = (it: Item): Pick<DiffChange, 'key' | 'name'> & { netnsid?: number } => ({
      key: it.key,
      name: it.name,
      ...(it.netnsid === undefined ? {} : { netnsid: it.netnsid }),
    });
    for (const [k, it] of before) {
      const now = after.get(k);
      if (now === undefined) {
        changes.push({ kind, change: 'removed', ...base(it) });
        summary[kind].removed++;
        continue;
      }
      let fields: Record<string, readonly [unknown, unknown]> | undefined;
      // items of one kind carry the same field names
      for (const f in it.fields) {
        if (!same(it.fields[f], now.fields[f])) (fields ??= {})[f] = [it.fields[f], now.fields[f]];
      }
      if (fields !== undefined) {
        changes.push({ kind, change: 'changed', ...base(now), fields });
        summary[kind].changed++;
      }
    }
    for (const [k, it] of after) {
      if (before.has(k)) continue;
      changes.push({ kind, change: 'added', ...base(it) });
      summary[kind].added++;
    }
  }
  const rank = (c: DiffChange): number => KINDS.indexOf(c.kind);
  changes.sort((x, y) => rank(x) - rank(y) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return {
    from: a.metadata['creation-timestamp'],
    to: b.metadata['creation-timestamp'],
    summary,
    changes,
  };
}

function show(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '-' : v;
  return JSON.stringify(v);
}

/** Human rendering: one line per change (`+` added, `-` removed, `~` changed). Pure. */
export function renderDiff(d: DiffResult): string {
  const lines = [`diff ${d.from} -> ${d.to}`];
  for (const c of d.changes) {
    const sign = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
    let line = `${sign} ${c.kind} ${c.name}`;
    if (c.fields !== undefined) {
      line += `: ${Object.entries(c.fields)
        .map(([f, [x, y]]) => `${f} ${show(x)} -> ${show(y)}`)
        .join(', ')}`;
    }
    lines.push(line);
  }
  if (d.changes.length === 0) lines.push('no changes');
  return lines.join('\n') + '\n';
}
