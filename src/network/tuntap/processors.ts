// SPDX-License-Identifier: MIT
/**
 * @module network/tuntap/processors
 *
 * TAP/TUN "processors" (reference §3.9): the processes holding an fd of `/dev/net/tun` that is
 * attached to a TAP/TUN interface. For every such fd:
 *
 * 1. `/proc/PID/fdinfo/FD` names the interface (`iff:\t<ifname>`, drivers/net/tun.c
 *    `tun_chr_show_fdinfo()`); an fd without `iff` is not attached and ignored.
 * 2. The interface name alone is ambiguous (each netns has its own names, and a TAP can be
 *    moved to another netns after creation), so the fd is duplicated with `pidfd_open(2)` +
 *    `pidfd_getfd(2)` (Linux 5.6, PTRACE_MODE_ATTACH) and asked for the device's netns with
 *    ioctl `TUNGETDEVNETNS` (`<linux/if_tun.h>` `_IO('T', 227)`, Linux 5.2, CAP_NET_ADMIN); the
 *    netns inode comes from fstat of the returned nsfs fd. All fds are closed again.
 * 3. When step 2 fails (old kernel, missing privileges), the name decides if exactly one known
 *    tun interface has it, else the candidate in the process's own netns is taken and a
 *    `GW_ERR_NETWORK_TUNTAP` problem records the uncertainty.
 *
 * Cheap fast path: nothing is scanned when no tun interface exists. Only the thread-group fd
 * table of each process is scanned (threads created without CLONE_FILES are not).
 */
import { closeSync, fstatSync } from 'node:fs';
import { errorMessage, sysErrorCode } from '../../errors.js';
import type { Process } from '../../model/namespace.js';
import type { NetworkModel } from '../../model/network.js';
import type { PhaseResult, Problem } from '../../model/problem.js';
import { tunTapKey, type TunTapProcessors } from '../../model/tenant-details.js';
import { pidfdGetfd, pidfdOpen, tunDeviceNetns } from '../../native/index.js';
import { readFdinfo } from '../../procfs/fdinfo.js';
import { isVanished, readFdLinks } from '../../procfs/index.js';

/** Device node of the TUN/TAP clone device. */
export const TUN_DEVICE_PATH = '/dev/net/tun';

/** A tun/tap interface known from network discovery. */
export interface TunNifRef {
  readonly netnsIno: number;
  readonly name: string;
}

/** Native operations used (injectable for unit tests). Each returned fd must be closed. */
export interface TunTapNativeOps {
  pidfdOpen(pid: number): number;
  pidfdGetfd(pidfd: number, targetFd: number): number;
  tunDeviceNetns(tunFd: number): number;
  /** Inode of an open fd (fstat). */
  fdIno(fd: number): number;
  close(fd: number): void;
}

const DEFAULT_NATIVE: TunTapNativeOps = {
  pidfdOpen,
  pidfdGetfd,
  tunDeviceNetns,
  fdIno: (fd) => fstatSync(fd).ino,
  close: (fd) => closeSync(fd),
};

/** Options of {@link findTunTapProcessors}. */
export interface TunTapOptions {
  /** procfs mount (default `/proc`). */
  readonly procRoot?: string;
  readonly native?: TunTapNativeOps;
}

/** All tun/tap interfaces (IFLA_INFO_KIND `tun`, both modes) of a network model. */
export function tunNifsOf(network: NetworkModel): TunNifRef[] {
  const out: TunNifRef[] = [];
  for (const [ino, netns] of network.netns) {
    for (const nif of netns.nifs.values())
      if (nif.kind === 'tun') out.push({ netnsIno: ino, name: nif.name });
  }
  return out;
}

/** One attached tun fd of a process. */
interface TunFd {
  readonly fd: number;
  readonly ifName: string;
}

/**
 * Finds the processes holding TAP/TUN fds among `processes`, keyed by {@link tunTapKey} of the
 * device's (netns inode, interface name). Processes per key are sorted by PID.
 */
