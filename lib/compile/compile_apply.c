/* Compiling the array keywords (tuple items, items, contains) and the
 * applicators that become variants (anyOf, oneOf, if/then/else). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile/compile_internal.h"

#define NODE(c, i) (&(c)->plan->nodes[(i)])

static int has_dependent_schema(const json_t *s);

/* ---------------------------------------------------------------- arrays */

static int read_prefix(compile_ctx *c, int idx, const json_t *list,
                       const char *keyword) {
  char *base = iatk__pointer_append(NODE(c, idx)->pointer, keyword);
  size_t n = json_array_size(list);
  int *prefix = calloc(n ? n : 1, sizeof *prefix);
  if (!base || !prefix) {
    free(base);
    free(prefix);
    return iatk__compile_oom(c);
  }
  NODE(c, idx)->arr.prefix = prefix; /* owned by the node from here on */
  for (size_t i = 0; i < n; i++) {
    char *at = iatk__pointer_append_index(base, i);
    int child = at ? iatk__compile_node(c, json_array_get(list, i), at) : -1;
    if (child < 0) {
      free(base);
      return iatk__error_code(c->err, IATK_ENOMEM);
    }
    NODE(c, idx)->arr.prefix[NODE(c, idx)->arr.prefix_count++] = child;
  }
  free(base);
  return IATK_OK;
}

/* Items after the tuple must satisfy unevaluatedItems, unless contains
 * evaluated them: {"anyOf": [contains, unevaluatedItems]}. */
static const json_t *unevaluated_items(compile_ctx *c, const json_t *s) {
  const json_t *rest = json_object_get(s, "unevaluatedItems");
  const json_t *contains = json_object_get(s, "contains");
  if (!contains)
    return rest;
  json_t *either = json_pack("{s:[OO]}", "anyOf", contains, rest);
  if (either)
    json_array_append_new(c->owned, either);
  return either;
}

/* Array items in every dialect's spelling: prefixItems + items (2020-12),
 * items array + additionalItems (draft-04 to 2019-09), or items alone. */
static int read_items(compile_ctx *c, int idx, const json_t *s) {
  const json_t *prefix = json_object_get(s, "prefixItems");
  const json_t *rest = json_object_get(s, "items");
  const char *prefix_key = "prefixItems", *rest_key = "items";
  if (!json_is_array(prefix) && json_is_array(rest)) {
    prefix = rest;
    prefix_key = "items";
    rest = json_object_get(s, "additionalItems");
    rest_key = "additionalItems";
  }
  if (!rest && json_object_get(s, "unevaluatedItems") &&
      !iatk__has_variant_keywords(s)) {
    rest = unevaluated_items(c, s); /* what follows the tuple */
    rest_key = "unevaluatedItems";
    if (!rest)
      return iatk__compile_oom(c);
  }
  NODE(c, idx)->arr.unique_items =
      json_is_true(json_object_get(s, "uniqueItems"));
  int rc =
      json_is_array(prefix) ? read_prefix(c, idx, prefix, prefix_key) : IATK_OK;
  if (rc != IATK_OK || !rest || json_is_true(rest) || json_is_array(rest))
    return rc;
  int child = iatk__compile_child(c, rest, NODE(c, idx)->pointer, rest_key);
  if (child < 0)
    return iatk__error_code(c->err, IATK_ENOMEM);
  NODE(c, idx)->arr.items = child;
  return IATK_OK;
}

/* contains: the first min_contains items after the tuple are generated from
 * the contains schema merged with the items schema, so they satisfy both. */
static int read_contains(compile_ctx *c, int idx, const json_t *s) {
  const json_t *contains = json_object_get(s, "contains");
  if (!contains)
    return IATK_OK;
  const json_t *min = json_object_get(s, "minContains");
  int64_t wanted =
      json_is_number(min) ? compile_count(json_number_value(min)) : 1;
  if (wanted <= 0)
    return IATK_OK;
  if (wanted > 1000000)
    return iatk__fail_at(c->err, IATK_ELIMIT, NODE(c, idx)->pointer,
                         "minContains %lld at %s is above the limit of 1000000",
                         (long long)wanted, NODE(c, idx)->pointer);
  const json_t *items = json_object_get(s, "items");
  json_t *both = json_pack("{s:[OO]}", "allOf", contains,
                           json_is_object(items) || json_is_boolean(items)
                               ? (json_t *)items
                               : json_true());
  if (!both)
    return iatk__compile_oom(c);
  json_array_append_new(c->owned, both);
  int child = iatk__compile_child(c, both, NODE(c, idx)->pointer, "contains");
  if (child < 0)
    return iatk__error_code(c->err, IATK_ENOMEM);
  NODE(c, idx)->arr.contains = child;
  NODE(c, idx)->arr.min_contains = wanted;
  return IATK_OK;
}

