// SPDX-License-Identifier: MIT
/*
 * addon.c - module init, export table, per-environment state and its cleanup hook, and the
 * argument helpers shared by all exported functions.
 *
 * The module is context-aware (NAPI_MODULE_INIT): it can be loaded by the main thread and by
 * any number of worker_threads at once, each getting its own gw_state.
 */
#include "addon.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"

void gw_state_ref(gw_state *st) { atomic_fetch_add(&st->refs, 1); }

void gw_state_unref(gw_state *st) {
  if (atomic_fetch_sub(&st->refs, 1) == 1) free(st);
}

static void env_cleanup(void *arg) {
  gw_state *st = arg;
  atomic_store(&st->closing, true);
  gw_state_unref(st);
}

gw_state *gw_state_get(napi_env env) {
  void *data = NULL;
  napi_status s = napi_get_instance_data(env, &data);
  if (s != napi_ok || data == NULL) {
    gw_napi_fail(env, s == napi_ok ? napi_generic_failure : s, "napi_get_instance_data");
    return NULL;
  }
  return data;
}

void gw_close_keep_errno(int fd) {
  int saved = errno;
  if (fd >= 0) close(fd);
  errno = saved;
}

bool gw_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv, const char *fn) {
  size_t argc = n;
  napi_status s = napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_get_cb_info");
    return false;
  }
  if (argc < n) {
    gw_throw_arg(env, fn, "arguments");
    return false;
  }
  return true;
}

bool gw_arg_int32(napi_env env, napi_value v, const char *fn, const char *name, int32_t *out) {
  napi_valuetype t;
  napi_status s = napi_typeof(env, v, &t);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_typeof");
    return false;
  }
  if (t != napi_number) {
    gw_throw_arg(env, fn, name);
    return false;
  }
  double d;
  s = napi_get_value_double(env, v, &d);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_get_value_double");
    return false;
  }
  if (!isfinite(d) || d != floor(d) || d < (double)INT32_MIN || d > (double)INT32_MAX) {
    gw_throw_arg(env, fn, name);
    return false;
  }
  *out = (int32_t)d;
  return true;
}

bool gw_arg_fd(napi_env env, napi_value v, const char *fn, const char *name, int *out, bool allow_minus1) {
  int32_t fd;
  if (!gw_arg_int32(env, v, fn, name, &fd)) return false;
  if (fd < (allow_minus1 ? -1 : 0)) {
    gw_throw_arg(env, fn, name);
    return false;
  }
  *out = fd;
  return true;
}

bool gw_arg_fd_array(napi_env env, napi_value arr, uint32_t n, const char *fn, const char *name, int *out,
                     bool allow_minus1) {
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    napi_status s = napi_get_element(env, arr, i, &el);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_get_element");
      return false;
    }
    if (!gw_arg_fd(env, el, fn, name, &out[i], allow_minus1)) return false;
  }
  return true;
}

napi_value gw_fd_result(napi_env env, int fd) {
  napi_value r;
  napi_status s = napi_create_int32(env, fd, &r);
  if (s != napi_ok) {
    close(fd);
    return gw_napi_fail(env, s, "napi_create_int32");
  }
  return r;
}

bool gw_arg_string(napi_env env, napi_value v, const char *fn, const char *name, char **out) {
  napi_valuetype t;
  napi_status s = napi_typeof(env, v, &t);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_typeof");
    return false;
  }
  if (t != napi_string) {
    gw_throw_arg(env, fn, name);
    return false;
  }
  size_t len = 0;
  s = napi_get_value_string_utf8(env, v, NULL, 0, &len);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_get_value_string_utf8");
    return false;
  }
  char *buf = malloc(len + 1);
  if (buf == NULL) {
    gw_throw(env, ENOMEM, "malloc", GW_ERR_CTX_NONE);
    return false;
  }
  size_t got = 0;
  s = napi_get_value_string_utf8(env, v, buf, len + 1, &got);
  if (s != napi_ok) {
    free(buf);
    gw_napi_fail(env, s, "napi_get_value_string_utf8");
    return false;
  }
  if (strlen(buf) != got) { /* embedded NUL would silently cut the path */
    free(buf);
    gw_throw_arg(env, fn, name);
    return false;
  }
  *out = buf;
  return true;
}

bool gw_arg_buffer(napi_env env, napi_value v, const char *fn, const char *name, void **data, size_t *len) {
  bool is_buf = false;
  napi_status s = napi_is_buffer(env, v, &is_buf);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_is_buffer");
    return false;
  }
  if (!is_buf) {
    gw_throw_arg(env, fn, name);
    return false;
  }
  s = napi_get_buffer_info(env, v, data, len);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_get_buffer_info");
    return false;
  }
  return true;
}

napi_value gw_gettid(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  GW_NAPI(env, napi_create_int32(env, (int32_t)gettid(), &r));
  return r;
}

typedef struct {
  const char *name;
  napi_callback cb;
} export_entry;

static const export_entry EXPORTS[] = {
    {"openSocketIn", gw_open_socket_in},
    {"openSocketsIn", gw_open_sockets_in},
    {"netlinkTransact", gw_netlink_transact},
    {"nsIoctl", gw_ns_ioctl},
    {"readFileInRoot", gw_read_file_in_root},
    {"pidfdOpen", gw_pidfd_open},
    {"pidfdGetfd", gw_pidfd_getfd},
    {"socketNetns", gw_socket_netns},
    {"tunDeviceNetns", gw_tun_device_netns},
    {"ethtoolIoctl", gw_ethtool_ioctl},
    {"utsNamesIn", gw_uts_names_in},
    {"gettid", gw_gettid},
    {"openFilesInNetns", gw_open_files_in_netns},
    {"getsockoptBuffer", gw_getsockopt_buffer},
    {"mountNsRoot", gw_mount_ns_root},
    {"sendTo", gw_send_to},
    {"recvFrom", gw_recv_from},
    {"netlinkJoinGroups", gw_netlink_join_groups},
    {"netlinkDrain", gw_netlink_drain},
};

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  gw_state *st = calloc(1, sizeof *st);
  if (st == NULL) {
    gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
    return NULL;
  }
  atomic_init(&st->refs, 1);
  atomic_init(&st->closing, false);
  atomic_init(&st->in_flight, 0);
  napi_status s = napi_set_instance_data(env, st, NULL, NULL);
  if (s != napi_ok) {
    free(st);
    return gw_napi_fail(env, s, "napi_set_instance_data");
  }
  s = napi_add_env_cleanup_hook(env, env_cleanup, st);
  if (s != napi_ok) {
    /* Instance data still points at st: keep it alive (leak one small struct) rather than
     * leave a dangling pointer. */
    return gw_napi_fail(env, s, "napi_add_env_cleanup_hook");
  }

  for (size_t i = 0; i < sizeof(EXPORTS) / sizeof(EXPORTS[0]); i++) {
    napi_value fn;
    GW_NAPI(env, napi_create_function(env, EXPORTS[i].name, NAPI_AUTO_LENGTH, EXPORTS[i].cb, NULL, &fn));
    GW_NAPI(env, napi_set_named_property(env, exports, EXPORTS[i].name, fn));
  }
  napi_value abi;
  GW_NAPI(env, napi_create_uint32(env, GW_ABI_VERSION, &abi));
  GW_NAPI(env, napi_set_named_property(env, exports, "abiVersion", abi));
  return exports;
}
