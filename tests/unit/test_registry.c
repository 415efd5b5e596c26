/* Local registry tree: layout, naming rules, errors, atomic and concurrent
 * puts.  Every test works in its own fresh temporary directory. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sys/time.h>

#include "iatk/iatk.h"
#include "temp_dir.h"
#include "registry/registry_internal.h"

#define OPENAPI_DOC                                                            \
  "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"t\", \"version\": "        \
  "\"1\"}, \"paths\": {}, \"components\": {\"schemas\": {\"Placed\": "         \
  "{\"type\": \"object\"}}}}"
#define JSONSCHEMA_DOC "{\"type\": \"object\", \"title\": \"one\"}"

typedef struct fixture {
  char tmp[64];   /* the mkdtemp directory, removed afterwards */
  char root[128]; /* tmp/tree: does not exist until a write creates it */
  iatk_registry *reg;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  if (temp_dir_make(f->tmp, sizeof f->tmp, "registry") != 0)
    return -1;
  snprintf(f->root, sizeof f->root, "%s/tree", f->tmp);
  f->reg = iatk_registry_open(f->root, NULL);
  *state = f;
  return f->reg ? 0 : -1;
}

static int teardown(void **state) {
  fixture *f = *state;
  iatk_registry_free(f->reg);
  temp_dir_remove(f->tmp);
  free(f);
  return 0;
}

/* ROOT-relative path into a static buffer (tests are single-threaded). */
static const char *at(const fixture *f, const char *rel) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", f->root, rel);
  return path;
}

static int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

static char *slurp(const char *path) {
  size_t len;
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  char *data = calloc(1, 1 << 16);
  len = fread(data, 1, (1 << 16) - 1, fp);
  data[len] = '\0';
  fclose(fp);
  return data;
}

static void write_text(const char *path, const char *text) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
}

static int put(fixture *f, const char *r, const char *s, const char *type,
               const char *doc) {
  int version = -1;
  iatk_error err;
  iatk_error_clear(&err);
  int rc =
      iatk_registry_put(f->reg, r, s, type, doc, strlen(doc), &version, &err);
  assert_int_equal(rc, IATK_OK);
  assert_int_equal(err.code, IATK_OK);
  return version;
}

/* Asserts that `list` holds exactly the n strings given, in order. */
static void assert_list(iatk_strlist *list, size_t n, const char *const *want) {
  assert_non_null(list);
  assert_int_equal(iatk_strlist_count(list), n);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(iatk_strlist_get(list, i), want[i]);
  iatk_strlist_free(list);
}

static void assert_error(const iatk_error *err, int code, const char *msg) {
  assert_string_equal(iatk_err_name(err->code), iatk_err_name(code));
  if (msg)
    assert_string_equal(err->message, msg);
}

/* ------------------------------------------------------------------ tests */

static void test_create_and_duplicate(void **state) {
  fixture *f = *state;
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_create(f->reg, "orders", &err), IATK_OK);
  assert_true(exists(at(f, "orders")));
  assert_int_equal(iatk_registry_create(f->reg, "orders", &err), IATK_EEXIST);
  assert_error(&err, IATK_EEXIST, "registry 'orders' already exists");
  const char *want[] = {"orders"};
  assert_list(iatk_registry_list(f->reg, NULL, NULL), 1, want);
  assert_list(iatk_registry_list(f->reg, "orders", NULL), 0, NULL);
}

static void test_put_detects_type(void **state) {
  fixture *f = *state;
  /* Odd spacing on purpose: the bytes must be kept exactly as put. */
  const char *api = "  " OPENAPI_DOC "\n\n";
  assert_int_equal(put(f, "orders", "Placed", NULL, api), 1);
  assert_int_equal(put(f, "orders", "Shipped", NULL, JSONSCHEMA_DOC), 1);
  char *text = slurp(at(f, "orders/Placed/1/schema.json"));
  assert_string_equal(text, api);
  free(text);
  text = slurp(at(f, "orders/Placed/1/meta.json"));
  assert_string_equal(text, "{\n  \"type\": \"OpenApi3\"\n}\n");
  free(text);
  text = slurp(at(f, "orders/Shipped/1/meta.json"));
  assert_string_equal(text, "{\n  \"type\": \"JSONSchemaDraft4\"\n}\n");
  free(text);
  iatk_schema *s = iatk_registry_load(f->reg, "orders", "Placed", NULL, NULL);
  assert_non_null(s);
  assert_string_equal(iatk_schema_type(s), IATK_TYPE_OPENAPI3);
  iatk_schema_free(s);
}

