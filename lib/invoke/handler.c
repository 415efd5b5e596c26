/* A Lambda handler run locally: the handle and its settings, one
 * invocation through the runtime's bootstrap, and the payload Lambda's
 * Invoke would answer.  The bootstrap protocol (docs/handlers.md): the
 * event on stdin, the function's settings in the environment, and on
 * descriptor 3 one line "ok" or "error" followed by the payload. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "invoke/handler.h"
#include "invoke/process.h"

/* ------------------------------------------------------------- settings */

static int set_text(iatk_handler *h, size_t offset, const char *value,
                    iatk_error *err) {
  char **field = (char **)((char *)h + offset);
  if (!*value)
    return iatk__fail(err, IATK_EINVAL, "an empty value is not allowed here");
  char *copy = strdup(value);
  if (!copy)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  free(*field);
  *field = copy;
  return IATK_OK;
}

static int set_account(iatk_handler *h, size_t offset, const char *value,
                       iatk_error *err) {
  size_t n = strspn(value, "0123456789");
  if (n != 12 || value[n])
    return iatk__fail(err, IATK_EINVAL, "account '%s' is not 12 digits", value);
  return set_text(h, offset, value, err);
}

static int set_region(iatk_handler *h, size_t offset, const char *value,
                      iatk_error *err) {
  size_t n = strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789-");
  if (!n || value[n])
    return iatk__fail(err, IATK_EINVAL, "region '%s' is not a region name",
                      value);
  return set_text(h, offset, value, err);
}

static int set_memory(iatk_handler *h, size_t offset, const char *value,
                      iatk_error *err) {
  char *end;
  errno = 0;
  long mb = strtol(value, &end, 10);
  if (errno || end == value || *end || mb < 128 || mb > 10240)
    return iatk__fail(err, IATK_EINVAL,
                      "memory size '%s' is not 128 to 10240 MB", value);
  h->memory_mb = (int)mb;
  return IATK_OK;
}

static int set_timeout(iatk_handler *h, size_t offset, const char *value,
                       iatk_error *err) {
  char *end;
  errno = 0;
  double s = strtod(value, &end);
  if (errno || end == value || *end || !(s > 0 && s <= 900))
    return iatk__fail(err, IATK_EINVAL,
                      "timeout '%s' is not more than 0 and at most 900 seconds",
                      value);
  h->timeout_s = s;
  return IATK_OK;
}

