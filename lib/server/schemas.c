/* Schemas: ListSchemas, DescribeSchema, CreateSchema and UpdateSchema.
 *
 * A schema of the tree is a directory of immutable numbered versions;
 * CreateSchema writes version 1 and UpdateSchema the next one.  An update
 * whose Content and Type equal the latest version's writes nothing and
 * answers with that version: a retry (the SDKs retry, and send an
 * idempotency token for that reason) or a deployment that re-applies the
 * same schema must not pile up identical versions.  The times are the
 * version directories' (iatk_registry_version_time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

/* What Create/UpdateSchema asked for. */
typedef struct schema_input {
  const char *content, *type; /* NULL when not given */
  size_t content_len;
} schema_input;

/* A version and its times, for the answer. */
typedef struct version_info {
  int number;
  const char *type;
  int64_t created_us;  /* VersionCreatedDate */
  int64_t modified_us; /* LastModified: the latest version's time */
} version_info;

/* --------------------------------------------------------------- input */

/* Characters, not bytes, as the service model's limit counts them. */
static size_t utf8_chars(const char *s, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < n; i++)
    chars += ((unsigned char)s[i] & 0xc0) != 0x80;
  return chars;
}

static int check_type(const char *type, size_t len, iatk__srv_reply *reply) {
  if (len == strlen(type) && (strcmp(type, IATK_TYPE_OPENAPI3) == 0 ||
                              strcmp(type, IATK_TYPE_JSONSCHEMA_DRAFT4) == 0))
    return 0;
  iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                 "Type must be OpenApi3 or JSONSchemaDraft4");
  return -1;
}

/* Refuses content the tree would refuse, with the reason and position,
 * before anything is written. */
static int check_content(const char *content, size_t len, const char *type,
                         iatk__srv_reply *reply) {
  size_t chars = utf8_chars(content, len);
  if (chars == 0 || chars > IATK__SRV_MAX_CONTENT_CHARS) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "Content must be 1 to %u characters long (it is %zu)",
                   IATK__SRV_MAX_CONTENT_CHARS, chars);
    return -1;
  }
  iatk_error err;
  iatk_error_clear(&err);
  iatk_schema *doc = iatk_schema_load(content, len, type, "Content", &err);
  iatk_schema_free(doc);
  if (!doc)
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST, "invalid schema: %s",
                   err.message);
  return doc ? 0 : -1;
}

/* Reads Content and Type; `required` for CreateSchema. */
static int read_input(const json_t *body, int required, schema_input *in,
                      iatk__srv_reply *reply) {
  size_t type_len = 0;
  memset(in, 0, sizeof *in);
  int has_content = iatk__srv_body_string(body, "Content", &in->content,
                                          &in->content_len, reply);
  int has_type =
      iatk__srv_body_string(body, "Type", &in->type, &type_len, reply);
  if (has_content < 0 || has_type < 0 ||
      iatk__srv_body_refuse_unstored(body, reply) != 0)
    return -1;
  if (required && (!has_content || !has_type)) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "CreateSchema needs Content and Type");
    return -1;
  }
  return has_type ? check_type(in->type, type_len, reply) : 0;
}

/* -------------------------------------------------------------- output */

static int load_times(iatk__srv_call *call, version_info *v, int is_latest,
                      iatk_error *err) {
  char number[16];
  snprintf(number, sizeof number, "%d", v->number);
  int rc = iatk_registry_version_time(call->reg, call->registry, call->schema,
                                      number, &v->created_us, err);
  v->modified_us = v->created_us;
  if (rc == IATK_OK && !is_latest)
    rc = iatk_registry_version_time(call->reg, call->registry, call->schema,
                                    NULL, &v->modified_us, err);
  return rc;
}

/* The body of Describe/Create/UpdateSchema; Content only for Describe
 * (content NULL otherwise).  NULL when out of memory or the stored
 * content is not UTF-8. */
