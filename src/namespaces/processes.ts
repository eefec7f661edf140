// SPDX-License-Identifier: MIT
/**
 * @module namespaces/processes
 *
 * The process table: every PID under procRoot with stat, cmdline and NSpid, linked into a tree
 * by PPID. Vanished processes are skipped silently; unparsable ones are recorded as problems.
 */
import {
  isVanished,
  listPids,
  listTasks,
  readCmdline,
  readStat,
  readStatus,
} from '../procfs/index.js';
import { toProblem } from '../model/problem.js';
import type { NamespaceScan } from './scan.js';

/**
 * Reads all processes into `ctx.processes` and links parents and children. With `tasks`, also
 * lists each process's TIDs. Throws `GW_ERR_PROCFS_READ` only when procRoot cannot be listed.
 */
export function readProcessTable(ctx: NamespaceScan, tasks: boolean): void {
  const root = ctx.procRoot;
  for (const pid of listPids(root)) {
    let stat;
    try {
      stat = readStat(pid, root);
    } catch (e: unknown) {
      if (!isVanished(e)) ctx.problem(toProblem(e, `pid ${pid}`, 'GW_ERR_PROCFS_PARSE'));
      continue;
    }
    let cmdline: string[] = [];
    try {
      cmdline = readCmdline(pid, root);
    } catch {
      cmdline = []; // zombie, kernel thread or gone: argv is optional
    }
    let nspid: readonly number[] = [];
    try {
      nspid = readStatus(pid, root).nspid;
    } catch {
      // vanished or unreadable status: no NSpid, the PID stays untranslated
      nspid = [];
    }
    let tids: readonly number[] = [];
    if (tasks) {
      try {
        tids = listTasks(pid, root);
      } catch {
        // vanished meanwhile: the process-level namespaces stand
        tids = [];
      }
    }
    ctx.processes.set(pid, {
      pid,
      ppid: stat.ppid,
      comm: stat.comm,
      cmdline,
      starttime: stat.starttime,
      nice: stat.nice,
      policy: stat.policy,
      rtPriority: stat.rtPriority,
      nspid,
      parent: undefined,
      children: [],
      namespaces: {},
      tids,
    });
  }
  for (const p of ctx.processes.values()) {
    const parent = ctx.processes.get(p.ppid);
    if (parent !== undefined && parent !== p) {
      p.parent = parent;
      parent.children.push(p);
    }
  }
}
