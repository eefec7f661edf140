// SPDX-License-Identifier: MIT
/**
 * @module netlink/nftables
 *
 * nf_tables over NETLINK_NETFILTER (`NFNL_SUBSYS_NFTABLES`): dump requests and decoders of
 * tables, chains, rules (typed expression model), sets and set elements, plus the decoders of
 * xtables-compat match/target payloads. Pure: no I/O (the socket layer sends the requests).
 */
export * as NFT from './constants.js';
export type * from './types.js';
export { decodeData, decodeExpressions, metaKeyName, regSlot, verdictName } from './expr.js';
export {
  buildGetChainDump,
  buildGetRuleDump,
  buildGetSetDump,
  buildGetSetElemDump,
  buildGetTableDump,
  buildNftDump,
  decodeChain,
  decodeRule,
  decodeSet,
  decodeSetElements,
  decodeTable,
  nftType,
} from './messages.js';
export {
  nftChainDumpRequest,
  nftRuleDumpRequest,
  nftSetDumpRequest,
  nftSetElemDumpRequest,
  nftTableDumpRequest,
} from './requests.js';
export { decodeXtMatch, decodeXtTarget } from './xt-info.js';
