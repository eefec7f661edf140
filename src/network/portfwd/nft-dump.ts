// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/nft-dump
 *
 * Reads the NAT-relevant nf_tables content of many network namespaces over NETLINK_NETFILTER
 * sockets opened inside them (`openNetnsSockets`, one native call), in rounds that each run as
 * ONE batched native transaction over all namespaces:
 *  1. the table list (every family) — a netns without tables costs exactly this one query;
 *  2. the chain list of netns that have `ip`/`ip6`/`inet` tables;
 *  3. rules and sets of each NAT-relevant table (a base chain of type `nat`, or the name `nat`
 *     that iptables-nft uses);
 *  4. the elements of each set of those tables.
 * A failed request makes a problem on its netns; what was read still counts.
 */
import {
  NFT,
  nftChainDumpRequest,
  nftRuleDumpRequest,
  nftSetDumpRequest,
  nftSetElemDumpRequest,
  nftTableDumpRequest,
  type NftChain,
  type NftRule,
  type NftSet,
  type NftSetElement,
  type NftTable,
} from '../../netlink/nftables/index.js';
import { transactBatch, type BatchOptions, type RequestResult } from '../../netlink/index.js';
import type { NatTable } from './walk.js';

/** One netns with a NETLINK_NETFILTER socket. */
export interface NftDumpSlot {
  readonly key: number;
  readonly fd: number;
}

/** What was read per netns (key), and the failed requests. */
export interface NftDumpResult {
  readonly tables: Map<number, NatTable[]>;
  readonly failures: Array<{
    readonly key: number;
    readonly what: string;
    readonly error: unknown;
  }>;
  /** Requests sent per round (benchmarks, tests). */
  readonly requests: { tables: number; chains: number; rulesAndSets: number; elements: number };
}

const NAT_FAMILIES = new Set([NFT.NFPROTO_IPV4, NFT.NFPROTO_IPV6, NFT.NFPROTO_INET]);

/** True for a table worth reading rules of: a nat base chain, or iptables-nft's `nat`. Pure. */
export function isNatRelevant(table: NftTable, chains: readonly NftChain[]): boolean {
  if (!NAT_FAMILIES.has(table.family)) return false;
  if (table.name === 'nat') return true;
  return chains.some(
    (c) => c.table === table.name && c.family === table.family && c.type === 'nat',
  );
}

/** Dumps the NAT-relevant tables of every slot (see module doc). */
export async function dumpNatTables(
  slots: readonly NftDumpSlot[],
  batch: BatchOptions,
): Promise<NftDumpResult> {
  const failures: NftDumpResult['failures'] = [];
  const requests = { tables: 0, chains: 0, rulesAndSets: 0, elements: 0 };
  const ok = <T>(key: number, what: string, r: RequestResult<T> | undefined): T[] | undefined => {
    if (r === undefined) {
      failures.push({ key, what, error: new Error('no reply') });
      return undefined;
    }
    if (!r.ok) {
      failures.push({ key, what, error: r.error });
      return undefined;
    }
    return r.messages;
  };

  // 1. tables
  requests.tables = slots.length;
  const r1 = await transactBatch(
    slots.map((s) => ({ fd: s.fd, requests: [nftTableDumpRequest()] })),
    batch,
  );
  const withTables: Array<{ slot: NftDumpSlot; tables: NftTable[] }> = [];
  slots.forEach((s, i) => {
    const t = ok(s.key, 'table dump', r1[i]?.[0]);
    const candidates = t?.filter((x) => NAT_FAMILIES.has(x.family)) ?? [];
    if (candidates.length > 0) withTables.push({ slot: s, tables: candidates });
  });

  // 2. chains (all families at once; filtered here)
  requests.chains = withTables.length;
  const r2 = await transactBatch(
    withTables.map((w) => ({ fd: w.slot.fd, requests: [nftChainDumpRequest(NFT.NFPROTO_UNSPEC)] })),
    batch,
  );
  const relevant: Array<{ slot: NftDumpSlot; table: NftTable; chains: NftChain[] }> = [];
  withTables.forEach((w, i) => {
    const chains = ok(w.slot.key, 'chain dump', r2[i]?.[0]);
    if (chains === undefined) return;
    for (const t of w.tables)
      if (isNatRelevant(t, chains))
        relevant.push({
          slot: w.slot,
          table: t,
          chains: chains.filter((c) => c.table === t.name && c.family === t.family),
        });
  });

  // 3. rules and sets per relevant table (one job per socket)
  const bySlot = new Map<NftDumpSlot, typeof relevant>();
  for (const r of relevant) {
    let l = bySlot.get(r.slot);
    if (l === undefined) bySlot.set(r.slot, (l = []));
    l.push(r);
  }
  const jobs3 = [...bySlot.entries()];
  requests.rulesAndSets = relevant.length * 2;
  const r3 = await transactBatch(
    jobs3.map(([slot, ts]) => ({
      fd: slot.fd,
      requests: ts.flatMap((t) => [
        nftRuleDumpRequest(t.table.family, t.table.name),
        nftSetDumpRequest(t.table.family, t.table.name),
      ]),
    })),
    batch,
  );
  interface Partial3 {
    slot: NftDumpSlot;
    table: NftTable;
    chains: NftChain[];
    rules: NftRule[];
    sets: NftSet[];
  }
  const partial: Partial3[] = [];
  jobs3.forEach(([slot, ts], i) => {
    const res = r3[i] ?? [];
    ts.forEach((t, k) => {
      const rules = ok(
        slot.key,
        `rule dump of ${t.table.name}`,
        res[2 * k] as RequestResult<NftRule> | undefined,
      );
      const sets = ok(
        slot.key,
        `set dump of ${t.table.name}`,
        res[2 * k + 1] as RequestResult<NftSet> | undefined,
      );
      partial.push({
        slot,
        table: t.table,
        chains: t.chains,
        rules: rules ?? [],
        sets: sets ?? [],
      });
    });
  });

  // 4. set elements
  const bySlot4 = new Map<NftDumpSlot, Array<{ p: Partial3; set: NftSet }>>();
  for (const p of partial)
    for (const set of p.sets) {
      let l = bySlot4.get(p.slot);
      if (l === undefined) bySlot4.set(p.slot, (l = []));
      l.push({ p, set });
    }
  const jobs4 = [...bySlot4.entries()];
  const elements = new Map<NftSet, NftSetElement[]>();
  if (jobs4.length > 0) {
    const r4 = await transactBatch(
      jobs4.map(([slot, list]) => ({
        fd: slot.fd,
        requests: list.map((x) => nftSetElemDumpRequest(x.set.family, x.set.table, x.set.name)),
      })),
      batch,
    );
    jobs4.forEach(([slot, list], i) => {
      list.forEach((x, k) => {
        requests.elements++;
        const msgs = ok(slot.key, `element dump of set ${x.set.name} (${x.set.table})`, r4[i]?.[k]);
        elements.set(x.set, msgs?.flatMap((m) => m.elements) ?? []);
      });
    });
  }

  const tables = new Map<number, NatTable[]>();
  for (const p of partial) {
    let l = tables.get(p.slot.key);
    if (l === undefined) tables.set(p.slot.key, (l = []));
    l.push({
      source: 'nftables',
      family: p.table.family,
      name: p.table.name,
      chains: p.chains,
      rules: p.rules,
      sets: p.sets.map((set) => ({ set, elements: elements.get(set) ?? [] })),
    });
  }
  return { tables, failures, requests };
}
