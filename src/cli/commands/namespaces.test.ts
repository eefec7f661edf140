// SPDX-License-Identifier: MIT
/** Unit tests of `ghostwire namespaces` over the fake procfs tree (no root, no addon). */
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { discoverNamespaces } from '../../namespaces/index.js';
import { makeNamespacesCommand, parseTypes } from './namespaces.js';
import { captureIo } from '../../../test/helpers/cli-io.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/proc/basic', import.meta.url));
const discover = () => discoverNamespaces({ procRoot: ROOT, hierarchy: false, socketNetns: false });

async function run(args: string[]) {
  const io = captureIo();
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  makeNamespacesCommand(discover).register(program, io);
  let thrown: unknown;
  try {
    await program.parseAsync(['node', 'ghostwire', 'namespaces', ...args]);
  } catch (e: unknown) {
    thrown = e; // commander's exitOverride for --help
  }
  return { out: io.out(), err: io.err(), io, thrown };
}

describe('ghostwire namespaces', () => {
  it('prints a table with how found, relations and leaders', async () => {
    const { out, err, io } = await run(['--type', 'net']);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^TYPE\s+INODE\s+FOUND\s+RELATED\s+LEADERS \/ REF$/);
    expect(
      lines.some((l) => /^net\s+4026532200\s+process\s+owner -\s+a\) \(b c\(42\)$/.test(l)),
    ).toBe(true);
    expect(
      lines.some((l) => l.includes('4026532100') && l.includes('bind mount /run/netns/blue')),
    ).toBe(true);
    expect(lines.some((l) => l.includes('4026532999') && l.includes(`fd ${ROOT}/42/fd/4`))).toBe(
      true,
    );
    expect(lines.every((l) => l.startsWith('net') || l.startsWith('TYPE'))).toBe(true);
    expect(err).toMatch(/^ghostwire: \d+ problems? during namespace discovery:\n {2}GW_ERR_/);
    expect(io.exitCode).toBe(0);
  });

  it('prints JSON with ID references', async () => {
    const { out } = await run(['--json', '--type', 'net,pid']);
    const doc = JSON.parse(out) as {
      namespaces: Array<{
        type: string;
        ino: number;
        leaders: number[];
        sources: unknown[];
        parent: number | null;
      }>;
      processes: Array<{ pid: number; namespaces: Record<string, number> }>;
      problems: unknown[];
    };
    expect(new Set(doc.namespaces.map((n) => n.type))).toEqual(new Set(['net', 'pid']));
    const cont = doc.namespaces.find((n) => n.ino === 4026532200);
    expect(cont?.leaders).toEqual([42]);
    expect(doc.processes.find((p) => p.pid === 42)?.namespaces['net']).toBe(4026532200);
    expect(doc.namespaces.find((n) => n.ino === 4026532100)?.sources).toEqual([
      {
        kind: 'bindmount',
        'mount-point': '/run/netns/blue',
        mntns: 4026531841,
        path: '/run/netns/blue',
      },
    ]);
    expect(doc.problems.length).toBeGreaterThan(0);
  });

  it('rejects unknown types and has --help', async () => {
    expect(() => parseTypes('net,bogus')).toThrow(/unknown namespace type "bogus"/);
    expect(parseTypes(undefined)).toHaveLength(8);
    const help = await run(['--help']);
    expect(help.out).toMatch(/Usage: .*namespaces \[options\]/);
    expect(help.out).toContain('--json');
    expect(help.out).toContain('--type <types>');
  });
});
