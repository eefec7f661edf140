// SPDX-License-Identifier: MIT
/**
 * @module api/v1/targets
 *
 * The `/mobyshark` document ("capture target discovery", reference §2.12): a flat list of the
 * places one can capture from, for Packetflix and the Wireshark extcap plugin. Per network
 * namespace: a netns without tenants is one `bindmount` target; a stand-alone process is a
 * `proc` target; containers of one pod (Kubernetes or podman) collapse into ONE `pod` target
 * (the first container seen wins, `prefix` always `""` as upstream); any other container is a
 * target of its v1 container type with its engine prefix. Interfaces whose operstate is DOWN
 * are left out (dumpcap refuses some of them). `starttime` (clock ticks since boot) lets
 * consumers detect netns inode reuse.
 */
import type { DiscoveryResult } from '../../model/discovery.js';
import { K8S_POD_NAME_LABEL, K8S_POD_NAMESPACE_LABEL } from '../../model/container.js';
import type { Container } from '../../model/container.js';
import { containerTypeV1 } from './containers.js';
import { metadataV1, orderedNetns } from './to-v1.js';
import type { MetadataV1 } from './types.js';

/** One capture target. Property order is the emitted order. */
export interface TargetV1 {
  name: string;
  type: string;
  netns: number;
  'network-interfaces': string[];
  pid: number;
  starttime: number;
  prefix: string;
}

/** The `/mobyshark` response. */
export interface TargetDiscoveryResultV1 {
  metadata: MetadataV1;
  containers: TargetV1[];
}

/** Pod key of a container (`<namespace>/<pod>` for Kubernetes, the podman pod name), if any. */
export function podOf(c: Container): string | undefined {
  const ns = c.labels[K8S_POD_NAMESPACE_LABEL];
  const name = c.labels[K8S_POD_NAME_LABEL];
  if (ns !== undefined && name !== undefined && name !== '') return `${ns}/${name}`;
  if (c.pod !== undefined && c.pod !== '') return c.pod;
  return undefined;
}

/** Builds the `/mobyshark` document from a discovery result. */
export function toTargetsV1(
  result: DiscoveryResult,
  opts: { creatorVersion: string },
): TargetDiscoveryResultV1 {
  const targets: TargetV1[] = [];
  const pods = new Set<string>();
  for (const ns of orderedNetns(result)) {
    const ino = ns.id.ino;
    const nn = result.network.netns.get(ino);
    const nifs =
      nn === undefined
        ? []
        : [...nn.nifs.values()]
            .filter((n) => n.operState !== 'DOWN')
            .sort((a, b) => a.index - b.index)
            .map((n) => n.name);
    const tenants = result.tenants.get(ino) ?? [];
    if (tenants.length === 0) {
      targets.push(bindmountTarget(ns.ref.join(':'), ino, nifs));
      continue;
    }
    for (const t of tenants) {
      if (t.type === 'bindmount') {
        targets.push(bindmountTarget(t.name, ino, nifs));
        continue;
      }
      const pid = t.process.pid;
      const starttime = t.process.starttime;
      const c = t.container;
      if (c === undefined) {
        targets.push({
          name: t.name,
          type: 'proc',
          netns: ino,
          'network-interfaces': [...nifs],
          pid,
          starttime,
          prefix: '',
        });
        continue;
      }
      const pod = podOf(c);
      if (pod !== undefined) {
        if (pods.has(pod)) continue;
        pods.add(pod);
        targets.push({
          name: pod,
          type: 'pod',
          netns: ino,
          'network-interfaces': [...nifs],
          pid,
          starttime,
          prefix: '',
        });
        continue;
      }
      targets.push({
        name: c.name,
        type: containerTypeV1(c.type).type,
        netns: ino,
        'network-interfaces': [...nifs],
        pid,
        starttime,
        prefix: c.prefix,
      });
    }
  }
  return { metadata: metadataV1(result, opts.creatorVersion), containers: targets };
}

function bindmountTarget(name: string, netns: number, nifs: string[]): TargetV1 {
  return {
    name,
    type: 'bindmount',
    netns,
    'network-interfaces': [...nifs],
    pid: 0,
    starttime: 0,
    prefix: '',
  };
}
