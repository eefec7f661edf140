// SPDX-License-Identifier: MIT
/**
 * @module models/capture
 *
 * `packetflix:` capture URLs as the Edgeshark Wireshark plugin (cshargextcap) expects them:
 * `packetflix:` + the document's base URI with http→ws / https→wss + `capture?container=` +
 * the URL-encoded JSON target `{netns, network-interfaces, name, type, prefix}` + `&nif=` + the
 * interface names joined with `/` (Linux allows `,` in names).
 */

/** A capture target. */
export interface CaptureTarget {
  netns: number;
  nifs: readonly string[];
  /** First containee (init first, then lexicographic) or the pod. */
  name: string;
  /** Engine type (docker, containerd, …), `proc`, `bindmount` or the pod flavour. */
  type: string;
  /** Turtle namespace prefix of a nested engine (`""` at top level). */
  prefix: string;
}

/** The `packetflix:` URL of a target, relative to the page's base URI. */
export function captureUrl(baseURI: string, t: CaptureTarget): string {
  const ws = baseURI.replace(/^http(s?):/, (_m, s: string) => `ws${s}:`);
  const base = ws.endsWith('/') ? ws : ws.replace(/[^/]*$/, '');
  const container = JSON.stringify({
    netns: t.netns,
    'network-interfaces': [...t.nifs],
    name: t.name,
    type: t.type,
    prefix: t.prefix,
  });
  return `packetflix:${base}capture?container=${encodeURIComponent(container)}&nif=${t.nifs
    .map((n) => encodeURIComponent(n))
    .join('/')}`;
}

/** Interfaces that can be captured (operational): UP, UNKNOWN, DORMANT. */
export function capturable(operstate: string): boolean {
  return operstate === 'UP' || operstate === 'UNKNOWN' || operstate === 'DORMANT';
}

/** Why an interface cannot be captured (`''` when it can). */
export function notCapturableReason(name: string, operstate: string): string {
  return capturable(operstate)
    ? ''
    : `${name} is ${operstate.toLowerCase().replace(/_/g, ' ')}: nothing to capture`;
}

/** The capture target of a netns (v1), for the given interface names. */
export function netnsTarget(
  ns: {
    netnsid: number;
    containers: ReadonlyArray<{ name: string; type: string; prefix: string; pid: number }>;
    'container-groups': ReadonlyArray<{ name: string; type: string }>;
  },
  nifs: readonly string[],
): CaptureTarget {
  const pod = ns['container-groups'][0];
  if (pod !== undefined)
    return { netns: ns.netnsid, nifs, name: pod.name, type: pod.type, prefix: '' };
  const first = [...ns.containers].sort(
    (a, b) => (a.pid === 1 ? -1 : 0) - (b.pid === 1 ? -1 : 0) || a.name.localeCompare(b.name),
  )[0];
  return {
    netns: ns.netnsid,
    nifs,
    name: first?.name ?? `netns ${ns.netnsid}`,
    type: first?.type ?? 'bindmount',
    prefix: first?.prefix ?? '',
  };
}

/**
 * A chosen set of interfaces of one netns for a single capture (Packetflix captures one netns
 * per request, so a selection never spans two): the netns id and the interface names.
 */
export interface NifSelection {
  netnsId: string;
  nifs: readonly string[];
}

/** The empty selection. */
export const NO_SELECTION: NifSelection = { netnsId: '', nifs: [] };

/**
 * Toggles interface `name` of netns `netnsId` in `sel`. Choosing an interface of another netns
 * starts a new selection there (one netns per capture). Returns a new object.
 */
export function toggleNif(sel: NifSelection, netnsId: string, name: string): NifSelection {
  if (sel.netnsId !== netnsId) return { netnsId, nifs: [name] };
  const nifs = sel.nifs.includes(name) ? sel.nifs.filter((n) => n !== name) : [...sel.nifs, name];
  return nifs.length === 0 ? NO_SELECTION : { netnsId, nifs };
}

/**
 * The capture target of a selection: its interfaces in the netns's own order (the order of
 * `network-interfaces` in the v1 document, so the URL does not depend on the click order),
 * dropping names that are gone or no longer operational. `undefined` when nothing capturable
 * is left.
 */
export function selectionTarget(
  ns: Parameters<typeof netnsTarget>[0] & {
    id: string;
    'network-interfaces': ReadonlyArray<{ name: string; operstate: string }>;
  },
  sel: NifSelection,
): CaptureTarget | undefined {
  if (sel.netnsId !== ns.id) return undefined;
  const names = ns['network-interfaces']
    .filter((n) => sel.nifs.includes(n.name) && capturable(n.operstate))
    .map((n) => n.name);
  return names.length === 0 ? undefined : netnsTarget(ns, names);
}
