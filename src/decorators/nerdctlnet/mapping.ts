// SPDX-License-Identifier: MIT
/**
 * @module decorators/nerdctlnet/mapping
 *
 * Pure mapping of a nerdctl CNI network configuration (`/etc/cni/net.d/nerdctl-<name>.conflist`
 * in the containerd engine's mount namespace) to a nif decoration, as the Go original's
 * `decorator/nerdctlnet` does:
 *
 * - the first plugin of `type` `bridge` gives the Linux bridge name in its `bridge` field
 *   (the CNI bridge plugin's own default `cni0` when the field is absent);
 * - alias := the CNI network `name`; label ⚠️ `com.docker.network.bridge.name` := the network
 *   *name* (the Go original's key choice, kept for wire compatibility, §2.7.1); the nerdctl
 *   labels (`nerdctlLabels`) are copied verbatim;
 * - non-bridge networks yield nothing; there is no internal flag in nerdctl's format.
 *
 * Spec: CNI "Network configuration lists" (cniVersion, name, plugins[]); CNI bridge plugin
 * (`bridge`, default `cni0`); nerdctl's extra top-level keys `nerdctlID`, `nerdctlLabels`.
 */
import { NERDCTL_NETWORK_NAME_LABEL, stringLabels, type NifDecoration } from '../common.js';

/** Files nerdctl writes per network; other conflists (e.g. podman's `87-podman-bridge`) belong to others. */
export const NERDCTL_CONFLIST = /^nerdctl-.+\.conflist$/;
/** CNI bridge plugin's bridge name when the config does not name one. */
export const CNI_DEFAULT_BRIDGE = 'cni0';
/** Largest conflist read (bytes); real ones are < 2 KiB. */
export const CONFLIST_MAX_BYTES = 256 * 1024;

/**
 * Decoration for one parsed conflist; undefined when it has no bridge plugin or no name.
 * Does not throw for odd shapes (unknown JSON is ignored field by field).
 */
export function nerdctlDecoration(conf: unknown): NifDecoration | undefined {
  if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) return undefined;
  const c = conf as Record<string, unknown>;
  const name = c['name'];
  if (typeof name !== 'string' || name === '') return undefined;
  const plugins = Array.isArray(c['plugins']) ? (c['plugins'] as unknown[]) : [];
  const bridge = plugins.find(
    (p): p is Record<string, unknown> =>
      typeof p === 'object' && p !== null && (p as Record<string, unknown>)['type'] === 'bridge',
  );
  if (bridge === undefined) return undefined;
  const br = bridge['bridge'];
  const nifName = typeof br === 'string' && br !== '' ? br : CNI_DEFAULT_BRIDGE;
  return {
    nifName,
    network: name,
    labels: { ...stringLabels(c['nerdctlLabels']), [NERDCTL_NETWORK_NAME_LABEL]: name },
  };
}
