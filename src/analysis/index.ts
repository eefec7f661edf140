// SPDX-License-Identifier: MIT
/**
 * @module analysis
 *
 * Analyses over a discovery result that answer "why": reachability (`reach/`), configuration
 * lint (`lint/`) and the diff of two v1 documents (`diff/`). Pure functions, no I/O.
 */
export * from './reach/index.js';
export * from './lint/index.js';
export * from './diff/index.js';
