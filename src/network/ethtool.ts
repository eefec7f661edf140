// SPDX-License-Identifier: MIT
/**
 * @module network/ethtool
 *
 * Driver information of physical nifs over the SIOCETHTOOL ioctl (ETHTOOL_GDRVINFO). This module
 * only builds and parses `struct ethtool_drvinfo` (`linux/ethtool.h`); the ioctl itself is done
 * by the native addon on an AF_INET/SOCK_DGRAM socket opened inside the nif's netns.
 */
import type { DriverInfo } from '../model/network.js';

/** ETHTOOL_GDRVINFO command number (`linux/ethtool.h`). */
export const ETHTOOL_GDRVINFO = 0x00000003;

/** Length of each string field in `struct ethtool_drvinfo` (driver, version: 32; ETHTOOL_FWVERS_LEN, ETHTOOL_BUSINFO_LEN, ETHTOOL_EROMVERS_LEN: 32). */
const STR_LEN = 32;

/**
 * Byte layout of `struct ethtool_drvinfo` (`linux/ethtool.h`):
 * `__u32 cmd; char driver[32]; char version[32]; char fw_version[32]; char bus_info[32];
 * char erom_version[32]; char reserved2[12]; __u32 n_priv_flags, n_stats, testinfo_len,
 * eedump_len, regdump_len;` — 196 bytes, no padding (all members 4-byte aligned).
 */
export const DRVINFO_LAYOUT = {
  cmd: 0,
  driver: 4,
  version: 36,
  fwVersion: 68,
  busInfo: 100,
  eromVersion: 132,
  reserved2: 164,
  nPrivFlags: 176,
  nStats: 180,
  testinfoLen: 184,
  eedumpLen: 188,
  regdumpLen: 192,
  size: 196,
} as const;

/** Everything ETHTOOL_GDRVINFO returns, including the counters the model does not keep. */
export interface DrvinfoReply extends DriverInfo {
  readonly nPrivFlags: number;
  readonly nStats: number;
  readonly testinfoLen: number;
  readonly eedumpLen: number;
  readonly regdumpLen: number;
}

/** A zeroed `struct ethtool_drvinfo` request buffer with `cmd = ETHTOOL_GDRVINFO` (host byte order). */
export function drvinfoRequest(): Buffer {
  const buf = Buffer.alloc(DRVINFO_LAYOUT.size);
  buf.writeUInt32LE(ETHTOOL_GDRVINFO, DRVINFO_LAYOUT.cmd);
  return buf;
}

/** A NUL-terminated C string from a fixed-size char array (no terminator: the whole array). */
function cString(buf: Buffer, offset: number, len: number): string {
  const field = buf.subarray(offset, offset + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? field.length : nul).toString('utf8');
}

/**
 * Parses a `struct ethtool_drvinfo` filled by the kernel. Drivers leave fields they do not
 * support zeroed, which come back as empty strings (e.g. `fw_version`, `erom_version` on
 * virtual NICs; `bus_info` is empty for devices without a bus). Throws `RangeError` when the
 * buffer is shorter than the struct or does not carry ETHTOOL_GDRVINFO (programmer error).
 */
export function parseDrvinfo(buf: Buffer): DrvinfoReply {
  if (buf.length < DRVINFO_LAYOUT.size) {
    throw new RangeError(`ethtool_drvinfo needs ${DRVINFO_LAYOUT.size} bytes, got ${buf.length}`);
  }
  const cmd = buf.readUInt32LE(DRVINFO_LAYOUT.cmd);
  if (cmd !== ETHTOOL_GDRVINFO) {
    throw new RangeError(
      `ethtool_drvinfo cmd is ${cmd}, expected ETHTOOL_GDRVINFO (${ETHTOOL_GDRVINFO})`,
    );
  }
  return {
    driver: cString(buf, DRVINFO_LAYOUT.driver, STR_LEN),
    version: cString(buf, DRVINFO_LAYOUT.version, STR_LEN),
    fwVersion: cString(buf, DRVINFO_LAYOUT.fwVersion, STR_LEN),
    busInfo: cString(buf, DRVINFO_LAYOUT.busInfo, STR_LEN),
    eromVersion: cString(buf, DRVINFO_LAYOUT.eromVersion, STR_LEN),
    nPrivFlags: buf.readUInt32LE(DRVINFO_LAYOUT.nPrivFlags),
    nStats: buf.readUInt32LE(DRVINFO_LAYOUT.nStats),
    testinfoLen: buf.readUInt32LE(DRVINFO_LAYOUT.testinfoLen),
    eedumpLen: buf.readUInt32LE(DRVINFO_LAYOUT.eedumpLen),
    regdumpLen: buf.readUInt32LE(DRVINFO_LAYOUT.regdumpLen),
  };
}

/** Only the model's {@link DriverInfo} fields of a reply. */
export function toDriverInfo(r: DrvinfoReply): DriverInfo {
  return {
    driver: r.driver,
    version: r.version,
    fwVersion: r.fwVersion,
    busInfo: r.busInfo,
    eromVersion: r.eromVersion,
  };
}
