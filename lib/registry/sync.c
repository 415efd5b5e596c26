/* Copying schemas between sources: `iatk registry pull` (AWS → a local
 * tree) and `push` (a local tree → AWS).  A tree keeps the numbers it is
 * given, so a pulled tree names the versions AWS names; AWS numbers its
 * versions itself, so a push adds only the content it does not hold yet.
 * Either way running it twice changes nothing the second time. */
#include <stdlib.h>
#include <string.h>

#include "registry/registry_internal.h"

typedef struct sync_job {
  iatk_registry *from, *to;
  const char *registry;
  iatk_registry_sync_cb progress;
  void *userdata;
  int named; /* one schema was named: the registry is made only once it is
              * known to exist at the source */
} sync_job;

/* One version as read from a source. */
typedef struct version_text {
  char *text;
  size_t len;
  const char *type;
} version_text;

static int read_number(iatk_registry *reg, const char *registry,
                       const char *schema, int number, version_text *out,
                       iatk_error *err) {
  out->text = reg->ops->read(reg, registry, schema, number, &out->len,
                             &out->type, &number, err);
  return out->text ? IATK_OK : iatk__error_code(err, IATK_EIO);
}

/* Whether `to` already holds this content among its versions `held` (all
 * read before the push began), and which version it is. */
static int held_as(iatk_registry *to, const char *registry, const char *schema,
                   const iatk_strlist *held, const version_text *v, int *number,
                   iatk_error *err) {
  *number = 0;
  for (size_t i = 0; held && i < iatk_strlist_count(held) && !*number; i++) {
    version_text mine;
    int n = iatk__registry_parse_version(iatk_strlist_get(held, i));
    int rc = read_number(to, registry, schema, n, &mine, err);
    if (rc != IATK_OK)
      return rc;
    if (strcmp(mine.type, v->type) == 0 && mine.len == v->len &&
        memcmp(mine.text, v->text, v->len) == 0)
      *number = n;
    free(mine.text);
  }
  return IATK_OK;
}

static int listed(const iatk_strlist *list, int number) {
  for (size_t i = 0; i < iatk_strlist_count(list); i++)
    if (iatk__registry_parse_version(iatk_strlist_get(list, i)) == number)
      return 1;
  return 0;
}

/* Copies version `number` of `schema` unless `to` holds it already (as
 * that number in a tree, where other content there is EEXIST; as any
 * version with the same content on AWS). */
static int copy_version(const sync_job *job, const char *schema, int number,
                        const iatk_strlist *held, iatk_error *err) {
  version_text v;
  int rc = read_number(job->from, job->registry, schema, number, &v, err);
  int keep = job->to->ops->keeps_numbers;
  int stored = 0, copied = 0;
  if (rc == IATK_OK && keep) {
    copied = !listed(held, number);
    rc = job->to->ops->put(job->to, job->registry, schema, v.type, v.text,
                           v.len, number, &stored, err);
  } else if (rc == IATK_OK) {
    rc = held_as(job->to, job->registry, schema, held, &v, &stored, err);
    copied = stored == 0;
    if (rc == IATK_OK && copied)
      rc = job->to->ops->put(job->to, job->registry, schema, v.type, v.text,
                             v.len, 0, &stored, err);
  }
  free(v.text);
  if (rc == IATK_OK && job->progress)
    job->progress(job->registry, schema, number, stored, copied, job->userdata);
  return rc;
}

/* The versions `to` holds of a schema; an empty list when it has none. */
static iatk_strlist *versions_held(iatk_registry *to, const char *registry,
                                   const char *schema, iatk_error *err) {
  iatk_error inner;
  iatk_error_clear(&inner);
  iatk_strlist *held = to->ops->versions(to, registry, schema, &inner);
  if (held || inner.code == IATK_ENOSCHEMA || inner.code == IATK_ENOREGISTRY)
    return held ? held : iatk__strlist_new();
  if (err)
    *err = inner;
  return NULL;
}

static int ensure_registry(const sync_job *job, iatk_error *err);

/* The source's versions are listed first, so that a schema that does not
 * exist there creates nothing at the destination. */
static int sync_schema(const sync_job *job, const char *schema,
                       iatk_error *err) {
  iatk_strlist *versions =
      job->from->ops->versions(job->from, job->registry, schema, err);
  iatk_strlist *held =
      versions && (!job->named || ensure_registry(job, err) == IATK_OK)
          ? versions_held(job->to, job->registry, schema, err)
          : NULL;
  int rc = held ? IATK_OK : iatk__error_code(err, IATK_EIO);
  for (size_t i = 0; rc == IATK_OK && i < iatk_strlist_count(versions); i++) {
    int number = iatk__registry_parse_version(iatk_strlist_get(versions, i));
    rc = copy_version(job, schema, number, held, err);
  }
  iatk_strlist_free(held);
  iatk_strlist_free(versions);
  return rc;
}

/* A registry with no schemas is still copied: `to` gets it too. */
static int ensure_registry(const sync_job *job, iatk_error *err) {
  iatk_error inner;
  iatk_error_clear(&inner);
  int rc = job->to->ops->create(job->to, job->registry, &inner);
  if (rc == IATK_OK || rc == IATK_EEXIST)
    return IATK_OK;
  if (err)
    *err = inner;
  return rc;
}

int iatk_registry_sync(iatk_registry *from, iatk_registry *to,
                       const char *registry, const char *schema,
                       iatk_registry_sync_cb progress, void *userdata,
                       iatk_error *err) {
  if (!from || !to)
    return iatk__fail(err, IATK_EINVAL, "no registry handle given");
  int rc = iatk_registry_check_name('r', registry, err);
  if (rc == IATK_OK && schema)
    rc = iatk_registry_check_name('s', schema, err);
  sync_job job = {from, to, registry, progress, userdata, schema != NULL};
  iatk_strlist *schemas =
      rc == IATK_OK && !schema ? from->ops->list(from, registry, err) : NULL;
  if (rc == IATK_OK && !schema && !schemas)
    rc = iatk__error_code(err, IATK_EIO);
  if (rc == IATK_OK && !schema)
    rc = ensure_registry(&job, err);
  if (rc == IATK_OK && schema)
    rc = sync_schema(&job, schema, err);
  for (size_t i = 0; rc == IATK_OK && i < iatk_strlist_count(schemas); i++)
    rc = sync_schema(&job, iatk_strlist_get(schemas, i), err);
  iatk_strlist_free(schemas);
  return rc;
}
