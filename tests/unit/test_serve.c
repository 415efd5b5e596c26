/* lib/server without a socket: requests go straight to the dispatcher,
 * which answers with the status, AWS error code and JSON body a client
 * would receive.  tests/python/test_registry_serve.py covers the same API
 * over HTTP with the AWS CLI and botocore. */
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

#include "server/server_internal.h"
#include "temp_dir.h"

#define DOC "{\"type\": \"object\"}"
#define OPENAPI                                                                \
  "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"t\", \"version\": "        \
  "\"1\"}, \"paths\": {}, \"components\": {\"schemas\": {\"E\": "              \
  "{\"type\": \"object\"}}}}"

typedef struct fixture {
  char tmp[64];
  iatk_registry *reg;
  iatk_server *srv;
  iatk__srv_reply reply;
  json_t *body; /* the last reply's, parsed */
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (temp_dir_make(f->tmp, sizeof f->tmp, "serve") != 0)
    return -1;
  f->reg = iatk_registry_open(f->tmp, NULL);
  f->srv = iatk_server_new(f->reg, NULL);
  iatk__srv_reply_init(&f->reply);
  *state = f;
  return f->srv ? 0 : -1;
}

static int teardown(void **state) {
  fixture *f = *state;
  iatk__srv_reply_release(&f->reply);
  json_decref(f->body);
  iatk_server_free(f->srv);
  iatk_registry_free(f->reg);
  temp_dir_remove(f->tmp);
  free(f);
  return 0;
}

/* Sends one request; returns the status and keeps the parsed body. */
static int call(fixture *f, const char *method, const char *path,
                const char *query, const char *body) {
  iatk__srv_reply_release(&f->reply);
  iatk__srv_reply_init(&f->reply);
  json_decref(f->body);
  iatk__srv_request req = {
      method, path, query, NULL, 0, body, body ? strlen(body) : 0};
  iatk__srv_dispatch(f->srv, &req, &f->reply);
  f->body = json_loadb(f->reply.body.data, f->reply.body.len, 0, NULL);
  assert_non_null(f->body); /* every answer is JSON */
  return f->reply.status;
}

/* Asserts an AWS error: status, header code and body {"Code","Message"}. */
static void assert_error(fixture *f, int status, const char *code) {
  assert_int_equal(f->reply.status, status);
  assert_non_null(f->reply.error_code);
  assert_string_equal(f->reply.error_code, code);
  assert_string_equal(json_string_value(json_object_get(f->body, "Code")),
                      code);
  assert_non_null(json_string_value(json_object_get(f->body, "Message")));
}

static const char *member(fixture *f, const char *name) {
  return json_string_value(json_object_get(f->body, name));
}

static void put(fixture *f, const char *r, const char *s, const char *doc) {
  assert_int_equal(
      iatk_registry_put(f->reg, r, s, NULL, doc, strlen(doc), NULL, NULL),
      IATK_OK);
}

/* ----------------------------------------------------------- decoding */

static void test_url_decode(void **state) {
  (void)state;
  iatk_buf b;
  iatk__buf_init(&b);
  assert_int_equal(iatk__srv_url_decode("a%40B%2F..", 10, &b), 0);
  assert_string_equal(b.data, "a@B/..");
  iatk__buf_reset(&b);
  assert_int_equal(iatk__srv_url_decode("x%00y", 5, &b), -1);
  assert_int_equal(iatk__srv_url_decode("%4", 2, &b), -1);
  assert_int_equal(iatk__srv_url_decode("%g0", 3, &b), -1);
  iatk__buf_release(&b);
  char *v = NULL;
  assert_int_equal(iatk__srv_query_get("a=1&b=%20x&b=2", "b", &v), 1);
  assert_string_equal(v, " x");
  free(v);
  assert_int_equal(iatk__srv_query_get("a=1&flag", "flag", &v), 1);
  assert_string_equal(v, "");
  free(v);
  assert_int_equal(iatk__srv_query_get("a=1", "b", &v), 0);
  assert_null(v);
  assert_int_equal(iatk__srv_query_get(NULL, "b", &v), 0);
  assert_int_equal(iatk__srv_query_get("b=%zz", "b", &v), -1);
}

