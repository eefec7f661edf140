// SPDX-License-Identifier: MIT
/**
 * @module store/data-dir
 *
 * The default `--data-dir`: `/var/lib/ghostwire` for root, else `$XDG_STATE_HOME/ghostwire`,
 * else `~/.local/state/ghostwire` (XDG Base Directory: state data that survives restarts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The default data directory for this user. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  uid: number = process.getuid?.() ?? -1,
): string {
  if (uid === 0) return '/var/lib/ghostwire';
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && xdg.startsWith('/')) return join(xdg, 'ghostwire');
  return join(env['HOME'] ?? homedir(), '.local', 'state', 'ghostwire');
}
