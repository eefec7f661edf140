// SPDX-License-Identifier: MIT
/**
 * @module procfs/links
 *
 * Magic-link targets: `/proc/PID/ns/<type>` reads as `net:[4026531992]`; `/proc/PID/fd/N` reads
 * as `socket:[123]`, `pipe:[456]`, `net:[…]` (an nsfs fd), `anon_inode:[pidfd]`, or a path.
 * The kernel formats nsfs names in `ns_dname()` (fs/nsfs.c) as `<ns_common name>:[<inum>]`.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { NS_TYPES, type NsType } from '../model/namespace.js';
import { readError } from './errors.js';

/** Type and inode from an nsfs link text. */
export interface NsLink {
  readonly type: NsType;
  readonly ino: number;
}

const NS_TYPE_SET: ReadonlySet<string> = new Set(NS_TYPES);

/** Names under `/proc/PID/ns/` besides the 8 types (they report the type's own name). */
export const NS_FOR_CHILDREN = ['pid_for_children', 'time_for_children'] as const;

/** Parses `net:[4026531992]` → `{type:'net', ino}`; `undefined` if not an nsfs link text. */
export function parseNsLink(text: string): NsLink | undefined {
  const m = /^([a-z]+):\[(\d+)\]$/.exec(text);
  if (m === null || m[1] === undefined || !NS_TYPE_SET.has(m[1])) return undefined;
  const ino = Number(m[2]);
  if (!Number.isSafeInteger(ino)) return undefined;
  return { type: m[1] as NsType, ino };
}

/** What an fd link points to. */
export type FdTarget =
  | { readonly kind: 'ns'; readonly type: NsType; readonly ino: number }
  | { readonly kind: 'socket'; readonly ino: number }
  | { readonly kind: 'pipe'; readonly ino: number }
  | { readonly kind: 'anon'; readonly name: string }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'other'; readonly text: string };

/** Classifies an fd link target text. */
export function parseFdTarget(text: string): FdTarget {
  if (text.startsWith('/')) return { kind: 'path', path: text };
  if (text.startsWith('socket:[')) {
    const ino = Number(text.slice(8, -1));
    if (text.endsWith(']') && Number.isSafeInteger(ino)) return { kind: 'socket', ino };
  } else if (text.startsWith('pipe:[')) {
    const ino = Number(text.slice(6, -1));
    if (text.endsWith(']') && Number.isSafeInteger(ino)) return { kind: 'pipe', ino };
  } else if (text.startsWith('anon_inode:')) {
    return { kind: 'anon', name: text.slice(11) };
  } else {
    const ns = parseNsLink(text);
    if (ns !== undefined) return { kind: 'ns', type: ns.type, ino: ns.ino };
  }
  return { kind: 'other', text };
}

/**
 * Reads `/proc/PID/ns/<name>` (or `/proc/PID/task/TID/ns/<name>` with `tid`). `name` is a type
 * or one of {@link NS_FOR_CHILDREN}. Throws `GW_ERR_PROCFS_READ` (cause EACCES, ENOENT, …) or
 * `GW_ERR_PROCFS_PARSE`.
 */
export function readNsLink(pid: number, name: string, procRoot = '/proc', tid?: number): NsLink {
  const path =
    tid === undefined
      ? `${procRoot}/${pid}/ns/${name}`
      : `${procRoot}/${pid}/task/${tid}/ns/${name}`;
  let text: string;
  try {
    text = readlinkSync(path);
  } catch (e: unknown) {
    throw readError(path, e);
  }
  const link = parseNsLink(text);
  if (link === undefined) throw readError(path, new Error(`unexpected link text "${text}"`));
  return link;
}

/** One open fd of a process. */
export interface FdLink {
  readonly fd: number;
  readonly target: FdTarget;
}

/**
 * Reads all `/proc/PID/fd/*` links. Throws `GW_ERR_PROCFS_READ` when the directory cannot be
 * listed; fds closed between listing and readlink are skipped silently.
 */
export function readFdLinks(pid: number, procRoot = '/proc'): FdLink[] {
  const dir = `${procRoot}/${pid}/fd`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e: unknown) {
    throw readError(dir, e);
  }
  const out: FdLink[] = [];
  for (const n of names) {
    let text: string;
    try {
      text = readlinkSync(`${dir}/${n}`);
    } catch {
      continue; // closed meanwhile (ENOENT); nothing to report
    }
    out.push({ fd: Number(n), target: parseFdTarget(text) });
  }
  return out;
}

/** Numeric entries of a directory (PIDs in `/proc`, TIDs in `/proc/PID/task`), ascending. */
function numericEntries(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e: unknown) {
    throw readError(dir, e);
  }
  const out: number[] = [];
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c >= 48 && c <= 57) {
      const v = Number(n);
      if (Number.isSafeInteger(v)) out.push(v);
    }
  }
  return out.sort((a, b) => a - b);
}

/** All PIDs listed in `procRoot` (ascending). Throws `GW_ERR_PROCFS_READ` if it cannot be listed. */
export function listPids(procRoot = '/proc'): number[] {
  return numericEntries(procRoot);
}

/** TIDs of process `pid` (ascending). Throws `GW_ERR_PROCFS_READ` (e.g. process gone). */
export function listTasks(pid: number, procRoot = '/proc'): number[] {
  return numericEntries(`${procRoot}/${pid}/task`);
}
