// SPDX-License-Identifier: MIT
/**
 * @module engines/detect
 *
 * Finds container engine processes in the process table and their API sockets (turtlefinder's
 * idea, described in the project's engines reference §3.3–3.4):
 *
 * - candidates by `comm` (`dockerd`, `containerd`, `podman`, `crio`), then confirmed by the
 *   basename of `/proc/PID/exe` (a `comm` alone proves nothing: any program can call itself
 *   `dockerd`); the API call that finally confirms an engine is made by the prober;
 * - the API sockets are the engine's **listening** unix stream sockets: rows of
 *   `/proc/PID/net/unix` (flags `__SO_ACCEPTCON` = 0x10000, type `SOCK_STREAM` = 1, a path that
 *   is not abstract) whose inode is one of the process's `/proc/PID/fd/N → socket:[ino]`;
 * - each socket path is reached through `/proc/PID/root/<path>` with symlinks resolved inside
 *   that root (never on the host: `/var/run → /run` must mean the engine's `/run`), so engines
 *   in other mount namespaces work without switching namespaces.
 *
 * Pure parsers plus small synchronous readers; every reader takes `procRoot`.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { existingPathInRoot } from '../namespaces/index.js';
import { errorMessage, sysErrorCode } from '../errors.js';
import type { Problem } from '../model/problem.js';
import { isVanished, readFdLinks } from '../procfs/index.js';

/** Engine kinds recognised by process name (`comm`, at most 15 characters). */
export const ENGINE_COMMS = ['dockerd', 'containerd', 'podman', 'crio'] as const;
export type EngineComm = (typeof ENGINE_COMMS)[number];
const COMM_SET: ReadonlySet<string> = new Set(ENGINE_COMMS);

/** `__SO_ACCEPTCON` in `/proc/net/unix` Flags (include/linux/net.h): a listening socket. */
export const SO_ACCEPTCON = 0x10000;
/** `SOCK_STREAM` (include/linux/net.h). */
export const SOCK_STREAM = 1;
/** Longest usable `sun_path` (108 bytes incl. the terminating NUL; include/uapi/linux/un.h). */
export const UNIX_PATH_MAX = 107;

/** The fields of a process the engines layer needs (a subset of `model/namespace` Process). */
export interface EngineProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly starttime: number;
  readonly nspid: readonly number[];
}

/**
 * Parses `/proc/PID/net/unix` (net/unix/af_unix.c `unix_seq_show`: Num RefCount Protocol Flags
 * Type St Inode [Path]) into listening stream sockets: inode → path. Abstract (`@…`) and unnamed
 * sockets are skipped. Paths containing spaces are kept whole.
 */
export function parseUnixListeners(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || line.length === 0) continue;
    const m = /^\s*\S+\s+\S+\s+\S+\s+([0-9A-Fa-f]+)\s+([0-9A-Fa-f]+)\s+\S+\s+(\d+)(?: (.*))?$/.exec(
      line,
    );
    if (m === null) continue;
    const flags = parseInt(m[1] ?? '', 16);
    const type = parseInt(m[2] ?? '', 16);
    const ino = Number(m[3]);
    const path = m[4]?.trim();
    if ((flags & SO_ACCEPTCON) === 0 || type !== SOCK_STREAM) continue;
    if (path === undefined || path === '' || path.startsWith('@') || !path.startsWith('/'))
      continue;
    out.set(ino, path);
  }
  return out;
}

/** What inspecting an engine-looking process gave: a value, or the error that stopped it. */
type Inspected<T> = { readonly value: T } | { readonly error: unknown };

function exeOf(pid: number, procRoot: string): Inspected<string> {
  try {
    let target = readlinkSync(`${procRoot}/${pid}/exe`);
    if (target.endsWith(' (deleted)')) target = target.slice(0, -10);
    return { value: target.slice(target.lastIndexOf('/') + 1) };
  } catch (e: unknown) {
    return { error: e };
  }
}

/** Basename of `/proc/PID/exe` without a ` (deleted)` suffix; `undefined` when unreadable. */
export function exeBasename(pid: number, procRoot = '/proc'): string | undefined {
  const r = exeOf(pid, procRoot);
  return 'value' in r ? r.value : undefined;
}

