/* Every instance-constraining keyword, grouped by the instance type it
 * applies to, plus the in-place applicators (allOf, anyOf, oneOf, not,
 * if/then/else, dependencies) and unevaluated*. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex/regex.h"
#include "validate/validate_internal.h"

/* A keyword of schema s, or NULL when absent or not a keyword of the
 * dialect (draft-04 has no const): the same table the compiler uses. */
static const json_t *keyword_of(const vctx *c, const json_t *s, const char *k) {
  const json_t *v = json_object_get(s, k);
  return v && !iatk__schema_keyword_active(c->v->dialect, k) ? NULL : v;
}
#define KEY(s, k) keyword_of(c, (s), (k))

static int sub(vctx *c, const json_t *schema, const json_t *inst,
               const vpath *ipath, const vpath *spath, const char *key,
               size_t index, int indexed, evaluated *ev) {
  vpath s1 = {spath, key, 0};
  vpath s2 = {&s1, NULL, index};
  return iatk__v_apply(c, schema, inst, ipath, indexed ? &s2 : &s1, ev);
}

/* Runs a sub-validation whose failure is expected and not an error (the
 * schema path still matters: a halt inside reports it). */
static int quietly(vctx *c, const json_t *schema, const json_t *inst,
                   const vpath *ipath, const vpath *spath, const char *key,
                   size_t index, int indexed, evaluated *ev) {
  c->quiet++;
  int ok = sub(c, schema, inst, ipath, spath, key, index, indexed, ev);
  c->quiet--;
  return ok;
}

/* ------------------------------------------------------------ generic */

static const char *type_name(const json_t *inst) {
  switch (json_typeof(inst)) {
  case JSON_OBJECT: return "object";
  case JSON_ARRAY: return "array";
  case JSON_STRING: return "string";
  case JSON_INTEGER: return "integer";
  case JSON_REAL: return "number";
  case JSON_TRUE:
  case JSON_FALSE: return "boolean";
  default: return "null";
  }
}

/* A real is an integer when it has no fraction from draft-06 on (1.0, as
 * in the oracle), and in draft-04 when its text wrote it in digits: an
 * integer beyond int64, which jansson can hold only as a real. */
static int real_is_integer(const vctx *c, double x) {
  if (!isfinite(x) || x != floor(x))
    return 0;
  if (c->v->dialect != DIALECT_DRAFT4 && c->v->dialect != DIALECT_OAS30)
    return 1;
  return iatk__wide_ints_has(c->wide, x);
}

static int has_type(const vctx *c, const json_t *inst, const char *type) {
  if (!strcmp(type, "integer"))
    return json_is_integer(inst) ||
           (json_is_real(inst) && real_is_integer(c, json_real_value(inst)));
  if (!strcmp(type, "number"))
    return json_is_number(inst);
  return !strcmp(type, type_name(inst));
}

/* OpenAPI 3.0's nullable: null passes type and enum. */
static int nullable_null(const vctx *c, const json_t *s, const json_t *inst) {
  return json_is_null(inst) && json_is_true(KEY(s, "nullable")) &&
         c->v->dialect == DIALECT_OAS30;
}

static int type_ok(vctx *c, const json_t *type, const json_t *inst,
                   const vpath *ip, const vpath *sp) {
  if (json_is_string(type))
    return has_type(c, inst, json_string_value(type)) ||
           iatk__v_fail(c, ip, sp, "type", "expected %s, got %s",
                        json_string_value(type), type_name(inst));
  size_t i;
  json_t *t;
  json_array_foreach(type, i,
                     t) if (json_is_string(t) &&
                            has_type(c, inst, json_string_value(t))) return 1;
  return iatk__v_fail(c, ip, sp, "type", "%s is not one of the allowed types",
                      type_name(inst));
}

static int check_type(vctx *c, const json_t *s, const json_t *inst,
                      const vpath *ip, const vpath *sp) {
  const json_t *type = KEY(s, "type");
  return !type || nullable_null(c, s, inst) || type_ok(c, type, inst, ip, sp);
}

