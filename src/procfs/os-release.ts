// SPDX-License-Identifier: MIT
/**
 * @module procfs/os-release
 *
 * os-release(5) (`/etc/os-release`, `/usr/lib/os-release`): the operating system's name and
 * version for the v1 metadata. A pure parser; discovery's host reader finds the file.
 */

/**
 * Parses os-release(5) text into its variables: `KEY=value` lines, values optionally in single
 * or double quotes, backslash escapes inside double quotes, `#` comment lines.
 */
export function parseOsRelease(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m === null || m[1] === undefined || m[2] === undefined) continue;
    let v = m[2];
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
      v = v.slice(1, -1).replace(/\\(["\\`$])/g, '$1');
    } else if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) {
      v = v.slice(1, -1);
    }
    vars.set(m[1], v);
  }
  return vars;
}
