// SPDX-License-Identifier: MIT
/**
 * @module scripts/bench/build
 *
 * Builds and removes the benchmark's synthetic host (see plan.mjs) with as few processes as
 * possible: one `ip -batch` for all top-level netns, one for the hub's links, then one
 * `ip -n <netns> -batch -` per netns (a few in parallel). Everything it creates is named
 * `gwt-bench-<rand>-…`; removal deletes exactly those netns and kills exactly the PIDs it
 * started. Needs root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chainCommands, planHost } from './plan.mjs';

/** Runs `cmd args` with `input` on stdin; rejects with stderr on failure. */
export function run(cmd, args, input = '') {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err.trim()}`)),
    );
    child.stdin.end(input);
  });
}

async function pool(items, width, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

const batch = (lines) => `${lines.join('\n')}\n`;

/** A built host; `destroy()` removes everything and is safe to call more than once. */
export class BenchHost {
  constructor(prefix) {
    this.prefix = prefix;
    this.netns = [];
    this.pids = [];
    this.destroyed = false;
  }

  /** Creates the host for `n` netns. On failure the caller must still call destroy(). */
  async build(n) {
    const plan = planHost(n, this.prefix);
    const chainMembers = new Set(plan.chainHeads.flatMap((c) => c.members));
    const top = plan.netns.filter((x) => !chainMembers.has(x));
    // Record names BEFORE creating them, so an interrupted build is still cleaned up.
    this.netns.push(...plan.netns);
    await run('ip', ['-batch', '-'], batch(top.map((x) => `netns add ${x}`)));
    await run('ip', ['-n', plan.hub, '-batch', '-'], batch(plan.hubCmds));
    await pool([...plan.nsCmds], 6, ([ns, lines]) =>
      run('ip', ['-n', ns, '-batch', '-'], batch(lines)),
    );
    for (const chain of plan.chainHeads) {
      const c = chainCommands(chain);
      // nsenter switches only the netns (ip -n / ip netns exec would also give ip a private
      // mount namespace, where the new netns' bind mount would not be visible on the host).
      await run(
        'nsenter',
        [`--net=/run/netns/${chain.head}`, 'ip', '-batch', '-'],
        batch(c.inHead),
      );
      await run(
        'nsenter',
        [`--net=/run/netns/${chain.members[0]}`, 'ip', '-batch', '-'],
        batch(c.inC1),
      );
      await run('ip', ['-n', chain.members[1], '-batch', '-'], batch(c.inC2));
    }
    for (const ns of plan.sleepers)
      this.#startSleeper(['ip', 'netns', 'exec', ns, 'sleep', '100000']);
    for (let j = 0; j < plan.processOnly; j++) {
      const pid = this.#startSleeper(['unshare', '--net', 'sleep', '100000']);
      await waitForOwnNetns(pid);
      await run(
        'ip',
        ['-n', plan.hub, '-batch', '-'],
        batch([
          `link add pv${j} type veth peer name eth0 netns ${pid}`,
          `link set pv${j} master br0`,
          `link set pv${j} up`,
        ]),
      );
    }
    return plan;
  }

  /**
   * The forwarding scenario: every `every`-th netns of the plan gets an nf_tables `ip nat` table
   * with a prerouting nat chain of `rules` DNAT rules (the others have no NAT tables).
   */
  async addNat(plan, every = 10, rules = 20) {
    const picked = plan.netns.filter((_x, i) => i % every === 0);
    await pool(picked, 6, (ns) => {
      const lines = [
        'table ip nat {',
        '  chain prerouting {',
        '    type nat hook prerouting priority dstnat; policy accept;',
      ];
      for (let k = 0; k < rules; k++)
        lines.push(`    tcp dport ${8000 + k} dnat to 10.250.${k}.2:80`);
      lines.push('  }', '}');
      return run('nsenter', [`--net=/run/netns/${ns}`, 'nft', '-f', '-'], batch(lines));
    });
    return picked.length;
  }

  #startSleeper(argv) {
    const [cmd, ...args] = argv;
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.unref();
    if (child.pid === undefined) throw new Error(`cannot start ${argv.join(' ')}`);
    this.pids.push(child.pid);
    return child.pid;
  }

  /** Kills the started processes (by PID) and deletes the created netns. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const existing = this.netns.filter(
      (x) => x.startsWith(this.prefix) && existsSync(`/run/netns/${x}`),
    );
    if (existing.length > 0) {
      spawnSync('ip', ['-force', '-batch', '-'], {
        input: batch(existing.map((x) => `netns del ${x}`)),
        stdio: ['pipe', 'ignore', 'ignore'],
      });
    }
  }
}

async function waitForOwnNetns(pid) {
  const { readlinkSync } = await import('node:fs');
  const mine = readlinkSync('/proc/self/ns/net');
  for (let t = 0; t < 200; t++) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== mine) return;
    } catch {
      // not yet there
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`process ${pid} did not enter its own netns`);
}