static int enum_const_ok(vctx *c, const json_t *cst, const json_t *en,
                         int nullable, const json_t *inst, const vpath *ip,
                         const vpath *sp) {
  if (cst && !iatk__v_json_equal(cst, inst))
    return iatk__v_fail(c, ip, sp, "const", "value differs from const");
  if (!json_is_array(en) || nullable)
    return 1;
  size_t i;
  json_t *e;
  json_array_foreach(en, i, e) if (iatk__v_json_equal(e, inst)) return 1;
  return iatk__v_fail(c, ip, sp, "enum", "value is not one of the enum values");
}

static int check_enum_const(vctx *c, const json_t *s, const json_t *inst,
                            const vpath *ip, const vpath *sp) {
  const json_t *cst = KEY(s, "const"), *en = KEY(s, "enum");
  return (!cst && !en) ||
         enum_const_ok(c, cst, en,
                       json_is_array(en) && nullable_null(c, s, inst), inst, ip,
                       sp);
}

/* ------------------------------------------------------------ numbers */

/* A number as it would be written in JSON (not %g's six digits). */
static const char *num(char text[40], double v) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_double(&b, v);
  snprintf(text, 40, "%s", b.data ? b.data : "?");
  iatk__buf_release(&b);
  return text;
}

static int bound(vctx *c, const json_t *s, double x, const vpath *ip,
                 const vpath *sp, int lower) {
  const char *key = lower ? "minimum" : "maximum";
  const char *ekey = lower ? "exclusiveMinimum" : "exclusiveMaximum";
  const json_t *limit = KEY(s, key), *e = KEY(s, ekey);
  if (json_is_number(limit)) {
    double v = json_number_value(limit);
    int excl = json_is_true(e);
    int bad = lower ? (excl ? x <= v : x < v) : (excl ? x >= v : x > v);
    char a[40], b[40];
    if (bad)
      return iatk__v_fail(c, ip, sp, excl ? ekey : key, "%s is %s %s",
                          num(a, x),
                          lower ? (excl ? "not above" : "below")
                                : (excl ? "not below" : "above"),
                          num(b, v));
  }
  if (json_is_number(e)) {
    double v = json_number_value(e);
    char a[40], b[40];
    if (lower ? x <= v : x >= v)
      return iatk__v_fail(c, ip, sp, ekey, "%s is not %s %s", num(a, x),
                          lower ? "greater than" : "less than", num(b, v));
  }
  return 1;
}

static int multiple_ok(const json_t *inst, const json_t *m) {
  if (json_is_integer(inst) && json_is_integer(m) && json_integer_value(m) != 0)
    return json_integer_value(inst) % json_integer_value(m) == 0;
  double q = json_number_value(inst) / json_number_value(m);
  return isfinite(q) && q == trunc(q);
}

static int check_number(vctx *c, const json_t *s, const json_t *inst,
                        const vpath *ip, const vpath *sp) {
  double x = json_number_value(inst);
  if (!bound(c, s, x, ip, sp, 1) || !bound(c, s, x, ip, sp, 0))
    return 0;
  const json_t *m = KEY(s, "multipleOf");
  if (json_is_number(m) && json_number_value(m) > 0 && !multiple_ok(inst, m)) {
    char a[40], b[40];
    return iatk__v_fail(c, ip, sp, "multipleOf", "%s is not a multiple of %s",
                        num(a, x), num(b, json_number_value(m)));
  }
  return 1;
}

/* ------------------------------------------------------------ strings */

static size_t code_points(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += ((unsigned char)s[i] & 0xc0) != 0x80;
  return n;
}

/* A pattern that PCRE2 cannot compile or finish matching gives no verdict:
 * the schema is broken, or a limit (match, depth, heap) was reached. */
