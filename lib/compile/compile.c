/* Compiling one schema object into a plan node.  All lookups, $ref
 * resolution and allOf merging happen here so generation does none. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex/regex.h"
#include "compile/compile_internal.h"
#include "document/keywords.h"
#include "validate/validator.h"

#define NODE(c, i) (&(c)->plan->nodes[(i)])
#define MAX_MIN_ITEMS 1000000
#define MAX_MIN_LENGTH (16 * 1024 * 1024)

int iatk__compile_oom(compile_ctx *c) {
  if (c->plan->count >= PLAN_MAX_NODES)
    return iatk__fail(c->err, IATK_ELIMIT,
                      "the schema compiles to more than %d nodes (alternatives "
                      "inside alternatives multiply)",
                      PLAN_MAX_NODES);
  return iatk__fail(c->err, IATK_ENOMEM, "out of memory compiling the schema");
}

/* --------------------------------------------------------------- types */

static int add_type(plan_node *n, unsigned bit) {
  if (n->types & bit)
    return 0;
  n->types |= bit;
  n->type_order[n->type_count++] = (uint8_t)__builtin_ctz(bit);
  return 0;
}

static int read_type_name(compile_ctx *c, int idx, const json_t *name) {
  unsigned bit =
      json_is_string(name) ? iatk__plan_type_bit(json_string_value(name)) : 0;
  if (!bit)
    return iatk__fail_at(
        c->err, IATK_EUNSUPPORTED, NODE(c, idx)->pointer,
        "unsupported type %s%s%s at %s (expected null, boolean, "
        "integer, number, string, array or object)",
        json_is_string(name) ? "'" : "",
        json_is_string(name) ? json_string_value(name) : "value",
        json_is_string(name) ? "'" : "", NODE(c, idx)->pointer);
  add_type(NODE(c, idx), bit);
  return IATK_OK;
}

/* With no `type`, every type is allowed; the preferred order puts the type
 * the other keywords hint at first, so barebone output looks intended. */
static void infer_types(compile_ctx *c, plan_node *n, const json_t *s) {
  static const char *object_hints[] = {"properties", "required",
                                       "additionalProperties", NULL};
  static const char *array_hints[] = {"items", "minItems", "maxItems", NULL};
  static const char *string_hints[] = {"minLength", "maxLength", "pattern",
                                       "format", NULL};
  static const char *number_hints[] = {"minimum", "maximum", "multipleOf",
                                       NULL};
  static const char **hints[] = {object_hints, array_hints, string_hints,
                                 number_hints};
  static const unsigned bits[] = {JT_OBJECT, JT_ARRAY, JT_STRING, JT_NUMBER};
  unsigned allowed = JT_ANY;
  if (c->plan->openapi && !json_is_true(json_object_get(s, "nullable")))
    allowed &= ~(unsigned)JT_NULL; /* OpenAPI 3.0: null needs nullable */
  n->types = 0;
  for (int h = 0; h < 4; h++)
    for (const char **k = hints[h]; *k; k++)
      if (json_object_get(s, *k))
        add_type(n, bits[h]);
  static const unsigned fallback[] = {JT_NULL,   JT_OBJECT,  JT_STRING,
                                      JT_NUMBER, JT_INTEGER, JT_BOOLEAN,
                                      JT_ARRAY};
  for (int i = 0; i < JT_COUNT; i++)
    if (allowed & fallback[i])
      add_type(n, fallback[i]);
}

static int read_types(compile_ctx *c, int idx, const json_t *s) {
  const json_t *type = json_object_get(s, "type");
  if (!type) {
    infer_types(c, NODE(c, idx), s);
    return IATK_OK;
  }
  NODE(c, idx)->types = 0;
  if (json_is_array(type)) {
    size_t i;
    json_t *name;
    json_array_foreach(type, i, name) if (read_type_name(c, idx, name) !=
                                          IATK_OK) return c->err
        ? c->err->code
        : IATK_EUNSUPPORTED;
    if (json_array_size(type) == 0)
      iatk__compile_forbid(NODE(c, idx), JT_ANY, "its type list is empty");
  } else if (read_type_name(c, idx, type) != IATK_OK) {
    return c->err ? c->err->code : IATK_EUNSUPPORTED;
  }
  if (c->plan->openapi && json_is_true(json_object_get(s, "nullable")))
    add_type(NODE(c, idx), JT_NULL); /* an OpenAPI keyword, not JSON Schema's */
  return IATK_OK;
}