export function findTunTapProcessors(
  processes: Iterable<Process>,
  tunNifs: readonly TunNifRef[],
  opts: TunTapOptions = {},
): PhaseResult<TunTapProcessors> {
  const problems: Problem[] = [];
  const out = new Map<string, Process[]>();
  if (tunNifs.length === 0) return { value: out, problems };
  const procRoot = opts.procRoot ?? '/proc';
  const native = opts.native ?? DEFAULT_NATIVE;
  const byName = new Map<string, number[]>();
  for (const t of tunNifs) {
    const list = byName.get(t.name);
    if (list === undefined) byName.set(t.name, [t.netnsIno]);
    else if (!list.includes(t.netnsIno)) list.push(t.netnsIno);
  }

  const add = (key: string, p: Process): void => {
    const list = out.get(key);
    if (list === undefined) out.set(key, [p]);
    else if (!list.includes(p)) list.push(p);
  };
  const unlisted: number[] = [];

  for (const p of processes) {
    const subject = `pid ${p.pid} (${p.comm})`;
    let tunFds: TunFd[];
    try {
      tunFds = attachedTunFds(p.pid, procRoot, problems, subject);
    } catch (e: unknown) {
      if (!isVanished(e)) unlisted.push(p.pid);
      continue;
    }
    if (tunFds.length === 0) continue;
    let pidfd: number | undefined;
    try {
      for (const t of tunFds) {
        let ino: number | undefined;
        let why: unknown;
        try {
          pidfd ??= native.pidfdOpen(p.pid);
          ino = deviceNetnsIno(native, pidfd, t.fd);
        } catch (e: unknown) {
          const sys = sysErrorCode(e);
          if (sys === 'ESRCH' || sys === 'ENOENT') break; // process gone
          if (sys === 'EBADF') continue; // fd closed since it was listed
          why = e;
        }
        if (ino === undefined) ino = guessNetns(t.ifName, p, byName, why, subject, problems);
        if (ino !== undefined) add(tunTapKey(ino, t.ifName), p);
      }
    } finally {
      if (pidfd !== undefined) native.close(pidfd);
    }
  }
  if (unlisted.length > 0) {
    problems.push({
      code: 'GW_ERR_NETWORK_TUNTAP',
      message: `fd table of ${unlisted.length} process(es) not readable; TAP/TUN processors among them are missing (PIDs ${unlisted.slice(0, 10).join(', ')}${unlisted.length > 10 ? ', …' : ''})`,
      subject: 'phase:tuntap',
    });
  }
  for (const list of out.values()) list.sort((a, b) => a.pid - b.pid);
  return { value: out, problems };
}

/** The fds of `pid` open on /dev/net/tun and attached to an interface. Throws if fd/ is unreadable. */
function attachedTunFds(
  pid: number,
  procRoot: string,
  problems: Problem[],
  subject: string,
): TunFd[] {
  const out: TunFd[] = [];
  for (const l of readFdLinks(pid, procRoot)) {
    if (l.target.kind !== 'path' || l.target.path !== TUN_DEVICE_PATH) continue;
    try {
      const info = readFdinfo(pid, l.fd, procRoot);
      if (info.iff !== undefined) out.push({ fd: l.fd, ifName: info.iff });
    } catch (e: unknown) {
      if (isVanished(e)) continue; // fd closed meanwhile
      problems.push({
        code: 'GW_ERR_NETWORK_TUNTAP',
        message: `fdinfo of tun fd ${l.fd}: ${errorMessage(e)}`,
        subject,
        ...(sysErrorCode(e) === undefined ? {} : { cause: sysErrorCode(e) }),
      });
    }
  }
  return out;
}

/** Netns inode of the TUN/TAP device behind fd `targetFd` of the process behind `pidfd`. */
function deviceNetnsIno(native: TunTapNativeOps, pidfd: number, targetFd: number): number {
  const dup = native.pidfdGetfd(pidfd, targetFd);
  try {
    const nsfd = native.tunDeviceNetns(dup);
    try {
      return native.fdIno(nsfd);
    } finally {
      native.close(nsfd);
    }
  } finally {
    native.close(dup);
  }
}

/** Fallback attribution by interface name when the device netns could not be asked. */
function guessNetns(
  ifName: string,
  p: Process,
  byName: ReadonlyMap<string, readonly number[]>,
  why: unknown,
  subject: string,
  problems: Problem[],
): number | undefined {
  const candidates = byName.get(ifName) ?? [];
  if (candidates.length === 1) return candidates[0];
  const own = p.namespaces.net?.id.ino;
  const pick = own !== undefined && candidates.includes(own) ? own : undefined;
  const cause = sysErrorCode(why);
  problems.push({
    code: 'GW_ERR_NETWORK_TUNTAP',
    message:
      `netns of TAP/TUN device ${ifName} not determinable (${errorMessage(why)}); ` +
      (candidates.length === 0
        ? 'no such tun interface known'
        : pick === undefined
          ? `${candidates.length} candidates, none in the process's netns; not attributed`
          : `${candidates.length} candidates, assumed the process's own netns`),
    subject,
    ...(cause === undefined ? {} : { cause }),
  });
  return pick;
}
