// SPDX-License-Identifier: MIT
/**
 * The runtime container image under the real Docker engine (docs/deploy.md#container-image):
 * `scripts/image.sh` builds it from `dist/ghostwire` without a registry (unique `gwt-` tag,
 * removed afterwards), then it runs the way deploy/compose.yaml runs it — `--pid host`,
 * `--cap-drop ALL` plus exactly deploy/capabilities, read-only root fs, `/tmp` tmpfs (exec),
 * as uid 65534, Docker's default seccomp profile, no socket mounts:
 *
 * - the image holds no shell and runs as 65534 with the HEALTHCHECK on `ghostwire
 *   healthcheck`; without the capabilities the kernel refuses to start it (file capabilities);
 * - `dump` lists this suite's bind-mounted netns and its busybox container (by name, with
 *   the container's netns) and records no access problem;
 * - deploy/compose.yaml's `ghostwire` service, run by this machine's docker-compose (v1.29,
 *   which predates the spec keys `name` and `cgroup`: a copy without those two, with a `gwt-`
 *   network name and a random host port) becomes healthy and serves `/json`;
 * - `serve` (the image's CMD): the container becomes healthy (its HEALTHCHECK), and `/json`,
 *   `/mobyshark`, the UI's `index.html` and its assets answer (the placeholder page when the
 *   executable was packaged without web/dist).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResultV1 } from '../../../src/api/v1/types.js';
import { IS_ROOT, makeNetns, type TestNetns } from '../../helpers/namespaces.js';
import { singleExecutable } from '../../helpers/single-executable.js';
import { docker, gwtName, IMAGE, netnsOf, tryRun, unavailable, until } from '../engines/helpers.js';

const REPO = new URL('../../..', import.meta.url).pathname;
const CAPS = execFileSync('grep', ['-v', '^#', `${REPO}/deploy/capabilities`], {
  encoding: 'utf8',
})
  .trim()
  .split('\n')
  .map((c) => c.replace(/^CAP_/, ''));

const skip = unavailable('docker');
const exe = skip === undefined && IS_ROOT ? singleExecutable() : undefined;
if (exe !== undefined && 'reason' in exe && process.env['GW_E2E_REQUIRED'] === '1') {
  throw new Error(`image suite required but cannot run: ${exe.reason}`);
}
const SKIP =
  skip !== undefined
    ? ` [skipped: ${skip}]`
    : exe === undefined || 'reason' in exe
      ? ` [skipped: ${exe === undefined ? 'needs root' : exe.reason}]`
      : '';
/** Does this build's CLI have `serve` (the service lands separately)? */
const HAS_SERVE =
  SKIP === '' &&
  exe !== undefined &&
  'path' in exe &&
  /^\s+serve\b/m.test(tryRun(exe.path, ['--help'], 20_000) ?? '');

/** Did `npm run package` embed a web UI (web/dist existed)? Else the service serves its placeholder page. */
const HAS_UI = (() => {
  try {
    const m = JSON.parse(readFileSync(`${REPO}/dist/sea/assets.json`, 'utf8')) as {
      assets: string[];
    };
    return m.assets.includes('web/dist/index.html');
  } catch {
    return false;
  }
})();

