// SPDX-License-Identifier: MIT
/*
 * errors.h - errno -> JS error objects shaped like Node's system errors.
 *
 * Every error the addon throws, rejects with, or returns in a batch is an Error with
 * `code` ('EPERM'), `errno` (positive), `syscall` ('setns') and optional context fields
 * (`path`, `root`, `ifName`, `nsType`, `fd`). Message: "<syscall>: <strerror>", e.g.
 * "setns: Operation not permitted". Never message-only errors (see docs/native.md).
 */
#ifndef GHOSTWIRE_ERRORS_H
#define GHOSTWIRE_ERRORS_H

#include <node_api.h>

/* Pseudo errno for "not a regular file": Linux has no EFTYPE, so the object carries
 * code 'EFTYPE' with errno EINVAL (documented in docs/native.md). */
#define GW_EFTYPE (-1)

/* Optional context attached to an error object; unset fields are NULL / -1. */
typedef struct gw_err_ctx {
  const char *path;
  const char *root;
  const char *ifname; /* network interface name (ethtool) */
  int ns_type; /* -1 = unset */
  int fd;      /* -1 = unset */
} gw_err_ctx;

#define GW_ERR_CTX_NONE ((gw_err_ctx){NULL, NULL, NULL, -1, -1})

/* Name of an errno value ('EPERM'); falls back to "E<number>" written into buf. */
const char *gw_errno_name(int err, char *buf, size_t buflen);

/* Creates the error object; returns NULL (with a pending exception if possible) on napi failure. */
napi_value gw_make_error(napi_env env, int err, const char *syscall_name, gw_err_ctx ctx);

/* Throws such an error; always returns NULL so callers can `return gw_throw(...)`. */
napi_value gw_throw(napi_env env, int err, const char *syscall_name, gw_err_ctx ctx);

/* Throws an EINVAL argument error naming the function and the bad argument (syscall field = fn,
 * `argument` field = argument name). Returns NULL. */
napi_value gw_throw_arg(napi_env env, const char *fn, const char *argument);

/* If a napi call failed and nothing is pending, throws a generic napi failure error with
 * code 'ERR_GW_NAPI' and `napiStatus`. Returns NULL. */
napi_value gw_napi_fail(napi_env env, napi_status status, const char *what);

/* Evaluates a napi call; on failure throws (if nothing pending) and returns NULL. */
#define GW_NAPI(env, call)                                                                  \
  do {                                                                                      \
    napi_status gw_status_ = (call);                                                        \
    if (gw_status_ != napi_ok) return gw_napi_fail((env), gw_status_, #call);               \
  } while (0)

#endif
