// SPDX-License-Identifier: MIT
/**
 * Build facts for the bundlers (scripts/bundle.mjs, scripts/package.mjs): the package version
 * and the git commit (`-dirty` appended when the work tree has uncommitted changes, `unknown`
 * outside a git checkout, e.g. when installing from an npm tarball). esbuild substitutes the
 * result for `__GHOSTWIRE_BUILD_INFO__` (src/util/build-info.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

/** `{ version, commit }` of the checkout at `root`. */
export function buildInfo(root) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  let commit = process.env.GHOSTWIRE_COMMIT || 'unknown';
  if (commit === 'unknown') {
    try {
      const git = (...args) =>
        execFileSync('git', ['-C', root, ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
      // only trust git when root is the top of the work tree (not a tarball unpacked inside one)
      if (git('rev-parse', '--show-toplevel') === realpathSync(root)) {
        commit = git('rev-parse', 'HEAD');
        if (git('status', '--porcelain', '--untracked-files=no') !== '') commit += '-dirty';
      }
    } catch {
      // no git, or not a checkout
    }
  }
  return { version, commit };
}

/** The esbuild `define` entry for a build info object. */
export function buildInfoDefine(info) {
  return { __GHOSTWIRE_BUILD_INFO__: JSON.stringify(info) };
}

/** The `--version` line (same text as src/util/build-info.ts `versionLine`). */
export function versionLine(info) {
  return `ghostwire ${info.version} (commit ${info.commit})`;
}
