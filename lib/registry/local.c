/* The local registry tree, plain files a team can commit to git:
 *
 *   ROOT/<registry>/<schema>/<N>/schema.json   content exactly as put
 *   ROOT/<registry>/<schema>/<N>/meta.json     {"type": "OpenApi3"}
 *
 * Versions are immutable and appear atomically: a put fills a hidden
 * temporary directory next to the versions (temp.c) and renames it to N, so
 * a reader, a concurrent writer or a kill -9 never sees half a version.
 * Readers skip every name starting with '.', which covers leftovers.
 *
 * Every walk goes through tree.c, which never follows a symbolic link
 * below the root: a tree cloned from somewhere else cannot make a put
 * write, or a show print, anything outside it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registry/registry_internal.h"

/* The local tree's handle is the common one: reg->root is the directory,
 * as given, without trailing slashes. */

/* Concurrent writers may take the number a put chose; each retry rescans,
 * so this bounds how many of them one put can lose to. */
#define PUBLISH_ATTEMPTS 1000
/* meta.json holds one short member; anything bigger is not ours. */
#define META_MAX_BYTES 65536

/* ---------------------------------------------------------------- paths */

static void *fail_null(iatk_error *err, int code, const char *what) {
  iatk__fail(err, code, "%s", what);
  return NULL;
}

/* base/a/b/c/d, stopping at the first NULL part; NULL when out of memory. */
static char *join(const char *base, const char *a, const char *b, const char *c,
                  const char *d) {
  const char *parts[] = {a, b, c, d};
  iatk_buf buf;
  iatk__buf_init(&buf);
  iatk__buf_puts(&buf, base);
  for (size_t i = 0; i < 4 && parts[i]; i++) {
    if (buf.len == 0 || buf.data[buf.len - 1] != '/') /* root "/" */
      iatk__buf_putc(&buf, '/');
    iatk__buf_puts(&buf, parts[i]);
  }
  if (buf.failed) {
    iatk__buf_release(&buf);
    return NULL;
  }
  return iatk__buf_steal(&buf);
}

/* The directories down to one schema, each opened from the one above. */
typedef struct schema_path {
  iatk_tree_dir root, registry, schema;
} schema_path;

static void path_init(schema_path *p) {
  const iatk_tree_dir none = IATK_TREE_DIR_NONE;
  p->root = p->registry = p->schema = none;
}

static void path_close(schema_path *p) {
  iatk__tree_close(&p->schema);
  iatk__tree_close(&p->registry);
  iatk__tree_close(&p->root);
}

/* ------------------------------------------------------------- scanning */

/* Collects the names of one directory that are registries ('r'), schemas
 * ('s') or versions ('v'). */
typedef struct listing {
  char kind;
  iatk_strlist *names;
} listing;

/* Hidden names (unfinished puts, editors' files), names that break the
 * rules and non-canonical versions ("007") are not part of the tree. */
static int named_like(char kind, const char *name) {
  if (name[0] == '.')
    return 0;
  if (kind == 'v')
    return iatk__registry_parse_version(name) > 0;
  return iatk_registry_check_name(kind, name, NULL) == IATK_OK;
}

static int scan(const iatk_tree_dir *dir, char kind, iatk_strlist *names,
                iatk_error *err);

/* Highest version in a schema directory, 0 when it has none. */
static int latest_version(const iatk_tree_dir *schema_dir, int *latest,
                          iatk_error *err) {
  iatk_strlist *versions = iatk__strlist_new();
  if (!versions)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  int rc = scan(schema_dir, 'v', versions, err);
  *latest = 0;
  for (size_t i = 0; i < iatk_strlist_count(versions); i++) {
    int v = iatk__registry_parse_version(iatk_strlist_get(versions, i));
    *latest = v > *latest ? v : *latest;
  }
  iatk_strlist_free(versions);
  return rc;
}

/* A schema exists once it has a version: a directory holding only the
 * leftover of a crashed first put is not a schema. */
static int has_versions(const iatk_tree_dir *registry_dir, const char *name,
                        int *yes, iatk_error *err) {
  iatk_tree_dir schema_dir = IATK_TREE_DIR_NONE;
  int latest = 0;
  int rc = iatk__tree_open(registry_dir, name, 0, &schema_dir, err);
  if (rc == IATK_OK)
    rc = latest_version(&schema_dir, &latest, err);
  iatk__tree_close(&schema_dir);
  *yes = latest > 0;
  return rc;
}

