// SPDX-License-Identifier: MIT
/*
 * icmp.c - datagram send/receive on an already open socket (the /mobydig ICMP echo).
 *
 * The socket is created inside the target network namespace by openSocketIn (a throw-away
 * thread setns()es, sockets.c); a socket keeps its netns for life, so sending and receiving
 * need no namespace switch. sendTo is synchronous (a datagram send does not block);
 * recvFrom waits on a libuv pool thread (poll with a timeout, then recvfrom) and calls back on
 * the JS thread. Building echo requests and parsing replies stays in TS (native/icmp.ts).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addon.h"
#include "errors.h"

#define GW_RECV_MAX 65536

/* sendTo(fd, data, addr) where addr is a 4-byte (IPv4) or 16-byte (IPv6) Buffer; returns bytes sent. */
napi_value gw_send_to(napi_env env, napi_callback_info info) {
  static const char FN[] = "sendTo";
  napi_value argv[3];
  if (!gw_args(env, info, 3, argv, FN)) return NULL;
  int fd;
  void *data, *addr;
  size_t len, alen;
  if (!gw_arg_fd(env, argv[0], FN, "fd", &fd, false)) return NULL;
  if (!gw_arg_buffer(env, argv[1], FN, "data", &data, &len)) return NULL;
  if (!gw_arg_buffer(env, argv[2], FN, "addr", &addr, &alen)) return NULL;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sl;
  if (alen == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    memcpy(&a->sin_addr, addr, 4);
    sl = sizeof *a;
  } else if (alen == 16) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    memcpy(&a->sin6_addr, addr, 16);
    sl = sizeof *a;
  } else {
    return gw_throw_arg(env, FN, "addr");
  }
  ssize_t n;
  do {
    n = sendto(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&ss, sl);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = fd;
    return gw_throw(env, errno, "sendto", ctx);
  }
  napi_value out;
  GW_NAPI(env, napi_create_int64(env, (int64_t)n, &out));
  return out;
}

typedef struct {
  gw_state *st;
  napi_async_work work;
  napi_ref callback;
  int fd; /* dup of the caller's fd, so a close() meanwhile cannot hand us another file */
  int timeout_ms;
  uint8_t *buf;
  size_t len;
  struct sockaddr_storage from;
  socklen_t from_len;
  int err;
  const char *syscall;
} recv_job;

static void recv_free(recv_job *r) {
  if (r->fd >= 0) close(r->fd);
  free(r->buf);
  free(r);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void recv_execute(napi_env env, void *data) {
  (void)env;
  recv_job *r = data;
  int64_t deadline = now_ms() + r->timeout_ms;
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left < 0) left = 0;
    struct pollfd pfd = {r->fd, POLLIN, 0};
    int pr = poll(&pfd, 1, (int)left);
    if (pr < 0) {
      if (errno == EINTR) continue;
      r->err = errno;
      r->syscall = "poll";
      return;
    }
    if (pr == 0) {
      r->err = ETIMEDOUT;
      r->syscall = "poll";
      return;
    }
    r->from_len = sizeof r->from;
    ssize_t n = recvfrom(r->fd, r->buf, GW_RECV_MAX, MSG_DONTWAIT, (struct sockaddr *)&r->from, &r->from_len);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      r->err = errno;
      r->syscall = "recvfrom";
      return;
    }
    r->len = (size_t)n;
    return;
  }
}

static napi_value recv_result(napi_env env, recv_job *r) {
  napi_value obj, data, from;
  void *copy = NULL;
  GW_NAPI(env, napi_create_object(env, &obj));
  GW_NAPI(env, napi_create_buffer_copy(env, r->len, r->len ? (void *)r->buf : (void *)"", &copy, &data));
  GW_NAPI(env, napi_set_named_property(env, obj, "data", data));
  char text[INET6_ADDRSTRLEN] = "";
  if (r->from.ss_family == AF_INET)
    (void)inet_ntop(AF_INET, &((struct sockaddr_in *)&r->from)->sin_addr, text, sizeof text);
  else if (r->from.ss_family == AF_INET6)
    (void)inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&r->from)->sin6_addr, text, sizeof text);
  GW_NAPI(env, napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &from));
  GW_NAPI(env, napi_set_named_property(env, obj, "from", from));
  return obj;
}

static napi_value recv_build(napi_env env, void *data) { return recv_result(env, data); }

static void recv_complete(napi_env env, napi_status status, void *data) {
  recv_job *r = data;
  gw_state *st = r->st;
  gw_async_finish(env, status, st, r->callback, r->work, "recvFrom", r->err, r->syscall, recv_build, r);
  atomic_fetch_sub(&st->in_flight, 1);
  recv_free(r);
  gw_state_unref(st);
}

/* recvFrom(fd, timeoutMs, callback(err, {data, from})) */
napi_value gw_recv_from(napi_env env, napi_callback_info info) {
  static const char FN[] = "recvFrom";
  napi_value argv[3];
  if (!gw_args(env, info, 3, argv, FN)) return NULL;
  gw_state *st = gw_state_get(env);
  if (st == NULL) return NULL;
  int fd;
  int32_t timeout_ms;
  if (!gw_arg_fd(env, argv[0], FN, "fd", &fd, false)) return NULL;
  if (!gw_arg_int32(env, argv[1], FN, "timeoutMs", &timeout_ms)) return NULL;
  if (timeout_ms < 0 || timeout_ms > 600000) return gw_throw_arg(env, FN, "timeoutMs");
  napi_valuetype t;
  GW_NAPI(env, napi_typeof(env, argv[2], &t));
  if (t != napi_function) return gw_throw_arg(env, FN, "callback");
  recv_job *r = calloc(1, sizeof *r);
  if (r == NULL) return gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
  r->timeout_ms = timeout_ms;
  r->buf = malloc(GW_RECV_MAX);
  r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (r->fd < 0 || r->buf == NULL) {
    int e = r->fd < 0 ? errno : ENOMEM;
    recv_free(r);
    gw_err_ctx ctx = GW_ERR_CTX_NONE;
    ctx.fd = fd;
    return gw_throw(env, e, e == ENOMEM ? "malloc" : "fcntl", ctx);
  }
  napi_value name;
  napi_status s = napi_create_string_utf8(env, "ghostwire:recvFrom", NAPI_AUTO_LENGTH, &name);
  if (s == napi_ok) s = napi_create_reference(env, argv[2], 1, &r->callback);
  if (s != napi_ok) {
    recv_free(r);
    return gw_napi_fail(env, s, FN);
  }
  s = napi_create_async_work(env, NULL, name, recv_execute, recv_complete, r, &r->work);
  if (s != napi_ok) {
    (void)napi_delete_reference(env, r->callback);
    recv_free(r);
    return gw_napi_fail(env, s, "napi_create_async_work");
  }
  r->st = st;
  gw_state_ref(st);
  atomic_fetch_add(&st->in_flight, 1);
  s = napi_queue_async_work(env, r->work);
  if (s != napi_ok) {
    atomic_fetch_sub(&st->in_flight, 1);
    gw_state_unref(st);
    (void)napi_delete_async_work(env, r->work);
    (void)napi_delete_reference(env, r->callback);
    recv_free(r);
    return gw_napi_fail(env, s, "napi_queue_async_work");
  }
  napi_value undef;
  GW_NAPI(env, napi_get_undefined(env, &undef));
  return undef;
}