static void test_put_explicit_type(void **state) {
  fixture *f = *state;
  assert_int_equal(put(f, "r", "s", IATK_TYPE_JSONSCHEMA_DRAFT4, OPENAPI_DOC),
                   1);
  iatk_schema *s = iatk_registry_load(f->reg, "r", "s", "1", NULL);
  assert_non_null(s);
  assert_string_equal(iatk_schema_type(s), IATK_TYPE_JSONSCHEMA_DRAFT4);
  iatk_schema_free(s);
  iatk_error err;
  iatk_error_clear(&err);
  int v = -1;
  assert_int_equal(iatk_registry_put(f->reg, "r", "s", "Avro", JSONSCHEMA_DOC,
                                     strlen(JSONSCHEMA_DOC), &v, &err),
                   IATK_EINVAL);
  assert_error(&err, IATK_EINVAL,
               "unknown schema type 'Avro': expected OpenApi3 or "
               "JSONSchemaDraft4");
  assert_int_equal(v, -1);
  assert_false(exists(at(f, "r/s/2")));
}

static void test_versions_increment(void **state) {
  fixture *f = *state;
  for (int i = 1; i <= 12; i++)
    assert_int_equal(put(f, "r", "s", NULL, JSONSCHEMA_DOC), i);
  /* Numeric order, not strcmp order ("10" after "9"). */
  const char *want[] = {"1", "2", "3", "4",  "5",  "6",
                        "7", "8", "9", "10", "11", "12"};
  assert_list(iatk_registry_versions(f->reg, "r", "s", NULL), 12, want);
}

static void test_load_latest_and_specific(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, "{\"title\": \"one\"}");
  put(f, "r", "s", NULL, "{\"title\": \"two\"}");
  iatk_schema *latest = iatk_registry_load(f->reg, "r", "s", NULL, NULL);
  iatk_schema *first = iatk_registry_load(f->reg, "r", "s", "1", NULL);
  assert_non_null(latest);
  assert_non_null(first);
  const json_t *title = json_object_get(iatk_schema_document(latest), "title");
  assert_string_equal(json_string_value(title), "two");
  title = json_object_get(iatk_schema_document(first), "title");
  assert_string_equal(json_string_value(title), "one");
  assert_string_equal(iatk_schema_origin(latest), "r/s/2/schema.json");
  assert_string_equal(iatk_schema_origin(first), "r/s/1/schema.json");
  iatk_schema_free(latest);
  iatk_schema_free(first);
}

static void test_list_sorted(void **state) {
  fixture *f = *state;
  const char *registries[] = {"b", "a", "C", "a-2", "@x"};
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(iatk_registry_create(f->reg, registries[i], NULL),
                     IATK_OK);
  const char *schemas[] = {"zeta", "Alpha", "beta.v2", "beta"};
  for (size_t i = 0; i < 4; i++)
    put(f, "a", schemas[i], NULL, JSONSCHEMA_DOC);
  /* Neither files nor directories with invalid names are listed. */
  write_text(at(f, "README"), "not a registry\n");
  write_text(at(f, "a/notes.txt"), "not a schema\n");
  assert_int_equal(mkdir(at(f, "bad name"), 0777), 0);
  assert_int_equal(mkdir(at(f, "a/bad name"), 0777), 0);
  const char *want_r[] = {"@x", "C", "a", "a-2", "b"};
  assert_list(iatk_registry_list(f->reg, NULL, NULL), 5, want_r);
  const char *want_s[] = {"Alpha", "beta", "beta.v2", "zeta"};
  assert_list(iatk_registry_list(f->reg, "a", NULL), 4, want_s);
}

static void assert_bad_name(char kind, const char *name, const char *msg) {
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_check_name(kind, name, &err), IATK_ENAME);
  assert_error(&err, IATK_ENAME, msg);
}

