// SPDX-License-Identifier: MIT
/**
 * @module errors
 *
 * Every error Ghostwire raises or records carries a stable, registered `code` (`GW_ERR_*`),
 * structured fields and, where one exists, a `cause`. The registry below is the one list of
 * all codes; `docs/errors.md` has one anchor per code, and `errors.test.ts` keeps the two in
 * step. Layers add their codes here (one line each) and document them in `docs/errors.md`.
 */

/** One registry entry: the code and a one-line description of when it is used. */
export interface ErrorCodeInfo {
  readonly code: string;
  readonly description: string;
}

function def<const C extends string>(
  code: C,
  description: string,
): { code: C; description: string } {
  return { code, description };
}

/**
 * The registry of all error codes. Key === code (asserted by a unit test). Keep it sorted by
 * area; add a matching `## GW_ERR_…` section to `docs/errors.md` for each new entry.
 */
export const ERROR_CODES = {
  // --- native addon and namespaces-at-syscall-level
  GW_ERR_NATIVE_LOAD: def(
    'GW_ERR_NATIVE_LOAD',
    'The C addon could not be loaded from any path tried.',
  ),
  GW_ERR_NATIVE_ARGUMENT: def(
    'GW_ERR_NATIVE_ARGUMENT',
    'A native wrapper was called with an invalid argument.',
  ),
  GW_ERR_NATIVE_SYSCALL: def(
    'GW_ERR_NATIVE_SYSCALL',
    'A system call made by the addon failed (see errno, syscall).',
  ),
  GW_ERR_NS_SETNS_FAILED: def(
    'GW_ERR_NS_SETNS_FAILED',
    'Entering a namespace on a throw-away thread failed.',
  ),
  GW_ERR_NS_IOCTL_FAILED: def('GW_ERR_NS_IOCTL_FAILED', 'An nsfs ioctl (NS_GET_*) failed.'),
  GW_ERR_NS_OPEN_FAILED: def(
    'GW_ERR_NS_OPEN_FAILED',
    'A namespace reference (nsfs path or fd) could not be opened.',
  ),
  GW_ERR_FILE_IN_ROOT: def(
    'GW_ERR_FILE_IN_ROOT',
    'A file below a process root could not be read safely (openat2 RESOLVE_IN_ROOT).',
  ),
  GW_ERR_FILE_TOO_LARGE: def(
    'GW_ERR_FILE_TOO_LARGE',
    'A file was larger than the byte cap allowed for it.',
  ),
  GW_ERR_FILE_NOT_REGULAR: def(
    'GW_ERR_FILE_NOT_REGULAR',
    'A path that must be a regular file is something else (fifo, device, directory).',
  ),
  GW_ERR_FILE_BINARY: def(
    'GW_ERR_FILE_BINARY',
    'A configuration file that must be text contains NUL bytes.',
  ),
  // --- netlink codec and socket
  GW_ERR_NETLINK_TRUNCATED: def(
    'GW_ERR_NETLINK_TRUNCATED',
    'A netlink message or attribute is shorter than its header says.',
  ),
  GW_ERR_NETLINK_MALFORMED: def(
    'GW_ERR_NETLINK_MALFORMED',
    'A netlink message or attribute violates the wire format.',
  ),
  GW_ERR_NETLINK_ERROR: def(
    'GW_ERR_NETLINK_ERROR',
    'The kernel answered a netlink request with an error (NLMSG_ERROR, errno, extack).',
  ),
  GW_ERR_NETLINK_DUMP_INTERRUPTED: def(
    'GW_ERR_NETLINK_DUMP_INTERRUPTED',
    'A netlink dump stayed inconsistent (NLM_F_DUMP_INTR) after all retries.',
  ),
  GW_ERR_NETLINK_SOCKET: def(
    'GW_ERR_NETLINK_SOCKET',
    'A netlink socket could not be opened or used.',
  ),
  // --- procfs
  GW_ERR_PROCFS_UNAVAILABLE: def(
    'GW_ERR_PROCFS_UNAVAILABLE',
    'No usable procfs at the given root: discovery cannot run at all.',
  ),
  GW_ERR_PROCFS_READ: def(
    'GW_ERR_PROCFS_READ',
    'A procfs file could not be read (process gone, permission denied, …).',
  ),
  GW_ERR_PROCFS_PARSE: def('GW_ERR_PROCFS_PARSE', 'A procfs file has content that does not parse.'),
  // --- namespace discovery
  GW_ERR_NS_ACCESS: def(
    'GW_ERR_NS_ACCESS',
    'A namespace of a process could not be inspected (EACCES, EPERM, gone).',
  ),
  GW_ERR_NS_BINDMOUNT: def(
    'GW_ERR_NS_BINDMOUNT',
    'A bind-mounted namespace could not be resolved or opened.',
  ),
  GW_ERR_NS_MOUNTNS_UNREACHABLE: def(
    'GW_ERR_NS_MOUNTNS_UNREACHABLE',
    'A mount namespace has no process through which its mounts can be read.',
  ),
  GW_ERR_NS_HIERARCHY: def(
    'GW_ERR_NS_HIERARCHY',
    'The parent or owner of a namespace could not be determined.',
  ),
  GW_ERR_NS_FD_SOCKET: def(
    'GW_ERR_NS_FD_SOCKET',
    'The network namespace of a socket fd could not be determined.',
  ),
  GW_ERR_NS_SYMLINK_LOOP: def(
    'GW_ERR_NS_SYMLINK_LOOP',
    'A path below a process root has more than 40 symlinks in its chain (a loop).',
  ),
  // --- network discovery
  GW_ERR_NETWORK_NETNS_UNREACHABLE: def(
    'GW_ERR_NETWORK_NETNS_UNREACHABLE',
    'No netlink socket could be opened inside a network namespace.',
  ),
  GW_ERR_NETWORK_DUMP: def(
    'GW_ERR_NETWORK_DUMP',
    'A netlink dump (links, addresses, routes, rules) failed in a network namespace.',
  ),
  GW_ERR_NETWORK_RELATION: def(
    'GW_ERR_NETWORK_RELATION',
    'A relation between interfaces could not be resolved (peer vanished, unknown NSID).',
  ),
  GW_ERR_NETWORK_ETHTOOL: def(
    'GW_ERR_NETWORK_ETHTOOL',
    'Driver information of a physical interface could not be read.',
  ),
  GW_ERR_PORTS_DUMP: def(
    'GW_ERR_PORTS_DUMP',
    'A sock_diag dump of TCP/UDP sockets failed in a network namespace.',
  ),
  GW_ERR_PORTS_SERVICES: def(
    'GW_ERR_PORTS_SERVICES',
    'The services database (/etc/services) could not be read; service names stay empty.',
  ),
  GW_ERR_PORTFWD_DUMP: def(
    'GW_ERR_PORTFWD_DUMP',
    'NAT rules of a network namespace (nf_tables dump or iptables-legacy table) could not be read.',
  ),
  GW_ERR_PORTFWD_RULE: def(
    'GW_ERR_PORTFWD_RULE',
    'A NAT rule could not be interpreted (malformed, missing set, loop); the other rules still count.',
  ),
  GW_ERR_NETWORK_TUNTAP: def(
    'GW_ERR_NETWORK_TUNTAP',
    'The interface or network namespace of a TAP/TUN fd held by a process could not be determined.',
  ),
  GW_ERR_NETWORK_MONITOR: def(
    'GW_ERR_NETWORK_MONITOR',
    'The RTNETLINK change monitor of a network namespace lost or could not decode notifications.',
  ),
  // --- container engines
  GW_ERR_ENGINE_UNREACHABLE: def(
    'GW_ERR_ENGINE_UNREACHABLE',
    'A container engine API socket could not be connected to or timed out.',
  ),
  GW_ERR_ENGINE_API: def(
    'GW_ERR_ENGINE_API',
    'A container engine answered with an error status or a malformed reply.',
  ),
  GW_ERR_ENGINE_UNCONFIRMED: def(
    'GW_ERR_ENGINE_UNCONFIRMED',
    'A process looked like an engine but no listening socket of it answered the engine API.',
  ),
  GW_ERR_ENGINE_INACCESSIBLE: def(
    'GW_ERR_ENGINE_INACCESSIBLE',
    'A process that looks like a container engine cannot be inspected (no permission): its containers are missing.',
  ),
  GW_ERR_ENGINE_MALFORMED: def(
    'GW_ERR_ENGINE_MALFORMED',
    'A container engine sent messages (events, status details) that did not decode; they were dropped.',
  ),
  GW_ERR_ENGINE_SYNC_TIMEOUT: def(
    'GW_ERR_ENGINE_SYNC_TIMEOUT',
    'A newly found engine had not listed its containers within the discovery wait.',
  ),
  GW_ERR_CONTAINER_PROCESS: def(
    'GW_ERR_CONTAINER_PROCESS',
    'The initial process of an engine container is not in the discovered process table; the container is not shown as a tenant.',
  ),
  // --- decorators
  GW_ERR_DECORATOR_FAILED: def(
    'GW_ERR_DECORATOR_FAILED',
    'A decorator failed as a whole; the labels it would have added are missing.',
  ),
  GW_ERR_DECORATOR_TIMEOUT: def(
    'GW_ERR_DECORATOR_TIMEOUT',
    "A decorator did not finish within the decorators' time budget; its changes were dropped.",
  ),
  GW_ERR_DECORATOR_CONFIG: def(
    'GW_ERR_DECORATOR_CONFIG',
    'An engine network configuration file (e.g. a CNI conflist) could not be read or parsed.',
  ),
  // --- discovery orchestration, CLI, API
  GW_ERR_DISCOVERY_PHASE: def(
    'GW_ERR_DISCOVERY_PHASE',
    'A discovery phase failed as a whole; its results are missing.',
  ),
  GW_ERR_CLI_USAGE: def('GW_ERR_CLI_USAGE', 'The command line is invalid.'),
  GW_ERR_API_INVALID: def(
    'GW_ERR_API_INVALID',
    'A v1 document failed its own consistency check (dangling reference).',
  ),
  // --- HTTP service (src/server): the `code` of every JSON error body
  GW_ERR_HTTP_NOT_FOUND: def('GW_ERR_HTTP_NOT_FOUND', 'No such API route or resource (HTTP 404).'),
  GW_ERR_HTTP_METHOD: def(
    'GW_ERR_HTTP_METHOD',
    'The route exists but not for this HTTP method (HTTP 405, see the Allow header).',
  ),
  GW_ERR_HTTP_UNAUTHORIZED: def(
    'GW_ERR_HTTP_UNAUTHORIZED',
    'The service requires a token and the request carried none or a wrong one (HTTP 401).',
  ),
  GW_ERR_HTTP_FORBIDDEN: def(
    'GW_ERR_HTTP_FORBIDDEN',
    'A cross-origin websocket or a foreign Host header on a loopback-only service (HTTP 403).',
  ),
  GW_ERR_HTTP_BAD_REQUEST: def(
    'GW_ERR_HTTP_BAD_REQUEST',
    'The request is malformed: bad query parameter, header or body (HTTP 400/413/431).',
  ),
  GW_ERR_HTTP_UPGRADE_REQUIRED: def(
    'GW_ERR_HTTP_UPGRADE_REQUIRED',
    'A websocket route was requested without a websocket upgrade (HTTP 426).',
  ),
  GW_ERR_HTTP_UNAVAILABLE: def(
    'GW_ERR_HTTP_UNAVAILABLE',
    'The service is not ready yet or is shutting down (HTTP 503).',
  ),
  GW_ERR_HTTP_INTERNAL: def(
    'GW_ERR_HTTP_INTERNAL',
    'An unexpected server error; details are in the service log, never in the response (HTTP 500).',
  ),
  GW_ERR_SERVER_DISCOVERY: def(
    'GW_ERR_SERVER_DISCOVERY',
    'A discovery in the service worker could not run at all (HTTP 500).',
  ),
  GW_ERR_SERVER_DISCOVERY_TIMEOUT: def(
    'GW_ERR_SERVER_DISCOVERY_TIMEOUT',
    'A discovery did not finish within the service deadline; the worker was replaced (HTTP 503).',
  ),
  GW_ERR_SERVER_WORKER: def(
    'GW_ERR_SERVER_WORKER',
    'The discovery worker thread failed or exited; the next request starts a new one (HTTP 500).',
  ),
  GW_ERR_SERVER_LISTEN: def(
    'GW_ERR_SERVER_LISTEN',
    'The service could not listen on the requested address (in use, no permission, bad address).',
  ),
  GW_ERR_STORE_UNAVAILABLE: def(
    'GW_ERR_STORE_UNAVAILABLE',
    'The history store cannot be used (data dir not writable, SQLite addon missing); history is off.',
  ),
  GW_ERR_STORE_CORRUPT: def(
    'GW_ERR_STORE_CORRUPT',
    'The history database was corrupt or truncated; it was moved aside and a fresh one started.',
  ),
  GW_ERR_STORE_FULL: def(
    'GW_ERR_STORE_FULL',
    'The disk holding the history database is full; the discovery was not recorded.',
  ),
  GW_ERR_STORE_WRITE: def(
    'GW_ERR_STORE_WRITE',
    'A write to the history database failed (other than a full disk); the service goes on.',
  ),
} as const;

