/* The validator's core: error reporting with instance and schema pointers,
 * $ref/$dynamicRef resolution, and the public API. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema_internal.h"
#include "validate/validate_internal.h"

#define MAX_VALIDATE_DEPTH 2000

/* ------------------------------------------------------------- errors */

static void render(iatk_buf *b, const vpath *p) {
  if (!p)
    return;
  render(b, p->up);
  iatk_buf_putc(b, '/');
  if (!p->key) {
    iatk_buf_printf(b, "%zu", p->index);
    return;
  }
  for (const char *k = p->key; *k; k++) {
    if (*k == '~')
      iatk_buf_puts(b, "~0");
    else if (*k == '/')
      iatk_buf_puts(b, "~1");
    else
      iatk_buf_putc(b, *k);
  }
}

int v_fail(vctx *c, const vpath *ipath, const vpath *spath, const char *keyword,
           const char *fmt, ...) {
  if (c->quiet || !c->err || c->err->code)
    return 0;
  iatk_buf where;
  iatk_buf_init(&where);
  render(&where, ipath);
  if (!ipath)
    iatk_buf_puts(&where, "the root");
  iatk_buf_puts(&where, " (schema ");
  iatk_buf_puts(&where, c->v->root_pointer);
  render(&where, spath);
  iatk_buf_printf(&where, "/%s)", keyword);
  char detail[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  iatk_fail_at(c->err, IATK_EINVALID, where.data,
               "event is invalid at %s: '%s' failed: %s", where.data, keyword,
               detail);
  iatk_buf_release(&where);
  return 0;
}

/* ------------------------------------------------------------ equality */

/* JSON equality where 1 and 1.0 are the same number. */
int v_json_equal(const json_t *a, const json_t *b) {
  if (json_is_number(a) && json_is_number(b))
    return json_number_value(a) == json_number_value(b);
  if (json_typeof(a) != json_typeof(b))
    return 0;
  if (json_is_array(a)) {
    if (json_array_size(a) != json_array_size(b))
      return 0;
    for (size_t i = 0; i < json_array_size(a); i++)
      if (!v_json_equal(json_array_get(a, i), json_array_get(b, i)))
        return 0;
    return 1;
  }
  if (json_is_object(a)) {
    if (json_object_size(a) != json_object_size(b))
      return 0;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)a, key, value) {
      json_t *other = json_object_get(b, key);
      if (!other || !v_json_equal(value, other))
        return 0;
    }
    return 1;
  }
  return json_equal((json_t *)a, (json_t *)b);
}

/* ------------------------------------------------------ evaluated sets */

void evaluated_init(evaluated *e) { memset(e, 0, sizeof *e); }

void evaluated_release(evaluated *e) {
  json_decref(e->props);
  evaluated_init(e);
}

void evaluated_merge(evaluated *into, const evaluated *from) {
  if (!into || !from)
    return;
  into->all_props |= from->all_props;
  into->all_items |= from->all_items;
  if (from->items > into->items)
    into->items = from->items;
  if (from->props) {
    if (!into->props)
      into->props = json_object();
    json_object_update(into->props, from->props);
  }
}

/* ------------------------------------------------------------ references */

const json_t *v_resolve(vctx *c, const char *ref, const char **new_base,
                        char **owned_base) {
  char *uri = uri_join(c->base ? c->base : "", ref);
  const json_t *target = uri ? ids_lookup(c->v, uri) : NULL;
  if (uri) {
    uri[strcspn(uri, "#")] = '\0';
    *owned_base = uri;
    *new_base = uri;
  }
  return target;
}

int v_apply_ref(vctx *c, const json_t *s, const json_t *inst,
                     const vpath *ipath, const vpath *spath, evaluated *ev) {
  const char *ref = json_string_value(json_object_get(s, "$ref"));
  const char *base = c->base, *new_base = base;
  char *owned = NULL;
  const json_t *target = v_resolve(c, ref, &new_base, &owned);
  int ok;
  if (!target) {
    ok = v_fail(c, ipath, spath, "$ref", "'%s' does not resolve", ref);
  } else {
    vpath here = {spath, "$ref", 0};
    c->base = new_base;
    ok = v_apply(c, target, inst, ipath, &here, ev);
    c->base = base;
  }
  free(owned);
  return ok;
}

/* Whether `$ref` replaces its siblings (draft-07 and before, OpenAPI 3.0). */
static int ref_overrides(const vctx *c) {
  return c->v->dialect != DIALECT_2019 && c->v->dialect != DIALECT_2020;
}

static int enter_resource(vctx *c, const json_t *s, char **owned) {
  const char *id = json_string_value(json_object_get(s, "$id"));
  if (!id && !ref_overrides(c))
    return 0;
  if (!id)
    id = json_string_value(json_object_get(s, "id"));
  if (!id || id[0] == '#')
    return 0;
  *owned = uri_join(c->base ? c->base : "", id);
  if (*owned)
    c->base = *owned;
  if (c->scope_depth < 64)
    c->dynamic_scope[c->scope_depth++] = s;
  return 1;
}

int v_apply(vctx *c, const json_t *schema, const json_t *inst,
            const vpath *ipath, const vpath *spath, evaluated *ev) {
  if (json_is_true(schema) || (!json_is_object(schema) && !json_is_false(schema)))
    return 1;
  if (json_is_false(schema))
    return v_fail(c, ipath, spath, "false", "the schema false allows nothing");
  if (c->depth >= MAX_VALIDATE_DEPTH)
    return v_fail(c, ipath, spath, "$ref", "references nest deeper than %d",
                  MAX_VALIDATE_DEPTH);
  const char *base = c->base;
  char *owned = NULL;
  int scoped = enter_resource(c, schema, &owned);
  c->depth++;
  int ok;
  if (json_object_get(schema, "$ref") && ref_overrides(c))
    ok = v_apply_ref(c, schema, inst, ipath, spath, ev);
  else
    ok = v_keywords(c, schema, inst, ipath, spath, ev);
  c->depth--;
  if (scoped && c->scope_depth > 0 && c->dynamic_scope[c->scope_depth - 1] == schema)
    c->scope_depth--;
  c->base = base;
  free(owned);
  return ok;
}

