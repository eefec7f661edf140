// SPDX-License-Identifier: MIT
/*
 * netlink.c - netlink request/reply transport (netlinkTransact) over socket fds opened by
 * sockets.c, on native worker threads (never entering a namespace).
 *
 * Only framing is done here: nlmsghdr nlmsg_len/nlmsg_type/nlmsg_flags/nlmsg_seq
 * (<linux/netlink.h>) to split datagrams, pick the messages of a request's seq and find the end
 * of a reply. Everything inside the messages is decoded by the TypeScript codec.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addon.h"
#include "errors.h"

#define GW_NL_INITIAL_RECV (64 * 1024)
#define GW_NL_MAX_PARALLELISM 16

/* ---------------------------------------------------------------------------------------- */
/* netlinkTransact                                                                           */

typedef struct {
  uint8_t *data; /* request copy */
  size_t len;
  uint32_t seq;
  /* results */
  uint8_t *out;
  size_t out_len;
  size_t out_cap;
  bool dump_intr;
  int err;
  const char *syscall;
} nl_req;

typedef struct {
  int fd;     /* the caller's fd (for error context) */
  int io_fd;  /* our dup of it, so a close() by the caller mid-flight cannot redirect I/O */
  int dup_err;
  size_t nreq;
  nl_req *reqs;
} nl_job;

typedef struct {
  gw_state *st;
  napi_async_work work;
  napi_ref callback;
  size_t njobs;
  nl_job *jobs;
  int parallelism;
  int timeout_ms;
  atomic_size_t next;
} nl_batch;

static void nl_batch_free(nl_batch *b) {
  if (b->jobs != NULL) {
    for (size_t i = 0; i < b->njobs; i++) {
      nl_job *job = &b->jobs[i];
      if (job->io_fd >= 0) close(job->io_fd);
      if (job->reqs == NULL) continue;
      for (size_t k = 0; k < job->nreq; k++) {
        free(job->reqs[k].data);
        free(job->reqs[k].out);
      }
      free(job->reqs);
    }
    free(b->jobs);
  }
  free(b);
}

static bool out_append(nl_req *r, const uint8_t *p, size_t len) {
  size_t padded = NLMSG_ALIGN(len);
  if (padded < len) return false;
  if (r->out_len + padded > r->out_cap) {
    size_t cap = r->out_cap == 0 ? 16384 : r->out_cap;
    while (cap < r->out_len + padded) {
      if (cap > SIZE_MAX / 2) return false;
      cap *= 2;
    }
    uint8_t *nb = realloc(r->out, cap);
    if (nb == NULL) return false;
    r->out = nb;
    r->out_cap = cap;
  }
  memcpy(r->out + r->out_len, p, len);
  memset(r->out + r->out_len + len, 0, padded - len); /* keep following messages aligned */
  r->out_len += padded;
  return true;
}

/*
 * Sends one request and collects its reply. `buf`/`cap` is the job's receive buffer, grown as
 * needed (dump datagrams can exceed 32 KiB; their size is learned with MSG_PEEK|MSG_TRUNC).
 */
