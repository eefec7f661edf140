// SPDX-License-Identifier: MIT
/**
 * @module network/ports/services
 *
 * Port → service name from an `/etc/services`-format file (services(5)): lines
 * `name port/protocol [aliases...]`, `#` starts a comment. The first entry of a port and
 * protocol wins (as getservbyport(3) returns it). The file is read once per path and cached.
 */
import { readFileSync } from 'node:fs';

/** Service names by `<port>/<protocol>` (protocol lower case, e.g. `53/udp`). */
export type ServiceDb = ReadonlyMap<string, string>;

/** Parses services(5) text. Malformed lines are skipped. Pure. */
export function parseServices(text: string): ServiceDb {
  const db = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const name = f[0];
    const pp = f[1];
    if (name === undefined || pp === undefined) continue;
    const m = /^(\d{1,5})\/([A-Za-z0-9-]+)$/.exec(pp);
    if (m === null) continue;
    const port = Number(m[1]);
    if (port > 65535) continue;
    const key = `${port}/${(m[2] ?? '').toLowerCase()}`;
    if (!db.has(key)) db.set(key, name);
  }
  return db;
}

/** Name of `port` for `protocol` ('tcp'/'udp'), '' when unknown or port 0. */
export function serviceName(db: ServiceDb, port: number, protocol: string): string {
  if (port === 0) return '';
  return db.get(`${port}/${protocol}`) ?? '';
}

const cache = new Map<string, ServiceDb>();

/**
 * The service database at `path` (default `/etc/services` of the mount namespace Ghostwire
 * runs in), read once and cached for the process lifetime. Throws the read error (the caller
 * records a problem and goes on with an empty database).
 */
export function loadServices(path = '/etc/services'): ServiceDb {
  const hit = cache.get(path);
  if (hit !== undefined) return hit;
  const db = parseServices(readFileSync(path, 'utf8'));
  cache.set(path, db);
  return db;
}
