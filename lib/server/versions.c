/* ListSchemaVersions: a schema's versions in numeric order (1, 2, ...,
 * 10), each with its type. */
#include <stdio.h>
#include <string.h>

#include "server/server_internal.h"

/* Versions are canonical decimals, so shorter means smaller. */
static int compare_versions(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp(a, b);
}

/* SchemaVersionSummary; NULL when out of memory. */
static json_t *summary_json(const iatk__srv_call *call, const char *version,
                            const char *type) {
  json_t *o = json_object();
  if (!o || (iatk__srv_set_arn(o, "SchemaArn", call->srv, call->registry,
                               call->schema) |
             json_object_set_new(o, "SchemaName", json_string(call->schema)) |
             json_object_set_new(o, "SchemaVersion", json_string(version)) |
             json_object_set_new(o, "Type", json_string(type))) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* The type is in the version's meta.json, which only a read gives. */
static int emit_version(iatk__srv_call *call, const char *version,
                        json_t *items, void *ctx, iatk__srv_reply *reply) {
  (void)ctx;
  iatk_error err;
  iatk_error_clear(&err);
  const char *type = NULL;
  char *text = iatk_registry_read(call->reg, call->registry, call->schema,
                                  version, NULL, &type, NULL, &err);
  iatk_free(text);
  if (!text) {
    iatk__srv_fail_iatk(reply, call, &err);
    return -1;
  }
  if (json_array_append_new(items, summary_json(call, version, type)) == 0)
    return 0;
  iatk__srv_fail(reply, IATK__SRV_INTERNAL, "out of memory");
  return -1;
}

void iatk__srv_list_schema_versions(iatk__srv_call *call,
                                    iatk__srv_reply *reply) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_strlist *versions =
      iatk_registry_versions(call->reg, call->registry, call->schema, &err);
  if (!versions) {
    iatk__srv_fail_iatk(reply, call, &err);
    return;
  }
  iatk_buf key;
  iatk__buf_init(&key);
  iatk__buf_printf(&key, "ListSchemaVersions %zu:%s %s", strlen(call->registry),
                   call->registry, call->schema);
  iatk__srv_listing l = {key.data ? key.data : "",
                         "SchemaVersions",
                         versions,
                         compare_versions,
                         NULL,
                         emit_version,
                         NULL};
  iatk__srv_page(call, &l, reply);
  iatk__buf_release(&key);
  iatk_strlist_free(versions);
}
