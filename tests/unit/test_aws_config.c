/* lib/aws configuration: the shared files through libinih (sections,
 * nested values, continuation lines, long lines), section names, shell
 * word splitting, and endpoint precedence over a config built in memory. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#include "aws/aws_private.h"

static iatk__aws_ini *parse(const char *config, const char *credentials) {
  iatk__aws_ini *ini = iatk__aws_ini_new();
  iatk_error err;
  iatk_error_clear(&err);
  if (iatk__aws_ini_parse_text(ini, IATK__AWS_CONFIG_FILE, config,
                               strlen(config), &err) != IATK_OK ||
      iatk__aws_ini_parse_text(ini, IATK__AWS_CREDENTIALS_FILE, credentials,
                               strlen(credentials), &err) != IATK_OK)
    fail_msg("parse failed: %s", err.message);
  return ini;
}

static const char *get(const iatk__aws_ini *ini, const char *section,
                       const char *key) {
  return iatk__aws_ini_get(ini, IATK__AWS_CONFIG_FILE, section, key);
}

#define assert_get(ini, section, key, expected)                                \
  do {                                                                         \
    const char *got_ = get((ini), (section), (key));                           \
    if (!got_)                                                                 \
      fail_msg("[%s] %s missing", (section), (key));                           \
    assert_string_equal(got_, (expected));                                     \
  } while (0)

/* -------------------------------------------------------------- the files */

static void test_nested_sections(void **state) {
  (void)state;
  iatk__aws_ini *ini = parse("[services dev]\n"
                             "schemas =\n"
                             "  endpoint_url = http://127.0.0.1:1\n"
                             "  other = two words \n"
                             "\n"
                             "sts =\n"
                             "\tendpoint_url=http://127.0.0.1:2\n"
                             "[profile p]\n"
                             "s3 =\n"
                             "  addressing_style = path\n"
                             "region = eu-west-1\n",
                             "");
  assert_get(ini, "services dev", "schemas.endpoint_url", "http://127.0.0.1:1");
  assert_get(ini, "services dev", "schemas.other", "two words");
  assert_get(ini, "services dev", "sts.endpoint_url", "http://127.0.0.1:2");
  /* The parent keeps configparser's text: an empty first line. */
  assert_get(ini, "services dev", "schemas",
             "\nendpoint_url = http://127.0.0.1:1\nother = two words");
  assert_get(ini, "profile p", "s3.addressing_style", "path");
  assert_get(ini, "profile p", "region", "eu-west-1");
  assert_null(get(ini, "services dev", "region"));
  iatk__aws_ini_free(ini);
}

static void test_continuation_lines(void **state) {
  (void)state;
  iatk__aws_ini *ini = parse("[default]\nk = first\n  second\n    third\n"
                             "j = x\n[profile q]\n  indented = fine\n",
                             "");
  assert_get(ini, "profile default", "k", "first\nsecond\nthird");
  assert_get(ini, "profile default", "j", "x");
  /* An indented line right after a header starts a key, as in configparser. */
  assert_get(ini, "profile q", "indented", "fine");
  iatk__aws_ini_free(ini);
}

static void test_section_names(void **state) {
  (void)state;
  iatk__aws_ini *ini = parse("[default]\na = 1\n[profile default]\nb = 2\n"
                             "[profile 'x y']\nc = 3\n[profile]\nd = 4\n"
                             "[sso-session corp]\ne = 5\n[plain]\nf = 6\n"
                             "[profile empty]\n",
                             "[default]\ng = 7\n[profile z]\nh = 8\n");
  assert_get(ini, "profile default", "a", "1");
  assert_get(ini, "profile default", "b", "2");
  assert_get(ini, "profile x y", "c", "3");
  assert_get(ini, "sso-session corp", "e", "5");
  assert_null(get(ini, "profile", "d"));
  assert_null(get(ini, "plain", "f"));
  assert_true(
      iatk__aws_ini_has_section(ini, IATK__AWS_CONFIG_FILE, "profile empty"));
  assert_false(
      iatk__aws_ini_has_section(ini, IATK__AWS_CONFIG_FILE, "profile none"));
  /* The credentials file's sections are profile names as written. */
  assert_string_equal(iatk__aws_ini_get(ini, IATK__AWS_CREDENTIALS_FILE,
                                        "profile default", "g"),
                      "7");
  assert_string_equal(iatk__aws_ini_get(ini, IATK__AWS_CREDENTIALS_FILE,
                                        "profile profile z", "h"),
                      "8");
  iatk__aws_ini_free(ini);
}

