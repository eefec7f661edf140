// SPDX-License-Identifier: MIT
/**
 * @module network
 *
 * Network discovery in every network namespace: interfaces ("nifs"), addresses, routes, policy
 * rules, and the relations between nifs across namespaces (veth peers, bridge/bond/vrf
 * masters and ports, lower devices, VXLAN/tunnel underlays, SR-IOV PF/VF), as an object graph
 * in the model (`src/model/network.ts`). Entry point: {@link discoverNetwork}. The pure parts
 * (message mapping, NSID inference, relation resolution, ethtool struct parsing, SR-IOV from
 * sysfs) are exported for tests and tools. See docs/network.md.
 */
export {
  discoverNetwork,
  targetLinkRequest,
  type DiscoverNetworkOptions,
  type NetworkDiscoveryStats,
  type NetworkPhaseResult,
} from './discover.js';
export {
  DRVINFO_LAYOUT,
  drvinfoRequest,
  ETHTOOL_GDRVINFO,
  parseDrvinfo,
  toDriverInfo,
  type DrvinfoReply,
} from './ethtool.js';
export {
  linkTarget,
  LOWER_KINDS,
  TUNNEL_KINDS,
  type LinkTarget,
  type RelationKind,
} from './link-target.js';
export {
  addressFromMessage,
  fillNetworkNamespace,
  INFINITY_LIFE_TIME,
  newNetworkNamespace,
  nifFromLink,
  routeFromMessage,
  ruleFromMessage,
  type NetnsDumps,
} from './map.js';
export { NsidResolver, type CrossLink, type NifFingerprint, type NsidPair } from './nsid.js';
export { resolveRelations } from './relations.js';
export { resolveSriov, sriovInfo, type SriovInfo } from './sriov.js';
export { netnsSubject, nifSubject } from './subject.js';
export {
  readNetnsFacts,
  filterChainsOf,
  filterRuleOf,
  type NetnsFactsOptions,
} from './netns-facts.js';
export {
  NetnsMonitor,
  type MonitorBatch,
  type MonitorPoll,
  type MonitorSync,
} from './monitor/index.js';
