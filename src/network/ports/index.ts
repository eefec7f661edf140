// SPDX-License-Identifier: MIT
/**
 * @module network/ports
 *
 * Transport ports ("netstat on drugs"): TCP/UDP sockets per network namespace with owners,
 * nifs and service names. Entry point: {@link discoverPorts}. See docs/ports.md.
 */
export {
  discoverPorts,
  emptyPortStats,
  listenersAreAll,
  planTcp,
  type DiscoverPortsOptions,
  type PortDiscoveryStats,
  type PortStrategy,
} from './discover.js';
export {
  buildPorts,
  ipv4AliasOf,
  nifsForAddress,
  portFromSocket,
  portState,
  unmapIPv4,
  type PortContext,
} from './build.js';
export { tenantLeader } from './leader.js';
export { loadServices, parseServices, serviceName, type ServiceDb } from './services.js';
export { parseSockstat, readSocketCounts, socketCounts, type SocketCounts } from './sockstat.js';
