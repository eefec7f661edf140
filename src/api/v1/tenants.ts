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
import type { DnsConfig, SchedulingInfo } from '../../model/tenant-details.js';
import type { TenantProcessDetails } from '../../model/tenant.js';
import type { ContainerV1, DnsV1, OwnerV1 } from './types.js';

/** The DNS object of a tenant (§2.5.1); lists are `null` when the mount namespace was out of reach. */
export function dnsV1(dns: DnsConfig): DnsV1 {
  return {
    'uts-hostname': dns.utsHostname,
    'etc-hostname': dns.etcHostname,
    domainname: dns.etcDomainname,
    nameservers: dns.nameservers === null ? null : [...dns.nameservers],
    searchlist: dns.searchlist === null ? null : [...dns.searchlist],
    'etc-hosts': dns.hosts === null ? null : dns.hosts.map((h) => ({ name: h.name, address: h.address })),
  };
}

/** `capbnd`: `0x` + 16 lower-case hex digits; `0x0` when the bounding set is unknown. */
export function capbndV1(capBnd: bigint | undefined): string {
  return capBnd === undefined ? '0x0' : `0x${capBnd.toString(16).padStart(16, '0')}`;
}

/** `capbnd` and `status` of a process tenant, in wire order. */
export function confinementV1(details: TenantProcessDetails): Pick<ContainerV1, 'capbnd' | 'status'> {
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
