// SPDX-License-Identifier: MIT
/**
 * @module server/mobydig/dns
 *
 * Minimal DNS message codec for `/mobydig`: an A or AAAA query (RFC 1035 §4, with the 2-byte
 * length prefix of DNS over TCP) and the addresses in a response's answer section. Pure;
 * malformed input throws `RangeError`.
 */
import { isIP } from 'node:net';

/** Query types used here. */
export const QTYPE = { A: 1, AAAA: 28, CNAME: 5 } as const;

/** Encodes `name` (with or without trailing dot) as a TCP-framed query with id `id`. */
export function encodeQuery(id: number, name: string, qtype: number): Buffer {
  const labels = name.replace(/\.$/, '').split('.');
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id & 0xffff, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4); // QDCOUNT
  parts.push(header);
  for (const l of labels) {
    const b = Buffer.from(l, 'utf8');
    if (b.length === 0 || b.length > 63) throw new RangeError(`bad DNS label in "${name}"`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(qtype, 0);
  tail.writeUInt16BE(1, 2); // IN
  parts.push(tail);
  const msg = Buffer.concat(parts);
  if (msg.length > 512) throw new RangeError('DNS query too long');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length, 0);
  return Buffer.concat([len, msg]);
}

function skipName(buf: Buffer, off: number): number {
  for (let hops = 0; hops < 128; hops++) {
    if (off >= buf.length) throw new RangeError('DNS name runs past the message');
    const len = buf[off] ?? 0;
    if ((len & 0xc0) === 0xc0) return off + 2;
    if (len === 0) return off + 1;
    off += 1 + len;
  }
  throw new RangeError('DNS name too long');
}

/** Result of a response. */
export interface DnsAnswer {
  readonly id: number;
  /** RCODE (0 = no error, 3 = NXDOMAIN). */
  readonly rcode: number;
  readonly addresses: string[];
}

/** Decodes one DNS message (without the TCP length prefix). */
export function decodeResponse(msg: Buffer): DnsAnswer {
  if (msg.length < 12) throw new RangeError('DNS message shorter than its header');
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let off = 12;
  for (let i = 0; i < qd; i++) off = skipName(msg, off) + 4;
  const addresses: string[] = [];
  for (let i = 0; i < an; i++) {
    off = skipName(msg, off);
    if (off + 10 > msg.length) throw new RangeError('DNS record runs past the message');
    const type = msg.readUInt16BE(off);
    const rdlen = msg.readUInt16BE(off + 8);
    off += 10;
    if (off + rdlen > msg.length) throw new RangeError('DNS record data runs past the message');
    if (type === QTYPE.A && rdlen === 4) addresses.push([...msg.subarray(off, off + 4)].join('.'));
    if (type === QTYPE.AAAA && rdlen === 16) {
      const groups: string[] = [];
      for (let g = 0; g < 8; g++) groups.push(msg.readUInt16BE(off + 2 * g).toString(16));
      const text = groups.join(':');
      // canonical-ish compression of the longest zero run
      addresses.push(compressV6(text));
    }
    off += rdlen;
  }
  return { id, rcode: flags & 0xf, addresses: addresses.filter((a) => isIP(a) !== 0) };
}

function compressV6(text: string): string {
  const groups = text.split(':');
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return text;
  const head = groups.slice(0, best).join(':');
  const tail = groups.slice(best + bestLen).join(':');
  return `${head}::${tail}`;
}