/* -------------------------------------------------------------- routes */

static void test_routes(void **state) {
  fixture *f = *state;
  call(f, "GET", "/v2/registries", NULL, NULL);
  assert_error(f, 404, "UnknownOperationException");
  call(f, "GET", "/v1/registries/", NULL, NULL);
  assert_error(f, 404, "UnknownOperationException");
  call(f, "PATCH", "/v1/registries/name/r/schemas/name/s", NULL, NULL);
  assert_error(f, 405, "MethodNotAllowedException");
  assert_string_equal(f->reply.allow, "GET, POST, PUT, DELETE");
  call(f, "DELETE", "/v1/registries/name/r/schemas/name/s/version/1", NULL,
       NULL);
  assert_error(f, 501, "NotImplementedException");
}

/* Labels are split before they are decoded, then checked as the tree
 * checks names: nothing that could leave the tree gets to it. */
static void test_names_checked(void **state) {
  fixture *f = *state;
  put(f, "r", "s", DOC);
  const char *paths[] = {
      "/v1/registries/name/..%2Fx/schemas",
      "/v1/registries/name/..",
      "/v1/registries/name/r%00x",
      "/v1/registries/name/%2Ftmp",
      "/v1/registries/name/r/schemas/name/..%2F..%2Fr",
      "/v1/registries/name/r/schemas/name/s%2",
      "/v1/registries/name/",
  };
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    call(f, "GET", paths[i], NULL, NULL);
    assert_error(f, 400, "BadRequestException");
  }
  call(f, "POST", "/v1/registries/name/.hidden", NULL, NULL);
  assert_error(f, 400, "BadRequestException");
  call(f, "GET", "/v1/registries/name/r/schemas/name/s", "schemaVersion=01",
       NULL);
  assert_error(f, 400, "BadRequestException");
  call(f, "GET", "/v1/registries/name/r/schemas/name/s", "schemaVersion=%2F1",
       NULL);
  assert_error(f, 400, "BadRequestException");
  /* "@" arrives encoded, as botocore sends it. */
  put(f, "aws.events", "aws.a@B", DOC);
  assert_int_equal(call(f, "GET",
                        "/v1/registries/name/aws.events/schemas/"
                        "name/aws.a%40B",
                        NULL, NULL),
                   200);
  assert_string_equal(member(f, "SchemaName"), "aws.a@B");
}

/* ---------------------------------------------------------- registries */

static void test_registries(void **state) {
  fixture *f = *state;
  assert_int_equal(call(f, "POST", "/v1/registries/name/orders", NULL, NULL),
                   201);
  assert_string_equal(member(f, "RegistryArn"),
                      "arn:aws:schemas:us-east-1:123456789012:registry/orders");
  call(f, "POST", "/v1/registries/name/orders", NULL, "{}");
  assert_error(f, 409, "ConflictException");
  assert_int_equal(call(f, "GET", "/v1/registries/name/orders", NULL, NULL),
                   200);
  assert_string_equal(member(f, "RegistryName"), "orders");
  call(f, "GET", "/v1/registries/name/nope", NULL, NULL);
  assert_error(f, 404, "NotFoundException");
  assert_string_equal(member(f, "Message"), "registry 'nope' not found");
  assert_int_equal(call(f, "PUT", "/v1/registries/name/orders", NULL,
                        "{\"Description\": \"\"}"),
                   200);
  call(f, "PUT", "/v1/registries/name/nope", NULL, NULL);
  assert_error(f, 404, "NotFoundException");
}

static void test_unstored_refused(void **state) {
  fixture *f = *state;
  call(f, "POST", "/v1/registries/name/r", NULL, "{\"Description\": \"d\"}");
  assert_error(f, 400, "BadRequestException");
  assert_non_null(strstr(member(f, "Message"), "descriptions"));
  call(f, "POST", "/v1/registries/name/r", NULL, "{\"tags\": {\"a\": \"b\"}}");
  assert_error(f, 400, "BadRequestException");
  assert_non_null(strstr(member(f, "Message"), "tags"));
  call(f, "POST", "/v1/registries/name/r", NULL, "{\"tags\": 3}");
  assert_error(f, 400, "BadRequestException");
  /* Nothing was created by the refused requests. */
  call(f, "GET", "/v1/registries/name/r", NULL, NULL);
  assert_error(f, 404, "NotFoundException");
  assert_int_equal(call(f, "POST", "/v1/registries/name/r", NULL,
                        "{\"Description\": \"\", \"tags\": {}}"),
                   201);
}