/* ------------------------------------------------------- const and enum */

static int value_has_type(const json_t *v, unsigned types) {
  switch (json_typeof(v)) {
  case JSON_NULL: return (types & JT_NULL) != 0;
  case JSON_TRUE:
  case JSON_FALSE: return (types & JT_BOOLEAN) != 0;
  case JSON_STRING: return (types & JT_STRING) != 0;
  case JSON_ARRAY: return (types & JT_ARRAY) != 0;
  case JSON_OBJECT: return (types & JT_OBJECT) != 0;
  case JSON_INTEGER: return (types & (JT_INTEGER | JT_NUMBER)) != 0;
  case JSON_REAL: {
    double d = json_real_value(v);
    return (types & JT_NUMBER) || ((types & JT_INTEGER) && d == floor(d));
  }
  }
  return 0;
}

static char *dump_compact(const json_t *v) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__json_write(&b, v);
  if (!b.failed)
    return iatk__buf_steal(&b);
  iatk__buf_release(&b);
  return NULL;
}

static int read_const(compile_ctx *c, int idx, const json_t *s) {
  const json_t *value = json_object_get(s, "const");
  if (!value)
    return IATK_OK;
  plan_node *n = NODE(c, idx);
  if (!value_has_type(value, n->types)) {
    iatk__compile_forbid(n, JT_ANY, "its const contradicts its type");
    return IATK_OK;
  }
  return (n->const_text = dump_compact(value)) ? IATK_OK : iatk__compile_oom(c);
}

/* Keeps the enum values the type allows; barebone uses the first. */
static int read_enum(compile_ctx *c, int idx, const json_t *s) {
  const json_t *values = json_object_get(s, "enum");
  if (!json_is_array(values))
    return IATK_OK;
  plan_node *n = NODE(c, idx);
  json_t *kept = json_array();
  size_t i;
  json_t *v;
  json_array_foreach(values, i, v) if (value_has_type(v, n->types))
      json_array_append(kept, v);
  n->enum_values = kept;
  if (json_array_size(kept) == 0)
    iatk__compile_forbid(n, JT_ANY, "its enum has no value its type allows");
  return IATK_OK;
}

/* Schemas' examples and defaults are often wrong; sample mode uses only
 * those the validator accepts for this very schema. */
/* Judged against the schema object being compiled (after allOf merging,
 * so every member's constraints count), not a pointer into the document. */
static int sample_is_valid(compile_ctx *c, const json_t *s,
                           const json_t *sample) {
  iatk_validator *index = iatk__compile_samples_validator(c);
  return index && iatk__validator_check_schema(index, s, sample);
}

static void keep_valid(compile_ctx *c, const json_t *s, json_t *samples,
                       const json_t *v) {
  if (v && sample_is_valid(c, s, v))
    json_array_append(samples, (json_t *)v);
}

static void read_samples(compile_ctx *c, int idx, const json_t *s) {
  json_t *samples = json_array();
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(s, "examples"), i, v)
      keep_valid(c, s, samples, v);
  keep_valid(c, s, samples, json_object_get(s, "example"));
  keep_valid(c, s, samples, json_object_get(s, "default"));
  NODE(c, idx)->samples = samples;
}

/* ---------------------------------------------------- numbers and sizes */

void iatk__compile_forbid(plan_node *n, unsigned types, const char *reason) {
  if (!(n->types & types) && n->types)
    return; /* it did not allow those types anyway */
  n->types &= ~types;
  if (!n->unsat_reason)
    n->unsat_reason = strdup(reason);
}

/* iatk__compile_forbid() with a reason naming two numbers. */
static void forbid2(plan_node *n, unsigned types, const char *fmt, double a,
                    double b) {
  char reason[200];
  snprintf(reason, sizeof reason, fmt, a, b);
  iatk__compile_forbid(n, types, reason);
}

/* Whether some multiple of multipleOf lies within the (real) bounds. */
static int has_multiple_in_range(const plan_node *n) {
  if (!n->num.has_minimum || !n->num.has_maximum)
    return 1;
  double m = n->num.multiple_of, k = ceil(n->num.minimum / m) * m;
  if (n->num.exclusive_minimum && k <= n->num.minimum)
    k += m;
  return n->num.exclusive_maximum ? k < n->num.maximum : k <= n->num.maximum;
}

