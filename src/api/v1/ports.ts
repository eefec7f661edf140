// SPDX-License-Identifier: MIT
/**
 * @module api/v1/ports
 *
 * Mapper from the in-memory {@link Port} model to the v1 `transport-ports` DTO (reference
 * §2.10): `{ipv4: [...], ipv6: [...]}` with the Go engine's field names and order. IPv4-mapped
 * IPv6 addresses are emitted in dotted IPv4 form (Go `net.IP` behaviour); owners refer to the
 * tenant leading them as `container-idref` (only when the caller's resolver knows that tenant
 * in the document, so the reference always resolves); `network-interface-idrefs` are
 * `nif-<netns ino>-<ifindex>`.
 */
import type { Port, PortOwner } from '../../model/port.js';
import { nifIdOf, tenantIdOf } from './ids.js';
import type { OwnerV1, TransportPortV1 } from './types.js';

/** Address text as Go prints a 16-byte net.IP: IPv4-mapped → dotted IPv4. */
export function v1Address(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  return address;
}

/**
 * Resolves the `container-idref` of an owner (undefined: omit the field). The default refers
 * to the owner's tenant (`cont-<pid>` of its process), if it has one.
 */
export type OwnerIdref = (o: PortOwner) => string | undefined;

const DEFAULT_IDREF: OwnerIdref = (o) =>
  o.tenant === undefined ? undefined : tenantIdOf(o.tenant);

/** One owner: `{pid, cmdline, container-idref?}`. */
export function portOwnerV1(o: PortOwner, idref: OwnerIdref = DEFAULT_IDREF): OwnerV1 {
  const out: OwnerV1 = { pid: o.process.pid, cmdline: o.process.cmdline.join(' ') };
  const ref = idref(o);
  if (ref !== undefined) out['container-idref'] = ref;
  return out;
}

/** One transport port in §2.10 field order. */
export function transportPortV1(p: Port, idref: OwnerIdref = DEFAULT_IDREF): TransportPortV1 {
  return {
    family: p.family === 4 ? 2 : 10,
    protocol: p.protocol,
    'local-address': v1Address(p.localAddress),
    'local-port': p.localPort,
    'local-servicename': p.localServiceName,
    'remote-address': v1Address(p.remoteAddress),
    'remote-port': p.remotePort,
    'remote-servicename': p.remoteServiceName,
    state: p.state,
    macrostate: p.macrostate,
    owners: p.owners.map((o) => portOwnerV1(o, idref)),
    'network-interface-idrefs': p.nifs.map(nifIdOf),
  };
}

/**
 * The `transport-ports` object of one netns (always both arrays; empty when the netns has no
 * ports or was not scanned). Dual-stack aliases (`ipv4Mapped`) go to `ipv4`.
 */
export function transportPortsV1(
  ports: readonly Port[] | undefined,
  idref: OwnerIdref = DEFAULT_IDREF,
): { ipv4: TransportPortV1[]; ipv6: TransportPortV1[] } {
  const ipv4: TransportPortV1[] = [];
  const ipv6: TransportPortV1[] = [];
  for (const p of ports ?? []) (p.family === 4 ? ipv4 : ipv6).push(transportPortV1(p, idref));
  return { ipv4, ipv6 };
}
