// SPDX-License-Identifier: MIT
/**
 * @module procfs/status
 *
 * `/proc/PID/status` ("Key:\tvalue" lines, proc(5)). Ghostwire uses `NSpid` (kernel ≥ 4.1; PIDs
 * from the reader's PID namespace down to the process's own), `CapBnd` and `Cpus_allowed_list`.
 */
import { readFileSync } from 'node:fs';
import { parseCpuList } from './cpu-list.js';
import { parseError, readError } from './errors.js';

/** Selected fields of `/proc/PID/status`. Missing lines give `undefined`. */
export interface ProcStatus {
  readonly name: string | undefined;
  readonly tgid: number | undefined;
  /** PIDs from the reading process's PID namespace to the innermost; `[]` if absent. */
  readonly nspid: readonly number[];
  /** Bounding capability set as a bigint (hex in the file). */
  readonly capBnd: bigint | undefined;
  /** Raw `Cpus_allowed_list` text, e.g. `0-3,8`. */
  readonly cpusAllowedList: string | undefined;
  /** `Cpus_allowed_list` expanded to CPU numbers. */
  readonly cpusAllowed: readonly number[];
}

/** Parses status text. Throws `GW_ERR_PROCFS_PARSE` for malformed values of the used keys. */
export function parseStatus(text: string, path = 'status'): ProcStatus {
  let name: string | undefined;
  let tgid: number | undefined;
  let nspid: number[] = [];
  let capBnd: bigint | undefined;
  let cpusAllowedList: string | undefined;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    switch (key) {
      case 'Name':
        name = value;
        break;
      case 'Tgid':
        tgid = Number(value);
        if (!Number.isSafeInteger(tgid)) throw parseError(path, 'bad Tgid');
        break;
      case 'NSpid':
        nspid = value === '' ? [] : value.split(/\s+/).map(Number);
        if (nspid.some((n) => !Number.isSafeInteger(n) || n <= 0))
          throw parseError(path, 'bad NSpid');
        break;
      case 'CapBnd':
        if (!/^[0-9a-fA-F]+$/.test(value)) throw parseError(path, 'bad CapBnd');
        capBnd = BigInt(`0x${value}`);
        break;
      case 'Cpus_allowed_list':
        cpusAllowedList = value;
        break;
      default:
        break;
    }
  }
  const cpusAllowed = cpusAllowedList === undefined ? [] : parseCpuList(cpusAllowedList, path);
  return { name, tgid, nspid, capBnd, cpusAllowedList, cpusAllowed };
}

/** Reads and parses `<procRoot>/<pid>/status`. */
export function readStatus(pid: number, procRoot = '/proc'): ProcStatus {
  const path = `${procRoot}/${pid}/status`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: unknown) {
    throw readError(path, e);
  }
  return parseStatus(text, path);
}
