/* The built-in aws.events catalogue, layered over another source.
 *
 * The catalogue is a read-only local tree installed with iatk (data/ in the
 * source tree; found like every installed data file, common/data_dir.c).
 * A layered handle sends every call to its primary source (the local tree
 * or AWS) except calls about the registry aws.events, which go:
 *   - over a local tree: to the tree when it has its own aws.events (made
 *     with `registry create` or `registry pull`), else to the catalogue;
 *   - over AWS chosen because nothing was configured: to the catalogue, so
 *     the AWS service events work offline with no setup at all.
 * (AWS asked for by name, --source aws, is never layered.)  Writes that
 * would land in the catalogue are refused: it is data shipped with iatk. */
#include <stdlib.h>
#include <string.h>

#include "registry/registry_internal.h"

#ifndef IATK_CATALOGUE_INSTALL_DIR
#define IATK_CATALOGUE_INSTALL_DIR ""
#endif
#ifndef IATK_CATALOGUE_SOURCE_DIR
#define IATK_CATALOGUE_SOURCE_DIR ""
#endif

typedef struct layered {
  iatk_registry base;       /* first: the handle is an iatk_registry */
  iatk_registry *primary;   /* the tree or AWS; owned */
  iatk_registry *catalogue; /* NULL when none was found */
  char *missing;            /* why there is none, when the user named one */
  int over_tree;            /* the primary is a local tree */
  const char *served_by;    /* description of what answered the last read */
} layered;

static const iatk__data_place CATALOGUE_PLACE = {"IATK_CATALOGUE_DIR",
                                                 IATK_CATALOGUE_INSTALL_DIR,
                                                 IATK_CATALOGUE_SOURCE_DIR};

/* ------------------------------------------------------------ routing */

static int is_catalogued(const char *registry) {
  return registry && strcmp(registry, IATK_CATALOGUE_REGISTRY) == 0;
}

/* Whether the primary tree has a registry of its own by that name. */
static int tree_has(layered *l, const char *registry, iatk_error *err) {
  iatk_strlist *names = l->primary->ops->list(l->primary, NULL, err);
  int found = 0;
  for (size_t i = 0; names && i < iatk_strlist_count(names) && !found; i++)
    found = strcmp(iatk_strlist_get(names, i), registry) == 0;
  iatk_strlist_free(names);
  return found;
}

/* The source that answers for `registry`; NULL (err set) when the user's
 * IATK_CATALOGUE_DIR was wrong, since then nothing else may answer. */
static iatk_registry *route(layered *l, const char *registry, iatk_error *err) {
  if (!is_catalogued(registry))
    return l->primary;
  if (l->missing) {
    iatk__fail(err, IATK_EIO, "%s", l->missing);
    return NULL;
  }
  if (!l->catalogue || (l->over_tree && tree_has(l, registry, NULL)))
    return l->primary;
  return l->catalogue;
}

static int refuse_write(const layered *l, const char *what, iatk_error *err) {
  const char *instead =
      l->over_tree
          ? "make the tree's own with 'iatk registry create " IATK_CATALOGUE_REGISTRY
            "' (or copy AWS's with 'iatk registry pull --registry " IATK_CATALOGUE_REGISTRY
            "'); it then takes the catalogue's place"
          : "a local tree's own " IATK_CATALOGUE_REGISTRY
            " may be made instead "
            "(--registry-dir DIR or IATK_REGISTRY_DIR, then 'iatk registry create " IATK_CATALOGUE_REGISTRY
            "')";
  return iatk__fail(err, IATK_EUNSUPPORTED,
                    "cannot %s: " IATK_CATALOGUE_REGISTRY " is the built-in, "
                    "read-only catalogue of AWS service events (%s); %s",
                    what, l->catalogue->description, instead);
}

/* ------------------------------------------------------------ operations */

static void layered_release(iatk_registry *reg) {
  layered *l = (layered *)reg;
  iatk_registry_free(l->primary);
  iatk_registry_free(l->catalogue);
  free(l->missing);
}

static int layered_create(iatk_registry *reg, const char *registry,
                          iatk_error *err) {
  layered *l = (layered *)reg;
  /* Over a tree, creating aws.events makes the tree's own: the way to
   * hold versions of one's own. */
  if (is_catalogued(registry) && !l->over_tree && l->catalogue && !l->missing)
    return refuse_write(l, "create registry " IATK_CATALOGUE_REGISTRY, err);
  return l->primary->ops->create(l->primary, registry, err);
}

static int layered_put(iatk_registry *reg, const char *registry,
                       const char *schema, const char *type,
                       const char *content, size_t len, int version,
                       int *version_out, iatk_error *err) {
  layered *l = (layered *)reg;
  iatk_registry *to = route(l, registry, err);
  if (!to)
    return iatk__error_code(err, IATK_EIO);
  if (to == l->catalogue)
    return refuse_write(l, "put a schema into " IATK_CATALOGUE_REGISTRY, err);
  return to->ops->put(to, registry, schema, type, content, len, version,
                      version_out, err);
}

