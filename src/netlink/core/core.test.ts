// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { DecodeError, NetlinkError } from '../../errors.js';
import { AttrCursor, parseAttributes } from './attr.js';
import { MessageBuilder, setSequence } from './builder.js';
import { HOST_LE, writeS32, writeU16, writeU32 } from './bytes.js';
import {
  NLA_F_NESTED,
  NLA_F_NET_BYTEORDER,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSGERR_ATTR_COOKIE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
} from './constants.js';
import { decodeDoneMessage, decodeErrorMessage } from './error-message.js';
import { parseMessages } from './message.js';
import { splitReply } from './reply.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e: unknown) {
    expect(e).toBeInstanceOf(DecodeError);
    return (e as DecodeError).code;
  }
  return undefined;
}

describe('MessageBuilder and parser', () => {
  it.runIf(HOST_LE)('builds aligned attributes with zero padding and nested lengths', () => {
    const b = new MessageBuilder({ type: 20, flags: 0x301, seq: 7, pid: 9 });
    b.raw(Uint8Array.of(1)); // 1-byte family header, padded before the first attribute
    b.string(3, 'ab');
    const n = b.beginNested(18);
    b.u8(1, 0xfe);
    b.be16(2, 4789);
    b.endNested(n);
    b.u32(4 | NLA_F_NET_BYTEORDER, 0x01020304);
    const msg = b.finish();
    expect(msg.length).toBe(16 + 4 + 8 + (4 + 8 + 8) + 8);
    expect(msg.toString('hex')).toBe(
      [
        '38000000',
        '1400',
        '0103',
        '07000000',
        '09000000', // nlmsghdr (LE host)
        '01000000', // rtgenmsg + pad
        '0700',
        '0300',
        '61620000', // "ab\0" + pad
        '1400',
        '1280',
        '0500',
        '0100',
        'fe000000',
        '0600',
        '0200',
        '12b50000', // nested
        '0800',
        '0440',
        '04030201',
      ].join(''),
    );
    const [m] = parseMessages(msg, 'test');
    expect(m).toMatchObject({ length: 56, type: 20, flags: 0x301, seq: 7, pid: 9, offset: 0 });
    const attrs = parseAttributes(m!.payload, 4, m!.payload.length, 'test');
    expect(attrs.map((a) => [a.type, a.flags])).toEqual([
      [3, 0],
      [18, NLA_F_NESTED],
      [4, NLA_F_NET_BYTEORDER],
    ]);
    const c = new AttrCursor(attrs[1]!.data, 0, attrs[1]!.data.length, 'test');
    expect(c.next() && c.u8()).toBe(0xfe);
    expect(c.next() && c.be16()).toBe(4789);
    expect(c.next()).toBe(false);
    // rebuild from the parse: identical bytes
    const r = new MessageBuilder({ type: m!.type, flags: m!.flags, seq: m!.seq, pid: m!.pid });
    r.raw(m!.payload.subarray(0, 1)).attributes(attrs);
    expect(r.finish().equals(msg)).toBe(true);
  });

  it('keeps an unpadded family header unpadded when no attribute follows', () => {
    const msg = new MessageBuilder({ type: 90, flags: 0x301 }).raw(Uint8Array.of(0)).finish();
    expect(msg.length).toBe(17);
    expect(parseMessages(msg, 't')[0]!.payload.length).toBe(1);
  });

  it('grows beyond the initial buffer and sets the sequence in place', () => {
    const b = new MessageBuilder({ type: 16, flags: 1 });
    for (let i = 0; i < 200; i++) b.u32(1, i);
    const msg = b.finish();
    expect(msg.length).toBe(16 + 200 * 8);
    setSequence(msg, 0xdeadbeef, 5);
    expect(parseMessages(msg, 't')[0]).toMatchObject({ seq: 0xdeadbeef, pid: 5 });
  });

  it('walks concatenated messages and tolerates a missing final pad', () => {
    const a = new MessageBuilder({ type: 16, flags: 2 }).raw(Uint8Array.of(1, 2, 3)).finish(); // len 19
    const b = new MessageBuilder({ type: 17, flags: 2 }).finish();
    const both = Buffer.concat([a, Buffer.alloc(1), b]);
    expect(parseMessages(both, 't').map((m) => [m.type, m.offset, m.payload.length])).toEqual([
      [16, 0, 3],
      [17, 20, 0],
    ]);
    expect(parseMessages(a, 't')).toHaveLength(1);
  });

  it('throws DecodeError on malformed framing, never loops', () => {
    expect(codeOf(() => parseMessages(Buffer.alloc(8), 't'))).toBe('GW_ERR_NETLINK_TRUNCATED');
    expect(codeOf(() => parseMessages(Buffer.alloc(16), 't'))).toBe('GW_ERR_NETLINK_MALFORMED'); // nlmsg_len 0
    const big = Buffer.alloc(16);
    writeU32(big, 64, 0);
    expect(codeOf(() => parseMessages(big, 't'))).toBe('GW_ERR_NETLINK_TRUNCATED');
    const zero = Buffer.alloc(8); // nla_len 0
    expect(codeOf(() => parseAttributes(zero, 0, 8, 't'))).toBe('GW_ERR_NETLINK_MALFORMED');
    const long = Buffer.alloc(8);
    writeU16(long, 12, 0);
    expect(codeOf(() => parseAttributes(long, 0, 8, 't'))).toBe('GW_ERR_NETLINK_TRUNCATED');
    expect(codeOf(() => parseAttributes(Buffer.alloc(2), 0, 2, 't'))).toBe(
      'GW_ERR_NETLINK_TRUNCATED',
    );
    expect(codeOf(() => new AttrCursor(Buffer.alloc(2), 0, 9, 't'))).toBe(
      'GW_ERR_NETLINK_TRUNCATED',
    );
  });

  it('checks payload sizes in typed getters', () => {
    const buf = new MessageBuilder({ type: 16, flags: 0 })
      .u8(1, 1)
      .attr(2, Uint8Array.of(1, 2, 3))
      .finish();
    const c = new AttrCursor(buf, 16, buf.length, 't');
    c.next();
    expect(codeOf(() => c.u16())).toBe('GW_ERR_NETLINK_MALFORMED');
    expect(codeOf(() => c.ipv4())).toBe('GW_ERR_NETLINK_MALFORMED');
    c.next();
    expect(codeOf(() => c.u32())).toBe('GW_ERR_NETLINK_MALFORMED');
    expect(codeOf(() => c.ip())).toBe('GW_ERR_NETLINK_MALFORMED');
    try {
      c.u64();
    } catch (e: unknown) {
      expect(e).toMatchObject({ family: 't', attrType: 2, offset: 24 });
    }
  });
});

