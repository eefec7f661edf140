// SPDX-License-Identifier: MIT
/**
 * @module network/monitor
 *
 * RTNETLINK change monitor for the live feed (see monitor.ts).
 */
export { NetnsMonitor, type MonitorBatch, type MonitorPoll, type MonitorSync } from './monitor.js';
