// SPDX-License-Identifier: MIT
/**
 * @module network/portfwd/recognise
 *
 * The recognisers: which back-end wrote the rule a forward came from (reference §3.8, plus
 * what the Go engine cannot see):
 *  - `iptables-legacy`: any rule of a legacy `nat` table (x_tables blobs);
 *  - `kube-proxy`: the `kube-proxy` nf_tables table (nftables mode) or a path through
 *    `KUBE-*` chains (iptables mode: KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-*);
 *  - `docker`: a path through `DOCKER*` chains (iptables-nft encodings Mk1–Mk3: published ports
 *    in `DOCKER`, the embedded-DNS redirections in `DOCKER_OUTPUT`) or a table of Docker's
 *    native nftables firewall back-end (`docker-*` tables);
 *  - `nft`: every other DNAT/redirect (native `dnat to`, maps, hand-written iptables-nft rules).
 * Pure.
 */
import type { NftRule } from '../../netlink/nftables/index.js';
import type { ForwardBackend } from '../../model/forward.js';

/** What the recognisers look at. */
export interface RecogniseInput {
  readonly source: 'nftables' | 'iptables-legacy';
  readonly name: string;
}

/** True for a chain path through kube-proxy's iptables chains, or its nftables table. */
export function isKubeProxy(table: RecogniseInput, path: readonly string[]): boolean {
  return table.name === 'kube-proxy' || path.some((c) => c.startsWith('KUBE-'));
}

/** True for a chain path through Docker's chains or a table of its nftables back-end. */
export function isDocker(table: RecogniseInput, path: readonly string[]): boolean {
  return (
    table.name.startsWith('docker-') ||
    path.some((c) => c === 'DOCKER' || c.startsWith('DOCKER_') || c.startsWith('DOCKER-'))
  );
}

/** The back-end that produced a forward found by walking `path` (entry chain first) to `rule`. */
export function classifyBackend(
  table: RecogniseInput,
  path: readonly string[],
  _rule: NftRule,
): ForwardBackend {
  if (table.source === 'iptables-legacy') return 'iptables-legacy';
  if (isKubeProxy(table, path)) return 'kube-proxy';
  if (isDocker(table, path)) return 'docker';
  return 'nft';
}
