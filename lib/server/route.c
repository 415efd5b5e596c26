/* The operations of the Schemas API this server answers, by method and
 * path, as the service model (botocore's schemas/2019-12-02) lays them
 * out.  A path the API has but not with this method is 405 with Allow; a
 * path it does not have is 404 UnknownOperationException; an operation
 * the local tree cannot do is 501. */
#include <string.h>

#include "server/server_internal.h"

/* "*" is a label: registryName, then schemaName, then schemaVersion. */
static const struct route {
  const char *method;
  const char *pattern;
  iatk__srv_handler handler; /* NULL: not served, answered 501 */
  const char *operation;
} routes[] = {
    {"GET", "/v1/registries", iatk__srv_list_registries, "ListRegistries"},
    {"GET", "/v1/registries/name/*", iatk__srv_describe_registry,
     "DescribeRegistry"},
    {"POST", "/v1/registries/name/*", iatk__srv_create_registry,
     "CreateRegistry"},
    {"PUT", "/v1/registries/name/*", iatk__srv_update_registry,
     "UpdateRegistry"},
    {"DELETE", "/v1/registries/name/*", NULL, "DeleteRegistry"},
    {"GET", "/v1/registries/name/*/schemas", iatk__srv_list_schemas,
     "ListSchemas"},
    {"GET", "/v1/registries/name/*/schemas/name/*", iatk__srv_describe_schema,
     "DescribeSchema"},
    {"POST", "/v1/registries/name/*/schemas/name/*", iatk__srv_create_schema,
     "CreateSchema"},
    {"PUT", "/v1/registries/name/*/schemas/name/*", iatk__srv_update_schema,
     "UpdateSchema"},
    {"DELETE", "/v1/registries/name/*/schemas/name/*", NULL, "DeleteSchema"},
    {"GET", "/v1/registries/name/*/schemas/name/*/versions",
     iatk__srv_list_schema_versions, "ListSchemaVersions"},
    {"DELETE", "/v1/registries/name/*/schemas/name/*/version/*", NULL,
     "DeleteSchemaVersion"},
};

#define ROUTE_COUNT (sizeof routes / sizeof routes[0])
#define MAX_LABELS 3

/* Where each label of a matched path is, still encoded. */
typedef struct labels {
  const char *at[MAX_LABELS];
  size_t len[MAX_LABELS];
  int count;
} labels;

/* Matches `path` against `pattern` segment by segment, without decoding
 * anything: "%2F" inside a label stays inside it. */
static int match(const char *pattern, const char *path, labels *out) {
  out->count = 0;
  while (*pattern && *path) {
    if (*pattern++ != '/' || *path++ != '/')
      return 0;
    size_t plen = strcspn(pattern, "/"), len = strcspn(path, "/");
    if (plen == 1 && *pattern == '*') {
      out->at[out->count] = path;
      out->len[out->count++] = len;
    } else if (plen != len || memcmp(pattern, path, len) != 0) {
      return 0;
    }
    pattern += plen;
    path += len;
  }
  return *pattern == '\0' && *path == '\0';
}

/* Answers 405 (the path exists with other methods) or 404. */
static void no_route(const iatk__srv_request *req, iatk__srv_reply *reply) {
  labels l;
  size_t n = 0;
  for (size_t i = 0; i < ROUTE_COUNT; i++) {
    if (!match(routes[i].pattern, req->path, &l))
      continue;
    n += (size_t)snprintf(reply->allow + n, sizeof reply->allow - n, "%s%s",
                          n ? ", " : "", routes[i].method);
    if (n >= sizeof reply->allow)
      n = sizeof reply->allow - 1;
  }
  if (n)
    iatk__srv_fail(reply, IATK__SRV_METHOD_NOT_ALLOWED,
                   "method %s is not allowed on this resource (allowed: %s)",
                   req->method, reply->allow);
  else
    iatk__srv_fail(reply, IATK__SRV_UNKNOWN_OPERATION,
                   "no operation of the Schemas API has this path");
}

static const struct route *find_route(const iatk__srv_request *req, labels *l) {
  for (size_t i = 0; i < ROUTE_COUNT; i++)
    if (strcmp(routes[i].method, req->method) == 0 &&
        match(routes[i].pattern, req->path, l))
      return &routes[i];
  return NULL;
}

/* The decoded labels, each its own string in `text` (NUL-separated). */
typedef struct decoded {
  iatk_buf text;
  size_t offset[MAX_LABELS];
} decoded;

static int decode_labels(const labels *l, decoded *d, iatk__srv_reply *reply) {
  iatk__buf_init(&d->text);
  for (int i = 0; i < l->count; i++) {
    d->offset[i] = d->text.len;
    if (iatk__srv_url_decode(l->at[i], l->len[i], &d->text) != 0) {
      iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                     "malformed percent-encoding in the request path, or an "
                     "encoded NUL");
      return -1;
    }
    iatk__buf_append(&d->text, "", 1);
  }
  if (!d->text.failed)
    return 0;
  iatk__srv_fail(reply, IATK__SRV_INTERNAL, "out of memory");
  return -1;
}

/* The tree's own rules, before anything touches it. */
static int check_names(const iatk__srv_call *call, iatk__srv_reply *reply) {
  iatk_error err;
  iatk_error_clear(&err);
  if ((call->registry &&
       iatk_registry_check_name('r', call->registry, &err) != IATK_OK) ||
      (call->schema &&
       iatk_registry_check_name('s', call->schema, &err) != IATK_OK)) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST, "%s", err.message);
    return -1;
  }
  return 0;
}

/* Decodes and checks the labels, opens the tree and runs the handler. */
static void run(iatk_server *srv, const struct route *route, const labels *l,
                const iatk__srv_request *req, iatk__srv_reply *reply) {
  decoded d;
  if (decode_labels(l, &d, reply) != 0) {
    iatk__buf_release(&d.text);
    return;
  }
  iatk__srv_call call = {srv,        NULL,      NULL,         NULL,
                         req->query, req->body, req->body_len};
  call.registry = l->count > 0 ? d.text.data + d.offset[0] : NULL;
  call.schema = l->count > 1 ? d.text.data + d.offset[1] : NULL;
  iatk_error err;
  iatk_error_clear(&err);
  if (check_names(&call, reply) == 0) {
    call.reg = iatk_registry_open(srv->root, &err);
    if (call.reg)
      route->handler(&call, reply);
    else
      iatk__srv_fail_iatk(reply, &call, &err);
  }
  iatk_registry_free(call.reg);
  iatk__buf_release(&d.text);
}

void iatk__srv_dispatch(iatk_server *srv, const iatk__srv_request *req,
                        iatk__srv_reply *reply) {
  labels l;
  const struct route *route = find_route(req, &l);
  if (!route)
    no_route(req, reply);
  else if (!route->handler)
    iatk__srv_fail(reply, IATK__SRV_NOT_IMPLEMENTED,
                   "%s is not served by iatk registry serve: versions in a "
                   "local registry tree are immutable (remove the directory "
                   "by hand)",
                   route->operation);
  else
    run(srv, route, &l, req, reply);
}
