/* Schema documents: the parsed JSON, the dialect it is written in, the
 * index of its schema resources ($id, $anchor, $dynamicAnchor) and the
 * resolution of URIs and event references inside it.  The compiler and the
 * validator both read documents through this layer and never each other. */
#ifndef IATK_DOCUMENT_H
#define IATK_DOCUMENT_H

#include "common/internal.h"

/* JSON Schema dialects; the values of the drafts are their names, so
 * `d >= DIALECT_2019` reads as "2019-09 or later" among drafts.  OpenAPI
 * 3.0 is draft-04 plus nullable; OpenAPI 3.1 is 2020-12 (validators are
 * given DIALECT_2020 for it). */
typedef enum dialect {
  DIALECT_NONE = 0,
  DIALECT_DRAFT4 = 4,
  DIALECT_DRAFT6 = 6,
  DIALECT_DRAFT7 = 7,
  DIALECT_OAS30 = 30,
  DIALECT_OAS31 = 31,
  DIALECT_2019 = 2019,
  DIALECT_2020 = 2020
} dialect;
/* For documents that name no dialect (docs/design-notes.md, "Dialects"). */
#define DIALECT_DEFAULT DIALECT_2020

typedef struct id_index id_index;

struct iatk_schema {
  json_t *doc;
  const char *type; /* static IATK_TYPE_* string */
  char *origin;
  dialect dialect; /* decided at load (dialect.c), or set by the caller */
  id_index *ids;   /* the document's resources, for this dialect */
};

/* dialect.c */
dialect iatk__schema_dialect_detect(const json_t *doc, const char *given_type);
const char *iatk__schema_dialect_name(dialect d);
dialect
iatk__schema_dialect_parse(const char *name); /* DIALECT_NONE if unknown */
/* OpenAPI 3.1 schema objects are 2020-12 schemas: the dialect whose
 * keyword rules a validator applies. */
dialect iatk__schema_validation_dialect(dialect d);
/* Whether `keyword` is a keyword of dialect d (unknown words are: they
 * are then ignored as annotations by whoever does not know them). */
int iatk__schema_keyword_active(dialect d, const char *keyword);
int iatk__schema_has_inactive_keyword(dialect d, const json_t *s);
/* Whether schema `s` accepts every instance in dialect d (true, {}, or only
 * annotations and keywords the dialect does not have); *ignored (if not
 * NULL and still NULL) gets the first such ignored keyword. */
int iatk__schema_accepts_everything(dialect d, const json_t *s,
                                    const char **ignored);

/* event_ref.c: the JSON pointer ("#/...") of the event named by event_ref
 * (see iatk_compile); caller frees.  NULL with ENOEVENT/ESCHEMA. */
char *iatk__schema_event_pointer(const iatk_schema *schema, const char *ref,
                                 iatk_error *err);

/* uri.c: `ref` resolved against `base` (RFC 3986 5.2, dot segments
 * removed); caller frees, NULL when memory ran out. */
char *iatk__uri_join(const char *base, const char *ref);

/* id_index.c: every "$id"/"id"/"$anchor"/"$dynamicAnchor" of a document
 * mapped to its schema, and the base URI in force at every reference.
 * Built once per document and dialect, then read-only: the schema owns it,
 * plans and validators share it (reference-counted, atomically, so plans
 * used from several threads may be freed in any order). */
id_index *iatk__id_index_build(json_t *doc, dialect d, iatk_error *err);
id_index *iatk__id_index_ref(id_index *ids);
void iatk__id_index_unref(id_index *ids);
/* The schema a URI names ("base", "base#/pointer" or "base#anchor"), or
 * NULL.  "" and "#" name the document. */
const json_t *iatk__id_index_lookup(const id_index *ids, const char *uri);
/* The schema of resource `base` whose "$dynamicAnchor" is `anchor`. */
const json_t *iatk__id_index_lookup_dynamic(const id_index *ids,
                                            const char *base,
                                            const char *anchor);
/* The "$id" (or draft-04 "id") that makes `s` a resource, or NULL; in
 * dialects where $ref replaces its siblings, an id beside it is ignored. */
const char *iatk__id_index_id_of(const id_index *ids, const json_t *s);
/* The absolute URI of the resource `s` starts (its $id resolved where it
 * stands), or NULL when `s` is no resource of the document. */
const char *iatk__id_index_resource_uri(const id_index *ids, const json_t *s);
/* The base URI in force where `holder` (an object with $ref) stands; ""
 * when no $id encloses it or `holder` is not in the document. */
const char *iatk__id_index_base_of(const id_index *ids, const json_t *holder);

#endif