static int by_name(const char *a, const char *b) { return strcmp(a, b); }

/* The primary's registries, plus aws.events when the catalogue serves it. */
static iatk_strlist *list_registries(layered *l, iatk_error *err) {
  iatk_strlist *names = l->primary->ops->list(l->primary, NULL, err);
  if (!names || !l->catalogue || l->missing)
    return names;
  for (size_t i = 0; i < iatk_strlist_count(names); i++)
    if (is_catalogued(iatk_strlist_get(names, i)))
      return names;
  if (iatk__strlist_push(names, IATK_CATALOGUE_REGISTRY) != IATK_OK) {
    iatk_strlist_free(names);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  iatk__strlist_sort(names, by_name);
  return names;
}

static iatk_strlist *layered_list(iatk_registry *reg, const char *registry,
                                  iatk_error *err) {
  layered *l = (layered *)reg;
  if (!registry)
    return list_registries(l, err);
  iatk_registry *from = route(l, registry, err);
  iatk_strlist *names = from ? from->ops->list(from, registry, err) : NULL;
  if (names)
    l->served_by = from->description;
  return names;
}

static iatk_strlist *layered_versions(iatk_registry *reg, const char *registry,
                                      const char *schema, iatk_error *err) {
  layered *l = (layered *)reg;
  iatk_registry *from = route(l, registry, err);
  iatk_strlist *versions =
      from ? from->ops->versions(from, registry, schema, err) : NULL;
  if (versions)
    l->served_by = from->description;
  return versions;
}

static char *layered_read(iatk_registry *reg, const char *registry,
                          const char *schema, int version, size_t *len,
                          const char **type, int *version_out,
                          iatk_error *err) {
  layered *l = (layered *)reg;
  iatk_registry *from = route(l, registry, err);
  char *text = from ? from->ops->read(from, registry, schema, version, len,
                                      type, version_out, err)
                    : NULL;
  if (text)
    l->served_by = from->description;
  /* The primary's cache is the only one: report its hits as ours. */
  reg->cache_hits = l->primary->cache_hits;
  return text;
}

static const iatk__registry_ops OVER_TREE = {
    1,           layered_release, layered_create,
    layered_put, layered_list,    layered_versions,
    layered_read};
static const iatk__registry_ops OVER_AWS = {
    0,           layered_release, layered_create,
    layered_put, layered_list,    layered_versions,
    layered_read};

/* ------------------------------------------------------------ opening */

/* Opens the catalogue, or leaves it NULL: not installed is not an error
 * (aws.events then comes from the primary, as before there was one), but
 * an IATK_CATALOGUE_DIR without it is, when aws.events is asked for. */
static int open_catalogue(layered *l, iatk_error *err) {
  iatk_error inner = {0};
  char *path =
      iatk__data_find(&CATALOGUE_PLACE, IATK_CATALOGUE_REGISTRY, &inner);
  const char *env = getenv(CATALOGUE_PLACE.env);
  if (!path && env && *env) {
    l->missing = iatk__strdup(inner.message);
    return l->missing ? IATK_OK : iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  if (!path)
    return IATK_OK;
  path[strlen(path) - strlen("/" IATK_CATALOGUE_REGISTRY)] = '\0';
  l->catalogue = iatk__local_open(path, err);
  free(path);
  if (!l->catalogue)
    return iatk__error_code(err, IATK_EIO);
  iatk_buf d;
  iatk__buf_init(&d);
  iatk__buf_printf(&d,
                   "the built-in " IATK_CATALOGUE_REGISTRY " catalogue in %s",
                   l->catalogue->root);
  free(l->catalogue->description);
  l->catalogue->description = iatk__buf_steal(&d);
  return l->catalogue->description
             ? IATK_OK
             : iatk__fail(err, IATK_ENOMEM, "out of memory");
}

iatk_registry *iatk__catalogue_layer(iatk_registry *primary, int over_tree,
                                     iatk_error *err) {
  if (!primary)
    return NULL;
  layered *l = calloc(1, sizeof *l);
  if (!l) {
    iatk_registry_free(primary);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  l->base.ops = over_tree ? &OVER_TREE : &OVER_AWS;
  l->primary = primary;
  l->over_tree = over_tree;
  l->base.root = iatk__strdup(primary->root);
  l->base.description = iatk__strdup(primary->description);
  if ((primary->root && !l->base.root) || !l->base.description) {
    iatk_registry_free(&l->base);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  if (open_catalogue(l, err) != IATK_OK) {
    iatk_registry_free(&l->base);
    return NULL;
  }
  return &l->base;
}

const char *iatk__layered_served_by(const iatk_registry *reg) {
  const layered *l = (const layered *)reg;
  return reg->ops->release == layered_release ? l->served_by : NULL;
}
