/* allOf members' catch-all keywords, made explicit before merging.
 *
 * additionalProperties applies to the names its *own* schema object does not
 * declare, and `items` (after prefixItems) to the positions its own tuple
 * does not cover.  Merging members keyword by keyword would let one member's
 * `properties` exempt a name from another member's additionalProperties (or
 * one member's prefixItems exempt a position from another's items).  So
 * before a member is merged, each side's catch-all is written out for what
 * the other side declares: the merged keywords then mean what the members
 * meant together. */
#include <string.h>

#include "compile/compile_internal.h"
#include "regex/regex.h"
#include "validate/validator.h"

/* ---------------------------------------------------------- properties */

/* Whether `s` itself says something about member `name`. */
static int covers_name(compile_ctx *c, const json_t *s, const char *name) {
  if (json_object_get(json_object_get(s, "properties"), name))
    return 1;
  const json_t *patterns = json_object_get(s, "patternProperties");
  if (!json_is_object(patterns) ||
      (!c->regexes && !(c->regexes = iatk__regex_cache_new())))
    return 0;
  const char *pattern;
  json_t *sub;
  json_object_foreach((json_t *)patterns, pattern,
                      sub) if (iatk__regex_search(c->regexes, pattern, name,
                                                  strlen(name)) == 1) return 1;
  return 0;
}

/* s.properties[name] = s.additionalProperties for each name `other`
 * declares and `s` does not cover.  `s` is ours to change. */
static int spell_out_additional(compile_ctx *c, json_t *s,
                                const json_t *other) {
  json_t *extra = json_object_get(s, "additionalProperties");
  const json_t *declared = json_object_get(other, "properties");
  if (!extra || !json_is_object(declared))
    return IATK_OK;
  json_t *props = NULL;
  const char *name;
  json_t *sub;
  json_object_foreach((json_t *)declared, name, sub) {
    if (covers_name(c, s, name))
      continue;
    if (!props) { /* a copy: the original may be the document's own */
      const json_t *mine = json_object_get(s, "properties");
      props = json_is_object(mine) ? json_copy((json_t *)mine) : json_object();
      if (!props || json_object_set_new(s, "properties", props))
        return iatk__compile_oom(c);
    }
    if (json_object_set(props, name, extra))
      return iatk__compile_oom(c);
  }
  return IATK_OK;
}

/* patternProperties of one side with additionalProperties of the other
 * cannot be written out name by name: the self-check enforces them. */
static void check_pattern_mix(compile_ctx *c, const json_t *a,
                              const json_t *b) {
  if ((json_object_get(a, "patternProperties") &&
       json_object_get(b, "additionalProperties")) ||
      (json_object_get(b, "patternProperties") &&
       json_object_get(a, "additionalProperties")))
    c->plan->needs_check = 1;
}

/* --------------------------------------------------------------- items */

/* The tuple of `s` in either spelling: prefixItems (2020-12) or an items
 * array (draft-04 to 2019-09). */
static const json_t *tuple_of(const json_t *s) {
  const json_t *prefix = json_object_get(s, "prefixItems");
  if (json_is_array(prefix))
    return prefix;
  const json_t *items = json_object_get(s, "items");
  return json_is_array(items) ? items : NULL;
}

/* What applies after the tuple: NULL when nothing constrains it. */
static json_t *rest_of(const json_t *s) {
  if (json_is_array(json_object_get(s, "prefixItems")))
    return json_object_get(s, "items");
  if (json_is_array(json_object_get(s, "items")))
    return json_object_get(s, "additionalItems");
  return json_object_get(s, "items");
}

/* Lengthens the tuple of `s` to `len` positions, each new one taking what
 * `s` applies after its tuple; `modern` picks the prefixItems spelling.
 * `s` is ours to change. */
static int extend_tuple(compile_ctx *c, json_t *s, size_t len, int modern) {
  json_t *rest = rest_of(s);
  const json_t *tuple = tuple_of(s);
  if (!rest || json_array_size(tuple) >= len)
    return IATK_OK;
  json_incref(rest);
  json_t *longer = tuple ? json_copy((json_t *)tuple) : json_array();
  while (longer && json_array_size(longer) < len)
    json_array_append(longer, rest);
  int rc = longer ? IATK_OK : IATK_ENOMEM;
  if (rc == IATK_OK && modern)
    rc = json_object_set_new(s, "prefixItems", longer) ||
                 json_object_set(s, "items", rest)
             ? IATK_ENOMEM
             : IATK_OK;
  else if (rc == IATK_OK)
    rc = json_object_set_new(s, "items", longer) ||
                 json_object_set(s, "additionalItems", rest)
             ? IATK_ENOMEM
             : IATK_OK;
  json_decref(rest);
  return rc == IATK_OK ? IATK_OK : iatk__compile_oom(c);
}

static int align_tuples(compile_ctx *c, json_t *dst, json_t *member) {
  const json_t *a = tuple_of(dst), *b = tuple_of(member);
  if (!a && !b)
    return IATK_OK;
  int modern = json_object_get(dst, "prefixItems") ||
               json_object_get(member, "prefixItems");
  size_t len = json_array_size(a) > json_array_size(b) ? json_array_size(a)
                                                       : json_array_size(b);
  int rc = extend_tuple(c, dst, len, modern);
  return rc == IATK_OK ? extend_tuple(c, member, len, modern) : rc;
}

/* --------------------------------------------------------------- entry */

static int has_catch_all(const json_t *s) {
  return json_object_get(s, "additionalProperties") || tuple_of(s) ||
         rest_of(s);
}

const json_t *iatk__merge_localize(compile_ctx *c, json_t *dst,
                                   const json_t *member) {
  if (!json_is_object(member) || json_object_size(dst) == 0 ||
      (!has_catch_all(dst) && !has_catch_all(member)))
    return member;
  json_t *copy = json_copy((json_t *)member);
  if (!copy) {
    iatk__compile_oom(c);
    return NULL;
  }
  json_array_append_new(c->owned, copy);
  check_pattern_mix(c, dst, copy);
  if (spell_out_additional(c, dst, copy) != IATK_OK ||
      spell_out_additional(c, copy, dst) != IATK_OK ||
      align_tuples(c, dst, copy) != IATK_OK)
    return NULL;
  return copy;
}