static void nl_do_request(int fd, nl_req *r, int timeout_ms, uint8_t **buf, size_t *cap) {
  ssize_t n;
  do {
    n = send(fd, r->data, r->len, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    r->err = errno;
    r->syscall = "send";
    return;
  }
  if ((size_t)n != r->len) {
    r->err = EMSGSIZE;
    r->syscall = "send";
    return;
  }

  for (;;) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN, .revents = 0};
    int pr = poll(&pfd, 1, timeout_ms);
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
    if (pfd.revents & POLLNVAL) {
      r->err = EBADF;
      r->syscall = "poll";
      return;
    }
    /* Size of the next datagram (MSG_TRUNC returns the real length even for a 0-byte buffer). */
    ssize_t want = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (want < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      r->err = errno; /* ENOBUFS: the socket overflowed and messages were lost */
      r->syscall = "recv";
      return;
    }
    if ((size_t)want > *cap) {
      uint8_t *nb = realloc(*buf, (size_t)want);
      if (nb == NULL) {
        r->err = ENOMEM;
        r->syscall = "recv";
        return;
      }
      *buf = nb;
      *cap = (size_t)want;
    }
    struct sockaddr_nl from;
    socklen_t fromlen = sizeof from;
    memset(&from, 0, sizeof from);
    ssize_t got = recvfrom(fd, *buf, *cap, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      r->err = errno;
      r->syscall = "recv";
      return;
    }
    /* Only the kernel (port id 0) answers requests; drop anything a process unicast to us. */
    if (fromlen >= sizeof from && from.nl_family == AF_NETLINK && from.nl_pid != 0) continue;

    size_t len = (size_t)got, off = 0;
    while (len - off >= sizeof(struct nlmsghdr)) {
      struct nlmsghdr h;
      memcpy(&h, *buf + off, sizeof h);
      if (h.nlmsg_len < sizeof(struct nlmsghdr) || h.nlmsg_len > len - off) {
        r->err = EBADMSG; /* framing broken: the rest of the datagram cannot be split */
        r->syscall = "recv";
        return;
      }
      if (h.nlmsg_seq == r->seq) {
        if (!out_append(r, *buf + off, h.nlmsg_len)) {
          r->err = ENOMEM;
          r->syscall = "recv";
          return;
        }
        if (h.nlmsg_flags & NLM_F_DUMP_INTR) r->dump_intr = true;
        if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR || !(h.nlmsg_flags & NLM_F_MULTI)) {
          return; /* reply complete; the rest of this datagram belongs to no pending request */
        }
      }
      size_t adv = NLMSG_ALIGN(h.nlmsg_len);
      if (adv > len - off) adv = len - off;
      off += adv;
    }
  }
}

static void nl_run_job(nl_job *job, int timeout_ms) {
  if (job->io_fd < 0) {
    for (size_t k = 0; k < job->nreq; k++) {
      job->reqs[k].err = job->dup_err;
      job->reqs[k].syscall = "fcntl";
    }
    return;
  }
  size_t cap = GW_NL_INITIAL_RECV;
  uint8_t *buf = malloc(cap);
  for (size_t k = 0; k < job->nreq; k++) {
    nl_req *r = &job->reqs[k];
    if (buf == NULL) {
      r->err = ENOMEM;
      r->syscall = "malloc";
      continue;
    }
    nl_do_request(job->io_fd, r, timeout_ms, &buf, &cap);
  }
  free(buf);
}

static void *nl_worker(void *p) {
  nl_batch *b = p;
  for (;;) {
    size_t i = atomic_fetch_add(&b->next, 1);
    if (i >= b->njobs) break;
    nl_run_job(&b->jobs[i], b->timeout_ms);
  }
  return NULL;
}

