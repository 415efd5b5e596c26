/* The validator's private pieces (validate.c, applicators.c, format.c,
 * regex.c).  It walks the schema document directly, never the plan, so it
 * is an independent check of what generation produced. */
#ifndef IATK_VALIDATE_INTERNAL_H
#define IATK_VALIDATE_INTERNAL_H

#include "document/document.h"
#include "regex/regex.h"
#include "validate/validator.h"

struct iatk_validator {
  json_t *doc;
  id_index *ids;            /* the document's $id/$anchor index */
  int borrowed;             /* doc and ids are not ours to release */
  iatk_ptrmap noted_bases;  /* holder outside the document -> noted_uris[i] */
  iatk_strlist *noted_uris; /* see iatk__validator_note_base */
  const json_t *root;       /* the event's schema */
  char *root_pointer;
  char *root_base; /* base URI in force at the root */
  dialect dialect;
  regex_cache *regexes;
  /* The work budget of one validation: base + per_value * values in the
   * instance, counted in schema applications (see iatk__v_apply). */
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
  size_t items; /* items [0, items) evaluated */
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
  int quiet; /* >0 inside anyOf/oneOf/not/if: failures are expected */
  int depth;
  const char *base;       /* base URI of the schema being applied */
  const vscope *scope;    /* innermost resource of the dynamic scope */
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
int iatk__v_apply(vctx *c, const json_t *schema, const json_t *inst,
                  const vpath *ipath, const vpath *spath, evaluated *ev);
int iatk__v_fail(vctx *c, const vpath *ipath, const vpath *spath,
                 const char *keyword, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Stops validation with `code` (see vctx.halted); returns 0. */
int iatk__v_halt(vctx *c, int code, const vpath *ipath, const vpath *spath,
                 const char *keyword, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void iatk__evaluated_init(evaluated *e);
void iatk__evaluated_release(evaluated *e);
void iatk__evaluated_merge(evaluated *into, const evaluated *from);
int iatk__v_apply_ref(vctx *c, const json_t *s, const json_t *inst,
                      const vpath *ipath, const vpath *spath, evaluated *ev);
/* The target of `ref`, held by `holder`: resolved against the base URI in
 * force where the holder stands in the document (references are lexical),
 * with the target resource's URI in *new_base (owned by *owned_base). */
const json_t *iatk__v_resolve(vctx *c, const json_t *holder, const char *ref,
                              const char **new_base, char **owned_base);
/* Applies `target` with `base` in force, entering that resource into the
 * dynamic scope when it is another one. */
int iatk__v_apply_in(vctx *c, const json_t *target, const char *base,
                     const json_t *inst, const vpath *ipath, const vpath *spath,
                     evaluated *ev);
int iatk__v_json_equal(const json_t *a, const json_t *b);

/* applicators.c: every keyword, grouped by instance type */
int iatk__v_keywords(vctx *c, const json_t *s, const json_t *inst,
                     const vpath *ipath, const vpath *spath, evaluated *ev);

#endif
