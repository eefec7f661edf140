// SPDX-License-Identifier: MIT
/**
 * @module decorators/podmannet/mapping
 *
 * Pure mapping of podman's libpod network list to nif decorations (Go original:
 * `decorator/podmannet`, plugin `podmannet-v4+`): for drivers `bridge` and `macvlan` the field
 * `network_interface` names the bridge (e.g. `cni-podman0` for the default network `podman`)
 * resp. the macvlan parent nif. Labels: the network's user labels verbatim, then
 * `gostwire/network/name` = name and `gostwire/bridge/internal` = `"true"` for internal
 * networks. podman has no "default bridge" label (its default network has no DNS either way).
 */
import {
  BRIDGE_INTERNAL_LABEL,
  NETWORK_NAME_LABEL,
  stringLabels,
  type NifDecoration,
} from '../common.js';
import type { LibpodNetwork } from './libpod.js';

/** Drivers whose `network_interface` is decorated. */
export const PODMAN_DECORATED_DRIVERS: ReadonlySet<string> = new Set(['bridge', 'macvlan']);

/** Decorations for one podman engine's networks, in input order. */
export function podmanNetworkDecorations(networks: readonly LibpodNetwork[]): NifDecoration[] {
  const out: NifDecoration[] = [];
  for (const net of networks) {
    if (typeof net !== 'object' || net === null || typeof net.name !== 'string') continue;
    if (!PODMAN_DECORATED_DRIVERS.has(net.driver)) continue;
    const nifName = net.network_interface;
    if (typeof nifName !== 'string' || nifName === '') continue;
    const labels: Record<string, string> = {
      ...stringLabels(net.labels),
      [NETWORK_NAME_LABEL]: net.name,
    };
    if (net.internal === true) labels[BRIDGE_INTERNAL_LABEL] = 'true';
    out.push({ nifName, network: net.name, labels });
  }
  return out;
}
