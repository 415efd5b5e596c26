/* When a version of the local tree was written.
 *
 * The tree stores no times (a clone would reset them anyway), but clients
 * of the Schemas API expect LastModified and VersionCreatedDate.  The
 * version directory's modification time is the best stand-in: a put fills
 * the directory and renames it into place, so its time is when the version
 * was written, and versions are immutable, so nothing changes it later.
 *
 * The walk goes through tree.c like every other one: no symbolic link
 * below the root is followed, so a planted link cannot make the times of
 * files outside the tree visible. */
#include <stdio.h>
#include <sys/stat.h>

#include "registry/registry_internal.h"

/* The directories down to one version, each opened from the one above. */
typedef struct version_path {
  iatk_tree_dir root, registry, schema, version;
} version_path;

static void path_close(version_path *p) {
  iatk__tree_close(&p->version);
  iatk__tree_close(&p->schema);
  iatk__tree_close(&p->registry);
  iatk__tree_close(&p->root);
}

/* The number to look at: `version` checked, or the highest one.  Listing
 * the versions first also settles ENOREGISTRY and ENOSCHEMA exactly as
 * every other reader of the tree reports them. */
static int pick_version(iatk_registry *reg, const char *registry,
                        const char *schema, const char *version, int *number,
                        int *latest, iatk_error *err) {
  if (version && iatk__registry_check_version(version, number, err) != IATK_OK)
    return IATK_ENAME;
  iatk_error inner; /* err may be NULL, but the code is needed */
  iatk_error_clear(&inner);
  iatk_strlist *list = iatk_registry_versions(reg, registry, schema, &inner);
  if (!list)
    return iatk__fail_at(err, inner.code, inner.where, "%s", inner.message);
  size_t count = iatk_strlist_count(list);
  *latest =
      count ? iatk__registry_parse_version(iatk_strlist_get(list, count - 1))
            : 0;
  iatk_strlist_free(list);
  if (!version)
    *number = *latest;
  return IATK_OK;
}

/* Opens ROOT/<registry>/<schema>/<number>; a version that vanished or
 * never existed is ENOVERSION. */
static int open_version(const char *root, const char *registry,
                        const char *schema, int number, int latest,
                        version_path *p, iatk_error *err) {
  char name[16];
  snprintf(name, sizeof name, "%d", number);
  int rc = iatk__tree_open_root(root, 0, &p->root, err);
  if (rc == IATK_OK)
    rc = iatk__tree_open(&p->root, registry, 0, &p->registry, err);
  if (rc == IATK_OK)
    rc = iatk__tree_open(&p->registry, schema, 0, &p->schema, err);
  if (rc == IATK_OK)
    rc = iatk__tree_open(&p->schema, name, 0, &p->version, err);
  if (rc == IATK_OK && p->version.fd < 0)
    rc = iatk__fail(err, IATK_ENOVERSION,
                    "version %d of schema '%s' not found in registry '%s' "
                    "(latest is %d)",
                    number, schema, registry, latest);
  return rc;
}

int iatk_registry_version_time(iatk_registry *reg, const char *registry,
                               const char *schema, const char *version,
                               int64_t *epoch_us, iatk_error *err) {
  if (!reg || !epoch_us)
    return iatk__fail(err, IATK_EINVAL, "no registry handle or result given");
  if (!iatk_registry_root(reg))
    return iatk__fail(err, IATK_EUNSUPPORTED,
                      "%s keeps no version directories: version times come "
                      "from a local registry tree",
                      iatk_registry_describe(reg));
  int number = 0, latest = 0;
  int rc = pick_version(reg, registry, schema, version, &number, &latest, err);
  if (rc != IATK_OK)
    return rc;
  version_path p = {IATK_TREE_DIR_NONE, IATK_TREE_DIR_NONE, IATK_TREE_DIR_NONE,
                    IATK_TREE_DIR_NONE};
  rc = open_version(iatk_registry_root(reg), registry, schema, number, latest,
                    &p, err);
  struct stat st;
  if (rc == IATK_OK && fstat(p.version.fd, &st) != 0)
    rc = iatk__fail_at(err, IATK_EIO, p.version.path, "cannot stat %s",
                       p.version.path);
  if (rc == IATK_OK)
    *epoch_us =
        (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
  path_close(&p);
  return rc;
}
