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
  /* Unique to this validator and its settings: a new number whenever a
   * verdict may change (creation, budget, noted bases), so a revalidator
   * never mistakes another validator at the same address for it. */
  uint64_t serial;
};

/* What a traced validation records (revalidate.c). */
typedef struct vtrace vtrace;

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
  vtrace *trace;              /* NULL but in a revalidator's full validation */
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

/* A new validator serial (see iatk_validator.serial). */
uint64_t iatk__v_new_serial(void);
/* iatk_validate_text, given the text's document when the caller has it
 * (NULL: read here) and a trace to fill (NULL: none; see
 * iatk__v_trace_begin). */
int iatk__v_validate_text(iatk_validator *v, const char *text, size_t len,
                          const json_t *event, vtrace *trace, iatk_error *err);

/* format.c: the check of `format`, NULL for a format that is only an
 * annotation (every text passes). */
typedef int (*iatk__v_format_fn)(const char *text, size_t len);
iatk__v_format_fn iatk__v_format_checker(const char *format);

/* The keywords of one schema object that a string instance meets itself
 * (not through a subschema), looked up once (dialect-aware); NULL when
 * absent.  nullable is left out: it concerns null only. */
typedef struct string_keys {
  const json_t *type, *cnst, *enm, *min_length, *max_length, *pattern;
  const char *format;
  iatk__v_format_fn format_check;
} string_keys;

/* applicators.c: every keyword, grouped by instance type */
int iatk__v_keywords(vctx *c, const json_t *s, const json_t *inst,
                     const vpath *ipath, const vpath *spath, evaluated *ev);
/* The keywords iatk__v_keywords checks on a string instance itself (type,
 * const, enum, minLength, maxLength, pattern, format): everything it
 * decides about a string but for the subschemas it applies to it.
 * iatk__v_string_keys looks them up (0: s has none), and
 * iatk__v_check_string_keys checks them, as iatk__v_keywords does, on the
 * string whose value is text/len.  `inst` is that string as a JSON value,
 * or, when k has neither const nor enum, any JSON string (only its type is
 * read then). */
int iatk__v_string_keys(const vctx *c, const json_t *s, string_keys *k);
int iatk__v_check_string_keys(vctx *c, const string_keys *k, const json_t *inst,
                              const char *text, size_t len, const vpath *ipath,
                              const vpath *spath);

/* revalidate.c: the trace of a full validation.  begin: 1 when `text`
 * (compact JSON) and `event` (its document) could be matched up, so the
 * trace is to be filled; 0 when it is not to be used.  iatk__v_trace is
 * called with every schema object applied (iatk__v_keywords). */
int iatk__v_trace_begin(vtrace *t, const char *text, size_t len,
                        const json_t *event);
void iatk__v_trace(vctx *c, const json_t *s, const json_t *inst);

#endif
