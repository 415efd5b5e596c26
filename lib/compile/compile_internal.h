/* State shared by the compile stage's files (compile.c, ref.c, merge.c). */
#ifndef IATK_COMPILE_INTERNAL_H
#define IATK_COMPILE_INTERNAL_H

#include "compile/plan.h"

typedef struct compile_ctx {
  const iatk_schema *schema;
  iatk_plan *plan;
  iatk_ptrmap memo; /* schema object address -> node number */
  json_t *owned;    /* merged schema objects, kept alive until the end */
  iatk_error *err;
  int depth;           /* recursion depth, bounded by IATK_MAX_SCHEMA_DEPTH */
  long merges;         /* allOf member merges in this compile, bounded */
  iatk_ptrmap *merged; /* members already in the merge under way */
  iatk_validator *samples_check; /* vets examples/default, made on demand */
  struct regex_cache *regexes;   /* matches names against patternProperties */
  json_t *names;                 /* property name -> index for names_node */
  int names_node;
} compile_ctx;

/* Resolves a reference made by `holder` (the object with the $ref; NULL
 * for the event itself): a document pointer ("#/components/schemas/X"),
 * or, against the base URI in force, an $id-relative URI or an $anchor.
 * `at` is the pointer of the $ref for messages. */
const json_t *iatk__ref_resolve(compile_ctx *c, const json_t *holder,
                                const char *ref, const char *at);
/* A $dynamicRef's target in the outermost dynamic scope, or NULL to
 * resolve it statically. */
const json_t *iatk__ref_resolve_dynamic(compile_ctx *c, const char *ref);
/* The validator over the whole document (made on first use) that vets
 * examples and defaults against the sub-schemas they stand in. */
iatk_validator *iatk__compile_samples_validator(compile_ctx *c);
/* The base URI in force where `holder` stands: the document's, or the one
 * noted for a schema the compiler rewrote (iatk__ref_note_base). */
const char *iatk__ref_base_of(compile_ctx *c, const json_t *holder);
/* Records the base URI in force for a holder made outside the document
 * (a rewritten schema), so its relative $ref resolves as the original's. */
int iatk__ref_note_base(compile_ctx *c, const json_t *holder, const char *base);

/* Follows $ref until a schema that is not a bare reference, detecting
 * reference cycles.  *pointer is replaced by the target's pointer (caller
 * frees the new one; the input is freed when replaced). */
const json_t *iatk__ref_follow(compile_ctx *c, const json_t *schema,
                               char **pointer);

/* Whether a schema has a $ref and keywords beside it that constrain. */
int iatk__ref_has_siblings(const json_t *schema);
/* {"allOf": [{"$ref": ...}, <the siblings>]}: how 2019-09 and later apply
 * a $ref with siblings.  Owned by the context. */
const json_t *iatk__ref_split_siblings(compile_ctx *c, const json_t *schema);

/* Flattens allOf (recursively, following $ref) into one merged schema
 * object owned by the context. */
const json_t *iatk__merge_all_of(compile_ctx *c, const json_t *schema,
                                 const char *pointer);
/* Before `member` is merged into `dst`: writes out each side's
 * additionalProperties for the names the other declares, and its items
 * for the tuple positions the other covers (merge_local.c).  Returns the
 * member to merge (an owned copy when changed), NULL on error. */
const json_t *iatk__merge_localize(compile_ctx *c, json_t *dst,
                                   const json_t *member);
/* Merges a base schema, minus the keywords in `drop` (NULL-terminated),
 * with one branch. */
const json_t *iatk__merge_branch(compile_ctx *c, const json_t *base,
                                 const json_t *branch, const char *const *drop,
                                 const char *pointer);

/* A size keyword's value as a count, saturated (no UB on 1e300). */
static inline int64_t compile_count(double d) {
  return d <= 0 ? 0 : d > 1e15 ? (int64_t)1e15 : (int64_t)d;
}
/* Removes `types` from a node, keeping the first reason for messages.  A
 * contradiction is local: it makes its own node (or one type of it) admit
 * nothing, and the finiteness analysis decides whether that empties the
 * whole schema (a required member) or only drops an optional one. */
void iatk__compile_forbid(plan_node *n, unsigned types, const char *reason);
/* Fails with ENOMEM ("out of memory compiling the schema"). */
int iatk__compile_oom(compile_ctx *c);
/* Compiles sub-schema `sub` found at base/key; node number or -1. */
int iatk__compile_child(compile_ctx *c, const json_t *sub, const char *base,
                        const char *key);
/* Keyword groups, each in its own file. */
int iatk__read_object_keywords(compile_ctx *c, int idx, const json_t *s);
int iatk__read_array_keywords(compile_ctx *c, int idx, const json_t *s);
int iatk__read_variant_keywords(compile_ctx *c, int idx, const json_t *s);
/* Whether a schema has keywords that compile into variants. */
int iatk__has_variant_keywords(const json_t *s);

/* Compiles a schema into a node; returns its number or -1 (err set). */
int iatk__compile_node(compile_ctx *c, const json_t *schema, char *pointer);

#endif
