// SPDX-License-Identifier: MIT
/**
 * @module engines/docker/json-stream
 *
 * Splits a stream of concatenated JSON values (Docker's `/events` sends one object per line;
 * podman's compat API sends objects back to back) into complete top-level objects, no matter
 * how the chunks are cut. Pure; the caller feeds text chunks.
 */

/** Incremental splitter of concatenated top-level JSON objects. */
export class JsonObjectSplitter {
  #buf = '';
  #depth = 0;
  #inString = false;
  #escape = false;
  #start = -1;
  #scan = 0;

  /**
   * Feeds a chunk; returns the texts of the top-level objects completed by it (unparsed).
   * Text between objects (whitespace, newlines) is skipped.
   */
  push(chunk: string): string[] {
    this.#buf += chunk;
    const out: string[] = [];
    const b = this.#buf;
    for (let i = this.#scan; i < b.length; i++) {
      const c = b.charCodeAt(i);
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (c === 0x5c) this.#escape = true;
        else if (c === 0x22) this.#inString = false;
        continue;
      }
      if (c === 0x22) {
        if (this.#depth > 0) this.#inString = true;
      } else if (c === 0x7b) {
        if (this.#depth === 0) this.#start = i;
        this.#depth++;
      } else if (c === 0x7d && this.#depth > 0) {
        this.#depth--;
        if (this.#depth === 0 && this.#start >= 0) {
          out.push(b.slice(this.#start, i + 1));
          this.#start = -1;
        }
      }
    }
    if (this.#depth === 0) {
      this.#buf = '';
      this.#scan = 0;
    } else {
      this.#buf = b.slice(this.#start);
      this.#scan = this.#buf.length;
      this.#start = 0;
    }
    return out;
  }
}