/** Union of all registered error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Options every project error takes. */
export interface ProjectErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Base class of all errors thrown by Ghostwire. `code` is registered in {@link ERROR_CODES};
 * `details` holds structured, JSON-safe context; `cause` (ES2022) chains the underlying error.
 */
export class ProjectError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: ProjectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** JSON-safe summary (no stack), e.g. for problems and API responses. */
  toJSON(): { code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
Object.defineProperty(ProjectError.prototype, 'name', { value: 'ProjectError' });

/** Error from the C addon's system calls, wrapped with namespace/path context. */
export class NativeError extends ProjectError {
  readonly errno: number | undefined;
  readonly syscall: string | undefined;
  readonly sysCode: string | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    fields: { errno?: number; syscall?: string; sysCode?: string } & ProjectErrorOptions,
  ) {
    super(code, message, fields);
    this.errno = fields.errno;
    this.syscall = fields.syscall;
    this.sysCode = fields.sysCode;
  }
}
Object.defineProperty(NativeError.prototype, 'name', { value: 'NativeError' });

/** A namespace operation failed (lxkns-style: the operation and the namespace reference). */
export class NamespaceError extends ProjectError {
  readonly op: string;
  readonly ref: string;
  constructor(
    code: ErrorCode,
    message: string,
    fields: { op: string; ref: string } & ProjectErrorOptions,
  ) {
    super(code, message, {
      ...fields,
      details: { op: fields.op, ref: fields.ref, ...fields.details },
    });
    this.op = fields.op;
    this.ref = fields.ref;
  }
}
Object.defineProperty(NamespaceError.prototype, 'name', { value: 'NamespaceError' });

