/* allOf: every member must hold, so members are merged into one schema
 * object before compiling.  Keywords that combine (type, properties,
 * required, enum, bounds) are intersected; sub-schemas that meet under the
 * same name become a nested allOf, merged lazily when compiled. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compile/compile_internal.h"
#include "document/keywords.h"
#include "validate/validator.h"

/* Bounds on work, not on meaning: a member met twice in one merge is
 * merged once (A and A is A), so shared references and cycles cost
 * nothing; what remains is the size of the schema itself. */
#define MAX_ALLOF_DEPTH 1000
#define MAX_MERGES 2000000
#define MAX_PRODUCT 256

/* Keeps a merged object alive for the whole compile; returns it borrowed. */
static json_t *own(compile_ctx *c, json_t *obj) {
  if (!obj)
    return NULL;
  json_array_append_new(c->owned, obj);
  return obj;
}

/* {"allOf": [a, b]}, flattened when `a` is already such a pair, so many
 * members meeting on one property stay one level deep. */
static json_t *pair_all_of(json_t *a, json_t *b) {
  json_t *list = json_object_get(a, "allOf");
  if (json_is_object(a) && json_object_size(a) == 1 && json_is_array(list)) {
    json_t *flat = json_copy(list);
    json_array_append(flat, b);
    return json_pack("{s:o}", "allOf", flat);
  }
  return json_pack("{s:[OO]}", "allOf", a, b);
}

static json_t *type_list(json_t *type) {
  if (json_is_array(type))
    return json_incref(type);
  return json_pack("[O]", type);
}

static int merge_type(compile_ctx *c, json_t *dst, json_t *src,
                      const char *pointer) {
  json_t *a = type_list(json_object_get(dst, "type")), *b = type_list(src);
  json_t *both = json_array();
  size_t i, j;
  json_t *ta, *tb;
  json_array_foreach(a, i, ta) json_array_foreach(b, j, tb) {
    int same = json_equal(ta, tb);
    /* integer is a subtype of number */
    int narrowed = json_is_string(ta) && json_is_string(tb) &&
                   ((!strcmp(json_string_value(ta), "integer") &&
                     !strcmp(json_string_value(tb), "number")) ||
                    (!strcmp(json_string_value(ta), "number") &&
                     !strcmp(json_string_value(tb), "integer")));
    if (same || narrowed)
      json_array_append_new(
          both, json_string(narrowed ? "integer" : json_string_value(ta)));
  }
  json_decref(a);
  json_decref(b);
  if (json_array_size(both) == 0) {
    json_decref(both);
    return iatk__fail_at(c->err, IATK_EUNSAT, pointer,
                         "allOf member %s shares no type with the members "
                         "before it",
                         pointer);
  }
  json_object_set_new(dst, "type", both);
  return IATK_OK;
}

static void merge_properties(json_t *dst, json_t *src) {
  json_t *mine = json_object_get(dst, "properties");
  json_t *merged = json_is_object(mine) ? json_copy(mine) : json_object();
  const char *key;
  json_t *value;
  json_object_foreach(src, key, value) {
    json_t *old = json_object_get(merged, key);
    /* `false` wins outright: the property must be absent */
    json_object_set_new(merged, key,
                        old && !json_is_false(value) && !json_is_false(old)
                            ? pair_all_of(old, value)
                            : json_incref(json_is_false(old) ? old : value));
  }
  json_object_set_new(dst, "properties", merged);
}

static void merge_required(json_t *dst, json_t *src) {
  json_t *mine = json_object_get(dst, "required");
  json_t *merged = json_is_array(mine) ? json_copy(mine) : json_array();
  size_t i, j;
  json_t *name, *have;
  json_array_foreach(src, i, name) {
    int present = 0;
    json_array_foreach(merged, j, have) present |= json_equal(have, name);
    if (!present)
      json_array_append(merged, name);
  }
  json_object_set_new(dst, "required", merged);
}