static json_t *version_json(const iatk__srv_call *call, const version_info *v,
                            const char *content, size_t len) {
  char number[16];
  snprintf(number, sizeof number, "%d", v->number);
  json_t *o = json_object();
  int rc = o ? 0 : -1;
  if (rc == 0 && content)
    rc = iatk__srv_set_text(o, "Content", content, len);
  if (rc == 0)
    rc = iatk__srv_set_time(o, "LastModified", v->modified_us) |
         iatk__srv_set_arn(o, "SchemaArn", call->srv, call->registry,
                           call->schema) |
         json_object_set_new(o, "SchemaName", json_string(call->schema)) |
         json_object_set_new(o, "SchemaVersion", json_string(number)) |
         json_object_set_new(o, "tags", json_object()) |
         json_object_set_new(o, "Type", json_string(v->type)) |
         iatk__srv_set_time(o, "VersionCreatedDate", v->created_us);
  if (rc != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* Answers with version v (its times read now). */
static void answer_version(iatk__srv_call *call, version_info *v, int is_latest,
                           const char *content, size_t len, int status,
                           iatk__srv_reply *reply) {
  iatk_error err;
  iatk_error_clear(&err);
  if (load_times(call, v, is_latest, &err) != IATK_OK) {
    iatk__srv_fail_iatk(reply, call, &err);
    return;
  }
  json_t *body = version_json(call, v, content, len);
  if (!body)
    iatk__srv_fail(reply, IATK__SRV_INTERNAL,
                   "version %d of schema '%s' in registry '%s' is not UTF-8 "
                   "text, or out of memory",
                   v->number, call->schema, call->registry);
  iatk__srv_ok(reply, status, body);
}

/* ---------------------------------------------------------- operations */

void iatk__srv_describe_schema(iatk__srv_call *call, iatk__srv_reply *reply) {
  char *version = NULL;
  if (iatk__srv_query_get(call->query, "schemaVersion", &version) < 0) {
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "malformed percent-encoding in the query string");
    return;
  }
  iatk_error err;
  iatk_error_clear(&err);
  version_info v = {0, NULL, 0, 0};
  size_t len = 0;
  char *text = iatk_registry_read(call->reg, call->registry, call->schema,
                                  version, &len, &v.type, &v.number, &err);
  if (text)
    answer_version(call, &v, version == NULL, text, len, 200, reply);
  else
    iatk__srv_fail_iatk(reply, call, &err);
  iatk_free(text);
  iatk_free(version);
}

/* Answers 409 when the schema has a version already, 404 when the
 * registry does not exist; 0 when the schema can be created. */
static int check_new(const iatk__srv_call *call, iatk__srv_reply *reply) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_strlist *versions =
      iatk_registry_versions(call->reg, call->registry, call->schema, &err);
  iatk_strlist_free(versions);
  if (versions)
    iatk__srv_fail(reply, IATK__SRV_CONFLICT,
                   "schema '%s' already exists in registry '%s'", call->schema,
                   call->registry);
  else if (err.code != IATK_ENOSCHEMA)
    iatk__srv_fail_iatk(reply, call, &err);
  return versions || err.code != IATK_ENOSCHEMA ? -1 : 0;
}

/* Stores a new version; 0 with v->number set, or -1 answered. */
static int store(iatk__srv_call *call, const schema_input *in, version_info *v,
                 iatk__srv_reply *reply) {
  iatk_error err;
  iatk_error_clear(&err);
  if (check_content(in->content, in->content_len, in->type, reply) != 0)
    return -1;
  if (iatk_registry_put(call->reg, call->registry, call->schema, in->type,
                        in->content, in->content_len, &v->number,
                        &err) != IATK_OK) {
    iatk__srv_fail_iatk(reply, call, &err);
    return -1;
  }
  v->type = strcmp(in->type, IATK_TYPE_OPENAPI3) == 0
                ? IATK_TYPE_OPENAPI3
                : IATK_TYPE_JSONSCHEMA_DRAFT4;
  return 0;
}

void iatk__srv_create_schema(iatk__srv_call *call, iatk__srv_reply *reply) {
  json_t *body = iatk__srv_body_object(call, reply);
  schema_input in;
  if (!body || read_input(body, 1, &in, reply) != 0) {
    json_decref(body);
    return;
  }
  version_info v = {0, NULL, 0, 0};
  pthread_mutex_lock(&call->srv->write_lock);
  int rc = check_new(call, reply) == 0 ? store(call, &in, &v, reply) : -1;
  pthread_mutex_unlock(&call->srv->write_lock);
  if (rc == 0)
    answer_version(call, &v, 1, NULL, 0, 201, reply);
  json_decref(body);
}

/* Under the write lock: the latest version, then a new one unless it
 * would be identical. */