static int regex_trouble(vctx *c, const vpath *ip, const vpath *sp,
                         const char *keyword, const char *pattern, int rc) {
  if (rc == -1)
    return iatk__v_halt(c, IATK_ESCHEMA, ip, sp, keyword,
                        "/%s/ is not a regular expression PCRE2 compiles",
                        pattern);
  return iatk__v_halt(
      c, IATK_ELIMIT, ip, sp, keyword,
      "matching /%s/ failed: PCRE2 reached its match, depth or heap "
      "limit (or the text is not UTF-8)",
      pattern);
}

static int string_ok(vctx *c, const string_keys *k, const char *text,
                     size_t len, const vpath *ip, const vpath *sp) {
  const json_t *lo = k->min_length, *hi = k->max_length;
  size_t n =
      json_is_number(lo) || json_is_number(hi) ? code_points(text, len) : 0;
  if (json_is_number(lo) && n < json_number_value(lo))
    return iatk__v_fail(c, ip, sp, "minLength", "%zu characters, fewer than %g",
                        n, json_number_value(lo));
  if (json_is_number(hi) && n > json_number_value(hi))
    return iatk__v_fail(c, ip, sp, "maxLength", "%zu characters, more than %g",
                        n, json_number_value(hi));
  const char *pattern = json_string_value(k->pattern);
  int match =
      pattern ? iatk__regex_search_n(c->v->regexes, pattern,
                                     json_string_length(k->pattern), text, len)
              : 1;
  if (match < 0)
    return regex_trouble(c, ip, sp, "pattern", pattern, match);
  if (match == 0)
    return iatk__v_fail(c, ip, sp, "pattern", "does not match /%s/", pattern);
  if (k->format_check && !k->format_check(text, len))
    return iatk__v_fail(c, ip, sp, "format", "'%.80s' is not a valid %s", text,
                        k->format);
  return 1;
}

/* ------------------------------------------------------------- arrays */

static int unique(const json_t *inst) {
  for (size_t i = 0; i < json_array_size(inst); i++)
    for (size_t j = i + 1; j < json_array_size(inst); j++)
      if (iatk__v_json_equal(json_array_get(inst, i), json_array_get(inst, j)))
        return 0;
  return 1;
}

static int check_array_sizes(vctx *c, const json_t *s, const json_t *inst,
                             const vpath *ip, const vpath *sp) {
  size_t n = json_array_size(inst);
  const json_t *lo = KEY(s, "minItems"), *hi = KEY(s, "maxItems");
  if (json_is_number(lo) && n < json_number_value(lo))
    return iatk__v_fail(c, ip, sp, "minItems", "%zu items, fewer than %g", n,
                        json_number_value(lo));
  if (json_is_number(hi) && n > json_number_value(hi))
    return iatk__v_fail(c, ip, sp, "maxItems", "%zu items, more than %g", n,
                        json_number_value(hi));
  if (json_is_true(KEY(s, "uniqueItems")) && !unique(inst))
    return iatk__v_fail(c, ip, sp, "uniqueItems", "items are not unique");
  return 1;
}

/* Applies `schema` to items [from, n); returns 0 at the first failure. */
static int items_from(vctx *c, const json_t *schema, const json_t *inst,
                      size_t from, const vpath *ip, const vpath *sp,
                      const char *key) {
  for (size_t i = from; i < json_array_size(inst); i++) {
    vpath here = {ip, NULL, i};
    if (!sub(c, schema, json_array_get(inst, i), &here, sp, key, 0, 0, NULL))
      return 0;
  }
  return 1;
}

static int tuple(vctx *c, const json_t *prefix, const json_t *inst,
                 const vpath *ip, const vpath *sp, const char *key) {
  size_t n = json_array_size(inst);
  for (size_t i = 0; i < json_array_size(prefix) && i < n; i++) {
    vpath here = {ip, NULL, i};
    if (!sub(c, json_array_get(prefix, i), json_array_get(inst, i), &here, sp,
             key, i, 1, NULL))
      return 0;
  }
  return 1;
}

