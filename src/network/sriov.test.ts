// SPDX-License-Identifier: MIT
import { chmodSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Namespace } from '../model/namespace.js';
import { SRIOV_ROLE, type Nif } from '../model/network.js';
import { fillNetworkNamespace, newNetworkNamespace } from './map.js';
import { resolveSriov, sriovInfo } from './sriov.js';

const SYS = fileURLToPath(new URL('../../test/fixtures/sys', import.meta.url));

function physNifs(ino: number, buses: Array<[string, string]>): Nif[] {
  const ns = {
    id: { dev: 4, ino },
    type: 'net',
    ref: [],
    sources: [],
    processes: [],
    leaders: [],
    children: [],
    owned: [],
    hidden: false,
  } as unknown as Namespace;
  const netns = fillNetworkNamespace(newNetworkNamespace(ns), {
    links: buses.map(([name], i) => ({
      family: 0,
      index: i + 2,
      type: 1,
      flags: 0x1003,
      change: 0,
      name,
      mtu: 1500,
      operState: 6,
      mac: `02:00:00:00:00:0${i}`,
      broadcast: 'ff:ff:ff:ff:ff:ff',
      alias: '',
      txQueueLen: 1000,
      qdisc: 'mq',
    })),
    addresses: [],
    routes: [],
    rules: [],
  });
  const nifs = [...netns.nifs.values()];
  nifs.forEach((n, i) => {
    n.driverInfo = {
      driver: 'ixgbe',
      version: '',
      fwVersion: '',
      busInfo: buses[i]?.[1] ?? '',
      eromVersion: '',
    };
  });
  return nifs;
}

describe('SR-IOV from sysfs', () => {
  it('classifies PF, VF, plain PCI and non-PCI bus infos', () => {
    expect(sriovInfo('0000:3b:00.0', SYS)).toEqual({ role: SRIOV_ROLE.pf, pfBusInfo: undefined });
    expect(sriovInfo('0000:3b:02.1', SYS)).toEqual({
      role: SRIOV_ROLE.vf,
      pfBusInfo: '0000:3b:00.0',
    });
    expect(sriovInfo('0000:3B:02.0', SYS)).toEqual({
      role: SRIOV_ROLE.vf,
      pfBusInfo: '0000:3b:00.0',
    });
    expect(sriovInfo('0000:00:1f.6', SYS).role).toBe(SRIOV_ROLE.none);
    expect(sriovInfo('0000:99:00.0', SYS).role).toBe(SRIOV_ROLE.none); // not present
    expect(sriovInfo('virtio2', SYS).role).toBe(SRIOV_ROLE.none);
    expect(sriovInfo('', SYS).role).toBe(SRIOV_ROLE.none);
    expect(sriovInfo('../../../etc', SYS).role).toBe(SRIOV_ROLE.none); // never used as a path
  });

  it('links VFs to their PF across namespaces and sets roles', () => {
    const [pf, plain] = physNifs(1, [
      ['enp59s0f0', '0000:3b:00.0'],
      ['eno1', '0000:00:1f.6'],
    ]);
    const [vf0] = physNifs(2, [['enp59s0f0v0', '0000:3b:02.0']]);
    const [vf1] = physNifs(3, [['enp59s0f0v1', '0000:3b:02.1']]);
    if (!pf || !plain || !vf0 || !vf1) throw new Error('fixture nifs missing');
    expect(resolveSriov([pf, plain, vf0, vf1], SYS)).toEqual([]);
    expect(pf.sriovRole).toBe(SRIOV_ROLE.pf);
    expect(plain.sriovRole).toBe(SRIOV_ROLE.none);
    expect(vf0.sriovRole).toBe(SRIOV_ROLE.vf);
    expect(vf0.pf).toBe(pf);
    expect(vf1.pf).toBe(pf);
    expect(pf.vfs).toEqual([vf0, vf1]);
  });

  it('keeps a VF whose PF is no discovered netdev without a PF reference', () => {
    const [vf] = physNifs(2, [['vf', '0000:3b:02.0']]);
    if (!vf) throw new Error('fixture nif missing');
    expect(resolveSriov([vf], SYS)).toEqual([]);
    expect(vf.sriovRole).toBe(SRIOV_ROLE.vf);
    expect(vf.pf).toBeUndefined();
  });

  it.skipIf(process.getuid?.() === 0)(
    'records unreadable sysfs entries as problems (non-root only: root ignores modes)',
    () => {
      const root = mkdtempSync(join(tmpdir(), 'gw-sys-'));
      try {
        const dev = join(root, 'bus', 'pci', 'devices', '0000:01:00.0');
        mkdirSync(dev, { recursive: true });
        chmodSync(dev, 0o000);
        const [n] = physNifs(1, [['eth0', '0000:01:00.0']]);
        if (!n) throw new Error('fixture nif missing');
        const problems = resolveSriov([n], root);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({
          code: 'GW_ERR_NETWORK_RELATION',
          cause: 'EACCES',
          subject: 'netns:[1] nif 2 (eth0)',
        });
        chmodSync(dev, 0o755);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
});
