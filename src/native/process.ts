// SPDX-License-Identifier: MIT
/**
 * @module native/process
 *
 * Process handles Node lacks: pidfds (`pidfd_open`, `pidfd_getfd`) and the JS thread's id.
 */
import { call } from './convert.js';
import { checkFd, checkInt, INT32_MAX } from './validate.js';

/** pidfd_open(pid, 0) (Linux 5.3): a NEW pidfd. **The caller must close it.** */
export function pidfdOpen(pid: number): number {
  checkInt('pidfdOpen', 'pid', pid, 1, INT32_MAX);
  return call('GW_ERR_NATIVE_SYSCALL', `pidfdOpen(${pid})`, { op: 'pidfdOpen', pid }, (b) =>
    b.pidfdOpen(pid),
  );
}

/**
 * pidfd_getfd(pidfd, targetFd, 0) (Linux 5.6): duplicates fd `targetFd` of the process behind
 * `pidfd` (needs PTRACE_MODE_ATTACH_REALCREDS). **The caller must close the new fd.**
 */
export function pidfdGetfd(pidfd: number, targetFd: number): number {
  checkFd('pidfdGetfd', 'pidfd', pidfd);
  checkFd('pidfdGetfd', 'targetFd', targetFd);
  return call(
    'GW_ERR_NATIVE_SYSCALL',
    `pidfdGetfd(${pidfd}, ${targetFd})`,
    { op: 'pidfdGetfd', pidfd, targetFd },
    (b) => b.pidfdGetfd(pidfd, targetFd),
  );
}

/** gettid() of the calling (JS) thread. */
export function gettid(): number {
  return call('GW_ERR_NATIVE_SYSCALL', 'gettid', {}, (b) => b.gettid());
}
