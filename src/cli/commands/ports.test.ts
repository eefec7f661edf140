// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import type { Process } from '../../model/namespace.js';
import type { Port } from '../../model/port.js';
import { portRows, portsJson, renderTable } from './ports.js';

const proc = (pid: number, comm: string): Process => ({ pid, comm, cmdline: [comm] }) as unknown as Process;

function port(over: Partial<Port>): Port {
  return {
    family: 4, protocol: 'tcp', localAddress: '0.0.0.0', localPort: 80, localServiceName: 'http', remoteAddress: '0.0.0.0', remotePort: 0,
    remoteServiceName: '', kernelState: 10, state: 'listening', macrostate: 'listening', inode: 1, cookie: 0n, uid: 0, boundIfIndex: 0,
    rqueue: 0, wqueue: 0, v6only: undefined, ipv4Mapped: false, aliasOf: undefined, owners: [], nifs: [], netns: {} as Port['netns'], ...over,
  };
}

describe('ghostwire ports rendering', () => {
  const nginx = proc(20, 'nginx');
  const ports = new Map<number, Port[]>([
    [5, [
      port({ owners: [{ process: nginx, leader: proc(10, 'init') }] }),
      port({ family: 4, ipv4Mapped: true, localPort: 81 }),
      port({ family: 6, localAddress: '::ffff:10.0.0.1', localPort: 81, remoteAddress: '::ffff:10.0.0.2', remotePort: 5000, localServiceName: '', kernelState: 1, state: 'connected', macrostate: 'connected' }),
    ]],
  ]);
  it('prints one row per socket (no dual-stack alias rows), owners with tenant', () => {
    const rows = portRows(ports, false);
    expect(rows.slice(1)).toEqual([
      ['5', 'tcp', '0.0.0.0:80 (http)', '0.0.0.0:*', 'listening', '20/nginx (init(10))'],
      ['5', 'tcp6', '10.0.0.1:81', '10.0.0.2:5000', 'connected', '-'],
    ]);
    expect(renderTable(rows).split('\n')[0]).toMatch(/^NETNS {2}PROTO {2}LOCAL +REMOTE +STATE +PID\/COMM \(TENANT\)$/);
  });
  it('filters --listening in table and JSON', () => {
    expect(portRows(ports, true)).toHaveLength(2);
    const j = portsJson(ports, true);
    expect(j[0]?.['transport-ports'].ipv4).toHaveLength(2);
    expect(j[0]?.['transport-ports'].ipv6).toHaveLength(0);
  });
});
