// SPDX-License-Identifier: MIT
/**
 * @module decorators/dockernet/mapping
 *
 * Pure mapping of Docker's `GET /networks` answer to nif decorations (Go original:
 * `decorator/dockernet`):
 *
 * - driver `bridge`: the Linux bridge is option `com.docker.network.bridge.name` if set, else
 *   `docker0` for the default network (option `com.docker.network.bridge.default_bridge` =
 *   `"true"`), else `br-` + the first 12 characters of the network ID;
 * - driver `macvlan`: option `parent` names the master (lower) nif, e.g. `eth0` or `eth0.10`;
 * - labels: the network's user labels verbatim, then `gostwire/network/name` = network name,
 *   `gostwire/bridge/internal` = `"true"` only for internal networks and
 *   `gostwire/network/default-bridge` = `"true"` only for the default bridge;
 * - other drivers (`host`, `null`, `overlay`, `ipvlan`, plugins) are not decorated.
 */
import type { DockerNetwork } from '../../engines/index.js';
import {
  BRIDGE_INTERNAL_LABEL,
  DEFAULT_BRIDGE_LABEL,
  NETWORK_NAME_LABEL,
  stringLabels,
  type NifDecoration,
} from '../common.js';

/** Docker network option naming the Linux bridge. */
export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';
/** Docker network option marking the default bridge network. */
export const DEFAULT_BRIDGE_OPTION = 'com.docker.network.bridge.default_bridge';
/** macvlan network option naming the parent (master) nif. */
export const MACVLAN_PARENT_OPTION = 'parent';

/** Linux bridge name of a Docker bridge network. */
export function bridgeName(net: Pick<DockerNetwork, 'Id' | 'Options'>): string {
  const opts = stringLabels(net.Options);
  const named = opts[BRIDGE_NAME_OPTION];
  if (named !== undefined && named !== '') return named;
  if (opts[DEFAULT_BRIDGE_OPTION] === 'true') return 'docker0';
  return `br-${net.Id.slice(0, 12)}`;
}

/** Decorations for one engine's networks (bridges and macvlan parents), in input order. */
export function dockerNetworkDecorations(networks: readonly DockerNetwork[]): NifDecoration[] {
  const out: NifDecoration[] = [];
  for (const net of networks) {
    if (
      typeof net !== 'object' ||
      net === null ||
      typeof net.Name !== 'string' ||
      typeof net.Id !== 'string'
    )
      continue;
    const opts = stringLabels(net.Options);
    let nifName: string | undefined;
    if (net.Driver === 'bridge') nifName = bridgeName(net);
    else if (net.Driver === 'macvlan') nifName = opts[MACVLAN_PARENT_OPTION];
    if (nifName === undefined || nifName === '') continue;
    const labels: Record<string, string> = {
      ...stringLabels(net.Labels),
      [NETWORK_NAME_LABEL]: net.Name,
    };
    if (net.Internal === true) labels[BRIDGE_INTERNAL_LABEL] = 'true';
    if (net.Driver === 'bridge' && opts[DEFAULT_BRIDGE_OPTION] === 'true')
      labels[DEFAULT_BRIDGE_LABEL] = 'true';
    out.push({ nifName, network: net.Name, labels });
  }
  return out;
}
