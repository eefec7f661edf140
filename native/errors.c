// SPDX-License-Identifier: MIT
/*
 * errors.c - errno -> JS error objects (see errors.h).
 * errno names from <asm-generic/errno-base.h> and <asm-generic/errno.h>.
 */
#include "errors.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  int err;
  const char *name;
} errno_entry;

#define E(x) {x, #x}
static const errno_entry ERRNO_NAMES[] = {
    E(EPERM),        E(ENOENT),          E(ESRCH),           E(EINTR),
    E(EIO),          E(ENXIO),           E(E2BIG),           E(ENOEXEC),
    E(EBADF),        E(ECHILD),          E(EAGAIN),          E(ENOMEM),
    E(EACCES),       E(EFAULT),          E(EBUSY),           E(EEXIST),
    E(EXDEV),        E(ENODEV),          E(ENOTDIR),         E(EISDIR),
    E(EINVAL),       E(ENFILE),          E(EMFILE),          E(ENOTTY),
    E(ETXTBSY),      E(EFBIG),           E(ENOSPC),          E(ESPIPE),
    E(EROFS),        E(EMLINK),          E(EPIPE),           E(EDOM),
    E(ERANGE),       E(EDEADLK),         E(ENAMETOOLONG),    E(ENOLCK),
    E(ENOSYS),       E(ENOTEMPTY),       E(ELOOP),           E(ENOMSG),
    E(ENODATA),      E(ENOLINK),         E(EPROTO),          E(EBADMSG),
    E(EOVERFLOW),    E(EILSEQ),          E(EUSERS),          E(ENOTSOCK),
    E(EDESTADDRREQ), E(EMSGSIZE),        E(EPROTOTYPE),      E(ENOPROTOOPT),
    E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP),   E(EAFNOSUPPORT),
    E(EADDRINUSE),   E(EADDRNOTAVAIL),   E(ENETDOWN),        E(ENETUNREACH),
    E(ENETRESET),    E(ECONNABORTED),    E(ECONNRESET),      E(ENOBUFS),
    E(EISCONN),      E(ENOTCONN),        E(ETIMEDOUT),       E(ECONNREFUSED),
    E(EHOSTDOWN),    E(EHOSTUNREACH),    E(EALREADY),        E(EINPROGRESS),
    E(ESTALE),       E(EDQUOT),          E(ECANCELED),       E(EOWNERDEAD),
    E(ENOTRECOVERABLE), E(ERFKILL),      E(EHWPOISON),
};
#undef E

const char *gw_errno_name(int err, char *buf, size_t buflen) {
  for (size_t i = 0; i < sizeof(ERRNO_NAMES) / sizeof(ERRNO_NAMES[0]); i++) {
    if (ERRNO_NAMES[i].err == err) return ERRNO_NAMES[i].name;
  }
  snprintf(buf, buflen, "E%d", err);
  return buf;
}

static napi_status set_str(napi_env env, napi_value obj, const char *key, const char *val) {
  napi_value v;
  napi_status s = napi_create_string_utf8(env, val, NAPI_AUTO_LENGTH, &v);
  if (s != napi_ok) return s;
  return napi_set_named_property(env, obj, key, v);
}

static napi_status set_int(napi_env env, napi_value obj, const char *key, int64_t val) {
  napi_value v;
  napi_status s = napi_create_int64(env, val, &v);
  if (s != napi_ok) return s;
  return napi_set_named_property(env, obj, key, v);
}

napi_value gw_napi_fail(napi_env env, napi_status status, const char *what) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return NULL;
  const napi_extended_error_info *info = NULL;
  const char *detail = NULL;
  if (napi_get_last_error_info(env, &info) == napi_ok && info != NULL) detail = info->error_message;
  char msg[512];
  snprintf(msg, sizeof msg, "N-API call failed (%s): %s", detail ? detail : "unknown", what);
  napi_value code, message, error;
  if (napi_create_string_utf8(env, "ERR_GW_NAPI", NAPI_AUTO_LENGTH, &code) != napi_ok ||
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message) != napi_ok ||
      napi_create_error(env, code, message, &error) != napi_ok) {
    napi_throw_error(env, "ERR_GW_NAPI", "N-API call failed");
    return NULL;
  }
  set_int(env, error, "napiStatus", (int64_t)status);
  napi_throw(env, error);
  return NULL;
}

napi_value gw_make_error(napi_env env, int err, const char *syscall_name, gw_err_ctx ctx) {
  char namebuf[24];
  const char *name;
  int errnum;
  char errbuf[256];
  const char *desc;
  if (err == GW_EFTYPE) {
    name = "EFTYPE";
    errnum = EINVAL;
    desc = "Inappropriate file type or format";
  } else {
    errnum = err;
    name = gw_errno_name(err, namebuf, sizeof namebuf);
    desc = strerror_r(err, errbuf, sizeof errbuf); /* GNU variant (_GNU_SOURCE) */
  }
  char msg[1024];
  if (ctx.path != NULL || ctx.ifname != NULL) {
    snprintf(msg, sizeof msg, "%s: %s, '%s'", syscall_name, desc, ctx.path != NULL ? ctx.path : ctx.ifname);
  } else {
    snprintf(msg, sizeof msg, "%s: %s", syscall_name, desc);
  }

  napi_value code, message, error;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message) != napi_ok) return NULL;
  if (napi_create_error(env, code, message, &error) != napi_ok) return NULL;
  if (set_int(env, error, "errno", errnum) != napi_ok) return NULL;
  if (set_str(env, error, "syscall", syscall_name) != napi_ok) return NULL;
  if (ctx.path != NULL && set_str(env, error, "path", ctx.path) != napi_ok) return NULL;
  if (ctx.root != NULL && set_str(env, error, "root", ctx.root) != napi_ok) return NULL;
  if (ctx.ifname != NULL && set_str(env, error, "ifName", ctx.ifname) != napi_ok) return NULL;
  if (ctx.ns_type >= 0 && set_int(env, error, "nsType", ctx.ns_type) != napi_ok) return NULL;
  if (ctx.fd >= 0 && set_int(env, error, "fd", ctx.fd) != napi_ok) return NULL;
  return error;
}

napi_value gw_throw(napi_env env, int err, const char *syscall_name, gw_err_ctx ctx) {
  napi_value error = gw_make_error(env, err, syscall_name, ctx);
  if (error == NULL) return gw_napi_fail(env, napi_generic_failure, "gw_make_error");
  napi_status s = napi_throw(env, error);
  if (s != napi_ok) return gw_napi_fail(env, s, "napi_throw");
  return NULL;
}

napi_value gw_throw_arg(napi_env env, const char *fn, const char *argument) {
  napi_value error = gw_make_error(env, EINVAL, fn, GW_ERR_CTX_NONE);
  if (error == NULL) return gw_napi_fail(env, napi_generic_failure, "gw_make_error");
  if (set_str(env, error, "argument", argument) != napi_ok) {
    return gw_napi_fail(env, napi_generic_failure, "set argument");
  }
  napi_status s = napi_throw(env, error);
  if (s != napi_ok) return gw_napi_fail(env, s, "napi_throw");
  return NULL;
}
