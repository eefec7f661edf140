// SPDX-License-Identifier: MIT
/**
 * @module netlink/xtables
 *
 * iptables-legacy (x_tables) GET_INFO / GET_ENTRIES buffers: builders of the requests and the
 * parser of the replies into the nf_tables rule model. Pure: no I/O (the native
 * `getsockoptBuffer` does the calls).
 */
export {
  buildGetEntries,
  buildGetInfo,
  IP6T_SO_GET_ENTRIES,
  IP6T_SO_GET_INFO,
  IPT_SO_GET_ENTRIES,
  IPT_SO_GET_INFO,
  parseEntries,
  parseGetInfo,
  SOL_IP,
  SOL_IPV6,
  XT,
  type XtTable,
  type XtTableInfo,
} from './blob.js';