/** Kernel answered a netlink request with an error, or the socket failed. */
export class NetlinkError extends ProjectError {
  readonly errno: number;
  readonly extack: string | undefined;
  readonly msgType: number | undefined;
  readonly family: string;
  constructor(
    code: ErrorCode,
    message: string,
    fields: {
      errno: number;
      family: string;
      msgType?: number;
      extack?: string;
    } & ProjectErrorOptions,
  ) {
    super(code, message, {
      ...fields,
      details: {
        errno: fields.errno,
        family: fields.family,
        msgType: fields.msgType,
        extack: fields.extack,
        ...fields.details,
      },
    });
    this.errno = fields.errno;
    this.extack = fields.extack;
    this.msgType = fields.msgType;
    this.family = fields.family;
  }
}
Object.defineProperty(NetlinkError.prototype, 'name', { value: 'NetlinkError' });

/** Malformed or truncated wire data: where it happened, never just "parse error". */
export class DecodeError extends ProjectError {
  readonly family: string;
  readonly offset: number;
  readonly attrType: number | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    fields: { family: string; offset: number; attrType?: number } & ProjectErrorOptions,
  ) {
    super(code, message, {
      ...fields,
      details: {
        family: fields.family,
        offset: fields.offset,
        attrType: fields.attrType,
        ...fields.details,
      },
    });
    this.family = fields.family;
    this.offset = fields.offset;
    this.attrType = fields.attrType;
  }
}
Object.defineProperty(DecodeError.prototype, 'name', { value: 'DecodeError' });