/* Empty numeric ranges are contradictions to report, not values to clamp. */
static void check_numeric_range(plan_node *n) {
  unsigned numbers = JT_NUMBER | JT_INTEGER;
  if (n->num.has_minimum && n->num.has_maximum &&
      (n->num.minimum > n->num.maximum ||
       (n->num.minimum == n->num.maximum &&
        (n->num.exclusive_minimum || n->num.exclusive_maximum))))
    forbid2(n, numbers,
            "minimum %g and maximum %g leave no number between them",
            n->num.minimum, n->num.maximum);
  double lo = n->num.has_minimum
                  ? (n->num.exclusive_minimum ? floor(n->num.minimum) + 1
                                              : ceil(n->num.minimum))
                  : -INFINITY;
  double hi = n->num.has_maximum
                  ? (n->num.exclusive_maximum ? ceil(n->num.maximum) - 1
                                              : floor(n->num.maximum))
                  : INFINITY;
  if (lo > hi)
    forbid2(n, JT_INTEGER, "no integer lies between %g and %g", n->num.minimum,
            n->num.maximum);
  if (n->num.multiple_of > 0 && !has_multiple_in_range(n))
    forbid2(n, numbers,
            "no multiple of %g lies between the bounds (maximum %g)",
            n->num.multiple_of, n->num.maximum);
}

/* `not` with a schema that accepts everything, or only a type list, is
 * decided here; anything subtler is left to the generator's self-check. */
static void read_not(plan_node *n, const json_t *s) {
  const json_t *not = json_object_get(s, "not");
  if (json_is_true(not ) ||
      (json_is_object(not ) && json_object_size(not ) == 0)) {
    iatk__compile_forbid(n, JT_ANY, "'not' forbids every value");
    return;
  }
  const json_t *type = json_object_get(not, "type");
  if (!type || json_object_size(not ) != 1)
    return;
  size_t i;
  json_t *name;
  unsigned bits = 0;
  if (json_is_string(type))
    bits = iatk__plan_type_bit(json_string_value(type));
  json_array_foreach(type, i, name) bits |=
      iatk__plan_type_bit(json_string_value(name));
  if (bits & JT_NUMBER)
    bits |= JT_INTEGER; /* every integer is a number */
  n->types &= ~bits;
  if (!n->types && !n->unsat_reason)
    n->unsat_reason = strdup("'not' forbids every type the schema allows");
}

static int64_t read_count(const json_t *s, const char *key, int64_t fallback) {
  const json_t *v = json_object_get(s, key);
  if (!json_is_number(v))
    return fallback;
  double d = json_number_value(v);
  if (d < 0)
    return 0;
  return d > 1e15 ? (int64_t)1e15 : (int64_t)ceil(d);
}

static void read_bound(const json_t *s, const char *key, const char *excl_key,
                       int *has, double *value, int *exclusive) {
  const json_t *v = json_object_get(s, key);
  const json_t *excl = json_object_get(s, excl_key);
  if (json_is_number(v)) {
    *has = 1;
    *value = json_number_value(v);
    *exclusive = json_is_true(excl); /* draft-04 boolean form */
  }
  if (json_is_number(excl)) { /* draft-06+ numeric form */
    double e = json_number_value(excl);
    int tighter =
        !*has || (strcmp(key, "minimum") == 0 ? e >= *value : e <= *value);
    if (tighter) {
      *has = 1;
      *value = e;
      *exclusive = 1;
    }
  }
}

/* An event must fit in memory: refuse minimums no event could honour. */
static int check_size_limits(compile_ctx *c, const plan_node *n) {
  if (n->arr.min_items > MAX_MIN_ITEMS)
    return iatk__fail_at(c->err, IATK_ELIMIT, n->pointer,
                         "minItems %lld at %s is above the limit of %d",
                         (long long)n->arr.min_items, n->pointer,
                         MAX_MIN_ITEMS);
  if (n->obj.min_properties > MAX_MIN_ITEMS)
    return iatk__fail_at(c->err, IATK_ELIMIT, n->pointer,
                         "minProperties %lld at %s is above the limit of %d",
                         (long long)n->obj.min_properties, n->pointer,
                         MAX_MIN_ITEMS);
  if (n->str.min_length > MAX_MIN_LENGTH)
    return iatk__fail_at(c->err, IATK_ELIMIT, n->pointer,
                         "minLength %lld at %s is above the limit of %d",
                         (long long)n->str.min_length, n->pointer,
                         MAX_MIN_LENGTH);
  return IATK_OK;
}

