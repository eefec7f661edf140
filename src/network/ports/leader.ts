// SPDX-License-Identifier: MIT
/**
 * @module network/ports/leader
 *
 * The tenant leader of a socket owner (reference §2.10): walk up the parent chain until a
 * process that is a leader of its netns, i.e. whose parent is in another netns or that has no
 * parent. Such a process is a tenant (stand-alone process) of its netns, so the owner can refer
 * to it as `cont-<pid>`.
 */
import type { Process } from '../../model/namespace.js';

/** Returns the leader process of `p` (p itself when its netns is unknown). Pure. */
export function tenantLeader(p: Process): Process {
  let cur = p;
  const seen = new Set<Process>();
  for (;;) {
    const net = cur.namespaces.net;
    const parent = cur.parent;
    if (net === undefined || parent === undefined || seen.has(parent)) return cur;
    const pnet = parent.namespaces.net;
    if (pnet === undefined || pnet.id.ino !== net.id.ino || pnet.id.dev !== net.id.dev) return cur;
    seen.add(cur);
    cur = parent;
  }
}