static void test_name_rules(void **state) {
  (void)state;
  char long_name[300];
  memset(long_name, 'a', sizeof long_name);
  long_name[64] = '\0';
  assert_int_equal(iatk_registry_check_name('r', long_name, NULL), IATK_OK);
  long_name[64] = 'a', long_name[65] = '\0';
  char msg[400];
  snprintf(msg, sizeof msg,
           "invalid registry name '%s': names are at most 64 characters long "
           "(this one has 65)",
           long_name);
  assert_bad_name('r', long_name, msg);
  assert_int_equal(iatk_registry_check_name('s', long_name, NULL), IATK_OK);
  long_name[65] = 'a', long_name[255] = '\0';
  assert_int_equal(iatk_registry_check_name('s', long_name, NULL), IATK_OK);
  long_name[255] = 'a', long_name[256] = '\0';
  assert_bad_name('s', long_name, NULL);
  assert_bad_name('r', "../x",
                  "invalid registry name '../x': only letters, digits, '.', "
                  "'-', '_' and '@' are allowed");
  assert_bad_name('s', "a/b",
                  "invalid schema name 'a/b': only letters, digits, '.', '-', "
                  "'_' and '@' are allowed");
  assert_bad_name('r', "..",
                  "invalid registry name '..': names must not start with '.'");
  assert_bad_name('s', ".",
                  "invalid schema name '.': names must not start "
                  "with '.'");
  assert_bad_name('s', ".hidden",
                  "invalid schema name '.hidden': names must not start with "
                  "'.'");
  assert_bad_name('r', "", "invalid registry name '': names must not be empty");
  assert_bad_name('r', NULL,
                  "invalid registry name '': names must not be empty");
  assert_bad_name('s', "a\\b",
                  "invalid schema name 'a\\\\b': only letters, digits, '.', "
                  "'-', '_' and '@' are allowed");
  assert_bad_name('s', "a\nb",
                  "invalid schema name 'a\\x0ab': only letters, digits, '.', "
                  "'-', '_' and '@' are allowed");
  const char *bad[] = {"/etc", "a b", "a:b", "caf\xc3\xa9", "a*", "~x", "a'b"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_bad_name('s', bad[i], NULL);
  const char *good[] = {"a", "A.b-c_d@e", "0", "aws.events", "x..y", "x."};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    assert_int_equal(iatk_registry_check_name('s', good[i], NULL), IATK_OK);
  assert_int_equal(iatk_registry_check_name('x', "a", NULL), IATK_EINVAL);
}

/* Every entry point refuses a bad name before touching the file system. */
static void test_entry_points_check_names(void **state) {
  fixture *f = *state;
  iatk_error err;
  const char *doc = JSONSCHEMA_DOC;
  int v = -1;
  iatk_error_clear(&err);
  assert_int_equal(
      iatk_registry_put(f->reg, "../x", "s", NULL, doc, strlen(doc), &v, &err),
      IATK_ENAME);
  assert_int_equal(iatk_registry_put(f->reg, "r", "../../x", NULL, doc,
                                     strlen(doc), &v, NULL),
                   IATK_ENAME);
  assert_int_equal(
      iatk_registry_put(f->reg, "r", NULL, NULL, doc, strlen(doc), &v, NULL),
      IATK_ENAME);
  assert_int_equal(iatk_registry_create(f->reg, "..", NULL), IATK_ENAME);
  assert_int_equal(iatk_registry_create(f->reg, "a/b", NULL), IATK_ENAME);
  assert_false(exists(f->root));
  assert_false(exists(at(f, "../x"))); /* where "../x" would have led */
  assert_null(iatk_registry_list(f->reg, "../tmp", NULL));
  assert_null(iatk_registry_versions(f->reg, "r", ".hidden", NULL));
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "a/b", NULL, &err));
  assert_int_equal(err.code, IATK_ENAME);
  assert_int_equal(v, -1);
}

static void test_version_strings(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "s", "abc", &err));
  assert_error(&err, IATK_ENAME,
               "invalid schema version 'abc': expected a positive integer");
  const char *bad[] = {"",    "0",  "01", "+1",         "-1",
                       "1.0", " 1", "1 ", "2147483648", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    iatk_error_clear(&err);
    assert_null(iatk_registry_load(f->reg, "r", "s", bad[i], &err));
    assert_int_equal(err.code, IATK_ENAME);
  }
  iatk_schema *s = iatk_registry_load(f->reg, "r", "s", "1", NULL);
  assert_non_null(s);
  iatk_schema_free(s);
}