static int merge_enum(compile_ctx *c, json_t *dst, json_t *src,
                      const char *pointer) {
  json_t *mine = json_object_get(dst, "enum"), *kept = json_array();
  size_t i, j;
  json_t *a, *b;
  json_array_foreach(mine, i, a)
      json_array_foreach(src, j, b) if (json_equal(a, b)) {
    json_array_append(kept, a);
    break;
  }
  json_object_set_new(dst, "enum", kept);
  if (json_array_size(kept) == 0)
    return iatk__fail_at(c->err, IATK_EUNSAT, pointer,
                         "allOf at %s: the members' enum lists share no value",
                         pointer);
  return IATK_OK;
}

static void merge_bound(json_t *dst, const char *key, json_t *src, int lower) {
  double a = json_number_value(json_object_get(dst, key));
  double b = json_number_value(src);
  if ((lower && b > a) || (!lower && b < a))
    json_object_set(dst, key, src);
}

/* Tuples meet position by position; the longer one's tail stays. */
static void merge_tuple(json_t *dst, const char *key, json_t *src) {
  json_t *old = json_object_get(dst, key), *merged = json_array();
  size_t n = json_array_size(old) > json_array_size(src) ? json_array_size(old)
                                                         : json_array_size(src);
  for (size_t i = 0; i < n; i++) {
    json_t *a = json_array_get(old, i), *b = json_array_get(src, i);
    json_array_append_new(merged,
                          a && b ? pair_all_of(a, b) : json_incref(a ? a : b));
  }
  json_object_set_new(dst, key, merged);
}

/* Integer multipleOf values meet at their least common multiple. */
static void merge_multiple(json_t *dst, json_t *a, json_t *b) {
  json_int_t x = json_integer_value(a), y = json_integer_value(b), g = x, h = y;
  while (h) {
    json_int_t t = g % h;
    g = h;
    h = t;
  }
  if (g > 0 && x / g <= INT64_MAX / (y ? y : 1))
    json_object_set_new(dst, "multipleOf", json_integer(x / g * y));
}

/* Two members' anyOf (or oneOf) lists: the pairwise allOf of their
 * branches is an exact equivalent (for oneOf too: exactly one a and
 * exactly one b match iff exactly one pair does). */
static int merge_alternatives(compile_ctx *c, json_t *dst, const char *key,
                              json_t *src, const char *pointer) {
  json_t *old = json_object_get(dst, key);
  if (!json_is_array(old) || !json_is_array(src) ||
      json_array_size(old) * json_array_size(src) > MAX_PRODUCT)
    return iatk__fail_at(
        c->err, IATK_EUNSUPPORTED, pointer,
        "allOf at %s: members' %s lists combine into more than "
        "%d branches",
        pointer, key, MAX_PRODUCT);
  json_t *product = json_array();
  size_t i, j;
  json_t *a, *b;
  json_array_foreach(old, i, a) json_array_foreach(src, j, b)
      json_array_append_new(product, json_pack("{s:[OO]}", "allOf", a, b));
  json_object_set_new(dst, key, product);
  return IATK_OK;
}

/* Applies the keyword's merge rule (document/keywords.h); a value the rule
 * cannot combine is the first member's for generation, and the self-check
 * enforces every member's. */