/** A procfs file could not be read or parsed. */
export class ProcfsError extends ProjectError {
  readonly path: string;
  constructor(code: ErrorCode, message: string, fields: { path: string } & ProjectErrorOptions) {
    super(code, message, { ...fields, details: { path: fields.path, ...fields.details } });
    this.path = fields.path;
  }
}
Object.defineProperty(ProcfsError.prototype, 'name', { value: 'ProcfsError' });

/** A container engine could not be reached or answered with an error. */
export class EngineError extends ProjectError {
  readonly engine: string;
  readonly endpoint: string;
  readonly status: number | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    fields: { engine: string; endpoint: string; status?: number } & ProjectErrorOptions,
  ) {
    super(code, message, {
      ...fields,
      details: {
        engine: fields.engine,
        endpoint: fields.endpoint,
        status: fields.status,
        ...fields.details,
      },
    });
    this.engine = fields.engine;
    this.endpoint = fields.endpoint;
    this.status = fields.status;
  }
}
Object.defineProperty(EngineError.prototype, 'name', { value: 'EngineError' });

/** An error at the HTTP boundary with the status it maps to. */
export class ApiError extends ProjectError {
  readonly statusCode: number;
  constructor(
    code: ErrorCode,
    message: string,
    fields: { statusCode: number } & ProjectErrorOptions,
  ) {
    super(code, message, {
      ...fields,
      details: { statusCode: fields.statusCode, ...fields.details },
    });
    this.statusCode = fields.statusCode;
  }
}
Object.defineProperty(ApiError.prototype, 'name', { value: 'ApiError' });

/** Message of any thrown value, without casting (grpc-js `getErrorMessage` idea). */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch {
    // circular or BigInt-holding values do not stringify: fall back to String()
    return String(e);
  }
}

/** Code of any thrown value: a project code, a Node system code (`ENOENT`), or undefined. */
export function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}

/**
 * The system error code (`ENOENT`, `EPERM`, `ESRCH`, …) behind anything a system call or a
 * reader threw: a {@link NativeError}'s `sysCode`, a Node system error's own `code`, or, for
 * any other {@link ProjectError}, the system error code of its `cause` (followed down the
 * chain). Undefined when there is none (a project error without a system cause, a plain Error).
 */
export function sysErrorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null) {
    const s = (e as { sysCode?: unknown }).sysCode;
    if (typeof s === 'string') return s;
    if (e instanceof ProjectError) return sysErrorCode(e.cause);
  }
  return errorCode(e);
}

/** errno of a Node system error or a native error, if any. */
export function errorErrno(e: unknown): number | undefined {
  if (typeof e === 'object' && e !== null && 'errno' in e) {
    const n = (e as { errno: unknown }).errno;
    if (typeof n === 'number') return n;
  }
  return undefined;
}
