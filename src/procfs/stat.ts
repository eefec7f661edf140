// SPDX-License-Identifier: MIT
/**
 * @module procfs/stat
 *
 * `/proc/PID/stat` and `/proc/PID/task/TID/stat` (proc(5)). The `comm` field sits between the
 * FIRST '(' and the LAST ')': a process may name itself `a) (b` and still parse correctly.
 */
import { readFileSync } from 'node:fs';
import { parseError, readError } from './errors.js';

/** The fields of `/proc/PID/stat` Ghostwire uses (proc(5) 1-based field numbers in brackets). */
export interface ProcStat {
  /** [1] */
  readonly pid: number;
  /** [2] without the parentheses; may contain spaces and parentheses. */
  readonly comm: string;
  /** [3] one-letter state (R, S, D, Z, T, …). */
  readonly state: string;
  /** [4] */
  readonly ppid: number;
  /** [19] */
  readonly nice: number;
  /** [22] start time in clock ticks after boot. */
  readonly starttime: number;
  /** [40] */
  readonly rtPriority: number;
  /** [41] scheduling policy (SCHED_* number). */
  readonly policy: number;
}

/**
 * Parses the text of a stat file. Throws `GW_ERR_PROCFS_PARSE` (with `path` for context) when
 * the line is truncated or malformed.
 */
export function parseStat(text: string, path = 'stat'): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) throw parseError(path, 'no "(comm)" field');
  const pid = Number(text.slice(0, open).trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) throw parseError(path, 'bad pid field');
  const comm = text.slice(open + 1, close);
  // Fields after comm start at field 3; rest[0] is field 3.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  if (rest.length < 39) throw parseError(path, `only ${rest.length + 2} fields`);
  const num = (field: number): number => {
    const v = Number(rest[field - 3]);
    if (!Number.isFinite(v)) throw parseError(path, `field ${field} is not a number`);
    return v;
  };
  return {
    pid,
    comm,
    state: rest[0] ?? '',
    ppid: num(4),
    nice: num(19),
    starttime: num(22),
    rtPriority: num(40),
    policy: num(41),
  };
}

/** Reads and parses `<procRoot>/<pid>/stat` (or `<pid>/task/<tid>/stat` with `tid`). */
export function readStat(pid: number, procRoot = '/proc', tid?: number): ProcStat {
  const path =
    tid === undefined ? `${procRoot}/${pid}/stat` : `${procRoot}/${pid}/task/${tid}/stat`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: unknown) {
    throw readError(path, e);
  }
  return parseStat(text, path);
}