static int set_env(iatk_handler *h, size_t offset, const char *value,
                   iatk_error *err) {
  size_t n = strcspn(value, "=");
  if (n == 0 || !value[n])
    return iatk__fail(err, IATK_EINVAL,
                      "environment setting '%s' is not NAME=VALUE", value);
  if (iatk__strlist_push(h->env, value) != IATK_OK)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

#define TEXT(field) set_text, offsetof(iatk_handler, field)
static const struct setting {
  const char *name;
  int (*set)(iatk_handler *, size_t, const char *, iatk_error *);
  size_t offset;
} settings[] = {
    {"function-name", TEXT(function_name)},
    {"function-version", TEXT(function_version)},
    {"region", set_region, offsetof(iatk_handler, region)},
    {"account", set_account, offsetof(iatk_handler, account)},
    {"memory-size", set_memory, 0},
    {"timeout", set_timeout, 0},
    {"log-group", TEXT(log_group)},
    {"log-stream", TEXT(log_stream)},
    {"request-id", TEXT(request_id)},
    {"runtime-dir", TEXT(runtime_dir)},
    {"interpreter", TEXT(interpreter)},
    {"env", set_env, 0},
};
#undef TEXT

int iatk_handler_set(iatk_handler *h, const char *name, const char *value,
                     iatk_error *err) {
  if (!h || !name || !value)
    return iatk__fail(err, IATK_EINVAL,
                      "iatk_handler_set needs a handler, a name and a value");
  for (size_t i = 0; i < sizeof settings / sizeof *settings; i++)
    if (!strcmp(settings[i].name, name))
      return settings[i].set(h, settings[i].offset, value, err);
  return iatk__fail(err, IATK_EINVAL, "unknown handler setting '%s'", name);
}

/* ------------------------------------------------------------ the handle */

static int parse_runtime(iatk_handler *h, const char *runtime,
                         iatk_error *err) {
  if (runtime && !strncmp(runtime, "nodejs", 6))
    h->runtime = IATK__NODEJS;
  else if (runtime && !strncmp(runtime, "python", 6))
    h->runtime = IATK__PYTHON;
  else
    return iatk__fail(err, IATK_EINVAL, "runtime '%s' is not nodejs or python",
                      runtime ? runtime : "(none)");
  h->runtime_name = strdup(runtime);
  return h->runtime_name ? IATK_OK
                         : iatk__fail(err, IATK_ENOMEM, "out of memory");
}

/* "DIR/MODULE.FUNCTION": DIR must exist (it is the runtime's working
 * directory); whether MODULE does is the runtime's to say, as on Lambda. */
static int parse_handler(iatk_handler *h, const char *handler,
                         iatk_error *err) {
  const char *slash = handler ? strrchr(handler, '/') : NULL;
  const char *entry = slash ? slash + 1 : handler;
  const char *dot = entry ? strchr(entry, '.') : NULL;
  if (!dot || dot == entry || !dot[1] || entry[strlen(entry) - 1] == '.')
    return iatk__fail(
        err, IATK_EINVAL,
        "handler '%s' is not DIR/MODULE.FUNCTION (e.g. fn/index.handler)",
        handler ? handler : "(none)");
  char *dir = slash ? strndup(handler, (size_t)(slash - handler)) : strdup(".");
  if (dir && !*dir) {
    free(dir);
    dir = strdup("/");
  }
  h->task_root = dir ? realpath(dir, NULL) : NULL;
  if (!h->task_root)
    iatk__fail(err, IATK_EIO, "handler directory '%s': %s", dir ? dir : "",
               strerror(errno));
  free(dir);
  h->entry = strdup(entry);
  return h->task_root && h->entry ? IATK_OK
                                  : iatk__error_code(err, IATK_ENOMEM);
}

static int set_defaults(iatk_handler *h, iatk_error *err) {
  const char *base = strrchr(h->task_root, '/');
  const char *region = getenv("AWS_REGION");
  h->memory_mb = 128;
  h->timeout_s = 3;
  h->function_name = strdup(base && base[1] ? base + 1 : "function");
  h->function_version = strdup("$LATEST");
  h->region = strdup(region && *region ? region : "us-east-1");
  h->account = strdup("123456789012");
  h->env = iatk__strlist_new();
  if (!h->function_name || !h->function_version || !h->region || !h->account ||
      !h->env)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  return IATK_OK;
}

iatk_handler *iatk_handler_new(const char *handler, const char *runtime,
                               iatk_error *err) {
  iatk_handler *h = calloc(1, sizeof *h);
  if (!h) {
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  if (parse_runtime(h, runtime, err) != IATK_OK ||
      parse_handler(h, handler, err) != IATK_OK ||
      set_defaults(h, err) != IATK_OK) {
    iatk_handler_free(h);
    return NULL;
  }
  return h;
}

void iatk_handler_free(iatk_handler *h) {
  if (!h)
    return;
  char **texts[] = {&h->runtime_name,  &h->task_root,        &h->entry,
                    &h->function_name, &h->function_version, &h->region,
                    &h->account,       &h->log_group,        &h->log_stream,
                    &h->request_id,    &h->runtime_dir,      &h->interpreter};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
    free(*texts[i]);
  iatk_strlist_free(h->env);
  free(h);
}

/* ---------------------------------------------------------- invocation */

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Lambda's log stream names: "2024/01/31/[$LATEST]" and 32 hex digits. */
static void make_log_stream(const iatk_handler *h, iatk_rng *rng, char *out,
                            size_t size) {
  time_t now = time(NULL);
  struct tm utc;
  gmtime_r(&now, &utc);
  char day[16];
  strftime(day, sizeof day, "%Y/%m/%d", &utc);
  unsigned long long a = iatk__rng_next(rng), b = iatk__rng_next(rng);
  snprintf(out, size, "%s/[%s]%016llx%016llx", day, h->function_version, a, b);
}

static void prepare(const iatk_handler *h, iatk__invocation *inv) {
  iatk_rng rng;
  iatk__rng_init_fresh(&rng);
  char uuid[37];
  iatk__rng_uuid4(&rng, uuid);
  snprintf(inv->request_id, sizeof inv->request_id, "%s",
           h->request_id ? h->request_id : uuid);
  if (h->log_stream)
    snprintf(inv->log_stream, sizeof inv->log_stream, "%s", h->log_stream);
  else
    make_log_stream(h, &rng, inv->log_stream, sizeof inv->log_stream);
  /* an unqualified invoke's ARN has no version; a named version's has */
  int qualified = strcmp(h->function_version, "$LATEST") != 0;
  snprintf(inv->arn, sizeof inv->arn, "arn:aws:lambda:%s:%s:function:%s%s%s",
           h->region, h->account, h->function_name, qualified ? ":" : "",
           qualified ? h->function_version : "");
  inv->deadline_ms = wall_ms() + (int64_t)ceil(h->timeout_s * 1000);
}

/* A payload the runtime could not write itself: {"errorType", "errorMessage"}. */
static char *synthetic_error(const char *type, const iatk__invocation *inv,
                             const char *what) {
  iatk_buf b, message;
  iatk__buf_init(&b);
  iatk__buf_init(&message);
  iatk__buf_printf(&message, "RequestId: %s Error: %s", inv->request_id, what);
  iatk__buf_puts(&b, "{\"errorType\":");
  iatk__buf_json_string(&b, type, strlen(type));
  iatk__buf_puts(&b, ",\"errorMessage\":");
  iatk__buf_json_string(&b, message.data ? message.data : "", message.len);
  iatk__buf_putc(&b, '}');
  iatk__buf_release(&message);
  return b.failed ? (iatk__buf_release(&b), NULL) : iatk__buf_steal(&b);
}

static char *timeout_payload(const iatk_handler *h,
                             const iatk__invocation *inv) {
  char what[96];
  snprintf(what, sizeof what, "Task timed out after %.2f seconds",
           h->timeout_s);
  return synthetic_error("Sandbox.Timedout", inv, what);
}

/* The runtime ended without writing a payload: Lambda's Runtime.ExitError. */
static char *exit_payload(const iatk_invoke_result *r,
                          const iatk__invocation *inv) {
  char what[128];
  if (r->signal)
    snprintf(what, sizeof what, "Runtime exited with error: signal: %s",
             strsignal(r->signal));
  else
    snprintf(what, sizeof what, "Runtime exited with error: exit status %d",
             r->exit_status);
  return synthetic_error("Runtime.ExitError", inv, what);
}

/* "errorType: errorMessage" (its first line) into err, as code. */
static int fail_with_payload(const char *payload, int code, iatk_error *err) {
  json_t *doc = json_loads(payload, JSON_DECODE_ANY, NULL);
  const char *type = json_string_value(json_object_get(doc, "errorType"));
  const char *message = json_string_value(json_object_get(doc, "errorMessage"));
  message = message ? message : "";
  int line = (int)strcspn(message, "\n");
  iatk__fail(err, code, "%s: %.*s", type ? type : "Unhandled", line, message);
  json_decref(doc);
  return code;
}

static int give(char *text, char **payload, size_t *payload_len) {
  *payload = text;
  if (payload_len)
    *payload_len = text ? strlen(text) : 0;
  return text ? IATK_OK : IATK_ENOMEM;
}

/* Reads "ok\n" / "error\n" and the payload from the bootstrap's answer. */
static int judge(iatk_buf *out, const iatk_invoke_result *r,
                 const iatk__invocation *inv, char **payload,
                 size_t *payload_len, iatk_error *err) {
  const char *text = out->data ? out->data : "";
  int ok = !strncmp(text, "ok\n", 3), failed = !strncmp(text, "error\n", 6);
  if (!ok && !failed) {
    if (give(exit_payload(r, inv), payload, payload_len) != IATK_OK)
      return iatk__fail(err, IATK_ENOMEM, "out of memory");
    return fail_with_payload(*payload, IATK_ECONSUMER, err);
  }
  size_t skip = ok ? 3 : 6;
  memmove(out->data, out->data + skip, out->len - skip + 1);
  out->len -= skip;
  *payload = iatk__buf_steal(out);
  if (payload_len)
    *payload_len = strlen(*payload);
  return ok ? IATK_OK : fail_with_payload(*payload, IATK_ECONSUMER, err);
}

static int run(const iatk_handler *h, const iatk__invocation *inv,
               const char *bootstrap, const char *event, size_t len,
               iatk_buf *out, iatk_invoke_result *r, iatk_error *err) {
  int node = h->runtime == IATK__NODEJS;
  const char *interpreter = h->interpreter ? h->interpreter
                            : node         ? "node"
                                           : "python3";
  /* python: unbuffered, so prints interleave with stderr as on Lambda; no
   * .pyc files written into the function's code directory */
  char *argv_node[] = {(char *)interpreter, (char *)bootstrap, NULL};
  char *argv_python[] = {(char *)interpreter, "-u", "-B", (char *)bootstrap,
                         NULL};
  char **env = iatk__handler_env(h, inv);
  if (!env)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  iatk__process p = {node ? argv_node : argv_python, env, h->task_root,
                     IATK__RESULT_FD};
  int rc = iatk__process_run(&p, event, len, (int)ceil(h->timeout_s * 1000),
                             out, r, err);
  iatk__env_free(env);
  return rc;
}

int iatk_handler_invoke(iatk_handler *h, const char *event, size_t len,
                        char **payload, size_t *payload_len, iatk_error *err) {
  if (!payload)
    return iatk__fail(err, IATK_EINVAL,
                      "iatk_handler_invoke needs a payload pointer");
  *payload = NULL;
  if (!h || !event)
    return iatk__fail(err, IATK_EINVAL,
                      "iatk_handler_invoke needs a handler and an event");
  iatk__invocation inv;
  prepare(h, &inv);
  char *bootstrap = iatk__bootstrap_path(h, err);
  if (!bootstrap)
    return iatk__error_code(err, IATK_EIO);
  iatk_buf out;
  iatk__buf_init(&out);
  iatk_invoke_result r;
  int rc = run(h, &inv, bootstrap, event, len, &out, &r, err);
  free(bootstrap);
  if (rc == IATK_ETIMEOUT) {
    rc = give(timeout_payload(h, &inv), payload, payload_len);
    rc = rc == IATK_OK ? fail_with_payload(*payload, IATK_ETIMEOUT, err)
                       : iatk__fail(err, IATK_ENOMEM, "out of memory");
  } else if (rc == IATK_OK) {
    rc = judge(&out, &r, &inv, payload, payload_len, err);
  }
  iatk__buf_release(&out);
  return rc;
}
