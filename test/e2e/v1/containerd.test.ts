// SPDX-License-Identifier: MIT
/**
 * End-to-end through the built CLI: a containerd container started with `ctr` inside a network
 * namespace made by this test (`ip netns add`, plus a veth pair into it with an address).
 * `ghostwire dump --check` must show that netns (inode of /run/netns/<name>) with the container
 * as its tenant (instead of a bind-mount pseudo tenant), the interface and IP the test
 * configured, the veth peer in the host netns, and containerd plus its CRI plugin in
 * `container-engines`; pausing the task must show as `paused`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IMAGE,
  ctr,
  gwtName,
  recordedPid,
  removeCtr,
  run,
  tryRun,
  unavailable,
} from '../engines/helpers.js';
import {
  containersJson,
  dump,
  ensureBuilt,
  ipv4Of,
  locateOne,
  netnsByIno,
  netnsInode,
  nifById,
  nifNamed,
} from './helpers.js';

const skip = unavailable('containerd');

describe.skipIf(skip !== undefined)(
  `v1 document with a ctr container${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    const id = gwtName('ctr');
    const netns = gwtName('ns');
    // veth names are limited to 15 characters
    const suffix = id.slice(4, 12);
    const hostVeth = `gwh${suffix}`;
    const nsVeth = `gwc${suffix}`;
    let containerdPid: number;
    let taskPid: number;

    beforeAll(() => {
      ensureBuilt();
      containerdPid = recordedPid('containerd') as number;
      run('ip', ['netns', 'add', netns]);
      run('ip', ['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nsVeth, 'netns', netns]);
      run('ip', ['-n', netns, 'addr', 'add', '10.251.7.2/24', 'dev', nsVeth]);
      run('ip', ['-n', netns, 'link', 'set', nsVeth, 'up']);
      ctr(
        '-n',
        'default',
        'run',
        '-d',
        '--label',
        `gwt.test=${id}`,
        '--with-ns',
        `network:/var/run/netns/${netns}`,
        IMAGE,
        id,
        'sleep',
        '1d',
      );
      taskPid = Number(
        ctr('-n', 'default', 'tasks', 'ls')
          .split('\n')
          .find((l) => l.startsWith(`${id} `))
          ?.trim()
          .split(/\s+/)[1],
      );
    });

    afterAll(() => {
      removeCtr(id);
      tryRun('ip', ['link', 'delete', hostVeth]);
      tryRun('ip', ['netns', 'delete', netns]);
    });

    it('shows the container as the tenant of the netns made for it, with its interface and IP', () => {
      const { doc, problems } = dump();
      const ino = netnsInode(`/run/netns/${netns}`);
      const { netns: n, container } = locateOne(doc, id, problems);
      expect(n.netnsid).toBe(ino);
      expect(netnsInode(`/proc/${taskPid}/ns/net`)).toBe(ino);
      expect(n.containers.map((c) => c.type)).not.toContain('bindmount');
      expect(container).toMatchObject({
        id: `cont-${taskPid}`,
        pid: taskPid,
        type: 'containerd',
        'type-text': 'Containerd',
        status: 'running',
        prefix: '',
        group: '',
        'api-path': `unix:///proc/${containerdPid}/root/run/containerd/containerd.sock`,
      });
      expect(container.labels?.['gwt.test']).toBe(id);
      const nif = nifNamed(n, nsVeth);
      expect(ipv4Of(nif)).toEqual(['10.251.7.2']);
      const peer = nifById(doc, nif?.peer?.['peer-idref'] ?? '');
      expect(peer?.nif.name).toBe(hostVeth);
      expect(peer?.netns.netnsid).toBe(netnsInode('/proc/self/ns/net'));

      const engines = doc.metadata['container-engines'].filter((e) => e.pid === containerdPid);
      expect(engines.map((e) => e.type).sort()).toEqual(['containerd.io', 'k8s.io/cri-api']);
      expect(netnsByIno(doc, ino)?.['container-groups']).toEqual([]);
    });

    it('reports the paused task as paused, in the document and in ghostwire containers --json', () => {
      ctr('-n', 'default', 'tasks', 'pause', id);
      try {
        const { doc, problems } = dump();
        expect(locateOne(doc, id, problems).container.status).toBe('paused');
        const { engines, problems: cliProblems } = containersJson();
        const c = engines
          .find((e) => e.type === 'containerd.io' && e.pid === containerdPid)
          ?.containers.find((x) => x.name === id);
        expect(c, cliProblems).toMatchObject({
          type: 'containerd',
          status: 'paused',
          pid: taskPid,
          netns: netnsInode(`/run/netns/${netns}`),
          'published-ports': [],
        });
        expect(c?.addresses).toEqual([{ interface: nsVeth, address: '10.251.7.2', prefixlen: 24 }]);
      } finally {
        ctr('-n', 'default', 'tasks', 'resume', id);
      }
    });
  },
);
