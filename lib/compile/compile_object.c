/* Compiling the object keywords: properties, patternProperties,
 * additionalProperties, required, propertyNames, dependentRequired and the
 * property counts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex/regex.h"
#include "compile/compile_internal.h"
#include "validate/validator.h"

#define NODE(c, i) (&(c)->plan->nodes[(i)])

static int add_prop(compile_ctx *c, int idx, const char *name, int child,
                    int required) {
  plan_node *n = NODE(c, idx);
  /* geometric: schemas with 100k members */
  if (IATK_ARRAY_GROW(n->obj.props, n->obj.prop_cap, n->obj.prop_count + 1,
                      SIZE_MAX) != IATK_OK)
    return iatk__compile_oom(c);
  plan_prop *p = &n->obj.props[n->obj.prop_count];
  memset(p, 0, sizeof *p);
  if (!(p->name = strdup(name)))
    return iatk__compile_oom(c);
  p->name_len = strlen(name);
  p->node = child;
  p->required = required;
  if (c->names_node == idx)
    json_object_set_new(c->names, name,
                        json_integer((json_int_t)n->obj.prop_count));
  n->obj.prop_count++;
  return IATK_OK;
}

/* The index of property `name` of node idx, or -1.  A name -> index map
 * for the node last asked about keeps `required` lists of many thousand
 * names linear (children compiled in between only cost a rebuild). */
static int find_prop(compile_ctx *c, int idx, const char *name) {
  if (c->names_node != idx) {
    json_decref(c->names);
    c->names = json_object();
    c->names_node = idx;
    for (size_t i = 0; c->names && i < NODE(c, idx)->obj.prop_count; i++)
      json_object_set_new(c->names, NODE(c, idx)->obj.props[i].name,
                          json_integer((json_int_t)i));
  }
  const json_t *at = json_object_get(c->names, name);
  return at ? (int)json_integer_value(at) : -1;
}

/* Whether a name is acceptable to propertyNames (checked by the validator,
 * so the compile and the check agree).  Judged against the schema object
 * being compiled: after merging, its propertyNames may come from a branch
 * or a member, so no pointer into the document names it. */
static int name_allowed(compile_ctx *c, const json_t *s, const char *name) {
  const json_t *names = json_object_get(s, "propertyNames");
  if (!names)
    return 1;
  iatk_validator *index = iatk__compile_samples_validator(c);
  json_t *value = json_string(name);
  int ok =
      !index || !value || iatk__validator_check_schema(index, names, value);
  json_decref(value);
  return ok;
}

/* A declared property whose name also matches patternProperties must
 * satisfy those schemas too: {"allOf": [declared, matching...]}. */
static const json_t *with_patterns(compile_ctx *c, const json_t *s,
                                   const char *name, const json_t *sub) {
  const json_t *pats = json_object_get(s, "patternProperties");
  if (!json_is_object(pats) ||
      (!c->regexes && !(c->regexes = iatk__regex_cache_new())))
    return sub;
  json_t *all = NULL;
  const char *pattern;
  json_t *pschema;
  json_object_foreach((json_t *)pats, pattern, pschema) {
    if (iatk__regex_search(c->regexes, pattern, name, strlen(name)) != 1)
      continue;
    if (!all && (all = json_pack("{s:[O]}", "allOf", sub)))
      json_array_append_new(c->owned, all);
    if (all)
      json_array_append(json_object_get(all, "allOf"), pschema);
  }
  return all ? all : sub;
}

static int read_properties(compile_ctx *c, int idx, const json_t *s) {
  const json_t *props = json_object_get(s, "properties");
  if (!json_is_object(props))
    return IATK_OK;
  char *base = iatk__pointer_append(NODE(c, idx)->pointer, "properties");
  if (!base)
    return iatk__compile_oom(c);
  const char *name;
  json_t *sub;
  int rc = IATK_OK;
  json_object_foreach((json_t *)props, name, sub) {
    if (!name_allowed(c, s, name))
      continue; /* never emitted; `required` reports it if needed */
    int child =
        iatk__compile_child(c, with_patterns(c, s, name, sub), base, name);
    rc = child < 0 ? iatk__error_code(c->err, IATK_ENOMEM)
                   : add_prop(c, idx, name, child, 0);
    if (rc != IATK_OK)
      break;
  }
  free(base);
  return rc;
}

