// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { echoRequest, internetChecksum, isEchoReply } from './icmp.js';

const token = Buffer.from('0123456789abcdef', 'hex');

/** What a peer answers: the request with type 0/129 (checksum recomputed for IPv4). */
function replyTo(req: Buffer, v6: boolean): Buffer {
  const r = Buffer.from(req);
  r[0] = v6 ? 129 : 0;
  r.writeUInt16BE(0, 2);
  if (!v6) r.writeUInt16BE(internetChecksum(r), 2);
  return r;
}

describe('ICMP echo codec', () => {
  it('computes the RFC 1071 checksum (worked example of RFC 1071 §3)', () => {
    // 0x0001 + 0xf203 + 0xf4f5 + 0xf6f7 = 0x2ddf0 -> 0xddf2, complement 0x220d
    expect(internetChecksum(Buffer.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(
      0x220d,
    );
    expect(internetChecksum(Buffer.from([0xff]))).toBe(0x00ff);
  });

  it('builds IPv4 echo requests whose checksum verifies, ICMPv6 ones for the kernel to sum', () => {
    const req = echoRequest(false, 0x1234, 7, token);
    expect([...req.subarray(0, 8)]).toEqual([8, 0, ...[req[2], req[3]], 0x12, 0x34, 0, 7]);
    expect(internetChecksum(req)).toBe(0);
    const req6 = echoRequest(true, 1, 0x10007, token);
    expect([...req6.subarray(0, 8)]).toEqual([128, 0, 0, 0, 0, 1, 0, 7]);
    expect(req6.subarray(8)).toEqual(token);
  });

  it('recognises our reply from a ping socket, a raw IPv4 socket (IP header first) and ICMPv6', () => {
    const rep = replyTo(echoRequest(false, 1, 3, token), false);
    expect(isEchoReply(rep, false, false, 3, token)).toBe(true);
    const ip = Buffer.alloc(24);
    ip[0] = 0x46; // version 4, IHL 6 (24 bytes, with options)
    expect(isEchoReply(Buffer.concat([ip, rep]), false, true, 3, token)).toBe(true);
    expect(isEchoReply(rep, false, true, 3, token)).toBe(false); // no IP header
    expect(isEchoReply(replyTo(echoRequest(true, 1, 3, token), true), true, false, 3, token)).toBe(
      true,
    );
  });

  it('rejects other sequence numbers, tokens, requests and short messages', () => {
    const rep = replyTo(echoRequest(false, 1, 3, token), false);
    expect(isEchoReply(rep, false, false, 4, token)).toBe(false);
    expect(isEchoReply(rep, false, false, 3, Buffer.from('fedcba9876543210', 'hex'))).toBe(false);
    expect(isEchoReply(echoRequest(false, 1, 3, token), false, false, 3, token)).toBe(false);
    expect(isEchoReply(rep.subarray(0, 10), false, false, 3, token)).toBe(false);
    expect(isEchoReply(rep, true, false, 3, token)).toBe(false); // an ICMP reply is no ICMPv6 one
  });
});
