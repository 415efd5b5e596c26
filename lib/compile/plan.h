/* Compiled plans: the private representation the generator walks. */
#ifndef IATK_COMPILE_PLAN_H
#define IATK_COMPILE_PLAN_H

#include <stdint.h>

#include "document/document.h"
#include "document/keywords.h"

/* JSON types as bits, so a node's allowed types are one mask. */
enum {
  JT_NULL = 1 << 0,
  JT_BOOLEAN = 1 << 1,
  JT_INTEGER = 1 << 2,
  JT_NUMBER = 1 << 3,
  JT_STRING = 1 << 4,
  JT_ARRAY = 1 << 5,
  JT_OBJECT = 1 << 6,
  JT_ANY = (1 << 7) - 1
};
#define JT_COUNT 7

#define RANK_INFINITE UINT32_MAX
/* Plans larger than this are refused (ELIMIT): variants of variants can
 * multiply, and a plan must fit in memory. */
#define PLAN_MAX_NODES 2000000
#define NO_NODE (-1)

/* JSON text made once at compile time and copied into every event. */
typedef struct plan_text {
  char *text;
  size_t len;
} plan_text;

typedef struct plan_prop {
  char *name;
  size_t name_len;
  plan_text member; /* `,"name":` escaped; the first member skips the ',' */
  int node;         /* NO_NODE: unconstrained value */
  int required;
  int *needs; /* dependentRequired: props that must come along */
  size_t need_count;
  int impossible; /* it needs a property the schema forbids */
} plan_prop;

/* patternProperties: names matching `pattern` take values of `node`. */
typedef struct plan_pattern_prop {
  char *pattern;
  struct rx_program *rx; /* generates extra names; NULL if unparsable */
  int node;
} plan_pattern_prop;

/* A node's string keywords. */
typedef struct plan_string {
  schema_format format;
  char *pattern;         /* ECMA-262 pattern, or the format's template */
  size_t pattern_len;    /* its bytes: a pattern may contain U+0000 */
  int pattern_is_own;    /* pattern came from the schema, not a format */
  struct rx_program *rx; /* its generator program, NULL if unparsable */
  int64_t min_length, max_length; /* max: -1 when unbounded */
} plan_string;

/* A node's number keywords.  Bounds use has_* flags because 0 is a
 * meaningful bound. */
typedef struct plan_number {
  int has_minimum, has_maximum, exclusive_minimum, exclusive_maximum;
  double minimum, maximum, multiple_of; /* multiple_of 0: none */
} plan_number;

/* A node's array keywords. */
typedef struct plan_array {
  int *prefix; /* nodes of the first items (tuple forms) */
  size_t prefix_count;
  int items;    /* node for the items after them; NO_NODE = any */
  int contains; /* items that must occur (merged with items) */
  int64_t min_contains;
  int unique_items;
  int64_t min_items, max_items; /* max: -1 when unbounded */
} plan_array;

/* A node's object keywords. */
typedef struct plan_object {
  plan_prop *props;
  size_t prop_count, prop_cap;
  int additional;           /* node for other properties; NO_NODE = any */
  int additional_forbidden; /* additionalProperties: false */
  int has_required;         /* a `required` list was given (possibly empty):
                            * AWS IATK's skip_optional keys on it */
  plan_pattern_prop *pattern_props;
  size_t pattern_prop_count;
  char *name_pattern;  /* propertyNames.pattern, for extra names */
  json_t *name_values; /* propertyNames' enum (or const), or NULL */
  struct rx_program *name_rx;
  int64_t min_properties, max_properties; /* max: -1 when unbounded */
} plan_object;

/* One compiled schema: what every type shares, then each type's part. */
typedef struct plan_node {
  char *pointer;                /* where it came from, for messages */
  unsigned types;               /* allowed JSON types (JT_*) */
  uint8_t type_order[JT_COUNT]; /* declared order of the allowed types */
  int type_count;
  char *const_text; /* compact JSON of `const`, or NULL */
  size_t const_len;
  json_t *enum_values;   /* array, or NULL */
  plan_text *enum_texts; /* compact JSON of each enum value */
  json_t *samples;       /* examples/example/default, in that order */
  plan_text sample_text; /* compact JSON of samples[0] */
  int declared;          /* samples[0] is the event's own source or
                            * detail-type (x-amazon-events-*): written in
                            * random mode too, see plan.c */
  int *variants;         /* anyOf/oneOf branches, each merged with base */
  size_t variant_count;
  char *unsat_reason; /* why a keyword removed every type, or NULL */
  plan_string str;
  plan_number num;
  plan_array arr;
  plan_object obj;
  /* Filled by the finiteness analysis (finite.c). */
  uint32_t rank;         /* height of the smallest instance */
  unsigned finite_types; /* types that admit a finite instance */
  int escape_variant;    /* variant with the smallest rank, or -1 */
} plan_node;

struct iatk_plan {
  plan_node *nodes;
  size_t count;
  size_t cap;
  int root;
  dialect dialect;
  int openapi;            /* OpenAPI 3.0: untyped does not admit null */
  int openapi_formats;    /* any OpenAPI version: int32/int64 ranges */
  json_t *doc;            /* the document, for generators' self-check */
  id_index *ids;          /* its resources, shared with the schema */
  int needs_check;        /* some keyword is not guaranteed by construction */
  int refs_with_siblings; /* 2019-09 and later: $ref does not hide siblings */
  char *detail_type;
  char *source;
  char *pointer;
};

/* The node that constrains item `i` of an array node. */
static inline int plan_item_node(const plan_node *n, size_t i) {
  return i < n->arr.prefix_count ? n->arr.prefix[i] : n->arr.items;
}

/* Appends a zeroed node owning `pointer`; returns its number or -1. */
int iatk__plan_add_node(iatk_plan *plan, char *pointer);
/* Releases a plan's nodes (shared by iatk_plan_free). */
void iatk__plan_release_nodes(iatk_plan *plan);

/* Bit for a JSON type name, 0 when unknown. */
unsigned iatk__plan_type_bit(const char *name);
schema_format iatk__plan_format_parse(const char *name);
/* A pattern whose matches are valid values of `format`, or NULL. */
const char *iatk__plan_format_pattern(schema_format format);

/* Finiteness analysis: sets rank/finite_types/escape_variant for every
 * node; fails with ECYCLE when the root admits no finite instance. */
int iatk__plan_analyse(iatk_plan *plan, iatk_error *err);
/* Fills the plan_text fields of every node (plan.c), once the nodes are
 * final; ENOMEM only. */
int iatk__plan_prepare_texts(iatk_plan *plan, iatk_error *err);

#endif
