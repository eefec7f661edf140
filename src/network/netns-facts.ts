// SPDX-License-Identifier: MIT
/**
 * @module network/netns-facts
 *
 * Reads the per-netns facts the reachability analysis needs (model/netns-facts): the IPv4/IPv6
 * forwarding sysctls and br_netfilter switches (files under /proc/sys/net opened by a thread
 * inside the netns: sysctl files bind to the opener's netns), the legacy iptables table names
 * (`/proc/thread-self/net/ip{,6}_tables_names`) and the nf_tables chains and rules (NFT_MSG_GETCHAIN /
 * NFT_MSG_GETRULE dumps over a NETLINK_NETFILTER socket inside the netns). Read-only. A netns
 * whose facts cannot be read gets `undefined` fields and a problem; never throws for one netns.
 */
import { closeSync, readFileSync } from 'node:fs';
import type { NamespaceModel } from '../model/namespace.js';
import type {
  FilterChain,
  FilterFamily,
  FilterHook,
  FilterMatch,
  FilterNat,
  FilterRule,
  FilterVerdict,
  NetnsFacts,
} from '../model/netns-facts.js';
import type { NetworkModel } from '../model/network.js';
import type { Problem } from '../model/problem.js';
import { NETLINK_NETFILTER, openFilesInNetns, type NsRef } from '../native/index.js';
import { formatIPv4, formatIPv6, transactBatch, type RequestSpec } from '../netlink/index.js';
import {
  buildGetChainDump,
  buildGetRuleDump,
  decodeChain,
  decodeRule,
  type NftChain,
  type NftExpr,
  type NftRule,
} from '../netlink/nftables/index.js';
import { openNetnsSockets, type NetnsSocketSlot } from './netns-sockets.js';
import { netnsSubject } from './subject.js';

const FAMILIES: Readonly<Record<number, FilterFamily>> = {
  1: 'inet',
  2: 'ip',
  3: 'arp',
  5: 'netdev',
  7: 'bridge',
  10: 'ip6',
};

const INET_HOOKS: readonly FilterHook[] = [
  'prerouting',
  'input',
  'forward',
  'output',
  'postrouting',
];

/** Meta keys (enum nft_meta_keys). */
const META = { iifname: 6, oifname: 7, nfproto: 15, l4proto: 16 } as const;

/** Expressions that neither match nor decide (they only count, log or annotate). */
const NEUTRAL = new Set(['counter', 'log', 'notrack']);

interface RegValue {
  readonly field: FilterMatch['field'];
  readonly len: number;
  readonly prefixLen?: number;
}

function payloadField(base: number, offset: number, len: number): RegValue | undefined {
  if (base === 1) {
    if (offset === 12 && len === 4) return { field: 'saddr', len };
    if (offset === 16 && len === 4) return { field: 'daddr', len };
    if (offset === 8 && len === 16) return { field: 'saddr', len };
    if (offset === 24 && len === 16) return { field: 'daddr', len };
    if ((offset === 9 || offset === 6) && len === 1) return { field: 'l4proto', len };
  }
  if (base === 2 && len === 2) {
    if (offset === 0) return { field: 'sport', len };
    if (offset === 2) return { field: 'dport', len };
  }
  return undefined;
}

function prefixOf(mask: Buffer): number | undefined {
  let n = 0;
  let zero = false;
  for (const b of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = ((b >> bit) & 1) === 1;
      if (one && zero) return undefined;
      if (one) n++;
      else zero = true;
    }
  }
  return n;
}

function cmpValue(r: RegValue, data: Buffer): number | string | undefined {
  switch (r.field) {
    case 'l4proto':
    case 'nfproto':
      return data[0];
    case 'sport':
    case 'dport':
      return data.length >= 2 ? data.readUInt16BE(0) : undefined;
    case 'saddr':
    case 'daddr':
      if (data.length === 4) return formatIPv4(data);
      if (data.length === 16) return formatIPv6(data);
      return undefined;
    case 'iifname':
    case 'oifname': {
      const nul = data.indexOf(0);
      return nul >= 0 ? data.toString('latin1', 0, nul) : `${data.toString('latin1')}*`;
    }
  }
}