static void test_malformed_refused(void **state) {
  fixture *f = *state;
  iatk_error err;
  iatk_error_clear(&err);
  const char *bad = "{\"type\": ";
  int v = -1;
  assert_int_not_equal(
      iatk_registry_put(f->reg, "r", "s", NULL, bad, strlen(bad), &v, &err),
      IATK_OK);
  assert_int_equal(err.code, IATK_EJSON);
  assert_int_equal(v, -1);
  assert_false(exists(f->root)); /* nothing at all was written */
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  iatk_error_clear(&err);
  assert_int_not_equal(
      iatk_registry_put(f->reg, "r", "s", NULL, "[1, 2]", 6, &v, &err),
      IATK_OK);
  assert_int_equal(err.code, IATK_ESCHEMA);
  assert_int_not_equal(
      iatk_registry_put(f->reg, "r", "s", NULL, "", 0, &v, NULL), IATK_OK);
  const char *want[] = {"1"};
  assert_list(iatk_registry_versions(f->reg, "r", "s", NULL), 1, want);
}

static void test_tmp_leftovers_ignored(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  /* What a put killed before its rename leaves behind. */
  assert_int_equal(mkdir(at(f, "r/s/.tmp-abc123"), 0777), 0);
  write_text(at(f, "r/s/.tmp-abc123/schema.json"), "{\"ti");
  assert_int_equal(mkdir(at(f, "r/.tmp-zzz999"), 0777), 0);
  assert_int_equal(mkdir(at(f, ".tmp-qqq"), 0777), 0);
  /* A first put that crashed: the schema directory has no version yet. */
  assert_int_equal(mkdir(at(f, "r/ghost"), 0777), 0);
  assert_int_equal(mkdir(at(f, "r/ghost/.tmp-aaaaaa"), 0777), 0);
  assert_int_equal(mkdir(at(f, "r/s/007"), 0777), 0); /* not canonical */
  const char *want_r[] = {"r"};
  assert_list(iatk_registry_list(f->reg, NULL, NULL), 1, want_r);
  const char *want_s[] = {"s"};
  assert_list(iatk_registry_list(f->reg, "r", NULL), 1, want_s);
  const char *want_v[] = {"1"};
  assert_list(iatk_registry_versions(f->reg, "r", "s", NULL), 1, want_v);
  assert_int_equal(put(f, "r", "s", NULL, JSONSCHEMA_DOC), 2);
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "ghost", NULL, &err));
  assert_error(&err, IATK_ENOSCHEMA,
               "schema 'ghost' not found in registry 'r'");
  assert_int_equal(put(f, "r", "ghost", NULL, JSONSCHEMA_DOC), 1);
}

static void test_open_root(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  unsetenv("IATK_REGISTRY_DIR");
  assert_null(iatk_registry_open(NULL, &err));
  assert_error(&err, IATK_EINVAL,
               "no local registry directory: pass --registry-dir DIR or set "
               "IATK_REGISTRY_DIR");
  setenv("IATK_REGISTRY_DIR", "/some/where", 1);
  iatk_registry *reg = iatk_registry_open(NULL, NULL);
  assert_non_null(reg);
  assert_string_equal(iatk_registry_root(reg), "/some/where");
  iatk_registry_free(reg);
  unsetenv("IATK_REGISTRY_DIR");
  reg = iatk_registry_open("rel/dir//", NULL);
  assert_string_equal(iatk_registry_root(reg), "rel/dir");
  iatk_registry_free(reg);
  reg = iatk_registry_open("/", NULL);
  assert_string_equal(iatk_registry_root(reg), "/");
  iatk_registry_free(reg);
  iatk_registry_free(NULL);
  assert_null(iatk_registry_root(NULL));
  assert_int_equal(iatk_registry_create(NULL, "r", NULL), IATK_EINVAL);
  assert_null(iatk_registry_list(NULL, NULL, NULL));
}

static void test_not_found_messages(void **state) {
  fixture *f = *state;
  iatk_error err;
  char msg[600];
  snprintf(msg, sizeof msg, "registry 'nope' not found in %s", f->root);
  /* The root does not exist yet: no registries, and nothing to load. */
  assert_list(iatk_registry_list(f->reg, NULL, NULL), 0, NULL);
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "nope", "s", NULL, &err));
  assert_error(&err, IATK_ENOREGISTRY, msg);
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  iatk_error_clear(&err);
  assert_null(iatk_registry_list(f->reg, "nope", &err));
  assert_error(&err, IATK_ENOREGISTRY, msg);
  iatk_error_clear(&err);
  assert_null(iatk_registry_versions(f->reg, "r", "t", &err));
  assert_error(&err, IATK_ENOSCHEMA, "schema 't' not found in registry 'r'");
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "t", "1", &err));
  assert_error(&err, IATK_ENOSCHEMA, "schema 't' not found in registry 'r'");
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "s", "7", &err));
  assert_error(
      &err, IATK_ENOVERSION,
      "version 7 of schema 's' not found in registry 'r' (latest is 2)");
  assert_int_equal(iatk_err_exit_status(err.code), 4);
}

