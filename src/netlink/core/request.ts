// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/request
 *
 * A request paired with the decoder of its reply messages ({@link RequestSpec}), and the pure
 * step that turns one request's raw reply bytes into decoded messages or a typed error
 * ({@link decodeReply}). The socket layer (`socket.ts`) does the I/O around it.
 */
import { DecodeError, ProjectError } from '../../errors.js';
import { readU16 } from './bytes.js';
import { malformed } from './decode-error.js';
import { splitReply } from './reply.js';
import type { NetlinkMessage } from './types.js';

/** A request message and how to decode each data message of its reply. */
export interface RequestSpec<T> {
  /** Complete request message (nlmsghdr included). Its nlmsg_seq is set when sent. */
  readonly message: Buffer;
  /** Decodes one data message; throws DecodeError for malformed input. */
  readonly decode: (msg: NetlinkMessage) => T;
  /** Protocol family name for errors, e.g. 'rtnetlink'. */
  readonly family: string;
  /** True for NLM_F_DUMP requests (retried on NLM_F_DUMP_INTR). */
  readonly dump: boolean;
}

/** Decoded type of a {@link RequestSpec}. */
export type SpecResult<S> = S extends RequestSpec<infer T> ? T : never;

/** Outcome of one request: decoded messages, or the typed error for this request only. */
export type RequestResult<T> =
  | { readonly ok: true; readonly messages: T[] }
  | { readonly ok: false; readonly error: ProjectError };

/** Decoded reply of one request. */
export interface DecodedReply<T> {
  readonly messages: T[];
  readonly dumpInterrupted: boolean;
}

/**
 * Decodes the reply bytes of one request. Throws NetlinkError (kernel error) or DecodeError
 * (malformed reply); never anything else.
 */
export function decodeReply<T>(data: Buffer, spec: RequestSpec<T>): DecodedReply<T> {
  const requestType = spec.message.length >= 6 ? readU16(spec.message, 4) : undefined;
  const split = splitReply(data, spec.family, requestType);
  if (split.error !== undefined) throw split.error;
  const messages: T[] = new Array<T>(split.messages.length);
  for (let i = 0; i < split.messages.length; i++) {
    const m = split.messages[i] as NetlinkMessage;
    try {
      messages[i] = spec.decode(m);
    } catch (e: unknown) {
      if (e instanceof ProjectError) throw e;
      // A decoder bug must still surface as a typed, located error.
      const err: DecodeError = malformed(
        spec.family,
        m.offset,
        `message type ${m.type} (${e instanceof Error ? e.message : String(e)})`,
      );
      throw new DecodeError(err.code, err.message, {
        family: spec.family,
        offset: m.offset,
        cause: e,
      });
    }
  }
  return { messages, dumpInterrupted: split.dumpInterrupted };
}
