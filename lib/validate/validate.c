/* The validator's core: error reporting with instance and schema pointers,
 * $ref/$dynamicRef resolution, and the public API. */
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "document/document.h"
#include "validate/validate_internal.h"

#define MAX_VALIDATE_DEPTH 2000
/* The work budget: schema applications per validation, this many plus
 * DEFAULT_BUDGET_PER_VALUE for every value in the instance.  About a second
 * of work on a small event: far beyond any real schema, well short of the
 * exponential ones (allOf fan-outs through $ref) that would take years. */
#define DEFAULT_BUDGET_BASE 4000000u
#define DEFAULT_BUDGET_PER_VALUE 64u

/* ------------------------------------------------------------- errors */

static void render(iatk_buf *b, const vpath *p) {
  if (!p)
    return;
  render(b, p->up);
  iatk__buf_putc(b, '/');
  if (!p->key) {
    iatk__buf_printf(b, "%zu", p->index);
    return;
  }
  for (const char *k = p->key; *k; k++) {
    if (*k == '~')
      iatk__buf_puts(b, "~0");
    else if (*k == '/')
      iatk__buf_puts(b, "~1");
    else
      iatk__buf_putc(b, *k);
  }
}

/* "/a/0 (schema #/properties/a/type)": the instance and schema locations. */
static void render_where(iatk_buf *where, const vctx *c, const vpath *ipath,
                         const vpath *spath, const char *keyword) {
  render(where, ipath);
  if (!ipath)
    iatk__buf_puts(where, "the root");
  iatk__buf_puts(where, " (schema ");
  iatk__buf_puts(where, c->v->root_pointer);
  render(where, spath);
  if (keyword)
    iatk__buf_printf(where, "/%s", keyword);
  iatk__buf_putc(where, ')');
}

/* Where a check failed (into *where, which the caller releases) and what
 * the keyword said (into detail). */
static void describe(vctx *c, const vpath *ipath, const vpath *spath,
                     const char *keyword, iatk_buf *where, char *detail,
                     size_t size, const char *fmt, va_list ap) {
  iatk__buf_init(where);
  render_where(where, c, ipath, spath, keyword);
  vsnprintf(detail, size, fmt, ap);
}

int iatk__v_fail(vctx *c, const vpath *ipath, const vpath *spath,
                 const char *keyword, const char *fmt, ...) {
  if (c->quiet || !c->err || c->err->code)
    return 0;
  iatk_buf where;
  char detail[700];
  va_list ap;
  va_start(ap, fmt);
  describe(c, ipath, spath, keyword, &where, detail, sizeof detail, fmt, ap);
  va_end(ap);
  iatk__fail_at(c->err, IATK_EINVALID, where.data,
                "event is invalid at %s: '%s' failed: %s", where.data, keyword,
                detail);
  iatk__buf_release(&where);
  return 0;
}

/* Recorded even when quiet: a halt is an error of the validation, not a
 * failure of the branch being tried. */
int iatk__v_halt(vctx *c, int code, const vpath *ipath, const vpath *spath,
                 const char *keyword, const char *fmt, ...) {
  if (c->halted)
    return 0;
  c->halted = code;
  iatk_buf where;
  char detail[700];
  va_list ap;
  va_start(ap, fmt);
  describe(c, ipath, spath, keyword, &where, detail, sizeof detail, fmt, ap);
  va_end(ap);
  /* The cause first: a deep location may fill the message. */
  iatk__fail_at(&c->halt, code, where.data,
                "cannot validate the event: %s, at %s", detail, where.data);
  iatk__buf_release(&where);
  return 0;
}

/* ------------------------------------------------------------ equality */

/* JSON equality where 1 and 1.0 are the same number. */
int iatk__v_json_equal(const json_t *a, const json_t *b) {
  if (json_is_number(a) && json_is_number(b))
    return json_number_value(a) == json_number_value(b);
  if (json_typeof(a) != json_typeof(b))
    return 0;
  if (json_is_array(a)) {
    if (json_array_size(a) != json_array_size(b))
      return 0;
    for (size_t i = 0; i < json_array_size(a); i++)
      if (!iatk__v_json_equal(json_array_get(a, i), json_array_get(b, i)))
        return 0;
    return 1;
  }
  if (json_is_object(a)) {
    if (json_object_size(a) != json_object_size(b))
      return 0;
    const char *key;
    size_t key_len;
    json_t *value;
    json_object_keylen_foreach((json_t *)a, key, key_len, value) {
      json_t *other = json_object_getn(b, key, key_len);
      if (!other || !iatk__v_json_equal(value, other))
        return 0;
    }
    return 1;
  }
  return json_equal((json_t *)a, (json_t *)b);
}

/* ------------------------------------------------------ evaluated sets */

void iatk__evaluated_init(evaluated *e) { memset(e, 0, sizeof *e); }