static void test_root_is_a_file(void **state) {
  fixture *f = *state;
  write_text(f->root, "oops\n");
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_registry_list(f->reg, NULL, &err));
  assert_int_equal(err.code, IATK_EIO);
  iatk_error_clear(&err);
  assert_int_not_equal(
      iatk_registry_put(f->reg, "r", "s", NULL, "{}", 2, NULL, &err), IATK_OK);
  assert_int_equal(err.code, IATK_EIO);
  assert_non_null(strstr(err.message, f->root));
}

static void test_damaged_meta(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  assert_int_equal(unlink(at(f, "r/s/1/meta.json")), 0);
  write_text(at(f, "r/s/2/meta.json"), "{\"type\": \"Avro\"}\n");
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "s", "1", &err));
  assert_error(&err, IATK_ESCHEMA, NULL);
  assert_string_equal(err.where, at(f, "r/s/1/meta.json"));
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "s", NULL, &err));
  assert_error(&err, IATK_ESCHEMA, NULL);
  assert_string_equal(err.where, at(f, "r/s/2/meta.json"));
  assert_non_null(strstr(err.message, "must be {\"type\": \"OpenApi3\"}"));
}

static void test_corrupt_content_located(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  write_text(at(f, "r/s/1/schema.json"), "{\n  \"type\": }\n");
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "s", NULL, &err));
  assert_int_equal(err.code, IATK_EJSON);
  assert_int_equal(err.line, 2);
  assert_non_null(strstr(err.where, "r/s/1/schema.json:2:"));
}

/* Processes racing for the same schema: every put gets its own number and
 * the numbers are exactly 1..K, with no temporary directory left over. */
#define WRITERS 6
#define PUTS_EACH 8
static void test_concurrent_puts(void **state) {
  fixture *f = *state;
  pid_t pids[WRITERS];
  for (int w = 0; w < WRITERS; w++) {
    pids[w] = fork();
    assert_true(pids[w] >= 0);
    if (pids[w] > 0)
      continue;
    int failures = 0;
    for (int i = 0; i < PUTS_EACH; i++) {
      char doc[64];
      snprintf(doc, sizeof doc, "{\"title\": \"w%d-%d\"}", w, i);
      int v;
      failures += iatk_registry_put(f->reg, "race", "s", NULL, doc, strlen(doc),
                                    &v, NULL) != IATK_OK;
    }
    _exit(failures ? 1 : 0);
  }
  for (int w = 0; w < WRITERS; w++) {
    int status;
    assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  iatk_strlist *versions = iatk_registry_versions(f->reg, "race", "s", NULL);
  assert_int_equal(iatk_strlist_count(versions), WRITERS * PUTS_EACH);
  for (size_t i = 0; i < iatk_strlist_count(versions); i++)
    assert_int_equal(atoi(iatk_strlist_get(versions, i)), (int)i + 1);
  iatk_strlist_free(versions);
  DIR *d = opendir(at(f, "race/s"));
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    assert_true(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
                e->d_name[0] != '.');
  closedir(d);
}

/* ----------------------------------------------- links inside the tree */

/* tmp/outside/<rel>: where planted links point. */
static const char *outside(const fixture *f, const char *rel) {
  static char path[512];
  snprintf(path, sizeof path, "%s/outside%s%s", f->tmp, *rel ? "/" : "", rel);
  return path;
}

/* Plants ROOT/<rel> -> tmp/outside/<target>. */
static void plant(const fixture *f, const char *rel, const char *target) {
  char to[512];
  snprintf(to, sizeof to, "%s", outside(f, target));
  assert_int_equal(symlink(to, at(f, rel)), 0);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

static void assert_link_refused(const fixture *f, const iatk_error *err,
                                const char *rel) {
  char msg[600];
  snprintf(msg, sizeof msg,
           "registry tree: '%s' is a symbolic link; refusing to follow it",
           rel);
  assert_error(err, IATK_ESCHEMA, msg);
  assert_string_equal(err->where, at(f, rel));
  assert_int_equal(iatk_err_exit_status(err->code), 3);
}

/* Every entry point that reaches registry r, schema s meets the link at
 * `rel` and refuses it. */
static void assert_all_refuse(fixture *f, const char *r, const char *s,
                              const char *rel) {
  iatk_error err;
  int v = 0;
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_put(f->reg, r, s, NULL, JSONSCHEMA_DOC,
                                     strlen(JSONSCHEMA_DOC), &v, &err),
                   IATK_ESCHEMA);
  assert_link_refused(f, &err, rel);
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, r, s, NULL, &err));
  assert_link_refused(f, &err, rel);
  iatk_error_clear(&err);
  assert_null(iatk_registry_read(f->reg, r, s, "1", NULL, NULL, NULL, &err));
  assert_link_refused(f, &err, rel);
  iatk_error_clear(&err);
  assert_null(iatk_registry_versions(f->reg, r, s, &err));
  assert_link_refused(f, &err, rel);
  iatk_error_clear(&err);
  assert_null(iatk_registry_list(f->reg, r, &err));
  assert_link_refused(f, &err, rel);
}