static void test_bad_bodies(void **state) {
  fixture *f = *state;
  call(f, "POST", "/v1/registries/name/r", NULL, "{\"Description\": ");
  assert_error(f, 400, "BadRequestException");
  call(f, "POST", "/v1/registries/name/r", NULL, "[1]");
  assert_error(f, 400, "BadRequestException");
  call(f, "POST", "/v1/registries/name/r", NULL, "{\"a\": 1, \"a\": 2}");
  assert_error(f, 400, "BadRequestException");
}

/* ------------------------------------------------------------- schemas */

#define SCHEMA_PATH "/v1/registries/name/r/schemas/name/s"

static void test_create_and_describe(void **state) {
  fixture *f = *state;
  const char *create =
      "{\"Type\": \"JSONSchemaDraft4\", \"Content\": \"{\\\"type\\\": "
      "\\\"object\\\"}\"}";
  call(f, "POST", SCHEMA_PATH, NULL, create);
  assert_error(f, 404, "NotFoundException"); /* no registry r */
  put(f, "r", "other", DOC);
  assert_int_equal(call(f, "POST", SCHEMA_PATH, NULL, create), 201);
  assert_string_equal(member(f, "SchemaVersion"), "1");
  assert_string_equal(member(f, "Type"), "JSONSchemaDraft4");
  assert_null(json_object_get(f->body, "Content"));
  assert_non_null(member(f, "VersionCreatedDate"));
  call(f, "POST", SCHEMA_PATH, NULL, create);
  assert_error(f, 409, "ConflictException");
  assert_int_equal(call(f, "GET", SCHEMA_PATH, NULL, NULL), 200);
  assert_string_equal(member(f, "Content"), DOC);
  assert_string_equal(member(f, "SchemaArn"),
                      "arn:aws:schemas:us-east-1:123456789012:schema/r/s");
  const char *t = member(f, "LastModified");
  assert_true(strlen(t) == 20 && t[10] == 'T' && t[19] == 'Z');
}

static void test_create_checks_content(void **state) {
  fixture *f = *state;
  assert_int_equal(iatk_registry_create(f->reg, "r", NULL), IATK_OK);
  const char *bodies[] = {
      "{\"Type\": \"JSONSchemaDraft4\"}",
      "{\"Content\": \"{}\"}",
      "{\"Type\": \"Avro\", \"Content\": \"{}\"}",
      "{\"Type\": \"OpenApi3\", \"Content\": \"{\\\"openapi\\\": 3\"}",
      "{\"Type\": \"OpenApi3\", \"Content\": \"[]\"}",
      "{\"Type\": \"OpenApi3\", \"Content\": \"\"}",
      "{\"Type\": \"OpenApi3\", \"Content\": 7}",
  };
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    call(f, "POST", SCHEMA_PATH, NULL, bodies[i]);
    assert_error(f, 400, "BadRequestException");
  }
  call(f, "POST", SCHEMA_PATH, NULL,
       "{\"Type\": \"OpenApi3\", \"Content\": \"{\\\"openapi\\\": 3\"}");
  assert_non_null(strstr(member(f, "Message"), "Content:1:"));
  /* 100000 characters at most (characters, not bytes). */
  size_t n = 100001;
  char *big = malloc(n + 64);
  int len = sprintf(big, "{\"Type\": \"JSONSchemaDraft4\", \"Content\": \"");
  memset(big + len, ' ', n - 2);
  strcpy(big + len + n - 2, "{}\"}");
  call(f, "POST", SCHEMA_PATH, NULL, big);
  assert_error(f, 400, "BadRequestException");
  assert_non_null(strstr(member(f, "Message"), "100000"));
  free(big);
  call(f, "GET", SCHEMA_PATH, NULL, NULL);
  assert_error(f, 404, "NotFoundException"); /* nothing written */
}

