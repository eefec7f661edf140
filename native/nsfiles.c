// SPDX-License-Identifier: MIT
/*
 * nsfiles.c - files opened from inside network namespaces.
 *
 * Per-netns procfs files (`/proc/thread-self/net/sockstat`, `.../net/dev`, …) show the network
 * namespace of the task that opens them: proc_net's lookup picks the opener's netns and
 * seq_open_net() pins it for the life of the open file (fs/proc/proc_net.c). So a throw-away
 * thread that setns()es into each netns in turn (nsthread.h) and opens the paths there hands
 * back fds that read that netns's view from any thread, also for namespaces no process is in.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addon.h"
#include "errors.h"
#include "nsthread.h"

/* Upper bound of paths per call (a handful are meant). */
#define GW_MAX_PATHS 64

typedef struct {
  size_t n;        /* namespaces */
  size_t npaths;   /* paths per namespace */
  const int *ns_fds;
  char **paths;
  int *fds;        /* n * npaths, -1 where failed */
  int *errs;       /* n * npaths, 0 = ok */
  const char **syscalls;
} files_job;

static void files_main(void *p) {
  files_job *j = p;
  for (size_t i = 0; i < j->n; i++) {
    int err = gw_setns(j->ns_fds[i], CLONE_NEWNET);
    for (size_t k = 0; k < j->npaths; k++) {
      size_t at = i * j->npaths + k;
      if (err != 0) {
        j->errs[at] = err;
        j->syscalls[at] = "setns";
        continue;
      }
      int fd = open(j->paths[k], O_RDONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0) {
        j->errs[at] = errno;
        j->syscalls[at] = "open";
      } else {
        j->fds[at] = fd;
      }
    }
  }
}

/* openFilesInNetns(nsFds[], paths[]) -> Array<Array<fd | error>> */
napi_value gw_open_files_in_netns(napi_env env, napi_callback_info info) {
  static const char FN[] = "openFilesInNetns";
  napi_value argv[2];
  if (!gw_args(env, info, 2, argv, FN)) return NULL;
  bool is_array = false;
  GW_NAPI(env, napi_is_array(env, argv[0], &is_array));
  if (!is_array) return gw_throw_arg(env, FN, "nsFds");
  GW_NAPI(env, napi_is_array(env, argv[1], &is_array));
  if (!is_array) return gw_throw_arg(env, FN, "paths");
  uint32_t n = 0, npaths = 0;
  GW_NAPI(env, napi_get_array_length(env, argv[0], &n));
  GW_NAPI(env, napi_get_array_length(env, argv[1], &npaths));
  if (npaths == 0 || npaths > GW_MAX_PATHS) return gw_throw_arg(env, FN, "paths");

  files_job j;
  memset(&j, 0, sizeof j);
  j.n = n;
  j.npaths = npaths;
  size_t cells = (size_t)(n == 0 ? 1 : n) * npaths;
  int *ns_fds = calloc(n == 0 ? 1 : n, sizeof *ns_fds);
  char **paths = calloc(npaths, sizeof *paths);
  int *fds = malloc(cells * sizeof *fds);
  int *errs = calloc(cells, sizeof *errs);
  const char **syscalls = calloc(cells, sizeof *syscalls);
  napi_value result = NULL;
  bool ran = false;
  if (ns_fds == NULL || paths == NULL || fds == NULL || errs == NULL || syscalls == NULL) {
    gw_throw(env, ENOMEM, "calloc", GW_ERR_CTX_NONE);
    goto out;
  }
  for (size_t c = 0; c < cells; c++) fds[c] = -1;
  for (uint32_t k = 0; k < npaths; k++) {
    napi_value el;
    napi_status s = napi_get_element(env, argv[1], k, &el);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_get_element");
      goto out;
    }
    if (!gw_arg_string(env, el, FN, "paths", &paths[k])) goto out;
    if (paths[k][0] != '/') {
      gw_throw_arg(env, FN, "paths");
      goto out;
    }
  }
  if (!gw_arg_fd_array(env, argv[0], n, FN, "nsFds", ns_fds, false)) goto out;
  j.ns_fds = ns_fds;
  j.paths = paths;
  j.fds = fds;
  j.errs = errs;
  j.syscalls = syscalls;
  if (n > 0) {
    int terr = gw_run_on_throwaway_thread(files_main, &j);
    if (terr != 0) {
      gw_throw(env, terr, "pthread_create", GW_ERR_CTX_NONE);
      goto out;
    }
  }
  ran = true;

  napi_value outer;
  napi_status s = napi_create_array_with_length(env, n, &outer);
  if (s != napi_ok) {
    gw_napi_fail(env, s, "napi_create_array_with_length");
    goto out;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value inner;
    s = napi_create_array_with_length(env, npaths, &inner);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_create_array_with_length");
      goto out;
    }
    for (uint32_t k = 0; k < npaths; k++) {
      size_t at = (size_t)i * npaths + k;
      napi_value v;
      if (errs[at] == 0) {
        s = napi_create_int32(env, fds[at], &v);
        if (s != napi_ok) {
          gw_napi_fail(env, s, "napi_create_int32");
          goto out;
        }
      } else {
        gw_err_ctx ctx = GW_ERR_CTX_NONE;
        ctx.fd = ns_fds[i];
        ctx.ns_type = CLONE_NEWNET;
        ctx.path = paths[k];
        v = gw_make_error(env, errs[at], syscalls[at], ctx);
        if (v == NULL) {
          gw_napi_fail(env, napi_generic_failure, "gw_make_error");
          goto out;
        }
      }
      s = napi_set_element(env, inner, k, v);
      if (s != napi_ok) {
        gw_napi_fail(env, s, "napi_set_element");
        goto out;
      }
    }
    s = napi_set_element(env, outer, i, inner);
    if (s != napi_ok) {
      gw_napi_fail(env, s, "napi_set_element");
      goto out;
    }
  }
  result = outer; /* every fd is now owned by JS */

out:
  /* On any failure after the thread ran, JS got no fds: close them all. */
  if (result == NULL && ran && fds != NULL) {
    for (size_t c = 0; c < cells; c++) {
      if (fds[c] >= 0) close(fds[c]);
    }
  }
  if (paths != NULL) {
    for (uint32_t k = 0; k < npaths; k++) free(paths[k]);
  }
  free(paths);
  free(ns_fds);
  free(fds);
  free(errs);
  free(syscalls);
  return result;
}
