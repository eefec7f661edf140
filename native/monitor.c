// SPDX-License-Identifier: MIT
/*
 * monitor.c - the two syscalls the RTNETLINK change monitor needs on sockets it keeps open
 * (src/network/monitor/): joining multicast groups, and draining whatever notifications are
 * queued on many sockets at once without blocking. Stateless on purpose: no uv handles, no
 * threads, nothing to clean up when a worker terminates; the JS side decides when to drain
 * (see docs/feed.md for why a short drain period and not a uv_poll watch).
 */
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addon.h"
#include "errors.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* One datagram at most this big; rtnetlink notifications are far smaller (one message each). */
#define GW_MON_DGRAM_MAX (64 * 1024)

/* netlinkJoinGroups(fd, groups[]) -> undefined; setsockopt NETLINK_ADD_MEMBERSHIP per group. */
napi_value gw_netlink_join_groups(napi_env env, napi_callback_info info) {
  static const char FN[] = "netlinkJoinGroups";
  napi_value argv[2];
  if (!gw_args(env, info, 2, argv, FN)) return NULL;
  int fd;
  if (!gw_arg_fd(env, argv[0], FN, "fd", &fd, false)) return NULL;
  bool is_array = false;
  GW_NAPI(env, napi_is_array(env, argv[1], &is_array));
  if (!is_array) return gw_throw_arg(env, FN, "groups");
  uint32_t n = 0;
  GW_NAPI(env, napi_get_array_length(env, argv[1], &n));
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    GW_NAPI(env, napi_get_element(env, argv[1], i, &el));
    int32_t g;
    if (!gw_arg_int32(env, el, FN, "groups", &g)) return NULL;
    if (g <= 0) return gw_throw_arg(env, FN, "groups");
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof g) < 0) {
      gw_err_ctx ctx = GW_ERR_CTX_NONE;
      ctx.fd = fd;
      return gw_throw(env, errno, "setsockopt", ctx);
    }
  }
  napi_value undef;
  GW_NAPI(env, napi_get_undefined(env, &undef));
  return undef;
}

/* Copies the datagrams read so far into a JS array of Buffers. */
static napi_value datagrams_array(napi_env env, char **bufs, size_t *lens, size_t n) {
  napi_value arr;
  GW_NAPI(env, napi_create_array_with_length(env, n, &arr));
  for (size_t i = 0; i < n; i++) {
    napi_value b;
    GW_NAPI(env, napi_create_buffer_copy(env, lens[i], bufs[i], NULL, &b));
    GW_NAPI(env, napi_set_element(env, arr, (uint32_t)i, b));
  }
  return arr;
}

/*
 * netlinkDrain(fds[], maxBytes) -> Array<null | {datagrams: Buffer[], error?: Error}>
 * poll(2) with timeout 0 over all fds; from every readable one, recv(MSG_DONTWAIT) datagrams
 * until EAGAIN or maxBytes per fd. `error` reports the recv failure that ended the drain
 * (ENOBUFS: the socket overran and notifications were lost; EMSGSIZE: a datagram larger than
 * 64 KiB was cut) after the datagrams read before it. null = nothing queued.
 */
napi_value gw_netlink_drain(napi_env env, napi_callback_info info) {
  static const char FN[] = "netlinkDrain";
  napi_value argv[2];
  if (!gw_args(env, info, 2, argv, FN)) return NULL;
  bool is_array = false;
  GW_NAPI(env, napi_is_array(env, argv[0], &is_array));
  if (!is_array) return gw_throw_arg(env, FN, "fds");
  uint32_t n = 0;
  GW_NAPI(env, napi_get_array_length(env, argv[0], &n));
  int32_t max_bytes;
  if (!gw_arg_int32(env, argv[1], FN, "maxBytes", &max_bytes)) return NULL;
  if (max_bytes <= 0) return gw_throw_arg(env, FN, "maxBytes");

  size_t cnt = n == 0 ? 1 : n;
  int *fds = calloc(cnt, sizeof *fds);
  struct pollfd *pfds = calloc(cnt, sizeof *pfds);
  char *dgram = malloc(GW_MON_DGRAM_MAX);
  napi_value result = NULL;
  if (fds == NULL || pfds == NULL || dgram == NULL) {
    gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
    goto out;
  }
  if (!gw_arg_fd_array(env, argv[0], n, FN, "fds", fds, false)) goto out;
  for (uint32_t i = 0; i < n; i++) {
    pfds[i].fd = fds[i];
    pfds[i].events = POLLIN;
  }
  if (n > 0) {
    int r;
    do r = poll(pfds, n, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
      gw_throw(env, errno, "poll", GW_ERR_CTX_NONE);
      goto out;
    }
  }
  napi_value arr, null_v;
  if (napi_create_array_with_length(env, n, &arr) != napi_ok || napi_get_null(env, &null_v) != napi_ok) {
    gw_napi_fail(env, napi_generic_failure, "napi_create_array_with_length");
    goto out;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value item = null_v;
    if ((pfds[i].revents & (POLLIN | POLLERR | POLLNVAL)) != 0) {
      /* read into malloc'd copies first, then build JS values (one Buffer per datagram) */
      char *bufs[256];
      size_t lens[256];
      size_t nd = 0, total = 0;
      int err = 0;
      if (pfds[i].revents & POLLNVAL) err = EBADF;
      while (err == 0 && nd < 256 && total < (size_t)max_bytes) {
        ssize_t got = recv(fds[i], dgram, GW_MON_DGRAM_MAX, MSG_DONTWAIT | MSG_TRUNC);
        if (got < 0) {
          if (errno == EINTR) continue;
          if (errno != EAGAIN && errno != EWOULDBLOCK) err = errno;
          break;
        }
        if (got > GW_MON_DGRAM_MAX) {
          err = EMSGSIZE;
          break;
        }
        char *copy = malloc(got == 0 ? 1 : (size_t)got);
        if (copy == NULL) {
          err = ENOMEM;
          break;
        }
        memcpy(copy, dgram, (size_t)got);
        bufs[nd] = copy;
        lens[nd] = (size_t)got;
        nd++;
        total += (size_t)got;
      }
      napi_value obj = NULL, dg = NULL;
      bool ok = napi_create_object(env, &obj) == napi_ok;
      if (ok) dg = datagrams_array(env, bufs, lens, nd);
      for (size_t k = 0; k < nd; k++) free(bufs[k]);
      ok = ok && dg != NULL && napi_set_named_property(env, obj, "datagrams", dg) == napi_ok;
      if (ok && err != 0) {
        gw_err_ctx ctx = GW_ERR_CTX_NONE;
        ctx.fd = fds[i];
        napi_value e = gw_make_error(env, err, "recv", ctx);
        ok = e != NULL && napi_set_named_property(env, obj, "error", e) == napi_ok;
      }
      if (!ok) {
        gw_napi_fail(env, napi_generic_failure, "netlinkDrain result");
        goto out;
      }
      item = obj;
    }
    if (napi_set_element(env, arr, i, item) != napi_ok) {
      gw_napi_fail(env, napi_generic_failure, "napi_set_element");
      goto out;
    }
  }
  result = arr;
out:
  free(fds);
  free(pfds);
  free(dgram);
  return result;
}
