// SPDX-License-Identifier: MIT
/**
 * @module store/history-store
 *
 * The history store: every discovery of the service as a compact snapshot in one SQLite file
 * (`<data-dir>/history.db`, WAL mode, through better-sqlite3), plus the change-feed events.
 *
 * A v1 document is split into sections — the metadata (without its timestamp), one per network
 * namespace, the PID namespaces — and each section is stored once as a content-addressed chunk
 * (sha256 of its JSON, deflate-compressed). A snapshot is a manifest: the list of its chunk
 * hashes. A discovery identical to the previous snapshot only moves that snapshot's `last_seen`
 * (dedupe), so an unchanged hour costs one row update, and a change in one netns stores one new
 * chunk, not the document.
 *
 * Failure never reaches the caller as an exception: {@link HistoryStore.open} and
 * {@link HistoryStore.record} return problems (`GW_ERR_STORE_*`). A database SQLite reports as
 * corrupt or "not a database" (a truncated file) is renamed aside (`history.db.corrupt-<ms>`)
 * and a fresh one started; a read-only or missing data directory, or a missing SQLite addon,
 * yields no store (history disabled, live results unaffected); a full disk fails the one write
 * and prunes to make room.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import type { DiscoveryResultV1 } from '../api/v1/index.js';
import { errorCode, errorMessage, type ErrorCode } from '../errors.js';
import { loadSqliteAddon } from '../native/index.js';
import type { Problem } from '../model/problem.js';
import type { Retention } from './parse.js';

type Database = BetterSqlite3.Database;
type DatabaseConstructor = typeof BetterSqlite3;

/** The database file's name inside the data directory. */
export const HISTORY_FILE = 'history.db';