function natOf(
  type: 'dnat' | 'snat',
  addr: Buffer | string | undefined,
  port: Buffer | number | undefined,
  family: number,
): FilterNat {
  const text =
    typeof addr === 'string'
      ? addr
      : addr === undefined
        ? undefined
        : family === 10 && addr.length >= 16
          ? formatIPv6(addr)
          : addr.length >= 4
            ? formatIPv4(addr)
            : undefined;
  const p =
    typeof port === 'number'
      ? port
      : port !== undefined && port.length >= 2
        ? port.readUInt16BE(0)
        : undefined;
  return {
    type,
    ...(text === undefined ? {} : { address: text }),
    ...(p === undefined || p === 0 ? {} : { port: p }),
  };
}

/** Reduces a decoded rule to comparisons, a verdict and a NAT action. Pure. */
export function filterRuleOf(m: NftRule): FilterRule {
  const regs = new Map<number, RegValue | undefined>();
  const imm = new Map<number, Buffer>();
  let nat: FilterNat | undefined;
  const matches: FilterMatch[] = [];
  let evaluable = true;
  let verdict: FilterVerdict | undefined;
  for (const e of m.expressions as NftExpr[]) {
    switch (e.type) {
      case 'payload': {
        if (e.dreg === undefined) {
          evaluable = false; // payload write (mangling)
          break;
        }
        const base = e.base === 'network' ? 1 : e.base === 'transport' ? 2 : -1;
        regs.set(e.dreg, payloadField(base, e.offset, e.len));
        break;
      }
      case 'meta': {
        if (e.dreg === undefined) {
          evaluable = false; // meta set
          break;
        }
        const f =
          e.key === META.iifname
            ? 'iifname'
            : e.key === META.oifname
              ? 'oifname'
              : e.key === META.nfproto
                ? 'nfproto'
                : e.key === META.l4proto
                  ? 'l4proto'
                  : undefined;
        regs.set(e.dreg, f === undefined ? undefined : { field: f, len: 0 });
        break;
      }
      case 'bitwise': {
        const src = regs.get(e.sreg);
        const zeroXor = e.xor === undefined || e.xor.every((b) => b === 0);
        const p = e.mask === undefined ? undefined : prefixOf(e.mask);
        regs.set(
          e.dreg,
          src !== undefined &&
            zeroXor &&
            p !== undefined &&
            (src.field === 'saddr' || src.field === 'daddr')
            ? { ...src, prefixLen: p }
            : undefined,
        );
        break;
      }
      case 'cmp': {
        const r = regs.get(e.sreg);
        const v = r === undefined ? undefined : cmpValue(r, e.data);
        if (r === undefined || v === undefined || (e.op !== 'eq' && e.op !== 'neq')) {
          evaluable = false;
          break;
        }
        matches.push({
          field: r.field,
          op: e.op,
          value: v,
          ...(r.prefixLen === undefined ? {} : { prefixLen: r.prefixLen }),
        });
        break;
      }
      case 'immediate':
        if (e.data.kind === 'value') {
          imm.set(e.dreg, e.data.value);
        } else {
          const c = e.data.verdict.code;
          const v: FilterVerdict | undefined =
            c === 'accept' || c === 'drop' || c === 'continue' || c === 'return'
              ? { kind: c }
              : c === 'break'
                ? { kind: 'continue' }
                : (c === 'jump' || c === 'goto') && e.data.verdict.chain !== undefined
                  ? { kind: c, chain: e.data.verdict.chain }
                  : undefined;
          if (v === undefined) evaluable = false;
          else verdict = v;
        }
        break;
      case 'nat':
        if (e.natType === 'dnat' || e.natType === 'snat') {
          nat = natOf(
            e.natType,
            e.regAddrMin === undefined ? undefined : imm.get(e.regAddrMin),
            e.regProtoMin === undefined ? undefined : imm.get(e.regProtoMin),
            e.family,
          );
        } else evaluable = false;
        break;
      case 'masq':
        nat = { type: 'masquerade' };
        break;
      case 'redir': {
        const port = e.regProtoMin === undefined ? undefined : imm.get(e.regProtoMin);
        nat = {
          type: 'redirect',
          ...(port === undefined || port.length < 2 ? {} : { port: port.readUInt16BE(0) }),
        };
        break;
      }
      case 'match': {
        // iptables-nft compat matches: `-p tcp --dport N` is evaluable, comments are neutral
        const d = e.decoded;
        if (d?.kind === 'comment') break;
        if (
          (d?.kind === 'tcp' || d?.kind === 'udp') &&
          d.dport[0] === d.dport[1] &&
          d.sport[0] === 0 &&
          d.sport[1] === 65535
        ) {
          matches.push({ field: 'l4proto', op: 'eq', value: d.kind === 'tcp' ? 6 : 17 });
          matches.push({ field: 'dport', op: d.dportInverted ? 'neq' : 'eq', value: d.dport[0] });
          break;
        }
        if (
          (d?.kind === 'tcp' || d?.kind === 'udp') &&
          d.dport[0] === 0 &&
          d.dport[1] === 65535 &&
          d.sport[0] === 0 &&
          d.sport[1] === 65535
        ) {
          matches.push({ field: 'l4proto', op: 'eq', value: d.kind === 'tcp' ? 6 : 17 });
          break;
        }
        evaluable = false;
        break;
      }
      case 'target': {
        const d = e.decoded;
        if (d?.kind === 'DNAT' || d?.kind === 'SNAT') {
          nat = natOf(
            d.kind === 'DNAT' ? 'dnat' : 'snat',
            d.range.minAddress,
            d.range.minPort,
            m.family,
          );
        } else if (d?.kind === 'MASQUERADE') nat = { type: 'masquerade' };
        else if (d?.kind === 'REDIRECT')
          nat = { type: 'redirect', ...(d.range.minPort === 0 ? {} : { port: d.range.minPort }) };
        else if (e.name === 'REJECT') verdict = { kind: 'reject' };
        else evaluable = false;
        break;
      }
      case 'raw':
        if (e.name === 'reject') verdict = { kind: 'reject' };
        else if (!NEUTRAL.has(e.name)) evaluable = false;
        break;
      default:
        evaluable = false; // lookup (sets), range, ct, numgen, …
    }
  }
  return {
    handle: Number(m.handle),
    matches,
    complete: evaluable,
    verdict,
    ...(nat === undefined ? {} : { nat }),
    exprs: m.expressions.map((e) => ('name' in e ? e.name : e.type)),
  };
}