static void test_comments_and_line_ends(void **state) {
  (void)state;
  iatk__aws_ini *ini =
      parse("\xef\xbb\xbf# top\r\n; also\r\n[default]\r\nregion = r1 ; note\r\n"
            "semi = a;b\r\nhash = a # b\r\nlast = no newline",
            "");
  assert_get(ini, "profile default", "region", "r1");
  assert_get(ini, "profile default", "semi", "a;b");
  assert_get(ini, "profile default", "hash", "a # b");
  assert_get(ini, "profile default", "last", "no newline");
  iatk__aws_ini_free(ini);
}

static void test_later_values_win(void **state) {
  (void)state;
  iatk__aws_ini *ini = parse("[default]\nk = 1\n[default]\nk = 2\n", "");
  assert_get(ini, "profile default", "k", "2");
  iatk__aws_ini_free(ini);
}

/* Debian's inih reads at most 199 bytes a line; longer ones must come
 * through whole: keys, continuation lines and comments. */
static void test_long_lines(void **state) {
  (void)state;
  char token[2001], text[4500];
  memset(token, 'T', sizeof token - 1);
  token[sizeof token - 1] = '\0';
  snprintf(text, sizeof text,
           "[default]\naws_session_token = %s\nafter = yes\n"
           "nested =\n  sub = %.500s\nmulti = a\n  %.300s\n# %.400s\nend = 1\n",
           token, token, token, token);
  iatk__aws_ini *ini = parse(text, "");
  assert_get(ini, "profile default", "aws_session_token", token);
  assert_get(ini, "profile default", "after", "yes");
  assert_int_equal(strlen(get(ini, "profile default", "nested.sub")), 500);
  assert_int_equal(strlen(get(ini, "profile default", "multi")), 2 + 300);
  assert_get(ini, "profile default", "end", "1");
  iatk__aws_ini_free(ini);
}

/* fuzz_aws_config (FINDINGS.md, F10): a blank line too long for inih is
 * still a blank line, not a continuation that adds "\n" to the value
 * before it. */
static void test_long_blank_lines(void **state) {
  (void)state;
  char blanks[300], text[800];
  memset(blanks, ' ', sizeof blanks - 1);
  blanks[sizeof blanks - 1] = '\0';
  snprintf(text, sizeof text,
           "[default]\nregion = us-east-1\n%s\noutput = json\n"
           "s3 =\n  a = 1\n%s\t\r\nend = 1\n",
           blanks, blanks);
  iatk__aws_ini *ini = parse(text, "");
  assert_get(ini, "profile default", "region", "us-east-1");
  assert_get(ini, "profile default", "output", "json");
  assert_get(ini, "profile default", "s3.a", "1");
  assert_get(ini, "profile default", "end", "1");
  iatk__aws_ini_free(ini);
}

/* fuzz_aws_config (FINDINGS.md, F11): inih reports section names cut at
 * 49 bytes; the keys of a longer one stay in it, and two long names with
 * the same beginning stay apart.  An indented "[x]" after a key continues
 * its value, as for configparser. */