/* Runs on a libuv pool thread; extra workers are plain pthreads (no setns anywhere here). */
static void nl_execute(napi_env env, void *data) {
  (void)env;
  nl_batch *b = data;
  size_t nthreads = (size_t)b->parallelism;
  if (nthreads > b->njobs) nthreads = b->njobs;
  pthread_t tids[GW_NL_MAX_PARALLELISM];
  size_t started = 0;
  if (nthreads > 1) {
    sigset_t all, old;
    sigfillset(&all);
    bool masked = pthread_sigmask(SIG_SETMASK, &all, &old) == 0;
    for (size_t i = 0; i + 1 < nthreads; i++) {
      if (pthread_create(&tids[started], NULL, nl_worker, b) != 0) break; /* run with fewer */
      started++;
    }
    if (masked) (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
  }
  nl_worker(b);
  for (size_t i = 0; i < started; i++) pthread_join(tids[i], NULL);
}

/* Builds the replies array; returns NULL with a pending exception on failure. */
static napi_value nl_build_result(napi_env env, nl_batch *b) {
  napi_value outer;
  GW_NAPI(env, napi_create_array_with_length(env, b->njobs, &outer));
  for (size_t i = 0; i < b->njobs; i++) {
    nl_job *job = &b->jobs[i];
    napi_value inner;
    GW_NAPI(env, napi_create_array_with_length(env, job->nreq, &inner));
    for (size_t k = 0; k < job->nreq; k++) {
      nl_req *r = &job->reqs[k];
      napi_value obj, data, intr;
      GW_NAPI(env, napi_create_object(env, &obj));
      void *copy_ptr = NULL;
      GW_NAPI(env, napi_create_buffer_copy(env, r->out_len, r->out_len ? (void *)r->out : (void *)"", &copy_ptr, &data));
      GW_NAPI(env, napi_set_named_property(env, obj, "data", data));
      GW_NAPI(env, napi_get_boolean(env, r->dump_intr, &intr));
      GW_NAPI(env, napi_set_named_property(env, obj, "dumpInterrupted", intr));
      if (r->err != 0) {
        gw_err_ctx ctx = GW_ERR_CTX_NONE;
        ctx.fd = job->fd;
        napi_value e = gw_make_error(env, r->err, r->syscall, ctx);
        if (e == NULL) return gw_napi_fail(env, napi_generic_failure, "gw_make_error");
        GW_NAPI(env, napi_set_named_property(env, obj, "error", e));
      }
      GW_NAPI(env, napi_set_element(env, inner, (uint32_t)k, obj));
    }
    GW_NAPI(env, napi_set_element(env, outer, (uint32_t)i, inner));
  }
  return outer;
}

static napi_value nl_build(napi_env env, void *data) { return nl_build_result(env, data); }

static void nl_complete(napi_env env, napi_status status, void *data) {
  nl_batch *b = data;
  gw_state *st = b->st;
  gw_async_finish(env, status, st, b->callback, b->work, "netlinkTransact", 0, NULL, nl_build, b);
  atomic_fetch_sub(&st->in_flight, 1);
  nl_batch_free(b);
  gw_state_unref(st);
}

static bool get_named(napi_env env, napi_value obj, const char *key, napi_value *out) {
  napi_status s = napi_get_named_property(env, obj, key, out);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_get_named_property");
    return false;
  }
  return true;
}