static int update_locked(iatk__srv_call *call, schema_input *in,
                         version_info *v, iatk__srv_reply *reply) {
  iatk_error err;
  iatk_error_clear(&err);
  size_t len = 0;
  char *latest = iatk_registry_read(call->reg, call->registry, call->schema,
                                    NULL, &len, &v->type, &v->number, &err);
  if (!latest) {
    iatk__srv_fail_iatk(reply, call, &err);
    return -1;
  }
  if (!in->content) {
    in->content = latest;
    in->content_len = len;
  }
  if (!in->type)
    in->type = v->type;
  int same = in->content_len == len && memcmp(in->content, latest, len) == 0 &&
             strcmp(in->type, v->type) == 0;
  int rc = same ? 0 : store(call, in, v, reply);
  iatk_free(latest);
  return rc;
}

void iatk__srv_update_schema(iatk__srv_call *call, iatk__srv_reply *reply) {
  json_t *body = iatk__srv_body_object(call, reply);
  schema_input in;
  if (!body || read_input(body, 0, &in, reply) != 0) {
    json_decref(body);
    return;
  }
  version_info v = {0, NULL, 0, 0};
  pthread_mutex_lock(&call->srv->write_lock);
  int rc = update_locked(call, &in, &v, reply);
  pthread_mutex_unlock(&call->srv->write_lock);
  if (rc == 0)
    answer_version(call, &v, 1, NULL, 0, 200, reply);
  json_decref(body);
}

/* ------------------------------------------------------------ listing */

static int keep_prefixed(const char *name, void *ctx) {
  const char *prefix = ctx;
  return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* SchemaSummary of a schema with `count` versions, the latest written
 * at `modified`; NULL when out of memory. */
static json_t *summary_json(const iatk__srv_call *call, const char *name,
                            size_t count, int64_t modified) {
  json_t *o = json_object();
  if (!o ||
      (iatk__srv_set_time(o, "LastModified", modified) |
       iatk__srv_set_arn(o, "SchemaArn", call->srv, call->registry, name) |
       json_object_set_new(o, "SchemaName", json_string(name)) |
       json_object_set_new(o, "tags", json_object()) |
       json_object_set_new(o, "VersionCount",
                           json_integer((json_int_t)count))) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* A schema removed since the listing is left out. */
static int emit_schema(iatk__srv_call *call, const char *name, json_t *items,
                       void *ctx, iatk__srv_reply *reply) {
  (void)ctx;
  iatk_error err;
  iatk_error_clear(&err);
  int64_t modified = 0;
  iatk_strlist *versions =
      iatk_registry_versions(call->reg, call->registry, name, &err);
  size_t count = iatk_strlist_count(versions);
  if (versions)
    iatk_registry_version_time(call->reg, call->registry, name,
                               iatk_strlist_get(versions, count - 1), &modified,
                               &err);
  iatk_strlist_free(versions);
  if (err.code == IATK_ENOSCHEMA || err.code == IATK_ENOVERSION)
    return 0;
  if (err.code != IATK_OK) {
    iatk__srv_fail_iatk(reply, call, &err);
    return -1;
  }
  if (json_array_append_new(items, summary_json(call, name, count, modified)) ==
      0)
    return 0;
  iatk__srv_fail(reply, IATK__SRV_INTERNAL, "out of memory");
  return -1;
}

void iatk__srv_list_schemas(iatk__srv_call *call, iatk__srv_reply *reply) {
  char *prefix = NULL;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_strlist *names = NULL;
  if (iatk__srv_query_get(call->query, "schemaNamePrefix", &prefix) < 0)
    iatk__srv_fail(reply, IATK__SRV_BAD_REQUEST,
                   "malformed percent-encoding in the query string");
  else if (!(names = iatk_registry_list(call->reg, call->registry, &err)))
    iatk__srv_fail_iatk(reply, call, &err);
  if (names) {
    const char *p = prefix ? prefix : "";
    iatk_buf key;
    iatk__buf_init(&key);
    iatk__buf_printf(&key, "ListSchemas %zu:%s %s", strlen(call->registry),
                     call->registry, p);
    iatk__srv_listing l = {key.data ? key.data : "",
                           "Schemas",
                           names,
                           strcmp,
                           keep_prefixed,
                           emit_schema,
                           (void *)p};
    iatk__srv_page(call, &l, reply);
    iatk__buf_release(&key);
  }
  iatk_strlist_free(names);
  iatk_free(prefix);
}
