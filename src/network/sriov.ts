// SPDX-License-Identifier: MIT
/**
 * @module network/sriov
 *
 * SR-IOV roles of physical nifs from sysfs (Documentation/PCI/pci-iov-howto.rst,
 * Documentation/ABI/testing/sysfs-bus-pci): a PCI function whose device directory has a
 * `physfn` symlink is a virtual function (VF) of the function that link points to; one with
 * an `sriov_numvfs` file is a physical function (PF). Only PCI bus addresses are supported
 * (ethtool `bus_info` of the form `dddd:bb:dd.f`). Every reader takes `sysRoot` so tests can use
 * a fake tree (test/fixtures/sys).
 */
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { errorCode, errorMessage } from '../errors.js';
import { SRIOV_ROLE, type Nif, type SriovRole } from '../model/network.js';
import type { Problem } from '../model/problem.js';
import { nifSubject } from './subject.js';

/** A PCI address as sysfs names devices: domain:bus:device.function, lower-case hex. */
const PCI_ADDRESS = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

/** SR-IOV facts of one PCI function. */
export interface SriovInfo {
  readonly role: SriovRole;
  /** For a VF: the PCI address of its PF (basename of the `physfn` link). */
  readonly pfBusInfo: string | undefined;
}

const NONE: SriovInfo = { role: SRIOV_ROLE.none, pfBusInfo: undefined };

/** True for "this path does not exist" errors (not an SR-IOV device, or not PCI at all). */
function isAbsent(e: unknown): boolean {
  const c = errorCode(e);
  return c === 'ENOENT' || c === 'ENOTDIR';
}

/**
 * SR-IOV role of the PCI function `busInfo` (ethtool bus_info), read below
 * `<sysRoot>/bus/pci/devices/<busInfo>/`. Non-PCI bus infos (`virtio2`, `usb-…`, '') and
 * functions without SR-IOV give role none. Throws the file system error for anything other
 * than "does not exist" (e.g. EACCES).
 */
export function sriovInfo(busInfo: string, sysRoot = '/sys'): SriovInfo {
  const bus = busInfo.toLowerCase();
  if (!PCI_ADDRESS.test(bus)) return NONE;
  const dev = join(sysRoot, 'bus', 'pci', 'devices', bus);
  try {
    const physfn = join(dev, 'physfn');
    if (lstatSync(physfn).isSymbolicLink()) {
      return { role: SRIOV_ROLE.vf, pfBusInfo: basename(readlinkSync(physfn)) };
    }
  } catch (e: unknown) {
    if (!isAbsent(e)) throw e;
  }
  try {
    statSync(join(dev, 'sriov_numvfs'));
    return { role: SRIOV_ROLE.pf, pfBusInfo: undefined };
  } catch (e: unknown) {
    if (!isAbsent(e)) throw e;
  }
  return NONE;
}

/**
 * Sets `sriovRole` on every nif with an ethtool bus address and links each VF to its PF
 * (`pf`, `vfs`) when the PF is among `nifs` (any netns). A PF that is not a discovered netdev
 * (e.g. bound to vfio-pci) leaves `pf` undefined without a problem; sysfs read errors other
 * than ENOENT become GW_ERR_NETWORK_RELATION problems. Mutates the nifs in place.
 */
export function resolveSriov(nifs: Iterable<Nif>, sysRoot = '/sys'): Problem[] {
  const problems: Problem[] = [];
  const byBus = new Map<string, Nif>();
  const withBus: Nif[] = [];
  for (const nif of nifs) {
    const bus = nif.driverInfo?.busInfo.toLowerCase() ?? '';
    if (bus === '') continue;
    withBus.push(nif);
    if (!byBus.has(bus)) byBus.set(bus, nif);
  }
  for (const nif of withBus) {
    let info: SriovInfo;
    try {
      info = sriovInfo(nif.driverInfo?.busInfo ?? '', sysRoot);
    } catch (e: unknown) {
      const cause = errorCode(e);
      problems.push({
        code: 'GW_ERR_NETWORK_RELATION',
        message: `SR-IOV role of ${nif.name} unreadable: ${errorMessage(e)}`,
        subject: nifSubject(nif),
        ...(cause === undefined ? {} : { cause }),
      });
      continue;
    }
    nif.sriovRole = info.role;
    if (info.role === SRIOV_ROLE.vf && info.pfBusInfo !== undefined) {
      const pf = byBus.get(info.pfBusInfo.toLowerCase());
      if (pf !== undefined && pf !== nif) {
        nif.pf = pf;
        pf.vfs.push(nif);
      }
    }
  }
  return problems;
}