/** Builds the chains (with their rules in dump order) from decoded dumps. Pure. */
export function filterChainsOf(
  chains: readonly NftChain[],
  rules: readonly NftRule[],
): FilterChain[] {
  const out = new Map<string, FilterChain>();
  for (const c of chains) {
    const family = FAMILIES[c.family] ?? 'unknown';
    const hook =
      c.hook === undefined
        ? undefined
        : family === 'netdev'
          ? 'ingress'
          : INET_HOOKS[c.hook.hooknum];
    out.set(`${c.family}/${c.table}/${c.name}`, {
      family,
      table: c.table,
      name: c.name,
      hook,
      priority: c.hook?.priority,
      type: c.type,
      policy: c.policy === undefined ? undefined : c.policy === 0 ? 'drop' : 'accept',
      rules: [],
    });
  }
  for (const r of rules) out.get(`${r.family}/${r.table}/${r.chain}`)?.rules.push(filterRuleOf(r));
  return [...out.values()];
}

/** NFT_MSG_GETCHAIN / NFT_MSG_GETRULE dumps of all families and tables. */
const CHAIN_DUMP: RequestSpec<NftChain> = {
  message: buildGetChainDump(0),
  decode: decodeChain,
  family: 'nftables',
  dump: true,
};
const RULE_DUMP: RequestSpec<NftRule> = {
  message: buildGetRuleDump(0),
  decode: decodeRule,
  family: 'nftables',
  dump: true,
};

const FACT_PATHS = [
  '/proc/sys/net/ipv4/ip_forward',
  '/proc/sys/net/ipv6/conf/all/forwarding',
  '/proc/thread-self/net/ip_tables_names',
  '/proc/thread-self/net/ip6_tables_names',
  '/proc/sys/net/bridge/bridge-nf-call-iptables',
  '/proc/sys/net/bridge/bridge-nf-call-ip6tables',
] as const;

