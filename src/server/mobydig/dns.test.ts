// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { QTYPE, decodeResponse, encodeQuery } from './dns.js';

/** A response to `query` (TCP-framed) with the given A/AAAA records (compressed names). */
function response(query: Buffer, records: Array<[number, Buffer]>, rcode = 0): Buffer {
  const q = query.subarray(2);
  const header = Buffer.from(q.subarray(0, 12));
  header.writeUInt16BE(0x8180 | rcode, 2);
  header.writeUInt16BE(records.length, 6);
  const rrs = records.map(([type, data]) => {
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(600, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, q.subarray(12), ...rrs]);
}

describe('DNS codec', () => {
  it('encodes a TCP-framed query', () => {
    const q = encodeQuery(0x1234, 'web.net1.', QTYPE.A);
    expect(q.readUInt16BE(0)).toBe(q.length - 2);
    expect(q.subarray(2, 4)).toEqual(Buffer.from([0x12, 0x34]));
    expect(q.subarray(14).toString('latin1')).toContain('\x03web\x04net1\x00');
    expect(() => encodeQuery(1, 'a..b', QTYPE.A)).toThrow(RangeError);
  });

  it('decodes A and AAAA answers', () => {
    const q = encodeQuery(7, 'web', QTYPE.A);
    const v6 = Buffer.alloc(16);
    v6.writeUInt16BE(0xfd00, 0);
    v6.writeUInt16BE(1, 14);
    const r = decodeResponse(
      response(q, [
        [QTYPE.A, Buffer.from([172, 18, 0, 2])],
        [QTYPE.AAAA, v6],
      ]),
    );
    expect(r).toEqual({ id: 7, rcode: 0, addresses: ['172.18.0.2', 'fd00::1'] });
    expect(decodeResponse(response(q, [], 3)).rcode).toBe(3);
  });

  it('rejects truncated messages', () => {
    const q = encodeQuery(7, 'web', QTYPE.A);
    const r = response(q, [[QTYPE.A, Buffer.from([1, 2, 3, 4])]]);
    expect(() => decodeResponse(r.subarray(0, r.length - 2))).toThrow(RangeError);
    expect(() => decodeResponse(Buffer.alloc(5))).toThrow(RangeError);
  });
});
