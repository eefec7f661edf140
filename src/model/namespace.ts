// SPDX-License-Identifier: MIT
/**
 * @module model/namespace
 *
 * In-memory model of processes and namespaces (lxkns semantics). Objects reference each other
 * directly; the wire formats (api/v1, CLI JSON) turn references into IDs.
 */

/** The 8 namespace types in lxkns index order, with their `/proc/PID/ns/<name>` names. */
export const NS_TYPES = ['mnt', 'cgroup', 'uts', 'ipc', 'user', 'pid', 'net', 'time'] as const;
/** One namespace type name. */
export type NsType = (typeof NS_TYPES)[number];

/** Identity of a namespace: (device, inode) of its nsfs object. */
export interface NamespaceId {
  readonly dev: number;
  readonly ino: number;
}

/** Map key for a namespace id. */
export function nsKey(id: NamespaceId): string {
  return `${id.dev}:${id.ino}`;
}

/** How a namespace was found. A namespace may be found several ways; all are kept. */
export type NamespaceSource =
  | { readonly kind: 'process'; readonly pid: number }
  | { readonly kind: 'task'; readonly pid: number; readonly tid: number }
  | { readonly kind: 'for-children'; readonly pid: number }
  | { readonly kind: 'fd'; readonly pid: number; readonly fd: number; readonly path: string }
  | { readonly kind: 'socket'; readonly pid: number; readonly fd: number; readonly path: string }
  | {
      readonly kind: 'bindmount';
      /** Mount point inside the mount namespace that holds the bind mount. */
      readonly mountPoint: string;
      /** Mount namespace whose mount table holds the bind mount. */
      readonly mntns: NamespaceId;
      /** Host-usable path (e.g. `/run/netns/foo` or `/proc/4711/root/run/netns/foo`). */
      readonly path: string;
    }
  | { readonly kind: 'hierarchy' };

/** A process (or, as `tasks`, a thread) from `/proc`. */
export interface Process {
  readonly pid: number;
  readonly ppid: number;
  /** From `/proc/PID/stat` (between first '(' and last ')'). */
  readonly comm: string;
  /** argv from `/proc/PID/cmdline`; empty for kernel threads or when unreadable. */
  readonly cmdline: readonly string[];
  /** Start time in clock ticks since boot (stat field 22). */
  readonly starttime: number;
  readonly nice: number;
  readonly policy: number;
  readonly rtPriority: number;
  /** NSpid from `/proc/PID/status`: PIDs from the caller's PID namespace down to the innermost. */
  nspid: readonly number[];
  parent: Process | undefined;
  readonly children: Process[];
  /** The process's namespaces by type (missing where unreadable). */
  readonly namespaces: Partial<Record<NsType, Namespace>>;
  /** TIDs of its tasks (threads), when task discovery ran. */
  tids: readonly number[];
}

/** A namespace. */
export interface Namespace {
  readonly id: NamespaceId;
  readonly type: NsType;
  /**
   * Reference: path(s) to open it. A single element is usable from the host directly
   * (`/proc/PID/ns/net`, `/proc/PID/fd/N`, `/run/netns/foo`); several elements are a chain of
   * mount namespaces (lxkns multi-path reference), each interpreted inside the previous one.
   * Empty for hidden namespaces (known only as a parent/owner).
   */
  ref: string[];
  /** Every way it was found. */
  readonly sources: NamespaceSource[];
  /** Processes attached to it (not tasks). */
  readonly processes: Process[];
  /** Topmost processes attached to it (parent not in this namespace). */
  leaders: Process[];
  /** Oldest leader (smallest starttime, then lowest PID). */
  ealdorman: Process | undefined;
  /** Owning user namespace (for non-user namespaces), if determined. */
  owner: Namespace | undefined;
  /** Parent (user and pid namespaces only). For user namespaces parent == owner. */
  parent: Namespace | undefined;
  /** Children (user and pid namespaces only). */
  readonly children: Namespace[];
  /** Creator UID of a user namespace (NS_GET_OWNER_UID). */
  ownerUid: number | undefined;
  /** For user namespaces: namespaces of other types it owns. */
  readonly owned: Namespace[];
  /** Known only from the hierarchy (no process, fd or bind mount references it). */
  hidden: boolean;
}

/** A namespace with no relations yet: no processes, leaders, owner, parent or children. */
export function newNamespace(id: NamespaceId, type: NsType, ref: string[] = []): Namespace {
  return {
    id,
    type,
    ref,
    sources: [],
    processes: [],
    leaders: [],
    ealdorman: undefined,
    owner: undefined,
    parent: undefined,
    children: [],
    ownerUid: undefined,
    owned: [],
    hidden: false,
  };
}

/** Result of namespace discovery: the process table and all namespaces. */
export interface NamespaceModel {
  /** All processes by PID. */
  readonly processes: ReadonlyMap<number, Process>;
  /** All namespaces by {@link nsKey}. */
  readonly namespaces: ReadonlyMap<string, Namespace>;
  /** Namespaces by type, sorted by inode. */
  readonly byType: Readonly<Record<NsType, readonly Namespace[]>>;
  /** The namespaces of the discovering process itself (`/proc/self/ns/*`). */
  readonly own: Partial<Record<NsType, Namespace>>;
  /** Namespaces of the initial (host) context: those of PID 1 where readable, else own. */
  readonly initial: Partial<Record<NsType, Namespace>>;
  /** Socket inode → PIDs of processes holding an fd to it (filled by the fd scan). */
  readonly socketOwners: ReadonlyMap<number, readonly number[]>;
}
