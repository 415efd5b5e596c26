/* The AWS EventBridge Schemas API as a registry source (REST-JSON, API
 * version 2019-12-02): ListRegistries, ListSchemas, ListSchemaVersions,
 * DescribeSchema, CreateRegistry, CreateSchema, UpdateSchema.  Requests go
 * through the AWS layer (signing, configuration, retries, errors); this
 * file knows only the API's paths and JSON shapes.
 *
 * Versions are immutable, so every version read is also put, with its
 * number, into a local tree that serves as a cache (aws_cache.c); a read of
 * a given version is answered from there when it holds it.  "Latest" is
 * always asked of AWS: it changes. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws_internal.h"
#include "registry/registry_aws.h"

/* Bounds a listing: a registry with more pages than this is not one a
 * person reads, and a server that keeps answering with a token must not
 * keep us looping. */
#define MAX_PAGES 10000

/* ---------------------------------------------------------------- paths */

static void put_label(iatk_buf *b, const char *prefix, const char *name) {
  iatk__buf_puts(b, prefix);
  iatk__aws_uri_encode(b, name, strlen(name), 0);
}

/* /v1/registries[/name/R[/schemas[/name/S[/versions]]]] */
static void schemas_path(iatk_buf *b, const char *registry, const char *schema,
                         const char *tail) {
  iatk__buf_puts(b, "/v1/registries");
  if (registry)
    put_label(b, "/name/", registry);
  if (registry && schema)
    put_label(b, "/schemas/name/", schema);
  if (tail)
    iatk__buf_puts(b, tail);
}

/* ------------------------------------------------------------- requests */

void iatk__aws_explain_source(const char *why, iatk_error *err) {
  if (!err || strstr(err->message, why))
    return;
  char text[IATK_ERROR_MESSAGE_SIZE * 2];
  int n = snprintf(text, sizeof text, "%s (%s)", err->message, why);
  iatk__copy_elided(err->message, sizeof err->message, text,
                    n < (int)sizeof text ? (size_t)n : sizeof text - 1);
}

/* One call; on success *body holds the parsed JSON answer (may be an
 * empty object).  On failure resp's error code says which AWS error. */
static int call(aws_registry *a, const char *method, const char *path,
                const char *query, const char *body, json_t **answer,
                char aws_code[128], iatk_error *err) {
  static const iatk__http_header json_type = {"Content-Type",
                                              "application/json"};
  iatk__aws_request req = {.service = IATK__AWS_SCHEMAS,
                           .method = method,
                           .path = path,
                           .query = query,
                           .headers = body ? &json_type : NULL,
                           .header_count = body ? 1 : 0,
                           .body = body,
                           .body_len = body ? strlen(body) : 0};
  iatk__aws_response resp;
  memset(&resp, 0, sizeof resp);
  int rc = iatk__aws_send(a->aws, &req, &resp, err);
  if ((rc == IATK_EINVAL || rc == IATK_ECREDENTIALS) && a->chosen_because)
    iatk__aws_explain_source(a->chosen_because, err);
  if (aws_code)
    snprintf(aws_code, 128, "%s", resp.error_code);
  if (rc == IATK_OK && answer) {
    json_error_t jerr;
    *answer = resp.http.body.len ? json_loadb(resp.http.body.data,
                                              resp.http.body.len, 0, &jerr)
                                 : json_object();
    if (!*answer)
      rc = iatk__fail(err, IATK_EAWS,
                      "the Schemas API answered %s %s with malformed JSON: %s",
                      method, path, jerr.text);
  }
  iatk__aws_response_release(&resp);
  return rc;
}

/* Replaces err's code, keeping AWS's message (it names what is missing). */
static int recode(iatk_error *err, int code) {
  if (err)
    err->code = code;
  return code;
}

/* ------------------------------------------------------------- listing */

/* Collects `member`'s `field` from every page of GET `path`. */
static iatk_strlist *list_pages(aws_registry *a, const char *path,
                                const char *member, const char *field,
                                char code[128], iatk_error *err) {
  iatk_strlist *names = iatk__strlist_new();
  char *token = NULL;
  int rc = names ? IATK_OK : iatk__fail(err, IATK_ENOMEM, "out of memory");
  for (int page = 0; rc == IATK_OK && (page == 0 || token); page++) {
    if (page == MAX_PAGES) {
      rc = iatk__fail(err, IATK_ELIMIT, "%s: more than %d pages", path,
                      MAX_PAGES);
      break;
    }
    iatk_buf query;
    iatk__buf_init(&query);
    if (token) {
      iatk__buf_puts(&query, "nextToken=");
      iatk__aws_uri_encode(&query, token, strlen(token), 0);
    }
    json_t *answer = NULL;
    rc = call(a, "GET", path, token ? query.data : NULL, NULL, &answer, code,
              err);
    iatk__buf_release(&query);
    free(token);
    token = NULL;
    if (rc == IATK_OK)
      rc = iatk__aws_collect(answer, member, field, names, &token, err);
    json_decref(answer);
  }
  free(token);
  if (rc != IATK_OK) {
    iatk_strlist_free(names);
    return NULL;
  }
  return names;
}

