// SPDX-License-Identifier: MIT
/**
 * @module server/routes
 *
 * THE explicit list of route plugins of `ghostwire serve`, in registration order. Add a route
 * family by importing its plugin here (one line); nothing registers itself by import.
 */
import type { RoutePlugin } from '../context.js';
import { analysisRoutes } from './analysis.js';
import { eventRoutes } from './events.js';
import { healthRoutes } from './health.js';
import { historyRoutes } from './history.js';
import { metricsRoutes } from './metrics.js';
import { mobydigRoutes } from './mobydig.js';
import { openapiRoutes } from './openapi.js';
import { v1Routes } from './v1.js';

/** All route plugins. */
export const ROUTES: readonly RoutePlugin[] = [
  healthRoutes,
  v1Routes,
  metricsRoutes,
  openapiRoutes,
  eventRoutes,
  mobydigRoutes,
  analysisRoutes,
  historyRoutes,
];
