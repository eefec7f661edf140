// SPDX-License-Identifier: MIT
/**
 * @module netlink/sockdiag/constants
 *
 * NETLINK_SOCK_DIAG constants, names verbatim from the uapi headers `linux/sock_diag.h`
 * (SOCK_DIAG_BY_FAMILY), `linux/inet_diag.h` (struct sizes, INET_DIAG_*), `net/tcp_states.h`
 * (TCP_* states; UDP reuses TCP_ESTABLISHED and TCP_CLOSE) and `linux/in.h` (IPPROTO_*).
 * Grep the kernel for any name.
 */

// --- <linux/sock_diag.h>
/** Request/reply type of the family-multiplexed socket diagnostics. */
export const SOCK_DIAG_BY_FAMILY = 20;
export const SOCK_DESTROY = 21;

// --- <linux/inet_diag.h>
/** Legacy TCP request type (struct inet_diag_req, dumps both families with AF_UNSPEC). */
export const TCPDIAG_GETSOCK = 18;
export const DCCPDIAG_GETSOCK = 19;
/** idiag_cookie value meaning "no cookie" (both words). */
export const INET_DIAG_NOCOOKIE = 0xffffffff;
/** sizeof(struct inet_diag_sockid): sport, dport, src[4], dst[4], if, cookie[2]. */
export const INET_DIAG_SOCKID_SIZE = 48;
/** sizeof(struct inet_diag_req_v2): family, protocol, ext, pad, states, id. */
export const INET_DIAG_REQ_V2_SIZE = 56;
/** sizeof(struct inet_diag_req) (legacy): family, src_len, dst_len, ext, id, states, dbs. */
export const INET_DIAG_REQ_SIZE = 60;
/** sizeof(struct inet_diag_msg): family, state, timer, retrans, id, expires, rqueue, wqueue, uid, inode. */
export const INET_DIAG_MSG_SIZE = 72;

// Request attributes (INET_DIAG_REQ_*).
export const INET_DIAG_REQ_NONE = 0;
export const INET_DIAG_REQ_BYTECODE = 1;
export const INET_DIAG_REQ_SK_BPF_STORAGES = 2;
export const INET_DIAG_REQ_PROTOCOL = 3;

// Reply attributes / extensions (INET_DIAG_*). Only the first 8 can be requested through
// idiag_ext (bit INET_DIAG_x - 1); later ones are sent unconditionally or by other bits.
export const INET_DIAG_NONE = 0;
export const INET_DIAG_MEMINFO = 1;
export const INET_DIAG_INFO = 2;
export const INET_DIAG_VEGASINFO = 3;
export const INET_DIAG_CONG = 4;
export const INET_DIAG_TOS = 5;
export const INET_DIAG_TCLASS = 6;
export const INET_DIAG_SKMEMINFO = 7;
export const INET_DIAG_SHUTDOWN = 8;
export const INET_DIAG_DCTCPINFO = 9;
export const INET_DIAG_PROTOCOL = 10;
export const INET_DIAG_SKV6ONLY = 11;
export const INET_DIAG_LOCALS = 12;
export const INET_DIAG_PEERS = 13;
export const INET_DIAG_PAD = 14;
export const INET_DIAG_MARK = 15;
export const INET_DIAG_BBRINFO = 16;
export const INET_DIAG_CLASS_ID = 17;
export const INET_DIAG_MD5SIG = 18;
export const INET_DIAG_ULP_INFO = 19;
export const INET_DIAG_SK_BPF_STORAGES = 20;
export const INET_DIAG_CGROUP_ID = 21;
export const INET_DIAG_SOCKOPT = 22;

// --- <net/tcp_states.h> (kernel-internal but ABI: inet_diag and /proc/net/tcp report them)
export const TCP_ESTABLISHED = 1;
export const TCP_SYN_SENT = 2;
export const TCP_SYN_RECV = 3;
export const TCP_FIN_WAIT1 = 4;
export const TCP_FIN_WAIT2 = 5;
export const TCP_TIME_WAIT = 6;
export const TCP_CLOSE = 7;
export const TCP_CLOSE_WAIT = 8;
export const TCP_LAST_ACK = 9;
export const TCP_LISTEN = 10;
export const TCP_CLOSING = 11;
export const TCP_NEW_SYN_RECV = 12;
/** Linux 6.9+: bound but neither listening nor connected (dumped only when explicitly asked). */
export const TCP_BOUND_INACTIVE = 13;

/** idiag_states bit of one state (TCPF_* in net/tcp_states.h). */
export function tcpf(state: number): number {
  return (1 << state) >>> 0;
}

/**
 * The states `ss -a` asks for: every state up to TCP_NEW_SYN_RECV (ss' SS_ALL), i.e. without
 * TCP_BOUND_INACTIVE, which ss shows only with `--bound-inactive` and which is no listening,
 * connected or closing socket.
 */
export const SS_ALL_STATES = (tcpf(TCP_NEW_SYN_RECV + 1) - 1) >>> 0;
/** Only listening sockets: the kernel then skips the established-hash walk. */
export const LISTEN_STATES = tcpf(TCP_LISTEN);

// --- <linux/in.h>
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_UDPLITE = 136;
