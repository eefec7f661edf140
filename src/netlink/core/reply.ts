// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/reply
 *
 * Interprets the reply bytes of one request (all datagrams concatenated): drops control
 * messages (NLMSG_NOOP, NLMSG_DONE, NLMSG_ERROR ACK), turns an NLMSG_ERROR with a negative
 * errno or an NLMSG_DONE carrying one into a {@link NetlinkError}, and reports NLM_F_DUMP_INTR.
 */
import type { NetlinkError } from '../../errors.js';
import {
  NLM_F_DUMP_INTR,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
} from './constants.js';
import { malformed } from './decode-error.js';
import { decodeDoneMessage, decodeErrorMessage, toNetlinkError } from './error-message.js';
import { parseMessages } from './message.js';
import type { NetlinkMessage } from './types.js';

/** Result of {@link splitReply}. */
export interface SplitReply {
  /** Data messages (everything that is not a control message), in order. */
  readonly messages: NetlinkMessage[];
  /** The kernel's error for this request, if it sent one. */
  readonly error: NetlinkError | undefined;
  /** Some message carried NLM_F_DUMP_INTR: the dump may be inconsistent. */
  readonly dumpInterrupted: boolean;
  /** An NLMSG_DONE or NLMSG_ERROR ended the reply. */
  readonly terminated: boolean;
}

/**
 * Splits reply bytes into data messages and the request's outcome. Throws DecodeError on
 * framing errors. `requestType` is put into the NetlinkError when the reply names none.
 */
export function splitReply(buf: Buffer, family: string, requestType?: number): SplitReply {
  const all = parseMessages(buf, family);
  const messages: NetlinkMessage[] = [];
  let error: NetlinkError | undefined;
  let dumpInterrupted = false;
  let terminated = false;
  for (const m of all) {
    if ((m.flags & NLM_F_DUMP_INTR) !== 0) dumpInterrupted = true;
    if (m.type === NLMSG_NOOP) continue;
    if (m.type === NLMSG_OVERRUN) throw malformed(family, m.offset, 'NLMSG_OVERRUN (data lost)');
    if (m.type === NLMSG_ERROR) {
      const e = decodeErrorMessage(m, family);
      terminated = true;
      if (e.error !== 0 && error === undefined)
        error = toNetlinkError(e.error, family, e.request.type, e.extack);
      continue;
    }
    if (m.type === NLMSG_DONE) {
      const d = decodeDoneMessage(m, family);
      terminated = true;
      if (d.error !== 0 && error === undefined)
        error = toNetlinkError(d.error, family, requestType, d.extack);
      continue;
    }
    messages.push(m);
  }
  return { messages, error, dumpInterrupted, terminated };
}