static void test_links_to_directories_refused(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  /* Outside: a directory that looks like a registry, and an empty one. */
  const char *dirs[] = {"", "empty", "reg", "reg/s", "reg/s/1"};
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(mkdir(outside(f, dirs[i]), 0777), 0);
  write_text(outside(f, "reg/s/1/schema.json"), "{\"title\": \"outside\"}");
  write_text(outside(f, "reg/s/1/meta.json"), "{\"type\": \"OpenApi3\"}");

  plant(f, "evil", "reg");
  assert_all_refuse(f, "evil", "s", "evil");
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_registry_list(f->reg, NULL, &err));
  assert_link_refused(f, &err, "evil");
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_create(f->reg, "evil", &err), IATK_ESCHEMA);
  assert_link_refused(f, &err, "evil");
  assert_int_equal(unlink(at(f, "evil")), 0);

  plant(f, "r/linked", "reg/s");
  assert_all_refuse(f, "r", "linked", "r/linked");
  assert_int_equal(unlink(at(f, "r/linked")), 0);

  plant(f, "r/s/2", "reg/s/1");
  assert_all_refuse(f, "r", "s", "r/s/2");
  assert_int_equal(unlink(at(f, "r/s/2")), 0);

  /* Links to where nothing is yet: nothing may be created there. */
  plant(f, "r/s/2", "empty/2");
  assert_all_refuse(f, "r", "s", "r/s/2");
  assert_int_equal(unlink(at(f, "r/s/2")), 0);
  plant(f, "r/fresh", "empty/fresh");
  assert_all_refuse(f, "r", "fresh", "r/fresh");
  assert_int_equal(unlink(at(f, "r/fresh")), 0);
  plant(f, "fresh", "empty/fresh");
  assert_all_refuse(f, "fresh", "s", "fresh");
  assert_int_equal(count_entries(outside(f, "empty")), 0);
  assert_int_equal(count_entries(outside(f, "reg/s")), 1);
  assert_int_equal(count_entries(outside(f, "reg/s/1")), 2);
}

static void test_links_to_files_refused(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  assert_int_equal(mkdir(outside(f, ""), 0777), 0);
  write_text(outside(f, "secret.json"), "{\"title\": \"secret\"}");
  write_text(outside(f, "meta.json"), "{\"type\": \"JSONSchemaDraft4\"}");
  assert_int_equal(unlink(at(f, "r/s/1/schema.json")), 0);
  plant(f, "r/s/1/schema.json", "secret.json");
  assert_int_equal(unlink(at(f, "r/s/2/meta.json")), 0);
  plant(f, "r/s/2/meta.json", "meta.json");
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(
      iatk_registry_read(f->reg, "r", "s", "1", NULL, NULL, NULL, &err));
  assert_link_refused(f, &err, "r/s/1/schema.json");
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "s", NULL, &err));
  assert_link_refused(f, &err, "r/s/2/meta.json");
  /* Listings do not open the files: the versions are still listed. */
  const char *want[] = {"1", "2"};
  assert_list(iatk_registry_versions(f->reg, "r", "s", NULL), 2, want);
}

