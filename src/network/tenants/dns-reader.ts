// SPDX-License-Identifier: MIT
/**
 * @module network/tenants/dns-reader
 *
 * Reads a tenant's DNS configuration (v1 §2.5.1) in the tenant's own mount and UTS namespaces,
 * safely:
 *
 * - Every file is read with the native `readFileInRoot('/proc/<pid>/root', 'etc/…', cap)`
 *   (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, O_NONBLOCK): a symlink in the tenant —
 *   absolute (`/etc/shadow`) or relative (`../../../etc/shadow`) — resolves inside the tenant's
 *   root, never to the host's file; FIFOs and devices are refused without blocking; at most
 *   `cap + 1` bytes are ever read, so a 1 GiB file costs nothing.
 * - Oversized `resolv.conf`/`hosts` files (more than the cap) are rejected as a whole with a
 *   `GW_ERR_FILE_TOO_LARGE` problem: parsing a prefix cut mid-line could invent a wrong name
 *   server or host entry, and an empty list plus a problem is the honest answer. Files with
 *   NUL bytes are rejected with `GW_ERR_FILE_BINARY`, non-regular files with
 *   `GW_ERR_FILE_NOT_REGULAR`. A missing file (ENOENT) is not a problem: its lists are empty.
 * - When the tenant's root cannot be reached at all (process gone, EACCES), all lists are
 *   `null` and one `GW_ERR_NS_ACCESS` problem is recorded.
 * - The UTS names come from the native `utsNamesIn('/proc/<pid>/ns/uts')`, which runs uname()
 *   on a throw-away native thread: the JS thread never changes namespaces.
 *
 * Results are cached per (mount namespace, root directory) and per UTS namespace, so tenants
 * sharing namespaces are read once per reader (create one reader per discovery run).
 */
import { statSync } from 'node:fs';
import { errorMessage, ProjectError, sysErrorCode, type ErrorCode } from '../../errors.js';
import type { Process } from '../../model/namespace.js';
import type { Problem } from '../../model/problem.js';
import type { DnsConfig, HostsEntry } from '../../model/tenant-details.js';
import { readFileInRoot, utsNamesIn, type FileInRoot, type UtsNames } from '../../native/index.js';
import { parseHosts } from './dns/hosts.js';
import { parseNameFile } from './dns/hostname.js';
import { parseResolvConf } from './dns/resolv-conf.js';

/** The native operations the reader needs (injectable for unit tests). */
export interface DnsNativeOps {
  readFileInRoot(root: string, rel: string, maxBytes: number): FileInRoot;
  utsNamesIn(nsPath: string): UtsNames;
}

/** Byte caps per file. */
export interface DnsFileCaps {
  /** `/etc/resolv.conf` (default 64 KiB). */
  readonly resolvConf: number;
  /** `/etc/hosts` (default 1 MiB: ad-blocking hosts lists run to a few 100 KiB). */
  readonly hosts: number;
  /** `/etc/hostname`, `/etc/domainname` (default 4 KiB; the value itself is at most 256 chars). */
  readonly nameFile: number;
}

/** Default {@link DnsFileCaps}. */
export const DEFAULT_DNS_CAPS: DnsFileCaps = {
  resolvConf: 64 * 1024,
  hosts: 1024 * 1024,
  nameFile: 4096,
};

/** Options of {@link TenantDnsReader}. */
export interface DnsReaderOptions {
  /** procfs mount (default `/proc`). */
  readonly procRoot?: string;
  readonly caps?: Partial<DnsFileCaps>;
  /** Native operations (default: the addon wrappers of `native/`). */
  readonly native?: DnsNativeOps;
  /** Identity of a root directory, for the cache key (default: `statSync(path)` dev:ino). */
  readonly rootIdentity?: (rootPath: string) => string;
}

const DEFAULT_NATIVE: DnsNativeOps = { readFileInRoot, utsNamesIn };

function statIdentity(path: string): string {
  const st = statSync(path);
  return `${st.dev}:${st.ino}`;
}

