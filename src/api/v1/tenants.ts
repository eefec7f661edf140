// SPDX-License-Identifier: MIT
/**
 * @module api/v1/tenants
 *
 * v1 wire mappers for the per-tenant facts (reference §2.5, §2.5.1) and TAP/TUN processors
 * (§2.7 `tuntap.processors`). Each returns an object literal whose key order is the emitted
 * order, so the container mapper can spread the pieces in place:
 *
 * ```ts
 * { cmdline, dns: dnsV1(d), group, id, name, prefix, 'api-path', pid, pidns, 'pidns-idref',
 *   ...confinementV1(details), type, 'type-text', ...schedulingV1(details, schedulingOf(p)) }
 * ```
 *
 * `priority` carries the real-time priority (1..99 under SCHED_FIFO/RR), never the policy
 * (the Go engine's bug); it is omitted when 0 like `policy` and `nice`.
 */
import type { Process } from '../../model/namespace.js';
import {
  tunTapKey,
  type DnsConfig,
  type SchedulingInfo,
  type TunTapProcessors,
} from '../../model/tenant-details.js';
import {
  tenantLeader,
  tenantProcess,
  type Tenant,
  type TenantModel,
  type TenantProcessDetails,
  type TenantType,
} from '../../model/tenant.js';
import { tenantIdOf } from './ids.js';
import type { BindmountDnsV1, ContainerV1, DnsV1, OwnerV1 } from './types.js';

/** v1 `type-text` of each tenant type. */
export const TENANT_TYPE_TEXT_V1: Readonly<Record<TenantType, string>> = {
  proc: 'Process',
  bindmount: 'Bind-mounted',
};

/** The DNS object of a tenant (§2.5.1); lists are `null` when the mount namespace was out of reach. */
export function dnsV1(dns: DnsConfig): DnsV1 {
  return {
    'uts-hostname': dns.utsHostname,
    'etc-hostname': dns.etcHostname,
    domainname: dns.etcDomainname,
    nameservers: dns.nameservers === null ? null : [...dns.nameservers],
    searchlist: dns.searchlist === null ? null : [...dns.searchlist],
    'etc-hosts':
      dns.hosts === null ? null : dns.hosts.map((h) => ({ name: h.name, address: h.address })),
  };
}

/**
 * The DNS object of a process whose DNS configuration is unknown (not read, e.g. the DNS phase
 * failed): empty names and `null` lists — the Go engine's "could not be read" convention.
 */
export function unknownDnsV1(): DnsV1 {
  return {
    'uts-hostname': '',
    'etc-hostname': '',
    domainname: '',
    nameservers: null,
    searchlist: null,
    'etc-hosts': null,
  };
}

/**
 * The DNS object of a bind-mount pseudo tenant: exactly Go's `{"etc-hosts": null}` (its zero
 * DnsConfig with `omitempty` on the string fields), kept for wire compatibility with v1
 * clients (see docs/api-v1.md).
 */
export function bindmountDnsV1(): BindmountDnsV1 {
  return { 'etc-hosts': null };
}

/** `dns` of any tenant: pseudo tenants {@link bindmountDnsV1}, else {@link dnsV1} or {@link unknownDnsV1}. */
export function tenantDnsV1(
  t: Tenant,
  dns: ReadonlyMap<number, DnsConfig>,
): DnsV1 | BindmountDnsV1 {
  const p = tenantProcess(t);
  if (p === undefined) return bindmountDnsV1();
  const d = dns.get(p.pid);
  return d === undefined ? unknownDnsV1() : dnsV1(d);
}

/** `capbnd`: `0x` + 16 lower-case hex digits; `0x0` when the bounding set is unknown. */
export function capbndV1(capBnd: bigint | undefined): string {
  return capBnd === undefined ? '0x0' : `0x${capBnd.toString(16).padStart(16, '0')}`;
}

/** `capbnd` and `status` of a process tenant, in wire order. */
export function confinementV1(
  details: TenantProcessDetails,
): Pick<ContainerV1, 'capbnd' | 'status'> {
  return { capbnd: capbndV1(details.capBnd), status: details.status };
}

/** `affinity`, `policy`, `priority`, `nice` of a process tenant in wire order; each omitted when empty/0. */
export function schedulingV1(
  details: TenantProcessDetails,
  sched: SchedulingInfo,
): Pick<ContainerV1, 'affinity' | 'policy' | 'priority' | 'nice'> {
  const out: Pick<ContainerV1, 'affinity' | 'policy' | 'priority' | 'nice'> = {};
  if (details.affinity.length > 0) out.affinity = details.affinity.map(([a, b]) => [a, b]);
  if (sched.policy !== 0) out.policy = sched.policy;
  if (sched.priority !== 0) out.priority = sched.priority;
  if (sched.nice !== 0) out.nice = sched.nice;
  return out;
}

/**
 * TAP/TUN processors of one interface as v1 owners (`pid`, `cmdline` = argv joined by single
 * spaces, `container-idref` when `containerIdref` knows the tenant leading the process).
 */
export function processorsV1(
  processes: readonly Process[],
  containerIdref: (p: Process) => string | undefined = () => undefined,
): OwnerV1[] {
  return processes.map((p) => {
    const ref = containerIdref(p);
    const owner: OwnerV1 = { pid: p.pid, cmdline: p.cmdline.join(' ') };
    if (ref !== undefined && ref !== '') owner['container-idref'] = ref;
    return owner;
  });
}

/**
 * Resolves processes to the `container-idref` of the tenant leading them, restricted to the
 * tenants of one document so every reference resolves: the leader (reference §2.10, walk up
 * the parent chain to a leader of its netns) must be the process of a tenant in `netnsInos`.
 */
export function containerIdrefResolver(
  tenants: TenantModel,
  netnsInos: ReadonlySet<number>,
): (p: Process) => string | undefined {
  const ids = new Map<number, string>();
  for (const [ino, list] of tenants) {
    if (!netnsInos.has(ino)) continue;
    for (const t of list) {
      const p = tenantProcess(t);
      if (p !== undefined && !ids.has(p.pid)) ids.set(p.pid, tenantIdOf(t));
    }
  }
  return (p) => ids.get(tenantLeader(p).pid);
}

/** `tuntap.processors` of the tun/tap interface `ifName` in netns `netnsIno`. */
export function tunTapProcessorsV1(
  processors: TunTapProcessors,
  netnsIno: number,
  ifName: string,
  containerIdref: (p: Process) => string | undefined,
): OwnerV1[] {
  return processorsV1(processors.get(tunTapKey(netnsIno, ifName)) ?? [], containerIdref);
}
