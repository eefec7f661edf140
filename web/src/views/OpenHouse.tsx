// SPDX-License-Identifier: MIT
/**
 * @module views/OpenHouse
 *
 * Everything the host accepts: listening TCP and open UDP sockets of the host netns and the
 * forwarded ports (netfilter DNAT, docker-proxy), each with who finally serves it — the owning
 * process, or for a forward the netns that has the target address and the process listening on
 * the target port there.
 */
import { useMemo } from 'react';
import type { NetnsV1, OwnerV1 } from '@gw/api';
import { useApp } from '../app/context';
import { SortTable, type Column } from '../components/SortTable';
import { hostPort } from '../models/format';
import { netnsLink } from './DetailsView';

/** One row of the open house. */
export interface OpenRow {
  protocol: string;
  address: string;
  port: number;
  service: string;
  forward: string;
  /** netns id that finally serves it. */
  servedBy: string | undefined;
  owners: OwnerV1[];
}

/** Computes the rows (pure; exported for tests). */
export function openHouseRows(all: readonly NetnsV1[], host: NetnsV1, ipv6: boolean): OpenRow[] {
  const rows: OpenRow[] = [];
  const fwds = [...host['forwarded-ports'].ipv4, ...(ipv6 ? host['forwarded-ports'].ipv6 : [])];
  const ownerAddr = (ip: string): NetnsV1 | undefined =>
    all.find((n) =>
      n['network-interfaces'].some((i) =>
        [...i.addresses.ipv4, ...i.addresses.ipv6].some((a) => a.address === ip),
      ),
    );
  const fwdKeys = new Set<string>();
  for (const f of fwds) {
    const target =
      all.find((n) => n.netnsid === f.netnsid && f.netnsid !== 0) ?? ownerAddr(f['forward-ip']);
    const listeners = target
      ? [...target['transport-ports'].ipv4, ...target['transport-ports'].ipv6].filter(
          (p) =>
            p['local-port'] === f['forward-port'] &&
            p.protocol === f.protocol &&
            (p.macrostate === 'listening' || p.protocol === 'udp'),
        )
      : [];
    const owners = f.owners.length > 0 ? f.owners : listeners.flatMap((p) => p.owners);
    rows.push({
      protocol: f.protocol,
      address: f.ip,
      port: f.port,
      service: f.servicename,
      forward: hostPort(f['forward-ip'], f['forward-port']),
      servedBy: target?.id,
      owners: [...new Map(owners.map((o) => [o.pid, o])).values()],
    });
    fwdKeys.add(`${f.protocol}/${f.port}`);
  }
  const socks = [...host['transport-ports'].ipv4, ...(ipv6 ? host['transport-ports'].ipv6 : [])];
  const seen = new Set<string>();
  for (const p of socks) {
    const open =
      (p.protocol.startsWith('tcp') && p.macrostate === 'listening') ||
      (p.protocol.startsWith('udp') && p.macrostate !== 'connected');
    if (!open) continue;
    const key = `${p.protocol}/${p['local-address']}/${p['local-port']}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // docker-proxy listeners duplicate a forward: list them once, as the forward
    if (
      fwdKeys.has(`${p.protocol}/${p['local-port']}`) &&
      p.owners.every((o) => o.cmdline.includes('docker-proxy'))
    )
      continue;
    rows.push({
      protocol: p.protocol,
      address: p['local-address'],
      port: p['local-port'],
      service: p['local-servicename'],
      forward: '',
      servedBy: host.id,
      owners: p.owners,
    });
  }
  return rows.sort(
    (a, b) =>
      a.protocol.localeCompare(b.protocol) || a.port - b.port || a.address.localeCompare(b.address),
  );
}

/** The open-house page. */
export function OpenHouse() {
  const { doc, model, url } = useApp();
  const hostId = model.order.find((id) => model.netns[id]?.isHost);
  const host = doc['network-namespaces'].find((n) => n.id === hostId);
  const rows = useMemo(
    () =>
      host !== undefined ? openHouseRows(doc['network-namespaces'], host, url.filters.ipv6) : [],
    [doc, host, url.filters.ipv6],
  );
  const cols: Array<Column<OpenRow>> = [
    { title: 'Proto', key: (r) => r.protocol, cell: (r) => r.protocol },
    { title: 'Address', key: (r) => r.address, cell: (r) => <code>{r.address}</code> },
    { title: 'Port', key: (r) => r.port, cell: (r) => r.port, numeric: true },
    { title: 'Service', key: (r) => r.service, cell: (r) => r.service },
    {
      title: 'Forwarded to',
      key: (r) => r.forward,
      cell: (r) =>
        r.forward !== '' ? (
          <code>{r.forward}</code>
        ) : (
          <span className="muted">— (open on the host)</span>
        ),
    },
    {
      title: 'Served by',
      key: (r) => (r.servedBy !== undefined ? (model.netns[r.servedBy]?.title ?? '') : ''),
      cell: (r) => (
        <>
          {r.servedBy !== undefined ? (
            <a href={netnsLink(model, r.servedBy)}>
              {model.netns[r.servedBy]?.isHost ? 'host' : model.netns[r.servedBy]?.title}
            </a>
          ) : (
            <span className="muted">unknown</span>
          )}
          {r.owners.map((o) => (
            <span key={o.pid} className="owner">
              {' '}
              · <code>{o.cmdline.split(' ')[0]}</code> ({o.pid})
            </span>
          ))}
        </>
      ),
    },
  ];
  return (
    <main className="page">
      <h1>Open house</h1>
      <p className="muted">
        What this host accepts from outside: listening TCP and open UDP ports of the host netns and
        forwarded ports, and who finally serves each. Established connections are in each netns's
        details.
      </p>
      <SortTable
        rows={rows}
        cols={cols}
        label="open and forwarded host ports"
        empty="the host accepts nothing"
      />
    </main>
  );
}
