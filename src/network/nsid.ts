// SPDX-License-Identifier: MIT
/**
 * @module network/nsid
 *
 * NSID resolution: which netns does NSID X of netns A (IFLA_LINK_NETNSID of A's nifs) name?
 * The Go original asks every netns about every other one (RTM_GETNSID by fd: O(N²) queries).
 * Here the answer is first inferred from the wiring itself, without any query, and only what
 * stays open is asked — with one targeted query per open (netns, NSID) pair. See
 * docs/network.md "NSID resolution" for the algorithm and its worst case.
 *
 * Pure: works on filled {@link NetworkNamespace}s and writes `nsids` maps in place; the I/O edge
 * (`discover.ts`) turns {@link NsidResolver.questions} into netlink requests and feeds answers
 * back with {@link NsidResolver.learn}.
 */
import type { NetworkNamespace, Nif } from '../model/network.js';
import { linkTarget, type LinkTarget } from './link-target.js';

/** A nif whose relation target lies in another netns, with that target. */
export interface CrossLink {
  readonly nif: Nif;
  readonly target: LinkTarget;
}

/** One (netns, NSID) pair that some nif of the netns refers to. */
export interface NsidPair {
  readonly netns: NetworkNamespace;
  readonly nsid: number;
  /** Nifs of `netns` whose relation target is in `nsid`. */
  readonly links: CrossLink[];
  /**
   * Netns that can still be the one behind `nsid` (structural necessary conditions only);
   * undefined = unconstrained (every other netns).
   */
  candidates: Set<NetworkNamespace> | undefined;
  /** The netns behind `nsid`, once known. */
  resolved: NetworkNamespace | undefined;
}

/**
 * Identity facts of a nif used to recognise it in a reply from another netns (RTM_GETLINK with
 * IFLA_TARGET_NETNSID returns the nif as the kernel sees it there).
 */
export interface NifFingerprint {
  readonly index: number;
  readonly name: string;
  readonly mac: string;
  readonly kind: string;
}

function effectiveLinkOf(nif: Nif): number | undefined {
  return linkTarget(nif)?.index;
}

/**
 * Infers NSID maps from structure and tracks what is still unknown.
 *
 * Structural rules (each a necessary condition of a consistent kernel snapshot):
 * 1. veth: if A.i is a veth whose peer is index j in NSID X, then netns B can be X only if
 *    B.j is a veth with an IFLA_LINK_NETNSID whose (effective) peer index is i.
 * 2. other relations (lower device, underlay) with target index j: B must have a nif j.
 * 3. NSIDs are injective per netns: a netns already known under another NSID of A is no
 *    candidate for X; and X never names A itself (the kernel sends IFLA_LINK_NETNSID only for
 *    a link netns different from the own one).
 * 4. Once A.X = B is known, every veth A.i in X fixes its peer B.j, whose own NSID Y must
 *    name A (reverse propagation).
 * A pair whose candidate set shrinks to one member is resolved; resolution propagates along a
 * worklist until nothing changes.
 */
export class NsidResolver {
  readonly #all: readonly NetworkNamespace[];
  readonly #pairs = new Map<NetworkNamespace, Map<number, NsidPair>>();
  /** ifindex → netns having a nif with that index. */
  readonly #byIndex = new Map<number, NetworkNamespace[]>();
  /** `${index}>${peerIndex}` → cross-netns veths with that index and effective peer index. */
  readonly #vethsByEnds = new Map<string, Nif[]>();
  #queue: NsidPair[] = [];
  /** Per netns: the netns already known under some NSID of it (values of its `nsids`). */
  readonly #taken = new Map<NetworkNamespace, Set<NetworkNamespace>>();
  /** Per netns: its open pairs with more than one candidate (the only ones injectivity can narrow). */
  readonly #ambiguous = new Map<NetworkNamespace, Set<NsidPair>>();