static int read_pattern_properties(compile_ctx *c, int idx, const json_t *s) {
  const json_t *pats = json_object_get(s, "patternProperties");
  size_t count = json_object_size(pats);
  if (!json_is_object(pats) || count == 0)
    return IATK_OK;
  plan_pattern_prop *list = calloc(count, sizeof *list);
  char *base = iatk__pointer_append(NODE(c, idx)->pointer, "patternProperties");
  if (!list || !base) {
    free(list);
    free(base);
    return iatk__compile_oom(c);
  }
  NODE(c, idx)->obj.pattern_props = list;
  const char *pattern;
  json_t *sub;
  json_object_foreach((json_t *)pats, pattern, sub) {
    int child = iatk__compile_child(c, sub, base, pattern);
    if (child < 0) {
      free(base);
      return iatk__error_code(c->err, IATK_ENOMEM);
    }
    plan_pattern_prop *p =
        &NODE(c, idx)
             ->obj.pattern_props[NODE(c, idx)->obj.pattern_prop_count++];
    p->pattern = strdup(pattern);
    p->rx = iatk__rx_parse(pattern);
    p->node = child;
  }
  free(base);
  return IATK_OK;
}

static int read_additional(compile_ctx *c, int idx, const json_t *s) {
  /* unevaluatedProperties acts as additionalProperties for what we emit,
   * except where variants add properties: each variant, merged, applies it */
  const char *key = json_object_get(s, "additionalProperties") ||
                            iatk__has_variant_keywords(s)
                        ? "additionalProperties"
                        : "unevaluatedProperties";
  const json_t *extra = json_object_get(s, key);
  if (json_is_false(extra)) {
    NODE(c, idx)->obj.additional_forbidden = 1;
    return IATK_OK;
  }
  if (!json_is_object(extra))
    return IATK_OK;
  int child = iatk__compile_child(c, extra, NODE(c, idx)->pointer, key);
  if (child < 0)
    return iatk__error_code(c->err, IATK_ENOMEM);
  NODE(c, idx)->obj.additional = child;
  return IATK_OK;
}

/* The patternProperties node a name falls under, or -2 for none. */
static int pattern_node_for(compile_ctx *c, const plan_node *n,
                            const char *name) {
  if (!c->regexes && !(c->regexes = iatk__regex_cache_new()))
    return -2;
  for (size_t i = 0; i < n->obj.pattern_prop_count; i++)
    if (iatk__regex_search(c->regexes, n->obj.pattern_props[i].pattern, name,
                           strlen(name)) == 1)
      return n->obj.pattern_props[i].node;
  return -2;
}

/* An object that must have a member it may not have: objects are out,
 * other types the node allows are not (required only constrains objects). */
__attribute__((format(printf, 2, 3))) static int
forbid_object(plan_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *reason = len >= 0 ? malloc((size_t)len + 1) : NULL;
  if (reason) { /* names can be long: the reason is never cut */
    va_start(ap, fmt);
    vsnprintf(reason, (size_t)len + 1, fmt, ap);
    va_end(ap);
  }
  iatk__compile_forbid(n, JT_OBJECT,
                       reason ? reason : "a required property is not allowed");
  free(reason);
  return IATK_OK;
}

static int require(compile_ctx *c, int idx, const json_t *s, const char *name) {
  plan_node *n = NODE(c, idx);
  int at = find_prop(c, idx, name);
  if (at >= 0) {
    n->obj.props[at].required = 1;
    return IATK_OK;
  }
  if (!name_allowed(c, s, name))
    return forbid_object(
        n, "required property '%s' does not satisfy propertyNames", name);
  int node = pattern_node_for(c, n, name);
  if (node == -2 && n->obj.additional_forbidden)
    return forbid_object(n,
                         "required property '%s' is forbidden by "
                         "additionalProperties: false",
                         name);
  return add_prop(c, idx, name, node == -2 ? n->obj.additional : node, 1);
}

static int read_required(compile_ctx *c, int idx, const json_t *s) {
  const json_t *required = json_object_get(s, "required");
  size_t i;
  json_t *name;
  if (json_is_array(required))
    NODE(c, idx)->obj.has_required = 1;
  json_array_foreach(required, i, name) {
    if (!json_is_string(name))
      continue;
    int rc = require(c, idx, s, json_string_value(name));
    if (rc != IATK_OK)
      return rc;
  }
  return IATK_OK;
}

/* dependentRequired (and array-valued dependencies): when a property is
 * emitted, the ones it names must be too. */
