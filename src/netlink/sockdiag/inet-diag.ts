// SPDX-License-Identifier: MIT
/**
 * @module netlink/sockdiag/inet-diag
 *
 * inet_diag over NETLINK_SOCK_DIAG (`linux/inet_diag.h`, `linux/sock_diag.h`): request
 * builders for SOCK_DIAG_BY_FAMILY (`struct inet_diag_req_v2`) and the legacy TCPDIAG_GETSOCK
 * (`struct inet_diag_req`, which the kernel dumps with AF_UNSPEC: IPv4 and IPv6 TCP sockets in
 * one walk of the hash tables), and the decoder of the kernel's `struct inet_diag_msg` replies
 * with the INET_DIAG_* attributes Ghostwire uses.
 *
 * Byte order (inet_diag.h): ports and addresses in `struct inet_diag_sockid` are network byte
 * order (`__be16`, `__be32[4]`); everything else is host order. An IPv4 socket's addresses use
 * only the first 4 of the 16 address bytes. The 64-bit socket cookie is `idiag_cookie[0]` (low
 * word) and `idiag_cookie[1]` (high word), see `sock_diag_save_cookie()`.
 *
 * Attributes by kernel: INET_DIAG_SHUTDOWN (3.9+) and, for AF_INET6 sockets only,
 * INET_DIAG_SKV6ONLY (4.14+) are sent for every full socket; INET_DIAG_CGROUP_ID (5.7+) where
 * cgroups are built in; INET_DIAG_MARK only to CAP_NET_ADMIN; INET_DIAG_PROTOCOL (4.13+) for
 * raw/multipath sockets. TIME_WAIT and request (SYN_RECV) sockets carry no attributes and have
 * inode 0 and uid 0.
 */
import { AttrCursor } from '../core/attr.js';
import { MessageBuilder } from '../core/builder.js';
import { readU32, writeU32 } from '../core/bytes.js';
import { AF_INET, AF_INET6, NLM_F_DUMP, NLM_F_REQUEST } from '../core/constants.js';
import { malformed } from '../core/decode-error.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../core/ip.js';
import { splitReply } from '../core/reply.js';
import type { RequestSpec } from '../core/request.js';
import type { NetlinkMessage } from '../core/types.js';
import * as C from './constants.js';

/** Protocol family name used in errors of this codec. */
export const SOCK_DIAG = 'sock_diag';

/** `struct inet_diag_sockid`, decoded. */
export interface InetDiagSockId {
  /** idiag_sport (host number, converted from big endian). */
  readonly sport: number;
  /** idiag_dport (host number, converted from big endian). */
  readonly dport: number;
  /** idiag_src as text: dotted IPv4 for AF_INET (first 4 bytes), RFC 5952 IPv6 for AF_INET6. */
  readonly src: string;
  /** idiag_dst as text (same rules as `src`). */
  readonly dst: string;
  /** idiag_if: ifindex the socket is bound to (SO_BINDTODEVICE), 0 if none. */
  readonly ifIndex: number;
  /** idiag_cookie[1] << 32 | idiag_cookie[0]. */
  readonly cookie: bigint;
}

/** One decoded `struct inet_diag_msg` plus its attributes. */
export interface InetDiagMessage {
  /** idiag_family: AF_INET (2) or AF_INET6 (10). */
  readonly family: number;
  /** idiag_state: TCP_* state (UDP: TCP_ESTABLISHED connected, TCP_CLOSE unconnected). */
  readonly state: number;
  readonly timer: number;
  readonly retrans: number;
  readonly id: InetDiagSockId;
  readonly expires: number;
  readonly rqueue: number;
  readonly wqueue: number;
  readonly uid: number;
  /** Socket inode (0 for TIME_WAIT and request sockets). */
  readonly inode: number;
  /** INET_DIAG_SHUTDOWN: sk_shutdown bits (1 RCV_SHUTDOWN, 2 SEND_SHUTDOWN). */
  readonly shutdown?: number;
  /** INET_DIAG_SKV6ONLY: IPV6_V6ONLY of an AF_INET6 socket (absent for AF_INET, TIME_WAIT, requests). */
  readonly v6only?: boolean;
  /** INET_DIAG_PROTOCOL. */
  readonly protocol?: number;
  /** INET_DIAG_MARK (only to CAP_NET_ADMIN). */
  readonly mark?: number;
  /** INET_DIAG_CGROUP_ID (cgroup v2 id). */
  readonly cgroupId?: bigint;
  /** INET_DIAG_TOS. */
  readonly tos?: number;
  /** INET_DIAG_TCLASS. */
  readonly tclass?: number;
}

