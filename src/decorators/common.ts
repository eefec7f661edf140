// SPDX-License-Identifier: MIT
/**
 * @module decorators/common
 *
 * Helpers shared by the network decorators: the network namespace an engine process lives in,
 * nif lookup by name, the label keys of the v1 wire format (§2.7.1), and applying one
 * "network on a nif" decoration to the model.
 */
import { statSync } from 'node:fs';
import type { Engine } from '../model/container.js';
import type { Nif, NetworkNamespace } from '../model/network.js';
import { toProblem, type Problem } from '../model/problem.js';
import type { DecoratorContext } from './decorator.js';

/** Nif label: name of the engine network the nif implements (dockernet, podmannet). */
export const NETWORK_NAME_LABEL = 'gostwire/network/name';
/** Nif label: `"true"` on the bridge of an internal network (no outside connectivity). */
export const BRIDGE_INTERNAL_LABEL = 'gostwire/bridge/internal';
/** Nif label: `"true"` on the bridge of Docker's default network (`docker0`; no embedded DNS). */
export const DEFAULT_BRIDGE_LABEL = 'gostwire/network/default-bridge';
/**
 * Nif label set by the nerdctl decorator to the *network name* — the Go original's quirk of
 * reusing Docker's bridge-name option key (§2.7.1), kept for wire compatibility.
 */
export const NERDCTL_NETWORK_NAME_LABEL = 'com.docker.network.bridge.name';

/** What to put on one nif: the network's name as alias, plus labels. Pure data. */
export interface NifDecoration {
  /** Kernel name of the nif in the engine's netns (bridge, macvlan parent). */
  readonly nifName: string;
  /** Engine network name (becomes the alias). */
  readonly network: string;
  /** Labels to add (user labels first, ghostwire labels win on a clash). */
  readonly labels: Readonly<Record<string, string>>;
}

/** API socket path of an engine (`unix:///proc/42/root/run/docker.sock` → `/proc/42/root/run/docker.sock`). */
export function socketPathOf(engine: Engine): string | undefined {
  return engine.apiPath.startsWith('unix://') ? engine.apiPath.slice('unix://'.length) : undefined;
}

/**
 * Network namespace of an engine's process: from the namespace model (the process's `net`
 * namespace), else from `<procRoot>/<pid>/ns/net`'s inode (processes started after the
 * namespace scan). Undefined when the netns is not in the network model.
 */
export function engineNetns(
  ctx: Pick<DecoratorContext, 'namespaces' | 'network' | 'procRoot'>,
  engine: Engine,
): NetworkNamespace | undefined {
  const ns = ctx.namespaces.processes.get(engine.pid)?.namespaces.net;
  if (ns !== undefined) return ctx.network.netns.get(ns.id.ino);
  try {
    return ctx.network.netns.get(statSync(`${ctx.procRoot}/${engine.pid}/ns/net`).ino);
  } catch {
    // engine process gone: no netns to decorate
    return undefined;
  }
}

/** The nif named `name` in `netns`, if any. */
export function nifByName(netns: NetworkNamespace, name: string): Nif | undefined {
  for (const nif of netns.nifs.values()) if (nif.name === name) return nif;
  return undefined;
}

/**
 * Applies `d` to the nif it names in `netns`: alias := network name, labels merged in. Returns
 * the nif, or undefined when no such nif exists (e.g. a network without containers whose
 * bridge the engine has not created yet).
 */
export function applyDecoration(netns: NetworkNamespace, d: NifDecoration): Nif | undefined {
  const nif = nifByName(netns, d.nifName);
  if (nif === undefined) return undefined;
  nif.alias = d.network;
  Object.assign(nif.labels, d.labels);
  return nif;
}

/** Copies string-valued entries of a label object from engine JSON (null/absent → none). */
export function stringLabels(labels: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return out;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>))
    if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Reads decorations of every engine of `type` in parallel (`read`), then — unless the context
 * was aborted meanwhile — applies them in each engine's netns. A failing engine becomes one
 * problem with `subject` naming it; the other engines are still decorated.
 */
export async function decorateEngines(
  ctx: DecoratorContext,
  decorator: string,
  type: Engine['type'],
  read: (engine: Engine) => Promise<{ decorations: NifDecoration[]; problems: Problem[] }>,
): Promise<Problem[]> {
  const engines = ctx.containers.engines.filter((e) => e.type === type);
  const results = await Promise.all(
    engines.map(async (engine) => {
      try {
        return { engine, ...(await read(engine)) };
      } catch (e: unknown) {
        return { engine, decorations: [], problems: [engineProblem(decorator, engine, e)] };
      }
    }),
  );
  const problems: Problem[] = [];
  if (ctx.signal.aborted) return problems; // runDecorators already reported the timeout
  for (const r of results) {
    problems.push(...r.problems);
    if (r.decorations.length === 0) continue;
    const netns = engineNetns(ctx, r.engine);
    if (netns === undefined) {
      problems.push({
        code: 'GW_ERR_DECORATOR_FAILED',
        message: `${decorator}: network namespace of ${r.engine.type} engine (pid ${r.engine.pid}) is not in the network model`,
        subject: engineSubject(r.engine),
      });
      continue;
    }
    for (const d of r.decorations) applyDecoration(netns, d);
  }
  return problems;
}

/** Problem subject for an engine: `engine:<type>:pid <pid>`. */
export function engineSubject(engine: Engine): string {
  return `engine:${engine.type}:pid ${engine.pid}`;
}

/** A problem for one engine a decorator could not handle (keeps ENGINE_* codes of the cause). */
export function engineProblem(decorator: string, engine: Engine, e: unknown): Problem {
  const p = toProblem(e, engineSubject(engine), 'GW_ERR_DECORATOR_FAILED');
  return { ...p, message: `${decorator}: ${p.message}` };
}