/* -------------------------------------------------------------- variants */

static int add_variant(compile_ctx *c, int idx, int child) {
  plan_node *n = NODE(c, idx);
  int *v = realloc(n->variants, (n->variant_count + 1) * sizeof *v);
  if (!v)
    return iatk__compile_oom(c);
  n->variants = v;
  v[n->variant_count++] = child;
  return IATK_OK;
}

/* Merges a branch with its base; a branch that contradicts the base (or is
 * `false`) is no error for anyOf/oneOf: it is skipped (*skipped = 1). */
static const json_t *merge_satisfiable(compile_ctx *c, const json_t *base,
                                       const json_t *branch,
                                       const char *const *drop, const char *at,
                                       int *skipped) {
  iatk_error local;
  iatk_error_clear(&local);
  iatk_error *outer = c->err;
  c->err = &local;
  const json_t *merged = iatk__merge_branch(c, base, branch, drop, at);
  c->err = outer;
  if (merged || local.code == IATK_OK)
    return merged;
  if (local.code == IATK_EUNSAT) {
    *skipped = 1;
    return NULL;
  }
  if (outer && !outer->code)
    *outer = local;
  return NULL;
}

/* Compiles base+branch as a variant of node idx, unless contradictory. */
static int add_branch(compile_ctx *c, int idx, const json_t *s,
                      const json_t *branch, const char *const *drop, char *at) {
  int skipped = 0;
  const json_t *merged =
      at ? merge_satisfiable(c, s, branch, drop, at, &skipped) : NULL;
  if (skipped) {
    free(at);
    return IATK_OK;
  }
  int child = merged ? iatk__compile_node(c, merged, at) : (free(at), -1);
  return child < 0 ? iatk__error_code(c->err, IATK_ENOMEM)
                   : add_variant(c, idx, child);
}

static int no_branch_left(compile_ctx *c, int idx, const char *keyword) {
  char reason[160];
  snprintf(reason, sizeof reason, "no branch of its %s can be satisfied",
           keyword);
  iatk__compile_forbid(NODE(c, idx), JT_ANY, reason);
  return IATK_OK;
}

/* oneOf with two branches that accept everything matches no value with
 * exactly one: usually keywords the dialect does not have (draft-04 has no
 * const), so the reason names them. */
static int oneof_matches_nothing(compile_ctx *c, int idx,
                                 const json_t *branches) {
  size_t i, open = 0;
  json_t *branch;
  const char *ignored = NULL;
  json_array_foreach(branches, i, branch) open +=
      iatk__schema_accepts_everything(c->plan->dialect, branch, &ignored);
  if (open < 2)
    return 0;
  char reason[300];
  if (ignored)
    snprintf(
        reason, sizeof reason,
        "%zu branches of its oneOf accept every value, "
        "so none matches exactly one (%s has no '%s' keyword: it is ignored)",
        open, iatk__schema_dialect_name(c->plan->dialect), ignored);
  else
    snprintf(reason, sizeof reason,
             "%zu branches of its oneOf accept every value, "
             "so none matches exactly one",
             open);
  iatk__compile_forbid(NODE(c, idx), JT_ANY, reason);
  return 1;
}

/* anyOf/oneOf: each branch merged with the rest of the schema becomes a
 * variant; barebone takes the first that admits a finite value.  (oneOf's
 * exclusivity is left to the generator's self-check.) */
static int read_alternatives(compile_ctx *c, int idx, const json_t *s,
                             const char *keyword) {
  const char *drop[] = {keyword, NULL};
  const json_t *branches = json_object_get(s, keyword);
  if (!strcmp(keyword, "oneOf") && oneof_matches_nothing(c, idx, branches))
    return IATK_OK;
  char *base = iatk__pointer_append(NODE(c, idx)->pointer, keyword);
  size_t i;
  json_t *branch;
  int rc = base ? IATK_OK : iatk__compile_oom(c);
  json_array_foreach(branches, i, branch) {
    if (rc != IATK_OK)
      break;
    rc = add_branch(c, idx, s, branch, drop,
                    iatk__pointer_append_index(base, i));
  }
  free(base);
  if (rc == IATK_OK && NODE(c, idx)->variant_count == 0)
    rc = no_branch_left(c, idx, keyword);
  return rc;
}

/* if/then/else: two variants, "if and then" and "else".  The first always
 * satisfies the conditional; the second is checked, since it must also
 * fail `if`. */
