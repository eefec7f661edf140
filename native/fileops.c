// SPDX-License-Identifier: MIT
/*
 * fileops.c - reading a file confined below a root directory (openat2(2) RESOLVE_IN_ROOT,
 * <linux/openat2.h>, Linux 5.6), pidfd_open(2) (5.3) / pidfd_getfd(2) (5.6), and the
 * SIOCETHTOOL ioctl (<linux/sockios.h>, <linux/ethtool.h>).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "addon.h"
#include "errors.h"

/* Upper bound for readFileInRoot's maxBytes (the TS wrapper enforces its own, smaller cap). */
#define GW_READ_MAX (256 * 1024 * 1024)

/* Slack after the caller's ethtool buffer: a few commands (e.g. ETHTOOL_GSTRINGS) write as much
 * as the driver reports, not as much as the caller provided. Writes beyond the caller's length
 * land here instead of in foreign memory and are not copied back. */
#define GW_ETHTOOL_SLACK (64 * 1024)

/* readFileInRoot(rootPath, relPath, maxBytes) -> { data, truncated } */
napi_value gw_read_file_in_root(napi_env env, napi_callback_info info) {
  static const char FN[] = "readFileInRoot";
  napi_value argv[3];
  if (!gw_args(env, info, 3, argv, FN)) return NULL;
  char *root = NULL, *rel = NULL;
  uint8_t *buf = NULL;
  int dirfd = -1, fd = -1;
  napi_value result = NULL;
  int32_t max_bytes;

  if (!gw_arg_string(env, argv[0], FN, "rootPath", &root)) goto out;
  if (!gw_arg_string(env, argv[1], FN, "relPath", &rel)) goto out;
  if (!gw_arg_int32(env, argv[2], FN, "maxBytes", &max_bytes)) goto out;
  if (max_bytes < 0 || max_bytes > GW_READ_MAX) {
    gw_throw_arg(env, FN, "maxBytes");
    goto out;
  }

  gw_err_ctx ctx = GW_ERR_CTX_NONE;
  do {
    dirfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  } while (dirfd < 0 && errno == EINTR);
  if (dirfd < 0) {
    ctx.path = root;
    gw_throw(env, errno, "open", ctx);
    goto out;
  }
  ctx.path = rel;
  ctx.root = root;

  struct open_how how;
  memset(&how, 0, sizeof how);
  /* O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: never acquire a tty. */
  how.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  do {
    fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
  } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
  if (fd < 0) {
    gw_throw(env, errno, "openat2", ctx);
    goto out;
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    gw_throw(env, errno, "fstat", ctx);
    goto out;
  }
  if (!S_ISREG(st.st_mode)) {
    gw_throw(env, GW_EFTYPE, "fstat", ctx);
    goto out;
  }

  size_t want = (size_t)max_bytes + 1; /* one extra byte tells "larger than maxBytes" */
  buf = malloc(want);
  if (buf == NULL) {
    gw_throw(env, ENOMEM, "malloc", GW_ERR_CTX_NONE);
    goto out;
  }
  size_t got = 0;
  while (got < want) {
    ssize_t n = read(fd, buf + got, want - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      gw_throw(env, errno, "read", ctx);
      goto out;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  bool truncated = got > (size_t)max_bytes;
  if (truncated) got = (size_t)max_bytes;

  napi_value obj, data, trunc;
  void *copy = NULL;
  napi_status s;
  if ((s = napi_create_object(env, &obj)) != napi_ok ||
      (s = napi_create_buffer_copy(env, got, got ? (void *)buf : (void *)"", &copy, &data)) != napi_ok ||
      (s = napi_get_boolean(env, truncated, &trunc)) != napi_ok ||
      (s = napi_set_named_property(env, obj, "data", data)) != napi_ok ||
      (s = napi_set_named_property(env, obj, "truncated", trunc)) != napi_ok) {
    gw_napi_fail(env, s, "readFileInRoot result");
    goto out;
  }
  result = obj;

out:
  if (fd >= 0) close(fd);
  if (dirfd >= 0) close(dirfd);
  free(buf);
  free(root);
  free(rel);
  return result;
}

/* pidfdOpen(pid) -> pidfd (always O_CLOEXEC) */
napi_value gw_pidfd_open(napi_env env, napi_callback_info info) {
  static const char FN[] = "pidfdOpen";
  napi_value argv[1];
  if (!gw_args(env, info, 1, argv, FN)) return NULL;
  int32_t pid;
  if (!gw_arg_int32(env, argv[0], FN, "pid", &pid)) return NULL;
  if (pid <= 0) return gw_throw_arg(env, FN, "pid");
  int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0u);
  if (fd < 0) return gw_throw(env, errno, "pidfd_open", GW_ERR_CTX_NONE);
  return gw_fd_result(env, fd);
}

/* pidfdGetfd(pidfd, targetFd) -> new fd (the kernel sets FD_CLOEXEC) */
napi_value gw_pidfd_getfd(napi_env env, napi_callback_info info) {
  static const char FN[] = "pidfdGetfd";
  napi_value argv[2];
  if (!gw_args(env, info, 2, argv, FN)) return NULL;
  int pidfd, target;
  if (!gw_arg_fd(env, argv[0], FN, "pidfd", &pidfd, false)) return NULL;
  if (!gw_arg_fd(env, argv[1], FN, "targetFd", &target, false)) return NULL;
  int fd = (int)syscall(SYS_pidfd_getfd, pidfd, target, 0u);
  if (fd < 0) {
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = target;
    return gw_throw(env, errno, "pidfd_getfd", ctx);
  }
  return gw_fd_result(env, fd);
}

/* ethtoolIoctl(fd, ifName, cmd) -> cmd (filled in place) */
napi_value gw_ethtool_ioctl(napi_env env, napi_callback_info info) {
  static const char FN[] = "ethtoolIoctl";
  napi_value argv[3];
  if (!gw_args(env, info, 3, argv, FN)) return NULL;
  int fd;
  char *name = NULL;
  void *cmd;
  size_t cmd_len;
  if (!gw_arg_fd(env, argv[0], FN, "fd", &fd, false)) return NULL;
  if (!gw_arg_buffer(env, argv[2], FN, "cmd", &cmd, &cmd_len)) return NULL;
  if (cmd_len < 4) return gw_throw_arg(env, FN, "cmd"); /* at least the u32 command */
  if (!gw_arg_string(env, argv[1], FN, "ifName", &name)) return NULL;
  size_t name_len = strlen(name);
  if (name_len == 0 || name_len >= IFNAMSIZ) {
    free(name);
    return gw_throw_arg(env, FN, "ifName");
  }
  uint8_t *scratch = calloc(1, cmd_len + GW_ETHTOOL_SLACK);
  if (scratch == NULL) {
    free(name);
    return gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
  }
  memcpy(scratch, cmd, cmd_len);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, name_len);
  ifr.ifr_data = (char *)scratch;
  int r;
  do {
    r = ioctl(fd, SIOCETHTOOL, &ifr);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    int err = errno;
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = fd;
    ctx.ifname = name;
    napi_value e = gw_throw(env, err, "ioctl", ctx);
    free(scratch);
    free(name);
    return e;
  }
  memcpy(cmd, scratch, cmd_len);
  free(scratch);
  free(name);
  return argv[2];
}
