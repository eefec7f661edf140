// SPDX-License-Identifier: MIT
/**
 * @module views/DetailsView
 *
 * Details of one netns, linked by the name of a container, pod or process (`n/<name>`): its
 * tenants (command line, PID, capabilities with the non-default ones highlighted, affinity,
 * scheduling, DNS, labels), the interface tree with clickable relations, the routes of every
 * table, transport ports (sortable; owners link to their netns) and forwarded ports.
 */
import { useEffect, useMemo, useState } from 'react';
import type {
  ContainerV1,
  NetnsV1,
  NetworkInterfaceV1,
  TransportPortV1,
  ForwardedPortV1,
} from '@gw/api';
import { capNames, parseCapbnd, type WiringModel } from '@gw/wiring';
import { useApp } from '../app/context';
import { CaptureButton, ChosenCapture } from '../components/Capture';
import { KIND_DESCRIPTION, KIND_TEXT, KindIcon, OperIcon } from '../components/Icons';
import { SortTable, type Column } from '../components/SortTable';
import { describeTenant } from '../components/TenantMarks';
import {
  NO_SELECTION,
  capturable,
  netnsTarget,
  notCapturableReason,
  toggleNif,
  type NifSelection,
} from '../models/capture';
import {
  POLICIES,
  hostPort,
  internalLabel,
  lifetime,
  rangesText,
  tableName,
} from '../models/format';
import { resolveSlug, slugOf } from '../models/slug';
import type { Filters } from '../models/url-state';

/** Links to the details of the netns holding tenant `containerId` (or a nif). */
export function netnsLink(m: WiringModel, netnsId: string, hash = ''): string {
  return `n/${encodeURIComponent(slugOf(m, netnsId))}${hash !== '' ? `#${hash}` : ''}`;
}

function findContainerNetns(
  doc: { 'network-namespaces': NetnsV1[] },
  id: string,
): string | undefined {
  return doc['network-namespaces'].find((n) => n.containers.some((c) => c.id === id))?.id;
}

function Prop({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>
        {children === '' || children === undefined || children === null ? (
          <span className="none" title="not available">
            ✕
          </span>
        ) : (
          children
        )}
      </dd>
    </>
  );
}

function Tenant({ c }: { c: ContainerV1 }) {
  const { model } = useApp();
  const t = Object.values(model.netns)
    .flatMap((n) => n.tenants)
    .find((x) => x.id === c.id);
  const mask = parseCapbnd(c.capbnd);
  const caps = mask !== undefined ? capNames(mask) : [];
  const labels = Object.entries(c.labels ?? {})
    .filter(([k]) => !internalLabel(k))
    .sort(([a], [b]) => a.localeCompare(b));
  const dns = 'nameservers' in c.dns ? c.dns : undefined;
  return (
    <article className="tenant" aria-label={`tenant ${c.name}`}>
      <h3>
        <span className={`state state-${c.status}`}>{c.status}</span> {c.name}
        {t?.privileged ? <span className="priv"> privileged</span> : null}
      </h3>
      <dl className="props">
        {c.id !== c.name && !c.id.startsWith('cont-') ? <Prop k="ID">{c.id}</Prop> : null}
        <Prop k="type">{t !== undefined ? describeTenant(t) : c['type-text']}</Prop>
        {c.group !== '' ? <Prop k="group">{c.group}</Prop> : null}
        {c.prefix !== '' ? <Prop k="engine prefix">{c.prefix}</Prop> : null}
        <Prop k="command line">
          {c.cmdline !== '' ? <code className="cmdline">{c.cmdline}</code> : ''}
        </Prop>
        <Prop k="PID">{c.pid > 0 ? String(c.pid) : ''}</Prop>
        <Prop k="PID namespace">{c.pidns > 0 ? String(c.pidns) : ''}</Prop>
        <Prop k="capabilities">
          {caps.length > 0 ? (
            <span className="caps-grid">
              {caps.map((x) => (
                <span
                  key={x.bit}
                  className={x.extra ? 'cap extra' : 'cap'}
                  title={
                    x.extra ? 'not in the default container set' : 'default container capability'
                  }
                >
                  {x.name}
                  {x.extra ? <span className="sr-only"> (non-default)</span> : null}
                </span>
              ))}
            </span>
          ) : (
            ''
          )}
        </Prop>
        <Prop k="CPU affinity">{rangesText(c.affinity)}</Prop>
        <Prop k="scheduling">{`${POLICIES[c.policy ?? 0] ?? String(c.policy)}${c.priority !== undefined ? ` prio ${c.priority}` : ''}${c.nice !== undefined && c.nice !== 0 ? ` nice ${c.nice}` : ''}`}</Prop>
        {dns !== undefined ? (
          <>
            <Prop k="UTS hostname">{dns['uts-hostname']}</Prop>
            <Prop k="/etc/hostname">{dns['etc-hostname']}</Prop>
            <Prop k="/etc/domainname">{dns.domainname}</Prop>
            <Prop k="DNS servers">
              {dns.nameservers === null ? 'not readable' : dns.nameservers.join(', ')}
            </Prop>
            <Prop k="DNS search">
              {dns.searchlist === null ? 'not readable' : dns.searchlist.join(' ')}
            </Prop>
            <Prop k="/etc/hosts">
              {dns['etc-hosts'] === null ? (
                'not readable'
              ) : dns['etc-hosts'].length === 0 ? (
                ''
              ) : (
                <ul className="plain">
                  {dns['etc-hosts'].map((h, i) => (
                    <li key={i}>
                      <code>{h.address}</code> {h.name}
                    </li>
                  ))}
                </ul>
              )}
            </Prop>
          </>
        ) : null}
        <Prop k="labels">
          {labels.length > 0 ? (
            <ul className="plain labels">
              {labels.map(([k, v]) => (
                <li key={k}>
                  <code>{k}</code>={v}
                </li>
              ))}
            </ul>
          ) : (
            ''
          )}
        </Prop>
      </dl>
    </article>
  );
}

