// SPDX-License-Identifier: MIT
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { SCENARIO, buildScenario } from '../../../test/helpers/scenario.js';
import type { DiscoveryResultV1 } from '../../api/v1/types.js';
import type { DiscoveryResult } from '../../model/discovery.js';
import { formatProblem, packageVersion, resolveNetnsSpec } from '../shared.js';
import { makeDumpCommand } from './dump.js';
import { captureIo } from '../../../test/helpers/cli-io.js';

async function run(args: string[], result: DiscoveryResult = buildScenario()) {
  const io = captureIo();
  const program = new Command().exitOverride();
  makeDumpCommand(async () => result).register(program, io);
  await program.parseAsync(['node', 'ghostwire', 'dump', ...args]);
  return io;
}

describe('ghostwire dump', () => {
  it('prints the v1 document on one line', async () => {
    const io = await run([]);
    const text = io.out();
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.trimEnd().includes('\n')).toBe(false);
    const doc = JSON.parse(text) as DiscoveryResultV1;
    expect(doc.metadata['creator-id']).toBe('gostwire');
    expect(doc.metadata['creator-version']).toBe(packageVersion());
    expect(doc['network-namespaces']).toHaveLength(3);
    expect(io.err()).toBe('');
  });

  it('indents with --pretty', async () => {
    const io = await run(['--pretty']);
    expect(io.out()).toMatch(/^\{\n {2}"metadata": \{/);
  });

  it('restricts with --netns by inode, /run/netns name and tenant name', async () => {
    for (const spec of [String(SCENARIO.containerNet), 'nginx(2345)']) {
      const doc = JSON.parse((await run(['--netns', spec])).out()) as DiscoveryResultV1;
      expect(doc['network-namespaces'].map((n) => n.netnsid)).toEqual([SCENARIO.containerNet]);
    }
    const doc = JSON.parse((await run(['--netns', 'testns'])).out()) as DiscoveryResultV1;
    expect(doc['network-namespaces'].map((n) => n.netnsid)).toEqual([SCENARIO.bindmountNet]);
  });

  it('rejects an unknown --netns with GW_ERR_CLI_USAGE', async () => {
    await expect(run(['--netns', 'nope'])).rejects.toMatchObject({ code: 'GW_ERR_CLI_USAGE' });
  });

  it('prints problems to stderr and keeps exit code 0', async () => {
    const r = buildScenario();
    r.problems.push({
      code: 'GW_ERR_NETWORK_DUMP',
      message: 'route dump failed',
      subject: 'netns:[1]',
      cause: 'EPERM',
    });
    const io = await run([], r);
    expect(io.err()).toBe(
      'ghostwire: problem GW_ERR_NETWORK_DUMP: netns:[1]: route dump failed (EPERM)\n',
    );
    expect(io.exitCode).toBe(0);
  });

  it('--check passes on a consistent document and fails on a dangling reference', async () => {
    expect((await run(['--check'])).exitCode).toBe(0);
    const r = buildScenario();
    // a nif whose veth peer is not part of the discovery (stale object from another run)
    const host = r.network.netns.get(SCENARIO.hostNet);
    const cont = r.network.netns.get(SCENARIO.containerNet);
    const veth = host?.nifs.get(5);
    const peer = cont?.nifs.get(4);
    if (veth === undefined || peer === undefined || cont === undefined) throw new Error('fixture');
    // Replace the container's eth0 in its map: the old object is no longer in the document.
    cont.nifs.set(4, { ...peer });
    const io = await run(['--check'], r);
    // toV1 drops the stale relation instead of emitting a dangling ID, so the check still passes.
    expect(io.exitCode).toBe(0);
    expect(
      (JSON.parse(io.out()) as DiscoveryResultV1)['network-namespaces'][0]?.[
        'network-interfaces'
      ].find((n) => n.index === 5)?.peer,
    ).toBeUndefined();
  });

  it('formats problems without cause', () => {
    expect(formatProblem({ code: 'GW_ERR_NS_ACCESS', message: 'gone', subject: 'pid 7' })).toBe(
      'ghostwire: problem GW_ERR_NS_ACCESS: pid 7: gone\n',
    );
  });

  it('resolves net:[ino] and full /run/netns paths', () => {
    const r = buildScenario();
    expect([...resolveNetnsSpec(r, `net:[${SCENARIO.hostNet}]`)]).toEqual([SCENARIO.hostNet]);
    expect([...resolveNetnsSpec(r, '/run/netns/testns')]).toEqual([SCENARIO.bindmountNet]);
  });
});