/** Options of {@link HistoryStore.open}. */
export interface HistoryStoreOptions {
  readonly dataDir: string;
  readonly retention?: Retention;
  /** Clock (tests). */
  readonly now?: () => number;
  /** Environment for `GHOSTWIRE_SQLITE_ADDON` (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** One snapshot as listed by `GET /api/history`. */
export interface HistoryEntry {
  readonly id: number;
  /** When this state was first recorded (ms since the epoch). */
  readonly firstSeen: number;
  /** When it was last seen unchanged. */
  readonly lastSeen: number;
  /** How many discoveries found exactly this state. */
  readonly discoveries: number;
  readonly netns: number;
  readonly interfaces: number;
  readonly containers: number;
  /** Change-feed events recorded while this snapshot was current. */
  readonly events: number;
}

/** Result of one {@link HistoryStore.record}. */
export interface RecordOutcome {
  readonly snapshotId?: number;
  /** True when the document equalled the latest snapshot (only `last_seen` moved). */
  readonly deduped: boolean;
  /** Compressed bytes newly written (chunks + events). */
  readonly bytesWritten: number;
  readonly problems: Problem[];
}

interface Manifest {
  /** creation-timestamp of the first document of this snapshot */
  readonly t: string;
  readonly m: string;
  readonly n: string[];
  readonly p: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS chunks (
  hash TEXT PRIMARY KEY,
  data BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  discoveries INTEGER NOT NULL DEFAULT 1,
  digest TEXT NOT NULL,
  manifest TEXT NOT NULL,
  netns INTEGER NOT NULL,
  interfaces INTEGER NOT NULL,
  containers INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshots_first_seen ON snapshots(first_seen);
CREATE TABLE IF NOT EXISTS snapshot_chunks (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  PRIMARY KEY (snapshot_id, hash)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS snapshot_chunks_hash ON snapshot_chunks(hash);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_snapshot ON events(snapshot_id);
`;

const ENTRY_SELECT = `SELECT s.id, s.first_seen, s.last_seen, s.discoveries, s.netns, s.interfaces,
    s.containers, (SELECT COUNT(*) FROM events e WHERE e.snapshot_id = s.id) AS events
  FROM snapshots s`;

interface EntryRow {
  id: number;
  first_seen: number;
  last_seen: number;
  discoveries: number;
  netns: number;
  interfaces: number;
  containers: number;
  events: number;
}

function toEntry(r: EntryRow): HistoryEntry {
  return {
    id: r.id,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    discoveries: r.discoveries,
    netns: r.netns,
    interfaces: r.interfaces,
    containers: r.containers,
    events: r.events,
  };
}

/** SQLite result codes (better-sqlite3's `SqliteError.code`) meaning "this file is broken". */
const CORRUPT = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);
const FULL = new Set(['SQLITE_FULL', 'ENOSPC']);

function sha(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function problem(code: ErrorCode, subject: string, message: string, e?: unknown): Problem {
  const cause = errorCode(e);
  return cause === undefined ? { code, subject, message } : { code, subject, message, cause };
}

/**
 * better-sqlite3's constructor and its addon: the JavaScript is bundled/imported normally, the
 * addon found by src/native (`GHOSTWIRE_SQLITE_ADDON`, the single executable's asset, the npm
 * package's build) and passed as `nativeBinding`.
 * @throws Error listing every path tried when no addon loads.
 */
function loadSqlite(env: NodeJS.ProcessEnv): {
  ctor: DatabaseConstructor;
  nativeBinding: object;
} {
  const r = loadSqliteAddon(env);
  if ('tried' in r)
    throw new Error(`no usable addon (${r.tried.map((t) => `${t.path}: ${t.reason}`).join('; ')})`);
  return { ctor: BetterSqlite3, nativeBinding: r.addon };
}

/** The history store (see module doc). One instance per process; not thread-shared. */
export class HistoryStore {
  readonly path: string;
  readonly #db: Database;
  readonly #retention: Retention;
  readonly #now: () => number;
  #latest: { id: number; digest: string } | undefined;
  #records = 0;

  private constructor(path: string, db: Database, retention: Retention, now: () => number) {
    this.path = path;
    this.#db = db;
    this.#retention = retention;
    this.#now = now;
    const row = db.prepare('SELECT id, digest FROM snapshots ORDER BY id DESC LIMIT 1').get() as
      { id: number; digest: string } | undefined;
    this.#latest = row;
  }

  /**
   * Opens (or creates) `<dataDir>/history.db`. Returns no store, with a problem, when the
   * directory cannot be created or written or SQLite cannot be loaded; renames a corrupt file
   * aside and starts fresh (with a problem).
   */
  static open(opts: HistoryStoreOptions): { store?: HistoryStore; problems: Problem[] } {
    const path = join(opts.dataDir, HISTORY_FILE);
    const subject = `store:${path}`;
    const problems: Problem[] = [];
    let sqlite: ReturnType<typeof loadSqlite>;
    try {
      sqlite = loadSqlite(opts.env ?? process.env);
    } catch (e: unknown) {
      problems.push(
        problem(
          'GW_ERR_STORE_UNAVAILABLE',
          subject,
          `history disabled: the SQLite binding (better-sqlite3) cannot be loaded: ${errorMessage(e)}`,
          e,
        ),
      );
      return { problems };
    }
    try {
      mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    } catch (e: unknown) {
      problems.push(
        problem(
          'GW_ERR_STORE_UNAVAILABLE',
          subject,
          `history disabled: cannot create the data directory ${opts.dataDir}: ${errorMessage(e)}`,
          e,
        ),
      );
      return { problems };
    }
    const now = opts.now ?? Date.now;
    const retention = opts.retention ?? {};
    for (let attempt = 0; attempt < 2; attempt++) {
      let db: Database | undefined;
      try {
        // @types/better-sqlite3 declares a path only; the library also takes the addon object
        db = new sqlite.ctor(path, { nativeBinding: sqlite.nativeBinding as never });
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        db.pragma('auto_vacuum = INCREMENTAL');
        const check = db.pragma('quick_check', { simple: true }) as string;
        if (check !== 'ok') {
          throw Object.assign(new Error(`quick_check: ${check}`), { code: 'SQLITE_CORRUPT' });
        }
        db.exec(SCHEMA);
        return { store: new HistoryStore(path, db, retention, now), problems };
      } catch (e: unknown) {
        db?.close();
        const code = errorCode(e) ?? '';
        if (CORRUPT.has(code) && attempt === 0) {
          const aside = `${path}.corrupt-${now()}`;
          try {
            renameSync(path, aside);
            for (const ext of ['-wal', '-shm'])
              if (existsSync(path + ext)) renameSync(path + ext, aside + ext);
          } catch (re: unknown) {
            problems.push(
              problem(
                'GW_ERR_STORE_UNAVAILABLE',
                subject,
                `history disabled: the database is corrupt and cannot be moved aside: ${errorMessage(re)}`,
                re,
              ),
            );
            return { problems };
          }
          problems.push(
            problem(
              'GW_ERR_STORE_CORRUPT',
              subject,
              `the history database was corrupt (${errorMessage(e)}); moved aside to ${aside}, starting fresh`,
              e,
            ),
          );
          continue;
        }
        problems.push(
          problem(
            FULL.has(code) ? 'GW_ERR_STORE_FULL' : 'GW_ERR_STORE_UNAVAILABLE',
            subject,
            `history disabled: cannot open ${path}: ${errorMessage(e)}`,
            e,
          ),
        );
        return { problems };
      }
    }
    return { problems };
  }

  /**
   * Records one discovery (its v1 document) and the change-feed events that led to it, as seen
   * at `at` (ms; the service passes the discovery's start, its `creation-timestamp`). Never
   * throws: a failed write is returned as a problem and the store stays usable.
   */
  record(
    doc: DiscoveryResultV1,
    events: readonly unknown[] = [],
    at: number = this.#now(),
  ): RecordOutcome {
    const subject = `store:${this.path}`;
    try {
      const out = this.#db.transaction(() => this.#record(doc, events, at))();
      const problems: Problem[] = [];
      if (++this.#records % 16 === 1) problems.push(...this.prune());
      return { ...out, problems };
    } catch (e: unknown) {
      const code = errorCode(e) ?? '';
      if (FULL.has(code)) {
        // make room for the next one: drop the oldest half of what retention allows
        const pruned = this.prune({ shrink: true });
        return {
          deduped: false,
          bytesWritten: 0,
          problems: [
            problem(
              'GW_ERR_STORE_FULL',
              subject,
              `history: the disk is full, this discovery was not recorded (${errorMessage(e)})`,
              e,
            ),
            ...pruned,
          ],
        };
      }
      return {
        deduped: false,
        bytesWritten: 0,
        problems: [
          problem(
            CORRUPT.has(code) ? 'GW_ERR_STORE_CORRUPT' : 'GW_ERR_STORE_WRITE',
            subject,
            `history: cannot record this discovery: ${errorMessage(e)}`,
            e,
          ),
        ],
      };
    }
  }

  /**
   * Records change-feed events seen between discoveries (the netlink source), attached to the
   * latest snapshot. Never throws; no snapshot yet: nothing to attach to, nothing recorded.
   */
  recordEvents(events: readonly unknown[]): Problem[] {
    const latest = this.#latest;
    if (events.length === 0 || latest === undefined) return [];
    try {
      this.#db
        .prepare('INSERT INTO events (time, snapshot_id, data) VALUES (?, ?, ?)')
        .run(this.#now(), latest.id, deflateRawSync(JSON.stringify(events)));
      return [];
    } catch (e: unknown) {
      const code = errorCode(e) ?? '';
      return [
        problem(
          FULL.has(code) ? 'GW_ERR_STORE_FULL' : 'GW_ERR_STORE_WRITE',
          `store:${this.path}`,
          `history: cannot record ${events.length} change-feed events: ${errorMessage(e)}`,
          e,
        ),
      ];
    }
  }

  #record(
    doc: DiscoveryResultV1,
    events: readonly unknown[],
    at: number,
  ): Omit<RecordOutcome, 'problems'> {
    const db = this.#db;
    const sections: string[] = [];
    const { 'creation-timestamp': created, ...meta } = doc.metadata;
    sections.push(JSON.stringify(meta));
    for (const n of doc['network-namespaces']) sections.push(JSON.stringify(n));
    sections.push(JSON.stringify(doc['pid-namespaces']));
    const hashes = sections.map(sha);
    const digest = sha(hashes.join(','));
    let bytes = 0;
    let snapshotId: number;
    let deduped = false;
    if (this.#latest !== undefined && this.#latest.digest === digest) {
      snapshotId = this.#latest.id;
      db.prepare(
        'UPDATE snapshots SET last_seen = ?, discoveries = discoveries + 1 WHERE id = ?',
      ).run(at, snapshotId);
      deduped = true;
    } else {
      const insertChunk = db.prepare('INSERT OR IGNORE INTO chunks (hash, data) VALUES (?, ?)');
      const seen = new Set<string>();
      for (let i = 0; i < sections.length; i++) {
        const h = hashes[i] as string;
        if (seen.has(h)) continue;
        seen.add(h);
        const data = deflateRawSync(sections[i] as string);
        if (insertChunk.run(h, data).changes > 0) bytes += data.length;
      }
      const manifest: Manifest = {
        t: created,
        m: hashes[0] as string,
        n: hashes.slice(1, -1),
        p: hashes[hashes.length - 1] as string,
      };
      const nifs = doc['network-namespaces'].reduce(
        (s, n) => s + n['network-interfaces'].length,
        0,
      );
      const containers = doc['network-namespaces'].reduce((s, n) => s + n.containers.length, 0);
      snapshotId = Number(
        db
          .prepare(
            `INSERT INTO snapshots (first_seen, last_seen, digest, manifest, netns, interfaces, containers)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            at,
            at,
            digest,
            JSON.stringify(manifest),
            doc['network-namespaces'].length,
            nifs,
            containers,
          ).lastInsertRowid,
      );
      const link = db.prepare('INSERT INTO snapshot_chunks (snapshot_id, hash) VALUES (?, ?)');
      for (const h of seen) link.run(snapshotId, h);
      this.#latest = { id: snapshotId, digest };
    }
    if (events.length > 0) {
      const data = deflateRawSync(JSON.stringify(events));
      db.prepare('INSERT INTO events (time, snapshot_id, data) VALUES (?, ?, ?)').run(
        at,
        snapshotId,
        data,
      );
      bytes += data.length;
    }
    return { snapshotId, deduped, bytesWritten: bytes };
  }

  /** Bytes of chunks and events (what `--retention` sizes bound). */
  storedBytes(): number {
    const r = this.#db
      .prepare(
        'SELECT (SELECT IFNULL(SUM(length(data)), 0) FROM chunks) + (SELECT IFNULL(SUM(length(data)), 0) FROM events) AS n',
      )
      .get() as { n: number };
    return r.n;
  }

  /**
   * Applies the retention: deletes snapshots last seen before the age bound, then the oldest
   * while the stored bytes exceed the size bound (`shrink`: to half of it, after a full disk),
   * then chunks no snapshot uses. The latest snapshot is always kept.
   */
  prune(opts: { shrink?: boolean } = {}): Problem[] {
    const db = this.#db;
    try {
      db.transaction(() => {
        const latest = this.#latest?.id ?? -1;
        const age = this.#retention.maxAgeMs;
        if (age !== undefined) {
          const before = this.#now() - age;
          db.prepare('DELETE FROM snapshots WHERE last_seen < ? AND id <> ?').run(before, latest);
          // events of the (kept) latest snapshot age out too
          db.prepare('DELETE FROM events WHERE time < ?').run(before);
        }
        const limit =
          opts.shrink === true
            ? Math.floor((this.#retention.maxBytes ?? this.storedBytes()) / 2)
            : this.#retention.maxBytes;
        this.#gc();
        if (limit !== undefined) {
          const oldest = db.prepare(
            'SELECT id FROM snapshots WHERE id <> ? ORDER BY id ASC LIMIT 1',
          );
          const del = db.prepare('DELETE FROM snapshots WHERE id = ?');
          while (this.storedBytes() > limit) {
            const row = oldest.get(latest) as { id: number } | undefined;
            if (row === undefined) break;
            del.run(row.id);
            this.#gc();
          }
        }
      })();
      db.pragma('incremental_vacuum');
      return [];
    } catch (e: unknown) {
      return [
        problem(
          'GW_ERR_STORE_WRITE',
          `store:${this.path}`,
          `history: retention failed: ${errorMessage(e)}`,
          e,
        ),
      ];
    }
  }

  #gc(): void {
    this.#db.exec('DELETE FROM chunks WHERE hash NOT IN (SELECT hash FROM snapshot_chunks)');
  }

  /** Snapshots, oldest first, optionally only those current in [from, to] (newest `limit`). */
  list(opts: { from?: number; to?: number; limit?: number } = {}): HistoryEntry[] {
    const rows = this.#db
      .prepare(
        `${ENTRY_SELECT} WHERE s.last_seen >= ? AND s.first_seen <= ? ORDER BY s.id DESC LIMIT ?`,
      )
      .all(opts.from ?? 0, opts.to ?? Number.MAX_SAFE_INTEGER, opts.limit ?? 1000) as EntryRow[];
    return rows.reverse().map(toEntry);
  }

  /**
   * The snapshot current at `time`: the last one first seen at or before it; for a time before
   * the oldest snapshot, the oldest (history does not reach further back).
   */
  entryAt(time: number): HistoryEntry | undefined {
    const row =
      (this.#db
        .prepare(`${ENTRY_SELECT} WHERE s.first_seen <= ? ORDER BY s.id DESC LIMIT 1`)
        .get(time) as EntryRow | undefined) ??
      (this.#db.prepare(`${ENTRY_SELECT} ORDER BY s.id ASC LIMIT 1`).get() as EntryRow | undefined);
    return row === undefined ? undefined : toEntry(row);
  }

  /** Rebuilds the v1 document of a snapshot. */
  document(id: number): DiscoveryResultV1 | undefined {
    const row = this.#db.prepare('SELECT manifest FROM snapshots WHERE id = ?').get(id) as
      { manifest: string } | undefined;
    if (row === undefined) return undefined;
    const m = JSON.parse(row.manifest) as Manifest;
    const get = this.#db.prepare('SELECT data FROM chunks WHERE hash = ?');
    const chunk = (h: string): unknown => {
      const r = get.get(h) as { data: Buffer } | undefined;
      if (r === undefined) throw new Error(`history: chunk ${h} of snapshot ${id} is missing`);
      return JSON.parse(inflateRawSync(r.data).toString('utf8'));
    };
    const meta = chunk(m.m) as Omit<DiscoveryResultV1['metadata'], 'creation-timestamp'>;
    return {
      metadata: { ...meta, 'creation-timestamp': m.t },
      'network-namespaces': m.n.map(chunk) as DiscoveryResultV1['network-namespaces'],
      'pid-namespaces': chunk(m.p) as DiscoveryResultV1['pid-namespaces'],
    };
  }

  /** Change-feed events recorded in [from, to] (each entry: time and the events list). */
  events(from: number, to: number): { time: number; events: unknown[] }[] {
    const rows = this.#db
      .prepare('SELECT time, data FROM events WHERE time >= ? AND time <= ? ORDER BY id')
      .all(from, to) as { time: number; data: Buffer }[];
    return rows.map((r) => ({
      time: r.time,
      events: JSON.parse(inflateRawSync(r.data).toString('utf8')) as unknown[],
    }));
  }

  close(): void {
    try {
      this.#db.close();
    } catch {
      // closing a broken handle: nothing left to release
    }
  }
}
