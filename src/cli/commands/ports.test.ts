// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { SCENARIO, buildScenario } from '../../../test/helpers/scenario.js';
import type { Process } from '../../model/namespace.js';
import type { Port } from '../../model/port.js';
import type { Tenant } from '../../model/tenant.js';
import { renderTable } from '../shared.js';
import { portRows, portsJson, runPorts, selectPorts } from './ports.js';
import { captureIo, type CapturedIo } from '../../../test/helpers/cli-io.js';

const proc = (pid: number, comm: string): Process =>
  ({ pid, comm, cmdline: [comm] }) as unknown as Process;

function port(over: Partial<Port>): Port {
  return {
    family: 4,
    protocol: 'tcp',
    localAddress: '0.0.0.0',
    localPort: 80,
    localServiceName: 'http',
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    remoteServiceName: '',
    kernelState: 10,
    state: 'listening',
    macrostate: 'listening',
    inode: 1,
    cookie: 0n,
    uid: 0,
    boundIfIndex: 0,
    rqueue: 0,
    wqueue: 0,
    v6only: undefined,
    ipv4Mapped: false,
    aliasOf: undefined,
    owners: [],
    nifs: [],
    netns: {} as Port['netns'],
    ...over,
  };
}

const io = (): CapturedIo => captureIo();

describe('ghostwire ports rendering', () => {
  const nginx = proc(20, 'nginx');
  const init = proc(10, 'init');
  const web = { type: 'proc', name: 'web', process: init } as unknown as Tenant;
  const ports = new Map<number, Port[]>([
    [
      5,
      [
        port({
          owners: [
            { process: nginx, leader: init, tenant: web },
            { process: proc(21, 'nginx'), leader: init, tenant: web },
          ],
        }),
        port({ family: 4, ipv4Mapped: true, localPort: 81 }),
        port({
          family: 6,
          localAddress: '::ffff:10.0.0.1',
          localPort: 81,
          remoteAddress: '::ffff:10.0.0.2',
          remotePort: 5000,
          localServiceName: '',
          kernelState: 1,
          state: 'connected',
          macrostate: 'connected',
        }),
        port({
          protocol: 'udp',
          localPort: 53,
          owners: [{ process: nginx, leader: nginx, tenant: undefined }],
        }),
      ],
    ],
  ]);
  it('prints one row per socket (no dual-stack alias rows), owners and their tenants', () => {
    const rows = portRows(ports, false);
    expect(rows.slice(1)).toEqual([
      ['5', 'tcp', '0.0.0.0:80 (http)', '0.0.0.0:*', 'listening', '20/nginx, 21/nginx', 'web'],
      ['5', 'tcp6', '10.0.0.1:81', '10.0.0.2:5000', 'connected', '-', '-'],
      ['5', 'udp', '0.0.0.0:53 (http)', '0.0.0.0:*', 'listening', '20/nginx', 'nginx(20)'],
    ]);
    expect(renderTable(rows).split('\n')[0]).toMatch(
      /^NETNS {2}PROTO {2}LOCAL +REMOTE +STATE +PID\/COMM +TENANT$/,
    );
  });
  it('filters --listening in table and JSON; JSON names the referenced tenants', () => {
    expect(portRows(ports, true)).toHaveLength(3);
    const j = portsJson(ports, true);
    expect(j[0]?.['transport-ports'].ipv4).toHaveLength(3);
    expect(j[0]?.['transport-ports'].ipv6).toHaveLength(0);
    expect(j[0]?.tenants).toEqual({ 'cont-10': 'web' });
    expect(j[0]?.['transport-ports'].ipv4[0]?.owners[0]).toEqual({
      pid: 20,
      cmdline: 'nginx',
      'container-idref': 'cont-10',
    });
  });
});

describe('ghostwire ports over a discovery result', () => {
  it('uses the ports of the discovery, restricted by --netns', async () => {
    const r = buildScenario();
    expect([...selectPorts(r, undefined).keys()]).toEqual([
      SCENARIO.hostNet,
      SCENARIO.containerNet,
    ]);
    const o = io();
    await runPorts(o, { netns: 'nginx(2345)' }, async () => r);
    const lines = o.out().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${SCENARIO.containerNet} +tcp +0\\.0\\.0\\.0:80 \\(http\\) +0\\.0\\.0\\.0:\\* +listening +2345/nginx, 2346/nginx +nginx\\(2345\\)$`,
      ),
    );
    expect(o.err()).toBe('');
  });
  it('prints JSON with --json --listening', async () => {
    const o = io();
    await runPorts(o, { json: true, listening: true }, async () => buildScenario());
    const j = JSON.parse(o.out()) as Array<{ netnsid: number; tenants: Record<string, string> }>;
    expect(j.map((e) => e.netnsid)).toEqual([SCENARIO.hostNet, SCENARIO.containerNet]);
    expect(j[0]?.tenants).toEqual({ 'cont-1': 'systemd(1)' });
  });
});
