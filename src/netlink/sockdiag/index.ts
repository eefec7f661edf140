// SPDX-License-Identifier: MIT
/**
 * @module netlink/sockdiag
 *
 * NETLINK_SOCK_DIAG codec: inet_diag request builders and reply decoder, plus the uapi
 * constants. Pure: no I/O.
 */
export * from './constants.js';
export {
  buildInetDiagRequest,
  buildTcpDiagCompatDump,
  decodeInetDiagMessage,
  decodeInetDiagReply,
  inetDiagSpec,
  SOCK_DIAG,
  type InetDiagMessage,
  type InetDiagReply,
  type InetDiagRequestInput,
  type InetDiagSockId,
  type InetDiagSockIdInput,
} from './inet-diag.js';
