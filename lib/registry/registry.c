/* The public registry calls: checks shared by every source, then the
 * source's own operation (see iatk__registry_ops).  Checking here means a
 * name that could leave a local tree, or that AWS would refuse, is refused
 * the same way whichever source is behind the handle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/registry_internal.h"

static void *fail_null(iatk_error *err, int code, const char *what) {
  iatk__fail(err, code, "%s", what);
  return NULL;
}

const char *iatk__registry_known_type(const char *type) {
  if (type && strcmp(type, IATK_TYPE_OPENAPI3) == 0)
    return IATK_TYPE_OPENAPI3;
  if (type && strcmp(type, IATK_TYPE_JSONSCHEMA_DRAFT4) == 0)
    return IATK_TYPE_JSONSCHEMA_DRAFT4;
  return NULL;
}

static int check_handle(const iatk_registry *reg, iatk_error *err) {
  return reg ? IATK_OK
             : iatk__fail(err, IATK_EINVAL, "no registry handle given");
}

static int check_names(const iatk_registry *reg, const char *registry,
                       const char *schema, iatk_error *err) {
  int rc = check_handle(reg, err);
  if (rc == IATK_OK)
    rc = iatk_registry_check_name('r', registry, err);
  if (rc == IATK_OK && schema)
    rc = iatk_registry_check_name('s', schema, err);
  return rc;
}

/* ------------------------------------------------------------- handles */

iatk_registry *iatk_registry_open(const char *root_dir, iatk_error *err) {
  const char *root = root_dir ? root_dir : getenv("IATK_REGISTRY_DIR");
  if (!root || !*root)
    return fail_null(err, IATK_EINVAL,
                     "no local registry directory: pass --registry-dir DIR or "
                     "set IATK_REGISTRY_DIR");
  return iatk__local_open(root, err);
}

void iatk_registry_free(iatk_registry *reg) {
  if (!reg)
    return;
  reg->ops->release(reg);
  free(reg->root);
  free(reg->description);
  free(reg);
}

const char *iatk_registry_root(const iatk_registry *reg) {
  return reg ? reg->root : NULL;
}

unsigned long iatk_registry_cache_hits(const iatk_registry *reg) {
  return reg ? reg->cache_hits : 0;
}

const char *iatk_registry_describe(const iatk_registry *reg) {
  return reg ? reg->description : NULL;
}

const char *iatk_registry_served_by(const iatk_registry *reg) {
  const char *layer = reg ? iatk__layered_served_by(reg) : NULL;
  return layer ? layer : iatk_registry_describe(reg);
}

/* ------------------------------------------------------------- writing */

int iatk_registry_create(iatk_registry *reg, const char *registry,
                         iatk_error *err) {
  int rc = check_names(reg, registry, NULL, err);
  return rc == IATK_OK ? reg->ops->create(reg, registry, err) : rc;
}

/* Refuses what is not a schema document before anything is written, and
 * settles the type to store (detected when not given). */
static int validate_content(const char *registry, const char *schema,
                            const char *type, const char *content, size_t len,
                            const char **stored_type, iatk_error *err) {
  if (type && !iatk__registry_known_type(type))
    return iatk__fail(err, IATK_EINVAL,
                      "unknown schema type '%s': expected OpenApi3 or "
                      "JSONSchemaDraft4",
                      type);
  if (!content && len > 0)
    return iatk__fail(err, IATK_EINVAL, "no schema content given");
  char origin[IATK_REGISTRY_NAME_MAX + IATK_SCHEMA_NAME_MAX + 2];
  snprintf(origin, sizeof origin, "%s/%s", registry, schema);
  iatk_schema *doc =
      iatk_schema_load(content ? content : "", len, type, origin, err);
  if (!doc)
    return iatk__error_code(err, IATK_ESCHEMA);
  *stored_type = iatk_schema_type(doc); /* static string: outlives doc */
  iatk_schema_free(doc);
  return IATK_OK;
}

static int put(iatk_registry *reg, const char *registry, const char *schema,
               const char *type, const char *content, size_t len, int version,
               int *version_out, iatk_error *err) {
  const char *stored_type = NULL;
  int number = 0;
  int rc = check_names(reg, registry, schema ? schema : "", err);
  if (rc == IATK_OK)
    rc = validate_content(registry, schema, type, content, len, &stored_type,
                          err);
  if (rc == IATK_OK)
    rc = reg->ops->put(reg, registry, schema, stored_type,
                       content ? content : "", len, version, &number, err);
  if (rc == IATK_OK && version_out)
    *version_out = number;
  return rc;
}

int iatk_registry_put(iatk_registry *reg, const char *registry,
                      const char *schema, const char *type, const char *content,
                      size_t len, int *version_out, iatk_error *err) {
  return put(reg, registry, schema, type, content, len, 0, version_out, err);
}

int iatk_registry_put_version(iatk_registry *reg, const char *registry,
                              const char *schema, const char *type,
                              const char *content, size_t len, int version,
                              iatk_error *err) {
  if (version <= 0)
    return iatk__fail(err, IATK_EINVAL,
                      "schema version %d: versions are numbered from 1",
                      version);
  if (reg && !reg->ops->keeps_numbers)
    return iatk__fail(err, IATK_EUNSUPPORTED,
                      "%s numbers schema versions itself: cannot store "
                      "version %d of '%s' as such",
                      reg->description, version, schema ? schema : "");
  return put(reg, registry, schema, type, content, len, version, NULL, err);
}

/* ------------------------------------------------------------- reading */

iatk_strlist *iatk_registry_list(iatk_registry *reg, const char *registry,
                                 iatk_error *err) {
  if (check_handle(reg, err) != IATK_OK ||
      (registry && check_names(reg, registry, NULL, err) != IATK_OK))
    return NULL;
  return reg->ops->list(reg, registry, err);
}

iatk_strlist *iatk_registry_versions(iatk_registry *reg, const char *registry,
                                     const char *schema, iatk_error *err) {
  if (check_names(reg, registry, schema ? schema : "", err) != IATK_OK)
    return NULL;
  return reg->ops->versions(reg, registry, schema, err);
}

char *iatk_registry_read(iatk_registry *reg, const char *registry,
                         const char *schema, const char *version, size_t *len,
                         const char **type, int *version_out, iatk_error *err) {
  int wanted = 0, found_version = 0;
  const char *found_type = NULL;
  size_t found_len = 0;
  if (check_names(reg, registry, schema ? schema : "", err) != IATK_OK ||
      (version && iatk__registry_check_version(version, &wanted, err) != 0))
    return NULL;
  char *text = reg->ops->read(reg, registry, schema, wanted, &found_len,
                              &found_type, &found_version, err);
  if (text && len)
    *len = found_len;
  if (text && type)
    *type = found_type;
  if (text && version_out)
    *version_out = found_version;
  return text;
}

iatk_schema *iatk_registry_load(iatk_registry *reg, const char *registry,
                                const char *schema, const char *version,
                                iatk_error *err) {
  size_t len = 0;
  const char *type = NULL;
  int number = 0;
  char *text = iatk_registry_read(reg, registry, schema, version, &len, &type,
                                  &number, err);
  if (!text)
    return NULL;
  /* Relative-looking, so error positions read
   * "orders/Placed/2/schema.json:3:14". */
  char origin[IATK_REGISTRY_NAME_MAX + IATK_SCHEMA_NAME_MAX + 32];
  snprintf(origin, sizeof origin, "%s/%s/%d/schema.json", registry, schema,
           number);
  iatk_schema *doc = iatk_schema_load(text, len, type, origin, err);
  free(text);
  return doc;
}
