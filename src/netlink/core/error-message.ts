// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/error-message
 *
 * NLMSG_ERROR and NLMSG_DONE payloads (`linux/netlink.h`). NLMSG_ERROR carries `struct nlmsgerr`
 * (s32 error, then the request's nlmsghdr; the full request follows unless NLM_F_CAPPED) and,
 * with NLM_F_ACK_TLVS, extended-ACK attributes (NLMSGERR_ATTR_MSG/OFFS/COOKIE/...). NLMSG_DONE
 * of a dump carries an s32 errno (0 or negative) and may carry extack TLVs too.
 */
import { NetlinkError } from '../../errors.js';
import {
  NLMSG_HDRLEN,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLMSGERR_ATTR_COOKIE,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
} from './constants.js';
import { AttrCursor } from './attr.js';
import { align4, readS32 } from './bytes.js';
import { malformed, truncated } from './decode-error.js';
import { readHeader } from './message.js';
import type { ExtAck, NetlinkErrorMessage, NetlinkMessage } from './types.js';

function decodeExtAck(buf: Buffer, start: number, end: number, family: string): ExtAck | undefined {
  if (start >= end) return undefined;
  let message: string | undefined;
  let offset: number | undefined;
  let cookie: string | undefined;
  let missingType: number | undefined;
  const c = new AttrCursor(buf, start, end, family);
  while (c.next()) {
    switch (c.type) {
      case NLMSGERR_ATTR_MSG:
        message = c.str();
        break;
      case NLMSGERR_ATTR_OFFS:
        offset = c.u32();
        break;
      case NLMSGERR_ATTR_COOKIE:
        cookie = c.hex();
        break;
      case NLMSGERR_ATTR_MISS_TYPE:
        missingType = c.u32();
        break;
      default:
        break;
    }
  }
  return {
    ...(message === undefined ? {} : { message }),
    ...(offset === undefined ? {} : { offset }),
    ...(cookie === undefined ? {} : { cookie }),
    ...(missingType === undefined ? {} : { missingType }),
  };
}

/** Decodes the payload of an NLMSG_ERROR message. */
export function decodeErrorMessage(msg: NetlinkMessage, family: string): NetlinkErrorMessage {
  const p = msg.payload;
  if (p.length < 4 + NLMSG_HDRLEN)
    throw truncated(family, msg.offset, `NLMSG_ERROR payload (${p.length} bytes)`);
  const error = readS32(p, 0);
  const request = readHeader(p, 4);
  let tlvStart = 4 + NLMSG_HDRLEN;
  // For errors the kernel echoes the whole request unless NLM_F_CAPPED; ACKs (error 0) are always capped.
  if ((msg.flags & NLM_F_CAPPED) === 0 && error !== 0) {
    if (request.length < NLMSG_HDRLEN)
      throw malformed(family, msg.offset, `echoed request length ${request.length}`);
    tlvStart = 4 + align4(request.length);
    if (tlvStart > p.length) {
      // Without NLM_F_ACK_TLVS an echoed request may be all there is; anything shorter is broken.
      throw truncated(family, msg.offset, 'echoed request in NLMSG_ERROR');
    }
  }
  const extack =
    (msg.flags & NLM_F_ACK_TLVS) !== 0
      ? decodeExtAck(p, Math.min(tlvStart, p.length), p.length, family)
      : undefined;
  return { error, request, ...(extack === undefined ? {} : { extack }) };
}

/** Decodes an NLMSG_DONE payload: the dump's errno (0 or negative) and optional extack. */
export function decodeDoneMessage(
  msg: NetlinkMessage,
  family: string,
): { error: number; extack?: ExtAck } {
  const p = msg.payload;
  // Some families send NLMSG_DONE with no payload at all; that means success.
  if (p.length === 0) return { error: 0 };
  if (p.length < 4) throw truncated(family, msg.offset, `NLMSG_DONE payload (${p.length} bytes)`);
  const error = readS32(p, 0);
  const extack =
    (msg.flags & NLM_F_ACK_TLVS) !== 0 ? decodeExtAck(p, 4, p.length, family) : undefined;
  return { error, ...(extack === undefined ? {} : { extack }) };
}

/** Positive errno → symbolic name for messages (a small table of the usual netlink errors). */
const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  4: 'EINTR',
  9: 'EBADF',
  11: 'EAGAIN',
  12: 'ENOMEM',
  13: 'EACCES',
  16: 'EBUSY',
  17: 'EEXIST',
  19: 'ENODEV',
  22: 'EINVAL',
  34: 'ERANGE',
  61: 'ENODATA',
  75: 'EOVERFLOW',
  90: 'EMSGSIZE',
  93: 'EPROTONOSUPPORT',
  95: 'EOPNOTSUPP',
  97: 'EAFNOSUPPORT',
  105: 'ENOBUFS',
  110: 'ETIMEDOUT',
};

/** Symbolic name of a positive errno, or `errno <n>`. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}

/**
 * Turns a kernel error reply into a {@link NetlinkError} (GW_ERR_NETLINK_ERROR) with the
 * positive errno, extack text and the request's message type.
 */
export function toNetlinkError(
  errorNeg: number,
  family: string,
  msgType: number | undefined,
  extack: ExtAck | undefined,
): NetlinkError {
  const errno = -errorNeg;
  const text = extack?.message;
  return new NetlinkError(
    'GW_ERR_NETLINK_ERROR',
    `${family}: kernel rejected request${msgType === undefined ? '' : ` type ${msgType}`}: ${errnoName(errno)}${text ? ` (${text})` : ''}`,
    {
      errno,
      family,
      ...(msgType === undefined ? {} : { msgType }),
      ...(text === undefined ? {} : { extack: text }),
      details: extack?.offset === undefined ? {} : { extackOffset: extack.offset },
    },
  );
}
