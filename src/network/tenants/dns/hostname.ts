// SPDX-License-Identifier: MIT
/**
 * @module network/tenants/dns/hostname
 *
 * Parser for single-value files `/etc/hostname` (hostname(5)) and `/etc/domainname`: the value
 * is the first line that is neither empty nor a comment (`#` in the first column, as systemd
 * reads hostname(5)), with surrounding white space removed. For the usual one-line file this
 * is exactly its first line.
 */

/** Longest value accepted (v1 §2.5.1: "first line, max 256 chars"). */
export const MAX_NAME_LINE = 256;

/** Result of {@link parseNameFile}. */
export type NameFileResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: 'too-long' };

/**
 * Extracts the value of a hostname/domainname file. `complete` is false when the text is only
 * the first bytes of a longer file: then the value must be followed by a newline within the
 * text, else it may have been cut off and the result is `too-long`. A value longer than
 * {@link MAX_NAME_LINE} characters is `too-long` too. No value at all yields `''`.
 */
export function parseNameFile(text: string, complete = true): NameFileResult {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const isLast = i === lines.length - 1;
    if (isLast && !complete) return { ok: false, reason: 'too-long' };
    if (line.startsWith('#')) continue;
    const value = line.trim();
    if (value === '') continue;
    if (value.length > MAX_NAME_LINE) return { ok: false, reason: 'too-long' };
    return { ok: true, value };
  }
  return { ok: true, value: '' };
}
