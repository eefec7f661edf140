// SPDX-License-Identifier: MIT
/**
 * @module analysis/diff
 *
 * Differences between two v1 documents.
 */
export { diffV1, renderDiff, type DiffChange, type DiffKind, type DiffResult } from './diff.js';