static int add_needs(compile_ctx *c, int idx, const char *name,
                     const json_t *list) {
  int owner = find_prop(c, idx, name);
  if (owner < 0 || !json_is_array(list))
    return IATK_OK; /* never emitted, so never triggers */
  size_t i;
  json_t *dep;
  json_array_foreach(list, i, dep) {
    const char *needed = json_string_value(dep);
    if (!needed)
      continue;
    int at = find_prop(c, idx, needed);
    int node = at < 0 ? pattern_node_for(c, NODE(c, idx), needed) : -2;
    if (at < 0 && node == -2 && NODE(c, idx)->obj.additional_forbidden) {
      plan_prop *p = &NODE(c, idx)->obj.props[owner];
      if (p->required)
        return forbid_object(NODE(c, idx),
                             "required property '%s' needs '%s' "
                             "(dependentRequired), which additionalProperties: "
                             "false forbids",
                             name, needed);
      p->impossible = 1;
      continue;
    }
    if (at < 0 && add_prop(c, idx, needed,
                           node == -2 ? NODE(c, idx)->obj.additional : node,
                           0) != IATK_OK)
      return iatk__error_code(c->err, IATK_ENOMEM);
    at = at < 0 ? (int)NODE(c, idx)->obj.prop_count - 1 : at;
    plan_prop *p = &NODE(c, idx)->obj.props[owner];
    int *needs = realloc(p->needs, (p->need_count + 1) * sizeof *needs);
    if (!needs)
      return iatk__compile_oom(c);
    p->needs = needs;
    needs[p->need_count++] = at;
  }
  return IATK_OK;
}

static int read_dependent_required(compile_ctx *c, int idx, const json_t *s) {
  static const char *keys[] = {"dependentRequired", "dependencies"};
  for (int k = 0; k < 2; k++) {
    const char *name;
    json_t *list;
    json_object_foreach(json_object_get(s, keys[k]), name, list) {
      int rc = add_needs(c, idx, name, list);
      if (rc != IATK_OK)
        return rc;
    }
  }
  return IATK_OK;
}

static void read_property_counts(compile_ctx *c, int idx, const json_t *s) {
  plan_node *n = NODE(c, idx);
  const json_t *names = json_object_get(s, "propertyNames");
  const json_t *values = json_object_get(names, "enum");
  if (json_is_array(values))
    n->obj.name_values = json_incref((json_t *)values);
  else if (json_is_string(json_object_get(names, "const")))
    n->obj.name_values = json_pack("[O]", json_object_get(names, "const"));
  const char *pattern = json_string_value(json_object_get(names, "pattern"));
  if (pattern) {
    n->obj.name_pattern = strdup(pattern);
    n->obj.name_rx = iatk__rx_parse(pattern);
  }
}

/* A name with U+0000 in it ("a\u0000b") in `required` (object keys with it
 * are refused when the document is read): names travel as C strings through
 * the compiler and the generator, which would cut it and write an event
 * missing the property, so such a schema is refused. */
static int has_nul_name(const json_t *names) {
  size_t i;
  json_t *name;
  json_array_foreach(names, i, name) {
    if (json_is_string(name) &&
        strlen(json_string_value(name)) != json_string_length(name))
      return 1;
  }
  return 0;
}

static int check_names(compile_ctx *c, int idx, const json_t *s) {
  const char *key;
  json_t *names;
  int nul = has_nul_name(json_object_get(s, "required"));
  json_object_foreach((json_t *)json_object_get(s, "dependentRequired"), key,
                      names) nul |= has_nul_name(names);
  if (!nul)
    return IATK_OK;
  return iatk__fail_at(c->err, IATK_EUNSUPPORTED, NODE(c, idx)->pointer,
                       "schema at %s: a required property name contains "
                       "U+0000, which iatk does not support in names",
                       NODE(c, idx)->pointer);
}

int iatk__read_object_keywords(compile_ctx *c, int idx, const json_t *s) {
  int rc;
  if ((rc = check_names(c, idx, s)) != IATK_OK)
    return rc;
  read_property_counts(c, idx, s);
  if ((rc = read_properties(c, idx, s)) != IATK_OK ||
      (rc = read_pattern_properties(c, idx, s)) != IATK_OK ||
      (rc = read_additional(c, idx, s)) != IATK_OK ||
      (rc = read_required(c, idx, s)) != IATK_OK)
    return rc;
  return read_dependent_required(c, idx, s);
}
