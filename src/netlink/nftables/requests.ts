// SPDX-License-Identifier: MIT
/**
 * @module netlink/nftables/requests
 *
 * Ready-made {@link RequestSpec}s of the nf_tables dumps for {@link transactBatch}: tables of
 * all families first (cheap; tells whether a netns has anything NAT-relevant), then chains,
 * rules and sets of one table, and the elements of one set.
 */
import type { RequestSpec } from '../core/request.js';
import { NFT } from './expr.js';
import {
  buildGetChainDump,
  buildGetRuleDump,
  buildGetSetDump,
  buildGetSetElemDump,
  buildGetTableDump,
  decodeChain,
  decodeRule,
  decodeSet,
  decodeSetElements,
  decodeTable,
} from './messages.js';
import type { NftChain, NftRule, NftSet, NftSetElements, NftTable } from './types.js';

/** NFT_MSG_GETTABLE dump → every table of every family. */
export function nftTableDumpRequest(): RequestSpec<NftTable> {
  return { message: buildGetTableDump(), decode: decodeTable, family: NFT, dump: true };
}

/** NFT_MSG_GETCHAIN dump of one table, or of every table of `family` (NFPROTO_UNSPEC: all). */
export function nftChainDumpRequest(family: number, table?: string): RequestSpec<NftChain> {
  return {
    message: buildGetChainDump(family, table),
    decode: decodeChain,
    family: NFT,
    dump: true,
  };
}

/** NFT_MSG_GETRULE dump of one table. */
export function nftRuleDumpRequest(family: number, table: string): RequestSpec<NftRule> {
  return { message: buildGetRuleDump(family, table), decode: decodeRule, family: NFT, dump: true };
}

/** NFT_MSG_GETSET dump of one table. */
export function nftSetDumpRequest(family: number, table: string): RequestSpec<NftSet> {
  return { message: buildGetSetDump(family, table), decode: decodeSet, family: NFT, dump: true };
}

/** NFT_MSG_GETSETELEM dump of one set. */
export function nftSetElemDumpRequest(
  family: number,
  table: string,
  set: string,
): RequestSpec<NftSetElements> {
  return {
    message: buildGetSetElemDump(family, table, set),
    decode: decodeSetElements,
    family: NFT,
    dump: true,
  };
}
