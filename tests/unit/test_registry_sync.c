/* Exact versions (iatk_registry_put_version) and copying between sources
 * (iatk_registry_sync), between two local trees: the same code runs for
 * pull and push, where one side is the AWS source (tested end to end
 * against `iatk registry serve` in tests/python/test_aws_source.py). */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "iatk/iatk.h"
#include "temp_dir.h"

#define DOC_A "{\"type\": \"object\", \"title\": \"a\"}"
#define DOC_B "{\"type\": \"object\", \"title\": \"b\"}"
#define DOC_C "{\"type\": \"object\", \"title\": \"c\"}"

typedef struct fixture {
  char tmp[64];
  char from_root[128], to_root[128];
  iatk_registry *from, *to;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  if (temp_dir_make(f->tmp, sizeof f->tmp, "sync") != 0)
    return -1;
  snprintf(f->from_root, sizeof f->from_root, "%s/from", f->tmp);
  snprintf(f->to_root, sizeof f->to_root, "%s/to", f->tmp);
  f->from = iatk_registry_open(f->from_root, NULL);
  f->to = iatk_registry_open(f->to_root, NULL);
  *state = f;
  return f->from && f->to ? 0 : -1;
}

static int teardown(void **state) {
  fixture *f = *state;
  iatk_registry_free(f->from);
  iatk_registry_free(f->to);
  temp_dir_remove(f->tmp);
  free(f);
  return 0;
}

static void put_version(iatk_registry *reg, const char *schema, const char *doc,
                        int version) {
  iatk_error err;
  iatk_error_clear(&err);
  if (iatk_registry_put_version(reg, "r", schema, NULL, doc, strlen(doc),
                                version, &err) != IATK_OK)
    fail_msg("put_version %d: %s", version, err.message);
}

static char *read_version(iatk_registry *reg, const char *schema,
                          const char *version) {
  iatk_error err;
  iatk_error_clear(&err);
  char *text =
      iatk_registry_read(reg, "r", schema, version, NULL, NULL, NULL, &err);
  if (!text)
    fail_msg("read %s/%s: %s", schema, version ? version : "latest",
             err.message);
  return text;
}

static void test_put_version_keeps_numbers_and_gaps(void **state) {
  fixture *f = *state;
  put_version(f->to, "s", DOC_A, 3);
  put_version(f->to, "s", DOC_B, 7);
  iatk_error err;
  iatk_strlist *versions = iatk_registry_versions(f->to, "r", "s", &err);
  assert_non_null(versions);
  assert_int_equal(iatk_strlist_count(versions), 2);
  assert_string_equal(iatk_strlist_get(versions, 0), "3");
  assert_string_equal(iatk_strlist_get(versions, 1), "7");
  iatk_strlist_free(versions);
  char *latest = read_version(f->to, "s", NULL);
  assert_string_equal(latest, DOC_B);
  iatk_free(latest);
  /* a plain put continues after the highest number */
  int next = 0;
  assert_int_equal(iatk_registry_put(f->to, "r", "s", NULL, DOC_C,
                                     strlen(DOC_C), &next, &err),
                   IATK_OK);
  assert_int_equal(next, 8);
}

static void test_put_version_same_content_is_ok(void **state) {
  fixture *f = *state;
  put_version(f->to, "s", DOC_A, 2);
  put_version(f->to, "s", DOC_A, 2);
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_put_version(f->to, "r", "s", NULL, DOC_B,
                                             strlen(DOC_B), 2, &err),
                   IATK_EEXIST);
  assert_non_null(strstr(err.message, "version 2 already exists"));
  /* the stored version is untouched, and no temporary is left behind */
  char *text = read_version(f->to, "s", "2");
  assert_string_equal(text, DOC_A);
  iatk_free(text);
}

static void test_put_version_refuses_bad_numbers(void **state) {
  fixture *f = *state;
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_put_version(f->to, "r", "s", NULL, DOC_A,
                                             strlen(DOC_A), 0, &err),
                   IATK_EINVAL);
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_put_version(f->to, "r", "../s", NULL, DOC_A,
                                             strlen(DOC_A), 1, &err),
                   IATK_ENAME);
}

