// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../test/helpers/scenario.js';
import { ProcfsError, ProjectError } from '../errors.js';
import {
  EMPTY_HOST,
  emptyNamespaceModel,
  nowNs,
  runDiscovery,
  type DiscoveryPhases,
} from './discover.js';

function phases(over: Partial<DiscoveryPhases> = {}): DiscoveryPhases {
  const s = buildScenario();
  return {
    namespaces: () => ({
      value: s.namespaces,
      problems: [{ code: 'GW_ERR_NS_ACCESS', message: 'm', subject: 'pid 9' }],
    }),
    network: async () => ({ value: s.network, problems: [] }),
    tenants: () => ({ value: s.tenants, problems: [] }),
    dns: () => ({ value: s.dns, problems: [] }),
    tuntap: () => ({ value: s.tunTapProcessors, problems: [] }),
    ports: async () => ({ value: s.ports, problems: [] }),
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

  it('runs tenants → DNS → TAP/TUN → ports in order, handing each its inputs, and keeps their results', async () => {
    const s = buildScenario();
    const order: string[] = [];
    const r = await runDiscovery({
      ...phases(),
      tenants: (ns) => {
        order.push('tenants');
        expect(ns).toBe(s.namespaces);
        return {
          value: s.tenants,
          problems: [{ code: 'GW_ERR_PROCFS_READ', message: 't', subject: 'pid 1' }],
        };
      },
      dns: (tenants) => {
        order.push('dns');
        expect(tenants).toBe(s.tenants);
        return {
          value: s.dns,
          problems: [{ code: 'GW_ERR_FILE_TOO_LARGE', message: 'd', subject: 'pid 1 /etc/hosts' }],
        };
      },
      tuntap: (_ns, net) => {
        order.push('tuntap');
        expect(net).toBe(s.network);
        return { value: s.tunTapProcessors, problems: [] };
      },
      ports: async (_ns, _net, tenants) => {
        order.push('ports');
        expect(tenants).toBe(s.tenants);
        return {
          value: s.ports,
          problems: [{ code: 'GW_ERR_PORTS_DUMP', message: 'p', subject: 'netns:[1]' }],
        };
      },
      namespaces: () => ({ value: s.namespaces, problems: [] }),
      network: async () => ({ value: s.network, problems: [] }),
    });
    expect(order).toEqual(['tenants', 'dns', 'tuntap', 'ports']);
    expect(r.dns).toBe(s.dns);
    expect(r.tunTapProcessors).toBe(s.tunTapProcessors);
    expect(r.ports).toBe(s.ports);
    expect(r.problems.map((p) => p.code)).toEqual([
      'GW_ERR_PROCFS_READ',
      'GW_ERR_FILE_TOO_LARGE',
      'GW_ERR_PORTS_DUMP',
    ]);
    expect(r.timings.portsMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps the other results when the DNS, TAP/TUN or ports phase fails as a whole', async () => {
    const r = await runDiscovery(
      phases({
        dns: () => {
          throw new Error('dns down');
        },
        tuntap: () => {
          throw new Error('tun down');
        },
        ports: async () => {
          throw new ProjectError('GW_ERR_NETWORK_NETNS_UNREACHABLE', 'ports down');
        },
      }),
    );
    expect(r.tenants.size).toBe(3);
    expect(r.dns.size).toBe(0);
    expect(r.tunTapProcessors.size).toBe(0);
    expect(r.ports.size).toBe(0);
    expect(r.problems.slice(1).map((p) => p.subject)).toEqual([
      'phase:dns',
      'phase:tuntap',
      'phase:ports',
    ]);
  });

  it('passes the namespace model to the network and tenant phases', async () => {
    const seen: unknown[] = [];
    const p = phases();
    await runDiscovery(
      {
        ...p,
        network: async (ns, o) => {
          seen.push(ns, o);
          return p.network(ns, o);
        },
        tenants: (ns, o) => {
          seen.push(ns);
          return p.tenants(ns, o);
        },
      },
      { procRoot: '/x' },
    );
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
      {
        code: 'GW_ERR_DISCOVERY_PHASE',
        message: 'network phase failed: boom',
        subject: 'phase:network',
        cause: 'GW_ERR_NETWORK_DUMP',
      },
      {
        code: 'GW_ERR_DISCOVERY_PHASE',
        message: 'host phase failed: no host',
        subject: 'phase:host',
      },
    ]);
  });

  it('continues with an empty namespace model when namespace discovery fails', async () => {
    const r = await runDiscovery(
      phases({
        namespaces: () => {
          throw new Error('x');
        },
        network: async (ns) => ({
          value: { netns: new Map() },
          problems:
            ns.byType.net.length === 0
              ? []
              : [{ code: 'GW_ERR_NETWORK_DUMP', message: '', subject: '' }],
        }),
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
