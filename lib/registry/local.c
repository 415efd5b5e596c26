/* The local registry tree, plain files a team can commit to git:
 *
 *   ROOT/<registry>/<schema>/<N>/schema.json   content exactly as put
 *   ROOT/<registry>/<schema>/<N>/meta.json     {"type": "OpenApi3"}
 *
 * Versions are immutable and appear atomically: a put fills a hidden
 * directory ROOT/<registry>/<schema>/.tmp-XXXXXX and renames it to N, so a
 * reader, a concurrent writer or a kill -9 never sees half a version.
 * Readers skip every name starting with '.', which covers leftovers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/registry_internal.h"

struct iatk_registry {
  char *root; /* as given, without trailing slashes */
};

/* Concurrent writers may take the number a put chose; each retry rescans,
 * so this bounds how many of them one put can lose to. */
#define PUBLISH_ATTEMPTS 1000
/* Collisions of random temporary names are rare; this bounds bad luck. */
#define TEMP_ATTEMPTS 100
/* meta.json holds one short member; anything bigger is not ours. */
#define META_MAX_BYTES 65536

/* ---------------------------------------------------------------- paths */

static void *fail_null(iatk_error *err, int code, const char *what) {
  iatk_fail(err, code, "%s", what);
  return NULL;
}

/* base/a/b/c/d, stopping at the first NULL part; NULL when out of memory. */
static char *join(const char *base, const char *a, const char *b, const char *c,
                  const char *d) {
  const char *parts[] = {a, b, c, d};
  iatk_buf buf;
  iatk_buf_init(&buf);
  iatk_buf_puts(&buf, base);
  for (size_t i = 0; i < 4 && parts[i]; i++) {
    if (buf.len == 0 || buf.data[buf.len - 1] != '/') /* root "/" */
      iatk_buf_putc(&buf, '/');
    iatk_buf_puts(&buf, parts[i]);
  }
  if (buf.failed) {
    iatk_buf_release(&buf);
    return NULL;
  }
  return iatk_buf_steal(&buf);
}

/* Sets *is_dir to whether `path` is a directory.  Fails with EIO when that
 * cannot be told (e.g. EACCES): "not found" would mislead the user. */
static int probe_dir(const char *path, int *is_dir, iatk_error *err) {
  struct stat st;
  *is_dir = 0;
  if (stat(path, &st) == 0) {
    *is_dir = S_ISDIR(st.st_mode);
    return IATK_OK;
  }
  if (errno == ENOENT || errno == ENOTDIR)
    return IATK_OK;
  return iatk_fail_at(err, IATK_EIO, path, "cannot access %s: %s", path,
                      strerror(errno));
}

/* mkdir -p with mode 0777 less the umask.  EEXIST is fine at every level:
 * another process may be creating the same tree right now. */
static int make_dirs(const char *path, iatk_error *err) {
  char *copy = iatk_strdup(path);
  if (!copy)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  int rc = IATK_OK;
  for (char *p = copy + 1; rc == IATK_OK; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char saved = *p;
    *p = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST)
      rc = iatk_fail_at(err, IATK_EIO, copy, "cannot create directory %s: %s",
                        copy, strerror(errno));
    *p = saved;
    if (saved == '\0')
      break;
  }
  free(copy);
  int is_dir;
  if (rc == IATK_OK)
    rc = probe_dir(path, &is_dir, err);
  if (rc == IATK_OK && !is_dir)
    rc = iatk_fail_at(err, IATK_EIO, path, "%s is not a directory", path);
  return rc;
}

/* ------------------------------------------------------------- scanning */

/* Decides whether an entry of directory `dir` is listed. */
typedef int (*keep_fn)(const char *dir, const struct dirent *entry);

static int entry_is_dir(const char *dir, const struct dirent *entry) {
  /* d_type saves a stat per entry; symlinks and file systems that do not
   * fill it (DT_UNKNOWN) need the stat, which follows links on purpose. */
  if (entry->d_type == DT_DIR)
    return 1;
  if (entry->d_type != DT_UNKNOWN && entry->d_type != DT_LNK)
    return 0;
  char *path = join(dir, entry->d_name, NULL, NULL, NULL);
  struct stat st;
  int is_dir = path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
  free(path);
  return is_dir;
}

