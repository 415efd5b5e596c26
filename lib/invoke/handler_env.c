/* The environment a local Lambda handler runs in: the caller's, then the
 * variables Lambda sets for a function (AWS_LAMBDA_FUNCTION_NAME, _HANDLER,
 * ...), then the bootstrap's own IATK_LAMBDA_* values, then the caller's
 * "env" settings; a later NAME replaces an earlier one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invoke/handler.h"

extern char **environ;

typedef struct env_list {
  char **items;
  size_t count, cap;
  int failed;
} env_list;

static size_t name_len(const char *entry) {
  const char *eq = strchr(entry, '=');
  return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* Drops an entry with the same name, so the newest value wins. */
static void env_remove(env_list *l, const char *entry) {
  size_t n = name_len(entry);
  for (size_t i = 0; i < l->count; i++) {
    if (name_len(l->items[i]) == n && !strncmp(l->items[i], entry, n)) {
      free(l->items[i]);
      memmove(l->items + i, l->items + i + 1,
              (l->count - i - 1) * sizeof *l->items);
      l->count--;
      return;
    }
  }
}

static void env_add(env_list *l, const char *entry) {
  if (l->failed)
    return;
  env_remove(l, entry);
  if (IATK_ARRAY_GROW(l->items, l->cap, l->count + 2, SIZE_MAX) != IATK_OK) {
    l->failed = 1;
    return;
  }
  char *copy = strdup(entry);
  if (!copy)
    l->failed = 1;
  else
    l->items[l->count++] = copy;
}

static void env_set(env_list *l, const char *name, const char *value) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_printf(&b, "%s=%s", name, value);
  if (b.failed)
    l->failed = 1;
  else
    env_add(l, b.data);
  iatk__buf_release(&b);
}

/* What Lambda documents as a function's reserved environment variables. */
static void add_lambda_vars(env_list *l, const iatk_handler *h,
                            const iatk__invocation *inv) {
  char number[32];
  snprintf(number, sizeof number, "%d", h->memory_mb);
  env_set(l, "AWS_LAMBDA_FUNCTION_NAME", h->function_name);
  env_set(l, "AWS_LAMBDA_FUNCTION_VERSION", h->function_version);
  env_set(l, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", number);
  if (h->log_group) {
    env_set(l, "AWS_LAMBDA_LOG_GROUP_NAME", h->log_group);
  } else {
    iatk_buf group; /* Lambda's default: /aws/lambda/<function name> */
    iatk__buf_init(&group);
    iatk__buf_printf(&group, "/aws/lambda/%s", h->function_name);
    env_set(l, "AWS_LAMBDA_LOG_GROUP_NAME", group.data ? group.data : "");
    l->failed |= group.failed;
    iatk__buf_release(&group);
  }
  env_set(l, "AWS_LAMBDA_LOG_STREAM_NAME", inv->log_stream);
  env_set(l, "AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  env_set(l, "AWS_REGION", h->region);
  env_set(l, "AWS_DEFAULT_REGION", h->region);
  env_set(l, "LAMBDA_TASK_ROOT", h->task_root);
  env_set(l, "_HANDLER", h->entry);
  iatk_buf exec_env;
  iatk__buf_init(&exec_env);
  iatk__buf_printf(&exec_env, "AWS_Lambda_%s", h->runtime_name);
  env_set(l, "AWS_EXECUTION_ENV", exec_env.data ? exec_env.data : "AWS_Lambda");
  iatk__buf_release(&exec_env);
}

/* The values only the bootstrap reads (docs/handlers.md). */
static void add_bootstrap_vars(env_list *l, const iatk_handler *h,
                               const iatk__invocation *inv) {
  char number[32];
  env_set(l, "IATK_LAMBDA_REQUEST_ID", inv->request_id);
  env_set(l, "IATK_LAMBDA_FUNCTION_ARN", inv->arn);
  snprintf(number, sizeof number, "%lld", (long long)inv->deadline_ms);
  env_set(l, "IATK_LAMBDA_DEADLINE_MS", number);
  snprintf(number, sizeof number, "%d", IATK__RESULT_FD);
  env_set(l, "IATK_LAMBDA_RESULT_FD", number);
}

char **iatk__handler_env(const iatk_handler *h, const iatk__invocation *inv) {
  env_list l = {0};
  for (char **e = environ; e && *e; e++)
    env_add(&l, *e);
  add_lambda_vars(&l, h, inv);
  add_bootstrap_vars(&l, h, inv);
  for (size_t i = 0; i < iatk_strlist_count(h->env); i++)
    env_add(&l, iatk_strlist_get(h->env, i));
  if (!l.items)
    return NULL;
  l.items[l.count] = NULL; /* env_add keeps a free slot: count < cap */
  if (l.failed) {
    iatk__env_free(l.items);
    return NULL;
  }
  return l.items;
}

void iatk__env_free(char **env) {
  for (char **e = env; e && *e; e++)
    free(*e);
  free(env);
}
