/* The validator as the other folders use it: generators check their own
 * output with it, the compiler vets examples and defaults.  It walks the
 * schema document directly, never the plan, so it is an independent check
 * of what generation produced. */
#ifndef IATK_VALIDATE_VALIDATOR_H
#define IATK_VALIDATE_VALIDATOR_H

#include "document/document.h"

/* 1 when `inst` is valid against the schema at `pointer` of the document;
 * 0 when it is invalid or could not be decided (iatk__validator_judge tells). */
int iatk__validator_check_at(iatk_validator *v, const char *pointer,
                             const json_t *inst);
/* 1 when `inst` is valid against `schema` (any schema object; its $refs
 * resolve in the validator's document); 0 otherwise, as above. */
int iatk__validator_check_schema(iatk_validator *v, const json_t *schema,
                                 const json_t *inst);
/* The verdict with its third outcome: IATK_OK (valid), IATK_EINVALID, or
 * the code of what stopped validation (ELIMIT: the work or depth limit or
 * PCRE2's; ESCHEMA: a pattern that does not compile), described in err.
 * Quiet: an invalid instance leaves err alone. */
int iatk__validator_judge(iatk_validator *v, const json_t *schema,
                          const json_t *inst, iatk_error *err);
/* Sets the work budget (0, 0 restores the defaults): for tests, and for
 * callers that validate huge or hostile documents. */
void iatk__validator_set_budget(iatk_validator *v, uint64_t base,
                                uint64_t per_value);
/* A validator over a document and its index (both referenced) whose
 * event schema is at `pointer` ("#/..."). */
iatk_validator *iatk__validator_create(json_t *doc, id_index *ids, dialect d,
                                       const char *pointer, iatk_error *err);
/* The same, borrowing `doc` and `ids` without a reference: for generators,
 * whose plan (which holds both) outlives them.  No refcount is touched,
 * so threads sharing one plan never write to it. */
iatk_validator *iatk__validator_borrow(json_t *doc, id_index *ids, dialect d,
                                       const char *pointer, iatk_error *err);
/* Records the base URI in force for a holder made outside the document
 * (a schema the compiler rewrote), so that its relative $ref resolves as
 * the original's did. */
int iatk__validator_note_base(iatk_validator *v, const json_t *holder,
                              const char *base);
/* The base URI in force where `holder` stands: noted, or the index's. */
const char *iatk__validator_base_of(const iatk_validator *v,
                                    const json_t *holder);

/* Whether `a` and `b` give every instance the same verdict: one document,
 * dialect, event schema and work budget (a check by one stands for the
 * other). */
int iatk__validator_judges_alike(const iatk_validator *a,
                                 const iatk_validator *b);

/* revalidate.c: incremental revalidation of a stream of event texts that
 * differ from one another inside a few string values (how it stays sound:
 * revalidate.c).  A revalidator belongs to its user (a pipeline) and is
 * tied to one validator at a time: given another, it starts afresh. */
typedef struct iatk__revalidator iatk__revalidator;
iatk__revalidator *iatk__revalidator_new(void);
void iatk__revalidator_free(iatk__revalidator *r);
/* 1 when `text` (compact JSON) is valid, found by re-checking only the
 * strings that changed since the last event validated in full; 0 when
 * that cannot tell (validate it with iatk__revalidator_full). */
int iatk__revalidator_quick(iatk__revalidator *r, iatk_validator *v,
                            const char *text, size_t len);
/* iatk_validate_text's verdict, traced so that a valid `text` becomes the
 * reference of later quick verdicts.  `event`: the text's document when
 * the caller has it, read as iatk_validate reads it (NULL: read here). */
int iatk__revalidator_full(iatk__revalidator *r, iatk_validator *v,
                           const char *text, size_t len, const json_t *event,
                           iatk_error *err);
/* quick, else full. */
int iatk__revalidate(iatk__revalidator *r, iatk_validator *v, const char *text,
                     size_t len, const json_t *event, iatk_error *err);
/* Verdicts given by quick and by full (for tests and benchmarks). */
void iatk__revalidator_stats(const iatk__revalidator *r, uint64_t *fast,
                             uint64_t *full);

/* format.c: 1 when `text` is valid for `format` (unknown formats pass) */
int iatk__v_format_ok(const char *format, const char *text, size_t len);

#endif
