// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { buildScenario } from './scenario.js';
import { ProcfsError, ProjectError } from '../errors.js';
import { EMPTY_HOST, emptyNamespaceModel, nowNs, runDiscovery, type DiscoveryPhases } from './discover.js';

function phases(over: Partial<DiscoveryPhases> = {}): DiscoveryPhases {
  const s = buildScenario();
  return {
    namespaces: () => ({ value: s.namespaces, problems: [{ code: 'GW_ERR_NS_ACCESS', message: 'm', subject: 'pid 9' }] }),
    network: async () => ({ value: s.network, problems: [] }),
    tenants: () => s.tenants,
    host: () => s.host,
    ...over,
  };
}

describe('runDiscovery', () => {
  it('runs all phases and collects their problems and timings', async () => {
    const r = await runDiscovery(phases());
    expect(r.network.netns.size).toBe(3);
    expect(r.tenants.size).toBe(3);
    expect(r.host.hostname).toBe('edge01');
    expect(r.problems).toEqual([{ code: 'GW_ERR_NS_ACCESS', message: 'm', subject: 'pid 9' }]);
    expect(r.timings.totalMs).toBeGreaterThanOrEqual(r.timings.networkMs);
    expect(r.startedAtNs).toBeGreaterThan(0n);
  });

  it('passes the namespace model to the network and tenant phases', async () => {
    const seen: unknown[] = [];
    const p = phases();
    await runDiscovery({
      ...p,
      network: async (ns, o) => {
        seen.push(ns, o);
        return p.network(ns, o);
      },
      tenants: (ns, o) => {
        seen.push(ns);
        return p.tenants(ns, o);
      },
    }, { procRoot: '/x' });
    expect(seen[0]).toBe(seen[2]);
    expect(seen[1]).toEqual({ procRoot: '/x' });
  });

  it('records a failing phase as GW_ERR_DISCOVERY_PHASE and keeps the other results', async () => {
    const r = await runDiscovery(
      phases({
        network: async () => {
          throw new ProjectError('GW_ERR_NETWORK_DUMP', 'boom');
        },
        host: () => {
          throw new Error('no host');
        },
      }),
    );
    expect(r.network.netns.size).toBe(0);
    expect(r.tenants.size).toBe(3);
    expect(r.host).toEqual(EMPTY_HOST);
    expect(r.problems.slice(1)).toEqual([
      { code: 'GW_ERR_DISCOVERY_PHASE', message: 'network phase failed: boom', subject: 'phase:network', cause: 'GW_ERR_NETWORK_DUMP' },
      { code: 'GW_ERR_DISCOVERY_PHASE', message: 'host phase failed: no host', subject: 'phase:host' },
    ]);
  });

  it('continues with an empty namespace model when namespace discovery fails', async () => {
    const r = await runDiscovery(
      phases({
        namespaces: () => {
          throw new Error('x');
        },
        network: async (ns) => ({ value: { netns: new Map() }, problems: ns.byType.net.length === 0 ? [] : [{ code: 'GW_ERR_NETWORK_DUMP', message: '', subject: '' }] }),
      }),
    );
    expect(r.namespaces.byType.net).toEqual([]);
    expect(r.problems.map((p) => p.subject)).toEqual(['phase:namespaces']);
  });

  it.each([
    new ProcfsError('GW_ERR_PROCFS_UNAVAILABLE', 'no procfs', { path: '/proc' }),
    new ProjectError('GW_ERR_NATIVE_LOAD', 'no addon'),
  ])('throws when discovery cannot run at all (%s)', async (err) => {
    await expect(
      runDiscovery(
        phases({
          network: async () => {
            throw err;
          },
        }),
      ),
    ).rejects.toBe(err);
  });

  it('has an empty model of every namespace type', () => {
    expect(Object.values(emptyNamespaceModel().byType).every((l) => l.length === 0)).toBe(true);
  });

  it('tells the time in nanoseconds close to Date.now()', () => {
    const diffMs = Number(nowNs() / 1_000_000n) - Date.now();
    expect(Math.abs(diffMs)).toBeLessThan(1000);
  });
});
