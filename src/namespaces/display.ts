// SPDX-License-Identifier: MIT
/**
 * @module namespaces/display
 *
 * Short human-readable names for namespaces and how they were found (CLI tables, logs).
 */
import type { Namespace, NamespaceSource, Process } from '../model/namespace.js';

/** `comm(pid)`, e.g. `systemd(1)`. */
export function processLabel(p: Pick<Process, 'comm' | 'pid'>): string {
  return `${p.comm}(${p.pid})`;
}

/** `net:[4026531840]`. */
export function nsLabel(ns: Pick<Namespace, 'type' | 'id'>): string {
  return `${ns.type}:[${ns.id.ino}]`;
}

/** A reference for display: paths joined by ` » ` (lxkns), or `(hidden)`. */
export function refLabel(ref: readonly string[]): string {
  return ref.length === 0 ? '(hidden)' : ref.join(' » ');
}

/**
 * Display name of a (network) namespace in ghostwire style: `comm(pid)` of the ealdorman plus
 * `, …` when there are more leaders; process-less namespaces show their reference; hidden ones
 * their type and inode.
 */
export function netnsDisplayName(ns: Namespace): string {
  if (ns.ealdorman !== undefined)
    return processLabel(ns.ealdorman) + (ns.leaders.length > 1 ? ', …' : '');
  if (ns.ref.length > 0) return refLabel(ns.ref);
  return nsLabel(ns);
}

/** One-line description of a source: `process`, `fd /proc/42/fd/3`, `bind mount /run/netns/x`, … */
export function sourceLabel(s: NamespaceSource): string {
  switch (s.kind) {
    case 'process':
      return 'process';
    case 'task':
      return `task ${s.pid}/${s.tid}`;
    case 'for-children':
      return `for-children of ${s.pid}`;
    case 'fd':
      return `fd ${s.path}`;
    case 'socket':
      return `socket ${s.path}`;
    case 'bindmount':
      return `bind mount ${s.path}`;
    case 'hierarchy':
      return 'hierarchy';
  }
}

/** Distinct source labels of a namespace, processes collapsed into one `process` entry. */
export function howFound(ns: Namespace): string[] {
  const out = new Set<string>();
  for (const s of ns.sources) out.add(sourceLabel(s));
  return [...out];
}
