// SPDX-License-Identifier: MIT
/**
 * @module analysis/lint/objects
 *
 * Naming helpers shared by the lint rules: the v1 id and display name of a netns or nif, the
 * host netns test. Pure.
 */
import { netnsIdOf, nifIdOf } from '../../api/v1/index.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import type { NetworkNamespace, Nif } from '../../model/network.js';
import { netnsName } from '../reach/index.js';
import type { LintObject } from './types.js';

/** A netns as a lint object. */
export function netnsObject(result: DiscoveryResult, n: NetworkNamespace): LintObject {
  const ino = n.ns.id.ino;
  return { kind: 'netns', id: netnsIdOf(ino), name: netnsName(result, ino) };
}

/** A nif as a lint object (`eth0 in web`). */
export function nifObject(result: DiscoveryResult, nif: Nif): LintObject {
  return { kind: 'nif', id: nifIdOf(nif), name: nifName(result, nif) };
}

/** `eth0 in web`. */
export function nifName(result: DiscoveryResult, nif: Nif): string {
  return `${nif.name} in ${netnsName(result, nif.netns.ns.id.ino)}`;
}

/** True for the host's (initial) netns. */
export function isHostNetns(result: DiscoveryResult, n: NetworkNamespace): boolean {
  return result.namespaces.initial.net?.id.ino === n.ns.id.ino;
}

/** IFF_LOWER_UP: carrier. */
const IFF_LOWER_UP = 0x10000;

/** Up but without carrier (operstate down / lower layer down and no IFF_LOWER_UP). */
export function noCarrier(n: Nif): boolean {
  if (!n.up || n.loopback || (n.flags & IFF_LOWER_UP) !== 0) return false;
  return n.operState === 'DOWN' || n.operState === 'LOWERLAYERDOWN' || n.operState === 'NOTPRESENT';
}

/** All nifs of all netns. */
export function allNifs(result: DiscoveryResult): Nif[] {
  const out: Nif[] = [];
  for (const n of result.network.netns.values()) out.push(...n.nifs.values());
  return out;
}
