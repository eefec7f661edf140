// SPDX-License-Identifier: MIT
/**
 * @module namespaces
 *
 * lxkns-style discovery of processes and namespaces of all 8 types: `/proc/PID/ns/*`, open fds
 * (incl. the netns of sockets), bind mounts in every mount namespace, user/PID hierarchy and
 * ownership; plus opening namespaces by reference, PID translation and display helpers.
 * See docs/namespaces.md.
 */
export {
  discoverNamespaces,
  type DiscoverNamespacesOptions,
  type DiscoveryStats,
  type NamespacePhaseResult,
} from './discover.js';
export { openNamespace } from './open.js';
export { existingPathInRoot, hostPathInRoot } from './root-path.js';
export { createPidTranslator, type PidTranslator } from './pidmap.js';
export { processLabel, refLabel, howFound } from './display.js';
export type { NsSyscalls } from './syscalls.js';