static int check_items(vctx *c, const json_t *s, const json_t *inst,
                       const vpath *ip, const vpath *sp, evaluated *ev) {
  const json_t *prefix = KEY(s, "prefixItems"), *items = KEY(s, "items");
  const json_t *extra = KEY(s, "additionalItems");
  size_t n = json_array_size(inst), covered = 0;
  if (json_is_array(prefix)) {
    if (!tuple(c, prefix, inst, ip, sp, "prefixItems"))
      return 0;
    covered = json_array_size(prefix);
  }
  if (json_is_array(items)) { /* draft-04..2019-09 tuple form */
    if (!tuple(c, items, inst, ip, sp, "items"))
      return 0;
    covered = json_array_size(items);
    if (extra &&
        !items_from(c, extra, inst, covered, ip, sp, "additionalItems"))
      return 0;
    if (extra)
      covered = n;
  } else if (items) {
    if (!items_from(c, items, inst, covered, ip, sp, "items"))
      return 0;
    covered = n;
  }
  if (ev) {
    if (covered >= n)
      ev->all_items = 1;
    else if (covered > ev->items)
      ev->items = covered;
  }
  return 1;
}

/* 2020-12: an item that matches "contains" counts as evaluated. */
static void mark_item(evaluated *ev, size_t i, size_t n) {
  if (!ev->marked) {
    ev->marked = calloc(n, 1);
    if (!ev->marked) { /* without memory, err on the side of "evaluated" */
      ev->all_items = 1;
      return;
    }
    ev->marked_len = n;
  }
  if (i < ev->marked_len)
    ev->marked[i] = 1;
}

static int check_contains(vctx *c, const json_t *s, const json_t *inst,
                          const vpath *ip, const vpath *sp, evaluated *ev) {
  const json_t *contains = KEY(s, "contains");
  if (!contains)
    return 1;
  size_t matches = 0, n = json_array_size(inst);
  for (size_t i = 0; i < n; i++) {
    vpath here = {ip, NULL, i};
    int hit = quietly(c, contains, json_array_get(inst, i), &here, sp,
                      "contains", 0, 0, NULL);
    if (c->halted)
      return 0;
    matches += hit;
    if (hit && ev && c->v->dialect == DIALECT_2020)
      mark_item(ev, i, n);
  }
  const json_t *lo = KEY(s, "minContains"), *hi = KEY(s, "maxContains");
  double min = json_is_number(lo) ? json_number_value(lo) : 1;
  if (json_is_number(lo) && c->v->dialect < DIALECT_2019)
    min = 1;
  if (matches < min)
    return iatk__v_fail(c, ip, sp, "contains", "%zu items match, fewer than %g",
                        matches, min);
  if (json_is_number(hi) && c->v->dialect >= DIALECT_2019 &&
      matches > json_number_value(hi))
    return iatk__v_fail(c, ip, sp, "maxContains",
                        "%zu items match, more than %g", matches,
                        json_number_value(hi));
  return 1;
}

/* ------------------------------------------------------------ objects */

/* Member names are (pointer, length): a name may hold "\u0000". */
static void mark(evaluated *ev, const char *key, size_t key_len) {
  if (!ev)
    return;
  if (!ev->props)
    ev->props = json_object();
  json_object_setn_new(ev->props, key, key_len, json_true());
}

static int has_member(const json_t *inst, const json_t *name) {
  return json_is_string(name) && json_object_getn(inst, json_string_value(name),
                                                  json_string_length(name));
}

