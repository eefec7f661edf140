// SPDX-License-Identifier: MIT
/**
 * @module network/ports/leader
 *
 * The tenant leader of a socket owner (reference §2.10): walk up the parent chain until a
 * process that is a leader of its netns, i.e. whose parent is in another netns or that has no
 * parent. Such a process is a tenant (stand-alone process) of its netns, so the owner can refer
 * to it as `cont-<pid>`. Implemented in `model/tenant.ts` (the v1 mapper needs it for TAP/TUN
 * processors too); re-exported here for the ports API.
 */
export { tenantLeader } from '../../model/tenant.js';