function socketPathsOf(pid: number, procRoot: string): Inspected<string[]> {
  let table: string;
  let fds;
  try {
    table = readFileSync(`${procRoot}/${pid}/net/unix`, 'latin1');
  } catch (e: unknown) {
    return { error: e };
  }
  const listeners = parseUnixListeners(table);
  if (listeners.size === 0) return { value: [] };
  try {
    fds = readFdLinks(pid, procRoot);
  } catch (e: unknown) {
    return { error: e };
  }
  const root = `${procRoot}/${pid}/root`;
  const out = new Set<string>();
  for (const fd of fds) {
    if (fd.target.kind !== 'socket') continue;
    const path = listeners.get(fd.target.ino);
    if (path === undefined) continue;
    const resolved = existingPathInRoot(root, path);
    if (resolved === undefined) continue;
    const full = `${root}${resolved}`;
    if (Buffer.byteLength(full) > UNIX_PATH_MAX) continue;
    out.add(full);
  }
  return { value: [...out].sort() };
}

/**
 * Host-usable paths of the listening unix sockets of process `pid`: `/proc/PID/root/<path>`
 * with the path resolved inside that root, sorted. Sockets whose path no longer resolves, and
 * paths longer than `sun_path` allows, are left out; `[]` when the process cannot be inspected.
 */
export function listeningSocketPaths(pid: number, procRoot = '/proc'): string[] {
  const r = socketPathsOf(pid, procRoot);
  return 'value' in r ? r.value : [];
}

/** A process that looks like an engine: right `comm`, right executable, listening sockets. */
export interface EngineCandidate {
  readonly pid: number;
  readonly starttime: number;
  readonly comm: EngineComm;
  /** Listening unix sockets as host-usable paths, most likely API socket first. */
  readonly sockets: readonly string[];
}

/** Well-known API socket basenames per engine; these are probed first. */
const PREFERRED: Readonly<Record<EngineComm, readonly string[]>> = {
  dockerd: ['docker.sock'],
  containerd: ['containerd.sock'],
  podman: ['podman.sock'],
  crio: ['crio.sock'],
};

/** Orders candidate sockets: preferred basenames first, `.ttrpc` (not gRPC) dropped. */
export function orderSockets(comm: EngineComm, paths: readonly string[]): string[] {
  const pref = PREFERRED[comm];
  const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  return paths
    .filter((p) => !p.endsWith('.ttrpc'))
    .map((p, i) => ({ p, rank: pref.includes(base(p)) ? 0 : 1, i }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.p);
}

/**
 * Engine candidates among `processes`: `comm` in {@link ENGINE_COMMS}, `/proc/PID/exe` with the
 * same basename, and at least one listening unix socket. `skip(pid, starttime)` excludes
 * processes already known. A fake `dockerd` (e.g. a renamed `sleep`) has no listening socket
 * and is dropped here; one that listens is dropped when no socket answers the API.
 */
export function findCandidates(
  processes: Iterable<EngineProcess>,
  procRoot = '/proc',
  skip: (pid: number, starttime: number) => boolean = () => false,
  problems?: Problem[],
): EngineCandidate[] {
  const out: EngineCandidate[] = [];
  // An engine-named process we may not inspect (not root: its exe, fds or sockets are
  // EACCES) is an engine this user cannot see: say so instead of leaving a silent hole.
  const inaccessible = (p: EngineProcess, e: unknown): void => {
    if (problems === undefined || isVanished(e)) return;
    const cause = sysErrorCode(e);
    problems.push({
      code: 'GW_ERR_ENGINE_INACCESSIBLE',
      message: `${p.comm} (pid ${p.pid}) looks like a container engine but cannot be inspected: ${errorMessage(e)}`,
      subject: `pid ${p.pid}`,
      ...(cause === undefined ? {} : { cause }),
    });
  };
  for (const p of processes) {
    if (!COMM_SET.has(p.comm) || skip(p.pid, p.starttime)) continue;
    const comm = p.comm as EngineComm;
    const exe = exeOf(p.pid, procRoot);
    if ('error' in exe) {
      inaccessible(p, exe.error);
      continue;
    }
    if (exe.value !== comm) continue;
    const paths = socketPathsOf(p.pid, procRoot);
    if ('error' in paths) {
      inaccessible(p, paths.error);
      continue;
    }
    const sockets = orderSockets(comm, paths.value);
    if (sockets.length === 0) continue;
    out.push({ pid: p.pid, starttime: p.starttime, comm, sockets });
  }
  return out.sort((a, b) => a.pid - b.pid);
}
