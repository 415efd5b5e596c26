/* iatk_handler_*: argument checking, settings, and one invocation of each
 * kind through the Python runtime (always present where the tests run), so
 * the C API's ownership rules run under ASan's leak checker. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#include "internal.h"

/* The working directory is tests/unit (tests/CMakeLists.txt). */
#define APP "../handlers/python/app"
#define EVENT "{\"orderItems\":[{\"unitPrice\":2,\"count\":3}]}"

static void test_new_refuses_bad_arguments(void **state) {
  (void)state;
  iatk_error err;
  const char *bad[][2] = {
      {NULL, "python"},         {APP ".handler", NULL},
      {APP ".handler", "ruby"}, {"../handlers/python/app", "python"},
      {APP ".", "python"},      {".handler", "python"}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    iatk_error_clear(&err);
    assert_null(iatk_handler_new(bad[i][0], bad[i][1], &err));
    assert_int_equal(err.code, IATK_EINVAL);
  }
  iatk_error_clear(&err);
  assert_null(iatk_handler_new("no/such/dir/app.handler", "python", &err));
  assert_int_equal(err.code, IATK_EIO);
  iatk_handler_free(NULL);
}

static void test_settings_are_checked(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_handler *h = iatk_handler_new(APP ".handler", "python3.12", &err);
  assert_non_null(h);
  assert_int_equal(iatk_handler_set(h, "timeout", "2.5", &err), IATK_OK);
  assert_int_equal(iatk_handler_set(h, "env", "A=1", &err), IATK_OK);
  assert_int_equal(iatk_handler_set(h, "function-name", "f", &err), IATK_OK);
  assert_int_equal(iatk_handler_set(h, "function-name", "g", &err),
                   IATK_OK); /* replaces */
  const char *bad[][2] = {{"timeout", "0"},      {"timeout", "901"},
                          {"timeout", "x"},      {"memory-size", "127"},
                          {"account", "12345"},  {"region", "US"},
                          {"env", "=x"},         {"env", "NOVALUE"},
                          {"function-name", ""}, {"colour", "blue"}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    iatk_error_clear(&err);
    assert_int_equal(iatk_handler_set(h, bad[i][0], bad[i][1], &err),
                     IATK_EINVAL);
  }
  iatk_handler_free(h);
}

static iatk_handler *python(const char *function) {
  char handler[256];
  snprintf(handler, sizeof handler, APP ".%s", function);
  iatk_handler *h = iatk_handler_new(handler, "python", NULL);
  assert_non_null(h);
  assert_int_equal(iatk_handler_set(h, "request-id", "rid", NULL), IATK_OK);
  return h;
}

static void test_invoke_gives_the_payload(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_handler *h = python("handler");
  char *payload = NULL;
  size_t len = 0;
  assert_int_equal(
      iatk_handler_invoke(h, EVENT, strlen(EVENT), &payload, &len, &err),
      IATK_OK);
  assert_string_equal(payload, "6");
  assert_int_equal(len, 1);
  iatk_free(payload);
  iatk_handler_free(h);
}

static void test_a_failure_gives_the_error_document(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_handler *h = python("custom");
  char *payload = NULL;
  assert_int_equal(
      iatk_handler_invoke(h, EVENT, strlen(EVENT), &payload, NULL, &err),
      IATK_ECONSUMER);
  assert_string_equal(err.message, "OrderError: order 42 is empty");
  assert_non_null(strstr(payload, "\"requestId\": \"rid\""));
  iatk_free(payload);
  iatk_handler_free(h);
}

static void test_a_timeout_gives_sandbox_timedout(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_handler *h = python("slow");
  assert_int_equal(iatk_handler_set(h, "timeout", "0.3", &err), IATK_OK);
  char *payload = NULL;
  assert_int_equal(
      iatk_handler_invoke(h, EVENT, strlen(EVENT), &payload, NULL, &err),
      IATK_ETIMEOUT);
  assert_string_equal(
      payload, "{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":"
               "\"RequestId: rid Error: Task timed out after 0.30 seconds\"}");
  iatk_free(payload);
  iatk_handler_free(h);
}

static void test_no_payload_without_a_bootstrap(void **state) {
  (void)state;
  iatk_error err;
  iatk_error_clear(&err);
  iatk_handler *h = python("handler");
  assert_int_equal(iatk_handler_set(h, "runtime-dir", "/nonexistent", &err),
                   IATK_OK);
  char *payload = (char *)"untouched";
  assert_int_equal(
      iatk_handler_invoke(h, EVENT, strlen(EVENT), &payload, NULL, &err),
      IATK_EIO);
  assert_null(payload);
  assert_int_equal(iatk_handler_invoke(h, EVENT, 1, NULL, NULL, &err),
                   IATK_EINVAL);
  assert_int_equal(err.code, IATK_EIO); /* the first error wins */
  iatk_handler_free(h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_refuses_bad_arguments),
      cmocka_unit_test(test_settings_are_checked),
      cmocka_unit_test(test_invoke_gives_the_payload),
      cmocka_unit_test(test_a_failure_gives_the_error_document),
      cmocka_unit_test(test_a_timeout_gives_sandbox_timedout),
      cmocka_unit_test(test_no_payload_without_a_bootstrap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
