/* JSON-RPC 2.0 service mode: `iatk` with no arguments and a non-terminal
 * standard input answers one request the way AWS IATK's service binary does,
 * so clients of that protocol (AWS IATK's Python package spawns the binary,
 * writes one request on its stdin and reads one response line) keep working.
 * The protocol is described in docs/jsonrpc.md. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Error codes: the JSON-RPC 2.0 ones, and AWS IATK's code for a failed
 * operation (the message then is the iatk error message). */
#define RPC_PARSE_ERROR -32700
#define RPC_INVALID_REQUEST -32600
#define RPC_METHOD_NOT_FOUND -32601
#define RPC_INVALID_PARAMS -32602
#define RPC_INTERNAL_ERROR -32603
#define RPC_OPERATION_FAILED 10

#define RPC_METHOD "mock.generate_barebone_event"

/* A failure to report: a code and a message.  The longest message is an
 * iatk_error's, passed on verbatim (rpc_op_failed); the protocol's own ones
 * quote at most 300 bytes of the request, so they fit as well. */
typedef struct rpc_error {
  int code;
  char message[IATK_ERROR_MESSAGE_SIZE];
} rpc_error;

/* The params of mock.generate_barebone_event; strings borrow the request. */
typedef struct rpc_params {
  const char *registry;
  const char *schema;
  const char *version;
  const char *event_ref;
  const char *region, *profile; /* for the AWS source; NULL: the chain's */
  int skip_optional;
} rpc_params;

/* Fills *e and returns -1, so checks read `return rpc_fail(...)`. */
__attribute__((format(printf, 3, 4))) static int
rpc_fail(rpc_error *e, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  e->code = code;
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
  return -1;
}

static int in_list(const char *key, const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(key, names[i]))
      return 1;
  return 0;
}

/* ------------------------------------------------------------- responses */

/* Writes `response` as one line and flushes; the exit status. */
static int rpc_send(FILE *out, json_t *response) {
  char *text = response ? json_dumps(response, JSON_COMPACT) : NULL;
  json_decref(response);
  if (!text) {
    fputs("iatk: error: out of memory\n", stderr);
    return 1;
  }
  int bad = cli_write(out, text, strlen(text), "standard output") != 0 ||
            cli_write(out, "\n", 1, "standard output") != 0;
  free(text);
  if (!bad && fflush(out) != 0) {
    fputs("iatk: error: cannot write to standard output\n", stderr);
    bad = 1;
  }
  return bad ? 1 : 0;
}

/* {"jsonrpc": "2.0", "id": id, <key>: value}; steals value. */
static json_t *rpc_envelope(json_t *id, const char *key, json_t *value) {
  json_t *response = json_object();
  if (!response || !value) {
    json_decref(response);
    json_decref(value);
    return NULL;
  }
  json_object_set_new(response, "jsonrpc", json_string("2.0"));
  json_object_set(response, "id", id ? id : json_null());
  json_object_set_new(response, key, value);
  return response;
}

static int rpc_send_error(FILE *out, json_t *id, const rpc_error *e) {
  json_t *error = json_object();
  if (error) {
    json_object_set_new(error, "code", json_integer(e->code));
    json_object_set_new(error, "message", json_string(e->message));
  }
  return rpc_send(out, rpc_envelope(id, "error", error));
}

static int rpc_send_result(FILE *out, json_t *id, const char *event,
                           size_t len) {
  json_t *result = json_object();
  if (result)
    json_object_set_new(result, "output", json_stringn(event, len));
  return rpc_send(out, rpc_envelope(id, "result", result));
}

/* ---------------------------------------------------------------- request */

/* Feeds jansson one byte at a time: a bigger read could block waiting for
 * bytes a client that keeps its end of the pipe open will never send. */
typedef struct rpc_input {
  FILE *in;
  size_t total;
  int too_large;
} rpc_input;

static size_t rpc_next_byte(void *buffer, size_t size, void *data) {
  rpc_input *input = data;
  int c = size ? getc(input->in) : EOF;
  if (c == EOF)
    return 0;
  if (++input->total > IATK_MAX_DOCUMENT_BYTES) {
    input->too_large = 1;
    return (size_t)-1;
  }
  *(char *)buffer = (char)c;
  return 1;
}

/* Reads one JSON value from `in` and stops at its end, so a client may keep
 * its end of the pipe open while it waits for the answer. */