static int compare_names(const char *x, const char *y) { return strcmp(x, y); }

static int compare_numbers(const char *x, const char *y) {
  size_t lx = strlen(x), ly = strlen(y);
  return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

static iatk_strlist *aws_list(iatk_registry *reg, const char *registry,
                              iatk_error *err) {
  aws_registry *a = (aws_registry *)reg;
  iatk_buf path;
  iatk__buf_init(&path);
  schemas_path(&path, registry, NULL, registry ? "/schemas" : NULL);
  char code[128] = "";
  iatk_strlist *names =
      registry
          ? list_pages(a, path.data, "Schemas", "SchemaName", code, err)
          : list_pages(a, path.data, "Registries", "RegistryName", code, err);
  iatk__buf_release(&path);
  if (!names && registry && strcmp(code, "NotFoundException") == 0)
    recode(err, IATK_ENOREGISTRY);
  if (names)
    iatk__strlist_sort(names, compare_names);
  return names;
}

/* Whether the registry (schema NULL) or schema exists: 1, 0 (AWS said
 * NotFoundException), or -1 when the GET failed otherwise (throttled past
 * the retries, no answer), with the failure in `why`. */
static int exists(aws_registry *a, const char *registry, const char *schema,
                  iatk_error *why) {
  iatk_buf path;
  iatk__buf_init(&path);
  schemas_path(&path, registry, schema, NULL);
  char code[128] = "";
  iatk_error_clear(why);
  int rc = call(a, "GET", path.data, NULL, NULL, NULL, code, why);
  iatk__buf_release(&path);
  if (rc == IATK_OK)
    return 1;
  return strcmp(code, "NotFoundException") == 0 ? 0 : -1;
}

/* A NotFoundException's code when a narrower question got no answer: the
 * narrowest thing asked for, with why it could not be settled. */
static int undecided(iatk_error *err, int code, const iatk_error *why) {
  if (err) {
    size_t n = strlen(err->message);
    snprintf(err->message + n, sizeof err->message - n,
             " (whether the registry or schema exists could not be "
             "settled: %s)",
             why->message);
  }
  return recode(err, code);
}

/* Which of registry, schema or version a NotFoundException meant: AWS's
 * message says it in words, so ask the narrower questions.  The message
 * stays AWS's; only the code (and so the exit status) is settled. */
static int not_found(aws_registry *a, const char *registry, const char *schema,
                     int version, iatk_error *err) {
  iatk_error why;
  int found;
  if (version && (found = exists(a, registry, schema, &why)) != 0)
    return found > 0 ? recode(err, IATK_ENOVERSION)
                     : undecided(err, IATK_ENOVERSION, &why);
  if (schema && (found = exists(a, registry, NULL, &why)) != 0)
    return found > 0 ? recode(err, IATK_ENOSCHEMA)
                     : undecided(err, IATK_ENOSCHEMA, &why);
  return recode(err, IATK_ENOREGISTRY);
}

static iatk_strlist *aws_versions(iatk_registry *reg, const char *registry,
                                  const char *schema, iatk_error *err) {
  aws_registry *a = (aws_registry *)reg;
  iatk_buf path;
  iatk__buf_init(&path);
  schemas_path(&path, registry, schema, "/versions");
  char code[128] = "";
  iatk_strlist *versions =
      list_pages(a, path.data, "SchemaVersions", "SchemaVersion", code, err);
  iatk__buf_release(&path);
  if (!versions && strcmp(code, "NotFoundException") == 0)
    not_found(a, registry, schema, 0, err);
  if (versions)
    iatk__strlist_sort(versions, compare_numbers);
  return versions;
}

/* -------------------------------------------------------------- reading */

static char *describe(aws_registry *a, const char *registry, const char *schema,
                      int version, size_t *len, const char **type,
                      int *version_out, iatk_error *err) {
  iatk_buf path, query;
  iatk__buf_init(&path);
  iatk__buf_init(&query);
  schemas_path(&path, registry, schema, NULL);
  if (version)
    iatk__buf_printf(&query, "schemaVersion=%d", version);
  json_t *answer = NULL;
  char code[128];
  int rc = call(a, "GET", path.data, version ? query.data : NULL, NULL, &answer,
                code, err);
  iatk__buf_release(&path);
  iatk__buf_release(&query);
  if (rc != IATK_OK && strcmp(code, "NotFoundException") == 0)
    not_found(a, registry, schema, version, err);
  char *text = rc == IATK_OK
                   ? iatk__aws_schema_content(answer, registry, schema, len,
                                              type, version_out, err)
                   : NULL;
  json_decref(answer);
  return text;
}

static char *aws_read(iatk_registry *reg, const char *registry,
                      const char *schema, int version, size_t *len,
                      const char **type, int *version_out, iatk_error *err) {
  aws_registry *a = (aws_registry *)reg;
  iatk_registry *cache = version ? iatk__aws_cache(a) : NULL;
  char *text = cache ? cache->ops->read(cache, registry, schema, version, len,
                                        type, version_out, NULL)
                     : NULL;
  if (text) {
    a->base.cache_hits++;
    return text;
  }
  text = describe(a, registry, schema, version, len, type, version_out, err);
  cache = text ? iatk__aws_cache(a) : NULL;
  /* Best effort: a cache that cannot be written only costs a request. */
  if (cache)
    cache->ops->put(cache, registry, schema, *type, text, *len, *version_out,
                    version_out, NULL);
  return text;
}

/* -------------------------------------------------------------- writing */

/* Publishing to AWS is never a default: a handle that reads AWS only
 * because no local tree is configured refuses to write there. */
static int refuse_automatic_write(const aws_registry *a, const char *what,
                                  iatk_error *err) {
  if (!a->chosen_because)
    return IATK_OK;
  return iatk__fail(
      err, IATK_EINVAL,
      "refusing to %s on AWS: AWS was chosen only because no "
      "local registry is configured; name the source aws "
      "explicitly (--source aws, IATK_SOURCE=aws, source=\"aws\") "
      "to publish, or configure a local registry",
      what);
}

static int aws_create(iatk_registry *reg, const char *registry,
                      iatk_error *err) {
  aws_registry *a = (aws_registry *)reg;
  int refused = refuse_automatic_write(a, "create a registry", err);
  if (refused != IATK_OK)
    return refused;
  iatk_buf path;
  iatk__buf_init(&path);
  schemas_path(&path, registry, NULL, NULL);
  char code[128];
  int rc = call(a, "POST", path.data, NULL, "{}", NULL, code, err);
  iatk__buf_release(&path);
  if (rc != IATK_OK && strcmp(code, "ConflictException") == 0)
    rc = recode(err, IATK_EEXIST);
  return rc;
}

/* CreateSchema (POST) or UpdateSchema (PUT) with {"Content","Type"}. */
static int send_schema(aws_registry *a, const char *method,
                       const char *registry, const char *schema,
                       const char *type, const char *content, size_t len,
                       int *version_out, char code[128], iatk_error *err) {
  iatk_buf path;
  iatk__buf_init(&path);
  schemas_path(&path, registry, schema, NULL);
  char *body = iatk__aws_schema_body(type, content, len, err);
  json_t *answer = NULL;
  int rc = body ? call(a, method, path.data, NULL, body, &answer, code, err)
                : iatk__error_code(err, IATK_ENOMEM);
  if (rc == IATK_OK)
    rc = iatk__aws_version_of(answer, version_out, err);
  json_decref(answer);
  free(body);
  iatk__buf_release(&path);
  return rc;
}

/* Like a local put: the registry and the schema are made when missing. */
static int aws_put(iatk_registry *reg, const char *registry, const char *schema,
                   const char *type, const char *content, size_t len,
                   int version, int *version_out, iatk_error *err) {
  aws_registry *a = (aws_registry *)reg;
  int refused = refuse_automatic_write(a, "put a schema", err);
  if (refused != IATK_OK)
    return refused;
  char code[128] = "";
  iatk_error first;
  iatk_error_clear(&first);
  int rc = send_schema(a, "PUT", registry, schema, type, content, len,
                       version_out, code, &first);
  if (rc != IATK_OK && strcmp(code, "NotFoundException") == 0) {
    aws_create(reg, registry, NULL); /* EEXIST: only the schema is new */
    rc = send_schema(a, "POST", registry, schema, type, content, len,
                     version_out, code, err);
  } else if (rc != IATK_OK && err) {
    *err = first;
  }
  return rc;
}

/* ------------------------------------------------------------- handles */

static void aws_release(iatk_registry *reg) {
  aws_registry *a = (aws_registry *)reg;
  iatk_registry_free(a->cache);
  free(a->cache_dir);
  if (a->owns_aws)
    iatk_aws_free(a->aws);
}

static const iatk__registry_ops aws_ops = {
    0, aws_release, aws_create, aws_put, aws_list, aws_versions, aws_read};

iatk_registry *iatk__aws_registry_new(iatk_aws *aws, int owns_aws,
                                      const char *cache_dir, iatk_error *err) {
  aws_registry *a = calloc(1, sizeof *a);
  if (!a) {
    if (owns_aws)
      iatk_aws_free(aws);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  a->base.ops = &aws_ops;
  a->aws = aws;
  a->owns_aws = owns_aws;
  int rc = iatk__aws_cache_dir(cache_dir, &a->cache_dir, err);
  if (rc == IATK_OK)
    rc = iatk__aws_registry_describe(a, err);
  if (rc != IATK_OK) {
    iatk_registry_free(&a->base);
    return NULL;
  }
  return &a->base;
}
