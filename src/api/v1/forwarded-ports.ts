// SPDX-License-Identifier: MIT
/**
 * @module api/v1/forwarded-ports
 *
 * Mapper from the in-memory {@link Forward} model to the v1 `forwarded-ports` DTO (reference
 * §2.10): `{ipv4: [...], ipv6: [...]}` split by the family of the original destination, fields
 * in the Go engine's order. `port`/`forward-port` are the first port of a range (the Go wire
 * has no range); `netnsid` is the inode of the netns owning the target IP, 0 when unresolved;
 * `owners` are the processes of the serving sockets; `network-interface-refs` (sic, not
 * `-idrefs`) the nifs owning the target IP that are in the document.
 */
import type { Forward } from '../../model/forward.js';
import type { Nif } from '../../model/network.js';
import { nifIdOf } from './ids.js';
import { portOwnerV1, v1Address, type OwnerIdref } from './ports.js';
import type { ForwardedPortV1 } from './types.js';

/** One forward in §2.10 field order. */
export function forwardedPortV1(
  f: Forward,
  inDoc: (n: Nif | undefined) => n is Nif,
  idref?: OwnerIdref,
): ForwardedPortV1 {
  const r = f.resolution;
  const resolved = r !== undefined && r.resolved;
  return {
    family: f.family === 6 ? 10 : 2,
    protocol: f.protocol,
    ip: v1Address(f.ip),
    port: f.portMin,
    servicename: f.serviceName,
    'forward-ip': v1Address(f.targetIp),
    'forward-port': f.targetPortMin,
    'forward-servicename': f.targetServiceName,
    netnsid: resolved ? r.netns.id.ino : 0,
    owners: resolved ? r.servers.map((o) => portOwnerV1(o, idref)) : [],
    'network-interface-refs': resolved ? r.nifs.filter(inDoc).map(nifIdOf) : [],
  };
}

/** The `forwarded-ports` object of one netns (always both arrays). */
export function forwardedPortsV1(
  forwards: readonly Forward[] | undefined,
  inDoc: (n: Nif | undefined) => n is Nif,
  idref?: OwnerIdref,
): { ipv4: ForwardedPortV1[]; ipv6: ForwardedPortV1[] } {
  const ipv4: ForwardedPortV1[] = [];
  const ipv6: ForwardedPortV1[] = [];
  for (const f of forwards ?? [])
    (f.family === 6 ? ipv6 : ipv4).push(forwardedPortV1(f, inDoc, idref));
  return { ipv4, ipv6 };
}
