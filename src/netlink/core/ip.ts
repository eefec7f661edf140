// SPDX-License-Identifier: MIT
/**
 * @module netlink/core/ip
 *
 * Pure text <-> bytes helpers for addresses carried in netlink attributes: IPv4 dotted quads,
 * IPv6 in RFC 5952 canonical form (lower case, longest zero run compressed, IPv4-mapped
 * addresses as `::ffff:a.b.c.d`), and L2 addresses as lower-case colon hex.
 */

const HEX = '0123456789abcdef';
/** Two-digit lower-case hex of every byte value (one string lookup per byte on hot paths). */
const BYTE_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => (HEX[i >> 4] ?? '0') + (HEX[i & 15] ?? '0'),
);

/** Formats the 4 bytes at `offset` as dotted IPv4. The caller checks bounds. */
export function formatIPv4(buf: Uint8Array, offset = 0): string {
  return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
}

/** Formats the 16 bytes at `offset` as IPv6 text in RFC 5952 canonical form. The caller checks bounds. */
export function formatIPv6(buf: Uint8Array, offset = 0): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++)
    g[i] = ((buf[offset + 2 * i] ?? 0) << 8) | (buf[offset + 2 * i + 1] ?? 0);
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(buf, offset + 12)}`;
  }
  // §4.2.3: compress the longest run (first one on ties) of at least two zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += (g[i] ?? 0).toString(16);
  }
  return out;
}

/** Formats `length` bytes at `offset` as lower-case colon-separated hex (`aa:bb:...`). */
export function formatMac(buf: Uint8Array, offset: number, length: number): string {
  if (length === 6) {
    const h = BYTE_HEX;
    return `${h[buf[offset] as number]}:${h[buf[offset + 1] as number]}:${h[buf[offset + 2] as number]}:${h[buf[offset + 3] as number]}:${h[buf[offset + 4] as number]}:${h[buf[offset + 5] as number]}`;
  }
  let out = '';
  for (let i = 0; i < length; i++) {
    if (i > 0) out += ':';
    out += BYTE_HEX[buf[offset + i] ?? 0];
  }
  return out;
}

/** Formats bytes as plain lower-case hex without separators. */
export function formatHex(buf: Uint8Array, offset: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BYTE_HEX[buf[offset + i] ?? 0];
  return out;
}

/**
 * Parses dotted IPv4 text into 4 bytes; undefined when not a valid address. Strict as
 * `inet_pton(3)`: exactly four decimal octets without leading zeros (`010.1.1.1` is octal to
 * `inet_aton` and is refused), no shorthands such as `127.1`.
 */
export function parseIPv4(text: string): Buffer | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** Parses IPv6 text (with `::` and an optional trailing dotted quad) into 16 bytes; undefined when invalid. */
export function parseIPv6(text: string): Buffer | undefined {
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
    // Trailing dotted quad: rewrite it as two hex groups and parse the rest uniformly.
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${v4.readUInt16BE(0).toString(16)}:${v4.readUInt16BE(2).toString(16)}`;
  }
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const h of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return undefined;
      out.push(parseInt(h, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const rest = parseGroups(s.slice(dbl + 2));
    if (head === undefined || rest === undefined) return undefined;
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    const all = parseGroups(s);
    if (all === undefined) return undefined;
    groups = all;
  }
  if (groups.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i] ?? 0, 2 * i);
  return out;
}

/** Parses IPv4 or IPv6 text; returns the bytes and the address family (AF_INET 2 / AF_INET6 10). */
export function parseIp(text: string): { family: 2 | 10; bytes: Buffer } | undefined {
  if (text.includes(':')) {
    const b = parseIPv6(text);
    return b === undefined ? undefined : { family: 10, bytes: b };
  }
  const b = parseIPv4(text);
  return b === undefined ? undefined : { family: 2, bytes: b };
}

/** Parses colon (or dash) separated hex L2 address text into bytes; undefined when invalid. */
export function parseMac(text: string): Buffer | undefined {
  if (text === '') return Buffer.alloc(0);
  const parts = text.split(/[:-]/);
  const out = Buffer.alloc(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return undefined;
    out[i] = parseInt(p, 16);
  }
  return out;
}
