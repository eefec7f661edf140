// SPDX-License-Identifier: MIT
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LibpodNetwork } from './libpod.js';
import { podmanNetworkDecorations } from './mapping.js';

const recorded = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/engines/podman/libpod-networks.json', import.meta.url),
    'utf8',
  ),
) as LibpodNetwork[];

describe('podmannet mapping (recorded podman 4.3.1 libpod/networks/json)', () => {
  const decorations = podmanNetworkDecorations(recorded);

  it('default network podman → cni-podman0', () => {
    expect(decorations.find((d) => d.network === 'podman')).toEqual({
      nifName: 'cni-podman0',
      network: 'podman',
      labels: { 'gostwire/network/name': 'podman' },
    });
  });

  it('user labels, internal flag and macvlan parent', () => {
    expect(decorations.map((d) => [d.network, d.nifName, d.labels])).toEqual([
      ['podman', 'cni-podman0', { 'gostwire/network/name': 'podman' }],
      ['gwt-rec-p4923', 'cni-podman1', { foo: 'bar', 'gostwire/network/name': 'gwt-rec-p4923' }],
      [
        'gwt-rec-pi4923',
        'cni-podman2',
        { 'gostwire/network/name': 'gwt-rec-pi4923', 'gostwire/bridge/internal': 'true' },
      ],
      ['gwt-rec-pm4923', 'eth0', { 'gostwire/network/name': 'gwt-rec-pm4923' }],
    ]);
  });

  it('ignores other drivers and networks without network_interface', () => {
    const odd = [
      { name: 'ip', id: '1', driver: 'ipvlan', network_interface: 'eth0' },
      { name: 'nb', id: '2', driver: 'bridge' },
      { name: 'eb', id: '3', driver: 'bridge', network_interface: '' },
      null,
    ] as unknown as LibpodNetwork[];
    expect(podmanNetworkDecorations(odd)).toEqual([]);
  });
});