/* A link where a registry, schema or version belongs is an error rather
 * than skipped: silently hiding it would leave the user guessing. */
static int visit_listed(const iatk_tree_dir *dir, const char *name,
                        iatk_tree_kind kind, void *ctx, iatk_error *err) {
  listing *l = ctx;
  if (!named_like(l->kind, name))
    return IATK_OK;
  if (kind == IATK_TREE_LINK)
    return iatk__tree_refuse_link(dir, name, err);
  if (kind != IATK_TREE_DIR)
    return IATK_OK;
  int keep = 1;
  int rc = l->kind == 's' ? has_versions(dir, name, &keep, err) : IATK_OK;
  if (rc == IATK_OK && keep && iatk__strlist_push(l->names, name) != IATK_OK)
    rc = iatk__fail(err, IATK_ENOMEM, "out of memory");
  return rc;
}

static int scan(const iatk_tree_dir *dir, char kind, iatk_strlist *names,
                iatk_error *err) {
  listing l = {kind, names};
  return iatk__tree_each(dir, visit_listed, &l, err);
}

/* Versions are canonical decimals, so shorter means smaller. */
static int compare_versions(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp(a, b);
}

static iatk_strlist *list_dir(const iatk_tree_dir *dir, char kind,
                              int (*cmp)(const char *, const char *),
                              iatk_error *err) {
  iatk_strlist *list = iatk__strlist_new();
  if (!list)
    return fail_null(err, IATK_ENOMEM, "out of memory");
  if (scan(dir, kind, list, err) != IATK_OK) {
    iatk_strlist_free(list);
    return NULL;
  }
  iatk__strlist_sort(list, cmp);
  return list;
}

/* ------------------------------------------------------------ lookups */

/* Opens ROOT and ROOT/<registry>, which must exist. */
static int locate_registry(const iatk_registry *reg, const char *registry,
                           schema_path *p, iatk_error *err) {
  int rc = iatk__tree_open_root(reg->root, 0, &p->root, err);
  if (rc == IATK_OK)
    rc = iatk__tree_open(&p->root, registry, 0, &p->registry, err);
  if (rc == IATK_OK && p->registry.fd < 0)
    rc = iatk__fail(err, IATK_ENOREGISTRY, "registry '%s' not found in %s",
                    registry, reg->root);
  return rc;
}

/* Opens down to ROOT/<registry>/<schema> and sets *latest to its highest
 * version, after checking that the schema exists. */
static int locate_schema(const iatk_registry *reg, const char *registry,
                         const char *schema, schema_path *p, int *latest,
                         iatk_error *err) {
  int rc = locate_registry(reg, registry, p, err);
  if (rc == IATK_OK)
    rc = iatk__tree_open(&p->registry, schema, 0, &p->schema, err);
  if (rc == IATK_OK)
    rc = latest_version(&p->schema, latest, err);
  if (rc == IATK_OK && *latest == 0)
    rc = iatk__fail(err, IATK_ENOSCHEMA,
                    "schema '%s' not found in registry '%s'", schema, registry);
  return rc;
}

/* ------------------------------------------------------------- handles */

/* Why mkdir of a registry failed: it exists, it is a link, or the system
 * said no. */
static int create_failed(const iatk_tree_dir *root, const char *registry, int e,
                         iatk_error *err) {
  struct stat st;
  if (e == EEXIST &&
      fstatat(root->fd, registry, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode))
      return iatk__tree_refuse_link(root, registry, err);
    if (S_ISDIR(st.st_mode))
      return iatk__fail(err, IATK_EEXIST, "registry '%s' already exists",
                        registry);
  }
  char *dir = join(root->path, registry, NULL, NULL, NULL);
  int rc =
      dir ? iatk__fail_at(err, IATK_EIO, dir, "cannot create directory %s: %s",
                          dir, strerror(e))
          : iatk__fail(err, IATK_ENOMEM, "out of memory");
  free(dir);
  return rc;
}

