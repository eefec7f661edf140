// SPDX-License-Identifier: MIT
/*
 * xtables.c - getsockopt(2) into a caller's Buffer, for the iptables-legacy GET calls
 * (IPT_SO_GET_INFO / IPT_SO_GET_ENTRIES, IP6T_SO_GET_*; <linux/netfilter_ipv4/ip_tables.h>).
 *
 * The socket (a raw AF_INET/AF_INET6 socket) is opened inside the wanted network namespace by
 * openSocketsIn on a throw-away thread; x_tables answers for the netns of the socket, so this
 * call runs on the JS thread without any namespace switch. The Buffer carries the request
 * (e.g. the table name) in and the kernel's answer out; no parsing happens here.
 */
#include <errno.h>
#include <sys/socket.h>

#include "addon.h"
#include "errors.h"

/* getsockoptBuffer(fd, level, optname, buf) -> optlen (buf filled in place) */
napi_value gw_getsockopt_buffer(napi_env env, napi_callback_info info) {
  static const char FN[] = "getsockoptBuffer";
  napi_value argv[4];
  if (!gw_args(env, info, 4, argv, FN)) return NULL;
  int fd;
  int32_t level, optname;
  void *buf;
  size_t len;
  if (!gw_arg_fd(env, argv[0], FN, "fd", &fd, false)) return NULL;
  if (!gw_arg_int32(env, argv[1], FN, "level", &level)) return NULL;
  if (!gw_arg_int32(env, argv[2], FN, "optname", &optname)) return NULL;
  if (!gw_arg_buffer(env, argv[3], FN, "buf", &buf, &len)) return NULL;
  if (len > 0x7fffffff) return gw_throw_arg(env, FN, "buf");
  socklen_t optlen = (socklen_t)len;
  if (getsockopt(fd, level, optname, buf, &optlen) < 0) {
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = fd;
    return gw_throw(env, errno, "getsockopt", ctx);
  }
  napi_value out;
  GW_NAPI(env, napi_create_uint32(env, (uint32_t)optlen, &out));
  return out;
}
