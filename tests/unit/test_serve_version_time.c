/* iatk_registry_version_time: the stand-in for the times the Schemas API
 * reports (LastModified, VersionCreatedDate) that `iatk registry serve`
 * takes from the tree.  Every test works in its own temporary directory. */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "iatk/iatk.h"
#include "temp_dir.h"

#define DOC "{\"type\": \"object\"}"

typedef struct fixture {
  char tmp[64];
  char root[128];
  iatk_registry *reg;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  if (temp_dir_make(f->tmp, sizeof f->tmp, "vtime") != 0)
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

static void put(fixture *f, const char *r, const char *s) {
  assert_int_equal(
      iatk_registry_put(f->reg, r, s, NULL, DOC, strlen(DOC), NULL, NULL),
      IATK_OK);
}

/* Sets the modification time of ROOT/rel to `sec` seconds + 250 ms. */
static void set_mtime(const fixture *f, const char *rel, time_t sec) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", f->root, rel);
  struct timespec times[2] = {{sec, 250000000}, {sec, 250000000}};
  assert_int_equal(utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), 0);
}

static int64_t time_of(fixture *f, const char *version, int want_rc,
                       iatk_error *err) {
  int64_t t = -1;
  iatk_error_clear(err);
  assert_int_equal(
      iatk_registry_version_time(f->reg, "r", "s", version, &t, err), want_rc);
  return t;
}

static void test_each_version_and_latest(void **state) {
  fixture *f = *state;
  put(f, "r", "s");
  put(f, "r", "s");
  set_mtime(f, "r/s/1", 1000000000);
  set_mtime(f, "r/s/2", 1700000000);
  iatk_error err;
  assert_true(time_of(f, "1", IATK_OK, &err) == 1000000000250000LL);
  assert_true(time_of(f, "2", IATK_OK, &err) == 1700000000250000LL);
  assert_true(time_of(f, NULL, IATK_OK, &err) == 1700000000250000LL);
}

static void test_fresh_version_is_recent(void **state) {
  fixture *f = *state;
  put(f, "r", "s");
  iatk_error err;
  int64_t t = time_of(f, NULL, IATK_OK, &err);
  int64_t now = (int64_t)time(NULL) * 1000000;
  assert_true(t > now - 60 * 1000000LL && t < now + 60 * 1000000LL);
}

static void test_not_found(void **state) {
  fixture *f = *state;
  iatk_error err;
  time_of(f, NULL, IATK_ENOREGISTRY, &err);
  assert_int_equal(iatk_registry_create(f->reg, "r", NULL), IATK_OK);
  time_of(f, "1", IATK_ENOSCHEMA, &err);
  put(f, "r", "s");
  time_of(f, "2", IATK_ENOVERSION, &err);
  assert_string_equal(err.message, "version 2 of schema 's' not found in "
                                   "registry 'r' (latest is 1)");
}

static void test_bad_names(void **state) {
  fixture *f = *state;
  put(f, "r", "s");
  iatk_error err;
  time_of(f, "01", IATK_ENAME, &err);
  time_of(f, "../1", IATK_ENAME, &err);
  int64_t t;
  assert_int_equal(
      iatk_registry_version_time(f->reg, "..", "s", NULL, &t, &err),
      IATK_ENAME);
  assert_int_equal(
      iatk_registry_version_time(f->reg, "r", "a/b", NULL, &t, NULL),
      IATK_ENAME);
  assert_int_equal(iatk_registry_version_time(NULL, "r", "s", NULL, &t, NULL),
                   IATK_EINVAL);
  assert_int_equal(
      iatk_registry_version_time(f->reg, "r", "s", NULL, NULL, NULL),
      IATK_EINVAL);
}

/* A version directory that is a link is refused, never stat'ed through. */
static void test_link_refused(void **state) {
  fixture *f = *state;
  put(f, "r", "s");
  char target[256], link[256];
  snprintf(target, sizeof target, "%s/r/s/1", f->root);
  snprintf(link, sizeof link, "%s/r/s/2", f->root);
  assert_int_equal(symlink(target, link), 0);
  iatk_error err;
  iatk_error_clear(&err);
  int64_t t;
  int rc = iatk_registry_version_time(f->reg, "r", "s", "2", &t, &err);
  assert_int_equal(rc, IATK_ESCHEMA);
  assert_non_null(strstr(err.message, "symbolic link"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_each_version_and_latest, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_fresh_version_is_recent, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_names, setup, teardown),
      cmocka_unit_test_setup_teardown(test_link_refused, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