static void test_update(void **state) {
  fixture *f = *state;
  call(f, "PUT", SCHEMA_PATH, NULL, "{\"Content\": \"{}\"}");
  assert_error(f, 404, "NotFoundException");
  put(f, "r", "s", DOC);
  /* Same content and type: no new version, the latest is answered. */
  assert_int_equal(call(f, "PUT", SCHEMA_PATH, NULL,
                        "{\"Content\": \"{\\\"type\\\": \\\"object\\\"}\", "
                        "\"ClientTokenId\": \"a\"}"),
                   200);
  assert_string_equal(member(f, "SchemaVersion"), "1");
  assert_int_equal(call(f, "PUT", SCHEMA_PATH, NULL, "{}"), 200);
  assert_string_equal(member(f, "SchemaVersion"), "1");
  assert_int_equal(call(f, "PUT", SCHEMA_PATH, NULL,
                        "{\"Content\": \"{\\\"type\\\": \\\"string\\\"}\"}"),
                   200);
  assert_string_equal(member(f, "SchemaVersion"), "2");
  assert_string_equal(member(f, "Type"), "JSONSchemaDraft4");
  /* A new type alone is a new version. */
  assert_int_equal(call(f, "PUT", SCHEMA_PATH, NULL,
                        "{\"Type\": \"OpenApi3\", \"Content\": \""
                        "{}"
                        "\"}"),
                   200);
  assert_string_equal(member(f, "SchemaVersion"), "3");
  assert_string_equal(member(f, "Type"), "OpenApi3");
  call(f, "PUT", SCHEMA_PATH, NULL, "{\"Description\": \"x\"}");
  assert_error(f, 400, "BadRequestException");
  call(f, "PUT", SCHEMA_PATH, NULL, "{\"Content\": \"nope\"}");
  assert_error(f, 400, "BadRequestException");
  assert_int_equal(call(f, "GET", SCHEMA_PATH, "schemaVersion=1", NULL), 200);
  assert_string_equal(member(f, "Content"), DOC);
  call(f, "GET", SCHEMA_PATH, "schemaVersion=9", NULL);
  assert_error(f, 404, "NotFoundException");
}

/* ------------------------------------------------------------- listing */

/* Follows NextToken through a listing, `limit` at a time; returns the
 * names of `member` joined by ','. */
static void walk(fixture *f, const char *path, const char *member_name,
                 const char *name_key, const char *extra, int limit,
                 char *out) {
  char query[512];
  const char *token = NULL;
  char *saved = NULL;
  out[0] = '\0';
  for (int page = 0; page < 50; page++) {
    snprintf(query, sizeof query, "limit=%d%s%s%s", limit,
             token ? "&nextToken=" : "", token ? token : "", extra);
    assert_int_equal(call(f, "GET", path, query, NULL), 200);
    json_t *items = json_object_get(f->body, member_name);
    assert_true(json_array_size(items) <= (size_t)limit);
    for (size_t i = 0; i < json_array_size(items); i++) {
      strcat(out, json_string_value(
                      json_object_get(json_array_get(items, i), name_key)));
      strcat(out, ",");
    }
    free(saved);
    saved = iatk__strdup(member(f, "NextToken"));
    token = saved;
    if (!token)
      return;
  }
  fail_msg("too many pages");
}

static void test_pagination(void **state) {
  fixture *f = *state;
  const char *names[] = {"b", "a", "e", "aa", "c"};
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(iatk_registry_create(f->reg, names[i], NULL), IATK_OK);
  char seen[256];
  walk(f, "/v1/registries", "Registries", "RegistryName", "", 2, seen);
  assert_string_equal(seen, "a,aa,b,c,e,");
  walk(f, "/v1/registries", "Registries", "RegistryName",
       "&registryNamePrefix=a", 1, seen);
  assert_string_equal(seen, "a,aa,");
  walk(f, "/v1/registries", "Registries", "RegistryName", "", 100, seen);
  assert_string_equal(seen, "a,aa,b,c,e,");
  for (int i = 0; i < 12; i++)
    put(f, "a", "s", i % 2 ? DOC : OPENAPI);
  walk(f, "/v1/registries/name/a/schemas/name/s/versions", "SchemaVersions",
       "SchemaVersion", "", 5, seen);
  assert_string_equal(seen, "1,2,3,4,5,6,7,8,9,10,11,12,");
  assert_int_equal(call(f, "GET",
                        "/v1/registries/name/a/schemas/name/s/"
                        "versions",
                        "limit=1", NULL),
                   200);
  json_t *first = json_array_get(json_object_get(f->body, "SchemaVersions"), 0);
  assert_string_equal(json_string_value(json_object_get(first, "Type")),
                      "OpenApi3");
}