void iatk__evaluated_release(evaluated *e) {
  json_decref(e->props);
  free(e->marked);
  iatk__evaluated_init(e);
}

static void merge_marks(evaluated *into, const evaluated *from) {
  if (from->marked_len > into->marked_len) {
    unsigned char *m = realloc(into->marked, from->marked_len);
    if (!m) { /* without memory, err on the side of "evaluated" */
      into->all_items = 1;
      return;
    }
    memset(m + into->marked_len, 0, from->marked_len - into->marked_len);
    into->marked = m;
    into->marked_len = from->marked_len;
  }
  for (size_t i = 0; i < from->marked_len; i++)
    into->marked[i] |= from->marked[i];
}

void iatk__evaluated_merge(evaluated *into, const evaluated *from) {
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
  if (from->marked_len)
    merge_marks(into, from);
}

/* ------------------------------------------------------------ references */

int iatk__validator_judges_alike(const iatk_validator *a,
                                 const iatk_validator *b) {
  return a && b && a->doc == b->doc && a->dialect == b->dialect &&
         a->root == b->root && a->budget_base == b->budget_base &&
         a->budget_per_value == b->budget_per_value;
}

const char *iatk__validator_base_of(const iatk_validator *v,
                                    const json_t *holder) {
  int i = iatk__ptrmap_get(&v->noted_bases, holder);
  return i >= 0 ? iatk_strlist_get(v->noted_uris, (size_t)i)
                : iatk__id_index_base_of(v->ids, holder);
}

uint64_t iatk__v_new_serial(void) {
  static _Atomic uint64_t serials;
  return atomic_fetch_add(&serials, 1) + 1;
}

int iatk__validator_note_base(iatk_validator *v, const json_t *holder,
                              const char *base) {
  if (!*base)
    return IATK_OK;
  v->serial = iatk__v_new_serial();
  if (!v->noted_uris && !(v->noted_uris = iatk__strlist_new()))
    return IATK_ENOMEM;
  size_t i = iatk_strlist_count(v->noted_uris);
  if (iatk__strlist_push(v->noted_uris, base) != IATK_OK)
    return IATK_ENOMEM;
  return iatk__ptrmap_put(&v->noted_bases, holder, (int)i);
}

const json_t *iatk__v_resolve(vctx *c, const json_t *holder, const char *ref,
                              const char **new_base, char **owned_base) {
  char *uri = iatk__uri_join(iatk__validator_base_of(c->v, holder), ref);
  const json_t *target = uri ? iatk__id_index_lookup(c->v->ids, uri) : NULL;
  if (uri) {
    uri[strcspn(uri, "#")] = '\0';
    *owned_base = uri;
    *new_base = uri;
  }
  return target;
}

int iatk__v_apply_in(vctx *c, const json_t *target, const char *base,
                     const json_t *inst, const vpath *ipath, const vpath *spath,
                     evaluated *ev) {
  const char *outer = c->base;
  const vscope *scope = c->scope;
  vscope entered = {scope, base};
  if (strcmp(base, outer) != 0)
    c->scope = &entered; /* following a reference into another resource */
  c->base = base;
  int ok = iatk__v_apply(c, target, inst, ipath, spath, ev);
  c->base = outer;
  c->scope = scope;
  return ok;
}

int iatk__v_apply_ref(vctx *c, const json_t *s, const json_t *inst,
                      const vpath *ipath, const vpath *spath, evaluated *ev) {
  const char *ref = json_string_value(json_object_get(s, "$ref"));
  if (!ref)
    return 1; /* a "$ref" that is not a string is not a reference */
  const char *new_base = c->base;
  char *owned = NULL;
  const json_t *target = iatk__v_resolve(c, s, ref, &new_base, &owned);
  int ok;
  if (!target) {
    ok = iatk__v_halt(c, IATK_EREF, ipath, spath, "$ref",
                      "'%s' does not resolve (references resolve within the "
                      "document only)",
                      ref);
  } else {
    vpath here = {spath, "$ref", 0};
    ok = iatk__v_apply_in(c, target, new_base, inst, ipath, &here, ev);
  }
  free(owned);
  return ok;
}

/* Whether `$ref` replaces its siblings (draft-07 and before, OpenAPI 3.0). */
static int ref_overrides(const vctx *c) {
  return c->v->dialect != DIALECT_2019 && c->v->dialect != DIALECT_2020;
}

/* A schema with an id starts a resource: its URI becomes the base, and the
 * dynamic scope's innermost entry while it is applied.  The URI is the
 * one the id has where it stands, however evaluation got there. */