/* Size keywords must be non-negative integers (1.0 counts). */
static int check_size_keywords(compile_ctx *c, int idx, const json_t *s) {
  static const char *keys[] = {"minItems",    "maxItems",      "minLength",
                               "maxLength",   "minProperties", "maxProperties",
                               "minContains", "maxContains",   NULL};
  for (const char **k = keys; *k; k++) {
    const json_t *v = json_object_get(s, *k);
    double d = json_number_value(v);
    if (v && (!json_is_number(v) || d < 0 || d != floor(d)))
      return iatk__fail_at(c->err, IATK_ESCHEMA, NODE(c, idx)->pointer,
                           "%s at %s must be a non-negative integer", *k,
                           NODE(c, idx)->pointer);
  }
  const json_t *m = json_object_get(s, "multipleOf");
  if (m && (!json_is_number(m) || json_number_value(m) <= 0))
    return iatk__fail_at(c->err, IATK_ESCHEMA, NODE(c, idx)->pointer,
                         "multipleOf at %s must be a number greater than 0",
                         NODE(c, idx)->pointer);
  return IATK_OK;
}

static int read_sizes(compile_ctx *c, int idx, const json_t *s) {
  if (check_size_keywords(c, idx, s) != IATK_OK)
    return iatk__error_code(c->err, IATK_ESCHEMA);
  plan_node *n = NODE(c, idx);
  n->arr.min_items = read_count(s, "minItems", 0);
  n->arr.max_items = read_count(s, "maxItems", -1);
  n->str.min_length = read_count(s, "minLength", 0);
  n->str.max_length = read_count(s, "maxLength", -1);
  n->obj.min_properties = read_count(s, "minProperties", 0);
  n->obj.max_properties = read_count(s, "maxProperties", -1);
  if (check_size_limits(c, n) != IATK_OK)
    return c->err ? c->err->code : IATK_ELIMIT;
  read_bound(s, "minimum", "exclusiveMinimum", &n->num.has_minimum,
             &n->num.minimum, &n->num.exclusive_minimum);
  read_bound(s, "maximum", "exclusiveMaximum", &n->num.has_maximum,
             &n->num.maximum, &n->num.exclusive_maximum);
  const json_t *mult = json_object_get(s, "multipleOf");
  if (json_is_number(mult) && json_number_value(mult) > 0)
    n->num.multiple_of = json_number_value(mult);
  if (n->arr.max_items >= 0 && n->arr.min_items > n->arr.max_items)
    forbid2(n, JT_ARRAY, "minItems %g is above maxItems %g",
            (double)n->arr.min_items, (double)n->arr.max_items);
  if (n->str.max_length >= 0 && n->str.min_length > n->str.max_length)
    forbid2(n, JT_STRING, "minLength %g is above maxLength %g",
            (double)n->str.min_length, (double)n->str.max_length);
  check_numeric_range(n);
  read_not(n, s);
  return IATK_OK;
}

/* A pattern must compile (with the options the validator uses); the
 * generator program is optional: without it the self-check decides. */
static int read_pattern(compile_ctx *c, int idx, const json_t *s) {
  const json_t *value = json_object_get(s, "pattern");
  const char *pattern = json_string_value(value);
  if (!pattern)
    return IATK_OK;
  size_t len = json_string_length(value); /* "\u0000" does not end it */
  int code;
  size_t offset;
  pcre2_code *re = iatk__regex_compile(pattern, len, &code, &offset);
  if (!re && code == PCRE2_ERROR_NOMEMORY)
    return iatk__compile_oom(c);
  if (!re) {
    PCRE2_UCHAR why[200];
    pcre2_get_error_message(code, why, sizeof why);
    return iatk__fail_at(
        c->err, IATK_ESCHEMA, NODE(c, idx)->pointer,
        "pattern /%s/ at %s is not a valid regular expression: "
        "%s at offset %zu",
        pattern, NODE(c, idx)->pointer, (const char *)why, (size_t)offset);
  }
  pcre2_code_free(re);
  plan_node *n = NODE(c, idx);
  n->str.pattern = malloc(len + 1);
  if (!n->str.pattern)
    return iatk__compile_oom(c);
  memcpy(n->str.pattern, pattern, len + 1);
  n->str.pattern_len = len;
  n->str.pattern_is_own = 1;
  n->str.rx = iatk__rx_parse_n(pattern, len);
  return IATK_OK;
}