static void test_tokens_validated(void **state) {
  fixture *f = *state;
  for (int i = 0; i < 3; i++) {
    char name[8];
    snprintf(name, sizeof name, "r%d", i);
    assert_int_equal(iatk_registry_create(f->reg, name, NULL), IATK_OK);
  }
  call(f, "GET", "/v1/registries", "limit=1", NULL);
  char token[256];
  snprintf(token, sizeof token, "%s", member(f, "NextToken"));
  char query[400];
  snprintf(query, sizeof query, "limit=1&nextToken=%s", token);
  assert_int_equal(call(f, "GET", "/v1/registries", query, NULL), 200);
  /* Another listing's token, an edited one, garbage: all refused. */
  snprintf(query, sizeof query, "nextToken=%s&registryNamePrefix=r", token);
  call(f, "GET", "/v1/registries", query, NULL);
  assert_error(f, 400, "BadRequestException");
  token[strlen(token) - 1] ^= 1;
  snprintf(query, sizeof query, "nextToken=%s", token);
  call(f, "GET", "/v1/registries", query, NULL);
  assert_error(f, 400, "BadRequestException");
  const char *bad[] = {
      "nextToken=zz", "nextToken=%zz", "limit=0",     "limit=-1",
      "limit=1x",     "limit=",        "scope=GLOBAL"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    call(f, "GET", "/v1/registries", bad[i], NULL);
    assert_error(f, 400, "BadRequestException");
  }
  /* A limit over 100 is served as 100. */
  assert_int_equal(call(f, "GET", "/v1/registries", "limit=100000", NULL), 200);
}

static void test_list_schemas(void **state) {
  fixture *f = *state;
  call(f, "GET", "/v1/registries/name/r/schemas", NULL, NULL);
  assert_error(f, 404, "NotFoundException");
  put(f, "r", "Order", DOC);
  put(f, "r", "Order", DOC);
  put(f, "r", "Other", DOC);
  assert_int_equal(call(f, "GET", "/v1/registries/name/r/schemas",
                        "schemaNamePrefix=Ord", NULL),
                   200);
  json_t *items = json_object_get(f->body, "Schemas");
  assert_int_equal(json_array_size(items), 1);
  json_t *one = json_array_get(items, 0);
  assert_int_equal(json_integer_value(json_object_get(one, "VersionCount")), 2);
  assert_non_null(json_object_get(one, "LastModified"));
  assert_int_equal(call(f, "GET", "/v1/registries", "scope=AWS", NULL), 200);
  assert_int_equal(json_array_size(json_object_get(f->body, "Registries")), 0);
  assert_int_equal(call(f, "GET", "/v1/registries", "scope=LOCAL", NULL), 200);
  assert_int_equal(json_array_size(json_object_get(f->body, "Registries")), 1);
}

/* A symbolic link in the tree is the server's problem, not the client's. */
static void test_damaged_tree_is_500(void **state) {
  fixture *f = *state;
  put(f, "r", "s", DOC);
  char link[128];
  snprintf(link, sizeof link, "%s/r/t", f->tmp);
  assert_int_equal(symlink("/etc", link), 0);
  call(f, "GET", "/v1/registries/name/r/schemas/name/t", NULL, NULL);
  assert_error(f, 500, "InternalServerErrorException");
}

/* ------------------------------------------------------------ settings */