static int local_create(iatk_registry *reg, const char *registry,
                        iatk_error *err) {
  iatk_tree_dir root = IATK_TREE_DIR_NONE;
  int rc = iatk__tree_open_root(reg->root, 1, &root, err);
  if (rc == IATK_OK && mkdirat(root.fd, registry, 0777) != 0)
    rc = create_failed(&root, registry, errno, err);
  iatk__tree_close(&root);
  return rc;
}

/* ------------------------------------------------------------- writing */

/* Fills a new temporary directory with both files of a version and sets
 * `tmp` to its name (left empty when none was made). */
static int write_temp_version(const iatk_tree_dir *schema_dir,
                              const char *content, size_t len, const char *type,
                              char tmp[IATK_TEMP_NAME_SIZE], iatk_error *err) {
  iatk_tree_dir dir = IATK_TREE_DIR_NONE;
  int rc = iatk__temp_make(schema_dir, tmp, &dir, err);
  char meta[128];
  int meta_len =
      snprintf(meta, sizeof meta, "{\n  \"type\": \"%s\"\n}\n", type);
  if (rc == IATK_OK)
    rc = iatk__tree_write(&dir, "schema.json", content, len, err);
  if (rc == IATK_OK)
    rc = iatk__tree_write(&dir, "meta.json", meta, (size_t)meta_len, err);
  if (rc == IATK_OK)
    rc = iatk__tree_sync(&dir, err);
  iatk__tree_close(&dir);
  return rc;
}

/* Renames the temporary directory to version `number`: 0 when it is
 * taken (rename(2) fails with EEXIST/ENOTEMPTY: a version directory is
 * never empty), 1 when published, or an error. */
static int rename_to(const iatk_tree_dir *schema_dir, const char *tmp,
                     int number, iatk_error *err) {
  char name[16];
  snprintf(name, sizeof name, "%d", number);
  if (renameat(schema_dir->fd, tmp, schema_dir->fd, name) == 0) {
    /* Published: from here on failing would misreport a stored version,
     * so making the rename durable is best effort. */
    iatk__tree_sync(schema_dir, NULL);
    return 1;
  }
  if (errno == EEXIST || errno == ENOTEMPTY)
    return 0;
  int e = errno;
  char *from = join(schema_dir->path, tmp, NULL, NULL, NULL);
  char *to = join(schema_dir->path, name, NULL, NULL, NULL);
  int rc = from && to
               ? iatk__fail_at(err, IATK_EIO, to, "cannot rename %s to %s: %s",
                               from, to, strerror(e))
               : iatk__fail(err, IATK_ENOMEM, "out of memory");
  free(from);
  free(to);
  return -rc;
}

/* Publishes the temporary directory as the next free number.  When a
 * concurrent put took that number first, rescan and retry. */
static int publish_next(const iatk_tree_dir *schema_dir, const char *tmp,
                        int *version, iatk_error *err) {
  for (int attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    int latest;
    int rc = latest_version(schema_dir, &latest, err);
    if (rc != IATK_OK)
      return rc;
    if (latest == INT_MAX)
      return iatk__fail_at(err, IATK_ELIMIT, schema_dir->path,
                           "%s has no version number left", schema_dir->path);
    int done = rename_to(schema_dir, tmp, latest + 1, err);
    if (done < 0)
      return -done;
    if (done) {
      *version = latest + 1;
      return IATK_OK;
    }
  }
  return iatk__fail_at(err, IATK_EIO, schema_dir->path,
                       "cannot add a version to %s: %d concurrent writers "
                       "took every number tried",
                       schema_dir->path, PUBLISH_ATTEMPTS);
}

static char *read_version(const iatk_tree_dir *version_dir, const char **type,
                          size_t *len, iatk_error *err);

/* Whether version `number` of the schema holds exactly `type` and
 * `content`: IATK_OK when it does, EEXIST when it holds something else. */
