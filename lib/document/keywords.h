/* Every schema keyword and format iatk knows, each in one row: the
 * dialects that have it, what it does, how allOf merges it and whether
 * generation honours it by construction.  The dialect rules, the compiler's
 * merge and self-check decisions, the $id index and the validator's format
 * checks all read these rows instead of keeping lists of their own. */
#ifndef IATK_DOCUMENT_KEYWORDS_H
#define IATK_DOCUMENT_KEYWORDS_H

/* What a keyword is (flags, combined). */
enum {
  KW_DESCRIBES = 1 << 0, /* never constrains an instance (annotations, ids) */
  KW_DATA = 1 << 1,      /* its value is data, never a schema (enum, default) */
  KW_REFERENCE = 1 << 2, /* $ref and its dynamic kin */
  KW_GENERATED = 1 << 3, /* generation honours it by construction */
  KW_LOWER = 1 << 4,     /* a numeric lower bound: the larger one wins */
  KW_UPPER = 1 << 5      /* a numeric upper bound: the smaller one wins */
};

/* How two allOf members' values of one keyword combine (compile/merge.c).
 * MERGE_FIRST keeps the first member's value for generation and leaves the
 * others to the self-check. */
typedef enum merge_rule {
  MERGE_FIRST,
  MERGE_TYPE,        /* the intersection of the types */
  MERGE_PROPERTIES,  /* the union, each property's schemas paired */
  MERGE_REQUIRED,    /* the union */
  MERGE_ENUM,        /* the intersection */
  MERGE_CONST,       /* equal, or the schema admits nothing */
  MERGE_BOUND,       /* the tighter (KW_LOWER / KW_UPPER) */
  MERGE_ITEMS,       /* tuples position by position, else paired schemas */
  MERGE_TUPLE,       /* tuples position by position */
  MERGE_NULLABLE,    /* false wins */
  MERGE_PAIR,        /* both schemas, as an allOf of the two */
  MERGE_MULTIPLE,    /* the least common multiple of integers */
  MERGE_ALTERNATIVES /* the product of the branches */
} merge_rule;

/* X(name, first draft, last draft, flags, merge rule).  Drafts are 4, 6,
 * 7, 2019, 2020; OpenAPI 3.0 reads as draft-04 and 3.1 as 2020-12.
 * "x-" extensions describe and are not listed. */
