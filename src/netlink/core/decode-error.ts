// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/decode-error
 *
 * Small constructors for the two decode failures of the codec, so every check site throws a
 * {@link DecodeError} with the same structured fields (family, offset, attrType).
 */
import { DecodeError } from '../../errors.js';

/** Data ends before a header or a length field says it should. */
export function truncated(
  family: string,
  offset: number,
  what: string,
  attrType?: number,
): DecodeError {
  return new DecodeError(
    'GW_ERR_NETLINK_TRUNCATED',
    `${family}: truncated ${what} at offset ${offset}`,
    {
      family,
      offset,
      ...(attrType === undefined ? {} : { attrType }),
    },
  );
}

/** Data violates the wire format (impossible length, bad payload size, ...). */
export function malformed(
  family: string,
  offset: number,
  what: string,
  attrType?: number,
): DecodeError {
  return new DecodeError(
    'GW_ERR_NETLINK_MALFORMED',
    `${family}: malformed ${what} at offset ${offset}`,
    {
      family,
      offset,
      ...(attrType === undefined ? {} : { attrType }),
    },
  );
}
