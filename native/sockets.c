// SPDX-License-Identifier: MIT
/*
 * sockets.c - sockets opened inside a network namespace: openSocketIn (one namespace, one
 * throw-away thread) and openSocketsIn (many namespaces, ONE throw-away thread entering them in
 * turn). AF_NETLINK sockets come bound and configured for the transport in netlink.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addon.h"
#include "errors.h"
#include "nsthread.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Receive buffer asked for on netlink sockets: big dumps (thousands of routes/sockets) must not
 * overflow (ENOBUFS). SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF is capped by rmem_max. */
#define GW_NL_RCVBUF (32 * 1024 * 1024)

/* ---------------------------------------------------------------------------------------- */
/* socket creation                                                                           */

typedef struct {
  int family;
  int type;
  int protocol;
} sock_spec;

/* Opens the socket in the calling thread's current netns. Returns 0 or errno (+ syscall). */
static int open_socket_here(const sock_spec *sp, int *fd_out, const char **syscall_out) {
  int fd = socket(sp->family, sp->type | SOCK_CLOEXEC, sp->protocol);
  if (fd < 0) {
    *syscall_out = "socket";
    return errno;
  }
  if (sp->family == AF_NETLINK) {
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK; /* nl_pid 0: the kernel assigns a port id */
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
      int err = errno;
      close(fd);
      *syscall_out = "bind";
      return err;
    }
    int one = 1;
    /* Best effort: both exist since Linux 4.12 / 4.20; older kernels just lack the feature. */
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    int rcv = GW_NL_RCVBUF;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) < 0) {
      (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    }
  }
  *fd_out = fd;
  return 0;
}

static bool get_nonneg(napi_env env, napi_value v, const char *fn, const char *name, int *out) {
  int32_t x;
  if (!gw_arg_int32(env, v, fn, name, &x)) return false;
  if (x < 0) {
    gw_throw_arg(env, fn, name);
    return false;
  }
  *out = x;
  return true;
}

static bool get_sock_spec(napi_env env, napi_value *argv, const char *fn, sock_spec *sp) {
  return get_nonneg(env, argv[0], fn, "family", &sp->family) &&
         get_nonneg(env, argv[1], fn, "type", &sp->type) &&
         get_nonneg(env, argv[2], fn, "protocol", &sp->protocol);
}

typedef struct {
  int ns_fd;
  sock_spec sp;
  int fd;
  int err;
  const char *syscall;
} one_socket_job;

static void one_socket_main(void *p) {
  one_socket_job *j = p;
  j->err = gw_setns(j->ns_fd, CLONE_NEWNET);
  if (j->err != 0) {
    j->syscall = "setns";
    return;
  }
  j->err = open_socket_here(&j->sp, &j->fd, &j->syscall);
}

/* openSocketIn(nsFd, family, type, protocol) -> fd */
napi_value gw_open_socket_in(napi_env env, napi_callback_info info) {
  static const char FN[] = "openSocketIn";
  napi_value argv[4];
  if (!gw_args(env, info, 4, argv, FN)) return NULL;
  one_socket_job j = {.ns_fd = -1, .fd = -1, .err = 0, .syscall = NULL};
  if (!gw_arg_fd(env, argv[0], FN, "nsFd", &j.ns_fd, true)) return NULL;
  if (!get_sock_spec(env, argv + 1, FN, &j.sp)) return NULL;

  if (j.ns_fd == -1) {
    j.err = open_socket_here(&j.sp, &j.fd, &j.syscall);
  } else {
    int terr = gw_run_on_throwaway_thread(one_socket_main, &j);
    if (terr != 0) return gw_throw(env, terr, "pthread_create", GW_ERR_CTX_NONE);
  }
  if (j.err != 0) {
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = j.ns_fd;
    if (j.ns_fd >= 0) ctx.ns_type = CLONE_NEWNET;
    return gw_throw(env, j.err, j.syscall, ctx);
  }
  napi_value r;
  napi_status s = napi_create_int32(env, j.fd, &r);
  if (s != napi_ok) {
    close(j.fd);
    return gw_napi_fail(env, s, "napi_create_int32");
  }
  return r;
}

typedef struct {
  size_t n;
  const int *ns_fds;
  sock_spec sp;
  int *fds;              /* out, -1 on error */
  int *errs;             /* out, 0 on success */
  const char **syscalls; /* out */
} many_socket_job;

