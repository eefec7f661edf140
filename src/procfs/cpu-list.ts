// SPDX-License-Identifier: MIT
/**
 * @module procfs/cpu-list
 *
 * The kernel's CPU list format (cpuset(7) "list format": `0-3,8,10-11`, also with the
 * `:used/group` stride suffix `0-8:2/4` that bitmap_parselist accepts), as
 * `/sys/devices/system/cpu/online` and `Cpus_allowed_list` of /proc/PID/status write it. The
 * one parser for host and process CPU lists.
 */
import { parseError } from './errors.js';

/** Inclusive CPU ranges `[from, to]`, sorted and merged. */
export type CpuRanges = Array<[number, number]>;

/** The ranges of `text`, or why it is malformed. */
function rangesOrReason(text: string): CpuRanges | string {
  const t = text.trim();
  if (t === '') return [];
  const cpus: CpuRanges = [];
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+)\/(\d+))?)?$/.exec(part);
    if (m === null) return `bad CPU list item "${part}"`;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return `bad CPU range "${part}"`;
    if (m[3] !== undefined && m[4] !== undefined) {
      // used/group stride: in every group of `grp` CPUs starting at a, the first `used`
      const used = Number(m[3]);
      const grp = Number(m[4]);
      if (used < 1 || grp < 1 || used > grp) return `bad CPU range stride "${part}"`;
      for (let s = a; s <= b; s += grp) cpus.push([s, Math.min(s + used - 1, b)]);
    } else {
      cpus.push([a, b]);
    }
  }
  cpus.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: CpuRanges = [];
  for (const r of cpus) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/**
 * Parses a CPU list into sorted, merged inclusive ranges (`0-3,8` → `[[0,3],[8,8]]`).
 * Returns undefined for malformed text; `''` yields `[]`.
 */
export function parseCpuRanges(text: string): CpuRanges | undefined {
  const r = rangesOrReason(text);
  return typeof r === 'string' ? undefined : r;
}

/**
 * Expands a CPU list into CPU numbers (`0-3,8` → `[0,1,2,3,8]`).
 * @throws ProcfsError GW_ERR_PROCFS_PARSE (for `path`) on malformed text.
 */
export function parseCpuList(text: string, path = 'cpulist'): number[] {
  const r = rangesOrReason(text);
  if (typeof r === 'string') throw parseError(path, r);
  const out: number[] = [];
  for (const [a, b] of r) for (let c = a; c <= b; c++) out.push(c);
  return out;
}