function NifRef({ idref, name }: { idref: string; name: string }) {
  const { model } = useApp();
  const n = model.nifs[idref];
  if (n === undefined) return <code>{name}</code>;
  const ns = model.netns[n.netnsId];
  return (
    <a
      href={netnsLink(model, n.netnsId, `nif-${n.name}`)}
      title={`${n.name} in ${ns?.title ?? ''}`}
    >
      <code>{n.name}</code>
      {ns !== undefined ? <span className="muted"> in {ns.isHost ? 'host' : ns.title}</span> : null}
    </a>
  );
}

function NifRow({
  n,
  ns,
  all,
  depth,
  f,
  sel,
  onChoose,
}: {
  n: NetworkInterfaceV1;
  ns: NetnsV1;
  all: NetworkInterfaceV1[];
  depth: number;
  f: Filters;
  sel: NifSelection;
  onChoose: (name: string) => void;
}) {
  const { model, dyn } = useApp();
  const node = model.nifs[n.id];
  const kind = node?.kind ?? 'other';
  const rel: Array<[string, React.ReactNode]> = [];
  if (n.peer !== undefined)
    rel.push(['peer', <NifRef idref={n.peer['peer-idref']} name={n.peer['peer-name']} />]);
  if (n.master !== undefined)
    rel.push([
      node?.bridgeId !== undefined ? 'bridge' : 'lower',
      <NifRef idref={n.master.idref} name={n.master.name} />,
    ]);
  if (n.macvlan !== undefined)
    rel.push(['macvlan master', <NifRef idref={n.macvlan.idref} name={n.macvlan.name} />]);
  if (n.vxlan !== undefined && n.vxlan.idref !== '')
    rel.push(['underlay', <NifRef idref={n.vxlan.idref} name="underlay" />]);
  if (n.pf !== undefined) rel.push(['PF', <NifRef idref={n.pf.idref} name={n.pf.name} />]);
  for (const m of n.macvlans ?? []) rel.push(['macvlan', <NifRef idref={m.idref} name={m.name} />]);
  const kids = all.filter((x) => x.master?.idref === n.id && model.nifs[n.id]?.kind === 'bridge');
  const addrs = [...n.addresses.ipv4, ...(f.ipv6 ? n.addresses.ipv6 : [])];
  return (
    <li id={`nif-${n.name}`} className="nif-row" style={{ marginLeft: depth * 20 }}>
      <div className="nif-line">
        {dyn.enableMonolith ? (
          <input
            type="checkbox"
            className="choose"
            checked={sel.netnsId === ns.id && sel.nifs.includes(n.name) && capturable(n.operstate)}
            disabled={!capturable(n.operstate)}
            onChange={() => onChoose(n.name)}
            aria-label={`choose ${n.name} for a capture of several interfaces`}
            title={
              capturable(n.operstate)
                ? `choose ${n.name} for a capture of several interfaces`
                : notCapturableReason(n.name, n.operstate)
            }
          />
        ) : null}
        <span
          className={`nif static ${kind}${node?.up === false ? ' down' : ''}`}
          title={KIND_DESCRIPTION[kind]}
        >
          <KindIcon kind={kind} />
          <span className="kind">{KIND_TEXT[kind]}</span>
          <span className="name">{n.name}</span>
          {n.alias !== undefined ? <span className="alias">~{n.alias}</span> : null}
          <OperIcon up={node?.up ?? false} state={n.operstate} />
        </span>
        <span className="muted">
          {' '}
          #{n.index} {n.operstate}
          {n.promisc ? ' · promiscuous' : ''}
          {n.driverinfo.driver !== ''
            ? ` · driver ${n.driverinfo.driver}${n.driverinfo.businfo !== undefined ? ` @ ${n.driverinfo.businfo}` : ''}`
            : ''}
          {n.vlan !== undefined ? ` · VID ${n.vlan.vid}` : ''}
          {n.vxlan !== undefined
            ? ` · VNI ${n.vxlan.vid}${n.vxlan.remote?.remote_ipv4 !== undefined ? ` → ${n.vxlan.remote.remote_ipv4}` : ''}`
            : ''}
          {n['sr-iov-role'] === 1 ? ' · SR-IOV PF' : n['sr-iov-role'] === 2 ? ' · SR-IOV VF' : ''}
        </span>
        {dyn.enableMonolith ? (
          <CaptureButton
            target={netnsTarget(ns, [n.name])}
            label={`capture ${n.name}`}
            disabledReason={notCapturableReason(n.name, n.operstate)}
          />
        ) : null}
      </div>
      {rel.length > 0 ? (
        <ul className="plain rel">
          {rel.map(([k, v], i) => (
            <li key={i}>
              <span className="muted">···· {k}</span> {v}
            </li>
          ))}
        </ul>
      ) : null}
      {n.tuntap !== undefined ? (
        <ul className="plain rel">
          {n.tuntap.processors.map((p) => (
            <li key={p.pid}>
              <span className="muted">···· {n.tuntap!.mode} held by</span> <code>{p.cmdline}</code>{' '}
              ({p.pid})
            </li>
          ))}
        </ul>
      ) : null}
      <ul className="plain addrs-list">
        {f.macs && n.addresses.mac !== '' && n.addresses.mac !== '00:00:00:00:00:00' ? (
          <li>
            <span className="fam">MAC</span> <code>{n.addresses.mac}</code>
          </li>
        ) : null}
        {addrs.map((a) => (
          <li key={a.address}>
            <span className="fam">{a.family === 2 ? 'IPv4' : 'IPv6'}</span> <code>{a.address}</code>
            /{a.prefixlen}{' '}
            <span className="muted">
              preferred {lifetime(a['preferred-lifetime'])} · valid {lifetime(a['valid-lifetime'])}
            </span>
          </li>
        ))}
      </ul>
      {kids.length > 0 ? (
        <ul className="plain">
          {kids.map((k) => (
            <NifRow
              key={k.id}
              n={k}
              ns={ns}
              all={all}
              depth={1}
              f={f}
              sel={sel}
              onChoose={onChoose}
            />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function Owners({ owners }: { owners: TransportPortV1['owners'] }) {
  const { model, doc } = useApp();
  return (
    <>
      {owners.map((o, i) => {
        const netnsId =
          o['container-idref'] !== undefined
            ? findContainerNetns(doc, o['container-idref'])
            : undefined;
        const c =
          netnsId !== undefined
            ? doc['network-namespaces']
                .find((n) => n.id === netnsId)
                ?.containers.find((x) => x.id === o['container-idref'])
            : undefined;
        return (
          <span key={i} className="owner">
            {netnsId !== undefined && c !== undefined ? (
              <>
                <a href={netnsLink(model, netnsId)}>{c.name}</a> ·{' '}
              </>
            ) : null}
            <code>{o.cmdline.split(' ')[0]}</code> ({o.pid})
          </span>
        );
      })}
    </>
  );
}

const PORT_COLS: Array<Column<TransportPortV1>> = [
  {
    title: 'St',
    key: (p) => (p.macrostate === 'listening' ? 0 : 1),
    cell: (p) => (
      <span title={p.state}>
        {p.macrostate === 'listening'
          ? 'listen'
          : p.macrostate === 'connected'
            ? 'conn'
            : p.macrostate}
      </span>
    ),
  },
  { title: 'Proto', key: (p) => p.protocol, cell: (p) => p.protocol },
  { title: 'Socket', key: (p) => p.family, cell: (p) => (p.family === 2 ? 'IPv4' : 'IPv6') },
  {
    title: 'Address',
    key: (p) => p['local-address'],
    cell: (p) => <code>{p['local-address']}</code>,
  },
  { title: 'Port', key: (p) => p['local-port'], cell: (p) => p['local-port'], numeric: true },
  { title: 'Service', key: (p) => p['local-servicename'], cell: (p) => p['local-servicename'] },
  {
    title: 'Remote',
    key: (p) => p['remote-address'],
    cell: (p) => <code>{p['remote-address']}</code>,
  },
  { title: 'R-Port', key: (p) => p['remote-port'], cell: (p) => p['remote-port'], numeric: true },
  {
    title: 'Owners',
    key: (p) => p.owners.map((o) => o.cmdline).join(' '),
    cell: (p) => <Owners owners={p.owners} />,
  },
];

/** Forwarded-port columns (also used by the open house). */
export const FWD_COLS: Array<Column<ForwardedPortV1>> = [
  { title: 'Proto', key: (p) => p.protocol, cell: (p) => p.protocol },
  { title: 'Address', key: (p) => p.ip, cell: (p) => <code>{p.ip}</code> },
  { title: 'Port', key: (p) => p.port, cell: (p) => p.port, numeric: true },
  { title: 'Service', key: (p) => p.servicename, cell: (p) => p.servicename },
  {
    title: 'Forwarded to',
    key: (p) => p['forward-ip'],
    cell: (p) => <code>{hostPort(p['forward-ip'], p['forward-port'])}</code>,
  },
  {
    title: 'Owners',
    key: (p) => p.owners.map((o) => o.cmdline).join(' '),
    cell: (p) => <Owners owners={p.owners} />,
  },
];

function Section({
  id,
  title,
  count,
  children,
}: {
  id: string;
  title: string;
  count: number;
  children: React.ReactNode;
}) {
  return (
    <section id={id} className="section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        <a href={`#${id}`} className="anchor" aria-hidden="true" tabIndex={-1}>
          #
        </a>
        {title} <span className="count">{count}</span>
      </h2>
      {children}
    </section>
  );
}

/** The details page. */
export function DetailsView() {
  const { doc, model, url, navigate, dyn, lint } = useApp();
  const res = useMemo(() => resolveSlug(model, url.slug), [model, url.slug]);
  const [sel, setSel] = useState<NifSelection>(NO_SELECTION);
  const ns = res.found ? doc['network-namespaces'].find((n) => n.id === res.netnsId) : undefined;
  useEffect(() => {
    if (url.section === '') return;
    document.getElementById(url.section)?.scrollIntoView({ block: 'start' });
  }, [url.section, ns?.id]);
  if (!res.found || ns === undefined) {
    return (
      <main className="page">
        <h1>No network namespace “{url.slug}”</h1>
        <p>Nothing here is called that (any more). Did you mean:</p>
        <ul className="suggestions">
          {(res.found ? [] : res.suggestions).map((s) => (
            <li key={s.name + s.netnsId}>
              <a
                href={`n/${encodeURIComponent(s.name)}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate({ ...url, slug: s.name, section: '' });
                }}
              >
                {s.name}
              </a>{' '}
              <span className="muted">({Math.round(s.score * 100)} % alike)</span>
            </li>
          ))}
          {!res.found && res.suggestions.length === 0 ? <li>nothing similar</li> : null}
        </ul>
      </main>
    );
  }
  const node = model.netns[ns.id]!;
  const nifs = [...ns['network-interfaces']].sort(
    (a, b) =>
      (a.name === 'lo' ? -1 : 0) - (b.name === 'lo' ? -1 : 0) || a.name.localeCompare(b.name),
  );
  const top = nifs.filter(
    (n) =>
      !(
        n.master !== undefined &&
        model.nifs[n.id]?.bridgeId !== undefined &&
        nifs.some((x) => x.id === n.master!.idref)
      ),
  );
  const f = url.filters;
  const routes = [...ns.routes.ipv4, ...(f.ipv6 ? ns.routes.ipv6 : [])].sort(
    (a, b) =>
      a.table - b.table ||
      a.family - b.family ||
      a.destination.localeCompare(b.destination, undefined, { numeric: true }) ||
      a['destination-prefixlen'] - b['destination-prefixlen'] ||
      a.priority - b.priority,
  );
  const tables = [...new Set(routes.map((r) => r.table))].sort((a, b) =>
    a === 254 ? -1 : b === 254 ? 1 : a - b,
  );
  const ports = [...ns['transport-ports'].ipv4, ...(f.ipv6 ? ns['transport-ports'].ipv6 : [])].sort(
    (a, b) =>
      a['local-port'] - b['local-port'] ||
      a.protocol.localeCompare(b.protocol) ||
      (a.macrostate === 'listening' ? -1 : 0) - (b.macrostate === 'listening' ? -1 : 0),
  );
  const fwd = [...ns['forwarded-ports'].ipv4, ...(f.ipv6 ? ns['forwarded-ports'].ipv6 : [])];
  const upNifs = ns['network-interfaces'].filter((n) => capturable(n.operstate)).map((n) => n.name);
  return (
    <main className="page details">
      <nav className="crumbs">
        <a href={`./#card-${ns.netnsid}`}>← wiring</a>
      </nav>
      <h1>
        {node.isHost ? <span className="tag">host</span> : null} {node.title}{' '}
        {dyn.enableMonolith ? (
          <CaptureButton
            target={netnsTarget(ns, upNifs)}
            label={`capture all up interfaces of ${node.title}`}
          />
        ) : null}
      </h1>
      <p className="muted">
        network namespace {ns.netnsid} · {ns.containers.length} tenant(s) ·{' '}
        {ns['network-interfaces'].length} interface(s)
      </p>
      <nav className="toc" aria-label="sections">
        {['tenants', 'nifs', 'routes', 'ports', 'forwarded'].map((s) => (
          <a key={s} href={`#${s}`}>
            {s === 'nifs' ? 'interfaces' : s === 'forwarded' ? 'forwarded ports' : s}
          </a>
        ))}
      </nav>
      {(lint.get(ns.id)?.length ?? 0) > 0 ? (
        <Section id="lint" title="lint findings" count={lint.get(ns.id)!.length}>
          <ul className="plain lint-list">
            {lint.get(ns.id)!.map((x, i) => (
              <li key={i} className={`lint ${x.severity}`}>
                <strong>{x.severity}</strong> <code>{x.code}</code> {x.message}
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Section id="tenants" title="tenants" count={ns.containers.length}>
        {ns['container-groups'].map((g) => (
          <p key={g.id}>
            <strong>{g['type-text']}</strong> {g.name}
          </p>
        ))}
        {ns.containers
          .filter(
            (c) =>
              f.sandboxes ||
              !Object.values(model.netns[ns.id]?.tenants ?? []).some(
                (t) => t.id === c.id && t.sandbox,
              ),
          )
          .map((c) => (
            <Tenant key={c.id} c={c} />
          ))}
      </Section>
      <Section id="nifs" title="network interfaces" count={nifs.length}>
        {dyn.enableMonolith ? (
          <ChosenCapture ns={ns} sel={sel} onClear={() => setSel(NO_SELECTION)} />
        ) : null}
        <ul className="plain nif-tree">
          {top.map((n) => (
            <NifRow
              key={n.id}
              n={n}
              ns={ns}
              all={nifs}
              depth={0}
              f={f}
              sel={sel}
              onChoose={(name) => setSel((x) => toggleNif(x, ns.id, name))}
            />
          ))}
        </ul>
      </Section>
      <Section id="routes" title="routes" count={routes.length}>
        {tables.map((t) => (
          <div key={t}>
            <h3>{tableName(t)}</h3>
            <ul className="plain routes">
              {routes
                .filter((r) => r.table === t)
                .map((r, i) => {
                  const dev =
                    r['network-interface-idref'] !== undefined
                      ? model.nifs[r['network-interface-idref']]
                      : undefined;
                  return (
                    <li key={i}>
                      <span className="rtype">{r.type}</span>{' '}
                      <code>
                        {r['destination-prefixlen'] === 0 && r.type === 'unicast'
                          ? 'default'
                          : `${r.destination}/${r['destination-prefixlen']}`}
                      </code>
                      {r['next-hop'] !== undefined ? (
                        <>
                          {' '}
                          via <code>{r['next-hop']}</code>
                        </>
                      ) : null}
                      {dev !== undefined ? (
                        <>
                          {' '}
                          dev <a href={`#nif-${dev.name}`}>{dev.name}</a>
                        </>
                      ) : null}
                      <span className="muted"> metric {r.priority}</span>
                    </li>
                  );
                })}
            </ul>
          </div>
        ))}
        <p className="muted small">
          Policy rules are not part of the v1 document; `ghostwire nifs --json` lists them.
        </p>
      </Section>
      <Section id="ports" title="transport ports" count={ports.length}>
        <SortTable rows={ports} cols={PORT_COLS} label="transport ports" />
      </Section>
      <Section id="forwarded" title="forwarded ports" count={fwd.length}>
        <SortTable rows={fwd} cols={FWD_COLS} label="forwarded ports" />
      </Section>
    </main>
  );
}