/** Socket identity to put into a request; everything defaults to zero (wildcard for dumps). */
export interface InetDiagSockIdInput {
  readonly sport?: number;
  readonly dport?: number;
  /** Text address of the request's family; '' / undefined = zero. */
  readonly src?: string;
  readonly dst?: string;
  readonly ifIndex?: number;
  /** Socket cookie; undefined = INET_DIAG_NOCOOKIE (both words all-ones). */
  readonly cookie?: bigint;
}

/** Fields of an inet_diag_req_v2 request. */
export interface InetDiagRequestInput {
  /** sdiag_family: AF_INET or AF_INET6. */
  readonly family: number;
  /** sdiag_protocol: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, … */
  readonly protocol: number;
  /** idiag_states bitmask (1 << TCP_*). */
  readonly states: number;
  /** idiag_ext: extensions wanted (bit INET_DIAG_x - 1), default 0. */
  readonly ext?: number;
  /** Socket identity (exact lookups: addresses, ports, cookie). */
  readonly id?: InetDiagSockIdInput;
  /** true (default): NLM_F_DUMP; false: exact lookup of `id`. */
  readonly dump?: boolean;
  readonly seq?: number;
}

function addressBytes(text: string | undefined, family: number, what: string): Buffer {
  const out = Buffer.alloc(16);
  if (text === undefined || text === '') return out;
  const b = family === AF_INET ? parseIPv4(text) : parseIPv6(text);
  if (b === undefined)
    throw new RangeError(`inet_diag: ${what} '${text}' is not an address of family ${family}`);
  b.copy(out, 0);
  return out;
}

/** Writes `struct inet_diag_sockid` at `off` of `buf` (48 bytes). */
function writeSockId(buf: Buffer, off: number, family: number, id: InetDiagSockIdInput = {}): void {
  buf.writeUInt16BE(id.sport ?? 0, off);
  buf.writeUInt16BE(id.dport ?? 0, off + 2);
  addressBytes(id.src, family, 'src').copy(buf, off + 4);
  addressBytes(id.dst, family, 'dst').copy(buf, off + 20);
  writeU32(buf, id.ifIndex ?? 0, off + 36);
  const cookie = id.cookie;
  if (cookie === undefined) {
    writeU32(buf, C.INET_DIAG_NOCOOKIE, off + 40);
    writeU32(buf, C.INET_DIAG_NOCOOKIE, off + 44);
  } else {
    writeU32(buf, Number(cookie & 0xffffffffn), off + 40);
    writeU32(buf, Number((cookie >> 32n) & 0xffffffffn), off + 44);
  }
}

/**
 * Builds a SOCK_DIAG_BY_FAMILY request (`struct nlmsghdr` + `struct inet_diag_req_v2`).
 * A dump with states = {@link C.LISTEN_STATES} only walks the listener hash; any other TCP
 * state makes the kernel walk the whole (host-global unless `tcp_child_ehash_entries` is set)
 * established hash.
 */
export function buildInetDiagRequest(input: InetDiagRequestInput): Buffer {
  const body = Buffer.alloc(C.INET_DIAG_REQ_V2_SIZE);
  body[0] = input.family;
  body[1] = input.protocol;
  body[2] = input.ext ?? 0;
  body[3] = 0;
  writeU32(body, input.states >>> 0, 4);
  writeSockId(body, 8, input.family, input.id);
  const flags = input.dump === false ? NLM_F_REQUEST : NLM_F_REQUEST | NLM_F_DUMP;
  return new MessageBuilder({ type: C.SOCK_DIAG_BY_FAMILY, flags, seq: input.seq ?? 0 })
    .raw(body)
    .finish();
}

/**
 * Builds a legacy TCPDIAG_GETSOCK dump request (`struct inet_diag_req`). The kernel serves it
 * with sdiag_family AF_UNSPEC (`inet_diag_dump_compat()`), so ONE walk of the TCP hash tables
 * returns both IPv4 and IPv6 sockets — half the cost of two SOCK_DIAG_BY_FAMILY dumps.
 */
export function buildTcpDiagCompatDump(input: {
  readonly states: number;
  readonly ext?: number;
  readonly seq?: number;
}): Buffer {
  const body = Buffer.alloc(C.INET_DIAG_REQ_SIZE);
  body[0] = AF_INET; // idiag_family: ignored for dumps (compat path uses AF_UNSPEC)
  body[1] = 0; // idiag_src_len
  body[2] = 0; // idiag_dst_len
  body[3] = input.ext ?? 0;
  writeSockId(body, 4, AF_INET);
  writeU32(body, input.states >>> 0, 52); // idiag_states
  writeU32(body, 0, 56); // idiag_dbs
  return new MessageBuilder({
    type: C.TCPDIAG_GETSOCK,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq: input.seq ?? 0,
  })
    .raw(body)
    .finish();
}

