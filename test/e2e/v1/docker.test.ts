// SPDX-License-Identifier: MIT
/**
 * End-to-end through the built CLI: Docker containers on the default bridge (with a published
 * port), on a user network, with `--network none`, `container:<other>`, `host`, a paused one and
 * a compose v1 project with two services. `ghostwire dump --check` must list each container in
 * the netns of its initial process (inode from /proc/PID/ns/net) with eth0's IP as `docker
 * inspect` says, eth0's veth peer on docker0 / the user network's bridge, the engine's API path,
 * labels, status, `container-engines` metadata and PID namespace references;
 * `ghostwire containers --json` must agree and show the published port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResultV1 } from '../../../src/api/v1/types.js';
import type { EngineInfo } from '../../../src/cli/commands/containers.js';
import {
  IMAGE,
  docker,
  dockerFleet,
  gwtName,
  recordedPid,
  removeDockerFleet,
  run,
  startDockerFleet,
  unavailable,
} from '../engines/helpers.js';
import {
  containersJson,
  dump,
  ensureBuilt,
  ipv4Of,
  locate,
  locateOne,
  netnsByIno,
  netnsInode,
  nifById,
  nifNamed,
  pidnsContainerRefs,
} from './helpers.js';

const skip = unavailable('docker');

interface Inspect {
  Id: string;
  Name: string;
  State: { Pid: number; Paused: boolean };
  Config: { Labels: Record<string, string> | null };
  NetworkSettings: {
    Networks: Record<string, { IPAddress: string; NetworkID: string }>;
    Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
  };
}
const inspect = (name: string): Inspect =>
  (JSON.parse(docker('inspect', name)) as Inspect[])[0] as Inspect;

describe.skipIf(skip !== undefined)(
  `v1 document with Docker containers${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    const fleet = dockerFleet(gwtName());
    const { names, network, project } = fleet;
    let dockerPid: number;
    let doc: DiscoveryResultV1;
    let engines: EngineInfo[];
    let problems = '';
    let cliProblems = '';

    beforeAll(() => {
      ensureBuilt();
      dockerPid = recordedPid('docker') as number;
      startDockerFleet(fleet, [
        '-p',
        '127.0.0.1::80',
        IMAGE,
        'httpd',
        '-f',
        '-p',
        '80',
        '-h',
        '/var/www',
      ]);
      ({ doc, problems } = dump());
      ({ engines, problems: cliProblems } = containersJson());
    });

    afterAll(() => {
      removeDockerFleet(fleet);
    });

    it('lists the Docker engine in the metadata', () => {
      const info = JSON.parse(docker('info', '--format', '{{json .}}')) as {
        ID: string;
        ServerVersion: string;
      };
      expect(doc.metadata['container-engines']).toContainEqual({
        id: info.ID,
        type: 'docker.com',
        version: expect.stringMatching(/^\d+\.\d+/) as unknown as string,
        pid: dockerPid,
      });
      const mine = doc.metadata['container-engines'].find(
        (e) => e.pid === dockerPid && e.type === 'docker.com',
      );
      expect(info.ServerVersion.startsWith(mine?.version.split('+')[0] ?? '?')).toBe(true);
    });

    it('puts every container in the netns of its initial process with the fields docker inspect has', () => {
      const refs = pidnsContainerRefs(doc);
      for (const n of Object.values(names)) {
        const i = inspect(n);
        const { netns, container } = locateOne(doc, n, problems);
        expect(container.id, n).toBe(`cont-${i.State.Pid}`);
        expect(container.pid).toBe(i.State.Pid);
        expect(netns.netnsid, n).toBe(netnsInode(`/proc/${i.State.Pid}/ns/net`));
        expect(container.type).toBe('docker');
        expect(container['type-text']).toBe('Docker');
        expect(container['api-path']).toBe(`unix:///proc/${dockerPid}/root/run/docker.sock`);
        expect(container.prefix).toBe('');
        expect(container.labels).toEqual({
          ...(i.Config.Labels ?? {}),
          'turtlefinder/container/prefix': '',
        });
        expect(container.status).toBe(i.State.Paused ? 'paused' : 'running');
        expect(container.group).toBe('');
        expect(container.pidns).toBe(netnsInodeOfPidns(i.State.Pid));
        expect(refs.has(container.id), `${n} leads its PID namespace`).toBe(true);
      }
      expect(locateOne(doc, names.paused, problems).container.status).toBe('paused');
    });

    it('maps container ↔ netns ↔ eth0 ↔ IP ↔ bridge port as Docker configured it', () => {
      const hostIno = netnsInode('/proc/self/ns/net');
      const bridgeOf = (name: string, net: string): string => {
        const i = inspect(name);
        const { netns } = locateOne(doc, name, problems);
        const eth0 = nifNamed(netns, 'eth0');
        expect(eth0?.kind, name).toBe('veth');
        expect(ipv4Of(eth0)).toContain(i.NetworkSettings.Networks[net]?.IPAddress);
        const peer = nifById(doc, eth0?.peer?.['peer-idref'] ?? '');
        expect(peer?.netns.netnsid).toBe(hostIno);
        return peer?.nif.master?.name ?? '';
      };
      expect(bridgeOf(names.bridge, 'bridge')).toBe('docker0');
      const netId = inspect(names.user).NetworkSettings.Networks[network]?.NetworkID ?? '';
      expect(bridgeOf(names.user, network)).toBe(`br-${netId.slice(0, 12)}`);

      // --network none: only lo with 127.0.0.1
      const none = locateOne(doc, names.none, problems).netns;
      expect(none['network-interfaces'].map((n) => n.name)).toEqual(['lo']);
      expect(ipv4Of(nifNamed(none, 'lo'))).toEqual(['127.0.0.1']);

      // container:<other>: both containers are tenants of one netns
      const shared = locateOne(doc, names.shared, problems).netns;
      expect(shared.id).toBe(locateOne(doc, names.bridge, problems).netns.id);
      expect(shared.containers.map((c) => c.name)).toEqual(
        expect.arrayContaining([names.bridge, names.shared]),
      );

      // host: listed in the host netns, next to the host's own tenants
      const host = locateOne(doc, names.host, problems).netns;
      expect(host.netnsid).toBe(hostIno);
      expect(netnsByIno(doc, hostIno)?.containers.some((c) => c.type === 'proc')).toBe(true);
    });

    it('shows the compose project through labels, not as a v1 group', () => {
      for (const service of ['web', 'worker']) {
        const name = `${project}_${service}_1`;
        const { netns, container } = locateOne(doc, name, problems);
        expect(container.labels?.['com.docker.compose.project']).toBe(project);
        expect(container.labels?.['com.docker.compose.service']).toBe(service);
        expect(container.group).toBe('');
        expect(netns['container-groups']).toEqual([]);
        const i = inspect(name);
        expect(ipv4Of(nifNamed(netns, 'eth0'))).toContain(
          i.NetworkSettings.Networks[`${project}_default`]?.IPAddress,
        );
      }
      expect(locate(doc, 'kthreadd(2)')).toEqual([]);
    });

    it('agrees with ghostwire containers --json, incl. the published port and the compose group', () => {
      const engine = engines.find((e) => e.type === 'docker.com' && e.pid === dockerPid);
      expect(engine?.['api-path']).toBe(`unix:///proc/${dockerPid}/root/run/docker.sock`);
      for (const n of Object.values(names)) {
        const c = engine?.containers.find((x) => x.name === n);
        const { netns, container } = locateOne(doc, n, problems);
        expect(c, `${n}: ${cliProblems}`).toMatchObject({
          id: inspect(n).Id,
          type: 'docker',
          pid: container.pid,
          netns: netns.netnsid,
          status: container.status,
        });
      }
      const bridge = engine?.containers.find((x) => x.name === names.bridge);
      expect(bridge?.addresses.map((a) => a.address)).toContain(
        inspect(names.bridge).NetworkSettings.Networks['bridge']?.IPAddress,
      );
      const binding = inspect(names.bridge).NetworkSettings.Ports?.['80/tcp']?.[0];
      expect(bridge?.['published-ports']).toEqual([
        {
          hostIp: '127.0.0.1',
          hostPort: Number(binding?.HostPort),
          containerPort: 80,
          protocol: 'tcp',
        },
      ]);
      expect(engine?.containers.find((x) => x.name === names.host)?.['host-netns']).toBe(true);
      const web = engine?.containers.find((x) => x.name === `${project}_web_1`);
      expect(web?.groups).toEqual([{ type: 'compose', name: project }]);
    });
  },
);

/** PID namespace inode of a process. */
function netnsInodeOfPidns(pid: number): number {
  const m = /^pid:\[(\d+)\]$/.exec(run('readlink', [`/proc/${pid}/ns/pid`]));
  return Number(m?.[1]);
}
