// SPDX-License-Identifier: MIT
/**
 * @module wiring
 *
 * The framework-free wiring model, layout and exports shared by `ghostwire export` and the web
 * UI (which imports this folder as pure source through its Vite alias `@gw/wiring`). Imports only
 * the v1 DTO types; no Node.js APIs, no I/O.
 */
export * from './model.js';
export * from './layout.js';
export * from './export.js';
export * from './group.js';
