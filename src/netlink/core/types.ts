// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/types
 *
 * Family-independent decoded netlink structures (`linux/netlink.h`): the message header, one
 * framed message, an NLMSG_ERROR payload with its extended ACK.
 */

/** `struct nlmsghdr` (16 bytes, host byte order). */
export interface NetlinkHeader {
  /** nlmsg_len: header + payload, unaligned. */
  readonly length: number;
  /** nlmsg_type. */
  readonly type: number;
  /** nlmsg_flags: NLM_F_*. */
  readonly flags: number;
  /** nlmsg_seq. */
  readonly seq: number;
  /** nlmsg_pid (port id). */
  readonly pid: number;
}

/**
 * One framed netlink message. `payload` is a view into the buffer that was parsed (no copy):
 * it stays valid only as long as that buffer is not modified.
 */
export interface NetlinkMessage extends NetlinkHeader {
  /** Bytes after the 16-byte header, `length - 16` long (padding excluded). */
  readonly payload: Buffer;
  /** Byte offset of the header in the parsed buffer (for error reports). */
  readonly offset: number;
}

/** Extended ACK attributes of an NLMSG_ERROR / NLMSG_DONE (NLMSGERR_ATTR_*). */
export interface ExtAck {
  /** NLMSGERR_ATTR_MSG: human-readable error text. */
  readonly message?: string;
  /** NLMSGERR_ATTR_OFFS: offset of the offending attribute in the request. */
  readonly offset?: number;
  /** NLMSGERR_ATTR_COOKIE as lower-case hex. */
  readonly cookie?: string;
  /** NLMSGERR_ATTR_POLICY is kept raw when present. */
  readonly missingType?: number;
}

/** A decoded NLMSG_ERROR payload (`struct nlmsgerr`). */
export interface NetlinkErrorMessage {
  /** Negative errno, or 0 for an ACK. */
  readonly error: number;
  /** Header of the request that failed. */
  readonly request: NetlinkHeader;
  /** Extended ACK, when the kernel sent TLVs (NLM_F_ACK_TLVS). */
  readonly extack?: ExtAck;
}
