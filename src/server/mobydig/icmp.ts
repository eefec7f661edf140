// SPDX-License-Identifier: MIT
/**
 * @module server/mobydig/icmp
 *
 * ICMP / ICMPv6 echo codec (RFC 792, RFC 4443), pure: building echo requests and recognising
 * the matching echo reply in what an ICMP socket returns. A "ping socket"
 * (SOCK_DGRAM/IPPROTO_ICMP) returns the ICMP message alone, an IPv4 raw socket returns it
 * behind the IPv4 header; ICMPv6 sockets of either kind return the ICMPv6 message alone.
 * Requests carry a random token in their payload, so a reply is ours even on a raw socket that
 * sees every ICMP message of the netns, and even though a ping socket rewrites the identifier.
 */

export const ICMP_ECHO_REQUEST = 8;
export const ICMP_ECHO_REPLY = 0;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;

/** RFC 1071 Internet checksum of `buf`. */
export function internetChecksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length % 2 === 1) sum += (buf[buf.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * An echo request: type, code 0, checksum, identifier, sequence number, then `token`.
 * The IPv4 checksum is computed here (a raw socket sends it as is); for ICMPv6 the kernel
 * computes it (it covers a pseudo header only the kernel knows), so it is left 0.
 */
export function echoRequest(v6: boolean, id: number, seq: number, token: Buffer): Buffer {
  const b = Buffer.alloc(8 + token.length);
  b[0] = v6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO_REQUEST;
  b.writeUInt16BE(id & 0xffff, 4);
  b.writeUInt16BE(seq & 0xffff, 6);
  token.copy(b, 8);
  if (!v6) b.writeUInt16BE(internetChecksum(b), 2);
  return b;
}

/**
 * True when `data` (as read from an ICMP socket: `raw4` = IPv4 raw socket, IPv4 header first)
 * is the echo reply to our request with sequence `seq` and payload `token`.
 */
export function isEchoReply(
  data: Buffer,
  v6: boolean,
  raw4: boolean,
  seq: number,
  token: Buffer,
): boolean {
  let msg = data;
  if (!v6 && raw4) {
    if (data.length < 20 || data[0] === undefined || data[0] >> 4 !== 4) return false;
    msg = data.subarray((data[0] & 0x0f) * 4);
  }
  if (msg.length < 8 + token.length) return false;
  if (msg[0] !== (v6 ? ICMPV6_ECHO_REPLY : ICMP_ECHO_REPLY) || msg[1] !== 0) return false;
  if (msg.readUInt16BE(6) !== (seq & 0xffff)) return false;
  return msg.subarray(8, 8 + token.length).equals(token);
}