typedef struct tally {
  int copied, held;
} tally;

static void count(const char *registry, const char *schema, int from_version,
                  int to_version, int copied, void *userdata) {
  tally *t = userdata;
  assert_string_equal(registry, "r");
  assert_non_null(schema);
  assert_int_equal(from_version, to_version); /* a tree keeps numbers */
  if (copied)
    t->copied++;
  else
    t->held++;
}

static void test_sync_copies_every_version_once(void **state) {
  fixture *f = *state;
  put_version(f->from, "s", DOC_A, 1);
  put_version(f->from, "s", DOC_B, 4);
  put_version(f->from, "t", DOC_C, 1);
  iatk_error err;
  iatk_error_clear(&err);
  tally t = {0, 0};
  assert_int_equal(
      iatk_registry_sync(f->from, f->to, "r", NULL, count, &t, &err), IATK_OK);
  assert_int_equal(t.copied, 3);
  assert_int_equal(t.held, 0);
  char *v4 = read_version(f->to, "s", "4");
  assert_string_equal(v4, DOC_B);
  iatk_free(v4);
  /* twice: nothing new */
  t = (tally){0, 0};
  assert_int_equal(
      iatk_registry_sync(f->from, f->to, "r", NULL, count, &t, &err), IATK_OK);
  assert_int_equal(t.copied, 0);
  assert_int_equal(t.held, 3);
}

static void test_sync_one_schema_and_conflicts(void **state) {
  fixture *f = *state;
  put_version(f->from, "s", DOC_A, 1);
  put_version(f->from, "t", DOC_B, 1);
  put_version(f->to, "s", DOC_C, 1); /* the same number, other content */
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(
      iatk_registry_sync(f->from, f->to, "r", "t", NULL, NULL, &err), IATK_OK);
  iatk_error_clear(&err);
  assert_int_equal(
      iatk_registry_sync(f->from, f->to, "r", "s", NULL, NULL, &err),
      IATK_EEXIST);
  char *kept = read_version(f->to, "s", "1");
  assert_string_equal(kept, DOC_C);
  iatk_free(kept);
}

static void test_sync_empty_registry_and_missing(void **state) {
  fixture *f = *state;
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_create(f->from, "r", &err), IATK_OK);
  assert_int_equal(
      iatk_registry_sync(f->from, f->to, "r", NULL, NULL, NULL, &err), IATK_OK);
  iatk_strlist *registries = iatk_registry_list(f->to, NULL, &err);
  assert_int_equal(iatk_strlist_count(registries), 1);
  iatk_strlist_free(registries);
  iatk_error_clear(&err);
  assert_int_equal(
      iatk_registry_sync(f->from, f->to, "nope", NULL, NULL, NULL, &err),
      IATK_ENOREGISTRY);
  iatk_error_clear(&err);
  assert_int_equal(
      iatk_registry_sync(f->from, f->to, "r", "nope", NULL, NULL, &err),
      IATK_ENOSCHEMA);
}

/* A named schema missing at the source leaves the destination alone. */
static void test_sync_missing_schema_creates_nothing(void **state) {
  fixture *f = *state;
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_registry_create(f->from, "r", &err), IATK_OK);
  assert_int_equal(
      iatk_registry_sync(f->from, f->to, "r", "absent", NULL, NULL, &err),
      IATK_ENOSCHEMA);
  iatk_error_clear(&err);
  iatk_strlist *registries = iatk_registry_list(f->to, NULL, &err);
  assert_non_null(registries);
  assert_int_equal(iatk_strlist_count(registries), 0);
  iatk_strlist_free(registries);
}

static void test_describe_names_the_tree(void **state) {
  fixture *f = *state;
  char want[160];
  snprintf(want, sizeof want, "local registry %s", f->to_root);
  assert_string_equal(iatk_registry_describe(f->to), want);
  assert_null(iatk_registry_describe(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_put_version_keeps_numbers_and_gaps,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_put_version_same_content_is_ok,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_put_version_refuses_bad_numbers,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_sync_copies_every_version_once,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_sync_one_schema_and_conflicts, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_sync_empty_registry_and_missing,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_sync_missing_schema_creates_nothing,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_describe_names_the_tree, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