function errorReply(
  errno: number,
  opts: { capped: boolean; extack?: Array<[number, Uint8Array]> },
  request: Buffer,
): Buffer {
  const flags = (opts.capped ? NLM_F_CAPPED : 0) | (opts.extack ? NLM_F_ACK_TLVS : 0);
  const b = new MessageBuilder({ type: NLMSG_ERROR, flags, seq: 1 });
  const head = Buffer.alloc(4);
  writeS32(head, -errno, 0);
  b.raw(head).raw(opts.capped ? request.subarray(0, 16) : request);
  for (const [t, v] of opts.extack ?? []) b.attr(t, v);
  return b.finish();
}

describe('NLMSG_ERROR / NLMSG_DONE', () => {
  const request = new MessageBuilder({ type: 26, flags: 0x301, seq: 1 })
    .raw(Buffer.alloc(12))
    .u32(15, 1000)
    .finish();

  it('decodes an uncapped error with extack message, offset and cookie', () => {
    const buf = errorReply(
      22,
      {
        capped: false,
        extack: [
          [NLMSGERR_ATTR_MSG, Buffer.from('Invalid values\0')],
          [NLMSGERR_ATTR_OFFS, Uint8Array.of(28, 0, 0, 0)],
          [NLMSGERR_ATTR_COOKIE, Uint8Array.of(0xab, 0xcd)],
        ],
      },
      request,
    );
    const m = parseMessages(buf, 't')[0]!;
    const e = decodeErrorMessage(m, 'rtnetlink');
    expect(e.error).toBe(-22);
    expect(e.request).toMatchObject({ type: 26, length: request.length });
    expect(e.extack).toEqual({ message: 'Invalid values', offset: 28, cookie: 'abcd' });
    const split = splitReply(buf, 'rtnetlink', 26);
    expect(split.error).toBeInstanceOf(NetlinkError);
    expect(split.error).toMatchObject({
      code: 'GW_ERR_NETLINK_ERROR',
      errno: 22,
      extack: 'Invalid values',
      msgType: 26,
      family: 'rtnetlink',
    });
    expect(split.error?.message).toContain('EINVAL');
  });

  it('decodes a capped error and a plain ACK', () => {
    const capped = errorReply(
      1,
      { capped: true, extack: [[NLMSGERR_ATTR_MSG, Buffer.from('nope\0')]] },
      request,
    );
    expect(decodeErrorMessage(parseMessages(capped, 't')[0]!, 't')).toMatchObject({
      error: -1,
      extack: { message: 'nope' },
    });
    const ack = errorReply(0, { capped: true }, request);
    const split = splitReply(ack, 't');
    expect(split).toMatchObject({ messages: [], error: undefined, terminated: true });
  });

  it('rejects an NLMSG_ERROR too short for its header', () => {
    const b = new MessageBuilder({ type: NLMSG_ERROR, flags: 0 }).raw(Buffer.alloc(8)).finish();
    expect(codeOf(() => decodeErrorMessage(parseMessages(b, 't')[0]!, 't'))).toBe(
      'GW_ERR_NETLINK_TRUNCATED',
    );
  });

  it('decodes NLMSG_DONE with errno and extack, and flags DUMP_INTR', () => {
    const data = new MessageBuilder({ type: 16, flags: NLM_F_MULTI | NLM_F_DUMP_INTR })
      .raw(Buffer.alloc(4))
      .finish();
    const ok = new MessageBuilder({ type: NLMSG_DONE, flags: NLM_F_MULTI })
      .raw(Buffer.alloc(4))
      .finish();
    const s = splitReply(Buffer.concat([data, ok]), 't');
    expect(s.messages).toHaveLength(1);
    expect(s.dumpInterrupted).toBe(true);
    expect(s.error).toBeUndefined();
    const errno = Buffer.alloc(4);
    writeS32(errno, -105, 0);
    const bad = new MessageBuilder({ type: NLMSG_DONE, flags: NLM_F_MULTI | NLM_F_ACK_TLVS })
      .raw(errno)
      .string(NLMSGERR_ATTR_MSG, 'too big')
      .finish();
    const d = decodeDoneMessage(parseMessages(bad, 't')[0]!, 't');
    expect(d).toEqual({ error: -105, extack: { message: 'too big' } });
    expect(splitReply(bad, 't', 18).error).toMatchObject({
      errno: 105,
      msgType: 18,
      extack: 'too big',
    });
    expect(
      decodeDoneMessage(
        parseMessages(new MessageBuilder({ type: NLMSG_DONE, flags: 0 }).finish(), 't')[0]!,
        't',
      ),
    ).toEqual({ error: 0 });
  });
});
