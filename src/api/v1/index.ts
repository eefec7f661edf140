// SPDX-License-Identifier: MIT
/**
 * @module api/v1
 *
 * Ghostwire's v1 wire format: DTO types, the model → wire mapper and the document reference
 * checker. See docs/api-v1.md for the mapping decisions. Never change v1 in place; a breaking
 * change is api/v2.
 */
export type * from './types.js';
export type * from './events.js';
export {
  CREATOR,
  CREATOR_ID,
  metadataV1,
  orderedNetns,
  rfc3339Nano,
  toV1,
  type ToV1Options,
} from './to-v1.js';
export { netnsIdOf, nifIdOf, pidnsIdOf, tenantIdOf } from './ids.js';
export { nifRef, nifV1, v1Kind } from './nifs.js';
export {
  netnsModelJson,
  nifJson,
  routeJson,
  type NetnsJson,
  type NetnsModelJson,
  type NextHopJson,
  type NifJson,
  type RouteJson,
  type TenantJson,
} from './netns-json.js';
export { ROUTE_TYPE_NAMES, routePreference, routeTypeName, routeV1 } from './routes.js';
export { checkV1References, type V1ReferenceIssue } from './check-references.js';
export {
  V1_CONTAINER_TYPES,
  V1_POD_GROUP_TYPES,
  V1_PRIVILEGED_LABEL,
  applyContainersV1,
  containerEngineV1,
  containerEnginesV1,
  containerLabelsV1,
  containerTypeV1,
  engineContainerV1,
} from './containers.js';
export {
  portOwnerV1,
  transportPortV1,
  transportPortsV1,
  v1Address,
  type OwnerIdref,
} from './ports.js';
export {
  bindmountDnsV1,
  capbndV1,
  confinementV1,
  containerIdrefResolver,
  dnsV1,
  processorsV1,
  schedulingV1,
  TENANT_TYPE_TEXT_V1,
  tenantDnsV1,
  tunTapProcessorsV1,
  unknownDnsV1,
} from './tenants.js';
export { FEED_EVENT_TYPES, FEED_SOURCES } from './events.js';
export { podOf, toTargetsV1, type TargetDiscoveryResultV1, type TargetV1 } from './targets.js';
export { openApiV1 } from './openapi.js';
