// SPDX-License-Identifier: MIT
/**
 * The single executable (`dist/ghostwire`, `npm run package`, docs/deploy.md), copied alone
 * into an empty directory as a user would receive it:
 *
 * - it prints its version and full commit without Node.js, npm or the checkout;
 * - in a minimal root holding only it, its shared libraries and the dynamic loader (chroot,
 *   own mount namespace, host `/proc`), with `/tmp` mounted `noexec` and no `/dev/shm`, `dump`
 *   lists this suite's namespace with its interfaces, addresses, routes, port and DNS — the
 *   embedded addon then lives in `$GHOSTWIRE_RUNTIME_DIR`; with no exec-capable directory at
 *   all it fails with GW_ERR_NATIVE_LOAD naming every place tried;
 * - `serve` in that minimal root, from an executable packaged with a small web UI
 *   (`scripts/package.mjs --web`): `/healthz`, `/json` and `/mobyshark` (with this suite's netns)
 *   answer, as do the UI's `index.html` (rewritten) and its assets, from the embedded files;
 * - least privilege (docs/deploy.md#capabilities): as uid 65534 holding only the documented
 *   capabilities (ambient, `setpriv`), `dump` shows this suite's netns and tenant exactly as
 *   root's dump does and records no access problem root does not have; without each of those
 *   capabilities it records the problem that says what it could not see.
 *
 * Scenario (all `gwt-<rand>`, removed in afterAll): a process of uid 12345 in its own
 * net+mount+UTS namespaces with its own /etc (resolv.conf, hosts, hostname), a
 * veth pair with an address and a route, a TCP listener on :8080 it holds, an nftables DNAT
 * rule :8888 → :8080. Needs root; as
 * another user the suite skips.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetDiscoveryResultV1 } from '../../src/api/v1/index.js';
import type { ContainerV1, DiscoveryResultV1, NetnsV1 } from '../../src/api/v1/types.js';
import { isNativeAvailable } from '../../src/native/index.js';
import { IS_ROOT, spawnTree, uniqueName, type TestProcess } from '../helpers/namespaces.js';
import { PYTHON } from '../helpers/python.js';
import {
  copyAlone,
  minimalRoot,
  singleExecutable,
  tempDir,
  type TempDir,
} from '../helpers/single-executable.js';

const run = promisify(execFile);
const REPO = new URL('../..', import.meta.url).pathname;

/** A tiny built web UI: index.html with the placeholders server/ui.ts rewrites, two assets. */
function writeWebFixture(dir: string, token: string): void {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><base href="/"><script>window.dynvars = {}</script>` +
      `<script type="module" src="./assets/app-${token}.js"></script>` +
      `<link rel="stylesheet" href="./assets/app-${token}.css"></head><body>${token}</body></html>\n`,
  );
  writeFileSync(join(dir, 'assets', `app-${token}.js`), `console.log('${token}');\n`);
  writeFileSync(join(dir, 'assets', `app-${token}.css`), `body { color: #123; } /* ${token} */\n`);
}

/** The capabilities `dump` needs (docs/deploy.md#capabilities). */
export const DUMP_CAPS = ['sys_admin', 'sys_ptrace', 'dac_override', 'net_admin'] as const;

const exe = IS_ROOT && isNativeAvailable() ? singleExecutable() : undefined;
const SKIP =
  exe === undefined
    ? ' [skipped: needs root and the built addon]'
    : 'reason' in exe
      ? ` [skipped: ${exe.reason}]`
      : '';

/** A clean environment: what a service manager would pass (no NODE_* from this shell). */
const ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };

const LISTENER_PY = `
import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8080)); s.listen(4); s.set_inheritable(True)
os.execvp('sleep', ['sleep', '300'])
`;

interface Dump {
  readonly doc: DiscoveryResultV1;
  readonly problems: string[];
  readonly code: number;
}

async function runDump(argv: readonly string[], env: NodeJS.ProcessEnv = ENV): Promise<Dump> {
  const [cmd, ...args] = argv as [string, ...string[]];
  try {
    const { stdout, stderr } = await run(cmd, args, {
      env,
      maxBuffer: 256 * 1024 * 1024,
      timeout: 90_000,
    });
    return {
      doc: JSON.parse(stdout) as DiscoveryResultV1,
      problems: problemLines(stderr),
      code: 0,
    };
  } catch (e: unknown) {
    const err = e as { code?: number; stderr?: string };
    throw new Error(`${argv.join(' ')} failed (${err.code}): ${err.stderr ?? String(e)}`);
  }
}

