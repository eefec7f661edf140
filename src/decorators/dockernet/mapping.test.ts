// SPDX-License-Identifier: MIT
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DockerNetwork } from '../../engines/index.js';
import { bridgeName, dockerNetworkDecorations } from './mapping.js';

const recorded = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/engines/docker/networks.json', import.meta.url),
    'utf8',
  ),
) as DockerNetwork[];

describe('dockernet mapping (recorded Docker 20.10 /networks)', () => {
  const byNetwork = new Map(dockerNetworkDecorations(recorded).map((d) => [d.network, d]));

  it('decorates bridges and macvlan parents only (not host/none)', () => {
    expect([...byNetwork.keys()].sort()).toEqual([
      'bridge',
      'gwt-rec-int4923',
      'gwt-rec-mv4923',
      'gwt-rec-named4923',
      'gwt-rec-user4923',
    ]);
  });

  it('default bridge → docker0 with the default-bridge label', () => {
    expect(byNetwork.get('bridge')).toEqual({
      nifName: 'docker0',
      network: 'bridge',
      labels: { 'gostwire/network/name': 'bridge', 'gostwire/network/default-bridge': 'true' },
    });
  });

  it('user bridge → br-<id12> with user labels verbatim, no internal/default labels', () => {
    expect(byNetwork.get('gwt-rec-user4923')).toEqual({
      nifName: 'br-c97070b70633',
      network: 'gwt-rec-user4923',
      labels: {
        foo: 'bar',
        'com.example.team': 'blue',
        'gostwire/network/name': 'gwt-rec-user4923',
      },
    });
  });

  it('internal bridge → internal label "true"', () => {
    expect(byNetwork.get('gwt-rec-int4923')?.labels).toEqual({
      foo: 'bar',
      'gostwire/network/name': 'gwt-rec-int4923',
      'gostwire/bridge/internal': 'true',
    });
    expect(byNetwork.get('gwt-rec-int4923')?.nifName).toBe('br-f146fa31d4c2');
  });

  it('bridge named by option com.docker.network.bridge.name', () => {
    expect(byNetwork.get('gwt-rec-named4923')?.nifName).toBe('gwt-recbr4923');
  });

  it('macvlan → parent nif', () => {
    expect(byNetwork.get('gwt-rec-mv4923')).toEqual({
      nifName: 'eth0',
      network: 'gwt-rec-mv4923',
      labels: { foo: 'bar', 'gostwire/network/name': 'gwt-rec-mv4923' },
    });
  });

  it('ghostwire labels win over user labels of the same key', () => {
    const [d] = dockerNetworkDecorations([
      {
        Id: 'f'.repeat(64),
        Name: 'n1',
        Driver: 'bridge',
        Labels: { 'gostwire/network/name': 'spoof' },
        Options: null,
      },
    ]);
    expect(d?.labels['gostwire/network/name']).toBe('n1');
  });

  it('bridgeName: default-bridge option without a name → docker0; else br-<id12>', () => {
    expect(
      bridgeName({
        Id: '0123456789abcdef',
        Options: { 'com.docker.network.bridge.default_bridge': 'true' },
      }),
    ).toBe('docker0');
    expect(bridgeName({ Id: '0123456789abcdef', Options: null })).toBe('br-0123456789ab');
    expect(
      bridgeName({ Id: '0123456789abcdef', Options: { 'com.docker.network.bridge.name': '' } }),
    ).toBe('br-0123456789ab');
  });

  it('skips malformed items and macvlan without parent', () => {
    const odd = [
      null,
      { Name: 'x' },
      { Id: 'a', Name: 'mv', Driver: 'macvlan', Options: {} },
    ] as unknown as DockerNetwork[];
    expect(dockerNetworkDecorations(odd)).toEqual([]);
  });
});
