// SPDX-License-Identifier: MIT
/**
 * @module test/integration/ports-bench
 *
 * Benchmark of port discovery (root): builds N namespaces `gwt-pb-<rand>-<i>`, each with a
 * `sleep` process (a "container"), a TCP listener and a UDP socket in every netns and an
 * established TCP connection in every 10th (all made by ONE python3 that setns()es via ctypes,
 * so the sockets live in the namespaces), then times `discoverPorts` with strategy `full` and
 * `auto` (median of 5), checks both report the same ports, and cleans up (processes by PID,
 * namespaces by name). Run: `npx vite-node test/integration/ports-bench.ts 100 500`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { discoverNamespaces } from '../../src/namespaces/index.js';
import { discoverNetwork } from '../../src/network/index.js';
import { discoverPorts, emptyPortStats, type PortStrategy } from '../../src/network/ports/index.js';
import { PYTHON, waitForOutput } from '../helpers/python.js';

const MAKER_PY = `
import ctypes, os, socket as S, sys, time
libc = ctypes.CDLL(None, use_errno=True)
own = os.open('/proc/self/ns/net', os.O_RDONLY)
keep = []
for i, name in enumerate(sys.argv[1:]):
    fd = os.open('/run/netns/' + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0: raise OSError(ctypes.get_errno(), 'setns')
    os.close(fd)
    l = S.socket(); l.bind(('0.0.0.0', 8000)); l.listen(4); keep.append(l)
    u = S.socket(S.AF_INET6, S.SOCK_DGRAM); u.bind(('::', 5353)); keep.append(u)
    if i % 10 == 0:
        c = S.socket(); c.connect(('127.0.0.1', 8000)); a, _ = l.accept(); keep += [c, a]
    libc.setns(own, 0x40000000)
print('READY', flush=True)
time.sleep(3600)
`;

async function bench(n: number): Promise<string> {
  const tag = `gwt-pb-${randomBytes(3).toString('hex')}`;
  const names = Array.from({ length: n }, (_, i) => `${tag}-${i}`);
  const procs: ChildProcess[] = [];
  try {
    for (const name of names) {
      execFileSync('ip', ['netns', 'add', name]);
      execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
      procs.push(
        spawn('nsenter', [`--net=/run/netns/${name}`, 'sleep', '3600'], { stdio: 'ignore' }),
      );
    }
    const maker = spawn(PYTHON, ['-c', MAKER_PY, ...names], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    procs.push(maker);
    await waitForOutput(maker, /READY\n/);
    await new Promise((r) => setTimeout(r, 500)); // let the sleeps enter their namespaces
    const only = new Set(names.map((x) => statSync(`/run/netns/${x}`).ino));
    const ns = await discoverNamespaces({ procRoot: '/proc' });
    const net = await discoverNetwork(ns.value, {});
    const lines: string[] = [];
    const seen = new Map<string, string>();
    for (const strategy of ['full', 'auto'] as PortStrategy[]) {
      const times: number[] = [];
      let stats = emptyPortStats();
      for (let k = 0; k < 5; k++) {
        stats = emptyPortStats();
        const t = performance.now();
        const r = await discoverPorts(ns.value, net.value, {
          strategy,
          only,
          stats,
          parallelism: 2,
        });
        times.push(performance.now() - t);
        if (r.problems.length > 0) throw new Error(JSON.stringify(r.problems.slice(0, 3)));
        const sig = [...r.value.entries()]
          .sort((x, y) => x[0] - y[0])
          .map(
            ([ino, ps]) =>
              `${ino}:${ps
                .map(
                  (p) =>
                    `${p.protocol}${p.family}${p.localAddress}:${p.localPort}-${p.remoteAddress}:${p.remotePort}/${p.inode}/${p.owners.length}`,
                )
                .sort()
                .join(',')}`,
          )
          .join('|');
        seen.set(strategy, sig);
      }
      times.sort((x, y) => x - y);
      lines.push(
        `N=${n} ${strategy}: median ${times[2]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)}) stats ${JSON.stringify(stats)}`,
      );
    }
    lines.push(`N=${n} same ports in both strategies: ${seen.get('full') === seen.get('auto')}`);
    return lines.join('\n');
  } finally {
    for (const p of procs) if (p.pid !== undefined && p.exitCode === null) p.kill('SIGKILL');
    for (const name of names) {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
      } catch {
        // never created
      }
    }
  }
}

for (const arg of process.argv.slice(2)) console.log(await bench(Number(arg)));
