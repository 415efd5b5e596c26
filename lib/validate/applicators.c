/* Every instance-constraining keyword, grouped by the instance type it
 * applies to, plus the in-place applicators (allOf, anyOf, oneOf, not,
 * if/then/else, dependencies) and unevaluated*. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate/regex.h"
#include "validate/validate_internal.h"

#define KEY(s, k) json_object_get((s), (k))

static int sub(vctx *c, const json_t *schema, const json_t *inst,
               const vpath *ipath, const vpath *spath, const char *key,
               size_t index, int indexed, evaluated *ev) {
  vpath s1 = {spath, key, 0};
  vpath s2 = {&s1, NULL, index};
  return v_apply(c, schema, inst, ipath, indexed ? &s2 : &s1, ev);
}

/* Runs a sub-validation whose failure is expected and not an error. */
static int quietly(vctx *c, const json_t *schema, const json_t *inst,
                   const vpath *ipath, evaluated *ev) {
  c->quiet++;
  int ok = v_apply(c, schema, inst, ipath, NULL, ev);
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

static int has_type(const vctx *c, const json_t *inst, const char *type) {
  if (!strcmp(type, "integer")) {
    if (json_is_integer(inst))
      return 1;
    /* 1.0 is an integer from draft-06 on, as in the oracle */
    return json_is_real(inst) && c->v->dialect != DIALECT_DRAFT4 &&
           json_real_value(inst) == floor(json_real_value(inst));
  }
  if (!strcmp(type, "number"))
    return json_is_number(inst);
  return !strcmp(type, type_name(inst));
}

static int check_type(vctx *c, const json_t *s, const json_t *inst,
                      const vpath *ip, const vpath *sp) {
  const json_t *type = KEY(s, "type");
  if (!type)
    return 1;
  if (json_is_null(inst) && json_is_true(KEY(s, "nullable")) &&
      c->v->dialect == DIALECT_OAS30)
    return 1;
  if (json_is_string(type))
    return has_type(c, inst, json_string_value(type)) ||
           v_fail(c, ip, sp, "type", "expected %s, got %s",
                  json_string_value(type), type_name(inst));
  size_t i;
  json_t *t;
  json_array_foreach(type, i, t) if (json_is_string(t) &&
                                      has_type(c, inst, json_string_value(t)))
    return 1;
  return v_fail(c, ip, sp, "type", "%s is not one of the allowed types",
                type_name(inst));
}

static int check_enum_const(vctx *c, const json_t *s, const json_t *inst,
                            const vpath *ip, const vpath *sp) {
  const json_t *cst = KEY(s, "const");
  if (cst && !v_json_equal(cst, inst))
    return v_fail(c, ip, sp, "const", "value differs from const");
  const json_t *en = KEY(s, "enum");
  if (!json_is_array(en))
    return 1;
  if (json_is_null(inst) && json_is_true(KEY(s, "nullable")) &&
      c->v->dialect == DIALECT_OAS30)
    return 1;
  size_t i;
  json_t *e;
  json_array_foreach(en, i, e) if (v_json_equal(e, inst)) return 1;
  return v_fail(c, ip, sp, "enum", "value is not one of the enum values");
}

/* ------------------------------------------------------------ numbers */

/* A number as it would be written in JSON (not %g's six digits). */
static const char *num(char text[40], double v) {
  iatk_buf b;
  iatk_buf_init(&b);
  iatk_buf_double(&b, v);
  snprintf(text, 40, "%s", b.data ? b.data : "?");
  iatk_buf_release(&b);
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
      return v_fail(c, ip, sp, excl ? ekey : key, "%s is %s %s", num(a, x),
                    lower ? (excl ? "not above" : "below") : (excl ? "not below" : "above"),
                    num(b, v));
  }
  if (json_is_number(e)) {
    double v = json_number_value(e);
    char a[40], b[40];
    if (lower ? x <= v : x >= v)
      return v_fail(c, ip, sp, ekey, "%s is not %s %s", num(a, x),
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
  if (json_is_number(m) && json_number_value(m) > 0 && !multiple_ok(inst, m))
  {
    char a[40], b[40];
    return v_fail(c, ip, sp, "multipleOf", "%s is not a multiple of %s",
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

static int check_string(vctx *c, const json_t *s, const json_t *inst,
                        const vpath *ip, const vpath *sp) {
  const char *text = json_string_value(inst);
  size_t len = json_string_length(inst), n = code_points(text, len);
  const json_t *lo = KEY(s, "minLength"), *hi = KEY(s, "maxLength");
  if (json_is_number(lo) && n < json_number_value(lo))
    return v_fail(c, ip, sp, "minLength", "%zu characters, fewer than %g", n,
                  json_number_value(lo));
  if (json_is_number(hi) && n > json_number_value(hi))
    return v_fail(c, ip, sp, "maxLength", "%zu characters, more than %g", n,
                  json_number_value(hi));
  const char *pattern = json_string_value(KEY(s, "pattern"));
  if (pattern && regex_search_n(c->v->regexes, pattern,
                                json_string_length(KEY(s, "pattern")), text, len) == 0)
    return v_fail(c, ip, sp, "pattern", "does not match /%s/", pattern);
  const char *format = json_string_value(KEY(s, "format"));
  if (format && !v_format_ok(format, text, len))
    return v_fail(c, ip, sp, "format", "'%.80s' is not a valid %s", text, format);
  return 1;
}

/* ------------------------------------------------------------- arrays */

static int unique(const json_t *inst) {
  for (size_t i = 0; i < json_array_size(inst); i++)
    for (size_t j = i + 1; j < json_array_size(inst); j++)
      if (v_json_equal(json_array_get(inst, i), json_array_get(inst, j)))
        return 0;
  return 1;
}

static int check_array_sizes(vctx *c, const json_t *s, const json_t *inst,
                             const vpath *ip, const vpath *sp) {
  size_t n = json_array_size(inst);
  const json_t *lo = KEY(s, "minItems"), *hi = KEY(s, "maxItems");
  if (json_is_number(lo) && n < json_number_value(lo))
    return v_fail(c, ip, sp, "minItems", "%zu items, fewer than %g", n,
                  json_number_value(lo));
  if (json_is_number(hi) && n > json_number_value(hi))
    return v_fail(c, ip, sp, "maxItems", "%zu items, more than %g", n,
                  json_number_value(hi));
  if (json_is_true(KEY(s, "uniqueItems")) && !unique(inst))
    return v_fail(c, ip, sp, "uniqueItems", "items are not unique");
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
    if (extra && !items_from(c, extra, inst, covered, ip, sp, "additionalItems"))
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

static int check_contains(vctx *c, const json_t *s, const json_t *inst,
                          const vpath *ip, const vpath *sp, evaluated *ev) {
  const json_t *contains = KEY(s, "contains");
  if (!contains)
    return 1;
  size_t matches = 0, n = json_array_size(inst);
  for (size_t i = 0; i < n; i++) {
    vpath here = {ip, NULL, i};
    matches += quietly(c, contains, json_array_get(inst, i), &here, NULL);
  }
  const json_t *lo = KEY(s, "minContains"), *hi = KEY(s, "maxContains");
  double min = json_is_number(lo) ? json_number_value(lo) : 1;
  if (json_is_number(lo) && c->v->dialect < DIALECT_2019)
    min = 1;
  if (matches < min)
    return v_fail(c, ip, sp, "contains", "%zu items match, fewer than %g",
                  matches, min);
  if (json_is_number(hi) && c->v->dialect >= DIALECT_2019 && matches > json_number_value(hi))
    return v_fail(c, ip, sp, "maxContains", "%zu items match, more than %g",
                  matches, json_number_value(hi));
  if (ev && matches == n && c->v->dialect == DIALECT_2020)
    ev->all_items = 1;
  return 1;
}

/* ------------------------------------------------------------ objects */

static void mark(evaluated *ev, const char *key) {
  if (!ev)
    return;
  if (!ev->props)
    ev->props = json_object();
  json_object_set_new(ev->props, key, json_true());
}

static int check_object_sizes(vctx *c, const json_t *s, const json_t *inst,
                              const vpath *ip, const vpath *sp) {
  size_t n = json_object_size(inst);
  const json_t *lo = KEY(s, "minProperties"), *hi = KEY(s, "maxProperties");
  if (json_is_number(lo) && n < json_number_value(lo))
    return v_fail(c, ip, sp, "minProperties", "%zu properties, fewer than %g",
                  n, json_number_value(lo));
  if (json_is_number(hi) && n > json_number_value(hi))
    return v_fail(c, ip, sp, "maxProperties", "%zu properties, more than %g",
                  n, json_number_value(hi));
  const json_t *req = KEY(s, "required");
  size_t i;
  json_t *name;
  json_array_foreach(req, i, name) if (json_is_string(name) &&
                                        !json_object_get(inst, json_string_value(name)))
    return v_fail(c, ip, sp, "required", "'%s' is missing",
                  json_string_value(name));
  return 1;
}

/* properties, patternProperties, additionalProperties for one member. */
static int check_member(vctx *c, const json_t *s, const char *key,
                        const json_t *value, const vpath *ip, const vpath *sp,
                        evaluated *ev) {
  vpath here = {ip, key, 0};
  int matched = 0;
  const json_t *props = KEY(s, "properties"), *pats = KEY(s, "patternProperties");
  const json_t *ps = json_object_get(props, key);
  if (ps) {
    matched = 1;
    vpath s1 = {sp, "properties", 0};
    if (!sub(c, ps, value, &here, &s1, key, 0, 0, NULL))
      return 0;
  }
  const char *pattern;
  json_t *pschema;
  json_object_foreach((json_t *)pats, pattern, pschema) {
    if (regex_search(c->v->regexes, pattern, key, strlen(key)) != 1)
      continue;
    matched = 1;
    vpath s1 = {sp, "patternProperties", 0};
    if (!sub(c, pschema, value, &here, &s1, pattern, 0, 0, NULL))
      return 0;
  }
  const json_t *extra = KEY(s, "additionalProperties");
  if (!matched && extra) {
    if (json_is_false(extra))
      return v_fail(c, &here, sp, "additionalProperties",
                    "'%s' is not allowed", key);
    if (!sub(c, extra, value, &here, sp, "additionalProperties", 0, 0, NULL))
      return 0;
    matched = 1;
  }
  if (matched)
    mark(ev, key);
  return 1;
}

static int check_property_names(vctx *c, const json_t *s, const char *key,
                                const vpath *ip, const vpath *sp) {
  const json_t *names = KEY(s, "propertyNames");
  if (!names)
    return 1;
  json_t *name = json_string(key);
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
    json_t *dep;
    json_object_foreach(KEY(s, keys[k]), key, dep) {
      if (!json_object_get(inst, key))
        continue;
      if (json_is_array(dep)) {
        size_t i;
        json_t *name;
        json_array_foreach(dep, i, name) if (!json_object_get(inst, json_string_value(name)))
          return v_fail(c, ip, sp, keys[k], "'%s' requires '%s'", key,
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
  json_t *value;
  json_object_foreach((json_t *)inst, key, value) {
    if (!check_member(c, s, key, value, ip, sp, ev) ||
        !check_property_names(c, s, key, ip, sp))
      return 0;
  }
  return check_dependencies(c, s, inst, ip, sp, ev);
}

/* ------------------------------------------------------- combinators */

static int check_all_of(vctx *c, const json_t *s, const json_t *inst,
                        const vpath *ip, const vpath *sp, evaluated *ev) {
  size_t i;
  json_t *branch;
  json_array_foreach(KEY(s, "allOf"), i, branch) if (!sub(c, branch, inst, ip, sp, "allOf", i, 1, ev))
    return 0;
  return 1;
}

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
    evaluated_init(&local);
    if (quietly(c, branch, inst, ip, &local)) {
      passed++;
      evaluated_merge(ev, &local);
    }
    evaluated_release(&local);
  }
  if (passed == 0)
    return v_fail(c, ip, sp, key, "no branch matches");
  if (!strcmp(key, "oneOf") && passed > 1)
    return v_fail(c, ip, sp, key, "%zu branches match, exactly one must", passed);
  return 1;
}

static int check_not_if(vctx *c, const json_t *s, const json_t *inst,
                        const vpath *ip, const vpath *sp, evaluated *ev) {
  const json_t *not = KEY(s, "not");
  if (not && quietly(c, not, inst, ip, NULL))
    return v_fail(c, ip, sp, "not", "value matches the schema under not");
  const json_t *cond = KEY(s, "if");
  if (!cond || c->v->dialect < DIALECT_DRAFT7)
    return 1;
  evaluated local;
  evaluated_init(&local);
  int holds = quietly(c, cond, inst, ip, &local);
  if (holds)
    evaluated_merge(ev, &local);
  evaluated_release(&local);
  const char *branch = holds ? "then" : "else";
  const json_t *next = KEY(s, branch);
  return !next || sub(c, next, inst, ip, sp, branch, 0, 0, ev);
}

/* ------------------------------------------------------- unevaluated */

static int check_unevaluated(vctx *c, const json_t *s, const json_t *inst,
                             const vpath *ip, const vpath *sp, evaluated *ev) {
  const json_t *up = KEY(s, "unevaluatedProperties");
  if (up && json_is_object(inst) && !ev->all_props) {
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)inst, key, value) {
      if (ev->props && json_object_get(ev->props, key))
        continue;
      vpath here = {ip, key, 0};
      if (json_is_false(up))
        return v_fail(c, &here, sp, "unevaluatedProperties", "'%s' is not allowed", key);
      if (!sub(c, up, value, &here, sp, "unevaluatedProperties", 0, 0, NULL))
        return 0;
      mark(ev, key);
    }
  }
  const json_t *ui = KEY(s, "unevaluatedItems");
  if (ui && json_is_array(inst) && !ev->all_items) {
    if (!items_from(c, ui, inst, ev->items, ip, sp, "unevaluatedItems"))
      return 0;
    ev->all_items = 1;
  }
  return 1;
}

static int check_dynamic_ref(vctx *c, const json_t *s, const json_t *inst,
                             const vpath *ip, const vpath *sp, evaluated *ev) {
  const char *ref = json_string_value(KEY(s, "$dynamicRef"));
  if (!ref)
    ref = json_string_value(KEY(s, "$recursiveRef"));
  if (!ref)
    return 1;
  const char *base = c->base, *new_base = base;
  char *owned = NULL;
  const json_t *target = v_resolve(c, ref, &new_base, &owned);
  /* $recursiveRef "#": the outermost resource that sets $recursiveAnchor */
  if (!strcmp(ref, "#") && !KEY(s, "$dynamicRef") && c->scope_depth > 0 &&
      json_is_true(KEY(c->dynamic_scope[0], "$recursiveAnchor")) &&
      json_is_true(KEY(target, "$recursiveAnchor")))
    target = c->dynamic_scope[0];
  /* The outermost resource with the same dynamic anchor wins. */
  const char *anchor = ref[0] == '#' ? ref + 1 : NULL;
  for (int i = 0; anchor && *anchor && i < c->scope_depth; i++) {
    const json_t *r = c->dynamic_scope[i];
    if (json_is_object(r) && !strcmp(json_string_value(KEY(r, "$dynamicAnchor")) ?: "", anchor)) {
      target = r;
      break;
    }
  }
  int ok = target ? (c->base = new_base, sub(c, target, inst, ip, sp, "$dynamicRef", 0, 0, ev))
                  : v_fail(c, ip, sp, "$dynamicRef", "'%s' does not resolve", ref);
  c->base = base;
  free(owned);
  return ok;
}

int v_keywords(vctx *c, const json_t *s, const json_t *inst, const vpath *ip,
               const vpath *sp, evaluated *outer) {
  evaluated ev;
  evaluated_init(&ev);
  int ok = !KEY(s, "$ref") || v_apply_ref(c, s, inst, ip, sp, &ev);
  ok = ok && check_type(c, s, inst, ip, sp) && check_enum_const(c, s, inst, ip, sp);
  if (ok && json_is_number(inst))
    ok = check_number(c, s, inst, ip, sp);
  else if (ok && json_is_string(inst))
    ok = check_string(c, s, inst, ip, sp);
  else if (ok && json_is_array(inst))
    ok = check_array_sizes(c, s, inst, ip, sp) && check_items(c, s, inst, ip, sp, &ev) &&
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
    evaluated_merge(outer, &ev);
  evaluated_release(&ev);
  return ok;
}
