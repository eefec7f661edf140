// SPDX-License-Identifier: MIT
/**
 * The npm tarball as a new user gets it (docs/deploy.md#npm): `npm pack` of the built checkout
 * holds the compiled CLI, the C sources and binding.gyp, the prebuilt web UI when there is one,
 * the deployment files and docs — and no tests, fixtures, TypeScript sources, build output of
 * the addon or single-executable artefacts. `npm install -g --prefix <fresh dir> <tarball>`
 * compiles the addon from source (node-gyp) and puts a working `ghostwire` on that prefix's
 * PATH: `--version`, and a `dump` with the host's network namespaces.
 *
 * Runs as root only: the install needs the npm cache and node headers this machine's root has
 * (an unprivileged CI user has neither, and the registry is the only network).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResultV1 } from '../../src/api/v1/types.js';
import { IS_ROOT } from '../helpers/namespaces.js';
import { tempDir, type TempDir } from '../helpers/single-executable.js';

const REPO = new URL('../..', import.meta.url).pathname;
const BUILT = existsSync(join(REPO, 'dist', 'cli', 'main.js'));
const SKIP = !IS_ROOT
  ? ' [skipped: needs root (npm cache, node headers)]'
  : !BUILT
    ? ' [skipped: run npm run build first]'
    : '';

describe.skipIf(SKIP !== '')(`npm tarball${SKIP}`, () => {
  let dir: TempDir;
  let tarball: string;
  let files: string[];
  const prefix = (): string => join(dir.path, 'prefix');

  beforeAll(() => {
    dir = tempDir('npm');
    // the checkout is built already (npm ci ran prepare); --ignore-scripts packs it as it is
    const out = execFileSync(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', dir.path],
      { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const [r] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(dir.path, r?.filename ?? '?');
    files = (r?.files ?? []).map((f) => f.path);
    execFileSync(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix(),
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        tarball,
      ],
      { cwd: dir.path, stdio: 'pipe', timeout: 240_000 },
    );
  }, 300_000);

  afterAll(() => dir?.cleanup());

  it('packs the CLI, addon sources, deploy files and docs, and no tests or fixtures', () => {
    for (const f of ['bin/ghostwire', 'dist/cli/main.js', 'binding.gyp', 'native/addon.c'])
      expect(files).toContain(f);
    expect(files).toContain('deploy/systemd/ghostwire.service');
    expect(files).toContain('docs/deploy.md');
    if (existsSync(join(REPO, 'web', 'dist', 'index.html')))
      expect(files).toContain('web/dist/index.html');
    const unwanted = files.filter((f) =>
      /(^|\/)test\/|\.test\.|fixtures|^src\/|^build\/|^scripts\/|^dist\/sea\/|^dist\/ghostwire$|node_modules/.test(
        f,
      ),
    );
    expect(unwanted).toEqual([]);
  });

  it('installs into a fresh prefix with the addon built from source and a working ghostwire', () => {
    const pkg = join(prefix(), 'lib', 'node_modules', 'ghostwire');
    expect(readdirSync(join(pkg, 'build', 'Release'))).toContain('ghostwire_native.node');
    const bin = join(prefix(), 'bin', 'ghostwire');
    const env = { PATH: `${join(prefix(), 'bin')}:/usr/bin:/bin`, HOME: dir.path };
    expect(execFileSync('ghostwire', ['--version'], { env, encoding: 'utf8' })).toMatch(
      /^ghostwire \d+\.\d+\.\d+/,
    );
    const doc = JSON.parse(
      execFileSync(bin, ['dump'], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }),
    ) as DiscoveryResultV1;
    const hostNetns = Number(
      /\[(\d+)\]/.exec(execFileSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }))?.[1],
    );
    expect(doc['network-namespaces'].map((n) => n.netnsid)).toContain(hostNetns);
  });
});
