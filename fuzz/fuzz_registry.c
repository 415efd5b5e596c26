/* fuzz_registry: registry and schema names, versions and contents through
 * iatk_registry_*, in a tree inside a temporary directory made once per
 * process (mkdtemp in $TMPDIR, else /dev/shm, else /tmp):
 *
 *   BASE/                      mkdtemp
 *   BASE/decoy.json            \
 *   BASE/a/decoy.json           > valid schema documents outside the tree
 *   BASE/a/b/decoy.json        /
 *   BASE/a/b/tree/             the registry root, emptied before each input
 *
 * Input: lines, each an operation with '|'-separated fields:
 *   c R          create           p R|S|C   put (C: a digit picks a fixed
 *   r R|S|V      read (V empty:             document, else C is the content)
 *                latest)          P R|S|T|C put with type T
 *   l R|S|V      load             L [R]     list (no R: registries)
 *   v R|S        versions         k K|N     check a name of kind K
 * Checks, against a model of what was stored:
 *  - every name the library accepts is one safe path component (no '/',
 *    '\\', NUL, not "." or "..", not hidden) — so nothing lands outside;
 *  - put numbers versions 1, 2, ...; read and load return exactly the
 *    stored bytes of the asked version and nothing that was not stored
 *    (the decoys are never read); list and versions match the model;
 *  - after each input, BASE holds the decoys, a, a/b, the tree and nothing
 *    else, and the tree holds exactly the model's registries, schemas and
 *    versions (no temporary leftovers). */
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "fuzz_tree.h"

/* What the decoys outside the tree hold: never to be read. */
#define DECOY "{\"title\": \"decoy: never to be read\"}"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_OPS 24
#define MAX_KEYS 64
#define MAX_VERSIONS 8

static char base[64], root[128];

static const char *const fixed_docs[] = {
    "{\"type\": \"object\", \"required\": [\"a\"], \"properties\": {\"a\": "
    "{\"type\": \"string\"}}}",
    "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"t\", \"version\": "
    "\"1\"}, \"paths\": {}, \"components\": {\"schemas\": {\"E\": "
    "{\"type\": \"object\"}}}}",
    "{",
    "[]",
    "",
    "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"enum\": [1]}",
    "{\"openapi\": \"3.1.0\"}",
    "null",
    "{\"type\": 1}",
    "{\"definitions\": {\"x\": {\"$ref\": \"#/definitions/x\"}}}",
};

/* ---------------------------------------------------------- the model */

typedef struct entry {
  char registry[512], schema[512];
  char *versions[MAX_VERSIONS];
  size_t lens[MAX_VERSIONS];
  int count;
} entry;

typedef struct model {
  char registries[MAX_KEYS][512];
  int registry_count;
  entry entries[MAX_KEYS];
  int entry_count;
} model;

static model m;

static int model_has_registry(const char *r) {
  for (int i = 0; i < m.registry_count; i++)
    if (strcmp(m.registries[i], r) == 0)
      return 1;
  return 0;
}

static void model_add_registry(const char *r) {
  if (!model_has_registry(r) && m.registry_count < MAX_KEYS)
    snprintf(m.registries[m.registry_count++], 512, "%s", r);
}

static entry *model_entry(const char *r, const char *s, int create) {
  for (int i = 0; i < m.entry_count; i++)
    if (strcmp(m.entries[i].registry, r) == 0 &&
        strcmp(m.entries[i].schema, s) == 0)
      return &m.entries[i];
  if (!create || m.entry_count == MAX_KEYS)
    return NULL;
  entry *e = &m.entries[m.entry_count++];
  memset(e, 0, sizeof *e);
  snprintf(e->registry, sizeof e->registry, "%s", r);
  snprintf(e->schema, sizeof e->schema, "%s", s);
  return e;
}

static void model_reset(void) {
  for (int i = 0; i < m.entry_count; i++)
    for (int v = 0; v < m.entries[i].count; v++)
      free(m.entries[i].versions[v]);
  memset(&m, 0, sizeof m);
}

/* ------------------------------------------------------------- files */