/* OpenAPI int32/int64: the integer's range is part of its format. */
static void clamp_to_format(plan_node *n) {
  double lo =
      n->str.format == FMT_INT32 ? -2147483648.0 : -9223372036854775808.0;
  double hi = n->str.format == FMT_INT32 ? 2147483647.0 : 9223372036854774784.0;
  if (!n->num.has_minimum || n->num.minimum < lo) {
    n->num.has_minimum = 1;
    n->num.minimum = lo;
    n->num.exclusive_minimum = 0;
  }
  if (!n->num.has_maximum || n->num.maximum > hi) {
    n->num.has_maximum = 1;
    n->num.maximum = hi;
    n->num.exclusive_maximum = 0;
  }
}

/* A format without a pattern generates from the format's own template. */
static int read_format(compile_ctx *c, int idx, const json_t *s) {
  const char *format = json_string_value(json_object_get(s, "format"));
  plan_node *n = NODE(c, idx);
  n->str.format = format ? iatk__plan_format_parse(format) : FMT_NONE;
  if ((n->str.format == FMT_INT32 || n->str.format == FMT_INT64) &&
      c->plan->openapi_formats)
    clamp_to_format(n); /* an OpenAPI format; JSON Schema does not define it */
  const char *template = iatk__plan_format_pattern(n->str.format);
  if (n->str.pattern || !template)
    return IATK_OK;
  n->str.pattern = strdup(template);
  n->str.pattern_len = strlen(template);
  n->str.rx = iatk__rx_parse(template);
  return n->str.pattern && n->str.rx ? IATK_OK : iatk__compile_oom(c);
}

/* ------------------------------------------------------ sub-schemas */

int iatk__compile_child(compile_ctx *c, const json_t *sub, const char *base,
                        const char *key) {
  char *pointer = iatk__pointer_append(base, key);
  if (!pointer)
    return iatk__compile_oom(c), -1;
  return iatk__compile_node(c, sub, pointer);
}

/* ------------------------------------------------- guaranteed keywords */

/* Keywords whose every constraint generation honours by construction are
 * KW_GENERATED in document/keywords.h.  A schema using anything else is
 * still generated, but each event is checked by the validator and
 * regenerated when it fails (see gen/generate.c). */
static int needs_check(const json_t *s) {
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)s, key,
                      value) if (!iatk__schema_keyword_generated(key)) return 1;
  /* literal values and format samples are not matched against bounds */
  int literal = json_object_get(s, "enum") || json_object_get(s, "const") ||
                json_object_get(s, "format");
  int bounded =
      json_object_get(s, "minLength") || json_object_get(s, "maxLength") ||
      json_object_get(s, "minimum") || json_object_get(s, "maximum") ||
      json_object_get(s, "exclusiveMinimum") ||
      json_object_get(s, "exclusiveMaximum") ||
      json_object_get(s, "minItems") || json_object_get(s, "maxItems");
  return literal && bounded;
}

/* ----------------------------------------------------------- driver */

static int read_keywords(compile_ctx *c, int idx, const json_t *s) {
  c->plan->needs_check |= needs_check(s);
  int rc = read_types(c, idx, s);
  if (rc == IATK_OK)
    rc = read_sizes(c, idx, s);
  if (rc == IATK_OK)
    rc = read_const(c, idx, s);
  if (rc == IATK_OK)
    rc = read_enum(c, idx, s);
  if (rc != IATK_OK)
    return rc;
  if ((rc = read_pattern(c, idx, s)) != IATK_OK)
    return rc;
  if ((rc = read_format(c, idx, s)) != IATK_OK)
    return rc;
  read_samples(c, idx, s);
  if ((rc = iatk__read_object_keywords(c, idx, s)) != IATK_OK ||
      (rc = iatk__read_array_keywords(c, idx, s)) != IATK_OK)
    return rc;
  return iatk__read_variant_keywords(c, idx, s);
}

