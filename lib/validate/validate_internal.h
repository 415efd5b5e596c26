/* The validator's private pieces (validate.c, applicators.c, format.c,
 * regex.c).  It walks the schema document directly, never the plan, so it
 * is an independent check of what generation produced. */
#ifndef IATK_VALIDATE_INTERNAL_H
#define IATK_VALIDATE_INTERNAL_H

#include "common/internal.h"
#include "schema/schema_internal.h" /* the dialect decision */

/* Maps every "$id"/"id"/"$anchor"/"$dynamicAnchor" in the document to its
 * schema. */
typedef struct id_entry {
  char *uri; /* absolute-ish: base without fragment, or base#anchor */
  const json_t *schema;
  int dynamic; /* base#anchor made by "$dynamicAnchor" */
} id_entry;

typedef struct regex_cache regex_cache;

struct iatk_validator {
  json_t *doc;
  int borrowed;          /* doc is not ours to decref */
  iatk_ptrmap ref_bases; /* object with $ref -> index in bases (lexical base) */
  iatk_ptrmap resources; /* object with $id -> index in ids (its URI) */
  char **bases;
  size_t base_count, base_cap;
  const json_t *root; /* the event's schema */
  char *root_pointer;
  char *root_base;    /* base URI in force at the root */
  dialect dialect;
  id_entry *ids;
  size_t id_count, id_cap;
  regex_cache *regexes;
  /* The work budget of one validation: base + per_value * values in the
   * instance, counted in schema applications (see v_apply). */
  uint64_t budget_base, budget_per_value;
};

/* A path segment list for instance and schema locations, built on the
 * stack as validation descends and rendered only when something fails. */
typedef struct vpath {
  const struct vpath *up;
  const char *key; /* NULL: use index */
  size_t index;
} vpath;

/* What an applicator evaluated, for unevaluatedProperties/Items. */
typedef struct evaluated {
  json_t *props; /* object used as a set of names */
  int all_props;
  size_t items;  /* items [0, items) evaluated */
  int all_items;
  unsigned char *marked; /* marked[i]: item i evaluated (2020-12 contains) */
  size_t marked_len;
} evaluated;

/* The dynamic scope: schema resources entered, innermost first, as a list
 * on the stack (no depth cap, nothing to free). */
typedef struct vscope {
  const struct vscope *up;
  const char *base; /* the resource's URI, no fragment ("" for the document) */
} vscope;

typedef struct vctx {
  iatk_validator *v;
  iatk_error *err;
  int quiet;      /* >0 inside anyOf/oneOf/not/if: failures are expected */
  int depth;
  const char *base;      /* base URI of the schema being applied */
  const vscope *scope;   /* innermost resource of the dynamic scope */
  uint64_t steps, budget; /* schema applications done and allowed */
  /* A limit (work, depth, PCRE2) or a broken schema stopped validation:
   * the iatk code, and why.  Once set, every application returns at once
   * and no verdict is given: a limit is never "invalid" (nor, under not,
   * "valid"). */
  int halted;
  iatk_error halt;
  const iatk_wide_ints *wide; /* integers beyond int64 in the event's text */
} vctx;

/* validate.c */
/* 1 when `inst` is valid against the schema at `pointer` of the document;
 * 0 when it is invalid or could not be decided (validator_judge tells). */
int validator_check_at(iatk_validator *v, const char *pointer, const json_t *inst);
/* 1 when `inst` is valid against `schema` (any schema object; its $refs
 * resolve in the validator's document); 0 otherwise, as above. */
int validator_check_schema(iatk_validator *v, const json_t *schema, const json_t *inst);
/* The verdict with its third outcome: IATK_OK (valid), IATK_EINVALID, or
 * the code of what stopped validation (ELIMIT: the work or depth limit or
 * PCRE2's; ESCHEMA: a pattern that does not compile), described in err.
 * Quiet: an invalid instance leaves err alone. */
int validator_judge(iatk_validator *v, const json_t *schema, const json_t *inst,
                    iatk_error *err);