static int check_object_sizes(vctx *c, const json_t *s, const json_t *inst,
                              const vpath *ip, const vpath *sp) {
  size_t n = json_object_size(inst);
  const json_t *lo = KEY(s, "minProperties"), *hi = KEY(s, "maxProperties");
  if (json_is_number(lo) && n < json_number_value(lo))
    return iatk__v_fail(c, ip, sp, "minProperties",
                        "%zu properties, fewer than %g", n,
                        json_number_value(lo));
  if (json_is_number(hi) && n > json_number_value(hi))
    return iatk__v_fail(c, ip, sp, "maxProperties",
                        "%zu properties, more than %g", n,
                        json_number_value(hi));
  const json_t *req = KEY(s, "required");
  size_t i;
  json_t *name;
  json_array_foreach(
      req, i,
      name) if (json_is_string(name) &&
                !has_member(inst,
                            name)) return iatk__v_fail(c, ip, sp, "required",
                                                       "'%s' is missing",
                                                       json_string_value(name));
  return 1;
}

/* patternProperties for one member: 1 (with *matched set when a pattern
 * matched), 0 when invalid or halted. */
static int check_patterns(vctx *c, const json_t *s, const char *key,
                          size_t key_len, const json_t *value,
                          const vpath *here, const vpath *sp, int *matched) {
  const char *pattern;
  json_t *pschema;
  json_object_foreach((json_t *)KEY(s, "patternProperties"), pattern, pschema) {
    int m = iatk__regex_search(c->v->regexes, pattern, key, key_len);
    if (m < 0)
      return regex_trouble(c, here, sp, "patternProperties", pattern, m);
    if (m == 0)
      continue;
    *matched = 1;
    vpath s1 = {sp, "patternProperties", 0};
    if (!sub(c, pschema, value, here, &s1, pattern, 0, 0, NULL))
      return 0;
  }
  return 1;
}

/* properties, patternProperties, additionalProperties for one member. */
static int check_member(vctx *c, const json_t *s, const char *key,
                        size_t key_len, const json_t *value, const vpath *ip,
                        const vpath *sp, evaluated *ev) {
  vpath here = {ip, key, 0};
  int matched = 0;
  const json_t *ps = json_object_getn(KEY(s, "properties"), key, key_len);
  if (ps) {
    matched = 1;
    vpath s1 = {sp, "properties", 0};
    if (!sub(c, ps, value, &here, &s1, key, 0, 0, NULL))
      return 0;
  }
  if (!check_patterns(c, s, key, key_len, value, &here, sp, &matched))
    return 0;
  const json_t *extra = KEY(s, "additionalProperties");
  if (!matched && extra) {
    if (json_is_false(extra))
      return iatk__v_fail(c, &here, sp, "additionalProperties",
                          "'%s' is not allowed", key);
    if (!sub(c, extra, value, &here, sp, "additionalProperties", 0, 0, NULL))
      return 0;
    matched = 1;
  }
  if (matched)
    mark(ev, key, key_len);
  return 1;
}

static int check_property_names(vctx *c, const json_t *s, const char *key,
                                size_t key_len, const vpath *ip,
                                const vpath *sp) {
  const json_t *names = KEY(s, "propertyNames");
  if (!names)
    return 1;
  json_t *name = json_stringn(key, key_len);
  if (!name)
    return iatk__v_halt(c, IATK_ENOMEM, ip, sp, "propertyNames",
                        "out of memory");
  vpath here = {ip, key, 0};
  int ok = sub(c, names, name, &here, sp, "propertyNames", 0, 0, NULL);
  json_decref(name);
  return ok;
}

static int check_dependencies(vctx *c, const json_t *s, const json_t *inst,
                              const vpath *ip, const vpath *sp, evaluated *ev) {
  static const char *keys[] = {"dependencies", "dependentRequired",
                               "dependentSchemas"};
  for (int k = 0; k < 3; k++) {
    const char *key;
    size_t key_len;
    json_t *dep;
    json_object_keylen_foreach((json_t *)KEY(s, keys[k]), key, key_len, dep) {
      if (!json_object_getn(inst, key, key_len))
        continue;
      if (json_is_array(dep)) {
        size_t i;
        json_t *name;
        json_array_foreach(
            dep, i,
            name) if (json_is_string(name) &&
                      !has_member(
                          inst,
                          name)) return iatk__v_fail(c, ip, sp, keys[k],
                                                     "'%s' requires '%s'", key,
                                                     json_string_value(name));
      } else if (!sub(c, dep, inst, ip, sp, keys[k], 0, 0, ev)) {
        return 0;
      }
    }
  }
  return 1;
}