  constructor(all: readonly NetworkNamespace[]) {
    this.#all = all;
    for (const netns of all) {
      for (const nif of netns.nifs.values()) {
        let list = this.#byIndex.get(nif.index);
        if (list === undefined) this.#byIndex.set(nif.index, (list = []));
        list.push(netns);
        if (nif.kind === 'veth' && nif.raw.linkNetnsId !== undefined) {
          const key = `${nif.index}>${effectiveLinkOf(nif) ?? 0}`;
          const v = this.#vethsByEnds.get(key);
          if (v === undefined) this.#vethsByEnds.set(key, [nif]);
          else v.push(nif);
        }
      }
    }
    for (const netns of all) {
      for (const nif of netns.nifs.values()) {
        const target = linkTarget(nif);
        if (target?.nsid === undefined || target.nsid < 0) continue;
        const pair = this.#pair(netns, target.nsid);
        pair.links.push({ nif, target });
        pair.candidates = intersect(
          pair.candidates,
          this.#structuralCandidates(netns, nif, target),
        );
      }
    }
    this.#infer();
  }

  #pair(netns: NetworkNamespace, nsid: number): NsidPair {
    let m = this.#pairs.get(netns);
    if (m === undefined) this.#pairs.set(netns, (m = new Map()));
    let p = m.get(nsid);
    if (p === undefined) {
      p = { netns, nsid, links: [], candidates: undefined, resolved: undefined };
      m.set(nsid, p);
      this.#queue.push(p);
    }
    return p;
  }

  /** Rules 1 and 2 for one nif; undefined = no constraint. */
  #structuralCandidates(
    netns: NetworkNamespace,
    nif: Nif,
    target: LinkTarget,
  ): Set<NetworkNamespace> | undefined {
    if (target.index === undefined) return undefined;
    const out = new Set<NetworkNamespace>();
    if (nif.kind === 'veth') {
      for (const peer of this.#vethsByEnds.get(`${target.index}>${nif.index}`) ?? []) {
        if (peer.netns !== netns) out.add(peer.netns);
      }
    } else {
      for (const other of this.#byIndex.get(target.index) ?? [])
        if (other !== netns) out.add(other);
    }
    return out;
  }

  #takenOf(netns: NetworkNamespace): Set<NetworkNamespace> {
    let t = this.#taken.get(netns);
    if (t === undefined) this.#taken.set(netns, (t = new Set(netns.nsids.values())));
    return t;
  }

  #ambiguousOf(netns: NetworkNamespace): Set<NsidPair> {
    let a = this.#ambiguous.get(netns);
    if (a === undefined) this.#ambiguous.set(netns, (a = new Set()));
    return a;
  }

  /**
   * Runs the worklist (rules 3 and 4) to a fixpoint. Each step costs O(candidates of the pair);
   * a resolution re-examines only the ambiguous open pairs of the same netns that still list the
   * resolved netns, so a host with hundreds of uniquely matched veths stays linear.
   */
  #infer(): void {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      for (const p of batch) {
        if (p.resolved !== undefined) continue;
        const known = p.netns.nsids.get(p.nsid);
        if (known !== undefined) {
          this.#resolve(p, known);
          continue;
        }
        if (p.candidates === undefined) continue; // unconstrained: only a query can tell
        const taken = this.#takenOf(p.netns);
        if (taken.size > 0) for (const c of p.candidates) if (taken.has(c)) p.candidates.delete(c);
        if (p.candidates.size === 1) {
          const [only] = p.candidates;
          if (only !== undefined) this.#resolve(p, only);
        } else if (p.candidates.size > 1) {
          this.#ambiguousOf(p.netns).add(p);
        } else {
          this.#ambiguous.get(p.netns)?.delete(p);
        }
      }
    }
  }

  #resolve(p: NsidPair, other: NetworkNamespace): void {
    p.resolved = other;
    p.candidates = new Set([other]);
    if (!p.netns.nsids.has(p.nsid)) p.netns.nsids.set(p.nsid, other);
    this.#takenOf(p.netns).add(other);
    // Rule 3: ambiguous open pairs of this netns that list `other` lose it.
    const amb = this.#ambiguous.get(p.netns);
    if (amb !== undefined) {
      amb.delete(p);
      for (const q of amb) if (q.candidates?.has(other) === true) this.#queue.push(q);
    }
    // Rule 4: reverse propagation over veth pairs.
    for (const { nif, target } of p.links) {
      if (nif.kind !== 'veth' || target.index === undefined) continue;
      const peer = other.nifs.get(target.index);
      const back = peer === undefined ? undefined : linkTarget(peer);
      if (
        peer?.kind !== 'veth' ||
        back?.nsid === undefined ||
        back.nsid < 0 ||
        back.index !== nif.index
      )
        continue;
      const q = this.#pair(other, back.nsid);
      if (q.resolved !== undefined) continue;
      if (q.candidates === undefined || q.candidates.has(p.netns)) {
        q.candidates = new Set([p.netns]);
        this.#queue.push(q);
      }
    }
  }

  /** Every (netns, NSID) pair referenced by some nif. */
  pairs(): NsidPair[] {
    const out: NsidPair[] = [];
    for (const m of this.#pairs.values()) out.push(...m.values());
    return out;
  }

  /** Pairs still unresolved. */
  unresolved(): NsidPair[] {
    return this.pairs().filter((p) => p.resolved === undefined);
  }

  /**
   * Candidates of an open pair as a list: its structural set minus netns already known under
   * another NSID of the same netns, or — when unconstrained — every other netns.
   */
  candidatesOf(p: NsidPair): NetworkNamespace[] {
    const taken = new Set(p.netns.nsids.values());
    const base = p.candidates ?? this.#all;
    const out: NetworkNamespace[] = [];
    for (const n of base) if (n !== p.netns && !taken.has(n)) out.push(n);
    return out;
  }

  /**
   * The link of an open pair best suited for an identifying RTM_GETLINK: one with a target
   * index (the kernel looks it up in the NSID's netns). Undefined when no link has one.
   */
  probeOf(p: NsidPair): CrossLink | undefined {
    return p.links.find((l) => l.target.index !== undefined);
  }

  /**
   * Candidates of an open pair whose nif at `fp.index` carries the fingerprint the kernel
   * reported for that index in the pair's NSID (name, MAC, kind must all match).
   */
  matchFingerprint(p: NsidPair, fp: NifFingerprint): NetworkNamespace[] {
    return this.candidatesOf(p).filter((n) => {
      const nif = n.nifs.get(fp.index);
      return (
        nif !== undefined && nif.name === fp.name && nif.mac === fp.mac && nif.kind === fp.kind
      );
    });
  }

  /**
   * Records a fact learned by a query (netns `from` calls `other` by `nsid`; negative nsids =
   * not assigned are ignored) and propagates it. Returns true when it was new.
   */
  learn(from: NetworkNamespace, nsid: number, other: NetworkNamespace): boolean {
    if (nsid < 0 || from === other || from.nsids.has(nsid) || this.#takenOf(from).has(other))
      return false;
    for (const v of from.nsids.values()) if (v === other) return false;
    from.nsids.set(nsid, other);
    this.#takenOf(from).add(other);
    const p = this.#pairs.get(from)?.get(nsid);
    if (p !== undefined && p.resolved === undefined) this.#queue.push(p);
    for (const q of this.#ambiguous.get(from) ?? [])
      if (q.candidates?.has(other) === true) this.#queue.push(q);
    this.#infer();
    return true;
  }

  /** Narrows an open pair's candidates to `only` (e.g. after a fingerprint match) and propagates. */
  narrow(p: NsidPair, only: readonly NetworkNamespace[]): void {
    if (p.resolved !== undefined) return;
    p.candidates = intersect(p.candidates, new Set(only));
    this.#queue.push(p);
    this.#infer();
  }
}

function intersect<T>(a: Set<T> | undefined, b: Set<T> | undefined): Set<T> | undefined {
  if (a === undefined) return b === undefined ? undefined : new Set(b);
  if (b === undefined) return a;
  for (const x of a) if (!b.has(x)) a.delete(x);
  return a;
}