function readFd(fd: number | Error | undefined): string | undefined | Error {
  if (fd === undefined) return undefined;
  if (typeof fd !== 'number') return fd;
  try {
    return readFileSync(fd, 'latin1');
  } catch (e: unknown) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function isEnoent(e: unknown): boolean {
  const o = e as { errno?: unknown; sysCode?: unknown; code?: unknown } | null;
  return (
    o !== null &&
    typeof o === 'object' &&
    (o.errno === 2 || o.sysCode === 'ENOENT' || o.code === 'ENOENT')
  );
}

/** Options of {@link readNetnsFacts}. */
export interface NetnsFactsOptions {
  /** Only these netns inodes (default all). */
  readonly only?: ReadonlySet<number>;
}

/**
 * Reads the facts of every netns of `network` (or `opts.only`). Returns the facts by netns
 * inode and the problems met (GW_ERR_NETWORK_NETNS_UNREACHABLE, GW_ERR_NETWORK_DUMP).
 */
export async function readNetnsFacts(
  namespaces: NamespaceModel,
  network: NetworkModel,
  opts: NetnsFactsOptions = {},
): Promise<{ facts: Map<number, NetnsFacts>; problems: Problem[] }> {
  const problems: Problem[] = [];
  const facts = new Map<number, NetnsFacts>();
  const slots: NetnsSocketSlot[] = [...network.netns.values()]
    .filter((n) => opts.only === undefined || opts.only.has(n.ns.id.ino))
    .map((n) => ({ ns: n.ns, nsFd: undefined, sock: undefined }));
  const own = namespaces.own.net;
  try {
    const live = openNetnsSockets(
      slots,
      own,
      NETLINK_NETFILTER,
      { ownFd: false, what: 'netfilter' },
      problems,
    );
    const requests = [CHAIN_DUMP, RULE_DUMP] as const;
    const results =
      live.length === 0
        ? []
        : await transactBatch(live.map((s) => ({ fd: s.sock as number, requests })));
    const refs: NsRef[] = live.map((s) => (s.ns === own ? null : (s.nsFd as number)));
    let rows: Array<Array<number | Error>> = [];
    try {
      rows = refs.length === 0 ? [] : openFilesInNetns(refs, FACT_PATHS);
    } catch {
      // one bad netns must not cost the others their facts: retry one by one
      rows = refs.map((r, i) => {
        try {
          return openFilesInNetns([r], FACT_PATHS)[0] ?? [];
        } catch (e: unknown) {
          const s = live[i];
          problems.push({
            code: 'GW_ERR_NETWORK_DUMP',
            message: `netns sysctls could not be opened: ${e instanceof Error ? e.message : String(e)}`,
            subject: s === undefined ? 'netns facts' : netnsSubject(s.ns),
          });
          return [];
        }
      });
    }
    live.forEach((s, i) => {
      const row = rows[i] ?? [];
      const texts = FACT_PATHS.map((_, k) => readFd(row[k]));
      for (const fd of row) if (typeof fd === 'number') closeSync(fd);
      const bool = (t: string | undefined | Error): boolean | undefined =>
        typeof t === 'string' ? t.trim() !== '0' : undefined;
      const names = (t: string | undefined | Error): string[] | undefined =>
        typeof t === 'string'
          ? t
              .split('\n')
              .map((l) => l.trim())
              .filter((l) => l !== '')
          : isEnoent(t)
            ? []
            : undefined;
      const [chainsRes, rulesRes] = results[i] ?? [];
      let filter: NetnsFacts['filter'];
      const legacy4 = names(texts[2]);
      const legacy6 = names(texts[3]);
      if (
        chainsRes?.ok === true &&
        rulesRes?.ok === true &&
        legacy4 !== undefined &&
        legacy6 !== undefined
      ) {
        filter = {
          chains: filterChainsOf(chainsRes.messages, rulesRes.messages),
          legacyTables: [
            ...new Set([...legacy4.map((t) => `ip/${t}`), ...legacy6.map((t) => `ip6/${t}`)]),
          ],
        };
      } else {
        const err =
          chainsRes?.ok === false
            ? chainsRes.error
            : rulesRes?.ok === false
              ? rulesRes.error
              : undefined;
        problems.push({
          code: 'GW_ERR_NETWORK_DUMP',
          message: `netfilter rules could not be read${err === undefined ? '' : `: ${err.message}`}`,
          subject: netnsSubject(s.ns),
        });
      }
      const nf4 = texts[4];
      const nf6 = texts[5];
      facts.set(s.ns.id.ino, {
        ipv4Forwarding: bool(texts[0]),
        ipv6Forwarding: isEnoent(texts[1]) ? false : bool(texts[1]),
        filter,
        bridgeNfCall:
          isEnoent(nf4) && isEnoent(nf6)
            ? { ipv4: false, ipv6: false }
            : typeof nf4 === 'string' || typeof nf6 === 'string'
              ? { ipv4: bool(nf4) ?? false, ipv6: bool(nf6) ?? false }
              : undefined,
      });
    });
  } finally {
    for (const s of slots) {
      for (const fd of [s.sock, s.nsFd]) {
        if (fd === undefined) continue;
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      }
    }
  }
  return { facts, problems };
}
