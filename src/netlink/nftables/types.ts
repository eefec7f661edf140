// SPDX-License-Identifier: MIT
/**
 * @module netlink/nftables/types
 *
 * Decoded nf_tables messages (tables, chains, rules, sets, set elements) and the typed
 * expression model of rules. Byte strings (`cmp` data, set keys) are kept as Buffers copied out
 * of the reply (they stay valid after the reply buffer is reused). Registers keep the kernel's
 * numbering (`NFT_REG_1..4` = 16-byte registers, `NFT_REG32_00..15` = 8..23); see
 * {@link regSlot} in `expr.ts` for the common 4-byte slot index.
 *
 * The same model holds iptables-legacy rules parsed from `IPT_SO_GET_ENTRIES` blobs (`xt-blob`
 * in `src/netlink/xtables`): their `struct ipt_ip` header is expressed as the `payload`/`meta` +
 * `cmp` expressions iptables-nft would have written, their matches and targets as `match` and
 * `target` expressions, their standard targets as `immediate` verdicts.
 */

/** A verdict (`NFTA_VERDICT_*`): `jump`/`goto` carry the chain name. */
export interface NftVerdict {
  readonly code:
    | 'accept'
    | 'drop'
    | 'stolen'
    | 'queue'
    | 'repeat'
    | 'continue'
    | 'break'
    | 'jump'
    | 'goto'
    | 'return'
    | 'unknown';
  /** Raw verdict code (signed; NF_* ≥ 0, NFT_* < 0). */
  readonly raw: number;
  /** Target chain of `jump`/`goto`. */
  readonly chain?: string;
}

/** `NFTA_DATA_*`: a value (bytes) or a verdict. */
export type NftData =
  | { readonly kind: 'value'; readonly value: Buffer }
  | { readonly kind: 'verdict'; readonly verdict: NftVerdict };

/** `cmp` / `range` operators. */
export type NftCmpOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte';

/** Decoded xtables-compat match payloads we understand (nft_compat `match` info). */
export type XtMatchInfo =
  | {
      readonly kind: 'tcp' | 'udp';
      readonly sport: readonly [number, number];
      readonly dport: readonly [number, number];
      /** Destination port range inverted (`! --dport`). */
      readonly dportInverted: boolean;
      readonly sportInverted: boolean;
    }
  | { readonly kind: 'comment'; readonly comment: string }
  | {
      readonly kind: 'multiport';
      /** XT_MULTIPORT_SOURCE (0), _DESTINATION (1), _EITHER (2). */
      readonly flags: number;
      /** Ports and (rev 1 `a:b`) inclusive ranges. */
      readonly ranges: ReadonlyArray<readonly [number, number]>;
      readonly invert: boolean;
    };

/** One NAT range of an xtables `DNAT`/`SNAT`/`REDIRECT` target (nf_nat_range{,2} or the IPv4 compat struct). */
export interface XtNatRange {
  /** NF_NAT_RANGE_* flags. */
  readonly flags: number;
  /** Address text (IPv4 or IPv6 by the target's family); absent without MAP_IPS. */
  readonly minAddress?: string;
  readonly maxAddress?: string;
  /** Ports (host order); 0 without PROTO_SPECIFIED. */
  readonly minPort: number;
  readonly maxPort: number;
}

/** Decoded xtables-compat target payloads we understand. */
export type XtTargetInfo =
  | { readonly kind: 'DNAT' | 'SNAT' | 'REDIRECT' | 'MASQUERADE'; readonly range: XtNatRange }
  | { readonly kind: 'MARK'; readonly mark: number; readonly mask: number };