static int read_conditional(compile_ctx *c, int idx, const json_t *s) {
  static const char *drop[] = {"if", "then", "else", NULL};
  const json_t *then = json_object_get(s, "then"),
               *otherwise = json_object_get(s, "else");
  json_t *both = json_pack("{s:[OO]}", "allOf", json_object_get(s, "if"),
                           then ? (json_t *)then : json_true());
  if (!both)
    return iatk__compile_oom(c);
  json_array_append_new(c->owned, both);
  int rc = add_branch(c, idx, s, both, drop,
                      iatk__pointer_append(NODE(c, idx)->pointer, "then"));
  if (rc == IATK_OK)
    rc = add_branch(c, idx, s, otherwise ? otherwise : json_true(), drop,
                    iatk__pointer_append(NODE(c, idx)->pointer, "else"));
  if (rc == IATK_OK && NODE(c, idx)->variant_count == 0)
    rc = no_branch_left(c, idx, "if/then/else");
  return rc;
}

/* The first schema-valued entry of dependentSchemas / dependencies. */
static const char *first_dependent_schema(const json_t *s, const char **keyword,
                                          const json_t **schema) {
  static const char *keys[] = {"dependentSchemas", "dependencies"};
  for (int k = 0; k < 2; k++) {
    const char *name;
    json_t *dep;
    json_object_foreach(json_object_get(s, keys[k]), name, dep) {
      if (json_is_object(dep) || json_is_boolean(dep)) {
        *keyword = keys[k];
        *schema = dep;
        return name;
      }
    }
  }
  return NULL;
}

/* `s` without one entry of one dependency keyword; owned by the context. */
static json_t *without_dependency(compile_ctx *c, const json_t *s,
                                  const char *keyword, const char *name) {
  json_t *base = json_copy((json_t *)s),
         *map = json_copy(json_object_get(s, keyword));
  if (!base || !map) {
    json_decref(base);
    json_decref(map);
    return NULL;
  }
  json_object_del(map, name);
  if (json_object_size(map))
    json_object_set_new(base, keyword, map);
  else {
    json_object_del(base, keyword);
    json_decref(map);
  }
  json_array_append_new(c->owned, base);
  return base;
}

/* dependentSchemas {name: S} holds exactly when the object has `name` and
 * satisfies S, or lacks `name`: two variants, so generation never emits
 * `name` without what S demands.  One entry at a time; the variants'
 * own compile handles the rest. */
static int read_dependent_schemas(compile_ctx *c, int idx, const json_t *s) {
  const char *keyword;
  const json_t *dep;
  const char *name = first_dependent_schema(s, &keyword, &dep);
  json_t *base = name ? without_dependency(c, s, keyword, name) : NULL;
  json_t *with =
      base ? json_pack("{s:[s],s:[O]}", "required", name, "allOf", dep) : NULL;
  json_t *without = base ? json_pack("{s:{s:b}}", "properties", name, 0) : NULL;
  if (!with || !without) {
    json_decref(with);
    json_decref(without);
    return iatk__compile_oom(c);
  }
  json_array_append_new(c->owned, with);
  json_array_append_new(c->owned, without);
  static const char *none[] = {NULL};
  char *at = iatk__pointer_append(NODE(c, idx)->pointer, keyword);
  int rc = add_branch(c, idx, base, with, none,
                      at ? iatk__pointer_append(at, name) : NULL);
  if (rc == IATK_OK)
    rc = add_branch(c, idx, base, without, none, at);
  else
    free(at);
  if (rc == IATK_OK && NODE(c, idx)->variant_count == 0)
    rc = no_branch_left(c, idx, keyword);
  return rc;
}

static int has_dependent_schema(const json_t *s) {
  const char *keyword;
  const json_t *dep;
  return first_dependent_schema(s, &keyword, &dep) != NULL;
}

int iatk__has_variant_keywords(const json_t *s) {
  return json_is_array(json_object_get(s, "anyOf")) ||
         json_is_array(json_object_get(s, "oneOf")) ||
         json_object_get(s, "if") || has_dependent_schema(s);
}

int iatk__read_array_keywords(compile_ctx *c, int idx, const json_t *s) {
  int rc = read_items(c, idx, s);
  return rc == IATK_OK ? read_contains(c, idx, s) : rc;
}

int iatk__read_variant_keywords(compile_ctx *c, int idx, const json_t *s) {
  if (json_is_array(json_object_get(s, "anyOf")))
    return read_alternatives(c, idx, s, "anyOf");
  if (json_is_array(json_object_get(s, "oneOf")))
    return read_alternatives(c, idx, s, "oneOf");
  if (json_object_get(s, "if"))
    return read_conditional(c, idx, s);
  if (has_dependent_schema(s))
    return read_dependent_schemas(c, idx, s);
  return IATK_OK;
}