#define SCHEMA_KEYWORDS(X)                                                     \
  X("$schema", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)              \
  X("$id", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)                  \
  X("id", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)                   \
  X("$anchor", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)              \
  X("$dynamicAnchor", 2020, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)    \
  X("$recursiveAnchor", 2019, 2019, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)  \
  X("$vocabulary", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)          \
  X("$comment", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)             \
  X("$defs", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)                \
  X("definitions", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)          \
  X("title", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)                \
  X("description", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)          \
  X("deprecated", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)           \
  X("readOnly", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)             \
  X("writeOnly", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)            \
  X("examples", 4, 2020, KW_DESCRIBES | KW_DATA | KW_GENERATED, MERGE_FIRST)   \
  X("example", 4, 2020, KW_DESCRIBES | KW_DATA | KW_GENERATED, MERGE_FIRST)    \
  X("default", 4, 2020, KW_DESCRIBES | KW_DATA | KW_GENERATED, MERGE_FIRST)    \
  X("discriminator", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)        \
  X("externalDocs", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)         \
  X("xml", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)                  \
  X("contentMediaType", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)     \
  X("contentEncoding", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)      \
  X("contentSchema", 4, 2020, KW_DESCRIBES | KW_GENERATED, MERGE_FIRST)        \
  X("$ref", 4, 2020, KW_REFERENCE | KW_GENERATED, MERGE_FIRST)                 \
  X("$dynamicRef", 2020, 2020, KW_REFERENCE, MERGE_FIRST)                      \
  X("$recursiveRef", 2019, 2019, KW_REFERENCE, MERGE_FIRST)                    \
  X("type", 4, 2020, KW_GENERATED, MERGE_TYPE)                                 \
  X("enum", 4, 2020, KW_DATA | KW_GENERATED, MERGE_ENUM)                       \
  X("const", 6, 2020, KW_DATA | KW_GENERATED, MERGE_CONST)                     \
  X("nullable", 4, 2020, KW_GENERATED, MERGE_NULLABLE)                         \
  X("format", 4, 2020, KW_GENERATED, MERGE_FIRST)                              \
  X("properties", 4, 2020, KW_GENERATED, MERGE_PROPERTIES)                     \
  X("required", 4, 2020, KW_GENERATED, MERGE_REQUIRED)                         \
  X("additionalProperties", 4, 2020, KW_GENERATED, MERGE_PAIR)                 \
  X("patternProperties", 4, 2020, 0, MERGE_FIRST)                              \
  X("propertyNames", 6, 2020, 0, MERGE_FIRST)                                  \
  X("minProperties", 4, 2020, KW_LOWER, MERGE_BOUND)                           \
  X("maxProperties", 4, 2020, KW_UPPER, MERGE_BOUND)                           \
  X("dependencies", 4, 7, 0, MERGE_FIRST)                                      \
  X("dependentRequired", 2019, 2020, KW_GENERATED, MERGE_FIRST)                \
  X("dependentSchemas", 2019, 2020, 0, MERGE_FIRST)                            \
  X("unevaluatedProperties", 2019, 2020, 0, MERGE_FIRST)                       \
  X("items", 4, 2020, KW_GENERATED, MERGE_ITEMS)                               \
  X("prefixItems", 2020, 2020, KW_GENERATED, MERGE_TUPLE)                      \
  X("additionalItems", 4, 2020, KW_GENERATED, MERGE_PAIR)                      \
  X("unevaluatedItems", 2019, 2020, 0, MERGE_FIRST)                            \
  X("contains", 6, 2020, 0, MERGE_FIRST)                                       \
  X("minContains", 2019, 2020, KW_LOWER, MERGE_BOUND)                          \
  X("maxContains", 2019, 2020, KW_UPPER, MERGE_BOUND)                          \
  X("minItems", 4, 2020, KW_LOWER | KW_GENERATED, MERGE_BOUND)                 \
  X("maxItems", 4, 2020, KW_UPPER | KW_GENERATED, MERGE_BOUND)                 \
  X("uniqueItems", 4, 2020, 0, MERGE_FIRST)                                    \
  X("minLength", 4, 2020, KW_LOWER | KW_GENERATED, MERGE_BOUND)                \
  X("maxLength", 4, 2020, KW_UPPER | KW_GENERATED, MERGE_BOUND)                \
  X("pattern", 4, 2020, 0, MERGE_FIRST)                                        \
  X("minimum", 4, 2020, KW_LOWER | KW_GENERATED, MERGE_BOUND)                  \
  X("maximum", 4, 2020, KW_UPPER | KW_GENERATED, MERGE_BOUND)                  \
  X("exclusiveMinimum", 4, 2020, KW_LOWER | KW_GENERATED, MERGE_BOUND)         \
  X("exclusiveMaximum", 4, 2020, KW_UPPER | KW_GENERATED, MERGE_BOUND)         \
  X("multipleOf", 4, 2020, 0, MERGE_MULTIPLE)                                  \
  X("allOf", 4, 2020, KW_GENERATED, MERGE_FIRST)                               \
  X("anyOf", 4, 2020, KW_GENERATED, MERGE_ALTERNATIVES)                        \
  X("oneOf", 4, 2020, 0, MERGE_ALTERNATIVES)                                   \
  X("not", 4, 2020, 0, MERGE_FIRST)                                            \
  X("if", 7, 2020, 0, MERGE_FIRST)                                             \
  X("then", 7, 2020, 0, MERGE_FIRST)                                           \
  X("else", 7, 2020, 0, MERGE_FIRST)

typedef struct schema_keyword {
  const char *name;
  int first, last; /* drafts */
  unsigned flags;  /* KW_* */
  merge_rule merge;
} schema_keyword;

/* The row of `name`, or NULL for a keyword iatk does not know. */
const schema_keyword *iatk__schema_keyword_find(const char *name);
/* Whether `name` never constrains an instance: a KW_DESCRIBES keyword or
 * an "x-" extension. */