static int compile_boolean(compile_ctx *c, const json_t *s, char *pointer) {
  int idx = iatk__plan_add_node(c->plan, pointer);
  if (idx < 0) {
    free(pointer);
    return iatk__compile_oom(c), -1;
  }
  iatk__ptrmap_put(&c->memo, s, idx);
  if (json_is_false(s)) {
    NODE(c, idx)->types = 0;
    NODE(c, idx)->unsat_reason = strdup("the schema is false");
  } else
    infer_types(c, NODE(c, idx), s);
  return idx;
}

/* Compiles `s` into a node memoised under `key`: the schema object itself,
 * or the original of a rewritten form, so references to it still meet. */
/* allOf members that contradict each other make this node admit nothing
 * (NULL with *why set); other failures stay errors (NULL, why empty). */
static const json_t *merge_or_explain(compile_ctx *c, const json_t *s,
                                      const char *pointer, iatk_error *why) {
  iatk_error *outer = c->err;
  iatk_error_clear(why);
  c->err = why;
  const json_t *merged = iatk__merge_all_of(c, s, pointer);
  c->err = outer;
  if (merged || why->code == IATK_EUNSAT)
    return merged;
  if (outer && !outer->code)
    *outer = *why;
  iatk_error_clear(why);
  return NULL;
}

/* `s` without the keywords its dialect does not have (draft-04 has no
 * const, draft-07 no dependentSchemas...): they are annotations there, as
 * the validator treats them.  Owned by the context when copied. */
static const json_t *dialect_keywords(compile_ctx *c, const json_t *s) {
  if (!iatk__schema_has_inactive_keyword(c->plan->dialect, s))
    return s;
  json_t *copy = json_object();
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)s, key, value) if (iatk__schema_keyword_active(
                                                       c->plan->dialect, key))
      json_object_set(copy, key, value);
  json_array_append_new(c->owned, copy);
  return copy;
}

static int compile_object(compile_ctx *c, const json_t *key, const json_t *s,
                          char *pointer) {
  iatk_error why;
  s = dialect_keywords(c, s);
  iatk_error_clear(&why);
  if (json_object_get(s, "allOf") &&
      !(s = merge_or_explain(c, s, pointer, &why)) && why.code != IATK_EUNSAT) {
    free(pointer);
    return -1;
  }
  int idx = iatk__plan_add_node(c->plan, pointer);
  if (idx < 0) {
    free(pointer);
    return iatk__compile_oom(c), -1;
  }
  if (iatk__ptrmap_put(&c->memo, key, idx) != IATK_OK)
    return iatk__compile_oom(c), -1;
  if (!s) { /* contradictory members: the node exists, but admits nothing */
    iatk__compile_forbid(NODE(c, idx), JT_ANY, why.message);
    return idx;
  }
  return read_keywords(c, idx, s) == IATK_OK ? idx : -1;
}

int iatk__compile_node(compile_ctx *c, const json_t *schema, char *pointer) {
  if (c->depth >= IATK_MAX_SCHEMA_DEPTH) {
    iatk__fail_at(c->err, IATK_ELIMIT, pointer,
                  "schema at %s nests deeper than %d levels", pointer,
                  IATK_MAX_SCHEMA_DEPTH);
    free(pointer);
    return -1;
  }
  schema = iatk__ref_follow(c, schema, &pointer);
  int known = schema ? iatk__ptrmap_get(&c->memo, schema) : -1;
  if (known < 0 && schema && c->plan->refs_with_siblings &&
      iatk__ref_has_siblings(schema)) {
    const json_t *key = schema;
    const json_t *split = iatk__ref_split_siblings(c, schema);
    if (!split) {
      free(pointer);
      return -1;
    }
    c->depth++;
    int idx = compile_object(c, key, split, pointer);
    c->depth--;
    return idx;
  }
  if (!schema || known >= 0) {
    free(pointer);
    return known;
  }
  if (json_is_boolean(schema))
    return compile_boolean(c, schema, pointer);
  if (!json_is_object(schema)) {
    iatk__fail_at(c->err, IATK_ESCHEMA, pointer,
                  "schema at %s must be an object or a boolean", pointer);
    free(pointer);
    return -1;
  }
  c->depth++;
  int idx = compile_object(c, schema, schema, pointer);
  c->depth--;
  return idx;
}
