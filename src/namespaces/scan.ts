// SPDX-License-Identifier: MIT
/**
 * @module namespaces/scan
 *
 * Mutable state of one namespace scan (one `discoverNamespaces()` call): the process table,
 * the namespace map and the problem list, with the "get or create" primitive every source
 * uses. Not to be confused with `discovery`'s `DiscoveryContext`, the long-lived state (engine
 * tracker) shared by the discoveries of one owner.
 */
import { statSync } from 'node:fs';
import type {
  Namespace,
  NamespaceId,
  NamespaceSource,
  NsType,
  Process,
} from '../model/namespace.js';
import { newNamespace, nsKey } from '../model/namespace.js';
import type { Problem } from '../model/problem.js';

/** State shared by the steps of one namespace scan; nothing outlives the scan. */
export class NamespaceScan {
  readonly procRoot: string;
  readonly processes = new Map<number, Process>();
  readonly namespaces = new Map<string, Namespace>();
  readonly problems: Problem[] = [];
  readonly socketOwners = new Map<number, number[]>();
  /**
   * Device number of the nsfs superblock. All namespaces live on the one nsfs instance of the
   * kernel, so the device from one stat of `<procRoot>/self/ns/net` completes every inode
   * parsed from a link text (lxkns does the same for fd and mountinfo texts). 0 when it cannot
   * be determined (fake procfs trees).
   */
  readonly nsfsDev: number;

  constructor(procRoot: string) {
    this.procRoot = procRoot;
    let dev = 0;
    try {
      dev = statSync(`${procRoot}/self/ns/net`).dev;
    } catch {
      dev = 0; // documented above: fake procfs trees have no nsfs
    }
    this.nsfsDev = dev;
  }

  /** The namespace with this id, if known. */
  get(id: NamespaceId): Namespace | undefined {
    return this.namespaces.get(nsKey(id));
  }

  /**
   * Returns the namespace of `type` with inode `ino` (device `dev`, default the nsfs device),
   * creating it (no ref, not hidden) on first sight. `created` tells which happened.
   */
  getOrCreate(type: NsType, ino: number, dev = this.nsfsDev): { ns: Namespace; created: boolean } {
    const key = `${dev}:${ino}`;
    const found = this.namespaces.get(key);
    if (found !== undefined) return { ns: found, created: false };
    const ns = newNamespace({ dev, ino }, type);
    this.namespaces.set(key, ns);
    return { ns, created: true };
  }

  /** Adds a source and, if the namespace has no reference yet, `ref` as its reference. */
  addSource(ns: Namespace, source: NamespaceSource, ref?: string[]): void {
    ns.sources.push(source);
    if (ref !== undefined && ns.ref.length === 0) ns.ref = ref;
  }

  /** Records a problem. */
  problem(p: Problem): void {
    this.problems.push(p);
  }
}