/* The root is the user's choice of place, so it may be a link. */
static void test_root_may_be_a_link(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  char link[256];
  snprintf(link, sizeof link, "%s/link", f->tmp);
  assert_int_equal(symlink(f->root, link), 0);
  iatk_registry *reg = iatk_registry_open(link, NULL);
  int v = 0;
  assert_int_equal(iatk_registry_put(reg, "r", "s", NULL, JSONSCHEMA_DOC,
                                     strlen(JSONSCHEMA_DOC), &v, NULL),
                   IATK_OK);
  assert_int_equal(v, 2);
  const char *want[] = {"1", "2"};
  assert_list(iatk_registry_versions(reg, "r", "s", NULL), 2, want);
  iatk_schema *doc = iatk_registry_load(reg, "r", "s", "2", NULL);
  assert_non_null(doc);
  iatk_schema_free(doc);
  iatk_registry_free(reg);
  assert_true(exists(at(f, "r/s/2/schema.json")));
}

/* ------------------------------------------------- stale temporaries */

/* A pid no process has: a child that exited and was reaped. */
static pid_t dead_pid(void) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    _exit(0);
  assert_int_equal(waitpid(pid, NULL, 0), pid);
  return pid;
}

/* ROOT/r/s/<name>, as a put leaves it when killed before its rename. */
static void make_leftover(fixture *f, const char *name) {
  char rel[128];
  snprintf(rel, sizeof rel, "r/s/%s", name);
  assert_int_equal(mkdir(at(f, rel), 0777), 0);
  snprintf(rel, sizeof rel, "r/s/%s/schema.json", name);
  write_text(at(f, rel), "{\"ti");
  snprintf(rel, sizeof rel, "r/s/%s/meta.json", name);
  write_text(at(f, rel), "{\"type\": \"JSONSchemaDraft4\"}\n");
}

/* Moves the modification time of ROOT/<rel> `seconds` into the past. */
static void make_old(fixture *f, const char *rel, long seconds) {
  struct timeval times[2];
  gettimeofday(&times[0], NULL);
  times[0].tv_sec -= seconds;
  times[1] = times[0];
  assert_int_equal(lutimes(at(f, rel), times), 0);
}

static int leftover_exists(fixture *f, const char *name) {
  char rel[128];
  snprintf(rel, sizeof rel, "r/s/%s", name);
  return exists(at(f, rel));
}

#define TWO_DAYS (2 * 24 * 3600L)

static void test_stale_temps_cleaned(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  iatk_rng rng;
  iatk__rng_init(&rng, 1, 2);
  char dead[IATK_TEMP_NAME_SIZE], live[IATK_TEMP_NAME_SIZE],
      kept[IATK_TEMP_NAME_SIZE];
  iatk__temp_name(dead_pid(), &rng, dead);
  iatk__temp_name(getpid(), &rng, live); /* a writer that is running */
  iatk__temp_name(dead_pid(), &rng, kept);
  make_leftover(f, dead);
  make_leftover(f, live);
  make_leftover(f, kept);
  char rel[128], notes[128];
  /* Something a put never writes: not ours to delete. */
  snprintf(notes, sizeof notes, "r/s/%s/notes.txt", kept);
  write_text(at(f, notes), "mine\n");
  snprintf(rel, sizeof rel, "r/s/%s", live);
  make_old(f, rel, TWO_DAYS); /* a live writer is never judged by age */
  /* Leftovers whose writer cannot be asked: only age counts. */
  make_leftover(f, ".tmp-abc123");
  make_old(f, "r/s/.tmp-abc123", TWO_DAYS);
  make_leftover(f, ".tmp-def456");
  /* An old link named like a temporary directory is not removed through. */
  assert_int_equal(mkdir(outside(f, ""), 0777), 0);
  write_text(outside(f, "keep.json"), "{}");
  plant(f, "r/s/.tmp-link01", "");
  make_old(f, "r/s/.tmp-link01", TWO_DAYS);

  const char *want1[] = {"1"};
  assert_list(iatk_registry_versions(f->reg, "r", "s", NULL), 1, want1);
  assert_true(leftover_exists(f, dead)); /* readers do not clean */

  assert_int_equal(put(f, "r", "s", NULL, JSONSCHEMA_DOC), 2);
  assert_false(leftover_exists(f, dead));
  assert_true(leftover_exists(f, live));
  assert_true(exists(at(f, notes)));
  assert_false(leftover_exists(f, ".tmp-abc123"));
  assert_true(leftover_exists(f, ".tmp-def456"));
  assert_true(leftover_exists(f, ".tmp-link01"));
  assert_true(exists(outside(f, "keep.json")));
  const char *want2[] = {"1", "2"};
  assert_list(iatk_registry_versions(f->reg, "r", "s", NULL), 2, want2);
  /* Live, with notes, recent foreign, the link, and nothing of ours. */
  assert_int_equal(count_entries(at(f, "r/s")), 2 + 4);
}