static int check_object(vctx *c, const json_t *s, const json_t *inst,
                        const vpath *ip, const vpath *sp, evaluated *ev) {
  if (!check_object_sizes(c, s, inst, ip, sp))
    return 0;
  const char *key;
  size_t key_len;
  json_t *value;
  json_object_keylen_foreach((json_t *)inst, key, key_len, value) {
    if (!check_member(c, s, key, key_len, value, ip, sp, ev) ||
        !check_property_names(c, s, key, key_len, ip, sp))
      return 0;
  }
  return check_dependencies(c, s, inst, ip, sp, ev);
}

/* ------------------------------------------------------- combinators */

static int check_all_of(vctx *c, const json_t *s, const json_t *inst,
                        const vpath *ip, const vpath *sp, evaluated *ev) {
  size_t i;
  json_t *branch;
  json_array_foreach(
      KEY(s, "allOf"), i,
      branch) if (!sub(c, branch, inst, ip, sp, "allOf", i, 1, ev)) return 0;
  return 1;
}

/* A branch that halted (a limit, a broken pattern) did not "fail": the
 * applicator stops and the halt is the outcome, never "no branch matches"
 * or, under not, "valid". */
static int check_any_one_of(vctx *c, const json_t *s, const json_t *inst,
                            const vpath *ip, const vpath *sp, evaluated *ev,
                            const char *key) {
  const json_t *branches = KEY(s, key);
  if (!json_is_array(branches))
    return 1;
  size_t i, passed = 0;
  json_t *branch;
  json_array_foreach(branches, i, branch) {
    evaluated local;
    iatk__evaluated_init(&local);
    int ok = quietly(c, branch, inst, ip, sp, key, i, 1, &local);
    if (ok && !c->halted) {
      passed++;
      iatk__evaluated_merge(ev, &local);
    }
    iatk__evaluated_release(&local);
    if (c->halted)
      return 0;
  }
  if (passed == 0)
    return iatk__v_fail(c, ip, sp, key, "no branch matches");
  if (!strcmp(key, "oneOf") && passed > 1)
    return iatk__v_fail(c, ip, sp, key, "%zu branches match, exactly one must",
                        passed);
  return 1;
}

static int check_not_if(vctx *c, const json_t *s, const json_t *inst,
                        const vpath *ip, const vpath *sp, evaluated *ev) {
  const json_t *not = KEY(s, "not");
  if (not ) {
    int matches = quietly(c, not, inst, ip, sp, "not", 0, 0, NULL);
    if (c->halted)
      return 0;
    if (matches)
      return iatk__v_fail(c, ip, sp, "not",
                          "value matches the schema under not");
  }
  const json_t *cond = KEY(s, "if");
  if (!cond || c->v->dialect < DIALECT_DRAFT7)
    return 1;
  evaluated local;
  iatk__evaluated_init(&local);
  int holds = quietly(c, cond, inst, ip, sp, "if", 0, 0, &local);
  if (holds && !c->halted)
    iatk__evaluated_merge(ev, &local);
  iatk__evaluated_release(&local);
  if (c->halted)
    return 0;
  const char *branch = holds ? "then" : "else";
  const json_t *next = KEY(s, branch);
  return !next || sub(c, next, inst, ip, sp, branch, 0, 0, ev);
}

/* ------------------------------------------------------- unevaluated */

static int check_unevaluated_items(vctx *c, const json_t *ui,
                                   const json_t *inst, const vpath *ip,
                                   const vpath *sp, evaluated *ev) {
  for (size_t i = ev->items; i < json_array_size(inst); i++) {
    if (i < ev->marked_len && ev->marked[i])
      continue;
    vpath here = {ip, NULL, i};
    if (!sub(c, ui, json_array_get(inst, i), &here, sp, "unevaluatedItems", 0,
             0, NULL))
      return 0;
  }
  ev->all_items = 1;
  return 1;
}