static void remove_base(void) {
  if (base[0])
    fuzz_remove_tree(base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  snprintf(base, sizeof base, "%s/iatk-fuzz-registry-XXXXXX", fuzz_temp_dir());
  if (!mkdtemp(base))
    abort();
  atexit(remove_base);
  fuzz_cleanup = remove_base;
  char path[256];
  snprintf(path, sizeof path, "%s/a", base);
  mkdir(path, 0777);
  fuzz_write_decoy(path, DECOY);
  snprintf(path, sizeof path, "%s/a/b", base);
  mkdir(path, 0777);
  fuzz_write_decoy(path, DECOY);
  fuzz_write_decoy(base, DECOY);
  snprintf(root, sizeof root, "%s/a/b/tree", base);
  return 0;
}

/* Exactly the names in `want` (NULL-terminated), plus directories when
 * `sub` is non-zero.  Returns the entries' count. */
static void expect_entries(const char *dir, const char *const *want, int n) {
  DIR *d = opendir(dir);
  if (!d)
    fuzz_die("cannot list %s", dir);
  struct dirent *e;
  int seen = 0;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    int known = 0;
    for (int i = 0; i < n && !known; i++)
      known = strcmp(want[i], e->d_name) == 0;
    if (!known)
      fuzz_die("unexpected entry %s/%s (a write outside the model or the "
               "tree, or a temporary leftover)",
               dir, e->d_name);
    seen++;
  }
  closedir(d);
  if (seen != n)
    fuzz_die("%s holds %d entries, %d expected", dir, seen, n);
}

static void check_tree(void) {
  char path[2048];
  const char *at_base[] = {"a", "decoy.json"};
  const char *at_b[] = {"b", "decoy.json"};
  const char *at_tree[] = {"decoy.json", "tree"};
  expect_entries(base, at_base, 2);
  snprintf(path, sizeof path, "%s/a", base);
  expect_entries(path, at_b, 2);
  snprintf(path, sizeof path, "%s/a/b", base);
  struct stat st;
  int have_root = stat(root, &st) == 0;
  expect_entries(path, at_tree, 1 + have_root);
  if (!have_root) {
    if (m.registry_count)
      fuzz_die("registries were stored but the tree does not exist");
    return;
  }
  const char *names[MAX_KEYS];
  for (int i = 0; i < m.registry_count; i++)
    names[i] = m.registries[i];
  expect_entries(root, names, m.registry_count);
  for (int i = 0; i < m.registry_count; i++) {
    int n = 0;
    for (int k = 0; k < m.entry_count; k++)
      if (strcmp(m.entries[k].registry, m.registries[i]) == 0)
        names[n++] = m.entries[k].schema;
    snprintf(path, sizeof path, "%s/%s", root, m.registries[i]);
    expect_entries(path, names, n);
  }
  static const char *const numbers[] = {"1", "2", "3", "4", "5", "6", "7", "8"};
  const char *files[] = {"meta.json", "schema.json"};
  for (int k = 0; k < m.entry_count; k++) {
    const entry *e = &m.entries[k];
    snprintf(path, sizeof path, "%s/%s/%s", root, e->registry, e->schema);
    expect_entries(path, (const char **)numbers, e->count);
    for (int v = 0; v < e->count; v++) {
      snprintf(path, sizeof path, "%s/%s/%s/%d", root, e->registry, e->schema,
               v + 1);
      expect_entries(path, files, 2);
    }
  }
}

/* ---------------------------------------------------------- checks */

/* What the header promises of a name that maps to a path component,
 * written down independently of lib/registry/names.c. */
static void check_safe_name(const char *what, const char *name) {
  if (!name[0] || strchr(name, '/') || strchr(name, '\\') ||
      strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || name[0] == '.')
    fuzz_die("%s name '%s' was accepted", what, name);
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    if (*p < 0x20 || *p >= 0x7f)
      fuzz_die("%s name with byte 0x%02x was accepted", what, *p);
}

static void check_failure(const char *call, int rc, const iatk_error *err) {
  fuzz_check_error(call, rc, err);
  if (rc == IATK_EIO)
    fuzz_die("%s: %s (%s)", call, err->message, err->where);
}

/* The version a read or load should find: 0 when none. */
static int expected_version(const entry *e, const char *version) {
  if (!e || !e->count)
    return 0;
  if (!version)
    return e->count;
  int v = 0;
  for (const char *p = version; *p; p++) {
    if (*p < '0' || *p > '9' || v > 1000)
      return 0;
    v = v * 10 + (*p - '0');
  }
  return version[0] != '0' && v >= 1 && v <= e->count ? v : 0;
}