static json_t *rpc_read(FILE *in, rpc_error *e) {
  json_error_t jerr;
  rpc_input input = {in, 0, 0};
  json_t *request = json_load_callback(
      rpc_next_byte, &input, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &jerr);
  if (request)
    return request;
  if (input.too_large)
    rpc_fail(e, RPC_INVALID_REQUEST, "invalid request: larger than %u bytes",
             (unsigned)IATK_MAX_DOCUMENT_BYTES);
  else if (json_error_code(&jerr) == json_error_out_of_memory)
    rpc_fail(e, RPC_INTERNAL_ERROR, "internal error: out of memory");
  else
    rpc_fail(e, RPC_PARSE_ERROR, "parse error: %s (line %d, column %d)",
             jerr.text, jerr.line, jerr.column);
  return NULL;
}

static const char *const request_members[] = {"jsonrpc", "id", "method",
                                              "params", "metadata"};

/* The envelope rules of JSON-RPC 2.0 (members, their types). */
static int rpc_check_envelope(json_t *request, rpc_error *e) {
  const char *key;
  json_t *value;
  if (!json_is_object(request))
    return rpc_fail(e, RPC_INVALID_REQUEST, "invalid request: not an object");
  json_object_foreach(request, key, value) {
    if (!in_list(key, request_members,
                 sizeof request_members / sizeof *request_members))
      return rpc_fail(e, RPC_INVALID_REQUEST,
                      "invalid request: unknown member '%.200s'", key);
  }
  json_t *version = json_object_get(request, "jsonrpc");
  if (!json_is_string(version) || strcmp(json_string_value(version), "2.0"))
    return rpc_fail(e, RPC_INVALID_REQUEST,
                    "invalid request: jsonrpc must be \"2.0\"");
  json_t *metadata = json_object_get(request, "metadata");
  if (metadata && !json_is_object(metadata) && !json_is_null(metadata))
    return rpc_fail(e, RPC_INVALID_REQUEST,
                    "invalid request: metadata must be an object");
  return 0;
}

/* The id to answer with: a string, a number or null (absent means null). */
static int rpc_check_id(json_t *id, rpc_error *e) {
  if (!id || json_is_null(id) || json_is_string(id) || json_is_number(id))
    return 0;
  return rpc_fail(e, RPC_INVALID_REQUEST,
                  "invalid request: id must be a string, a number or null");
}

static int rpc_check_method(json_t *method, rpc_error *e) {
  if (!json_is_string(method))
    return rpc_fail(e, RPC_INVALID_REQUEST,
                    "invalid request: method must be a string");
  if (!strcmp(json_string_value(method), RPC_METHOD))
    return 0;
  return rpc_fail(e, RPC_METHOD_NOT_FOUND,
                  "method not found: '%.300s' (the only method is " RPC_METHOD
                  ")",
                  json_string_value(method));
}

/* ----------------------------------------------------------------- params */

static int param_type_error(const char *name, const char *type, rpc_error *e) {
  return rpc_fail(e, RPC_INVALID_PARAMS, "invalid params: %s must be %s", name,
                  type);
}

/* An optional string param: absent and null leave *out NULL. */
static int param_string(json_t *params, const char *name, const char **out,
                        rpc_error *e) {
  json_t *value = json_object_get(params, name);
  *out = NULL;
  if (!value || json_is_null(value))
    return 0;
  if (!json_is_string(value))
    return param_type_error(name, "a string", e);
  *out = json_string_value(value);
  return 0;
}

static int param_required(const char *name, const char *value, rpc_error *e) {
  if (value && *value)
    return 0;
  return param_type_error(name, "a non-empty string", e);
}

static int param_bool(json_t *params, const char *name, int *out,
                      rpc_error *e) {
  json_t *value = json_object_get(params, name);
  *out = 0;
  if (!value || json_is_null(value))
    return 0;
  if (!json_is_boolean(value))
    return param_type_error(name, "a boolean", e);
  *out = json_is_true(value);
  return 0;
}

static const char *const param_names[] = {
    "RegistryName", "SchemaName", "SchemaVersion", "EventRef",
    "SkipOptional", "Region",     "Profile"};

static int rpc_check_param_names(json_t *params, rpc_error *e) {
  const char *key;
  json_t *value;
  if (!json_is_object(params))
    return rpc_fail(e, RPC_INVALID_PARAMS,
                    "invalid params: params must be an object");
  json_object_foreach(params, key, value) {
    if (!in_list(key, param_names, sizeof param_names / sizeof *param_names))
      return rpc_fail(e, RPC_INVALID_PARAMS,
                      "invalid params: unknown param '%.200s'", key);
  }
  return 0;
}