static int check_unevaluated(vctx *c, const json_t *s, const json_t *inst,
                             const vpath *ip, const vpath *sp, evaluated *ev) {
  const json_t *up = KEY(s, "unevaluatedProperties");
  if (up && json_is_object(inst) && !ev->all_props) {
    const char *key;
    size_t key_len;
    json_t *value;
    json_object_keylen_foreach((json_t *)inst, key, key_len, value) {
      if (ev->props && json_object_getn(ev->props, key, key_len))
        continue;
      vpath here = {ip, key, 0};
      if (json_is_false(up))
        return iatk__v_fail(c, &here, sp, "unevaluatedProperties",
                            "'%s' is not allowed", key);
      if (!sub(c, up, value, &here, sp, "unevaluatedProperties", 0, 0, NULL))
        return 0;
      mark(ev, key, key_len);
    }
  }
  const json_t *ui = KEY(s, "unevaluatedItems");
  if (ui && json_is_array(inst) && !ev->all_items)
    return check_unevaluated_items(c, ui, inst, ip, sp, ev);
  return 1;
}

/* ------------------------------------------------------ dynamic refs */

/* The fragment of a reference when it is a plain name ("#items"). */
static const char *plain_anchor(const char *ref) {
  const char *hash = strchr(ref, '#');
  return hash && hash[1] && hash[1] != '/' ? hash + 1 : NULL;
}

/* The outermost resource of the dynamic scope that has `anchor` as a
 * $dynamicAnchor: that schema, with the resource's base in *base. */
static const json_t *outermost_dynamic(const vctx *c, const char *anchor,
                                       const char **base) {
  const json_t *found = NULL;
  for (const vscope *s = c->scope; s; s = s->up) {
    const json_t *t = iatk__id_index_lookup_dynamic(c->v->ids, s->base, anchor);
    if (t) {
      found = t;
      *base = s->base;
    }
  }
  return found;
}

/* $recursiveRef "#" (2019-09): when the resource it names sets
 * $recursiveAnchor, the outermost resource in the dynamic scope that sets
 * it too. */
static const json_t *outermost_recursive(const vctx *c, const json_t *target,
                                         const char **base) {
  if (!json_is_true(KEY(target, "$recursiveAnchor")))
    return target;
  for (const vscope *s = c->scope; s; s = s->up) {
    const json_t *root = iatk__id_index_lookup(c->v->ids, s->base);
    if (json_is_true(KEY(root, "$recursiveAnchor"))) {
      target = root;
      *base = s->base;
    }
  }
  return target;
}

/* $dynamicRef resolves like $ref, except when it names a "$dynamicAnchor"
 * (or names an anchor its own resource lacks, as the generator reads it):
 * then the outermost resource in the dynamic scope with that dynamic
 * anchor is the target. */
static const json_t *resolve_dynamic(vctx *c, const json_t *holder,
                                     const char *ref, int recursive,
                                     const char **base, char **owned) {
  const json_t *target = iatk__v_resolve(c, holder, ref, base, owned);
  const char *anchor = recursive ? NULL : plain_anchor(ref);
  if (anchor &&
      (!target || iatk__id_index_lookup_dynamic(c->v->ids, *base, anchor))) {
    const char *dynamic_base = *base;
    const json_t *dynamic = outermost_dynamic(c, anchor, &dynamic_base);
    if (dynamic) {
      target = dynamic;
      *base = dynamic_base;
    }
  }
  if (recursive && target && !strcmp(ref, "#"))
    target = outermost_recursive(c, target, base);
  return target;
}

