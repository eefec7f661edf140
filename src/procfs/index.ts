// SPDX-License-Identifier: MIT
/**
 * @module procfs
 *
 * Pure parsers and thin synchronous readers for the procfs files Ghostwire needs. Every reader
 * takes `procRoot` (default `/proc`) so unit tests run against fake trees under
 * `test/fixtures/proc/`. Readers throw {@link ProcfsError}s (`GW_ERR_PROCFS_READ` with the
 * system error as `cause`, or `GW_ERR_PROCFS_PARSE`); callers decide what is a problem.
 */
export { isVanished } from './errors.js';
export { parseStat, readStat, type ProcStat } from './stat.js';
export { parseCmdline, readCmdline } from './cmdline.js';
export { parseStatus, readStatus, type ProcStatus } from './status.js';
export { parseCpuList, parseCpuRanges, type CpuRanges } from './cpu-list.js';
export { parseOsRelease } from './os-release.js';
export { readOptionalText } from './text.js';
export { isFrozen, TenantDetailsReader, type TenantDetailsOptions } from './tenant-details.js';
export {
  parseNsLink,
  parseFdTarget,
  readNsLink,
  readFdLinks,
  listPids,
  listTasks,
  NS_FOR_CHILDREN,
  type NsLink,
  type FdTarget,
  type FdLink,
} from './links.js';
export {
  parseMountinfo,
  parseMountinfoLine,
  readMountinfo,
  unescapeOctal,
  type MountInfo,
} from './mountinfo.js';
export {
  SOCKET_TABLES,
  CHEAP_SOCKET_TABLES,
  parseSocketInodes,
  readNetnsSocketInodes,
} from './net-sockets.js';