static void test_long_section_names(void **state) {
  (void)state;
  iatk__aws_ini *ini =
      parse("[profile my-company-sandbox-AdministratorAccess-123456789012]\n"
            "region = eu-west-1\n"
            "[profile my-company-sandbox-AdministratorAccess-210987654321]\n"
            "region = us-east-2\n"
            "[profile short]\nk = v\n  [other]\nz = 1\n",
            "[my-company-sandbox-AdministratorAccess-123456789012-long-name]\n"
            "aws_access_key_id = AKIDLONG\n");
  assert_get(ini, "profile my-company-sandbox-AdministratorAccess-123456789012",
             "region", "eu-west-1");
  assert_get(ini, "profile my-company-sandbox-AdministratorAccess-210987654321",
             "region", "us-east-2");
  assert_get(ini, "profile short", "k", "v\n[other]");
  assert_get(ini, "profile short", "z", "1");
  assert_false(
      iatk__aws_ini_has_section(ini, IATK__AWS_CONFIG_FILE, "profile other"));
  assert_string_equal(
      iatk__aws_ini_get(ini, IATK__AWS_CREDENTIALS_FILE,
                        "profile my-company-sandbox-AdministratorAccess-"
                        "123456789012-long-name",
                        "aws_access_key_id"),
      "AKIDLONG");
  iatk__aws_ini_free(ini);
}

/* fuzz_aws_config (FINDINGS.md, F14): keys are case-insensitive, as for
 * botocore (configparser lower-cases them); a nested value's own keys
 * keep their case there, and so here. */
static void test_key_case(void **state) {
  (void)state;
  iatk__aws_ini *ini = parse("[default]\nRegion = eu-west-1\nS3 =\n"
                             "  Addressing_Style = path\n",
                             "[default]\nAWS_ACCESS_KEY_ID = AKIDUPPER\n");
  assert_get(ini, "profile default", "region", "eu-west-1");
  assert_get(ini, "profile default", "s3.Addressing_Style", "path");
  assert_string_equal(iatk__aws_ini_get(ini, IATK__AWS_CREDENTIALS_FILE,
                                        "profile default", "aws_access_key_id"),
                      "AKIDUPPER");
  iatk__aws_ini_free(ini);
}

static void expect_parse_error(const char *text, const char *message) {
  iatk__aws_ini *ini = iatk__aws_ini_new();
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk__aws_ini_parse_text(ini, IATK__AWS_CONFIG_FILE, text,
                                            strlen(text), &err),
                   IATK_EINVAL);
  assert_string_equal(err.message, message);
  iatk__aws_ini_free(ini);
}

static void test_parse_errors(void **state) {
  (void)state;
  expect_parse_error("[default]\nno equals\n",
                     "(text):2: cannot parse the AWS config file: expected "
                     "[section] or key = value");
  expect_parse_error("k = v\n", "(text):1: cannot parse the AWS config file: "
                                "a key before any [section]");
  expect_parse_error("[default\nk = v\n",
                     "(text):1: cannot parse the AWS config file: expected "
                     "[section] or key = value");
  char long_key[400];
  memset(long_key, 'k', sizeof long_key - 1);
  long_key[sizeof long_key - 1] = '\0';
  char text[600];
  snprintf(text, sizeof text, "[default]\n%s = v\n", long_key);
  expect_parse_error(text, "(text):2: cannot parse the AWS config file: line "
                           "too long");
  /* fuzz_aws_config (FINDINGS.md, F9): text without a path is "(text)"
   * here too, not a NULL given to printf's %s */
  expect_parse_error("[default]\ns3 =\n  no equals\n",
                     "(text):2: the nested value of 's3' has a line without "
                     "'='");
}

/* A NUL inside the text: strlen stops there, so the test above saw a
 * short text; this one passes the real length. */
static void test_nul_bytes_refused(void **state) {
  (void)state;
  static const char text[] = "[default]\nk = a\0b\n";
  iatk__aws_ini *ini = iatk__aws_ini_new();
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk__aws_ini_parse_text(ini, IATK__AWS_CONFIG_FILE, text,
                                            sizeof text - 1, &err),
                   IATK_EINVAL);
  assert_non_null(strstr(err.message, "control characters"));
  iatk__aws_ini_free(ini);
}

/* -------------------------------------------------------------- shlex */

