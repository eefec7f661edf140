// SPDX-License-Identifier: MIT
/**
 * @module network/subject
 *
 * Problem subjects of the network layer, one format for all of them so that problems can be
 * grouped by netns: `netns:[<ino>]` and `netns:[<ino>] nif <index> (<name>)`.
 */
import type { Namespace } from '../model/namespace.js';
import type { Nif } from '../model/network.js';

/** Subject naming a network namespace. */
export function netnsSubject(ns: Namespace): string {
  return `netns:[${ns.id.ino}]`;
}

/** Subject naming one nif of a network namespace. */
export function nifSubject(nif: Nif): string {
  return `${netnsSubject(nif.netns.ns)} nif ${nif.index} (${nif.name})`;
}
