// SPDX-License-Identifier: MIT
/*
 * nsthread.c - throw-away pthreads for setns(2) (see nsthread.h and setns(2), pthreads(7)).
 */
#include "nsthread.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>

typedef struct {
  void (*fn)(void *);
  void *arg;
} thread_start;

static void *thread_main(void *p) {
  thread_start *ts = p;
  ts->fn(ts->arg);
  return NULL;
}

int gw_run_on_throwaway_thread(void (*fn)(void *), void *arg) {
  thread_start ts = {fn, arg};
  sigset_t all, old;
  sigfillset(&all);
  /* The new thread inherits the creator's mask: block everything for it, then restore ours. */
  int err = pthread_sigmask(SIG_SETMASK, &all, &old);
  if (err != 0) return err;
  pthread_t t;
  err = pthread_create(&t, NULL, thread_main, &ts);
  /* Cannot fail with a valid `how` and set; ignoring keeps "0 = fn ran" exact. */
  (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (err != 0) return err;
  return pthread_join(t, NULL);
}

int gw_setns(int fd, int nstype) {
  for (;;) {
    if (setns(fd, nstype) == 0) return 0;
    if (errno != EINTR) return errno;
  }
}