/* Pushes the names in `dir` that `keep` accepts.  Hidden names (unfinished
 * puts, editors' files) are never listed.  A missing directory is empty. */
static int scan_dir(const char *dir, keep_fn keep, iatk_strlist *out,
                    iatk_error *err) {
  DIR *d = opendir(dir);
  if (!d && (errno == ENOENT || errno == ENOTDIR))
    return IATK_OK;
  if (!d)
    return iatk_fail_at(err, IATK_EIO, dir, "cannot list %s: %s", dir,
                        strerror(errno));
  int rc = IATK_OK;
  struct dirent *e;
  errno = 0;
  while (rc == IATK_OK && (e = readdir(d)) != NULL) {
    if (e->d_name[0] != '.' && keep(dir, e) &&
        iatk_strlist_push(out, e->d_name) != IATK_OK)
      rc = iatk_fail(err, IATK_ENOMEM, "out of memory");
    errno = 0;
  }
  if (rc == IATK_OK && errno != 0)
    rc = iatk_fail_at(err, IATK_EIO, dir, "cannot list %s: %s", dir,
                      strerror(errno));
  closedir(d);
  return rc;
}

static int keep_version(const char *dir, const struct dirent *e) {
  return iatk_registry_parse_version(e->d_name) > 0 && entry_is_dir(dir, e);
}

/* Highest version in a schema directory, 0 when it has none. */
static int latest_version(const char *schema_dir, int *latest,
                          iatk_error *err) {
  iatk_strlist *versions = iatk_strlist_new();
  if (!versions)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  int rc = scan_dir(schema_dir, keep_version, versions, err);
  *latest = 0;
  for (size_t i = 0; i < iatk_strlist_count(versions); i++) {
    int v = iatk_registry_parse_version(iatk_strlist_get(versions, i));
    *latest = v > *latest ? v : *latest;
  }
  iatk_strlist_free(versions);
  return rc;
}

static int keep_registry(const char *dir, const struct dirent *e) {
  return iatk_registry_check_name('r', e->d_name, NULL) == IATK_OK &&
         entry_is_dir(dir, e);
}

/* A schema exists once it has a version: a directory holding only the
 * leftover of a crashed first put is not a schema. */
static int keep_schema(const char *dir, const struct dirent *e) {
  if (iatk_registry_check_name('s', e->d_name, NULL) != IATK_OK ||
      !entry_is_dir(dir, e))
    return 0;
  char *path = join(dir, e->d_name, NULL, NULL, NULL);
  int latest = 0;
  if (path)
    latest_version(path, &latest, NULL);
  free(path);
  return latest > 0;
}

/* Versions are canonical decimals, so shorter means smaller. */
static int compare_versions(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp(a, b);
}

static iatk_strlist *list_dir(const char *dir, keep_fn keep,
                              int (*cmp)(const char *, const char *),
                              iatk_error *err) {
  iatk_strlist *list = iatk_strlist_new();
  if (!list)
    return fail_null(err, IATK_ENOMEM, "out of memory");
  if (scan_dir(dir, keep, list, err) != IATK_OK) {
    iatk_strlist_free(list);
    return NULL;
  }
  iatk_strlist_sort(list, cmp);
  return list;
}

/* ------------------------------------------------------------ lookups */

