// SPDX-License-Identifier: MIT
/**
 * @module discovery/host
 *
 * Facts about the host for the v1 `metadata`: host name, os-release name and version,
 * /proc/version and the online CPUs. One reader that never throws (a missing file yields an
 * empty value, as the Go engine does); the parsers are procfs' (`parseOsRelease`,
 * `parseCpuRanges`).
 */
import { hostname as osHostname } from 'node:os';
import type { HostInfo } from '../model/discovery.js';
import { parseCpuRanges, parseOsRelease, readOptionalText } from '../procfs/index.js';

/** Where {@link readHostInfo} reads from (overridable for tests). */
export interface HostInfoOptions {
  readonly procRoot?: string;
  readonly sysfsRoot?: string;
  /** Host name source; defaults to the UTS host name of this process. */
  readonly hostname?: () => string;
}

/**
 * Reads the host facts. os-release is read through `<procRoot>/1/root` first (the host's file
 * even when Ghostwire runs in a container with the host PID namespace), then `/etc/os-release`
 * and `/usr/lib/os-release` of the own mount namespace. The host name is this process' UTS host
 * name (Ghostwire runs in the host UTS namespace; the Go engine asks PID 1's UTS namespace).
 */
export function readHostInfo(opts: HostInfoOptions = {}): HostInfo {
  const procRoot = opts.procRoot ?? '/proc';
  const sysfsRoot = opts.sysfsRoot ?? '/sys';
  const osrelText =
    readOptionalText(`${procRoot}/1/root/etc/os-release`) ??
    readOptionalText(`${procRoot}/1/root/usr/lib/os-release`) ??
    readOptionalText('/etc/os-release') ??
    readOptionalText('/usr/lib/os-release') ??
    '';
  const osrel = parseOsRelease(osrelText);
  const online = readOptionalText(`${sysfsRoot}/devices/system/cpu/online`);
  let hostname = '';
  try {
    hostname = (opts.hostname ?? osHostname)();
  } catch {
    // no UTS host name available: v1 `hostname` is empty, as the Go engine leaves it
    hostname = '';
  }
  return {
    hostname,
    osrelName: osrel.get('NAME') ?? '',
    osrelVersion: osrel.get('VERSION') ?? '',
    kernelVersion: readOptionalText(`${procRoot}/version`) ?? '',
    cpus: online === undefined ? undefined : parseCpuRanges(online),
  };
}
