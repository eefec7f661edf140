// SPDX-License-Identifier: MIT
/**
 * @module decorators/nerdctlnet
 *
 * Decorator `nerdctlnet`: for every containerd engine (`containerd.io`), reads nerdctl's CNI
 * network configurations from `/etc/cni/net.d/nerdctl-*.conflist` **in the engine's mount
 * namespace** — via `<procRoot>/<pid>/root`, the directory resolved inside that root and every
 * file read with the native `readFileInRoot` (openat2 RESOLVE_IN_ROOT: no symlink escapes, no
 * FIFOs or devices) — and puts each bridge network's name on its bridge in the engine's netns.
 * Mapping: `mapping.ts`. The implicit default nerdctl network has no file and stays undecorated.
 */
import { readdirSync } from 'node:fs';
import { ProjectError } from '../../errors.js';
import { ENGINE_TYPES } from '../../model/container.js';
import type { Problem } from '../../model/problem.js';
import { hostPathInRoot } from '../../namespaces/index.js';
import { readFileInRoot, type FileInRoot } from '../../native/index.js';
import { decorateEngines, engineSubject, type NifDecoration } from '../common.js';
import type { Decorator, DecoratorContext } from '../decorator.js';
import { CONFLIST_MAX_BYTES, NERDCTL_CONFLIST, nerdctlDecoration } from './mapping.js';

export {
  CNI_DEFAULT_BRIDGE,
  CONFLIST_MAX_BYTES,
  NERDCTL_CONFLIST,
  nerdctlDecoration,
} from './mapping.js';

/** CNI configuration directory nerdctl uses by default. */
export const CNI_CONF_DIR = '/etc/cni/net.d';

/** File access of the decorator (injectable for tests). */
export interface NerdctlFiles {
  /** Entry names of directory `path` (absolute, as seen inside `root`); [] when it does not exist. */
  listDir(root: string, path: string): string[];
  /** Reads `rel` (relative to `root`) safely; see `readFileInRoot`. */
  readFile(root: string, rel: string, maxBytes: number): FileInRoot;
}

/** Real file access: directory resolved inside the root, files read with openat2 RESOLVE_IN_ROOT. */
export const NATIVE_FILES: NerdctlFiles = {
  listDir(root, path) {
    try {
      return readdirSync(hostPathInRoot(root, path));
    } catch (e: unknown) {
      if (
        typeof e === 'object' &&
        e !== null &&
        'code' in e &&
        (e.code === 'ENOENT' || e.code === 'ENOTDIR')
      )
        return [];
      throw e;
    }
  },
  readFile: readFileInRoot,
};

/** Reads all nerdctl network decorations below one engine root. */
export function readNerdctlDecorations(
  files: NerdctlFiles,
  root: string,
  subject: string,
): { decorations: NifDecoration[]; problems: Problem[] } {
  const decorations: NifDecoration[] = [];
  const problems: Problem[] = [];
  const names = files
    .listDir(root, CNI_CONF_DIR)
    .filter((n) => NERDCTL_CONFLIST.test(n))
    .sort();
  for (const name of names) {
    const rel = `${CNI_CONF_DIR.slice(1)}/${name}`;
    const where = `${subject} ${CNI_CONF_DIR}/${name}`;
    try {
      const { data, truncated } = files.readFile(root, rel, CONFLIST_MAX_BYTES);
      if (truncated) {
        problems.push({
          code: 'GW_ERR_DECORATOR_CONFIG',
          message: `nerdctlnet: ${CNI_CONF_DIR}/${name} is larger than ${CONFLIST_MAX_BYTES} bytes`,
          subject: where,
        });
        continue;
      }
      const d = nerdctlDecoration(JSON.parse(data.toString('utf8')) as unknown);
      if (d !== undefined) decorations.push(d);
    } catch (e: unknown) {
      const cause = e instanceof ProjectError ? e.code : undefined;
      const message = `nerdctlnet: ${CNI_CONF_DIR}/${name}: ${e instanceof Error ? e.message : String(e)}`;
      problems.push(
        cause === undefined
          ? { code: 'GW_ERR_DECORATOR_CONFIG', message, subject: where }
          : { code: 'GW_ERR_DECORATOR_CONFIG', message, subject: where, cause },
      );
    }
  }
  return { decorations, problems };
}

/** Builds a `nerdctlnet` decorator over the given file access. */
export function createNerdctlnet(files: NerdctlFiles = NATIVE_FILES): Decorator {
  return {
    name: 'nerdctlnet',
    description:
      'nerdctl (CNI) network names on their bridges, from the containerd engine’s /etc/cni/net.d',
    decorate: (ctx: DecoratorContext) =>
      decorateEngines(ctx, 'nerdctlnet', ENGINE_TYPES.containerd, (engine) =>
        Promise.resolve(
          readNerdctlDecorations(
            files,
            `${ctx.procRoot}/${engine.pid}/root`,
            engineSubject(engine),
          ),
        ),
      ),
  };
}

/** The `nerdctlnet` decorator (real files). */
export const nerdctlnet: Decorator = createNerdctlnet();