static int merge_by_rule(compile_ctx *c, json_t *dst, const char *key,
                         unsigned flags, merge_rule rule, json_t *old,
                         json_t *src, const char *pointer) {
  switch (rule) {
  case MERGE_TYPE: return merge_type(c, dst, src, pointer);
  case MERGE_PROPERTIES:
    if (!json_is_object(src))
      break;
    merge_properties(dst, src);
    return IATK_OK;
  case MERGE_REQUIRED:
    if (!json_is_array(src))
      break;
    merge_required(dst, src);
    return IATK_OK;
  case MERGE_ENUM:
    if (json_is_array(src) && json_is_array(old))
      return merge_enum(c, dst, src, pointer);
    break;
  case MERGE_CONST:
    if (!json_equal(old, src))
      return iatk__fail_at(
          c->err, IATK_EUNSAT, pointer,
          "allOf at %s: members require different const values", pointer);
    return IATK_OK;
  case MERGE_BOUND:
    if (!json_is_number(old) || !json_is_number(src))
      break;
    merge_bound(dst, key, src, (flags & KW_LOWER) != 0);
    return IATK_OK;
  case MERGE_TUPLE:
    if (!json_is_array(old) || !json_is_array(src))
      break;
    merge_tuple(dst, key, src);
    return IATK_OK;
  case MERGE_ITEMS:
    if (json_is_array(old) && json_is_array(src))
      merge_tuple(dst, key, src);
    else
      json_object_set_new(dst, key, pair_all_of(old, src));
    return IATK_OK;
  case MERGE_PAIR:
    json_object_set_new(dst, key, pair_all_of(old, src));
    return IATK_OK;
  case MERGE_NULLABLE:
    if (!json_is_false(old) && !json_is_false(src))
      break;
    json_object_set_new(dst, key, json_false());
    return IATK_OK;
  case MERGE_MULTIPLE:
    if (!json_is_integer(old) || !json_is_integer(src))
      break;
    merge_multiple(dst, old, src);
    return IATK_OK;
  case MERGE_ALTERNATIVES:
    if (!json_equal(old, src))
      return merge_alternatives(c, dst, key, src, pointer);
    return IATK_OK;
  case MERGE_FIRST: break;
  }
  if (!json_equal(old, src))
    c->plan->needs_check = 1;
  return IATK_OK;
}

static int merge_keyword(compile_ctx *c, json_t *dst, const char *key,
                         json_t *src, const char *pointer) {
  const schema_keyword *k = iatk__schema_keyword_find(key);
  merge_rule rule = k ? k->merge : MERGE_FIRST;
  json_t *old = json_object_get(dst, key);
  /* properties and required are always built afresh (a copy, then the
   * union), so that dst never shares a member's object */
  if (!old && rule != MERGE_PROPERTIES && rule != MERGE_REQUIRED)
    return json_object_set(dst, key, src) ? IATK_ENOMEM : IATK_OK;
  return merge_by_rule(c, dst, key, k ? k->flags : 0, rule, old, src, pointer);
}

static int merge_member(compile_ctx *c, json_t *dst, const json_t *member,
                        const char *pointer, int depth);

static int merge_members(compile_ctx *c, json_t *dst, const json_t *all_of,
                         const char *pointer, int depth) {
  size_t i;
  json_t *member;
  char *base = iatk__pointer_append(pointer, "allOf");
  json_array_foreach(all_of, i, member) {
    char *at = base ? iatk__pointer_append_index(base, i) : NULL;
    const json_t *target = at ? iatk__ref_follow(c, member, &at) : NULL;
    int rc = !target ? iatk__error_code(c->err, IATK_ENOMEM)
             : iatk__ptrmap_get(c->merged, target) >= 0
                 ? IATK_OK /* met before */
                 : merge_member(c, dst, target, at, depth + 1);
    free(at);
    if (rc != IATK_OK) {
      free(base);
      return rc;
    }
  }
  free(base);
  return IATK_OK;
}

/* In 2019-09 and later a member's $ref with siblings is one more member:
 * its target is merged, resolved against the base URI where the member
 * stands (a merged copy no longer knows it). */
static int merge_member_ref(compile_ctx *c, json_t *dst, const json_t *member,
                            const char *pointer, int depth) {
  const char *ref = json_string_value(json_object_get(member, "$ref"));
  if (!ref || !c->plan->refs_with_siblings)
    return IATK_OK;
  char *at = iatk__pointer_append(pointer, "$ref");
  const json_t *target = at ? iatk__ref_resolve(c, member, ref, at) : NULL;
  int rc = !target ? iatk__error_code(c->err, IATK_ENOMEM)
           : iatk__ptrmap_get(c->merged, target) >= 0
               ? IATK_OK
               : merge_member(c, dst, target, at, depth + 1);
  free(at);
  return rc;
}

