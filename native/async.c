// SPDX-License-Identifier: MIT
/*
 * async.c - the JS side of a job run as napi_async_work (see addon.h, gw_async_finish).
 */
#include <errno.h>

#include "addon.h"
#include "errors.h"

void gw_async_finish(napi_env env, napi_status status, gw_state *st, napi_ref callback,
                     napi_async_work work, const char *fn, int err, const char *syscall_name,
                     gw_async_build build, void *data) {
  if (atomic_load(&st->closing)) return; /* the environment is going away with its handles */
  napi_value cb = NULL, global = NULL, argv[2];
  bool ok = napi_get_reference_value(env, callback, &cb) == napi_ok && cb != NULL &&
            napi_get_global(env, &global) == napi_ok && napi_get_null(env, &argv[1]) == napi_ok;
  if (ok) {
    if (status != napi_ok) {
      argv[0] = gw_make_error(env, ECANCELED, fn, GW_ERR_CTX_NONE);
      ok = argv[0] != NULL;
    } else if (err != 0) {
      argv[0] = gw_make_error(env, err, syscall_name, GW_ERR_CTX_NONE);
      ok = argv[0] != NULL;
    } else {
      argv[1] = build(env, data);
      if (argv[1] != NULL) {
        ok = napi_get_null(env, &argv[0]) == napi_ok;
      } else {
        /* Hand the failure to the callback instead of leaving it pending here. */
        napi_value exc = NULL;
        ok = napi_get_and_clear_last_exception(env, &exc) == napi_ok && exc != NULL &&
             napi_get_null(env, &argv[1]) == napi_ok;
        argv[0] = exc;
      }
    }
  }
  if (ok) {
    napi_value ignored;
    /* An exception thrown by the callback stays pending and surfaces as uncaught. */
    (void)napi_call_function(env, global, cb, 2, argv, &ignored);
  }
  (void)napi_delete_reference(env, callback);
  (void)napi_delete_async_work(env, work);
}