static void many_socket_main(void *p) {
  many_socket_job *j = p;
  /* `-1` means the namespace this thread started in; remember it before the first setns. */
  int home = -1, home_err = 0;
  for (size_t i = 0; i < j->n; i++) {
    if (j->ns_fds[i] == -1) {
      home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
      if (home < 0) home_err = errno;
      break;
    }
  }
  bool moved = false; /* has this thread left its starting netns yet? */
  for (size_t i = 0; i < j->n; i++) {
    int ns = j->ns_fds[i];
    if (ns == -1) {
      /* No setns while still at home: it needs CAP_SYS_ADMIN even for one's own netns. */
      if (moved) {
        if (home < 0) {
          j->errs[i] = home_err;
          j->syscalls[i] = "open";
          continue;
        }
        int err = gw_setns(home, CLONE_NEWNET);
        if (err != 0) {
          j->errs[i] = err;
          j->syscalls[i] = "setns";
          continue;
        }
        moved = false;
      }
    } else {
      int err = gw_setns(ns, CLONE_NEWNET);
      if (err != 0) {
        j->errs[i] = err;
        j->syscalls[i] = "setns";
        continue;
      }
      moved = true;
    }
    j->errs[i] = open_socket_here(&j->sp, &j->fds[i], &j->syscalls[i]);
  }
  if (home >= 0) close(home);
}

/* openSocketsIn(nsFds[], family, type, protocol) -> Array<fd | error> */
napi_value gw_open_sockets_in(napi_env env, napi_callback_info info) {
  static const char FN[] = "openSocketsIn";
  napi_value argv[4];
  if (!gw_args(env, info, 4, argv, FN)) return NULL;
  bool is_array = false;
  GW_NAPI(env, napi_is_array(env, argv[0], &is_array));
  if (!is_array) return gw_throw_arg(env, FN, "nsFds");
  uint32_t n = 0;
  GW_NAPI(env, napi_get_array_length(env, argv[0], &n));
  many_socket_job j;
  memset(&j, 0, sizeof j);
  if (!get_sock_spec(env, argv + 1, FN, &j.sp)) return NULL;

  size_t cnt = n == 0 ? 1 : n;
  int *ns_fds = calloc(cnt, sizeof *ns_fds);
  int *fds = calloc(cnt, sizeof *fds);
  int *errs = calloc(cnt, sizeof *errs);
  const char **syscalls = calloc(cnt, sizeof *syscalls);
  napi_value result = NULL;
  if (ns_fds == NULL || fds == NULL || errs == NULL || syscalls == NULL) {
    gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
    goto out;
  }
  if (!gw_arg_fd_array(env, argv[0], n, FN, "nsFds", ns_fds, true)) goto out;
  for (uint32_t i = 0; i < n; i++) fds[i] = -1;
  j.n = n;
  j.ns_fds = ns_fds;
  j.fds = fds;
  j.errs = errs;
  j.syscalls = syscalls;
  if (n > 0) {
    int terr = gw_run_on_throwaway_thread(many_socket_main, &j);
    if (terr != 0) {
      gw_throw(env, terr, "pthread_create", GW_ERR_CTX_NONE);
      goto out;
    }
  }

  napi_value arr;
  napi_status s = napi_create_array_with_length(env, n, &arr);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_create_array_with_length");
    goto close_all;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    if (errs[i] == 0) {
      s = napi_create_int32(env, fds[i], &v);
      if (s != napi_ok) {
        gw_napi_fail(env, s, "napi_create_int32");
        goto close_all;
      }
    } else {
      gw_err_ctx ctx = GW_ERR_CTX_NONE;
      ctx.fd = ns_fds[i];
      if (ns_fds[i] >= 0) ctx.ns_type = CLONE_NEWNET;
      v = gw_make_error(env, errs[i], syscalls[i], ctx);
      if (v == NULL) {
        gw_napi_fail(env, napi_generic_failure, "gw_make_error");
        goto close_all;
      }
    }
    s = napi_set_element(env, arr, i, v);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_set_element");
      goto close_all;
    }
  }
  result = arr;
  goto out;

close_all: /* failed to hand the fds over: close them all rather than leak */
  for (uint32_t i = 0; i < n; i++) {
    if (errs[i] == 0 && fds[i] >= 0) close(fds[i]);
  }
out:
  free(ns_fds);
  free(fds);
  free(errs);
  free(syscalls);
  return result;
}
