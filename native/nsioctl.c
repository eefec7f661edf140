// SPDX-License-Identifier: MIT
/*
 * nsioctl.c - ioctls that yield namespace information or namespace fds, and uname() inside a
 * UTS namespace.
 *
 * <linux/nsfs.h>: NS_GET_USERNS, NS_GET_PARENT (new O_CLOEXEC fd, Linux 4.9), NS_GET_NSTYPE
 * (Linux 4.11), NS_GET_OWNER_UID (Linux 4.11). <linux/sockios.h>: SIOCGSKNS (Linux 4.9).
 * <linux/if_tun.h>: TUNGETDEVNETNS (Linux 5.2).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/nsfs.h>
#include <linux/sockios.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "addon.h"
#include "errors.h"
#include "nsthread.h"

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif

/* The kernel already opens these fds O_CLOEXEC; setting it again documents and guarantees it. */
static void ensure_cloexec(int fd) {
  int fl = fcntl(fd, F_GETFD);
  if (fl >= 0 && !(fl & FD_CLOEXEC)) (void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

static int ioctl_retry(int fd, unsigned long op, void *arg) {
  int r;
  do {
    r = ioctl(fd, op, arg);
  } while (r < 0 && errno == EINTR);
  return r;
}

/* nsIoctl(fd, op) -> fd | nstype | uid */
napi_value gw_ns_ioctl(napi_env env, napi_callback_info info) {
  static const char FN[] = "nsIoctl";
  napi_value argv[2];
  if (!gw_args(env, info, 2, argv, FN)) return NULL;
  int fd;
  int32_t op;
  if (!gw_arg_fd(env, argv[0], FN, "fd", &fd, false)) return NULL;
  if (!gw_arg_int32(env, argv[1], FN, "op", &op)) return NULL;
  gw_err_ctx ctx = GW_ERR_CTX_NONE;
  ctx.fd = fd;
  switch ((unsigned long)op) {
    case NS_GET_USERNS:
    case NS_GET_PARENT: {
      int nfd = ioctl_retry(fd, (unsigned long)op, NULL);
      if (nfd < 0) return gw_throw(env, errno, "ioctl", ctx);
      ensure_cloexec(nfd);
      return gw_fd_result(env, nfd);
    }
    case NS_GET_NSTYPE: {
      int type = ioctl_retry(fd, NS_GET_NSTYPE, NULL);
      if (type < 0) return gw_throw(env, errno, "ioctl", ctx);
      napi_value r;
      GW_NAPI(env, napi_create_int32(env, type, &r));
      return r;
    }
    case NS_GET_OWNER_UID: {
      uid_t uid = 0;
      if (ioctl_retry(fd, NS_GET_OWNER_UID, &uid) < 0) return gw_throw(env, errno, "ioctl", ctx);
      napi_value r;
      GW_NAPI(env, napi_create_uint32(env, (uint32_t)uid, &r));
      return r;
    }
    default:
      return gw_throw(env, EINVAL, "ioctl", ctx);
  }
}

static napi_value fd_ioctl_new_fd(napi_env env, napi_callback_info info, const char *fn, unsigned long op) {
  napi_value argv[1];
  if (!gw_args(env, info, 1, argv, fn)) return NULL;
  int fd;
  if (!gw_arg_fd(env, argv[0], fn, "fd", &fd, false)) return NULL;
  int nfd = ioctl_retry(fd, op, NULL);
  if (nfd < 0) {
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = fd;
    ctx.ns_type = CLONE_NEWNET;
    return gw_throw(env, errno, "ioctl", ctx);
  }
  ensure_cloexec(nfd);
  return gw_fd_result(env, nfd);
}

/* socketNetns(sockFd) -> nsfs fd (ioctl SIOCGSKNS; needs CAP_NET_ADMIN over the netns) */
napi_value gw_socket_netns(napi_env env, napi_callback_info info) {
  return fd_ioctl_new_fd(env, info, "socketNetns", SIOCGSKNS);
}

/* tunDeviceNetns(tunFd) -> nsfs fd (ioctl TUNGETDEVNETNS; needs CAP_NET_ADMIN) */
napi_value gw_tun_device_netns(napi_env env, napi_callback_info info) {
  return fd_ioctl_new_fd(env, info, "tunDeviceNetns", TUNGETDEVNETNS);
}

typedef struct {
  int ns_fd;
  struct utsname uts;
  int err;
  const char *syscall;
} uts_job;

static void uts_main(void *p) {
  uts_job *j = p;
  j->err = gw_setns(j->ns_fd, CLONE_NEWUTS);
  if (j->err != 0) {
    j->syscall = "setns";
    return;
  }
  if (uname(&j->uts) < 0) {
    j->err = errno;
    j->syscall = "uname";
  }
}

/* utsNamesIn(nsFd) -> { nodename, domainname } */
napi_value gw_uts_names_in(napi_env env, napi_callback_info info) {
  static const char FN[] = "utsNamesIn";
  napi_value argv[1];
  if (!gw_args(env, info, 1, argv, FN)) return NULL;
  uts_job j;
  memset(&j, 0, sizeof j);
  if (!gw_arg_fd(env, argv[0], FN, "nsFd", &j.ns_fd, false)) return NULL;
  int terr = gw_run_on_throwaway_thread(uts_main, &j);
  if (terr != 0) return gw_throw(env, terr, "pthread_create", GW_ERR_CTX_NONE);
  if (j.err != 0) {
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = j.ns_fd;
    ctx.ns_type = CLONE_NEWUTS;
    return gw_throw(env, j.err, j.syscall, ctx);
  }
  /* utsname fields are NUL-terminated by the kernel; bound them anyway. */
  j.uts.nodename[sizeof j.uts.nodename - 1] = '\0';
  j.uts.domainname[sizeof j.uts.domainname - 1] = '\0';
  napi_value obj, node, domain;
  GW_NAPI(env, napi_create_object(env, &obj));
  GW_NAPI(env, napi_create_string_utf8(env, j.uts.nodename, NAPI_AUTO_LENGTH, &node));
  GW_NAPI(env, napi_create_string_utf8(env, j.uts.domainname, NAPI_AUTO_LENGTH, &domain));
  GW_NAPI(env, napi_set_named_property(env, obj, "nodename", node));
  GW_NAPI(env, napi_set_named_property(env, obj, "domainname", domain));
  return obj;
}
