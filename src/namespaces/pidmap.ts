// SPDX-License-Identifier: MIT
/**
 * @module namespaces/pidmap
 *
 * PID translation between PID namespaces from `NSpid` (proc(5): the PIDs of a process from the
 * reader's PID namespace down to the process's own). Each NSpid entry is paired with a PID
 * namespace by walking the process's PID namespace up the discovered hierarchy (innermost ↔
 * last entry). Without hierarchy, only the innermost and the reader's own (first entry) are
 * known, which still covers "container PID ↔ host PID".
 */
import type { Namespace, NamespaceModel } from '../model/namespace.js';

/** Translates PIDs between PID namespaces. */
export interface PidTranslator {
  /**
   * The PID that process `pid` (as seen in `from`) has in `to`, or `undefined` when the
   * process is unknown or not visible in `to`.
   */
  translate(pid: number, from: Namespace, to: Namespace): number | undefined;
}

/** Builds the translation index over all processes of `model`. */
export function createPidTranslator(model: NamespaceModel): PidTranslator {
  // index: pidns → (pid in that ns → [levels, nspid])
  const index = new Map<
    Namespace,
    Map<number, { levels: (Namespace | undefined)[]; nspid: readonly number[] }>
  >();
  const readerPidns = model.own.pid;
  for (const proc of model.processes.values()) {
    const nspid = proc.nspid.length > 0 ? proc.nspid : [proc.pid];
    const levels: (Namespace | undefined)[] = new Array<Namespace | undefined>(nspid.length).fill(
      undefined,
    );
    let ns = proc.namespaces.pid;
    for (let i = nspid.length - 1; i >= 0 && ns !== undefined; i--) {
      levels[i] = ns;
      ns = ns.parent;
    }
    if (levels[0] === undefined) levels[0] = readerPidns;
    const entry = { levels, nspid };
    for (let i = 0; i < levels.length; i++) {
      const lv = levels[i];
      const p = nspid[i];
      if (lv === undefined || p === undefined) continue;
      let m = index.get(lv);
      if (m === undefined) index.set(lv, (m = new Map()));
      m.set(p, entry);
    }
  }
  return {
    translate(pid, from, to) {
      const entry = index.get(from)?.get(pid);
      if (entry === undefined) return undefined;
      const i = entry.levels.indexOf(to);
      return i < 0 ? undefined : entry.nspid[i];
    },
  };
}
