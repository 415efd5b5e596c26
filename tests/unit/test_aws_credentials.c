/* lib/aws credential helpers: the credential_process runner (output,
 * status, limits, and the deadline that kills it), which container
 * credential URLs may be asked, and the time formats of expirations. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"

#include "aws/aws_private.h"

static double seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) +
         (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

typedef struct ran {
  iatk_buf out, err;
  iatk__aws_child child;
  int rc;
  double seconds;
} ran;

static void run(ran *r, const char *script, int timeout_ms, size_t limit) {
  char *argv[] = {"sh", "-c", (char *)script, NULL};
  iatk__buf_init(&r->out);
  iatk__buf_init(&r->err);
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  r->rc = iatk__aws_run_process(argv, timeout_ms, limit, &r->out, &r->err,
                                &r->child, NULL);
  r->seconds = seconds_since(&start);
}

static void release(ran *r) {
  iatk__buf_release(&r->out);
  iatk__buf_release(&r->err);
}

static void test_process_output_and_status(void **state) {
  (void)state;
  ran r;
  run(&r, "echo out; echo err >&2; exit 7", 5000, 1024);
  assert_int_equal(r.rc, IATK_OK);
  assert_string_equal(r.out.data, "out\n");
  assert_string_equal(r.err.data, "err\n");
  assert_int_equal(r.child.exit_status, 7);
  assert_false(r.child.timed_out);
  release(&r);
}

static void test_process_stdin_is_empty(void **state) {
  (void)state;
  ran r;
  run(&r, "cat; echo done", 5000, 1024);
  assert_string_equal(r.out.data, "done\n");
  release(&r);
}

static void test_process_deadline(void **state) {
  (void)state;
  ran r;
  run(&r, "echo started; exec sleep 30", 300, 1024);
  assert_int_equal(r.rc, IATK_OK);
  assert_true(r.child.timed_out);
  assert_int_equal(r.child.exit_status, -1);
  assert_true(r.seconds < 3.0);
  release(&r);
  /* A child that closes its pipes and lingers is held to the deadline. */
  run(&r, "exec >/dev/null 2>&1; sleep 30", 300, 1024);
  assert_true(r.child.timed_out);
  assert_true(r.seconds < 3.0);
  release(&r);
}

static void test_process_output_limit(void **state) {
  (void)state;
  ran r;
  run(&r, "head -c 200000 /dev/zero | tr '\\0' x", 5000, 1000);
  assert_int_equal(r.out.len, 1000); /* the rest was read and dropped */
  assert_int_equal(r.child.exit_status, 0);
  release(&r);
}

static void test_process_not_found(void **state) {
  (void)state;
  char *argv[] = {"/nonexistent/program", NULL};
  iatk_buf out, errout;
  iatk__buf_init(&out);
  iatk__buf_init(&errout);
  iatk__aws_child child;
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(
      iatk__aws_run_process(argv, 1000, 100, &out, &errout, &child, &err),
      IATK_ECREDENTIALS);
  assert_string_equal(err.message, "cannot run '/nonexistent/program': No "
                                   "such file or directory");
  iatk__buf_release(&out);
  iatk__buf_release(&errout);
}

static void test_container_urls(void **state) {
  (void)state;
  static const char *const allowed[] = {"http://127.0.0.1:8080/creds",
                                        "http://127.1.2.3/x",
                                        "http://localhost/x",
                                        "http://LOCALHOST:9/x",
                                        "http://[::1]:80/x",
                                        "http://169.254.170.2/v2/x",
                                        "http://169.254.170.23/v1/credentials",
                                        "http://[fd00:ec2::23]/v1/x",
                                        "https://creds.example.com/x",
                                        "HTTPS://10.0.0.1/x",
                                        "http://user@127.0.0.1/x",
                                        NULL};
  static const char *const refused[] = {"http://10.0.0.1/x",
                                        "http://192.0.2.10/x",
                                        "http://169.254.169.254/x",
                                        "http://127.0.0.1.nip.io/x",
                                        "http://[fd00:ec2::24]/x",
                                        "http://localhost.example/x",
                                        "ftp://127.0.0.1/x",
                                        "127.0.0.1/x",
                                        "http:///x",
                                        "https://",
                                        NULL};
  for (size_t i = 0; allowed[i]; i++)
    if (!iatk__aws_container_url_allowed(allowed[i]))
      fail_msg("refused %s", allowed[i]);
  for (size_t i = 0; refused[i]; i++)
    if (iatk__aws_container_url_allowed(refused[i]))
      fail_msg("allowed %s", refused[i]);
}

static void test_expiration_times(void **state) {
  (void)state;
  time_t t = 0;
  assert_int_equal(iatk__aws_parse_time("2024-01-02T03:04:05Z", &t), 0);
  assert_int_equal((long long)t, 1704164645LL);
  assert_int_equal(iatk__aws_parse_time("2024-01-02T03:04:05.999Z", &t), 0);
  assert_int_equal((long long)t, 1704164645LL);
  assert_int_equal(iatk__aws_parse_time("2024-01-02T04:04:05+01:00", &t), 0);
  assert_int_equal((long long)t, 1704164645LL);
  assert_int_equal(iatk__aws_parse_time("2024-01-02T03:04:05UTC", &t), 0);
  assert_int_equal((long long)t, 1704164645LL);
  assert_int_equal(iatk__aws_parse_time("tomorrow", &t), -1);
  assert_int_equal(iatk__aws_parse_time("", &t), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_process_output_and_status),
      cmocka_unit_test(test_process_stdin_is_empty),
      cmocka_unit_test(test_process_deadline),
      cmocka_unit_test(test_process_output_limit),
      cmocka_unit_test(test_process_not_found),
      cmocka_unit_test(test_container_urls),
      cmocka_unit_test(test_expiration_times),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