int iatk__schema_keyword_describes(const char *name);
/* Whether generation honours `name` by construction (unknown keywords and
 * "x-" extensions: those ignore it, so yes for "x-", no for others). */
int iatk__schema_keyword_generated(const char *name);

/* Formats the generator knows how to produce. */
typedef enum schema_format {
  FMT_NONE = 0,
  FMT_DATE_TIME,
  FMT_DATE,
  FMT_TIME,
  FMT_DURATION,
  FMT_EMAIL,
  FMT_HOSTNAME,
  FMT_IPV4,
  FMT_IPV6,
  FMT_URI,
  FMT_URI_REFERENCE,
  FMT_UUID,
  FMT_JSON_POINTER,
  FMT_RELATIVE_JSON_POINTER,
  FMT_REGEX,
  FMT_URI_TEMPLATE,
  FMT_BYTE,  /* OpenAPI: base64 */
  FMT_INT32, /* OpenAPI: integer ranges */
  FMT_INT64,
  FMT_COLOR /* draft-03's CSS color, still common in real-world schemas */
} schema_format;

/* How the validator checks a format's strings (validate/format.c);
 * CHECK_NONE: an annotation it does not assert. */
typedef enum format_check {
  CHECK_NONE = 0,
  CHECK_DATE_TIME,
  CHECK_DATE,
  CHECK_TIME,
  CHECK_EMAIL,
  CHECK_HOSTNAME,
  CHECK_IPV4,
  CHECK_URI,
  CHECK_UUID,
  CHECK_JSON_POINTER,
  CHECK_BYTE,
  CHECK_COUNT
} format_check;

/* X(name, generated as, checked as).  The first name of a format is its
 * spelling in messages. */
#define SCHEMA_FORMATS(X)                                                      \
  X("date-time", FMT_DATE_TIME, CHECK_DATE_TIME)                               \
  X("date", FMT_DATE, CHECK_DATE)                                              \
  X("time", FMT_TIME, CHECK_TIME)                                              \
  X("duration", FMT_DURATION, CHECK_NONE)                                      \
  X("email", FMT_EMAIL, CHECK_EMAIL)                                           \
  X("idn-email", FMT_EMAIL, CHECK_EMAIL)                                       \
  X("hostname", FMT_HOSTNAME, CHECK_HOSTNAME)                                  \
  X("idn-hostname", FMT_HOSTNAME, CHECK_NONE)                                  \
  X("ipv4", FMT_IPV4, CHECK_IPV4)                                              \
  X("ipv6", FMT_IPV6, CHECK_NONE)                                              \
  X("uri", FMT_URI, CHECK_URI)                                                 \
  X("iri", FMT_URI, CHECK_URI)                                                 \
  X("uri-reference", FMT_URI_REFERENCE, CHECK_NONE)                            \
  X("iri-reference", FMT_URI_REFERENCE, CHECK_NONE)                            \
  X("uuid", FMT_UUID, CHECK_UUID)                                              \
  X("json-pointer", FMT_JSON_POINTER, CHECK_JSON_POINTER)                      \
  X("relative-json-pointer", FMT_RELATIVE_JSON_POINTER, CHECK_NONE)            \
  X("regex", FMT_REGEX, CHECK_NONE)                                            \
  X("uri-template", FMT_URI_TEMPLATE, CHECK_NONE)                              \
  X("byte", FMT_BYTE, CHECK_BYTE)                                              \
  X("int32", FMT_INT32, CHECK_NONE)                                            \
  X("int64", FMT_INT64, CHECK_NONE)                                            \
  X("color", FMT_COLOR, CHECK_NONE)

typedef struct schema_format_row {
  const char *name;
  schema_format generated;
  format_check check;
} schema_format_row;

/* The row of format `name`, or NULL for a format iatk does not know. */
const schema_format_row *iatk__schema_format_find(const char *name);
/* The first name of a format ("" for FMT_NONE). */
const char *iatk__schema_format_name(schema_format format);

#endif