function readCookie(p: Buffer, off: number): bigint {
  return (BigInt(readU32(p, off + 4)) << 32n) | BigInt(readU32(p, off));
}

// struct inet_diag_msg offsets: family 0, state 1, timer 2, retrans 3, id 4..51 (sport 4,
// dport 6, src 8, dst 24, if 40, cookie 44), expires 52, rqueue 56, wqueue 60, uid 64, inode 68.

/** Decodes one reply message (SOCK_DIAG_BY_FAMILY or TCPDIAG_GETSOCK). Throws DecodeError. */
export function decodeInetDiagMessage(msg: NetlinkMessage): InetDiagMessage {
  if (msg.type !== C.SOCK_DIAG_BY_FAMILY && msg.type !== C.TCPDIAG_GETSOCK) {
    throw malformed(SOCK_DIAG, msg.offset, `message type ${msg.type} (want SOCK_DIAG_BY_FAMILY)`);
  }
  const p = msg.payload;
  if (p.length < C.INET_DIAG_MSG_SIZE)
    throw malformed(SOCK_DIAG, msg.offset, `inet_diag_msg of ${p.length} bytes`);
  const family = p[0] ?? 0;
  let src: string;
  let dst: string;
  if (family === AF_INET) {
    src = formatIPv4(p, 8);
    dst = formatIPv4(p, 24);
  } else if (family === AF_INET6) {
    src = formatIPv6(p, 8);
    dst = formatIPv6(p, 24);
  } else {
    throw malformed(SOCK_DIAG, msg.offset, `inet_diag_msg family ${family}`);
  }
  const m: { -readonly [K in keyof InetDiagMessage]: InetDiagMessage[K] } = {
    family,
    state: p[1] ?? 0,
    timer: p[2] ?? 0,
    retrans: p[3] ?? 0,
    id: {
      sport: p.readUInt16BE(4),
      dport: p.readUInt16BE(6),
      src,
      dst,
      ifIndex: readU32(p, 40),
      cookie: readCookie(p, 44),
    },
    expires: readU32(p, 52),
    rqueue: readU32(p, 56),
    wqueue: readU32(p, 60),
    uid: readU32(p, 64),
    inode: readU32(p, 68),
  };
  const c = new AttrCursor(p, C.INET_DIAG_MSG_SIZE, p.length, SOCK_DIAG);
  while (c.next()) {
    switch (c.type) {
      case C.INET_DIAG_SHUTDOWN:
        m.shutdown = c.u8();
        break;
      case C.INET_DIAG_SKV6ONLY:
        m.v6only = c.u8() !== 0;
        break;
      case C.INET_DIAG_PROTOCOL:
        m.protocol = c.u8();
        break;
      case C.INET_DIAG_MARK:
        m.mark = c.u32();
        break;
      case C.INET_DIAG_CGROUP_ID:
        m.cgroupId = c.u64();
        break;
      case C.INET_DIAG_TOS:
        m.tos = c.u8();
        break;
      case C.INET_DIAG_TCLASS:
        m.tclass = c.u8();
        break;
      default:
        break;
    }
  }
  return m;
}

/** Result of {@link decodeInetDiagReply}. */
export interface InetDiagReply {
  readonly sockets: InetDiagMessage[];
  /** NLM_F_DUMP_INTR was set: the hash tables changed during the dump; retry for consistency. */
  readonly dumpInterrupted: boolean;
}

/**
 * Decodes the reply bytes of one request (all datagrams concatenated). Throws the kernel's
 * NetlinkError (GW_ERR_NETLINK_ERROR, e.g. ENOENT for an exact lookup that found nothing) or a
 * DecodeError.
 */
export function decodeInetDiagReply(
  buf: Buffer,
  requestType: number = C.SOCK_DIAG_BY_FAMILY,
): InetDiagReply {
  const r = splitReply(buf, SOCK_DIAG, requestType);
  if (r.error !== undefined) throw r.error;
  return { sockets: r.messages.map(decodeInetDiagMessage), dumpInterrupted: r.dumpInterrupted };
}

/**
 * Pairs an inet_diag request built by {@link buildInetDiagRequest} or
 * {@link buildTcpDiagCompatDump} with this decoder, for the batch layer (`netlink/socket.ts`).
 */
export function inetDiagSpec(message: Buffer): RequestSpec<InetDiagMessage> {
  const dump = message.length >= 8 && (message.readUInt16LE(6) & NLM_F_DUMP) === NLM_F_DUMP;
  return { message, decode: decodeInetDiagMessage, family: SOCK_DIAG, dump };
}
