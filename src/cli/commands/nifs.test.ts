// SPDX-License-Identifier: MIT
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { SCENARIO, buildScenario } from '../../../test/helpers/scenario.js';
import { makeNifsCommand, nifsJson, painter, renderNifs, sortNifs } from './nifs.js';
import { captureIo } from '../../../test/helpers/cli-io.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/;

async function run(args: string[], color = false) {
  const io = captureIo(color);
  const program = new Command().exitOverride();
  makeNifsCommand(async () => buildScenario()).register(program, io);
  await program.parseAsync(['node', 'ghostwire', 'nifs', ...args]);
  return io;
}

describe('renderNifs', () => {
  it('has no ANSI escapes without colour and has them with colour', () => {
    const plain = renderNifs(buildScenario(), { color: false });
    expect(ANSI.test(plain)).toBe(false);
    const colored = renderNifs(buildScenario(), { color: true });
    expect(ANSI.test(colored)).toBe(true);
    expect(colored.replace(new RegExp(ANSI.source, 'g'), '')).toBe(plain);
  });

  it('groups by netns: host first, then by tenant name, process-less last', () => {
    const text = renderNifs(buildScenario(), { color: false });
    const headers = text.split('\n').filter((l) => l.startsWith('net:['));
    expect(headers).toEqual([
      `net:[${SCENARIO.hostNet}] (host) systemd(1)`,
      `net:[${SCENARIO.containerNet}] nginx(2345), sh(2400)`,
      `net:[${SCENARIO.bindmountNet}] /run/netns/testns`,
    ]);
  });

  it('shows kind, state, MAC, addresses and one line per relation', () => {
    const text = renderNifs(buildScenario(), { color: false });
    expect(text).toContain(
      '  lo(1)  loopback  UNKNOWN  00:00:00:00:00:00  mtu 65536\n      addresses 127.0.0.1/8, ::1/128',
    );
    expect(text).toContain(
      '  docker0(3) ~bridge  bridge  UP  02:42:ac:11:00:01  mtu 1500\n      addresses 172.17.0.1/16\n      port veth3f2a1b0(5)',
    );
    expect(text).toContain(
      `      bridge docker0(3)\n      peer eth0(4) in net:[${SCENARIO.containerNet}] nginx(2345)`,
    );
    expect(text).toContain(`      peer veth3f2a1b0(5) in net:[${SCENARIO.hostNet}] systemd(1)`);
    expect(text).toContain(
      `      macvlan mv0(7) in net:[${SCENARIO.bindmountNet}] /run/netns/testns`,
    );
    expect(text).toContain('      vlan eth0.10(10)');
    expect(text).toContain('      overlay vx666(9) VNI 666');
    expect(text).toContain('  vx666(9)  vxlan VNI 666 port 4789  UP');
    expect(text).toContain(
      '      underlay eth0(2)\n      tunnel local 192.168.1.20 remote 239.1.1.1',
    );
    expect(text).toContain(`      lower eth0(2) in net:[${SCENARIO.hostNet}] systemd(1)`);
    expect(text).toContain(`      sr-iov vf ens1f0v0(3) in net:[${SCENARIO.bindmountNet}]`);
    expect(text).toContain(`      sr-iov pf ens1f0(6) in net:[${SCENARIO.hostNet}]`);
    expect(text).toContain('  tap0(11)  tap  UP');
    expect(text).toMatch(/ {2}tap0\(11\)[^\n]*\n {6}processors 4711\/qemu-system-x86\n/);
    expect(text).toMatch(/ {2}tun0\(12\)[^\n]*\n {6}processors \(none\)\n/);
    expect(text).toContain('  eth0(2)  physical (e1000e)  UP  3c:52:82:11:22:33');
  });

  it('lists lo first, then by name', () => {
    const h = buildScenario().network.netns.get(SCENARIO.hostNet);
    if (h === undefined) throw new Error('fixture');
    expect(sortNifs(h.nifs.values()).map((n) => n.name)).toEqual([
      'lo',
      'docker0',
      'ens1f0',
      'eth0',
      'eth0.10',
      'tap0',
      'tun0',
      'veth3f2a1b0',
      'vx6',
      'vx666',
    ]);
  });

  it('paints only when asked', () => {
    expect(painter(false)('x', 'bold')).toBe('x');
    expect(painter(true)('x', 'bold', 'red')).toBe('\x1b[1;31mx\x1b[0m');
  });
});

describe('ghostwire nifs', () => {
  it('prints plain text when io.color is false, colour when true', async () => {
    expect(ANSI.test((await run([])).out())).toBe(false);
    expect(ANSI.test((await run([], true)).out())).toBe(true);
  });

  it('restricts with --netns', async () => {
    const out = (await run(['--netns', 'testns'])).out();
    expect(out.split('\n').filter((l) => l.startsWith('net:['))).toEqual([
      `net:[${SCENARIO.bindmountNet}] /run/netns/testns`,
    ]);
  });

  it('--json prints the model with IDs instead of references', async () => {
    const data = JSON.parse((await run(['--json'])).out()) as {
      netns: Array<{ id: string; nifs: Array<Record<string, unknown>> }>;
    };
    expect(data.netns.map((n) => n.id)).toEqual([
      `netns-${SCENARIO.hostNet}`,
      `netns-${SCENARIO.containerNet}`,
      `netns-${SCENARIO.bindmountNet}`,
    ]);
    const veth = data.netns[0]?.nifs.find((n) => n['name'] === 'veth3f2a1b0');
    expect(veth).toMatchObject({
      master: `nif-${SCENARIO.hostNet}-3`,
      peer: `nif-${SCENARIO.containerNet}-4`,
      kind: 'veth',
    });
    expect(JSON.stringify(nifsJson(buildScenario()))).not.toContain('[object');
  });
});
