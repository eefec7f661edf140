// SPDX-License-Identifier: MIT
/**
 * @module analysis/reach
 *
 * Reachability ("why can't A reach B:port?") over a discovery result: endpoint resolution, the
 * kernel's route decision, the L2 walk, netfilter evaluation, listeners and the way back.
 */
export type * from './types.js';
export { REACH_REASONS } from './types.js';
export { why, splitTarget, type ReachQuery, type WhyResult } from './why.js';
export { resolveEndpoint, netnsName, netnsWithAddress, type Endpoint } from './endpoints.js';
export { routeLookup, routeText, ruleText, selectSource, RTN, FR_ACT } from './routing.js';
export { evaluateHook, chainText, type FilterPacket, type FilterOutcome } from './filter.js';
export { l2Reach, walkPacket, newWalk, type Packet, type WalkContext } from './walk.js';
export { inPrefix, sameIp, ipFamily, isLoopbackIp, isLinkLocalIp } from './ip.js';