function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('ghostwire: problem '));
}

/** `setpriv` as uid/gid 65534 with exactly `caps` (inheritable + ambient), no groups. */
function asNobody(caps: readonly string[], argv: readonly string[]): string[] {
  const list = caps.length === 0 ? '-all' : ['-all', ...caps.map((c) => `+${c}`)].join(',');
  return [
    'setpriv',
    '--reuid=65534',
    '--regid=65534',
    '--clear-groups',
    `--inh-caps=${list}`,
    ...(caps.length === 0 ? [] : [`--ambient-caps=${list}`]),
    ...argv,
  ];
}

describe.skipIf(SKIP !== '')(`single executable${SKIP}`, () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  const host = uniqueName();
  const dummy = `gwt-${uniqueName().slice(4, 12)}`; // + 'p' for the peer: ≤ 15 bytes
  let alone: string;
  let dir: TempDir;
  let tenant: TestProcess;
  let netnsIno: number;
  let rootDump: Dump;

  const netnsOf = (d: Dump): NetnsV1 | undefined =>
    d.doc['network-namespaces'].find((n) => n.netnsid === netnsIno);
  const tenantOf = (d: Dump): ContainerV1 | undefined =>
    netnsOf(d)?.containers.find((c) => c.pid === tenant.target);
  /** Problems about our netns or tenant. */
  const ours = (d: Dump): string[] =>
    d.problems.filter(
      (l) =>
        l.includes(`[${netnsIno}]`) || new RegExp(`\\b(pid |/proc/)${tenant.target}\\b`).test(l),
    );

  beforeAll(async () => {
    if (exe === undefined || 'reason' in exe) return;
    dir = tempDir('sea');
    cleanups.push(() => dir.cleanup());
    alone = copyAlone(exe.path, dir.path);

    const etc = join(dir.path, 'etc');
    mkdirSync(etc);
    writeFileSync(join(etc, 'resolv.conf'), 'nameserver 10.79.1.53\nsearch sea.gwt.example\n');
    writeFileSync(join(etc, 'hosts'), `127.0.0.1 localhost\n10.79.1.7 ${host}-peer\n`);
    writeFileSync(join(etc, 'hostname'), `${host}-etc\n`);
    const script = [
      `mount -t tmpfs gwt-etc /etc && cp -a ${etc}/. /etc/`,
      `hostname ${host}`,
      // no IPv6: its link-local addresses would appear (after DAD) between two dumps
      'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6',
      'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6',
      'ip link set lo up',
      `ip link add ${dummy} type veth peer name ${dummy}p && ip link set ${dummy}p up && ip addr add 10.79.1.1/24 dev ${dummy} && ip link set ${dummy} up`,
      `ip route add 10.79.200.0/24 via 10.79.1.254`,
      // a forwarded port (DNAT) in nftables: 10.79.1.1:8888 -> 10.79.1.1:8080
      "nft add table ip gwt_sea && nft add chain ip gwt_sea pre '{ type nat hook prerouting priority -100; }'",
      'nft add rule ip gwt_sea pre ip daddr 10.79.1.1 tcp dport 8888 dnat to 10.79.1.1:8080',
      `exec setpriv --reuid=12345 --regid=12345 --clear-groups ${PYTHON} -c "${LISTENER_PY}"`,
    ].join(' && ');
    tenant = await spawnTree(
      [
        'unshare',
        '--net',
        '--mount',
        '--uts',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        script,
      ],
      (p) => {
        try {
          return readlinkSync(`/proc/${p}/fd/3`).startsWith('socket:');
        } catch {
          return false;
        }
      },
    );
    cleanups.push(() => tenant.cleanup());
    netnsIno = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${tenant.target}/ns/net`))?.[1]);
    rootDump = await runDump([alone, 'dump']);
  }, 240_000);

  afterAll(async () => {
    for (const f of cleanups.reverse()) {
      try {
        await f();
      } catch {
        // keep cleaning
      }
    }
  }, 60_000);

  it('prints its version and full commit', async () => {
    const { stdout } = await run(alone, ['--version'], { env: ENV });
    expect(stdout).toMatch(/^ghostwire \d+\.\d+\.\d+\S* \(commit [0-9a-f]{40}(-dirty)?\)\n$/);
  });

  it("root's dump shows the scenario", () => {
    const n = netnsOf(rootDump);
    expect(n).toBeDefined();
    const d = n?.['network-interfaces'].find((x) => x.name === dummy);
    expect(d?.addresses.ipv4.some((a) => a.address === '10.79.1.1')).toBe(true);
    expect(
      n?.routes.ipv4.some(
        (r) => r.destination === '10.79.200.0' && r['destination-prefixlen'] === 24,
      ),
    ).toBe(true);
    const l = n?.['transport-ports'].ipv4.find(
      (p) => p['local-port'] === 8080 && p.state === 'listening',
    );
    expect(l?.owners.map((o) => o.pid)).toEqual([tenant.target]);
    const fwd = n?.['forwarded-ports'].ipv4.find((f) => f.port === 8888);
    expect(fwd).toMatchObject({ protocol: 'tcp', 'forward-ip': '10.79.1.1', 'forward-port': 8080 });
    expect(tenantOf(rootDump)?.dns).toMatchObject({
      nameservers: ['10.79.1.53'],
      'uts-hostname': host,
      'etc-hostname': `${host}-etc`,
    });
    expect(ours(rootDump)).toEqual([]);
  });

  it('runs in a minimal root (executable + shared libraries) with a noexec /tmp', async () => {
    const root = tempDir('root');
    cleanups.push(() => root.cleanup());
    minimalRoot(alone, root.path);
    const inChroot = (runtimeDir: boolean): string[] => [
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      [
        `mount -t proc proc ${root.path}/proc`,
        `mount -t tmpfs -o noexec,mode=1777 gwt-tmp ${root.path}/tmp`,
        `mount -t tmpfs -o mode=0700 gwt-run ${root.path}/run`,
        `exec env ${runtimeDir ? 'GHOSTWIRE_RUNTIME_DIR=/run' : ''} chroot ${root.path} /ghostwire dump`,
      ].join(' && '),
    ];
    const d = await runDump(inChroot(true));
    expect(netnsOf(d)).toEqual(netnsOf(rootDump));
    expect(tenantOf(d)?.dns).toEqual(tenantOf(rootDump)?.dns);
    // nowhere to map the addon: one clear error listing the places tried
    const failed = await run(inChroot(false)[0] ?? '', inChroot(false).slice(1), {
      env: ENV,
    }).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('GW_ERR_NATIVE_LOAD');
    expect(failed?.stderr).toMatch(/\/tmp \(tmpfile\): .*failed to map segment/);
    expect(failed?.stderr).toContain('GHOSTWIRE_RUNTIME_DIR');
  });

  it('serves /json, /mobyshark, the UI and its assets from the minimal root', async () => {
    const token = uniqueName();
    const web = join(dir.path, 'web');
    writeWebFixture(web, token);
    const withUi = join(dir.path, 'with-ui');
    mkdirSync(withUi);
    execFileSync(
      process.execPath,
      [join(REPO, 'scripts', 'package.mjs'), '--web', web, '--out', join(withUi, 'ghostwire')],
      { cwd: REPO, stdio: 'pipe' },
    );
    const root = tempDir('root-ui');
    cleanups.push(() => root.cleanup());
    minimalRoot(join(withUi, 'ghostwire'), root.path);
    const child = spawn(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        [
          `mount -t proc proc ${root.path}/proc`,
          `mount -t tmpfs -o noexec,mode=1777 gwt-tmp ${root.path}/tmp`,
          `mount -t tmpfs -o mode=0700 gwt-run ${root.path}/run`,
          `exec env GHOSTWIRE_RUNTIME_DIR=/run chroot ${root.path} /ghostwire serve --http 127.0.0.1:0`,
        ].join(' && '),
      ],
      { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise((r) => child.once('close', r));
    cleanups.push(async () => {
      child.kill('SIGTERM');
      await exited;
    });
    const base = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /serving on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
        if (m?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('close', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const doc = (await (await fetch(`${base}/json`)).json()) as DiscoveryResultV1;
    expect(doc['network-namespaces'].some((n) => n.netnsid === netnsIno)).toBe(true);
    const targets = (await (await fetch(`${base}/mobyshark`)).json()) as TargetDiscoveryResultV1;
    expect(targets.containers.some((t) => t.netns === netnsIno)).toBe(true);
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain(token);
    expect(html).toMatch(/window\.dynvars = \{"/); // rewritten by the server
    for (const ext of ['js', 'css']) {
      const r = await fetch(`${base}/assets/app-${token}.${ext}`);
      expect(r.status).toBe(200);
      expect(await r.text()).toContain(token);
    }
  }, 180_000);

  it('as uid 65534 with only the documented capabilities, sees what root sees', async () => {
    const d = await runDump(asNobody(DUMP_CAPS, [alone, 'dump']));
    expect(netnsOf(d)).toEqual(netnsOf(rootDump));
    expect(tenantOf(d)).toEqual(tenantOf(rootDump));
    const engines = (x: Dump): string[] =>
      x.doc.metadata['container-engines'].map((e) => `${e.type} ${e.pid}`).sort();
    expect(engines(d)).toEqual(engines(rootDump));
    // no access problem root does not have. Other work on a shared machine starts and ends
    // processes between two dumps: a problem counts only when its process still exists and it
    // shows again in a second round of both dumps.
    const key = (l: string): string => l.replace(/ \(.*$/, '');
    const deniedOf = (capped: Dump, root: Dump): string[] => {
      const rootKeys = new Set(root.problems.map(key));
      return capped.problems
        .filter((l) => /EPERM|EACCES/.test(l) && !rootKeys.has(key(l)))
        .filter((l) => {
          const pid = /: pid (\d+):/.exec(l)?.[1];
          return pid === undefined || existsSync(`/proc/${pid}`);
        })
        .map(key);
    };
    const first = deniedOf(d, rootDump);
    const again =
      first.length === 0
        ? new Set<string>()
        : new Set(
            deniedOf(
              await runDump(asNobody(DUMP_CAPS, [alone, 'dump'])),
              await runDump([alone, 'dump']),
            ),
          );
    expect(first.filter((l) => again.has(l))).toEqual([]);
  });

  it.each([
    ['sys_admin', /GW_ERR_NETWORK_NETNS_UNREACHABLE: netns:\[\d+\]: .*setns.*EPERM/],
    ['sys_ptrace', /GW_ERR_NS_ACCESS: pid \d+: namespaces of pid \d+ .*not readable.*EACCES/],
    ['dac_override', /GW_ERR_NS_ACCESS: pid \d+: open fds of pid \d+ .*not readable \(EACCES\)/],
    ['net_admin', /GW_ERR_PORTFWD_DUMP: netns:\[\d+\]: nftables .*EPERM/],
  ])('without %s it records what it could not see', async (drop, problem) => {
    const d = await runDump(
      asNobody(
        DUMP_CAPS.filter((c) => c !== drop),
        [alone, 'dump'],
      ),
    );
    expect(ours(d).join('\n')).toMatch(problem);
  });
});

/** Only for the unprivileged run: the executable needs no capability to start. */
describe.skipIf(
  IS_ROOT || !existsSync(join(new URL('../..', import.meta.url).pathname, 'dist', 'ghostwire')),
)('single executable (unprivileged)', () => {
  it('runs --version and a dump with recorded problems', async () => {
    const path = join(new URL('../..', import.meta.url).pathname, 'dist', 'ghostwire');
    const { stdout } = await run(path, ['--version'], { env: ENV });
    expect(stdout).toMatch(/^ghostwire /);
    const d = await runDump([path, 'dump'], { ...ENV, HOME: '/nonexistent' });
    expect(d.doc['network-namespaces'].length).toBeGreaterThan(0);
    expect(d.problems.length).toBeGreaterThan(0);
    expect(execFileSync('id', ['-u'], { encoding: 'utf8' }).trim()).not.toBe('0');
  });
});
