// SPDX-License-Identifier: MIT
/**
 * @module network/link-target
 *
 * Where a nif's relation attribute points: which relation (veth peer, lower device, underlay),
 * which ifindex, and in which netns (as the NSID the nif's own netns assigned, or the own netns
 * when the kernel sent no IFLA_LINK_NETNSID). Shared by NSID inference and relation resolution.
 *
 * Kernel facts this relies on (net/core/rtnetlink.c `rtnl_fill_link_netnsid`, `nla_put_iflink`):
 * IFLA_LINK_NETNSID is sent only when the device's link netns (`rtnl_link_ops->get_link_net`)
 * differs from its own netns; IFLA_LINK is sent when the iflink differs from the own ifindex,
 * and — since Linux 6.x — always together with IFLA_LINK_NETNSID. Older kernels omit IFLA_LINK
 * when the peer/lower index equals the own index even across namespaces, so a missing IFLA_LINK
 * with a present IFLA_LINK_NETNSID means "same index as mine".
 */
import type { Nif } from '../model/network.js';

/** Which relation a link target fills. */
export type RelationKind = 'peer' | 'lower' | 'underlay';

/** The target of a nif's relation attribute. */
export interface LinkTarget {
  readonly relation: RelationKind;
  /** ifindex in the target netns; undefined when the kernel sent none (or 0: no device). */
  readonly index: number | undefined;
  /** NSID (as assigned by the nif's own netns) of the target netns; undefined = same netns. */
  readonly nsid: number | undefined;
}

/** Kinds stacked on a lower device named by IFLA_LINK (`linux/if_link.h`, drivers' `ndo_get_iflink`). */
export const LOWER_KINDS: ReadonlySet<string> = new Set([
  'macvlan',
  'macvtap',
  'ipvlan',
  'ipvtap',
  'vlan',
  'macsec',
]);

/**
 * IP tunnel kinds whose IFLA_LINK is the underlay device (`ip_tunnel_get_iflink`,
 * `ip6_tnl_get_iflink`); 0 means "not bound to a device".
 */
export const TUNNEL_KINDS: ReadonlySet<string> = new Set([
  'ipip',
  'sit',
  'gre',
  'gretap',
  'erspan',
  'ip6tnl',
  'ip6gre',
  'ip6gretap',
  'ip6erspan',
  'vti',
  'vti6',
]);

/**
 * The relation target of `nif`, or undefined when its kind has no relation attribute
 * (bridge ports are found through IFLA_MASTER, not here). A VXLAN's underlay is
 * IFLA_VXLAN_LINK (its IFLA_LINK is just its own index); veth and stacked kinds use IFLA_LINK
 * with the "omitted when equal" rule; tunnels use IFLA_LINK when non-zero.
 */
export function linkTarget(nif: Nif): LinkTarget | undefined {
  const nsid = nif.raw.linkNetnsId;
  const link = nif.raw.linkIndex;
  if (nif.kind === 'veth' || LOWER_KINDS.has(nif.kind)) {
    const index = link !== undefined ? link : nsid !== undefined ? nif.index : undefined;
    return {
      relation: nif.kind === 'veth' ? 'peer' : 'lower',
      index: index === 0 ? undefined : index,
      nsid,
    };
  }
  if (nif.kind === 'vxlan') {
    const k = nif.kindData;
    const index =
      k !== undefined && k.kind === 'vxlan' && k.linkIndex !== undefined && k.linkIndex > 0
        ? k.linkIndex
        : undefined;
    return { relation: 'underlay', index, nsid };
  }
  if (TUNNEL_KINDS.has(nif.kind)) {
    return { relation: 'underlay', index: link !== undefined && link > 0 ? link : undefined, nsid };
  }
  return undefined;
}