static void expect_words(const char *text, const char *const *words) {
  iatk_strlist *list = iatk__strlist_new();
  assert_int_equal(iatk__aws_shell_split(text, list), 0);
  size_t n = 0;
  while (words[n])
    n++;
  assert_int_equal(iatk_strlist_count(list), n);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(iatk_strlist_get(list, i), words[i]);
  iatk_strlist_free(list);
}

static void test_shell_split(void **state) {
  (void)state;
  expect_words("a  b\tc", (const char *[]){"a", "b", "c", NULL});
  expect_words("'x y' \"p \\\"q\\\" \\n\" r\\ s ''",
               (const char *[]){"x y", "p \"q\" \\n", "r s", "", NULL});
  expect_words("pre'mid dle'post", (const char *[]){"premid dlepost", NULL});
  expect_words("   ", (const char *[]){NULL});
  iatk_strlist *list = iatk__strlist_new();
  assert_int_equal(iatk__aws_shell_split("open 'quote", list), -1);
  iatk_strlist_free(list);
}

/* fuzz_aws_answers (FINDINGS.md, F8): inside double quotes Python's shlex
 * unescapes only \\ and \", not \$, \` or a newline as a shell would;
 * a backslash ending the text is its "No escaped character" error. */
static void test_shell_split_like_python(void **state) {
  (void)state;
  expect_words("\"a \\$HOME \\` b\\\nc\" \"\\\\ \\\"\"",
               (const char *[]){"a \\$HOME \\` b\\\nc", "\\ \"", NULL});
  expect_words("x\\\ny '\\$'", (const char *[]){"x\ny", "\\$", NULL});
  iatk_strlist *list = iatk__strlist_new();
  assert_int_equal(iatk__aws_shell_split("end\\", list), -1);
  assert_int_equal(iatk__aws_shell_split("\"end\\\"", list), -1);
  iatk_strlist_free(list);
}

/* ---------------------------------------------------------- endpoints */

