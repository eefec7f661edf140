// SPDX-License-Identifier: MIT
/**
 * End-to-end through the built CLI: podman containers (CNI bridge with a published port,
 * `--network none`, paused) and a pod (infra + member). `ghostwire dump --check` must list each
 * container in the netns of its initial process with eth0's IP as `podman inspect` says and
 * eth0's veth peer on podman's bridge; the pod must be ONE v1 `pod` group in the pod's netns
 * holding the infra and the member container, referenced by their `group`; the podman engine
 * must be in `container-engines`. `ghostwire containers --json` must agree (pod group,
 * published port as `podman port` shows it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResultV1 } from '../../../src/api/v1/types.js';
import type { EngineInfo } from '../../../src/cli/commands/containers.js';
import { IMAGE, gwtName, podman, recordedPid, tryRun, unavailable } from '../engines/helpers.js';
import {
  containersJson,
  dump,
  ensureBuilt,
  ipv4Of,
  locateOne,
  netnsInode,
  nifById,
  nifNamed,
} from './helpers.js';

const skip = unavailable('podman');

interface Inspect {
  Id: string;
  State: { Pid: number; Paused: boolean };
  Config: { Labels: Record<string, string> | null };
  NetworkSettings: {
    IPAddress?: string;
    Networks?: Record<string, { IPAddress: string }> | null;
  } | null;
}
const inspect = (name: string): Inspect =>
  (JSON.parse(podman('inspect', name)) as Inspect[])[0] as Inspect;

describe.skipIf(skip !== undefined)(
  `v1 document with podman containers and a pod${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    const tag = gwtName();
    const names = {
      plain: `${tag}-plain`,
      none: `${tag}-none`,
      paused: `${tag}-paused`,
      member: `${tag}-member`,
    };
    const pod = `${tag}-pod`;
    let podmanPid: number;
    let infra: { id: string; name: string };
    let doc: DiscoveryResultV1;
    let problems = '';
    let engines: EngineInfo[];
    let cliProblems = '';

    beforeAll(() => {
      ensureBuilt();
      podmanPid = recordedPid('podman') as number;
      const lbl = ['--label', `gwt.test=${tag}`];
      podman(
        'run',
        '-d',
        '--name',
        names.plain,
        '-p',
        '127.0.0.1::80',
        ...lbl,
        IMAGE,
        'sleep',
        '1d',
      );
      podman('run', '-d', '--name', names.none, '--network', 'none', ...lbl, IMAGE, 'sleep', '1d');
      podman('run', '-d', '--name', names.paused, ...lbl, IMAGE, 'sleep', '1d');
      podman('pause', names.paused);
      podman('pod', 'create', '--name', pod);
      podman('run', '-d', '--name', names.member, '--pod', pod, ...lbl, IMAGE, 'sleep', '1d');
      const infraId = (JSON.parse(podman('pod', 'inspect', pod)) as { InfraContainerID: string })
        .InfraContainerID;
      infra = { id: infraId, name: podman('inspect', '--format', '{{.Name}}', infraId) };
      ({ doc, problems } = dump());
      ({ engines, problems: cliProblems } = containersJson());
    });

    afterAll(() => {
      tryRun('podman', ['pod', 'rm', '-f', '-t', '0', pod]);
      for (const n of Object.values(names)) tryRun('podman', ['rm', '-f', '-t', '0', n]);
    });

    it('lists the podman engine in the metadata', () => {
      const e = doc.metadata['container-engines'].find((x) => x.pid === podmanPid);
      expect(e, problems).toMatchObject({
        type: 'podman.io',
        version: expect.stringMatching(/^4\./) as unknown as string,
      });
      expect(e?.version).toBe(
        JSON.parse(podman('version', '--format', '{{json .Server.Version}}')),
      );
    });

    it('puts every container in the netns of its initial process with the fields podman inspect has', () => {
      for (const n of [...Object.values(names), infra.name]) {
        const i = inspect(n);
        const { netns, container } = locateOne(doc, n, problems);
        expect(container.id).toBe(`cont-${i.State.Pid}`);
        expect(netns.netnsid, n).toBe(netnsInode(`/proc/${i.State.Pid}/ns/net`));
        expect(container).toMatchObject({
          type: 'podman',
          'type-text': 'Podman',
          prefix: '',
          status: i.State.Paused ? 'paused' : 'running',
        });
        expect(container['api-path']).toBe(`unix:///proc/${podmanPid}/root/run/podman/podman.sock`);
        expect(container.labels).toEqual({
          ...(i.Config.Labels ?? {}),
          'turtlefinder/container/prefix': '',
        });
      }
      expect(locateOne(doc, names.paused, problems).container.status).toBe('paused');
      expect(locateOne(doc, names.plain, problems).container.group).toBe('');

      // eth0 carries the IP podman assigned; its veth peer is a port of podman's bridge in the host netns
      const plain = locateOne(doc, names.plain, problems).netns;
      const eth0 = nifNamed(plain, 'eth0');
      expect(ipv4Of(eth0)).toContain(
        inspect(names.plain).NetworkSettings?.Networks?.['podman']?.IPAddress,
      );
      const peer = nifById(doc, eth0?.peer?.['peer-idref'] ?? '');
      expect(peer?.netns.netnsid).toBe(netnsInode('/proc/self/ns/net'));
      expect(peer?.nif.master?.name).toMatch(/^(cni-)?podman\d+$/);
      // --network none: loopback only
      expect(
        locateOne(doc, names.none, problems).netns['network-interfaces'].map((n) => n.name),
      ).toEqual(['lo']);
    });

    it('emits the pod as one v1 group in its netns, referenced by infra and member', () => {
      const member = locateOne(doc, names.member, problems);
      const inf = locateOne(doc, infra.name, problems);
      expect(member.netns.id).toBe(inf.netns.id);
      const groups = member.netns['container-groups'];
      expect(groups).toHaveLength(1);
      expect(groups[0]).toMatchObject({ name: pod, type: 'pod', 'type-text': 'Pod' });
      expect([...(groups[0]?.['container-idrefs'] ?? [])].sort()).toEqual(
        [member.container.id, inf.container.id].sort(),
      );
      expect(member.container.group).toBe(groups[0]?.id);
      expect(inf.container.group).toBe(groups[0]?.id);
      expect(ipv4Of(nifNamed(member.netns, 'eth0'))).toContain(
        inspect(names.member).NetworkSettings?.Networks?.['podman']?.IPAddress,
      );
      // group IDs are unique across the document
      const ids = doc['network-namespaces'].flatMap((n) => n['container-groups'].map((g) => g.id));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('agrees with ghostwire containers --json, incl. the pod and the published port', () => {
      const engine = engines.find((e) => e.type === 'podman.io' && e.pid === podmanPid);
      expect(engine, cliProblems).toBeDefined();
      const member = engine?.containers.find((c) => c.name === names.member);
      expect(member?.groups).toEqual([{ type: 'pod', name: pod }]);
      expect(member?.netns).toBe(locateOne(doc, names.member, problems).netns.netnsid);
      const plain = engine?.containers.find((c) => c.name === names.plain);
      const m = /^80\/tcp -> 127\.0\.0\.1:(\d+)$/.exec(podman('port', names.plain));
      expect(plain?.['published-ports']).toEqual([
        { hostIp: '127.0.0.1', hostPort: Number(m?.[1]), containerPort: 80, protocol: 'tcp' },
      ]);
      expect(plain?.addresses.map((a) => a.address)).toContain(
        inspect(names.plain).NetworkSettings?.Networks?.['podman']?.IPAddress,
      );
    });
  },
);
