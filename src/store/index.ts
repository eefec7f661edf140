// SPDX-License-Identifier: MIT
/**
 * @module store
 *
 * The history store (SQLite): snapshots of v1 documents and the change-feed events, used only
 * by the service (src/server) and `ghostwire diff` against a service. See docs/history.md.
 */
export {
  HISTORY_FILE,
  HistoryStore,
  type HistoryEntry,
  type HistoryStoreOptions,
  type RecordOutcome,
} from './history-store.js';
export { DEFAULT_RETENTION, parseRetention, parseTime, type Retention } from './parse.js';
export { defaultDataDir } from './data-dir.js';