static int check_handle(const iatk_registry *reg, iatk_error *err) {
  return reg ? IATK_OK
             : iatk_fail(err, IATK_EINVAL, "no registry handle given");
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

/* Sets *dir to ROOT/<registry> after checking that it exists. */
static int locate_registry(const iatk_registry *reg, const char *registry,
                           char **dir, iatk_error *err) {
  *dir = join(reg->root, registry, NULL, NULL, NULL);
  if (!*dir)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  int found;
  int rc = probe_dir(*dir, &found, err);
  if (rc == IATK_OK && found)
    return IATK_OK;
  free(*dir);
  *dir = NULL;
  if (rc != IATK_OK)
    return rc;
  return iatk_fail(err, IATK_ENOREGISTRY, "registry '%s' not found in %s",
                   registry, reg->root);
}

/* Sets *dir to ROOT/<registry>/<schema> and *latest to its highest
 * version, after checking that the schema exists. */
static int locate_schema(const iatk_registry *reg, const char *registry,
                         const char *schema, char **dir, int *latest,
                         iatk_error *err) {
  char *registry_dir;
  int rc = locate_registry(reg, registry, &registry_dir, err);
  if (rc != IATK_OK)
    return rc;
  *dir = join(registry_dir, schema, NULL, NULL, NULL);
  free(registry_dir);
  if (!*dir)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  rc = latest_version(*dir, latest, err);
  if (rc == IATK_OK && *latest == 0)
    rc = iatk_fail(err, IATK_ENOSCHEMA,
                   "schema '%s' not found in registry '%s'", schema, registry);
  if (rc != IATK_OK) {
    free(*dir);
    *dir = NULL;
  }
  return rc;
}

/* ------------------------------------------------------------- handles */

iatk_registry *iatk_registry_open(const char *root_dir, iatk_error *err) {
  const char *root = root_dir ? root_dir : getenv("IATK_REGISTRY_DIR");
  if (!root || !*root)
    return fail_null(err, IATK_EINVAL,
                     "no local registry directory: pass --registry-dir DIR or "
                     "set IATK_REGISTRY_DIR");
  iatk_registry *reg = calloc(1, sizeof *reg);
  if (reg)
    reg->root = iatk_strdup(root);
  if (!reg || !reg->root) {
    free(reg);
    return fail_null(err, IATK_ENOMEM, "out of memory");
  }
  /* "dir/" and "dir" are the same tree; keep messages free of "//". */
  size_t n = strlen(reg->root);
  while (n > 1 && reg->root[n - 1] == '/')
    reg->root[--n] = '\0';
  return reg;
}

void iatk_registry_free(iatk_registry *reg) {
  if (!reg)
    return;
  free(reg->root);
  free(reg);
}

const char *iatk_registry_root(const iatk_registry *reg) {
  return reg ? reg->root : NULL;
}

int iatk_registry_create(iatk_registry *reg, const char *registry,
                         iatk_error *err) {
  int rc = check_names(reg, registry, NULL, err);
  if (rc == IATK_OK)
    rc = make_dirs(reg->root, err);
  if (rc != IATK_OK)
    return rc;
  char *dir = join(reg->root, registry, NULL, NULL, NULL);
  if (!dir)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  if (mkdir(dir, 0777) != 0) {
    int e = errno, is_dir = 0;
    if (e == EEXIST)
      probe_dir(dir, &is_dir, NULL);
    if (is_dir)
      rc =
          iatk_fail(err, IATK_EEXIST, "registry '%s' already exists", registry);
    else
      rc = iatk_fail_at(err, IATK_EIO, dir, "cannot create directory %s: %s",
                        dir, strerror(e));
  }
  free(dir);
  return rc;
}

/* ------------------------------------------------------------- writing */

/* Writes all of `data` to a new file and forces it to disk, so the rename
 * that publishes the version can never expose a short file after a crash. */
static int write_file(const char *path, const char *data, size_t len,
                      iatk_error *err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    return iatk_fail_at(err, IATK_EIO, path, "cannot create %s: %s", path,
                        strerror(errno));
  size_t done = 0;
  int e = 0;
  while (done < len && e == 0) {
    ssize_t n = write(fd, data + done, len - done);
    if (n >= 0)
      done += (size_t)n;
    else if (errno != EINTR)
      e = errno;
  }
  if (e == 0 && fsync(fd) != 0)
    e = errno;
  if (close(fd) != 0 && e == 0)
    e = errno;
  if (e != 0)
    return iatk_fail_at(err, IATK_EIO, path, "cannot write %s: %s", path,
                        strerror(e));
  return IATK_OK;
}

/* Makes directory entries (new files, a rename) durable.  File systems
 * that cannot fsync a directory (EINVAL) order metadata anyway. */
static int sync_dir(const char *path, iatk_error *err) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc = fd >= 0 && (fsync(fd) == 0 || errno == EINVAL) ? 0 : -1;
  int e = errno;
  if (fd >= 0)
    close(fd);
  if (rc != 0)
    return iatk_fail_at(err, IATK_EIO, path, "cannot sync %s: %s", path,
                        strerror(e));
  return IATK_OK;
}

