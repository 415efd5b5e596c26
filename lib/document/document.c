/* Schema documents: parsing JSON text with positions in errors, detecting
 * the document type, and enforcing size and depth limits. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/internal.h"
#include "document/document.h"

static const char *canonical_type(const char *type) {
  if (strcmp(type, IATK_TYPE_OPENAPI3) == 0)
    return IATK_TYPE_OPENAPI3;
  if (strcmp(type, IATK_TYPE_JSONSCHEMA_DRAFT4) == 0)
    return IATK_TYPE_JSONSCHEMA_DRAFT4;
  return NULL;
}

static const char *detect_type(const json_t *doc) {
  return json_is_object(doc) && json_object_get(doc, "openapi")
             ? IATK_TYPE_OPENAPI3
             : IATK_TYPE_JSONSCHEMA_DRAFT4;
}

/* Depth of nested containers, stopping early past `limit`. */
static int depth_exceeds(const json_t *v, int depth, int limit) {
  if (depth > limit)
    return 1;
  const char *key;
  json_t *child;
  size_t i;
  if (json_is_object(v)) {
    json_object_foreach(
        (json_t *)v, key,
        child) if (depth_exceeds(child, depth + 1, limit)) return 1;
  } else if (json_is_array(v)) {
    json_array_foreach(
        v, i, child) if (depth_exceeds(child, depth + 1, limit)) return 1;
  }
  return 0;
}

static json_t *parse_json(const char *text, size_t len, const char *origin,
                          iatk_error *err) {
  if (len == 0) {
    iatk__fail_at(err, IATK_EJSON, origin, "%s is empty", origin);
    return NULL;
  }
  json_error_t jerr;
  json_t *doc = iatk__json_read(
      text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr, NULL);
  if (doc)
    return doc;
  char where[600];
  snprintf(where, sizeof where, "%s:%d:%d", origin, jerr.line, jerr.column);
  iatk__fail_at(err, IATK_EJSON, where, "%s:%d:%d: %s", origin, jerr.line,
                jerr.column, jerr.text);
  if (err && err->code == IATK_EJSON) {
    err->line = jerr.line;
    err->column = jerr.column;
  }
  return NULL;
}

iatk_schema *iatk_schema_load(const char *text, size_t len, const char *type,
                              const char *origin, iatk_error *err) {
  origin = origin ? origin : "<schema>";
  if (!text) {
    iatk__fail(err, IATK_EINVAL, "no schema text given");
    return NULL;
  }
  if (type && !canonical_type(type)) {
    iatk__fail(
        err, IATK_EINVAL,
        "unknown schema type '%s': expected OpenApi3 or JSONSchemaDraft4",
        type);
    return NULL;
  }
  if (len > IATK_MAX_DOCUMENT_BYTES) {
    iatk__fail_at(err, IATK_ELIMIT, origin,
                  "%s is larger than the %u MiB limit", origin,
                  IATK_MAX_DOCUMENT_BYTES / (1024 * 1024));
    return NULL;
  }
  json_t *doc = parse_json(text, len, origin, err);
  if (!doc)
    return NULL;
  if (depth_exceeds(doc, 0, IATK_MAX_SCHEMA_DEPTH)) {
    json_decref(doc);
    iatk__fail_at(err, IATK_ELIMIT, origin, "%s nests deeper than %d levels",
                  origin, IATK_MAX_SCHEMA_DEPTH);
    return NULL;
  }
  if (!json_is_object(doc) && !json_is_boolean(doc)) {
    json_decref(doc);
    iatk__fail_at(err, IATK_ESCHEMA, origin,
                  "%s is not a schema document (expected a JSON object)",
                  origin);
    return NULL;
  }
  iatk_schema *schema = calloc(1, sizeof *schema);
  if (!schema || !(schema->origin = strdup(origin))) {
    free(schema);
    json_decref(doc);
    iatk__fail(err, IATK_ENOMEM, "out of memory loading %s", origin);
    return NULL;
  }
  schema->doc = doc;
  schema->type = type ? canonical_type(type) : detect_type(doc);
  schema->dialect =
      iatk__schema_dialect_detect(doc, type ? schema->type : NULL);
  if (!(schema->ids = iatk__id_index_build(doc, schema->dialect, err))) {
    iatk_schema_free(schema);
    return NULL;
  }
  return schema;
}

iatk_schema *iatk_schema_load_file(const char *path, const char *type,
                                   iatk_error *err) {
  if (!path) {
    iatk__fail(err, IATK_EINVAL, "no schema file given");
    return NULL;
  }
  size_t len = 0;
  char *text = iatk__read_file(path, IATK_MAX_DOCUMENT_BYTES, &len, err);
  if (!text)
    return NULL;
  iatk_schema *schema = iatk_schema_load(
      text, len, type, strcmp(path, "-") == 0 ? "<stdin>" : path, err);
  free(text);
  return schema;
}

void iatk_schema_free(iatk_schema *schema) {
  if (!schema)
    return;
  iatk__id_index_unref(schema->ids);
  json_decref(schema->doc);
  free(schema->origin);
  free(schema);
}

const char *iatk_schema_type(const iatk_schema *schema) {
  return schema ? schema->type : NULL;
}

const char *iatk_schema_origin(const iatk_schema *schema) {
  return schema ? schema->origin : NULL;
}

const char *iatk_schema_dialect(const iatk_schema *schema) {
  return schema ? iatk__schema_dialect_name(schema->dialect) : NULL;
}

int iatk_schema_set_dialect(iatk_schema *schema, const char *name,
                            iatk_error *err) {
  dialect d = iatk__schema_dialect_parse(name);
  if (!schema || d == DIALECT_NONE)
    return iatk__fail(err, IATK_EINVAL,
                      "unknown dialect '%s': expected draft4, draft6, draft7, "
                      "2019-09, 2020-12, openapi-3.0 or openapi-3.1",
                      name ? name : "");
  id_index *ids = iatk__id_index_build(schema->doc, d, err);
  if (!ids)
    return err ? err->code : IATK_ENOMEM;
  iatk__id_index_unref(schema->ids);
  schema->ids = ids;
  schema->dialect = d;
  return IATK_OK;
}

const json_t *iatk_schema_document(const iatk_schema *schema) {
  return schema ? schema->doc : NULL;
}
