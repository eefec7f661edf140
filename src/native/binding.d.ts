// SPDX-License-Identifier: MIT
/**
 * @module native/binding
 *
 * The complete, typed surface of the raw C addon (`build/Release/ghostwire_native.node`).
 * Only `src/native/index.ts` may use it; everything else calls the validated wrappers there.
 *
 * Conventions of the raw addon:
 * - All fds are plain numbers, opened with O_CLOEXEC / SOCK_CLOEXEC; the caller owns them and
 *   must close them (`fs.closeSync` works).
 * - Failing calls throw (sync) or reject (async) with an `Error` shaped like Node's system
 *   errors: `code` ('EPERM'), `errno` (positive number), `syscall` ('setns'), plus optional
 *   context fields (`path`, `nsType`, `fd`).
 * - Batch calls never throw for one item: each item yields either a value or such an error
 *   object (`NativeSystemError`).
 * - Namespaces are only ever switched on throw-away pthreads created by the addon; the JS thread
 *   and libuv pool threads never call setns().
 */

/** Error object created by the addon (sync throw, async reject, or batch item). */
export interface NativeSystemError extends Error {
  /** errno name ('EPERM'; fallback 'E<number>'), or 'EFTYPE' for "not a regular file". */
  code: string;
  /** Positive errno (EINVAL = 22 for code 'EFTYPE', which Linux lacks). */
  errno: number;
  /** The failing system call ('setns', 'openat2', …), or the addon function for argument errors. */
  syscall: string;
  /** File path (readFileInRoot: the path relative to `root`). */
  path?: string;
  /** readFileInRoot: the root directory. */
  root?: string;
  /** ethtoolIoctl: the interface name. */
  ifName?: string;
  /** CLONE_NEW* type of the namespace being entered. */
  nsType?: number;
  /** The fd the call operated on. */
  fd?: number;
  /** Set only on argument errors detected in C (code 'EINVAL'): the argument's name. */
  argument?: string;
}

/** What {@link NativeBinding.netlinkDrain} read from one fd. */
export interface DrainItem {
  datagrams: Buffer[];
  error?: NativeSystemError;
}

/** One netlink job: requests sent in order over one fd; replies collected per request. */
export interface NetlinkJob {
  /** A netlink socket fd (e.g. from openSocketIn). */
  fd: number;
  /** Complete netlink request messages (nlmsghdr included), each sent with one send(). */
  requests: Buffer[];
}

/**
 * Result of one request in a job: all reply datagrams for that request concatenated
 * (netlink messages are self-delimiting and 4-byte aligned, so concatenation is lossless).
 * Reading stops after the NLMSG_DONE or NLMSG_ERROR message whose nlmsg_seq equals the
 * request's, or after the first non-NLM_F_MULTI message of that seq. Messages with another
 * seq are dropped. `dumpInterrupted` is true when any reply message carried NLM_F_DUMP_INTR
 * (the caller retries). `error` is set only for socket-level failures (send/recv/poll
 * timeout), not for NLMSG_ERROR replies, which the TS codec decodes.
 */
export interface NetlinkReply {
  data: Buffer;
  dumpInterrupted: boolean;
  error?: NativeSystemError;
}

/** The raw addon. */
export interface NativeBinding {
  /** Addon ABI version; bumped when this interface changes. */
  readonly abiVersion: number;

  /**
   * Creates `socket(family, type | SOCK_CLOEXEC, protocol)` inside the network namespace
   * referenced by `nsFd` (an open nsfs fd), on a throw-away pthread that setns()es and then
   * exits. `nsFd === -1` creates the socket in the caller's current namespace (no thread).
   * For AF_NETLINK sockets the addon also binds (nl_pid 0 = kernel assigns), sets
   * NETLINK_GET_STRICT_CHK and NETLINK_EXT_ACK (best effort), and a 32 MiB-ish receive buffer
   * (best effort).
   */
  openSocketIn(nsFd: number, family: number, type: number, protocol: number): number;

  /**
   * Batch form of openSocketIn on ONE throw-away pthread that setns()es into each namespace in
   * turn. Returns one fd or one error per input, in order.
   */
  openSocketsIn(
    nsFds: number[],
    family: number,
    type: number,
    protocol: number,
  ): Array<number | NativeSystemError>;

  /**
   * Runs netlink jobs off the JS thread: jobs are spread over up to `parallelism` (1..16)
   * native worker threads; each job's requests run in order on one thread. Calls `callback`
   * once on the JS thread with one NetlinkReply[] per job (same order as `jobs`).
   * `timeoutMs` bounds each recv wait (poll); on timeout that request gets error ETIMEDOUT.
   */
  netlinkTransact(
    jobs: NetlinkJob[],
    parallelism: number,
    timeoutMs: number,
    callback: (err: NativeSystemError | null, replies: NetlinkReply[][]) => void,
  ): void;

  /**
   * ioctl on an nsfs fd. For NS_GET_USERNS (0xb701) and NS_GET_PARENT (0xb702) returns a NEW
   * fd (caller closes). For NS_GET_NSTYPE (0xb703) returns the CLONE_NEW* value. For
   * NS_GET_OWNER_UID (0xb704) returns the uid. Other ops: throws EINVAL.
   */
  nsIoctl(fd: number, op: number): number;

