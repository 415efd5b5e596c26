/* Registries: ListRegistries, DescribeRegistry, CreateRegistry and
 * UpdateRegistry.  A registry of the tree is a directory; it has no
 * description or tags, so those are answered empty and refused when set. */
#include <string.h>

#include "server/server_internal.h"

/* RegistrySummary, and the body of Describe/Create/UpdateRegistry. */
static json_t *registry_json(const iatk_server *srv, const char *name) {
  json_t *o = json_object();
  if (!o || iatk__srv_set_arn(o, "RegistryArn", srv, name, NULL) != 0 ||
      json_object_set_new(o, "RegistryName", json_string(name)) != 0 ||
      json_object_set_new(o, "tags", json_object()) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* ListRegistries' filters. */
typedef struct registry_filter {
  const char *prefix; /* registryNamePrefix, "" for all */
  const char *scope;  /* "LOCAL", "AWS" or NULL for both */
} registry_filter;

/* AWS's own registries (aws.events) are named "aws.*"; everything else
 * is the account's, which AWS calls LOCAL. */
static int keep_registry(const char *name, void *ctx) {
  const registry_filter *f = ctx;
  if (strncmp(name, f->prefix, strlen(f->prefix)) != 0)
    return 0;
  if (!f->scope)
    return 1;
  int aws = strncmp(name, "aws.", 4) == 0;
  return strcmp(f->scope, "AWS") == 0 ? aws : !aws;
}

static int emit_registry(iatk__srv_call *call, const char *name, json_t *items,
                         void *ctx, iatk__srv_reply *reply) {
  (void)ctx;
  if (json_array_append_new(items, registry_json(call->srv, name)) == 0)
    return 0;
  iatk__srv_fail(reply, IATK__SRV_INTERNAL, "out of memory");
  return -1;
}

/* Reads registryNamePrefix and scope into f (caller frees both). */
static int read_filter(const iatk__srv_call *call, char **prefix, char **scope,
                       iatk__srv_reply *reply) {
  if (iatk__srv_query_get(call->query, "registryNamePrefix", prefix) < 0 ||
      iatk__srv_query_get(call->query, "scope", scope) < 0) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "malformed percent-encoding in the query string");
    return -1;
  }
  if (*scope && strcmp(*scope, "LOCAL") != 0 && strcmp(*scope, "AWS") != 0) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST, "scope must be LOCAL or AWS");
    return -1;
  }
  return 0;
}

void iatk__srv_list_registries(iatk__srv_call *call, iatk__srv_reply *reply) {
  char *prefix = NULL, *scope = NULL;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_strlist *names = NULL;
  if (read_filter(call, &prefix, &scope, reply) == 0 &&
      !(names = iatk_registry_list(call->reg, NULL, &err)))
    iatk__srv_fail_iatk(reply, call, &err);
  if (names) {
    registry_filter f = {prefix ? prefix : "", scope};
    iatk_buf key;
    iatk__buf_init(&key);
    iatk__buf_printf(&key, "ListRegistries %zu:%s %s", strlen(f.prefix),
                     f.prefix, scope ? scope : "");
    iatk__srv_listing l = {key.data ? key.data : "",
                           "Registries",
                           names,
                           strcmp,
                           keep_registry,
                           emit_registry,
                           &f};
    iatk__srv_page(call, &l, reply);
    iatk__buf_release(&key);
  }
  iatk_strlist_free(names);
  iatk_free(prefix);
  iatk_free(scope);
}

/* Answers 404 unless the registry exists. */
static int registry_exists(const iatk__srv_call *call, iatk__srv_reply *reply) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_strlist *schemas = iatk_registry_list(call->reg, call->registry, &err);
  if (!schemas)
    iatk__srv_fail_iatk(reply, call, &err);
  iatk_strlist_free(schemas);
  return schemas ? 0 : -1;
}

void iatk__srv_describe_registry(iatk__srv_call *call, iatk__srv_reply *reply) {
  if (registry_exists(call, reply) == 0)
    iatk__srv_ok(reply, 200, registry_json(call->srv, call->registry));
}

/* The body of a create or update: nothing the tree cannot store. */
static int acceptable_body(const iatk__srv_call *call, iatk__srv_reply *reply) {
  json_t *body = iatk__srv_body_object(call, reply);
  int rc = body ? iatk__srv_body_refuse_unstored(body, reply) : -1;
  json_decref(body);
  return rc;
}

void iatk__srv_create_registry(iatk__srv_call *call, iatk__srv_reply *reply) {
  if (acceptable_body(call, reply) != 0)
    return;
  iatk_error err;
  iatk_error_clear(&err);
  pthread_mutex_lock(&call->srv->write_lock);
  int rc = iatk_registry_create(call->reg, call->registry, &err);
  pthread_mutex_unlock(&call->srv->write_lock);
  if (rc != IATK_OK)
    iatk__srv_fail_iatk(reply, call, &err);
  else
    iatk__srv_ok(reply, 201, registry_json(call->srv, call->registry));
}

/* Only a description can change, and the tree keeps none: an update that
 * sets none succeeds and changes nothing. */
void iatk__srv_update_registry(iatk__srv_call *call, iatk__srv_reply *reply) {
  if (acceptable_body(call, reply) == 0 && registry_exists(call, reply) == 0)
    iatk__srv_ok(reply, 200, registry_json(call->srv, call->registry));
}