static int enter_resource(vctx *c, const json_t *s, char **owned,
                          vscope *node) {
  const char *id = iatk__id_index_id_of(c->v->ids, s);
  if (!id || id[0] == '#')
    return 0;
  const char *uri = iatk__id_index_resource_uri(c->v->ids, s);
  if (!uri) { /* a schema made outside the document */
    if (!(*owned = iatk__uri_join(c->base ? c->base : "", id)))
      return 0;
    (*owned)[strcspn(*owned, "#")] = '\0';
    uri = *owned;
  }
  c->base = uri;
  *node = (vscope){c->scope, uri};
  c->scope = node;
  return 1;
}

static int v_apply_object(vctx *c, const json_t *schema, const json_t *inst,
                          const vpath *ipath, const vpath *spath,
                          evaluated *ev) {
  const char *base = c->base;
  const vscope *scope = c->scope;
  char *owned = NULL;
  vscope node;
  enter_resource(c, schema, &owned, &node);
  c->depth++;
  int ok;
  if (json_object_get(schema, "$ref") && ref_overrides(c))
    ok = iatk__v_apply_ref(c, schema, inst, ipath, spath, ev);
  else
    ok = iatk__v_keywords(c, schema, inst, ipath, spath, ev);
  c->depth--;
  c->scope = scope;
  c->base = base;
  free(owned);
  return ok;
}

/* Every schema application passes here, so it is where work is counted:
 * a schema whose applicators multiply (allOf of allOf of the same $ref…)
 * stops at the budget instead of running for hours. */
int iatk__v_apply(vctx *c, const json_t *schema, const json_t *inst,
                  const vpath *ipath, const vpath *spath, evaluated *ev) {
  if (c->halted)
    return 0;
  if (++c->steps > c->budget)
    return iatk__v_halt(c, IATK_ELIMIT, ipath, spath, NULL,
                        "it takes more than %" PRIu64
                        " schema evaluations (the "
                        "validator's work limit for this event)",
                        c->budget);
  if (json_is_true(schema) ||
      (!json_is_object(schema) && !json_is_false(schema)))
    return 1;
  if (json_is_false(schema))
    return iatk__v_fail(c, ipath, spath, "false",
                        "the schema false allows nothing");
  if (c->depth >= MAX_VALIDATE_DEPTH)
    return iatk__v_halt(c, IATK_ELIMIT, ipath, spath, NULL,
                        "schemas and references nest deeper than %d levels",
                        MAX_VALIDATE_DEPTH);
  return v_apply_object(c, schema, inst, ipath, spath, ev);
}

/* ------------------------------------------------------------ public API */

static int locate_root(iatk_validator *v, char *pointer, iatk_error *err) {
  v->root_pointer = pointer;
  v->root = pointer ? iatk__id_index_lookup(v->ids, pointer) : NULL;
  if (!v->root)
    return iatk__fail(err, IATK_ENOEVENT, "event_ref %s not found",
                      pointer ? pointer : "");
  return IATK_OK;
}