describe.skipIf(SKIP !== '')(`runtime image under Docker${SKIP}`, () => {
  const tag = gwtName('img');
  const image = `localhost/${tag}/ghostwire:test`;
  const ctr = `${tag}-ctr`;
  const svc = `${tag}-svc`;
  let netns: TestNetns | undefined;

  const runArgs = (name: string): string[] => [
    '--name',
    name,
    '--label',
    `gwt.test=${tag}`,
    '--pid',
    'host',
    '--cap-drop',
    'ALL',
    ...CAPS.flatMap((c) => ['--cap-add', c]),
    '--read-only',
    '--tmpfs',
    '/tmp:exec,mode=1777,size=16m',
  ];

  beforeAll(() => {
    execFileSync(`${REPO}/scripts/image.sh`, ['--tag', image], { cwd: REPO, stdio: 'pipe' });
    docker('run', '-d', '--name', ctr, '--label', `gwt.test=${tag}`, IMAGE, 'sleep', '1d');
    netns = makeNetns();
  }, 240_000);

  afterAll(() => {
    for (const n of [svc, ctr]) tryRun('docker', ['rm', '-f', n]);
    tryRun('docker', ['rmi', '-f', image]);
    netns?.cleanup();
  }, 120_000);

  it('holds no shell, runs as nobody, health-checks itself, needs its capabilities', () => {
    const cfg = JSON.parse(docker('image', 'inspect', image, '--format', '{{json .Config}}')) as {
      User: string;
      Healthcheck?: { Test: string[] };
      Entrypoint: string[];
    };
    expect(cfg.User).toBe('65534:65534');
    expect(cfg.Healthcheck?.Test).toEqual(['CMD', '/ghostwire', 'healthcheck']);
    expect(cfg.Entrypoint).toEqual(['/ghostwire']);
    expect(tryRun('docker', ['run', '--rm', '--entrypoint', '/bin/sh', image, '-c', 'true'])).toBe(
      undefined,
    );
    // file capabilities: without them in the bounding set the kernel refuses the exec
    expect(tryRun('docker', ['run', '--rm', image, '--version'])).toBe(undefined);
    expect(docker('run', '--rm', ...runArgs(`${tag}-v`).slice(2), image, '--version')).toMatch(
      /^ghostwire \d+\.\d+\.\d+\S* \(commit [0-9a-f]{7,}/,
    );
  });

  it('dump lists the test netns and container, with no access problem', () => {
    const dump = (argv: string[]): { doc: DiscoveryResultV1; problems: string[] } => {
      const r = spawnSync(argv[0] ?? '', argv.slice(1), {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const problems = r.stderr.split('\n').filter((l) => l.startsWith('ghostwire: problem '));
      return { doc: JSON.parse(r.stdout) as DiscoveryResultV1, problems };
    };
    const inContainer = (): ReturnType<typeof dump> =>
      dump(['docker', 'run', '--rm', ...runArgs(`${tag}-dump`).slice(2), image, 'dump']);
    // root's dump of the same host, from the same executable: the container sees no less.
    // Other work on a shared machine starts and ends processes between two dumps, so an access
    // problem counts only when it shows in two rounds and its process still exists.
    const key = (l: string): string => l.replace(/ \(.*$/, '');
    const denied = (): string[] => {
      const c = inContainer();
      const host = dump([exe !== undefined && 'path' in exe ? exe.path : '', 'dump']);
      const hostProblems = new Set(host.problems.map(key));
      return c.problems
        .filter((p) => /EPERM|EACCES/.test(p) && !hostProblems.has(key(p)))
        .filter((p) => {
          const pid = /: pid (\d+):/.exec(p)?.[1];
          return pid === undefined || existsSync(`/proc/${pid}`);
        })
        .map(key);
    };
    const first = denied();
    const again = first.length === 0 ? new Set<string>() : new Set(denied());
    expect(first.filter((p) => again.has(p))).toEqual([]);
    const { doc } = inContainer();
    const pid = Number(docker('inspect', '-f', '{{.State.Pid}}', ctr));
    const ctrNetns = Number(/\[(\d+)\]/.exec(netnsOf(pid))?.[1]);
    const n = doc['network-namespaces'].find((x) => x.netnsid === ctrNetns);
    expect(n?.containers.map((c) => c.name)).toContain(ctr);
    const bind = doc['network-namespaces'].flatMap((x) => x.containers).map((c) => c.name);
    expect(bind.some((b) => b.includes(netns?.name ?? '?'))).toBe(true);
    expect(doc.metadata['container-engines'].map((e) => e.type)).toContain('docker.com');
  });

  it.runIf(HAS_SERVE)(
    'serve: healthy, answers /json, /mobyshark, index.html and its assets',
    async () => {
      // CMD: serve on [::]:5000; the image's HEALTHCHECK command, checked every 2 s here
      docker(
        'run',
        '-d',
        ...runArgs(svc),
        '--health-interval',
        '2s',
        '-p',
        '127.0.0.1::5000',
        image,
      );
      await until(
        () => docker('inspect', '-f', '{{.State.Health.Status}}', svc) === 'healthy',
        90_000,
      );
      const port = /:(\d+)$/.exec(docker('port', svc, '5000/tcp').split('\n')[0] ?? '')?.[1];
      const base = `http://127.0.0.1:${port}`;
      const json = (await (await fetch(`${base}/json`)).json()) as DiscoveryResultV1;
      expect(json['network-namespaces'].flatMap((x) => x.containers).map((c) => c.name)).toContain(
        ctr,
      );
      const targets = JSON.stringify(await (await fetch(`${base}/mobyshark`)).json());
      expect(targets).toContain(ctr);
      const index = await fetch(`${base}/`);
      expect(index.status).toBe(200);
      const html = await index.text();
      expect(html).toMatch(/<html/i);
      const assets = [...html.matchAll(/(?:src|href)="(\.?\/[^"]+)"/g)].map((m) => m[1] ?? '');
      if (HAS_UI) expect(assets.length).toBeGreaterThan(0);
      else expect(html).toContain('web UI is not built into this installation');
      for (const a of assets) {
        const r = await fetch(new URL(a, `${base}/`));
        expect(r.status, a).toBe(200);
      }
    },
    180_000,
  );

  it('runs as deploy/compose.yaml says: healthy, serves /json', async () => {
    const dir = mkdtempSync(join(tmpdir(), `${tag}-compose-`));
    const project = tag.replace(/-/g, '');
    const file = join(dir, 'compose.yaml');
    const doc = parse(readFileSync(`${REPO}/deploy/compose.yaml`, 'utf8')) as {
      name?: string;
      services: Record<string, Record<string, unknown>>;
      networks: Record<string, { name: string }>;
    };
    delete doc.name;
    const gw = doc.services['ghostwire'] ?? {};
    delete gw['cgroup'];
    gw['ports'] = ['127.0.0.1::5000'];
    gw['healthcheck'] = { interval: '2s' }; // the image's test command, checked more often
    const net = doc.networks['ghost-in-da-box'];
    if (net !== undefined) net.name = `${tag}-box`;
    writeFileSync(file, stringify(doc));
    const compose = (...a: string[]): string | undefined =>
      tryRun('docker-compose', ['-p', project, '-f', file, ...a], 120_000);
    try {
      expect(
        tryRun(
          'env',
          [
            `GHOSTWIRE_IMAGE=${image}`,
            'docker-compose',
            '-p',
            project,
            '-f',
            file,
            'up',
            '-d',
            'ghostwire',
          ],
          120_000,
        ),
      ).toBeDefined();
      const id = compose('ps', '-q', 'ghostwire') ?? '';
      await until(
        () => docker('inspect', '-f', '{{.State.Health.Status}}', id) === 'healthy',
        90_000,
      );
      const port = /:(\d+)$/.exec(docker('port', id, '5000/tcp').split('\n')[0] ?? '')?.[1];
      const json = (await (
        await fetch(`http://127.0.0.1:${port}/json`)
      ).json()) as DiscoveryResultV1;
      expect(json['network-namespaces'].flatMap((x) => x.containers).map((c) => c.name)).toContain(
        ctr,
      );
    } finally {
      compose('down', '-t', '0');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
