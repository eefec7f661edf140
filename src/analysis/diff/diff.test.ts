// SPDX-License-Identifier: MIT
/**
 * diffV1 over the fixed scenario's v1 document and edited copies: nothing for equal documents,
 * exactly the edits otherwise.
 */
import { describe, expect, it } from 'vitest';
import { toV1, type DiscoveryResultV1 } from '../../api/v1/index.js';
import { buildScenario } from '../../../test/helpers/scenario.js';
import { diffV1, renderDiff } from './diff.js';

function doc(): DiscoveryResultV1 {
  return toV1(buildScenario(), { creatorVersion: '0.0.0' });
}

describe('diffV1', () => {
  it('finds nothing between equal documents', () => {
    const d = diffV1(doc(), doc());
    expect(d.changes).toEqual([]);
    expect(renderDiff(d)).toContain('no changes');
  });

  it('lists exactly an added address, a removed route, a changed interface and a removed netns', () => {
    const a = doc();
    const b = doc();
    const [n0, n1] = b['network-namespaces'];
    const nif = n0?.['network-interfaces'].find(
      (i) => i.name !== 'lo' && i.addresses.ipv4.length > 0,
    );
    if (n0 === undefined || n1 === undefined || nif === undefined)
      throw new Error('scenario changed');
    nif.addresses.ipv4.push({
      ...(nif.addresses.ipv4[0] as (typeof nif.addresses.ipv4)[number]),
      address: '198.51.100.7',
      prefixlen: 32,
    });
    nif.operstate = 'DOWN';
    const removedRoute = n0.routes.ipv4.shift();
    b['network-namespaces'] = b['network-namespaces'].filter((n) => n !== n1);
    const d = diffV1(a, b);
    const mine = d.changes.filter((c) => c.netnsid === n0.netnsid);
    expect(mine.map((c) => `${c.change} ${c.kind}`).sort()).toEqual(
      ['added address', 'changed interface', 'removed route'].sort(),
    );
    expect(mine.find((c) => c.kind === 'interface')?.fields).toEqual({ operstate: ['UP', 'DOWN'] });
    expect(mine.find((c) => c.kind === 'route')?.key).toContain(
      `/${removedRoute?.destination ?? '?'}/`,
    );
    const gone = d.changes.filter((c) => c.netnsid === n1.netnsid);
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.every((c) => c.change === 'removed')).toBe(true);
    expect(d.summary.netns.removed).toBe(1);
    expect(renderDiff(d)).toMatch(/^\+ address 198\.51\.100\.7\/32 on /m);
  });

  it('matches interfaces by name, not ifindex (a re-created link is a change, not add+remove)', () => {
    const a = doc();
    const b = doc();
    const nif = b['network-namespaces'][0]?.['network-interfaces'].find((i) => i.name !== 'lo');
    if (nif === undefined) throw new Error('scenario changed');
    nif.index += 100;
    nif.addresses.mac = '02:00:00:00:99:99';
    const d = diffV1(a, b).changes.filter((c) => c.kind === 'interface');
    expect(d).toHaveLength(1);
    expect(d[0]?.change).toBe('changed');
  });
});