/** The files part of a DnsConfig (everything but the UTS names). */
type FilesPart = Omit<DnsConfig, 'utsHostname' | 'utsDomainname'>;

const INACCESSIBLE_FILES: FilesPart = Object.freeze({
  etcHostname: '',
  etcDomainname: '',
  nameservers: null,
  searchlist: null,
  options: null,
  hosts: null,
});

/** DNS configuration of a tenant whose mount namespace could not be accessed at all. */
export const INACCESSIBLE_DNS: DnsConfig = Object.freeze({
  utsHostname: '',
  utsDomainname: '',
  ...INACCESSIBLE_FILES,
});

/** Outcome of reading one file: text, missing, or rejected (problem recorded). */
type FileText =
  | { readonly kind: 'text'; readonly text: string; readonly truncated: boolean }
  | { readonly kind: 'none' };

/**
 * Reads DNS configurations of tenants. Never throws for one tenant: failures become problems
 * (collected in {@link problems}, each recorded once per namespace, not per tenant).
 */
export class TenantDnsReader {
  /** Problems recorded so far. */
  readonly problems: Problem[] = [];
  readonly #procRoot: string;
  readonly #caps: DnsFileCaps;
  readonly #native: DnsNativeOps;
  readonly #rootIdentity: (rootPath: string) => string;
  readonly #files = new Map<string, FilesPart>();
  readonly #uts = new Map<string, UtsNames | undefined>();
  readonly #results = new Map<string, DnsConfig>();

  constructor(opts: DnsReaderOptions = {}) {
    this.#procRoot = opts.procRoot ?? '/proc';
    this.#caps = { ...DEFAULT_DNS_CAPS, ...opts.caps };
    this.#native = opts.native ?? DEFAULT_NATIVE;
    this.#rootIdentity = opts.rootIdentity ?? statIdentity;
  }

  /** DNS configuration of the tenant led by process `p`. */
  read(p: Process): DnsConfig {
    const root = `${this.#procRoot}/${p.pid}/root`;
    const subject = `pid ${p.pid} (${p.comm})`;
    let filesKey: string;
    let files: FilesPart | undefined;
    try {
      const mnt = p.namespaces.mnt;
      filesKey = `${mnt === undefined ? `pid${p.pid}` : mnt.id.ino}/${this.#rootIdentity(root)}`;
      files = this.#files.get(filesKey);
      if (files === undefined) {
        files = this.#readFiles(root, subject);
        this.#files.set(filesKey, files);
      }
    } catch (e: unknown) {
      const sys = sysErrorCode(e);
      if (sys !== 'ENOENT' && sys !== 'ESRCH') {
        this.#problem(
          'GW_ERR_NS_ACCESS',
          `mount namespace of ${subject} not accessible: ${errorMessage(e)}`,
          subject,
          e,
        );
      }
      filesKey = `pid${p.pid}/inaccessible`;
      files = INACCESSIBLE_FILES;
    }