  /**
   * Reads a file below `rootPath` (typically `/proc/PID/root`): opens rootPath as a directory,
   * then openat2(dirfd, relPath, O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC,
   * RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), requires a regular file (else throws code 'EFTYPE' with syscall 'fstat'), reads at most
   * `maxBytes` + 1 bytes. Returns the bytes read (at most maxBytes) and whether the file was
   * larger than maxBytes (`truncated`). Symlinks (absolute or `..`) can never leave rootPath.
   */
  readFileInRoot(
    rootPath: string,
    relPath: string,
    maxBytes: number,
  ): { data: Buffer; truncated: boolean };

  /** pidfd_open(pid, 0) → new fd. */
  pidfdOpen(pid: number): number;
  /** pidfd_getfd(pidfd, targetFd, 0) → new fd duplicated from the target process. */
  pidfdGetfd(pidfd: number, targetFd: number): number;
  /** ioctl(sockFd, SIOCGSKNS) → new nsfs fd of the socket's network namespace. */
  socketNetns(sockFd: number): number;
  /** ioctl(tunFd, TUNGETDEVNETNS) → new nsfs fd of the TUN/TAP device's network namespace. */
  tunDeviceNetns(tunFd: number): number;

  /**
   * ioctl(fd, SIOCETHTOOL) with an ifreq naming `ifName` whose ifr_data points to `cmd` (a
   * struct ethtool_* buffer starting with the u32 command, e.g. ETHTOOL_GDRVINFO). The kernel
   * fills `cmd` in place; returns it. `fd` is any AF_INET/SOCK_DGRAM socket of the netns.
   */
  ethtoolIoctl(fd: number, ifName: string, cmd: Buffer): Buffer;

  /**
   * uname() inside the UTS namespace referenced by `nsFd`, on a throw-away pthread that does
   * setns(nsFd, CLONE_NEWUTS) and uname(), then exits. Returns nodename and domainname.
   */
  utsNamesIn(nsFd: number): { nodename: string; domainname: string };

  /** gettid() of the calling (JS) thread; for leak checks in tests. */
  gettid(): number;

  /**
   * On ONE throw-away pthread that setns(nsFd, CLONE_NEWNET)s into each namespace in turn,
   * opens every path (absolute, O_RDONLY|O_CLOEXEC|O_NOCTTY) there. Per-netns procfs files
   * such as `/proc/thread-self/net/sockstat` then show that netns when read from any thread.
   * Returns, per nsFd, one fd or error per path (a failed setns gives that error for every
   * path).
   */
  openFilesInNetns(nsFds: number[], paths: string[]): Array<Array<number | NativeSystemError>>;

  /**
   * getsockopt(fd, level, optname, buf, &len = buf.length): `buf` carries the request in and
   * the answer out (filled in place); returns the resulting optlen. Used for the x_tables GET
   * calls (IPT_SO_GET_INFO/ENTRIES) on a raw socket opened inside a netns (ABI 3).
   */
  getsockoptBuffer(fd: number, level: number, optname: number, buf: Buffer): number;

  /**
   * On a throw-away pthread: unshare(CLONE_FS), setns(nsFd, CLONE_NEWNS), then opens "/" as
   * O_PATH|O_DIRECTORY|O_CLOEXEC (`rootFd`, caller closes) and, when `wantMountinfo`, reads
   * `thread-self/mountinfo` through the caller's /proc (opened before the setns) (ABI 4).
   */
  mountNsRoot(nsFd: number, wantMountinfo: boolean): { rootFd: number; mountinfo?: Buffer };

  /** sendto(fd, data, MSG_DONTWAIT) to the 4-byte (IPv4) or 16-byte (IPv6) `addr`; bytes sent (ABI 4). */
  sendTo(fd: number, data: Buffer, addr: Buffer): number;

  /**
   * On a libuv pool thread: poll(fd, POLLIN, timeoutMs), then recvfrom() one datagram (≤ 64 KiB).
   * Calls back with it and the sender's address text, or an error (ETIMEDOUT from 'poll') (ABI 4).
   */
  recvFrom(
    fd: number,
    timeoutMs: number,
    callback: (err: NativeSystemError | null, d: { data: Buffer; from: string } | null) => void,
  ): void;

  /**
   * setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group) for every group (ABI 5): the
   * socket (bound, opened inside its netns) then receives that group's notifications.
   */
  netlinkJoinGroups(fd: number, groups: number[]): void;

  /**
   * poll(2) with timeout 0 over `fds`; drains every readable fd with recv(MSG_DONTWAIT) until
   * EAGAIN or `maxBytes` (ABI 5). Per fd: null (nothing queued) or the datagrams read, plus the
   * recv error that ended the drain (ENOBUFS = overrun, notifications lost; EMSGSIZE = a
   * datagram over 64 KiB was cut). Never blocks.
   */
  netlinkDrain(fds: number[], maxBytes: number): Array<DrainItem | null>;
}