static int merge_member(compile_ctx *c, json_t *dst, const json_t *member,
                        const char *pointer, int depth) {
  if (++c->merges > MAX_MERGES)
    return iatk__fail_at(c->err, IATK_ELIMIT, pointer,
                         "allOf at %s needs more than %d merges (shared "
                         "references multiply them)",
                         pointer, MAX_MERGES);
  if (depth > MAX_ALLOF_DEPTH)
    return iatk__fail_at(c->err, IATK_ELIMIT, pointer,
                         "allOf at %s nests more than %d levels deep", pointer,
                         MAX_ALLOF_DEPTH);
  if (iatk__ptrmap_put(c->merged, member, 1) != IATK_OK)
    return iatk__compile_oom(c);
  if (json_is_false(member))
    return iatk__fail_at(c->err, IATK_EUNSAT, pointer,
                         "allOf at %s contains the schema false", pointer);
  if (!json_is_object(member))
    return IATK_OK; /* true, or a non-schema the validator would reject */
  const char *key;
  json_t *value;
  /* null passes allOf only if every typed member is nullable: a typed
   * member without nullable makes the merge non-nullable for good */
  if (json_object_get(member, "type") &&
      !json_is_true(json_object_get(member, "nullable")))
    json_object_set_new(dst, "nullable", json_false());
  int rc = merge_member_ref(c, dst, member, pointer, depth);
  if (rc != IATK_OK)
    return rc;
  if (!(member = iatk__merge_localize(c, dst, member)))
    return iatk__error_code(c->err, IATK_ENOMEM);
  json_object_foreach((json_t *)member, key, value) {
    if (strcmp(key, "allOf") == 0 ||
        !iatk__schema_keyword_active(c->plan->dialect, key) ||
        (strcmp(key, "$ref") == 0 && c->plan->refs_with_siblings))
      continue;
    /* OpenAPI 3.0.3: nullable only qualifies a `type` beside it */
    if (strcmp(key, "nullable") == 0 && !json_object_get(member, "type"))
      continue;
    rc = merge_keyword(c, dst, key, value, pointer);
    if (rc != IATK_OK)
      return rc;
  }
  json_t *nested = json_object_get(member, "allOf");
  return json_is_array(nested) ? merge_members(c, dst, nested, pointer, depth)
                               : IATK_OK;
}

const json_t *iatk__merge_all_of(compile_ctx *c, const json_t *schema,
                                 const char *pointer) {
  json_t *dst = own(c, json_object());
  if (!dst) {
    iatk__fail(c->err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  iatk_ptrmap merged, *outer = c->merged; /* merges do not nest, but be safe */
  iatk__ptrmap_init(&merged);
  c->merged = &merged;
  int rc = merge_member(c, dst, schema, pointer, 0);
  c->merged = outer;
  iatk__ptrmap_release(&merged);
  return rc == IATK_OK ? dst : NULL;
}

const json_t *iatk__merge_branch(compile_ctx *c, const json_t *base,
                                 const json_t *branch, const char *const *drop,
                                 const char *pointer) {
  json_t *dst = own(c, json_object());
  json_t *base_only = json_copy((json_t *)base);
  if (!dst || !base_only) {
    json_decref(base_only);
    iatk__fail(c->err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  for (const char *const *k = drop; *k; k++)
    json_object_del(base_only, *k);
  json_object_set_new(dst, "allOf", json_pack("[oO]", base_only, branch));
  return iatk__merge_all_of(c, dst, pointer);
}

const json_t *iatk__ref_split_siblings(compile_ctx *c, const json_t *schema) {
  json_t *ref_only = json_object(), *rest = json_copy((json_t *)schema);
  static const char *refs[] = {"$ref", "$dynamicRef", "$recursiveRef"};
  for (int i = 0; ref_only && rest && i < 3; i++) {
    json_t *ref = json_object_get(schema, refs[i]);
    if (ref)
      json_object_set(ref_only, refs[i], ref);
    json_object_del(rest, refs[i]);
  }
  if (ref_only && iatk__ref_note_base(
                      c, ref_only, iatk__ref_base_of(c, schema)) != IATK_OK) {
    json_decref(ref_only);
    ref_only = NULL;
  }
  json_t *both =
      ref_only && rest ? json_pack("{s:[oo]}", "allOf", ref_only, rest) : NULL;
  if (!both) {
    json_decref(ref_only);
    json_decref(rest);
    iatk__fail(c->err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  return own(c, both);
}