    const uts = p.namespaces.uts;
    const utsKey = uts === undefined ? `pid${p.pid}` : String(uts.id.ino);
    let names = this.#uts.get(utsKey);
    if (!this.#uts.has(utsKey)) {
      names = this.#readUts(p, subject);
      this.#uts.set(utsKey, names);
    }
    const resultKey = `${filesKey}|${utsKey}`;
    let result = this.#results.get(resultKey);
    if (result === undefined) {
      result = Object.freeze({
        utsHostname: names?.nodename ?? '',
        utsDomainname: names?.domainname ?? '',
        ...files,
      });
      this.#results.set(resultKey, result);
    }
    return result;
  }

  #problem(code: ErrorCode, message: string, subject: string, e?: unknown): void {
    const cause = e === undefined ? undefined : sysErrorCode(e);
    this.problems.push(
      cause === undefined ? { code, message, subject } : { code, message, subject, cause },
    );
  }

  #readUts(p: Process, subject: string): UtsNames | undefined {
    const path = `${this.#procRoot}/${p.pid}/ns/uts`;
    try {
      return this.#native.utsNamesIn(path);
    } catch (e: unknown) {
      if (sysErrorCode(e) === 'ENOENT' || sysErrorCode(e) === 'ESRCH') return undefined; // process gone
      const code = e instanceof ProjectError ? e.code : 'GW_ERR_NS_SETNS_FAILED';
      this.#problem(code, `UTS names of ${subject}: ${errorMessage(e)}`, `${subject} ${path}`, e);
      return undefined;
    }
  }

  #readFiles(root: string, subject: string): FilesPart {
    // One probe read tells an unreachable root (open of the root itself fails) from a file
    // problem; resolv.conf is the file every tenant is expected to have.
    const resolv = this.#readText(root, 'etc/resolv.conf', this.#caps.resolvConf, subject);
    if (resolv === 'inaccessible') return INACCESSIBLE_FILES;
    let nameservers: string[] = [];
    let searchlist: string[] = [];
    let options: string[] = [];
    if (resolv.kind === 'text')
      ({ nameservers, searchlist, options } = parseResolvConf(resolv.text));
    const hostsText = this.#readText(root, 'etc/hosts', this.#caps.hosts, subject);
    const hosts: HostsEntry[] =
      hostsText !== 'inaccessible' && hostsText.kind === 'text' ? parseHosts(hostsText.text) : [];
    return {
      etcHostname: this.#readName(root, 'etc/hostname', subject),
      etcDomainname: this.#readName(root, 'etc/domainname', subject),
      nameservers,
      searchlist,
      options,
      hosts,
    };
  }

  #readName(root: string, rel: string, subject: string): string {
    const t = this.#readText(root, rel, this.#caps.nameFile, subject, true);
    if (t === 'inaccessible' || t.kind === 'none') return '';
    const r = parseNameFile(t.text, !t.truncated);
    if (r.ok) return r.value;
    this.#problem(
      'GW_ERR_FILE_TOO_LARGE',
      `/${rel} of ${subject}: first line longer than 256 characters`,
      `${subject} /${rel}`,
    );
    return '';
  }

  /**
   * Reads `rel` below `root` as text. With `allowTruncated` an over-cap file yields its first
   * `cap` bytes (`truncated: true`); otherwise it is rejected with a problem.
   */
  #readText(
    root: string,
    rel: string,
    cap: number,
    subject: string,
    allowTruncated = false,
  ): FileText | 'inaccessible' {
    const where = `${subject} /${rel}`;
    let r: FileInRoot;
    try {
      r = this.#native.readFileInRoot(root, rel, cap);
    } catch (e: unknown) {
      const sys = sysErrorCode(e);
      const syscall =
        typeof e === 'object' && e !== null && 'syscall' in e
          ? (e as { syscall: unknown }).syscall
          : undefined;
      if (syscall === 'open') {
        // open(root) itself failed: the mount namespace is out of reach.
        if (sys !== 'ENOENT' && sys !== 'ESRCH') {
          this.#problem(
            'GW_ERR_NS_ACCESS',
            `mount namespace of ${subject} not accessible: ${errorMessage(e)}`,
            subject,
            e,
          );
        }
        return 'inaccessible';
      }
      if (sys === 'ENOENT' || sys === 'ENOTDIR') return { kind: 'none' };
      const code = e instanceof ProjectError ? e.code : 'GW_ERR_FILE_IN_ROOT';
      this.#problem(code, `/${rel} of ${subject}: ${errorMessage(e)}`, where, e);
      return { kind: 'none' };
    }
    if (r.truncated && !allowTruncated) {
      this.#problem(
        'GW_ERR_FILE_TOO_LARGE',
        `/${rel} of ${subject} is larger than ${cap} bytes; ignored`,
        where,
      );
      return { kind: 'none' };
    }
    if (r.data.includes(0)) {
      this.#problem(
        'GW_ERR_FILE_BINARY',
        `/${rel} of ${subject} contains NUL bytes; ignored`,
        where,
      );
      return { kind: 'none' };
    }
    return { kind: 'text', text: r.data.toString('utf8'), truncated: r.truncated };
  }
}