/* Like mkdtemp(3), but with mode 0777 less the umask rather than 0700:
 * the version directory it becomes must be as readable as the rest of
 * the tree, and reading the umask is not thread-safe. */
static int make_temp_dir(const char *dir, char **out, iatk_error *err) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  iatk_rng rng;
  iatk_rng_init_fresh(&rng);
  for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
    char name[] = ".tmp-XXXXXX";
    for (size_t i = 5; name[i]; i++)
      name[i] = alphabet[iatk_rng_below(&rng, sizeof alphabet - 1)];
    *out = join(dir, name, NULL, NULL, NULL);
    if (!*out)
      return iatk_fail(err, IATK_ENOMEM, "out of memory");
    if (mkdir(*out, 0777) == 0)
      return IATK_OK;
    int e = errno;
    free(*out);
    *out = NULL;
    if (e != EEXIST)
      return iatk_fail_at(err, IATK_EIO, dir,
                          "cannot create a temporary directory in %s: %s", dir,
                          strerror(e));
  }
  return iatk_fail_at(err, IATK_EIO, dir,
                      "cannot create a temporary directory in %s: every name "
                      "tried was taken",
                      dir);
}

/* Best effort: the files a put may have left in its temporary directory. */
static void remove_temp_dir(const char *tmp) {
  const char *names[] = {"schema.json", "meta.json"};
  for (size_t i = 0; i < 2; i++) {
    char *path = join(tmp, names[i], NULL, NULL, NULL);
    if (path)
      unlink(path);
    free(path);
  }
  rmdir(tmp);
}

/* Fills a new temporary directory with both files of a version. */
static int write_temp_version(const char *schema_dir, const char *content,
                              size_t len, const char *type, char **tmp,
                              iatk_error *err) {
  int rc = make_temp_dir(schema_dir, tmp, err);
  if (rc != IATK_OK)
    return rc;
  char meta[128];
  int meta_len =
      snprintf(meta, sizeof meta, "{\n  \"type\": \"%s\"\n}\n", type);
  char *schema_path = join(*tmp, "schema.json", NULL, NULL, NULL);
  char *meta_path = join(*tmp, "meta.json", NULL, NULL, NULL);
  if (!schema_path || !meta_path)
    rc = iatk_fail(err, IATK_ENOMEM, "out of memory");
  if (rc == IATK_OK)
    rc = write_file(schema_path, content, len, err);
  if (rc == IATK_OK)
    rc = write_file(meta_path, meta, (size_t)meta_len, err);
  if (rc == IATK_OK)
    rc = sync_dir(*tmp, err);
  free(schema_path);
  free(meta_path);
  return rc;
}

/* Renames the temporary directory to the next free number.  rename(2)
 * fails with EEXIST/ENOTEMPTY when a concurrent put took that number
 * first (a version directory is never empty); then rescan and retry. */
static int publish(const char *schema_dir, const char *tmp, int *version,
                   iatk_error *err) {
  for (int attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    int latest;
    int rc = latest_version(schema_dir, &latest, err);
    if (rc != IATK_OK)
      return rc;
    if (latest == INT_MAX)
      return iatk_fail_at(err, IATK_ELIMIT, schema_dir,
                          "%s has no version number left", schema_dir);
    char number[16];
    snprintf(number, sizeof number, "%d", latest + 1);
    char *target = join(schema_dir, number, NULL, NULL, NULL);
    if (!target)
      return iatk_fail(err, IATK_ENOMEM, "out of memory");
    int renamed = rename(tmp, target) == 0, e = errno;
    if (renamed) {
      /* Published: from here on failing would misreport a stored version,
       * so making the rename durable is best effort. */
      *version = latest + 1;
      sync_dir(schema_dir, NULL);
    } else if (e != EEXIST && e != ENOTEMPTY) {
      rc = iatk_fail_at(err, IATK_EIO, target, "cannot rename %s to %s: %s",
                        tmp, target, strerror(e));
    }
    free(target);
    if (renamed || rc != IATK_OK)
      return rc;
  }
  return iatk_fail_at(err, IATK_EIO, schema_dir,
                      "cannot add a version to %s: %d concurrent writers "
                      "took every number tried",
                      schema_dir, PUBLISH_ATTEMPTS);
}