/** One rule expression (`NFTA_LIST_ELEM` of NFTA_RULE_EXPRESSIONS). */
export type NftExpr =
  | {
      readonly type: 'meta';
      readonly key: number;
      readonly keyName: string;
      readonly dreg?: number;
      readonly sreg?: number;
    }
  | { readonly type: 'cmp'; readonly sreg: number; readonly op: NftCmpOp; readonly data: Buffer }
  | {
      readonly type: 'payload';
      readonly base: 'll' | 'network' | 'transport' | 'inner' | number;
      readonly offset: number;
      readonly len: number;
      readonly dreg?: number;
      /** Set for payload writes (mangling). */
      readonly sreg?: number;
    }
  | { readonly type: 'immediate'; readonly dreg: number; readonly data: NftData }
  | {
      readonly type: 'lookup';
      readonly set: string;
      readonly setId?: number;
      readonly sreg: number;
      /** Destination register of a map lookup (0 = verdict map). */
      readonly dreg?: number;
      readonly invert: boolean;
    }
  | {
      readonly type: 'nat';
      readonly natType: 'snat' | 'dnat' | number;
      /** NFPROTO_IPV4 / NFPROTO_IPV6 of the addresses. */
      readonly family: number;
      readonly regAddrMin?: number;
      readonly regAddrMax?: number;
      readonly regProtoMin?: number;
      readonly regProtoMax?: number;
      readonly flags: number;
    }
  | {
      readonly type: 'redir' | 'masq';
      readonly regProtoMin?: number;
      readonly regProtoMax?: number;
      readonly flags: number;
    }
  | {
      readonly type: 'range';
      readonly sreg: number;
      readonly op: 'eq' | 'neq';
      readonly from: Buffer;
      readonly to: Buffer;
    }
  | {
      readonly type: 'bitwise';
      readonly sreg: number;
      readonly dreg: number;
      readonly len: number;
      readonly mask?: Buffer;
      readonly xor?: Buffer;
      /** NFT_BITWISE_BOOL (0), LSHIFT (1), RSHIFT (2); absent on old kernels (= bool). */
      readonly op?: number;
      readonly data?: Buffer;
    }
  | {
      readonly type: 'ct';
      readonly key: number;
      readonly dreg?: number;
      readonly sreg?: number;
      readonly direction?: number;
    }
  | {
      readonly type: 'numgen';
      readonly dreg: number;
      readonly modulus: number;
      readonly ngType: number;
      readonly offset: number;
    }
  | {
      readonly type: 'match';
      readonly name: string;
      readonly rev: number;
      readonly info: Buffer;
      readonly decoded?: XtMatchInfo;
    }
  | {
      readonly type: 'target';
      readonly name: string;
      readonly rev: number;
      readonly info: Buffer;
      readonly decoded?: XtTargetInfo;
    }
  | {
      /** Any other expression: its NFTA_EXPR_DATA attributes, raw. */
      readonly type: 'raw';
      readonly name: string;
      readonly attrs: ReadonlyArray<{ readonly type: number; readonly data: Buffer }>;
    };

/** Common fields of all nf_tables objects. */
interface NftObject {
  /** nfgen_family: NFPROTO_IPV4 (`ip`), NFPROTO_IPV6 (`ip6`), NFPROTO_INET, … */
  readonly family: number;
}

/** NFT_MSG_NEWTABLE. */
export interface NftTable extends NftObject {
  readonly name: string;
  readonly flags: number;
  /** Number of chains/sets/objects using the table. */
  readonly use: number;
  readonly handle: bigint;
  /** Netlink port id of the owning process (NFT_TABLE_F_OWNER tables). */
  readonly owner?: number;
}

/** NFT_MSG_NEWCHAIN. */
export interface NftChain extends NftObject {
  readonly table: string;
  readonly name: string;
  readonly handle: bigint;
  /** Base chains only. */
  readonly hook?: { readonly hooknum: number; readonly priority: number; readonly dev?: string };
  /** Base chains only: NF_ACCEPT / NF_DROP. */
  readonly policy?: number;
  /** Base chains only: `filter`, `nat`, `route`. */
  readonly type?: string;
  readonly flags?: number;
}

/**
 * NFT_MSG_NEWRULE. A rule whose expression list could not be decoded keeps the expressions up
 * to the bad one and `malformed` names the failure (the rest of the dump stays usable).
 */
export interface NftRule extends NftObject {
  readonly table: string;
  readonly chain: string;
  readonly handle: bigint;
  readonly expressions: readonly NftExpr[];
  /** NFTA_RULE_COMPAT (xtables-compat rules): the `-p` protocol and its inversion flag. */
  readonly compat?: { readonly proto: number; readonly flags: number };
  readonly position?: bigint;
  readonly userdata?: Buffer;
  readonly malformed?: { readonly code: string; readonly message: string };
}

/** NFT_MSG_NEWSET. */
export interface NftSet extends NftObject {
  readonly table: string;
  readonly name: string;
  readonly handle?: bigint;
  /** NFT_SET_* flags (MAP, INTERVAL, CONCAT, ANONYMOUS, …). */
  readonly flags: number;
  readonly keyType: number;
  readonly keyLen: number;
  /** Maps only: NFT_DATA_VERDICT for verdict maps, else the data type. */
  readonly dataType?: number;
  readonly dataLen?: number;
  readonly id?: number;
  /** Concatenated keys: byte length of each field (NFTA_SET_DESC_CONCAT). */
  readonly fieldLengths?: readonly number[];
}

/** One element of a set or map. */
export interface NftSetElement {
  readonly key?: Buffer;
  /** Interval sets with NFTA_SET_ELEM_KEY_END (newer kernels / concatenated ranges). */
  readonly keyEnd?: Buffer;
  readonly data?: NftData;
  /** NFT_SET_ELEM_* flags (INTERVAL_END). */
  readonly flags: number;
}

/** NFT_MSG_NEWSETELEM: the elements of one set (one message may hold a part of them). */
export interface NftSetElements extends NftObject {
  readonly table: string;
  readonly set: string;
  readonly elements: readonly NftSetElement[];
}
