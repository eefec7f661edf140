// SPDX-License-Identifier: MIT
/**
 * @module discovery/host
 *
 * Facts about the host for the v1 `metadata`: host name, os-release name and version,
 * /proc/version and the online CPUs. Pure parsers plus one reader that never throws (a missing
 * file yields an empty value, as the Go engine does).
 */
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import type { HostInfo } from '../model/discovery.js';
import { parseCpuRanges } from '../network/tenants/details.js';

/**
 * Parses a kernel CPU list (`cpulist` format, e.g. `0-3,8`) into inclusive ranges
 * (`[[0,3],[8,8]]`), as /sys/devices/system/cpu/online and `Cpus_allowed_list` write it. One
 * parser for host and tenant CPU lists: re-exported from `network/tenants/details`.
 */
export { parseCpuRanges } from '../network/tenants/details.js';

/**
 * Parses os-release(5) text into its variables: `KEY=value` lines, values optionally in single
 * or double quotes, backslash escapes inside double quotes, `#` comment lines.
 */
export function parseOsRelease(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m === null || m[1] === undefined || m[2] === undefined) continue;
    let v = m[2];
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
      v = v.slice(1, -1).replace(/\\(["\\`$])/g, '$1');
    } else if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) {
      v = v.slice(1, -1);
    }
    vars.set(m[1], v);
  }
  return vars;
}

/** Where {@link readHostInfo} reads from (overridable for tests). */
export interface HostInfoOptions {
  readonly procRoot?: string;
  readonly sysfsRoot?: string;
  /** Host name source; defaults to the UTS host name of this process. */
  readonly hostname?: () => string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
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
    readText(`${procRoot}/1/root/etc/os-release`) ??
    readText(`${procRoot}/1/root/usr/lib/os-release`) ??
    readText('/etc/os-release') ??
    readText('/usr/lib/os-release') ??
    '';
  const osrel = parseOsRelease(osrelText);
  const online = readText(`${sysfsRoot}/devices/system/cpu/online`);
  let hostname = '';
  try {
    hostname = (opts.hostname ?? osHostname)();
  } catch {
    hostname = '';
  }
  return {
    hostname,
    osrelName: osrel.get('NAME') ?? '',
    osrelVersion: osrel.get('VERSION') ?? '',
    kernelVersion: readText(`${procRoot}/version`) ?? '',
    cpus: online === undefined ? undefined : parseCpuRanges(online),
  };
}