static int same_version(const iatk_tree_dir *schema_dir, int number,
                        const char *type, const char *content, size_t len,
                        iatk_error *err) {
  char name[16];
  snprintf(name, sizeof name, "%d", number);
  iatk_tree_dir dir = IATK_TREE_DIR_NONE;
  const char *stored_type = NULL;
  size_t stored_len = 0;
  char *stored = NULL;
  int rc = iatk__tree_open(schema_dir, name, 0, &dir, err);
  if (rc == IATK_OK && dir.fd >= 0)
    stored = read_version(&dir, &stored_type, &stored_len, err);
  /* Types are compared as text: the same name may sit at two addresses
   * (string literals of two files are merged only by optimising builds). */
  if (stored && (strcmp(stored_type, type) != 0 || stored_len != len ||
                 memcmp(stored, content, len) != 0))
    rc = iatk__fail_at(err, IATK_EEXIST, dir.path,
                       "version %d already exists in %s with other content",
                       number, schema_dir->path);
  else if (rc == IATK_OK && !stored)
    rc = iatk__error_code(err, IATK_EIO);
  free(stored);
  iatk__tree_close(&dir);
  return rc;
}

/* Publishes the temporary directory as exactly version `number`. */
static int publish_at(const iatk_tree_dir *schema_dir, const char *tmp,
                      int number, const char *type, const char *content,
                      size_t len, iatk_error *err) {
  int done = rename_to(schema_dir, tmp, number, err);
  if (done < 0)
    return -done;
  if (done)
    return IATK_OK;
  return same_version(schema_dir, number, type, content, len, err);
}

/* Opens ROOT/<registry>/<schema>, creating whatever is missing. */
static int make_schema_dir(const iatk_registry *reg, const char *registry,
                           const char *schema, schema_path *p,
                           iatk_error *err) {
  int rc = iatk__tree_open_root(reg->root, 1, &p->root, err);
  if (rc == IATK_OK)
    rc = iatk__tree_open(&p->root, registry, 1, &p->registry, err);
  if (rc == IATK_OK)
    rc = iatk__tree_open(&p->registry, schema, 1, &p->schema, err);
  return rc;
}

static int local_put(iatk_registry *reg, const char *registry,
                     const char *schema, const char *type, const char *content,
                     size_t len, int version, int *version_out,
                     iatk_error *err) {
  schema_path p;
  path_init(&p);
  char tmp[IATK_TEMP_NAME_SIZE] = "";
  int rc = make_schema_dir(reg, registry, schema, &p, err);
  if (rc == IATK_OK) {
    iatk__temp_clean_stale(&p.schema);
    rc = write_temp_version(&p.schema, content, len, type, tmp, err);
  }
  if (rc == IATK_OK && version == 0)
    rc = publish_next(&p.schema, tmp, &version, err);
  else if (rc == IATK_OK)
    rc = publish_at(&p.schema, tmp, version, type, content, len, err);
  /* Left over after a failure, or after finding the version already
   * there: a published directory has been renamed away. */
  if (tmp[0])
    iatk__temp_remove(&p.schema, tmp);
  if (rc == IATK_OK)
    *version_out = version;
  path_close(&p);
  return rc;
}

/* ------------------------------------------------------------- reading */

static iatk_strlist *local_list(iatk_registry *reg, const char *registry,
                                iatk_error *err) {
  schema_path p;
  path_init(&p);
  iatk_strlist *list = NULL;
  /* A root that does not exist yet holds no registries. */
  if (!registry) {
    if (iatk__tree_open_root(reg->root, 0, &p.root, err) == IATK_OK)
      list = list_dir(&p.root, 'r', strcmp, err);
  } else if (locate_registry(reg, registry, &p, err) == IATK_OK) {
    list = list_dir(&p.registry, 's', strcmp, err);
  }
  path_close(&p);
  return list;
}

static iatk_strlist *local_versions(iatk_registry *reg, const char *registry,
                                    const char *schema, iatk_error *err) {
  schema_path p;
  path_init(&p);
  int latest;
  iatk_strlist *list = NULL;
  if (locate_schema(reg, registry, schema, &p, &latest, err) == IATK_OK)
    list = list_dir(&p.schema, 'v', compare_versions, err);
  path_close(&p);
  return list;
}

/* Parses meta.json's text; ESCHEMA located at `path` when it is not one
 * of the two documents a put writes. */