static int check_dynamic_ref(vctx *c, const json_t *s, const json_t *inst,
                             const vpath *ip, const vpath *sp, evaluated *ev) {
  const char *keyword = "$dynamicRef";
  const char *ref = json_string_value(KEY(s, keyword));
  if (!ref)
    ref = json_string_value(KEY(s, keyword = "$recursiveRef"));
  if (!ref)
    return 1;
  const char *base = c->base;
  char *owned = NULL;
  const json_t *target =
      resolve_dynamic(c, s, ref, keyword[1] == 'r', &base, &owned);
  vpath here = {sp, keyword, 0};
  int ok =
      target ? iatk__v_apply_in(c, target, base, inst, ip, &here, ev)
             : iatk__v_halt(c, IATK_EREF, ip, sp, keyword,
                            "'%s' does not resolve (references resolve within "
                            "the document only)",
                            ref);
  free(owned);
  return ok;
}

/* A string instance meets these keywords of s itself, and every other one
 * only through the subschemas it applies to the same string: a revalidator
 * re-checks a string that changed with them, for every schema object that
 * was applied to it (revalidate.c). */
int iatk__v_string_keys(const vctx *c, const json_t *s, string_keys *k) {
  const char *format = json_string_value(KEY(s, "format"));
  const json_t *type = KEY(s, "type");
  /* "string" admits every string: nothing to check */
  if (json_is_string(type) && !strcmp(json_string_value(type), "string"))
    type = NULL;
  *k = (string_keys){type,
                     KEY(s, "const"),
                     KEY(s, "enum"),
                     KEY(s, "minLength"),
                     KEY(s, "maxLength"),
                     KEY(s, "pattern"),
                     format,
                     format ? iatk__v_format_checker(format) : NULL};
  return k->type || k->cnst || k->enm || k->min_length || k->max_length ||
         k->pattern || k->format_check;
}

int iatk__v_check_string_keys(vctx *c, const string_keys *k, const json_t *inst,
                              const char *text, size_t len, const vpath *ip,
                              const vpath *sp) {
  return (!k->type || type_ok(c, k->type, inst, ip, sp)) &&
         ((!k->cnst && !k->enm) ||
          enum_const_ok(c, k->cnst, k->enm, 0, inst, ip, sp)) &&
         string_ok(c, k, text, len, ip, sp);
}

int iatk__v_keywords(vctx *c, const json_t *s, const json_t *inst,
                     const vpath *ip, const vpath *sp, evaluated *outer) {
  if (c->trace) /* a revalidator's full validation */
    iatk__v_trace(c, s, inst);
  evaluated ev;
  iatk__evaluated_init(&ev);
  int ok = !KEY(s, "$ref") || iatk__v_apply_ref(c, s, inst, ip, sp, &ev);
  string_keys k;
  if (ok && json_is_string(inst))
    ok = !iatk__v_string_keys(c, s, &k) ||
         iatk__v_check_string_keys(c, &k, inst, json_string_value(inst),
                                   json_string_length(inst), ip, sp);
  else
    ok = ok && check_type(c, s, inst, ip, sp) &&
         check_enum_const(c, s, inst, ip, sp);
  if (ok && json_is_number(inst))
    ok = check_number(c, s, inst, ip, sp);
  else if (ok && json_is_array(inst))
    ok = check_array_sizes(c, s, inst, ip, sp) &&
         check_items(c, s, inst, ip, sp, &ev) &&
         check_contains(c, s, inst, ip, sp, &ev);
  else if (ok && json_is_object(inst))
    ok = check_object(c, s, inst, ip, sp, &ev);
  ok = ok && check_all_of(c, s, inst, ip, sp, &ev) &&
       check_any_one_of(c, s, inst, ip, sp, &ev, "anyOf") &&
       check_any_one_of(c, s, inst, ip, sp, &ev, "oneOf") &&
       check_not_if(c, s, inst, ip, sp, &ev) &&
       check_dynamic_ref(c, s, inst, ip, sp, &ev) &&
       check_unevaluated(c, s, inst, ip, sp, &ev);
  if (ok)
    iatk__evaluated_merge(outer, &ev);
  iatk__evaluated_release(&ev);
  return ok;
}