/* Takes `pointer` (freed on failure). */
static iatk_validator *create(json_t *doc, id_index *ids, dialect d,
                              char *pointer, int borrow, iatk_error *err) {
  iatk_validator *v = pointer ? calloc(1, sizeof *v) : NULL;
  if (!v || !(v->regexes = iatk__regex_cache_new())) {
    free(v);
    free(pointer);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  v->borrowed = borrow;
  v->doc = borrow ? doc : json_incref(doc);
  v->ids = borrow ? ids : iatk__id_index_ref(ids);
  v->dialect = iatk__schema_validation_dialect(d);
  iatk__validator_set_budget(v, 0, 0);
  if (locate_root(v, pointer, err) != IATK_OK) {
    if (!v->root_pointer)
      free(pointer);
    iatk_validator_free(v);
    return NULL;
  }
  return v;
}

iatk_validator *iatk__validator_create(json_t *doc, id_index *ids, dialect d,
                                       const char *pointer, iatk_error *err) {
  return create(doc, ids, d, strdup(pointer), 0, err);
}

iatk_validator *iatk__validator_borrow(json_t *doc, id_index *ids, dialect d,
                                       const char *pointer, iatk_error *err) {
  return create(doc, ids, d, strdup(pointer), 1, err);
}

iatk_validator *iatk_validator_new(const iatk_schema *schema,
                                   const char *event_ref, iatk_error *err) {
  if (!schema) {
    iatk__fail(err, IATK_EINVAL, "no schema given");
    return NULL;
  }
  char *pointer = iatk__schema_event_pointer(schema, event_ref, err);
  if (!pointer)
    return NULL;
  json_t *doc = (json_t *)iatk_schema_document(schema);
  return create(doc, schema->ids, schema->dialect, pointer, 0, err);
}

void iatk_validator_free(iatk_validator *v) {
  if (!v)
    return;
  free(v->root_pointer);
  iatk__regex_cache_free(v->regexes);
  iatk__ptrmap_release(&v->noted_bases);
  iatk_strlist_free(v->noted_uris);
  if (!v->borrowed) {
    json_decref(v->doc);
    iatk__id_index_unref(v->ids);
  }
  free(v);
}

void iatk__validator_set_budget(iatk_validator *v, uint64_t base,
                                uint64_t per_value) {
  if (base == 0 && per_value == 0) {
    base = DEFAULT_BUDGET_BASE;
    per_value = DEFAULT_BUDGET_PER_VALUE;
  }
  v->budget_base = base;
  v->budget_per_value = per_value;
  v->serial = iatk__v_new_serial();
}

/* Values in the instance (as deep as validation can go): work legitimately
 * grows with the event, while the blow-ups the budget is for do not. */
static uint64_t count_values(const json_t *inst, int depth) {
  uint64_t n = 1;
  const char *key;
  json_t *child;
  size_t i;
  if (depth >= MAX_VALIDATE_DEPTH)
    return n;
  if (json_is_object(inst))
    json_object_foreach((json_t *)inst, key, child) n +=
        count_values(child, depth + 1);
  else if (json_is_array(inst))
    json_array_foreach(inst, i, child) n += count_values(child, depth + 1);
  return n;
}

/* One validation of `inst` against `schema`: IATK_OK, IATK_EINVALID (with
 * the first failure in `detail` unless NULL), or the halt's code in err. */
static int run(iatk_validator *v, const json_t *schema, const json_t *inst,
               const iatk_wide_ints *wide, vtrace *trace, iatk_error *detail,
               iatk_error *err) {
  vscope outermost = {NULL, ""}; /* the document's own resource */
  vctx c = {.v = v,
            .err = detail,
            .quiet = !detail,
            .base = "",
            .scope = &outermost,
            .wide = wide,
            .trace = trace};
  uint64_t values = count_values(inst, 0);
  c.budget =
      v->budget_base + (values > UINT64_MAX / 2 / (v->budget_per_value + 1)
                            ? UINT64_MAX / 2
                            : values * v->budget_per_value);
  int ok = schema && iatk__v_apply(&c, schema, inst, NULL, NULL, NULL);
  if (c.halted) {
    if (err && !err->code)
      *err = c.halt;
    return c.halted;
  }
  return ok ? IATK_OK : IATK_EINVALID;
}

int iatk__validator_judge(iatk_validator *v, const json_t *schema,
                          const json_t *inst, iatk_error *err) {
  return run(v, schema, inst, NULL, NULL, NULL, err);
}

int iatk__validator_check_schema(iatk_validator *v, const json_t *schema,
                                 const json_t *inst) {
  return iatk__validator_judge(v, schema, inst, NULL) == IATK_OK;
}

int iatk__validator_check_at(iatk_validator *v, const char *pointer,
                             const json_t *inst) {
  return iatk__validator_check_schema(v, iatk__id_index_lookup(v->ids, pointer),
                                      inst);
}

static int validate_event(iatk_validator *v, const json_t *event,
                          const iatk_wide_ints *wide, vtrace *trace,
                          iatk_error *err) {
  iatk_error local;
  iatk_error_clear(&local);
  int rc = run(v, v->root, event, wide, trace, &local, err);
  if (rc != IATK_EINVALID)
    return rc;
  if (!local.code)
    iatk__fail(&local, IATK_EINVALID, "event is invalid");
  if (err && !err->code)
    *err = local;
  return IATK_EINVALID;
}

int iatk_validate(iatk_validator *v, const json_t *event, iatk_error *err) {
  if (!v || !event)
    return iatk__fail(err, IATK_EINVAL, "no validator or event given");
  return validate_event(v, event, NULL, NULL, err);
}

int iatk__v_validate_text(iatk_validator *v, const char *text, size_t len,
                          const json_t *given, vtrace *trace, iatk_error *err) {
  if (!v)
    return iatk__fail(err, IATK_EINVAL, "no validator given");
  json_error_t jerr;
  iatk_wide_ints wide = {0};
  json_t *event = given || !text ? NULL
                                 : iatk__json_read(text, len, JSON_DECODE_ANY,
                                                   &jerr, &wide);
  const json_t *doc = given ? given : event;
  int rc;
  if (!doc) {
    rc = iatk__fail_at(err, IATK_EJSON, "<event>",
                       "event is not valid JSON: %d:%d: %s",
                       text ? jerr.line : 0, text ? jerr.column : 0,
                       text ? jerr.text : "no text");
  } else {
    if (trace && !iatk__v_trace_begin(trace, text, len, doc))
      trace = NULL;
    rc = validate_event(v, doc, &wide, trace, err);
  }
  json_decref(event);
  iatk__wide_ints_release(&wide);
  return rc;
}

int iatk_validate_text(iatk_validator *v, const char *text, size_t len,
                       iatk_error *err) {
  return iatk__v_validate_text(v, text, len, NULL, NULL, err);
}