/* Sets the work budget (0, 0 restores the defaults): for tests, and for
 * callers that validate huge or hostile documents. */
void validator_set_budget(iatk_validator *v, uint64_t base, uint64_t per_value);
/* A validator over a document (borrowed and incref'd) whose event schema is
 * at `pointer` ("#/..."); used by generators to check their own output. */
iatk_validator *validator_create(json_t *doc, dialect d, const char *pointer,
                                 iatk_error *err);
/* The same, borrowing `doc` without a reference: for generators, whose
 * plan (which holds the document) outlives them.  No refcount is touched,
 * so threads sharing one plan never write to it. */
iatk_validator *validator_borrow(json_t *doc, dialect d, const char *pointer,
                                 iatk_error *err);
int v_apply(vctx *c, const json_t *schema, const json_t *inst,
            const vpath *ipath, const vpath *spath, evaluated *ev);
int v_fail(vctx *c, const vpath *ipath, const vpath *spath, const char *keyword,
           const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Stops validation with `code` (see vctx.halted); returns 0. */
int v_halt(vctx *c, int code, const vpath *ipath, const vpath *spath,
           const char *keyword, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void evaluated_init(evaluated *e);
void evaluated_release(evaluated *e);
void evaluated_merge(evaluated *into, const evaluated *from);
int v_apply_ref(vctx *c, const json_t *s, const json_t *inst,
                const vpath *ipath, const vpath *spath, evaluated *ev);
/* The target of `ref`, held by `holder`: resolved against the base URI in
 * force where the holder stands in the document (references are lexical),
 * with the target resource's URI in *new_base (owned by *owned_base). */
const json_t *v_resolve(vctx *c, const json_t *holder, const char *ref,
                        const char **new_base, char **owned_base);
/* Applies `target` with `base` in force, entering that resource into the
 * dynamic scope when it is another one. */
int v_apply_in(vctx *c, const json_t *target, const char *base,
               const json_t *inst, const vpath *ipath, const vpath *spath,
               evaluated *ev);
int v_json_equal(const json_t *a, const json_t *b);

/* applicators.c: every keyword, grouped by instance type */
int v_keywords(vctx *c, const json_t *s, const json_t *inst,
               const vpath *ipath, const vpath *spath, evaluated *ev);

/* format.c: 1 when `text` is valid for `format` (unknown formats pass) */
int v_format_ok(const char *format, const char *text, size_t len);

/* regex.c: ECMA-262 patterns through PCRE2, compiled once per validator */
regex_cache *regex_cache_new(void);
void regex_cache_free(regex_cache *rc);
/* 1 match, 0 no match, -1 pattern does not compile, -2 matching failed
 * (a PCRE2 match, depth or heap limit, bad UTF-8, no memory) */
int regex_search(regex_cache *rc, const char *pattern, const char *text,
                 size_t len);

/* ids.c: the $id / $anchor index and URI joining */
int ids_build(iatk_validator *v, iatk_error *err);
char *uri_join(const char *base, const char *ref);
const json_t *ids_lookup(const iatk_validator *v, const char *uri);
/* The schema of resource `base` whose "$dynamicAnchor" is `anchor`. */
const json_t *ids_lookup_dynamic(const iatk_validator *v, const char *base,
                                 const char *anchor);
/* The "$id" (or draft-04 "id") that makes `s` a resource, or NULL; in
 * dialects where $ref replaces its siblings, an id beside it is ignored. */
const char *ids_id_of(const iatk_validator *v, const json_t *s);
/* The absolute URI of the resource `s` starts (its $id resolved where it
 * stands), or NULL when `s` is no resource of the document. */
const char *ids_resource_uri(const iatk_validator *v, const json_t *s);
/* The base URI in force where `holder` (an object with $ref) stands; "" when
 * no $id encloses it. */
const char *ids_base_of(const iatk_validator *v, const json_t *holder);
/* Records the base URI in force for a holder made outside the document
 * (a rewritten schema), so its relative $ref resolves as the original's. */
int ids_note_base(iatk_validator *v, const json_t *holder, const char *base);

#endif
