// SPDX-License-Identifier: MIT
/**
 * @module netlink/nftables/xt-info
 *
 * Decoders of the xtables match/target payloads that iptables-nft stores in nft_compat
 * `match`/`target` expressions (NFTA_MATCH_INFO / NFTA_TARGET_INFO) and iptables-legacy stores
 * after each `xt_entry_match`/`xt_entry_target` header. The structs are in HOST byte order
 * except addresses and NAT ports (network order), as in the uapi headers:
 *  - `struct xt_tcp` / `struct xt_udp` (`linux/netfilter/xt_tcpudp.h`): u16 spts[2], u16 dpts[2], …, invflags;
 *  - `struct xt_comment_info` (`xt_comment.h`): char comment[256];
 *  - `struct xt_multiport_v1` (`xt_multiport.h`): u8 flags, u8 count, u16 ports[15], u8 pflags[15], u8 invert;
 *  - DNAT/SNAT/REDIRECT/MASQUERADE rev 0 (IPv4): `struct nf_nat_ipv4_multi_range_compat`
 *    (u32 rangesize, then flags, be32 min_ip, be32 max_ip, be16 min port, be16 max port);
 *  - rev 1 `struct nf_nat_range`, rev 2 `struct nf_nat_range2` (`linux/netfilter/nf_nat.h`):
 *    u32 flags, 16-byte min/max address, be16 min/max port (+ base port in rev 2);
 *  - MARK rev 2 `struct xt_mark_tginfo2`: u32 mark, u32 mask.
 * A payload too short for its struct decodes to `undefined` (the expression stays raw-usable).
 */
import { readU16, readU32 } from '../core/bytes.js';
import { formatIPv4, formatIPv6 } from '../core/ip.js';
import { NFPROTO_IPV6, NF_NAT_RANGE_MAP_IPS, XT_TCP_INV_DSTPT } from './constants.js';
import type { XtMatchInfo, XtNatRange, XtTargetInfo } from './types.js';

const XT_TCP_INV_SRCPT = 0x01;
const XT_MULTIPORT_SIZE = 2 + 2 * 15 + 15 + 1;

/** Decodes a match payload by name; undefined for unknown names or short payloads. */
export function decodeXtMatch(
  name: string,
  rev: number,
  info: Uint8Array,
): XtMatchInfo | undefined {
  switch (name) {
    case 'tcp':
    case 'udp': {
      // xt_tcp: 8 bytes of ports, option, flg_mask, flg_cmp, invflags; xt_udp: ports, invflags
      const invAt = name === 'tcp' ? 11 : 8;
      if (info.length < invAt + 1) return undefined;
      const inv = info[invAt] ?? 0;
      return {
        kind: name,
        sport: [readU16(info, 0), readU16(info, 2)],
        dport: [readU16(info, 4), readU16(info, 6)],
        sportInverted: (inv & XT_TCP_INV_SRCPT) !== 0,
        dportInverted: (inv & XT_TCP_INV_DSTPT) !== 0,
      };
    }
    case 'comment': {
      let e = 0;
      while (e < info.length && e < 256 && info[e] !== 0) e++;
      return { kind: 'comment', comment: Buffer.from(info.subarray(0, e)).toString('utf8') };
    }
    case 'multiport': {
      if (rev < 1 || info.length < XT_MULTIPORT_SIZE) return undefined;
      const count = Math.min(info[1] ?? 0, 15);
      const ranges: Array<[number, number]> = [];
      for (let i = 0; i < count; i++) {
        const lo = readU16(info, 2 + 2 * i);
        if ((info[32 + i] ?? 0) !== 0 && i + 1 < count) {
          ranges.push([lo, readU16(info, 2 + 2 * (i + 1))]);
          i++;
        } else ranges.push([lo, lo]);
      }
      return { kind: 'multiport', flags: info[0] ?? 0, ranges, invert: (info[47] ?? 0) !== 0 };
    }
    default:
      return undefined;
  }
}

function natRangeCompat(info: Uint8Array): XtNatRange | undefined {
  // struct nf_nat_ipv4_multi_range_compat: rangesize, then one nf_nat_ipv4_range
  if (info.length < 20) return undefined;
  const flags = readU32(info, 4);
  const mapIps = (flags & NF_NAT_RANGE_MAP_IPS) !== 0;
  return {
    flags,
    ...(mapIps ? { minAddress: formatIPv4(info, 8), maxAddress: formatIPv4(info, 12) } : {}),
    minPort: Buffer.from(info.buffer, info.byteOffset, info.length).readUInt16BE(16),
    maxPort: Buffer.from(info.buffer, info.byteOffset, info.length).readUInt16BE(18),
  };
}

function natRange(info: Uint8Array, family: number): XtNatRange | undefined {
  // struct nf_nat_range / nf_nat_range2: flags, min_addr[16], max_addr[16], min, max (, base)
  if (info.length < 40) return undefined;
  const flags = readU32(info, 0);
  const mapIps = (flags & NF_NAT_RANGE_MAP_IPS) !== 0;
  const fmt = family === NFPROTO_IPV6 ? formatIPv6 : formatIPv4;
  const b = Buffer.from(info.buffer, info.byteOffset, info.length);
  return {
    flags,
    ...(mapIps ? { minAddress: fmt(info, 4), maxAddress: fmt(info, 20) } : {}),
    minPort: b.readUInt16BE(36),
    maxPort: b.readUInt16BE(38),
  };
}

/**
 * Decodes a target payload by name and revision; `family` (NFPROTO_IPV4/IPV6, the table's)
 * decides how rev ≥ 1 NAT addresses are printed. IPv6 NAT targets have no compat revision:
 * their rev 0 already is `nf_nat_range`.
 */
export function decodeXtTarget(
  name: string,
  rev: number,
  info: Uint8Array,
  family: number,
): XtTargetInfo | undefined {
  switch (name) {
    case 'DNAT':
    case 'SNAT':
    case 'REDIRECT':
    case 'MASQUERADE': {
      const range =
        rev === 0 && family !== NFPROTO_IPV6 ? natRangeCompat(info) : natRange(info, family);
      return range === undefined ? undefined : { kind: name, range };
    }
    case 'MARK':
      if (rev < 1 || info.length < 8) return undefined;
      return { kind: 'MARK', mark: readU32(info, 0), mask: readU32(info, 4) };
    default:
      return undefined;
  }
}