static int parse_meta(const char *text, size_t len, const char *path,
                      const char **type, iatk_error *err) {
  json_t *meta = json_loadb(text, len, 0, NULL);
  *type = iatk__registry_known_type(
      json_string_value(json_object_get(meta, "type")));
  json_decref(meta);
  if (!*type)
    return iatk__fail_at(err, IATK_ESCHEMA, path,
                         "damaged registry entry: %s must be "
                         "{\"type\": \"OpenApi3\"} or "
                         "{\"type\": \"JSONSchemaDraft4\"}",
                         path);
  return IATK_OK;
}
/* The type recorded in meta.json.  Any problem with it is a damaged tree
 * (ESCHEMA, located at the file), not a missing schema. */
static int read_meta(const iatk_tree_dir *version_dir, const char **type,
                     iatk_error *err) {
  iatk_error inner;
  iatk_error_clear(&inner);
  size_t len;
  char *text =
      iatk__tree_read(version_dir, "meta.json", META_MAX_BYTES, &len, &inner);
  if (!text && inner.code == IATK_ESCHEMA) /* a link: says so already */
    return iatk__fail_at(err, inner.code, inner.where, "%s", inner.message);
  if (!text)
    return iatk__fail_at(err, IATK_ESCHEMA, inner.where,
                         "damaged registry entry: %s", inner.message);
  char *path = join(version_dir->path, "meta.json", NULL, NULL, NULL);
  int rc = path ? parse_meta(text, len, path, type, err)
                : iatk__fail(err, IATK_ENOMEM, "out of memory");
  free(path);
  free(text);
  return rc;
}

/* Reads the stored bytes and type of one version directory. */
static char *read_version(const iatk_tree_dir *version_dir, const char **type,
                          size_t *len, iatk_error *err) {
  if (read_meta(version_dir, type, err) != IATK_OK)
    return NULL;
  return iatk__tree_read(version_dir, "schema.json", IATK_MAX_DOCUMENT_BYTES,
                         len, err);
}

/* Opens the version to read: `wanted`, or the latest when 0. */
static int open_version(const schema_path *p, const char *registry,
                        const char *schema, int wanted, int latest,
                        iatk_tree_dir *out, iatk_error *err) {
  char number[16];
  snprintf(number, sizeof number, "%d", wanted ? wanted : latest);
  int rc = iatk__tree_open(&p->schema, number, 0, out, err);
  if (rc != IATK_OK || out->fd >= 0)
    return rc;
  return iatk__fail(err, IATK_ENOVERSION,
                    "version %s of schema '%s' not found in registry '%s' "
                    "(latest is %d)",
                    number, schema, registry, latest);
}

static char *local_read(iatk_registry *reg, const char *registry,
                        const char *schema, int wanted, size_t *len,
                        const char **type, int *version_out, iatk_error *err) {
  int latest = 0;
  schema_path p;
  path_init(&p);
  iatk_tree_dir version_dir = IATK_TREE_DIR_NONE;
  char *text = NULL;
  if (locate_schema(reg, registry, schema, &p, &latest, err) == IATK_OK &&
      open_version(&p, registry, schema, wanted, latest, &version_dir, err) ==
          IATK_OK)
    text = read_version(&version_dir, type, len, err);
  iatk__tree_close(&version_dir);
  path_close(&p);
  if (text)
    *version_out = wanted ? wanted : latest;
  return text;
}

/* ------------------------------------------------------------- handles */

static void local_release(iatk_registry *reg) { (void)reg; }

static const iatk__registry_ops local_ops = {
    1,          local_release,  local_create, local_put,
    local_list, local_versions, local_read};

iatk_registry *iatk__local_open(const char *root, iatk_error *err) {
  iatk_registry *reg = calloc(1, sizeof *reg);
  if (reg)
    reg->root = iatk__strdup(root);
  if (!reg || !reg->root) {
    free(reg);
    return fail_null(err, IATK_ENOMEM, "out of memory");
  }
  reg->ops = &local_ops;
  /* "dir/" and "dir" are the same tree; keep messages free of "//". */
  size_t n = strlen(reg->root);
  while (n > 1 && reg->root[n - 1] == '/')
    reg->root[--n] = '\0';
  iatk_buf d;
  iatk__buf_init(&d);
  iatk__buf_printf(&d, "local registry %s", reg->root);
  reg->description = d.failed ? NULL : iatk__buf_steal(&d);
  if (!reg->description) {
    iatk__buf_release(&d);
    iatk_registry_free(reg);
    return fail_null(err, IATK_ENOMEM, "out of memory");
  }
  return reg;
}
