// SPDX-License-Identifier: MIT
/*
 * addon.h - shared declarations: per-environment state, argument helpers, exported functions.
 */
#ifndef GHOSTWIRE_ADDON_H
#define GHOSTWIRE_ADDON_H

#include <node_api.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bumped whenever src/native/binding.d.ts changes incompatibly. */
#define GW_ABI_VERSION 5

/*
 * Per-environment (main thread or worker_thread) state. Reference-counted: the environment
 * holds one reference (dropped by the env cleanup hook), each in-flight async netlinkTransact
 * holds one. `closing` is set by the cleanup hook; completion callbacks that still run after it
 * release their memory without calling into JS.
 */
typedef struct gw_state {
  atomic_int refs;
  atomic_bool closing;
  atomic_int in_flight; /* async transactions queued or running */
} gw_state;

gw_state *gw_state_get(napi_env env); /* NULL if not initialised (throws then) */
void gw_state_ref(gw_state *st);
void gw_state_unref(gw_state *st);

/* --- argument helpers: on failure they throw (EINVAL, `argument` field) and return false */
bool gw_args(napi_env env, napi_callback_info info, size_t n, napi_value *argv, const char *fn);
bool gw_arg_int32(napi_env env, napi_value v, const char *fn, const char *name, int32_t *out);
bool gw_arg_fd(napi_env env, napi_value v, const char *fn, const char *name, int *out, bool allow_minus1);
/* The first n elements of JS array `arr`, each as gw_arg_fd, into out[0..n). */
bool gw_arg_fd_array(napi_env env, napi_value arr, uint32_t n, const char *fn, const char *name, int *out,
                     bool allow_minus1);
/* malloc'd NUL-terminated copy; rejects non-strings and embedded NUL. Caller frees. */
bool gw_arg_string(napi_env env, napi_value v, const char *fn, const char *name, char **out);
bool gw_arg_buffer(napi_env env, napi_value v, const char *fn, const char *name, void **data, size_t *len);

/* Close an fd, keeping errno (for error paths). */
void gw_close_keep_errno(int fd);

/* A new fd as a JS number; closes the fd (and throws) if the number cannot be created. */
napi_value gw_fd_result(napi_env env, int fd);

/* --- exported functions (netlink.c, nsioctl.c, fileops.c) */
napi_value gw_open_socket_in(napi_env env, napi_callback_info info);
napi_value gw_open_sockets_in(napi_env env, napi_callback_info info);
napi_value gw_netlink_transact(napi_env env, napi_callback_info info);
napi_value gw_ns_ioctl(napi_env env, napi_callback_info info);
napi_value gw_socket_netns(napi_env env, napi_callback_info info);
napi_value gw_tun_device_netns(napi_env env, napi_callback_info info);
napi_value gw_uts_names_in(napi_env env, napi_callback_info info);
napi_value gw_read_file_in_root(napi_env env, napi_callback_info info);
napi_value gw_pidfd_open(napi_env env, napi_callback_info info);
napi_value gw_pidfd_getfd(napi_env env, napi_callback_info info);
napi_value gw_ethtool_ioctl(napi_env env, napi_callback_info info);
/* xtables.c */
napi_value gw_getsockopt_buffer(napi_env env, napi_callback_info info);
napi_value gw_gettid(napi_env env, napi_callback_info info);
napi_value gw_open_files_in_netns(napi_env env, napi_callback_info info);
/* mntns.c, icmp.c (ABI 4) */
napi_value gw_mount_ns_root(napi_env env, napi_callback_info info);
napi_value gw_send_to(napi_env env, napi_callback_info info);
napi_value gw_recv_from(napi_env env, napi_callback_info info);
/*
 * The completion of a napi_async_work job, on the JS thread. Unless the environment is closing
 * (then nothing is touched): calls callback(err, result) with err = ECANCELED(fn) when `status`
 * is not napi_ok, else errno `err` of `syscall_name` when non-zero, else result = build(env,
 * data) (a failing build passes its pending exception as err); then deletes the callback
 * reference and the work (async.c).
 */
typedef napi_value (*gw_async_build)(napi_env env, void *data);
void gw_async_finish(napi_env env, napi_status status, gw_state *st, napi_ref callback,
                     napi_async_work work, const char *fn, int err, const char *syscall_name,
                     gw_async_build build, void *data);
/* monitor.c */
napi_value gw_netlink_join_groups(napi_env env, napi_callback_info info);
napi_value gw_netlink_drain(napi_env env, napi_callback_info info);

#endif
