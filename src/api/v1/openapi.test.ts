// SPDX-License-Identifier: MIT
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildScenario } from '../../../test/helpers/scenario.js';
import { schemaErrors } from '../../../test/helpers/openapi.js';
import { openApiV1 } from './openapi.js';
import { toTargetsV1 } from './targets.js';
import { toV1 } from './to-v1.js';
import type { FeedEventV1 } from './events.js';

describe('OpenAPI 3.1 document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const v = new Validator();
    const res = await v.validate(openApiV1('0.1.0') as never);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(v.version).toBe('3.1');
  });

  it('describes the scenario /json and /mobyshark documents exactly (closed objects)', () => {
    const s = buildScenario();
    expect(schemaErrors('DiscoveryResult', toV1(s, { creatorVersion: '0.1.0' }))).toEqual([]);
    expect(
      schemaErrors('TargetDiscoveryResult', toTargetsV1(s, { creatorVersion: '0.1.0' })),
    ).toEqual([]);
  });

  it('rejects what we never emit', () => {
    const d = toV1(buildScenario(), { creatorVersion: '0.1.0' });
    const bad = structuredClone(d) as unknown as {
      'network-namespaces': Array<Record<string, unknown>>;
    };
    const first = bad['network-namespaces'][0];
    if (first === undefined) throw new Error('scenario has no netns');
    first['routes'] = { ipv4: [{ nexthop: '1.2.3.4' }], ipv6: [] };
    expect(schemaErrors('DiscoveryResult', bad).length).toBeGreaterThan(0);
    expect(schemaErrors('Error', { code: 'nope', message: 'x' }).length).toBeGreaterThan(0);
  });

  it('describes feed events', () => {
    const base = { seq: 1, time: '2026-01-01T00:00:00.000Z', source: 'reconcile' } as const;
    const events: FeedEventV1[] = [
      { ...base, type: 'netns-added', netns: { id: 'netns-1', netns: 1 } },
      {
        ...base,
        type: 'nif-changed',
        nif: {
          id: 'nif-1-2',
          netns: 1,
          index: 2,
          name: 'eth0',
          kind: 'veth',
          operstate: 'UP',
          mtu: 1500,
          master: '',
          addresses: ['10.0.0.1/24'],
        },
        changed: ['operstate'],
      },
      {
        ...base,
        source: 'engine',
        type: 'container-started',
        container: {
          id: 'cont-7',
          name: 'web',
          type: 'docker',
          netns: 1,
          pid: 7,
          status: 'running',
        },
      },
      { ...base, type: 'resync', oldest: 0 },
    ];
    for (const e of events) expect(schemaErrors('FeedEvent', e)).toEqual([]);
    expect(schemaErrors('FeedEvent', { ...base, type: 'nif-added' }).length).toBeGreaterThan(0);
  });
});