/* Region and Profile configure the AWS source, which serves the request
 * when no local tree is configured (iatk_registry_open_source's rule). */
static int rpc_parse_params(json_t *params, rpc_params *p, rpc_error *e) {
  if (rpc_check_param_names(params, e) ||
      param_string(params, "RegistryName", &p->registry, e) ||
      param_string(params, "SchemaName", &p->schema, e) ||
      param_string(params, "SchemaVersion", &p->version, e) ||
      param_string(params, "EventRef", &p->event_ref, e) ||
      param_bool(params, "SkipOptional", &p->skip_optional, e) ||
      param_string(params, "Region", &p->region, e) ||
      param_string(params, "Profile", &p->profile, e))
    return -1;
  if (param_required("RegistryName", p->registry, e) ||
      param_required("SchemaName", p->schema, e))
    return -1;
  if (p->version && !*p->version)
    p->version = NULL; /* "" means latest, as null does */
  if (p->region && !*p->region)
    p->region = NULL; /* "" means unset, as AWS IATK's clients send it */
  if (p->profile && !*p->profile)
    p->profile = NULL;
  return 0;
}

/* -------------------------------------------------------------- operation */

static int rpc_op_failed(const iatk_error *err, rpc_error *e) {
  int code =
      err->code == IATK_ENOMEM ? RPC_INTERNAL_ERROR : RPC_OPERATION_FAILED;
  return rpc_fail(e, code, "%s",
                  err->message[0] ? err->message : iatk_strerror(err->code));
}

/* Loads and compiles the requested event; NULL with *e filled on failure. */
static iatk_plan *rpc_compile(const rpc_params *p, rpc_error *e) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_registry *reg =
      iatk_registry_open_source(NULL, NULL, p->profile, p->region, NULL, &err);
  iatk_schema *schema =
      reg ? iatk_registry_load(reg, p->registry, p->schema, p->version, &err)
          : NULL;
  iatk_plan *plan = schema ? iatk_compile(schema, p->event_ref, &err) : NULL;
  iatk_schema_free(schema);
  iatk_registry_free(reg);
  if (!plan)
    rpc_op_failed(&err, e);
  return plan;
}

/* Generates the barebone event into *text (owned by gen). */
static int rpc_run(iatk_gen *gen, const rpc_params *p, const char **text,
                   size_t *len, iatk_error *err) {
  iatk_gen_set_mode(gen, IATK_MODE_BAREBONE);
  /* AWS IATK's meaning: objects without a `required` list keep everything. */
  iatk_gen_set_skip_optional(gen, p->skip_optional ? IATK_SKIP_OPTIONAL_AWS
                                                   : IATK_SKIP_OPTIONAL_OFF);
  return iatk_gen_event(gen, 0, text, len, err);
}

/* Generates the barebone event and answers with it. */
static int rpc_generate(FILE *out, json_t *id, const rpc_params *p,
                        rpc_error *e) {
  iatk_error err;
  const char *text = NULL;
  size_t len = 0;
  int status;
  iatk_plan *plan = rpc_compile(p, e);
  if (!plan)
    return rpc_send_error(out, id, e);
  iatk_error_clear(&err);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  if (gen && rpc_run(gen, p, &text, &len, &err) == IATK_OK) {
    status = rpc_send_result(out, id, text, len);
  } else {
    rpc_op_failed(&err, e);
    status = rpc_send_error(out, id, e);
  }
  iatk_gen_free(gen);
  iatk_plan_free(plan);
  return status;
}

/* Validates a parsed request and answers it.  An unusable id is answered
 * with null, as JSON-RPC 2.0 asks. */
static int rpc_answer(FILE *out, json_t *request, rpc_error *e) {
  json_t *id = json_is_object(request) ? json_object_get(request, "id") : NULL;
  rpc_params p = {0};
  if (rpc_check_id(id, e))
    return rpc_send_error(out, NULL, e);
  if (rpc_check_envelope(request, e) ||
      rpc_check_method(json_object_get(request, "method"), e))
    return rpc_send_error(out, id, e);
  json_t *params = json_object_get(request, "params");
  if (rpc_parse_params(params ? params : json_null(), &p, e))
    return rpc_send_error(out, id, e);
  return rpc_generate(out, id, &p, e);
}

int cli_rpc(FILE *in, FILE *out) {
  rpc_error e = {0};
  json_t *request = rpc_read(in, &e);
  if (!request)
    return rpc_send_error(out, NULL, &e);
  int status = rpc_answer(out, request, &e);
  json_decref(request);
  return status;
}
