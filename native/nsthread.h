// SPDX-License-Identifier: MIT
/*
 * nsthread.h - "run in a namespace on a throw-away pthread".
 *
 * setns(2) changes the namespace of the calling *thread*. Doing that on the JS thread or on a
 * libuv pool thread would leave that long-lived thread in a foreign namespace, so the addon
 * only ever calls setns() on a freshly created pthread that does its work, and exits; the
 * caller joins it. The thread runs with all signals blocked.
 */
#ifndef GHOSTWIRE_NSTHREAD_H
#define GHOSTWIRE_NSTHREAD_H

/* Runs fn(arg) on a new pthread and joins it. Returns 0, or the pthread_create/join error
 * number (then fn did not run, or its result is unknown). */
int gw_run_on_throwaway_thread(void (*fn)(void *), void *arg);

/* setns(fd, nstype), retrying on EINTR. Returns 0 or an errno value. Only call it on a
 * throw-away thread. */
int gw_setns(int fd, int nstype);

#endif