/* Refuses what is not a schema document before anything is written, and
 * settles the type to store (detected when not given). */
static int validate_content(const char *registry, const char *schema,
                            const char *type, const char *content, size_t len,
                            const char **stored_type, iatk_error *err) {
  if (type && strcmp(type, IATK_TYPE_OPENAPI3) != 0 &&
      strcmp(type, IATK_TYPE_JSONSCHEMA_DRAFT4) != 0)
    return iatk_fail(err, IATK_EINVAL,
                     "unknown schema type '%s': expected OpenApi3 or "
                     "JSONSchemaDraft4",
                     type);
  if (!content && len > 0)
    return iatk_fail(err, IATK_EINVAL, "no schema content given");
  char *origin = join(registry, schema, NULL, NULL, NULL);
  if (!origin)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  iatk_schema *doc =
      iatk_schema_load(content ? content : "", len, type, origin, err);
  free(origin);
  if (!doc)
    return iatk_error_code(err, IATK_ESCHEMA);
  *stored_type = iatk_schema_type(doc); /* static string: outlives doc */
  iatk_schema_free(doc);
  return IATK_OK;
}

int iatk_registry_put(iatk_registry *reg, const char *registry,
                      const char *schema, const char *type, const char *content,
                      size_t len, int *version_out, iatk_error *err) {
  const char *stored_type = NULL;
  int rc = check_names(reg, registry, schema ? schema : "", err);
  if (rc == IATK_OK)
    rc = validate_content(registry, schema, type, content, len, &stored_type,
                          err);
  if (rc != IATK_OK)
    return rc;
  char *schema_dir = join(reg->root, registry, schema, NULL, NULL);
  if (!schema_dir)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  char *tmp = NULL;
  int version = 0;
  rc = make_dirs(schema_dir, err);
  if (rc == IATK_OK)
    rc = write_temp_version(schema_dir, content, len, stored_type, &tmp, err);
  if (rc == IATK_OK)
    rc = publish(schema_dir, tmp, &version, err);
  if (rc != IATK_OK && tmp)
    remove_temp_dir(tmp);
  if (rc == IATK_OK && version_out)
    *version_out = version;
  free(tmp);
  free(schema_dir);
  return rc;
}

/* ------------------------------------------------------------- reading */

/* A root that does not exist yet holds no registries, but one that is a
 * file is a mistake worth reporting rather than an empty listing. */
static int check_root(const iatk_registry *reg, iatk_error *err) {
  struct stat st;
  if (stat(reg->root, &st) == 0 && !S_ISDIR(st.st_mode))
    return iatk_fail_at(err, IATK_EIO, reg->root, "%s is not a directory",
                        reg->root);
  return IATK_OK;
}

iatk_strlist *iatk_registry_list(iatk_registry *reg, const char *registry,
                                 iatk_error *err) {
  if (check_handle(reg, err) != IATK_OK)
    return NULL;
  if (!registry)
    return check_root(reg, err) == IATK_OK
               ? list_dir(reg->root, keep_registry, strcmp, err)
               : NULL;
  char *dir;
  if (check_names(reg, registry, NULL, err) != IATK_OK ||
      locate_registry(reg, registry, &dir, err) != IATK_OK)
    return NULL;
  iatk_strlist *list = list_dir(dir, keep_schema, strcmp, err);
  free(dir);
  return list;
}

iatk_strlist *iatk_registry_versions(iatk_registry *reg, const char *registry,
                                     const char *schema, iatk_error *err) {
  char *dir;
  int latest;
  if (check_names(reg, registry, schema ? schema : "", err) != IATK_OK ||
      locate_schema(reg, registry, schema, &dir, &latest, err) != IATK_OK)
    return NULL;
  iatk_strlist *list = list_dir(dir, keep_version, compare_versions, err);
  free(dir);
  return list;
}