static void check_list(const iatk_strlist *list, const char *const *want, int n,
                       const char *what) {
  if ((int)iatk_strlist_count(list) != n)
    fuzz_die("%s lists %zu entries, %d expected", what,
             iatk_strlist_count(list), n);
  for (int i = 0; i < n; i++) {
    int found = 0;
    for (int k = 0; k < n && !found; k++)
      found = strcmp(iatk_strlist_get(list, (size_t)k), want[i]) == 0;
    if (!found)
      fuzz_die("%s does not list '%s'", what, want[i]);
    if (i && strcmp(iatk_strlist_get(list, (size_t)i - 1),
                    iatk_strlist_get(list, (size_t)i)) >= 0)
      fuzz_die("%s is not sorted", what);
  }
}

/* ------------------------------------------------------------- ops */

typedef struct fields {
  char *f[4];
  int n;
} fields;

static void do_put(iatk_registry *reg, const fields *a, int typed) {
  const char *r = a->f[0], *s = a->n > 1 ? a->f[1] : "";
  const char *type = typed ? (a->n > 2 ? a->f[2] : "") : NULL;
  const char *c = a->n > 2 + typed ? a->f[2 + typed] : "";
  if (c[0] >= '0' && c[0] <= '9' && !c[1])
    c = fixed_docs[c[0] - '0'];
  size_t len = strlen(c);
  iatk_error err;
  iatk_error_clear(&err);
  int version = -1;
  entry *e = model_entry(r, s, 0);
  if ((e && e->count == MAX_VERSIONS) || (!e && m.entry_count == MAX_KEYS))
    return; /* beyond what the model keeps */
  int rc = iatk_registry_put(reg, r, s, type, c, len, &version, &err);
  if (rc != IATK_OK) {
    check_failure("iatk_registry_put", rc, &err);
    return;
  }
  check_safe_name("registry", r);
  check_safe_name("schema", s);
  model_add_registry(r);
  e = model_entry(r, s, 1);
  if (version != e->count + 1)
    fuzz_die("put stored version %d, %d expected", version, e->count + 1);
  e->versions[e->count] = strdup(c);
  e->lens[e->count++] = len;
}

static void do_read(iatk_registry *reg, const fields *a, int load) {
  const char *r = a->f[0], *s = a->n > 1 ? a->f[1] : "";
  const char *version = a->n > 2 && a->f[2][0] ? a->f[2] : NULL;
  const entry *e = model_entry(r, s, 0);
  int want = expected_version(e, version);
  iatk_error err;
  iatk_error_clear(&err);
  if (load) {
    iatk_schema *doc = iatk_registry_load(reg, r, s, version, &err);
    if (!doc)
      check_failure("iatk_registry_load", err.code, &err);
    else if (!want)
      fuzz_die("load of '%s'/'%s' version %s found a document", r, s,
               version ? version : "latest");
    iatk_schema_free(doc);
    return;
  }
  size_t len = 0;
  int got = 0;
  const char *type = NULL;
  char *text = iatk_registry_read(reg, r, s, version, &len, &type, &got, &err);
  if (!text) {
    check_failure("iatk_registry_read", err.code, &err);
    if (want)
      fuzz_die("read of '%s'/'%s' version %s failed: %s", r, s,
               version ? version : "latest", err.message);
    return;
  }
  if (!want)
    fuzz_die("read of '%s'/'%s' version %s found %.200s", r, s,
             version ? version : "latest", text);
  if (got != want || len != e->lens[want - 1] ||
      memcmp(text, e->versions[want - 1], len) != 0 || !type)
    fuzz_die("read of '%s'/'%s' version %s gave version %d: %.200s", r, s,
             version ? version : "latest", got, text);
  iatk_free(text);
}