static const char *const env_names[] = {
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SCHEMAS", "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", NULL};

static int clear_env(void **state) {
  (void)state;
  for (size_t i = 0; env_names[i]; i++)
    unsetenv(env_names[i]);
  return 0;
}

static void make_config(iatk__aws_config *cfg, const char *config) {
  memset(cfg, 0, sizeof *cfg);
  cfg->files = parse(config, "");
  cfg->profile = strdup("default");
  cfg->region = strdup("us-west-2");
}

static void expect_endpoint(const iatk__aws_config *cfg,
                            iatk__aws_service_id id, const char *url,
                            const char *source) {
  const char *from = NULL;
  iatk_error err;
  iatk_error_clear(&err);
  char *got = iatk__aws_endpoint(cfg, id, &from, &err);
  if (!got)
    fail_msg("no endpoint: %s", err.message);
  assert_string_equal(got, url);
  assert_string_equal(from, source);
  free(got);
}

static void test_endpoint_precedence(void **state) {
  (void)state;
  iatk__aws_config cfg;
  make_config(&cfg, "[default]\nendpoint_url = http://p\nservices = s\n"
                    "[services s]\nschemas =\n  endpoint_url = http://svc/\n");
  expect_endpoint(&cfg, IATK__AWS_SCHEMAS, "http://svc", "services section");
  expect_endpoint(&cfg, IATK__AWS_LAMBDA, "http://p", "profile endpoint_url");
  setenv("AWS_ENDPOINT_URL", "http://all", 1);
  expect_endpoint(&cfg, IATK__AWS_SCHEMAS, "http://all", "AWS_ENDPOINT_URL");
  setenv("AWS_ENDPOINT_URL_SCHEMAS", "https://one:8443//", 1);
  expect_endpoint(&cfg, IATK__AWS_SCHEMAS, "https://one:8443",
                  "AWS_ENDPOINT_URL_SCHEMAS");
  expect_endpoint(&cfg, IATK__AWS_STS, "http://all", "AWS_ENDPOINT_URL");
  cfg.endpoint_url = strdup("http://arg");
  expect_endpoint(&cfg, IATK__AWS_SCHEMAS, "http://arg", "argument");
  setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
  expect_endpoint(&cfg, IATK__AWS_SCHEMAS, "http://arg", "argument");
  free(cfg.endpoint_url);
  cfg.endpoint_url = NULL;
  expect_endpoint(&cfg, IATK__AWS_SCHEMAS,
                  "https://schemas.us-west-2.amazonaws.com", "default");
  iatk__aws_config_release(&cfg);
}

static void test_credential_calls_skip_the_override(void **state) {
  (void)state;
  iatk__aws_config cfg;
  make_config(&cfg, "[default]\n");
  cfg.endpoint_url = strdup("http://arg");
  const char *from = NULL;
  char *url = iatk__aws_endpoint_for(&cfg, IATK__AWS_STS, NULL, 0, &from, NULL);
  assert_string_equal(url, "https://sts.amazonaws.com");
  free(url);
  url =
      iatk__aws_endpoint_for(&cfg, IATK__AWS_SSO, "eu-north-1", 0, &from, NULL);
  assert_string_equal(url, "https://portal.sso.eu-north-1.amazonaws.com");
  free(url);
  iatk_error err;
  iatk_error_clear(&err);
  assert_null(
      iatk__aws_endpoint_for(&cfg, IATK__AWS_SQS, NULL, 0, &from, &err));
  assert_int_equal(err.code, IATK_EINVAL);
  iatk__aws_config_release(&cfg);
}

static void test_services_table(void **state) {
  (void)state;
  assert_string_equal(iatk__aws_services[IATK__AWS_SSO].host_prefix,
                      "portal.sso");
  assert_string_equal(iatk__aws_services[IATK__AWS_SSO].signing_name,
                      "awsssoportal");
  assert_string_equal(iatk__aws_services[IATK__AWS_SFN].env_suffix, "SFN");
  assert_string_equal(iatk__aws_services[IATK__AWS_SFN].host_prefix, "states");
  assert_string_equal(iatk__aws_services[IATK__AWS_KINESIS].config_key,
                      "kinesis");
}

static void test_parse_helpers(void **state) {
  (void)state;
  int n = 0;
  assert_int_equal(iatk__aws_parse_int("42", "X", 1, 100, &n, NULL), IATK_OK);
  assert_int_equal(n, 42);
  assert_int_equal(iatk__aws_parse_int("", "X", 1, 100, &n, NULL), IATK_EINVAL);
  assert_int_equal(iatk__aws_parse_int("-1", "X", 1, 100, &n, NULL),
                   IATK_EINVAL);
  assert_int_equal(iatk__aws_parse_int("101", "X", 1, 100, &n, NULL),
                   IATK_EINVAL);
  assert_int_equal(
      iatk__aws_parse_int("99999999999999999999", "X", 1, 100, &n, NULL),
      IATK_EINVAL);
  assert_int_equal(iatk__aws_parse_bool("TRUE"), 1);
  assert_int_equal(iatk__aws_parse_bool("false"), 0);
  assert_int_equal(iatk__aws_parse_bool("1"), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nested_sections),
      cmocka_unit_test(test_continuation_lines),
      cmocka_unit_test(test_section_names),
      cmocka_unit_test(test_comments_and_line_ends),
      cmocka_unit_test(test_later_values_win),
      cmocka_unit_test(test_long_lines),
      cmocka_unit_test(test_long_blank_lines),
      cmocka_unit_test(test_long_section_names),
      cmocka_unit_test(test_key_case),
      cmocka_unit_test(test_parse_errors),
      cmocka_unit_test(test_nul_bytes_refused),
      cmocka_unit_test(test_shell_split),
      cmocka_unit_test(test_shell_split_like_python),
      cmocka_unit_test_setup_teardown(test_endpoint_precedence, clear_env,
                                      clear_env),
      cmocka_unit_test_setup_teardown(test_credential_calls_skip_the_override,
                                      clear_env, clear_env),
      cmocka_unit_test(test_services_table),
      cmocka_unit_test(test_parse_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