static void test_settings(void **state) {
  fixture *f = *state;
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(
      iatk_server_set_arn(f->srv, "eu-west-3", "000000000042", &err), IATK_OK);
  assert_int_equal(iatk_server_set_arn(f->srv, "EU", NULL, NULL), IATK_EINVAL);
  assert_int_equal(iatk_server_set_arn(f->srv, NULL, "12", NULL), IATK_EINVAL);
  assert_int_equal(call(f, "POST", "/v1/registries/name/r", NULL, NULL), 201);
  assert_string_equal(member(f, "RegistryArn"),
                      "arn:aws:schemas:eu-west-3:000000000042:registry/r");
  assert_int_equal(iatk_server_add_key(f->srv, "AKID", "s", NULL), IATK_OK);
  assert_int_equal(iatk_server_add_key(f->srv, "AKID", "s", NULL), IATK_OK);
  assert_int_equal(iatk_server_add_key(f->srv, "AKID", "t", NULL), IATK_EEXIST);
  assert_int_equal(iatk_server_add_key(f->srv, "A/B", "t", NULL), IATK_EINVAL);
  assert_int_equal(iatk_server_add_key(f->srv, "X", "", NULL), IATK_EINVAL);
  assert_int_equal(iatk_server_listen(f->srv, "1.2.3:80", NULL), IATK_EINVAL);
  assert_int_equal(iatk_server_listen(f->srv, "127.0.0.1", NULL), IATK_EINVAL);
  assert_int_equal(iatk_server_listen(f->srv, "[::1]", NULL), IATK_EINVAL);
  assert_int_equal(iatk_server_listen(f->srv, "example.com:80", NULL),
                   IATK_EINVAL);
  assert_int_equal(iatk_server_listen(f->srv, "127.0.0.1:65536", NULL),
                   IATK_EINVAL);
  assert_int_equal(iatk_server_port(f->srv), 0);
  assert_string_equal(iatk_server_url(f->srv), "");
  assert_null(iatk_server_new(NULL, NULL));
  iatk_server_free(NULL);
}

static void test_credentials_file(void **state) {
  fixture *f = *state;
  char path[128];
  snprintf(path, sizeof path, "%s/credentials", f->tmp);
  FILE *fp = fopen(path, "w");
  fputs("[default]\naws_access_key_id = AKIDONE\naws_secret_access_key = one\n"
        "region = x\n[p2]\naws_access_key_id=AKIDTWO\n"
        "aws_secret_access_key=two\naws_session_token=t\n",
        fp);
  fclose(fp);
  iatk_error err;
  iatk_error_clear(&err);
  assert_int_equal(iatk_server_add_credentials_file(f->srv, path, &err),
                   IATK_OK);
  assert_int_equal(f->srv->key_count, 2);
  /* key names in any case, as botocore reads them (FINDINGS.md, F14) */
  fp = fopen(path, "w");
  fputs("[up]\nAWS_ACCESS_KEY_ID = AKIDUP\nAws_Secret_Access_Key = up\n", fp);
  fclose(fp);
  assert_int_equal(iatk_server_add_credentials_file(f->srv, path, NULL),
                   IATK_OK);
  assert_int_equal(f->srv->key_count, 3);
  fp = fopen(path, "w");
  fputs("[half]\naws_access_key_id = AKIDHALF\n", fp);
  fclose(fp);
  iatk_error_clear(&err);
  assert_int_equal(iatk_server_add_credentials_file(f->srv, path, &err),
                   IATK_EINVAL);
  assert_non_null(strstr(err.message, "[half]"));
  fp = fopen(path, "w");
  fputs("[empty]\nregion = x\n", fp);
  fclose(fp);
  assert_int_equal(iatk_server_add_credentials_file(f->srv, path, NULL),
                   IATK_EINVAL);
  assert_int_equal(
      iatk_server_add_credentials_file(f->srv, "/nonexistent/x", NULL),
      IATK_EIO);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_url_decode),
      cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_names_checked, setup, teardown),
      cmocka_unit_test_setup_teardown(test_registries, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unstored_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_bodies, setup, teardown),
      cmocka_unit_test_setup_teardown(test_create_and_describe, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_create_checks_content, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_update, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pagination, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tokens_validated, setup, teardown),
      cmocka_unit_test_setup_teardown(test_list_schemas, setup, teardown),
      cmocka_unit_test_setup_teardown(test_damaged_tree_is_500, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
      cmocka_unit_test_setup_teardown(test_credentials_file, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