static void do_list(iatk_registry *reg, const fields *a) {
  const char *r = a->n > 0 && a->f[0][0] ? a->f[0] : NULL;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_strlist *list = iatk_registry_list(reg, r, &err);
  if (!list) {
    check_failure("iatk_registry_list", err.code, &err);
    if (!r && m.registry_count)
      fuzz_die("listing the registries failed: %s", err.message);
    if (r && model_has_registry(r))
      fuzz_die("listing registry '%s' failed: %s", r, err.message);
    return;
  }
  const char *want[MAX_KEYS];
  int n = 0;
  if (!r) {
    for (int i = 0; i < m.registry_count; i++)
      want[n++] = m.registries[i];
  } else {
    if (!model_has_registry(r))
      fuzz_die("registry '%s' was listed but never made", r);
    for (int k = 0; k < m.entry_count; k++)
      if (strcmp(m.entries[k].registry, r) == 0)
        want[n++] = m.entries[k].schema;
  }
  check_list(list, want, n, r ? r : "the root");
  iatk_strlist_free(list);
}

static void do_versions(iatk_registry *reg, const fields *a) {
  const char *r = a->f[0], *s = a->n > 1 ? a->f[1] : "";
  iatk_error err;
  iatk_error_clear(&err);
  const entry *e = model_entry(r, s, 0);
  iatk_strlist *list = iatk_registry_versions(reg, r, s, &err);
  if (!list) {
    check_failure("iatk_registry_versions", err.code, &err);
    if (e && e->count)
      fuzz_die("versions of '%s'/'%s' failed: %s", r, s, err.message);
    return;
  }
  if (!e || (int)iatk_strlist_count(list) != e->count)
    fuzz_die("versions of '%s'/'%s': %zu listed", r, s,
             iatk_strlist_count(list));
  for (int v = 0; v < e->count; v++) {
    char number[16];
    snprintf(number, sizeof number, "%d", v + 1);
    if (strcmp(iatk_strlist_get(list, (size_t)v), number) != 0)
      fuzz_die("versions of '%s'/'%s': %s in place %d", r, s,
               iatk_strlist_get(list, (size_t)v), v + 1);
  }
  iatk_strlist_free(list);
}

static void do_op(iatk_registry *reg, char kind, fields *a) {
  iatk_error err;
  iatk_error_clear(&err);
  switch (kind) {
  case 'c': {
    int existed = model_has_registry(a->f[0]);
    int rc = iatk_registry_create(reg, a->f[0], &err);
    if (rc == IATK_OK) {
      check_safe_name("registry", a->f[0]);
      if (existed)
        fuzz_die("registry '%s' was created twice", a->f[0]);
      if (m.registry_count == MAX_KEYS)
        fuzz_die("model full"); /* MAX_OPS < MAX_KEYS: cannot happen */
      model_add_registry(a->f[0]);
    } else {
      check_failure("iatk_registry_create", rc, &err);
      if (rc == IATK_EEXIST && !existed)
        fuzz_die("create '%s': EEXIST for a registry never made", a->f[0]);
    }
    break;
  }
  case 'p': do_put(reg, a, 0); break;
  case 'P': do_put(reg, a, 1); break;
  case 'r': do_read(reg, a, 0); break;
  case 'l': do_read(reg, a, 1); break;
  case 'L': do_list(reg, a); break;
  case 'v': do_versions(reg, a); break;
  case 'k': {
    char k = a->f[0][0];
    const char *name = a->n > 1 ? a->f[1] : "";
    int rc = iatk_registry_check_name(k, name, &err);
    if (rc == IATK_OK)
      check_safe_name(k == 'r' ? "registry" : "schema", name);
    else
      check_failure("iatk_registry_check_name", rc, &err);
    break;
  }
  }
}

/* Splits one line (NUL-terminated copy) at '|' into up to 4 fields. */
static void split(char *line, fields *a) {
  a->n = 0;
  a->f[a->n++] = line;
  for (char *p = line; *p && a->n < 4; p++)
    if (*p == '|') {
      *p = '\0';
      a->f[a->n++] = p + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return -1;
  fuzz_remove_tree(root);
  model_reset();
  iatk_registry *reg = iatk_registry_open(root, NULL);
  if (!reg)
    abort();
  int ops = 0;
  for (size_t i = 0; i < size && ops < MAX_OPS;) {
    const uint8_t *nl = memchr(data + i, '\n', size - i);
    size_t end = nl ? (size_t)(nl - data) : size;
    if (end > i) {
      char *line = strndup((const char *)data + i + 1, end - i - 1);
      if (!line)
        abort();
      fields a;
      split(line, &a);
      do_op(reg, (char)data[i], &a);
      free(line);
      ops++;
    }
    i = end + 1;
  }
  iatk_registry_free(reg);
  check_tree();
  return 0;
}
