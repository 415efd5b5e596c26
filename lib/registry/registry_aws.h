/* Private parts of the AWS Schemas source (lib/registry/aws*.c). */
#ifndef IATK_REGISTRY_AWS_H
#define IATK_REGISTRY_AWS_H

#include "registry/registry_internal.h"

typedef struct aws_registry {
  iatk_registry base; /* first: the handle is an iatk_registry */
  iatk_aws *aws;
  int owns_aws;
  char *cache_dir;      /* the cache's base directory; NULL: no cache */
  iatk_registry *cache; /* opened at first use (it depends on the key) */
  int cache_failed;     /* opening it failed once: do not retry */
  /* Why AWS serves, when no one asked for it: added to the errors a user
   * would otherwise not connect with having no local tree configured. */
  const char *chosen_because;
} aws_registry;

/* aws.c: the handle; takes `aws` over when owns_aws (freed on failure). */
iatk_registry *iatk__aws_registry_new(iatk_aws *aws, int owns_aws,
                                      const char *cache_dir, iatk_error *err);

/* Appends " (why)" to err's message: why AWS was asked at all, for a
 * configuration error the user would not connect with that choice. */
void iatk__aws_explain_source(const char *why, iatk_error *err);

/* ------------------------------------------------------------ aws_json.c */

/* Appends each answer[member][i][field] (strings) to `names` and sets
 * *next_token to a copy of NextToken (NULL when absent). */
int iatk__aws_collect(const json_t *answer, const char *member,
                      const char *field, iatk_strlist *names, char **next_token,
                      iatk_error *err);
/* DescribeSchema's Content, Type and SchemaVersion; the content is
 * returned (caller frees) and the others stored. */
char *iatk__aws_schema_content(const json_t *answer, const char *registry,
                               const char *schema, size_t *len,
                               const char **type, int *version,
                               iatk_error *err);
/* {"Content": ..., "Type": ...} for CreateSchema/UpdateSchema; caller
 * frees. */
char *iatk__aws_schema_body(const char *type, const char *content, size_t len,
                            iatk_error *err);
/* The SchemaVersion of a CreateSchema/UpdateSchema answer. */
int iatk__aws_version_of(const json_t *answer, int *version, iatk_error *err);

/* ----------------------------------------------------------- aws_cache.c */

/* Settles the cache's base directory: `given`, else $IATK_CACHE_DIR,
 * $XDG_CACHE_HOME/iatk, ~/.cache/iatk; "" turns caching off (*out NULL). */
int iatk__aws_cache_dir(const char *given, char **out, iatk_error *err);
/* The cache tree for this handle's endpoint and identity, opened at first
 * use; NULL when caching is off or cannot work. */
iatk_registry *iatk__aws_cache(aws_registry *a);
/* Sets a->base.description: "AWS Schemas API at URL (region R, ...)". */
int iatk__aws_registry_describe(aws_registry *a, iatk_error *err);

#endif
