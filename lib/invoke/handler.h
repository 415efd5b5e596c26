/* The local Lambda handler runner's private pieces: the handle, the
 * function's environment, and where the bootstraps live.  Not installed. */
#ifndef IATK_INVOKE_HANDLER_H
#define IATK_INVOKE_HANDLER_H

#include "common/internal.h"

typedef enum iatk__runtime { IATK__NODEJS, IATK__PYTHON } iatk__runtime;

struct iatk_handler {
  iatk__runtime runtime;
  char *runtime_name; /* as given: "nodejs", "python3.12" */
  char *task_root;    /* absolute code directory */
  char *entry;        /* MODULE.FUNCTION */
  char *function_name, *function_version, *region, *account;
  char *log_group, *log_stream, *request_id, *runtime_dir, *interpreter;
  int memory_mb;
  double timeout_s;
  iatk_strlist *env; /* "NAME=VALUE" given by the caller */
};

/* The values one invocation runs with (request id, ARN, deadline...). */
typedef struct iatk__invocation {
  char request_id[64];
  char log_stream[128];
  char arn[512];
  int64_t deadline_ms; /* wall clock, milliseconds since the epoch */
} iatk__invocation;

/* The child's environment: this process's, with Lambda's variables and
 * the caller's "env" settings on top.  NULL-terminated; free with
 * iatk__env_free.  NULL on allocation failure. */
char **iatk__handler_env(const iatk_handler *h, const iatk__invocation *inv);
void iatk__env_free(char **env);

/* The absolute path of the runtime's bootstrap script (caller frees), from
 * "runtime-dir", $IATK_RUNTIME_DIR, the installed data directory or the
 * source tree, in that order.  EIO when none has it. */
char *iatk__bootstrap_path(const iatk_handler *h, iatk_error *err);

/* The descriptor the bootstraps write the payload to (see process.h). */
#define IATK__RESULT_FD 3

#endif
