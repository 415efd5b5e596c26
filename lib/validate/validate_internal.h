/* The validator's private pieces (validate.c, applicators.c, format.c,
 * regex.c).  It walks the schema document directly, never the plan, so it
 * is an independent check of what generation produced. */
#ifndef IATK_VALIDATE_INTERNAL_H
#define IATK_VALIDATE_INTERNAL_H

#include "common/internal.h"
#include "schema/schema_internal.h" /* the dialect decision */

/* Maps every "$id"/"id"/"$anchor" in the document to its schema. */
typedef struct id_entry {
  char *uri; /* absolute-ish: base without fragment, or base#anchor */
  const json_t *schema;
} id_entry;

typedef struct regex_cache regex_cache;

struct iatk_validator {
  json_t *doc;
  int borrowed;          /* doc is not ours to decref */
  iatk_ptrmap ref_bases; /* object with $ref -> index in bases (lexical base) */
  char **bases;
  size_t base_count, base_cap;
  const json_t *root; /* the event's schema */
  char *root_pointer;
  char *root_base;    /* base URI in force at the root */
  dialect dialect;
  id_entry *ids;
  size_t id_count, id_cap;
  regex_cache *regexes;
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
} evaluated;

typedef struct vctx {
  iatk_validator *v;
  iatk_error *err;
  int quiet;      /* >0 inside anyOf/oneOf/not/if: failures are expected */
  int depth;
  const char *base; /* base URI of the schema being applied */
  const json_t *dynamic_scope[64]; /* schema resources entered, outermost first */
  int scope_depth;
} vctx;

/* validate.c */
/* 1 when `inst` is valid against the schema at `pointer` of the document. */
int validator_check_at(iatk_validator *v, const char *pointer, const json_t *inst);
/* 1 when `inst` is valid against `schema` (any schema object; its $refs
 * resolve in the validator's document). */
int validator_check_schema(iatk_validator *v, const json_t *schema, const json_t *inst);
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
void evaluated_init(evaluated *e);
void evaluated_release(evaluated *e);
void evaluated_merge(evaluated *into, const evaluated *from);
int v_apply_ref(vctx *c, const json_t *s, const json_t *inst,
                const vpath *ipath, const vpath *spath, evaluated *ev);
const json_t *v_resolve(vctx *c, const char *ref, const char **new_base,
                        char **owned_base);
int v_json_equal(const json_t *a, const json_t *b);

/* applicators.c: every keyword, grouped by instance type */
int v_keywords(vctx *c, const json_t *s, const json_t *inst,
               const vpath *ipath, const vpath *spath, evaluated *ev);

/* format.c: 1 when `text` is valid for `format` (unknown formats pass) */
int v_format_ok(const char *format, const char *text, size_t len);

/* regex.c: ECMA-262 patterns through PCRE2, compiled once per validator */
regex_cache *regex_cache_new(void);
void regex_cache_free(regex_cache *rc);
/* 1 match, 0 no match, -1 pattern does not compile */
int regex_search(regex_cache *rc, const char *pattern, const char *text,
                 size_t len);

/* ids.c: the $id / $anchor index and URI joining */
int ids_build(iatk_validator *v, iatk_error *err);
char *uri_join(const char *base, const char *ref);
const json_t *ids_lookup(const iatk_validator *v, const char *uri);
/* The base URI in force where `holder` (an object with $ref) stands; "" when
 * no $id encloses it. */
const char *ids_base_of(const iatk_validator *v, const json_t *holder);
/* Records the base URI in force for a holder made outside the document
 * (a rewritten schema), so its relative $ref resolves as the original's. */
int ids_note_base(iatk_validator *v, const json_t *holder, const char *base);

#endif
