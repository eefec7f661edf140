// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd
 *
 * Forwarded-port discovery (docs/forwarding.md): NAT rules of nf_tables and iptables-legacy
 * in every netns, the recognisers naming each forward's back-end, the docker-proxy fallback,
 * and the resolution of each target to the netns, nifs and processes serving it.
 */
export {
  addDockerProxyForwards,
  discoverForwards,
  emptyForwardStats,
  forwardsOfTables,
  type DiscoverForwardsOptions,
  type ForwardDiscoveryStats,
} from './discover.js';
export { isDockerProxy, parseDockerProxy, type DockerProxyForward } from './docker-proxy.js';
export {
  interpretRule,
  mergeConstraint,
  setIntervals,
  type Constraint,
  type RuleAction,
  type RuleEffect,
  type SetWithElements,
} from './interpret.js';
export { readLegacyNatTables, readLegacyTable, type LegacyReader } from './legacy.js';
export { dumpNatTables, isNatRelevant, type NftDumpResult, type NftDumpSlot } from './nft-dump.js';
export { classifyBackend, isDocker, isKubeProxy } from './recognise.js';
export { bestRoute, inPrefix, resolveForwards, servingPorts, whereIs } from './resolve.js';
export {
  familyName,
  walkNatTable,
  type NatTable,
  type RawForward,
  type WalkProblem,
} from './walk.js';