/* ------------------------------------------------------------ public API */

static dialect dialect_of(const json_t *doc) {
  const char *openapi = json_string_value(json_object_get(doc, "openapi"));
  if (openapi)
    return strncmp(openapi, "3.0", 3) == 0 ? DIALECT_OAS30 : DIALECT_2020;
  const char *uri = json_string_value(json_object_get(doc, "$schema"));
  if (!uri)
    return DIALECT_DRAFT4;
  if (strstr(uri, "draft-04"))
    return DIALECT_DRAFT4;
  if (strstr(uri, "draft-06"))
    return DIALECT_DRAFT6;
  if (strstr(uri, "draft-07"))
    return DIALECT_DRAFT7;
  if (strstr(uri, "2019-09"))
    return DIALECT_2019;
  return DIALECT_2020;
}

static int locate_root(iatk_validator *v, char *pointer, iatk_error *err) {
  v->root_pointer = pointer;
  v->root = pointer ? ids_lookup(v, pointer) : NULL;
  if (!v->root)
    return iatk_fail(err, IATK_ENOEVENT, "event_ref %s not found",
                     pointer ? pointer : "");
  return IATK_OK;
}

static iatk_validator *create(json_t *doc, dialect d, char *pointer, int borrow,
                              iatk_error *err) {
  iatk_validator *v = calloc(1, sizeof *v);
  if (!v || !(v->regexes = regex_cache_new())) {
    free(v);
    free(pointer);
    iatk_fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  v->borrowed = borrow;
  v->doc = borrow ? doc : json_incref(doc);
  v->dialect = d;
  if (ids_build(v, err) != IATK_OK || locate_root(v, pointer, err) != IATK_OK) {
    if (!v->root_pointer)
      free(pointer);
    iatk_validator_free(v);
    return NULL;
  }
  return v;
}

static iatk_validator *create_for(json_t *doc, int openapi, const char *pointer,
                                  int borrow, iatk_error *err) {
  dialect d = dialect_of(doc);
  if (openapi && d == DIALECT_DRAFT4)
    d = DIALECT_OAS30;
  char *copy = strdup(pointer);
  if (!copy)
    iatk_fail(err, IATK_ENOMEM, "out of memory");
  return copy ? create(doc, d, copy, borrow, err) : NULL;
}

iatk_validator *validator_create(json_t *doc, int openapi, const char *pointer,
                                 iatk_error *err) {
  return create_for(doc, openapi, pointer, 0, err);
}

iatk_validator *validator_borrow(json_t *doc, int openapi, const char *pointer,
                                 iatk_error *err) {
  return create_for(doc, openapi, pointer, 1, err);
}

iatk_validator *iatk_validator_new(const iatk_schema *schema,
                                   const char *event_ref, iatk_error *err) {
  if (!schema) {
    iatk_fail(err, IATK_EINVAL, "no schema given");
    return NULL;
  }
  char *pointer = schema_event_pointer(schema, event_ref, err);
  if (!pointer)
    return NULL;
  json_t *doc = (json_t *)iatk_schema_document(schema);
  return create(doc, dialect_of(doc), pointer, 0, err);
}

void iatk_validator_free(iatk_validator *v) {
  if (!v)
    return;
  for (size_t i = 0; i < v->id_count; i++)
    free(v->ids[i].uri);
  free(v->ids);
  for (size_t i = 0; i < v->base_count; i++)
    free(v->bases[i]);
  free(v->bases);
  iatk_ptrmap_release(&v->ref_bases);
  free(v->root_pointer);
  regex_cache_free(v->regexes);
  if (!v->borrowed)
    json_decref(v->doc);
  free(v);
}

int validator_check_schema(iatk_validator *v, const json_t *schema, const json_t *inst) {
  vctx c = {.v = v, .err = NULL, .base = "", .quiet = 1};
  return schema && v_apply(&c, schema, inst, NULL, NULL, NULL);
}

int validator_check_at(iatk_validator *v, const char *pointer, const json_t *inst) {
  return validator_check_schema(v, ids_lookup(v, pointer), inst);
}

int iatk_validate(iatk_validator *v, const json_t *event, iatk_error *err) {
  if (!v || !event)
    return iatk_fail(err, IATK_EINVAL, "no validator or event given");
  iatk_error local;
  iatk_error_clear(&local);
  vctx c = {.v = v, .err = &local, .base = ""};
  c.dynamic_scope[c.scope_depth++] = v->doc; /* the outermost resource */
  if (v_apply(&c, v->root, event, NULL, NULL, NULL))
    return IATK_OK;
  if (!local.code)
    iatk_fail(&local, IATK_EINVALID, "event is invalid");
  if (err && !err->code)
    *err = local;
  return IATK_EINVALID;
}

int iatk_validate_text(iatk_validator *v, const char *text, size_t len,
                       iatk_error *err) {
  json_error_t jerr;
  json_t *event =
      text ? json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr) : NULL;
  if (!event)
    return iatk_fail_at(err, IATK_EJSON, "<event>",
                        "event is not valid JSON: %d:%d: %s", text ? jerr.line : 0,
                        text ? jerr.column : 0, text ? jerr.text : "no text");
  int rc = iatk_validate(v, event, err);
  json_decref(event);
  return rc;
}
