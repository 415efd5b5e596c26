/* Following chains of $ref ("refs to refs") with cycle detection. */
#include <stdlib.h>
#include <string.h>

#include "compile/compile_internal.h"
#include "document/keywords.h"

/* A chain of refs to refs longer than the deepest schema allowed is
 * refused as too long (it is not necessarily a cycle). */
#define MAX_REF_HOPS IATK_MAX_SCHEMA_DEPTH

/* $ref, or the dynamic forms, resolved at compile time (see
 * iatk__ref_resolve_dynamic: the event's document is the outermost scope). */
static const char *ref_of(const json_t *schema) {
  static const char *keys[] = {"$ref", "$dynamicRef", "$recursiveRef"};
  for (int i = 0; json_is_object(schema) && i < 3; i++) {
    const char *ref = json_string_value(json_object_get(schema, keys[i]));
    if (ref)
      return ref;
  }
  return NULL;
}

/* Keywords that never constrain, so a $ref beside them still stands alone
 * (and so do the references themselves). */
static int is_annotation(const char *key) {
  const schema_keyword *k = iatk__schema_keyword_find(key);
  return k ? (k->flags & (KW_DESCRIBES | KW_REFERENCE)) != 0
           : iatk__schema_keyword_describes(key);
}

int iatk__ref_has_siblings(const json_t *schema) {
  if (!ref_of(schema))
    return 0;
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)schema, key,
                      value) if (!is_annotation(key)) return 1;
  return 0;
}

/* Describes a cycle as "#/a -> #/b -> #/a" for the error message. */
static void fail_cycle(compile_ctx *c, const char **chain, size_t n,
                       const char *again) {
  iatk_buf b;
  iatk__buf_init(&b);
  for (size_t i = 0; i < n; i++) {
    iatk__buf_puts(&b, chain[i]);
    iatk__buf_puts(&b, " -> ");
  }
  iatk__buf_puts(&b, again);
  iatk__fail_at(c->err, IATK_ECYCLE, chain[0],
                "$ref cycle with no schema in it: %s", b.data ? b.data : "");
  iatk__buf_release(&b);
}

static int seen_before(const char **chain, size_t n, const char *ref) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(chain[i], ref) == 0)
      return 1;
  return 0;
}

static const json_t *follow_chain(compile_ctx *c, const json_t *schema,
                                  char **pointer, const char ***chain_out);

const json_t *iatk__ref_follow(compile_ctx *c, const json_t *schema,
                               char **pointer) {
  const char **chain = NULL;
  const json_t *result = follow_chain(c, schema, pointer, &chain);
  free(chain);
  return result;
}

static const json_t *follow_chain(compile_ctx *c, const json_t *schema,
                                  char **pointer, const char ***chain_out) {
  const char **chain = *chain_out = malloc(MAX_REF_HOPS * sizeof *chain);
  size_t n = 0;
  const char *ref;
  if (!chain) {
    iatk__fail(c->err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  while ((ref = ref_of(schema)) != NULL &&
         !(c->plan->refs_with_siblings && iatk__ref_has_siblings(schema))) {
    if (n == MAX_REF_HOPS) {
      iatk__fail_at(c->err, IATK_ELIMIT, chain[0],
                    "$ref chain starting at %s is longer than %d references",
                    chain[0], MAX_REF_HOPS);
      return NULL;
    }
    if (seen_before(chain, n, ref)) {
      fail_cycle(c, chain, n, ref);
      return NULL;
    }
    chain[n++] = ref;
    char *at = *pointer;
    const json_t *holder = schema;
    schema = json_object_get(holder, "$ref")
                 ? NULL
                 : iatk__ref_resolve_dynamic(c, ref);
    if (!schema)
      schema = iatk__ref_resolve(c, holder, ref, at);
    if (!schema)
      return NULL;
    char *target = strdup(ref);
    if (!target) {
      iatk__fail(c->err, IATK_ENOMEM, "out of memory");
      return NULL;
    }
    free(at);
    *pointer = target;
  }
  return schema;
}
