// SPDX-License-Identifier: MIT
/**
 * @module server/metrics
 *
 * Prometheus metrics of the service (`GET /metrics`, text format 0.0.4) on prom-client: the
 * last discovery's counts (netns, nifs by kind, containers by engine and state, ports,
 * forwards, problems by code), a discovery duration histogram and the last discovery's phase
 * timings, engine watcher states, feed counters, HTTP requests, and the process's fds, RSS
 * and threads (prom-client default metrics plus `ghostwire_process_threads`).
 */
import { readFileSync } from 'node:fs';
import client from 'prom-client';
import type { Snapshot } from './discovery-service.js';
import type { WatcherInfo } from './worker-protocol.js';

/** The service's metric registry and the update hooks the server calls. */
export class Metrics {
  readonly registry = new client.Registry();
  readonly #netns: client.Gauge;
  readonly #nifs: client.Gauge<'kind'>;
  readonly #containers: client.Gauge<'engine' | 'state'>;
  readonly #ports: client.Gauge;
  readonly #forwards: client.Gauge;
  readonly #problems: client.Gauge<'code'>;
  readonly #duration: client.Histogram;
  readonly #phases: client.Gauge<'phase'>;
  readonly #watchers: client.Gauge<'engine' | 'state'>;
  readonly #discoveries: client.Counter;
  readonly #feedEvents: client.Counter<'type'>;
  readonly #requests: client.Counter<'method' | 'route' | 'status'>;

  constructor(feedSubscribers: () => number) {
    const r = [this.registry];
    client.collectDefaultMetrics({ register: this.registry });
    this.#netns = new client.Gauge({
      name: 'ghostwire_netns',
      help: 'Network namespaces in the last discovery',
      registers: r,
    });
    this.#nifs = new client.Gauge({
      name: 'ghostwire_nifs',
      help: 'Network interfaces in the last discovery, by kernel kind ("" for none)',
      labelNames: ['kind'],
      registers: r,
    });
    this.#containers = new client.Gauge({
      name: 'ghostwire_containers',
      help: 'Containers in the last discovery, by engine type and state',
      labelNames: ['engine', 'state'],
      registers: r,
    });
    this.#ports = new client.Gauge({
      name: 'ghostwire_transport_ports',
      help: 'TCP/UDP sockets in the last discovery',
      registers: r,
    });
    this.#forwards = new client.Gauge({
      name: 'ghostwire_forwarded_ports',
      help: 'Forwarded ports in the last discovery',
      registers: r,
    });
    this.#problems = new client.Gauge({
      name: 'ghostwire_problems',
      help: 'Problems recorded by the last discovery, by GW_ERR_ code',
      labelNames: ['code'],
      registers: r,
    });
    this.#duration = new client.Histogram({
      name: 'ghostwire_discovery_duration_seconds',
      help: 'Wall time of complete discoveries (worker thread)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: r,
    });
    this.#phases = new client.Gauge({
      name: 'ghostwire_discovery_phase_seconds',
      help: 'Duration of each phase of the last discovery',
      labelNames: ['phase'],
      registers: r,
    });
    this.#watchers = new client.Gauge({
      name: 'ghostwire_engine_watchers',
      help: 'Engine watchers by engine type and state (syncing, synced, backoff, closed)',
      labelNames: ['engine', 'state'],
      registers: r,
    });
    this.#discoveries = new client.Counter({
      name: 'ghostwire_discoveries_total',
      help: 'Discoveries completed',
      registers: r,
    });
    this.#feedEvents = new client.Counter({
      name: 'ghostwire_feed_events_total',
      help: 'Change feed events published, by type',
      labelNames: ['type'],
      registers: r,
    });
    new client.Gauge({
      name: 'ghostwire_feed_subscribers',
      help: 'Open change feed streams (SSE and websocket)',
      registers: r,
      collect() {
        this.set(feedSubscribers());
      },
    });
    new client.Gauge({
      name: 'ghostwire_process_threads',
      help: 'Threads of the service process (/proc/self/status)',
      registers: r,
      collect() {
        this.set(processThreads());
      },
    });
    this.#requests = new client.Counter({
      name: 'ghostwire_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: r,
    });
  }

  /** Takes the figures of a finished discovery. */
  discovery(s: Snapshot): void {
    const m = s.summary;
    this.#discoveries.inc();
    this.#duration.observe(s.durationMs / 1000);
    this.#netns.set(m.netns);
    this.#nifs.reset();
    for (const [kind, n] of Object.entries(m.nifsByKind)) this.#nifs.set({ kind }, n);
    this.#containers.reset();
    for (const [k, n] of Object.entries(m.containers)) {
      const [engine = '', state = ''] = k.split('\u0000');
      this.#containers.set({ engine, state }, n);
    }
    this.#ports.set(m.ports);
    this.#forwards.set(m.forwards);
    this.#problems.reset();
    for (const [code, n] of Object.entries(m.problemsByCode)) this.#problems.set({ code }, n);
    const t = m.timings;
    for (const [phase, ms] of Object.entries({
      namespaces: t.namespacesMs,
      network: t.networkMs,
      containers: t.containersMs,
      tenants: t.tenantsMs,
      dns: t.dnsMs,
      tuntap: t.tuntapMs,
      ports: t.portsMs,
      host: t.hostMs,
      total: t.totalMs,
    }))
      this.#phases.set({ phase }, ms / 1000);
  }

  /** Takes the current watcher states. */
  watchers(ws: readonly WatcherInfo[]): void {
    this.#watchers.reset();
    for (const w of ws) this.#watchers.inc({ engine: w.engine, state: w.state });
  }

  /** Counts published feed events. */
  feedEvent(type: string): void {
    this.#feedEvents.inc({ type });
  }

  /** Counts an answered request. */
  request(method: string, route: string, status: number): void {
    this.#requests.inc({ method, route, status: String(status) });
  }
}

/** Threads of this process (0 when unreadable). */
export function processThreads(): number {
  try {
    const m = /^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m?.[1] === undefined ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}
