// SPDX-License-Identifier: MIT
/*
 * mntns.c - a view into another mount namespace without a helper process.
 *
 * setns(fd, CLONE_NEWNS) needs a thread whose fs_struct (root, cwd, umask) is not shared with
 * other threads: a throw-away thread (nsthread.h) first unshare(CLONE_FS)s, then setns()es;
 * the kernel then sets that thread's root and cwd to the namespace's root. There it opens "/"
 * as an O_PATH directory fd - a handle on (root mount, root dentry) of that mount namespace
 * that stays valid after the thread is gone: paths below `/proc/self/fd/N/` are looked up in
 * that namespace's mount tree, as `/proc/PID/root/` would be for a process in it. Optionally
 * it also reads that thread's mountinfo (through the caller's procfs, opened before setns,
 * because the namespace's own /proc may be missing or belong to another PID namespace).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addon.h"
#include "errors.h"
#include "nsthread.h"

/* mountinfo of a mount namespace with very many mounts stays far below this. */
#define GW_MOUNTINFO_MAX (256u * 1024u * 1024u)

typedef struct {
  int ns_fd;
  bool want_mountinfo;
  int root_fd;
  char *info;
  size_t info_len;
  int err;
  const char *syscall;
} mntns_job;

static void fail(mntns_job *j, const char *syscall_name) {
  j->err = errno;
  j->syscall = syscall_name;
}

static bool read_all(mntns_job *j, int fd) {
  size_t cap = 64 * 1024;
  char *buf = malloc(cap);
  if (buf == NULL) {
    j->err = ENOMEM;
    j->syscall = "malloc";
    return false;
  }
  size_t len = 0;
  for (;;) {
    if (len == cap) {
      if (cap >= GW_MOUNTINFO_MAX) {
        free(buf);
        j->err = EFBIG;
        j->syscall = "read";
        return false;
      }
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        free(buf);
        j->err = ENOMEM;
        j->syscall = "realloc";
        return false;
      }
      buf = nb;
      cap *= 2;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(j, "read");
      free(buf);
      return false;
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  j->info = buf;
  j->info_len = len;
  return true;
}

static void mntns_main(void *p) {
  mntns_job *j = p;
  int proc_fd = -1;
  if (j->want_mountinfo) {
    proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (proc_fd < 0) {
      fail(j, "open");
      return;
    }
  }
  if (unshare(CLONE_FS) != 0) {
    fail(j, "unshare");
    goto out;
  }
  int err = gw_setns(j->ns_fd, CLONE_NEWNS);
  if (err != 0) {
    j->err = err;
    j->syscall = "setns";
    goto out;
  }
  j->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (j->root_fd < 0) {
    fail(j, "open");
    goto out;
  }
  if (j->want_mountinfo) {
    int fd = openat(proc_fd, "thread-self/mountinfo", O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      fail(j, "openat");
    } else {
      (void)read_all(j, fd);
      close(fd);
    }
    if (j->err != 0) {
      close(j->root_fd);
      j->root_fd = -1;
    }
  }
out:
  if (proc_fd >= 0) close(proc_fd);
}

/* mountNsRoot(nsFd, wantMountinfo) -> { rootFd, mountinfo?: Buffer } */
napi_value gw_mount_ns_root(napi_env env, napi_callback_info info) {
  static const char FN[] = "mountNsRoot";
  napi_value argv[2];
  if (!gw_args(env, info, 2, argv, FN)) return NULL;
  mntns_job j;
  memset(&j, 0, sizeof j);
  j.root_fd = -1;
  if (!gw_arg_fd(env, argv[0], FN, "nsFd", &j.ns_fd, false)) return NULL;
  GW_NAPI(env, napi_get_value_bool(env, argv[1], &j.want_mountinfo));
  int terr = gw_run_on_throwaway_thread(mntns_main, &j);
  if (terr != 0) return gw_throw(env, terr, "pthread_create", GW_ERR_CTX_NONE);
  if (j.err != 0) {
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = j.ns_fd;
    ctx.ns_type = CLONE_NEWNS;
    return gw_throw(env, j.err, j.syscall, ctx);
  }
  napi_value obj = NULL, fdv = NULL, buf = NULL;
  void *copy = NULL;
  napi_status s = napi_create_object(env, &obj);
  if (s == napi_ok) s = napi_create_int32(env, j.root_fd, &fdv);
  if (s == napi_ok) s = napi_set_named_property(env, obj, "rootFd", fdv);
  if (s == napi_ok && j.want_mountinfo) {
    s = napi_create_buffer_copy(env, j.info_len, j.info_len ? (void *)j.info : (void *)"", &copy, &buf);
    if (s == napi_ok) s = napi_set_named_property(env, obj, "mountinfo", buf);
  }
  free(j.info);
  if (s != napi_ok) {
    close(j.root_fd);
    return gw_napi_fail(env, s, FN);
  }
  return obj;
}