static const char *known_type(const char *type) {
  if (type && strcmp(type, IATK_TYPE_OPENAPI3) == 0)
    return IATK_TYPE_OPENAPI3;
  if (type && strcmp(type, IATK_TYPE_JSONSCHEMA_DRAFT4) == 0)
    return IATK_TYPE_JSONSCHEMA_DRAFT4;
  return NULL;
}

/* The type recorded in meta.json.  Any problem with it is a damaged tree
 * (ESCHEMA, located at the file), not a missing schema. */
static int read_meta(const char *path, const char **type, iatk_error *err) {
  iatk_error inner;
  iatk_error_clear(&inner);
  size_t len;
  char *text = iatk_read_file(path, META_MAX_BYTES, &len, &inner);
  if (!text)
    return iatk_fail_at(err, IATK_ESCHEMA, path, "damaged registry entry: %s",
                        inner.message);
  json_t *meta = json_loadb(text, len, 0, NULL);
  free(text);
  *type = known_type(json_string_value(json_object_get(meta, "type")));
  json_decref(meta);
  if (!*type)
    return iatk_fail_at(err, IATK_ESCHEMA, path,
                        "damaged registry entry: %s must be "
                        "{\"type\": \"OpenApi3\"} or "
                        "{\"type\": \"JSONSchemaDraft4\"}",
                        path);
  return IATK_OK;
}

/* Reads the stored bytes and type of version `number` in `schema_dir`. */
static char *read_version(const char *schema_dir, const char *number,
                          const char **type, size_t *len, iatk_error *err) {
  char *meta_path = join(schema_dir, number, "meta.json", NULL, NULL);
  char *text_path = join(schema_dir, number, "schema.json", NULL, NULL);
  char *text = NULL;
  if (!meta_path || !text_path)
    iatk_fail(err, IATK_ENOMEM, "out of memory");
  else if (read_meta(meta_path, type, err) == IATK_OK)
    text = iatk_read_file(text_path, IATK_MAX_DOCUMENT_BYTES, len, err);
  free(meta_path);
  free(text_path);
  return text;
}

/* Sets *number to the version to load: `wanted`, or the latest when 0. */
static int pick_version(const char *schema_dir, const char *registry,
                        const char *schema, int wanted, int latest,
                        char number[16], iatk_error *err) {
  snprintf(number, 16, "%d", wanted ? wanted : latest);
  if (!wanted)
    return IATK_OK;
  char *dir = join(schema_dir, number, NULL, NULL, NULL);
  if (!dir)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  int found;
  int rc = probe_dir(dir, &found, err);
  free(dir);
  if (rc != IATK_OK || found)
    return rc;
  return iatk_fail(err, IATK_ENOVERSION,
                   "version %d of schema '%s' not found in registry '%s' "
                   "(latest is %d)",
                   wanted, schema, registry, latest);
}

char *iatk_registry_read(iatk_registry *reg, const char *registry,
                         const char *schema, const char *version, size_t *len,
                         const char **type, int *version_out, iatk_error *err) {
  int wanted = 0, latest;
  char *dir, number[16];
  if (check_names(reg, registry, schema ? schema : "", err) != IATK_OK ||
      (version && iatk_registry_check_version(version, &wanted, err)) ||
      locate_schema(reg, registry, schema, &dir, &latest, err) != IATK_OK)
    return NULL;
  char *text = NULL;
  const char *found_type = NULL;
  size_t found_len = 0;
  if (pick_version(dir, registry, schema, wanted, latest, number, err) ==
      IATK_OK)
    text = read_version(dir, number, &found_type, &found_len, err);
  free(dir);
  if (text && len)
    *len = found_len;
  if (text && type)
    *type = found_type;
  if (text && version_out)
    *version_out = atoi(number);
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
  char num[16];
  snprintf(num, sizeof num, "%d", number);
  char *origin = join(registry, schema, num, "schema.json", NULL);
  iatk_schema *doc = origin ? iatk_schema_load(text, len, type, origin, err)
                            : fail_null(err, IATK_ENOMEM, "out of memory");
  free(origin);
  free(text);
  return doc;
}