/* netlinkTransact(jobs, parallelism, timeoutMs, callback) */
napi_value gw_netlink_transact(napi_env env, napi_callback_info info) {
  static const char FN[] = "netlinkTransact";
  napi_value argv[4];
  if (!gw_args(env, info, 4, argv, FN)) return NULL;
  gw_state *st = gw_state_get(env);
  if (st == NULL) return NULL;

  bool is_array = false;
  GW_NAPI(env, napi_is_array(env, argv[0], &is_array));
  if (!is_array) return gw_throw_arg(env, FN, "jobs");
  int32_t parallelism, timeout_ms;
  if (!gw_arg_int32(env, argv[1], FN, "parallelism", &parallelism)) return NULL;
  if (parallelism < 1 || parallelism > GW_NL_MAX_PARALLELISM) return gw_throw_arg(env, FN, "parallelism");
  if (!gw_arg_int32(env, argv[2], FN, "timeoutMs", &timeout_ms)) return NULL;
  if (timeout_ms < 0) return gw_throw_arg(env, FN, "timeoutMs");
  napi_valuetype t;
  GW_NAPI(env, napi_typeof(env, argv[3], &t));
  if (t != napi_function) return gw_throw_arg(env, FN, "callback");

  uint32_t njobs = 0;
  GW_NAPI(env, napi_get_array_length(env, argv[0], &njobs));
  nl_batch *b = calloc(1, sizeof *b);
  if (b == NULL) return gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
  b->njobs = njobs;
  b->parallelism = parallelism;
  b->timeout_ms = timeout_ms;
  atomic_init(&b->next, 0);
  b->jobs = calloc(njobs == 0 ? 1 : njobs, sizeof *b->jobs);
  if (b->jobs == NULL) {
    nl_batch_free(b);
    return gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
  }
  for (uint32_t i = 0; i < njobs; i++) b->jobs[i].io_fd = -1;

  for (uint32_t i = 0; i < njobs; i++) {
    napi_value job, fdv, reqs;
    napi_status s = napi_get_element(env, argv[0], i, &job);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_get_element");
      goto fail;
    }
    s = napi_typeof(env, job, &t);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_typeof");
      goto fail;
    }
    if (t != napi_object) {
      gw_throw_arg(env, FN, "jobs");
      goto fail;
    }
    if (!get_named(env, job, "fd", &fdv) || !get_named(env, job, "requests", &reqs)) goto fail;
    if (!gw_arg_fd(env, fdv, FN, "jobs[].fd", &b->jobs[i].fd, false)) goto fail;
    b->jobs[i].io_fd = fcntl(b->jobs[i].fd, F_DUPFD_CLOEXEC, 0);
    if (b->jobs[i].io_fd < 0) b->jobs[i].dup_err = errno; /* reported per request */
    s = napi_is_array(env, reqs, &is_array);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_is_array");
      goto fail;
    }
    if (!is_array) {
      gw_throw_arg(env, FN, "jobs[].requests");
      goto fail;
    }
    uint32_t nreq = 0;
    s = napi_get_array_length(env, reqs, &nreq);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_get_array_length");
      goto fail;
    }
    b->jobs[i].reqs = calloc(nreq == 0 ? 1 : nreq, sizeof(nl_req));
    if (b->jobs[i].reqs == NULL) {
      gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
      goto fail;
    }
    b->jobs[i].nreq = nreq;
    for (uint32_t k = 0; k < nreq; k++) {
      napi_value rv;
      s = napi_get_element(env, reqs, k, &rv);
      if (s != napi_ok) {
        gw_napi_fail(env, s, "napi_get_element");
        goto fail;
      }
      void *data;
      size_t len;
      if (!gw_arg_buffer(env, rv, FN, "jobs[].requests[]", &data, &len)) goto fail;
      struct nlmsghdr h;
      if (len < sizeof h) {
        gw_throw_arg(env, FN, "jobs[].requests[]");
        goto fail;
      }
      memcpy(&h, data, sizeof h);
      nl_req *r = &b->jobs[i].reqs[k];
      r->data = malloc(len);
      if (r->data == NULL) {
        gw_throw(env, ENOMEM, "malloc", GW_ERR_CTX_NONE);
        goto fail;
      }
      memcpy(r->data, data, len); /* the worker never touches JS memory */
      r->len = len;
      r->seq = h.nlmsg_seq;
    }
  }

  napi_value name;
  napi_status s = napi_create_string_utf8(env, "ghostwire:netlinkTransact", NAPI_AUTO_LENGTH, &name);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_create_string_utf8");
    goto fail;
  }
  s = napi_create_reference(env, argv[3], 1, &b->callback);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_create_reference");
    goto fail;
  }
  s = napi_create_async_work(env, NULL, name, nl_execute, nl_complete, b, &b->work);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_create_async_work");
    goto fail_ref;
  }
  b->st = st;
  gw_state_ref(st);
  atomic_fetch_add(&st->in_flight, 1);
  s = napi_queue_async_work(env, b->work);
  if (s != napi_ok) {
    atomic_fetch_sub(&st->in_flight, 1);
    gw_state_unref(st);
    (void)napi_delete_async_work(env, b->work);
    gw_napi_fail(env, s, "napi_queue_async_work");
    goto fail_ref;
  }
  napi_value undef;
  GW_NAPI(env, napi_get_undefined(env, &undef));
  return undef;

fail_ref:
  (void)napi_delete_reference(env, b->callback);
fail:
  nl_batch_free(b);
  return NULL;
}