static void test_temp_names(void **state) {
  (void)state;
  iatk_rng rng;
  iatk__rng_init(&rng, 3, 4);
  char a[IATK_TEMP_NAME_SIZE], b[IATK_TEMP_NAME_SIZE];
  iatk__temp_name(4194304, &rng, a);
  iatk__temp_name(4194304, &rng, b);
  /* ".tmp-" + 16 hex digits of owner + "-4194304-" + 6 random */
  assert_int_equal(strlen(a), 5 + 16 + 9 + 6);
  assert_memory_equal(a, ".tmp-", 5);
  assert_memory_equal(a, b, 5 + 16 + 9);
  assert_string_not_equal(a, b);
  assert_true(iatk_registry_check_name('s', a, NULL) != IATK_OK);
}

/* ------------------------------------------------------- size limits */

static void test_stored_file_over_limit(void **state) {
  fixture *f = *state;
  put(f, "r", "s", NULL, JSONSCHEMA_DOC);
  /* Sparse: 100 MB that cost no disk, refused by its size alone. */
  assert_int_equal(truncate(at(f, "r/s/1/schema.json"), 100L << 20), 0);
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(iatk_registry_load(f->reg, "r", "s", NULL, &err));
  char msg[600];
  snprintf(msg, sizeof msg,
           "%s is larger than the 64 MiB limit (104857600 bytes)",
           at(f, "r/s/1/schema.json"));
  assert_error(&err, IATK_ELIMIT, msg);
}

/* Reads `n` bytes through a pipe with iatk__read_fd and limit 10. */
static char *read_pipe(size_t n, size_t *len, iatk_error *err) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  assert_int_equal(write(fds[1], "0123456789ABCDEF", n), (ssize_t)n);
  close(fds[1]);
  return iatk__read_fd(fds[0], "pipe", 10, len, err);
}

static void test_read_limits(void **state) {
  fixture *f = *state;
  iatk_error err;
  size_t len = 0;
  iatk_error_clear(&err);
  char *text = read_pipe(10, &len, &err);
  assert_non_null(text);
  assert_int_equal(len, 10);
  free(text);
  assert_null(read_pipe(11, &len, &err));
  assert_error(&err, IATK_ELIMIT, "pipe is larger than the 10-byte limit");

  char path[256];
  snprintf(path, sizeof path, "%s/ten", f->tmp);
  write_text(path, "0123456789");
  iatk_error_clear(&err);
  text = iatk__read_file(path, 10, &len, &err);
  assert_non_null(text);
  assert_int_equal(len, 10);
  free(text);
  iatk_error_clear(&err);
  assert_null(iatk__read_file(path, 9, &len, &err));
  char msg[600];
  snprintf(msg, sizeof msg, "%s is larger than the 9-byte limit (10 bytes)",
           path);
  assert_error(&err, IATK_ELIMIT, msg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_create_and_duplicate, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_put_detects_type, setup, teardown),
      cmocka_unit_test_setup_teardown(test_put_explicit_type, setup, teardown),
      cmocka_unit_test_setup_teardown(test_versions_increment, setup, teardown),
      cmocka_unit_test_setup_teardown(test_load_latest_and_specific, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_list_sorted, setup, teardown),
      cmocka_unit_test(test_name_rules),
      cmocka_unit_test_setup_teardown(test_entry_points_check_names, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_version_strings, setup, teardown),
      cmocka_unit_test_setup_teardown(test_malformed_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tmp_leftovers_ignored, setup,
                                      teardown),
      cmocka_unit_test(test_open_root),
      cmocka_unit_test_setup_teardown(test_not_found_messages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_root_is_a_file, setup, teardown),
      cmocka_unit_test_setup_teardown(test_damaged_meta, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corrupt_content_located, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_concurrent_puts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_links_to_directories_refused, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_links_to_files_refused, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_root_may_be_a_link, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stale_temps_cleaned, setup,
                                      teardown),
      cmocka_unit_test(test_temp_names),
      cmocka_unit_test_setup_teardown(test_stored_file_over_limit, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_read_limits, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
