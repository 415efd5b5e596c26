/* fuzz_serve: the Schemas REST API of `iatk registry serve` without a
 * socket: each request goes through what lib/server/http.c does once a
 * request is in (iatk__srv_authorize, then iatk__srv_dispatch: routing,
 * label decoding, name checks, JSON bodies, pagination tokens, the tree).
 *
 * The tree is made once per process, in a temporary directory with
 * decoys around it (as fuzz_registry's):
 *
 *   BASE/decoy.json, BASE/a/decoy.json, BASE/a/b/decoy.json
 *   BASE/a/b/tree/reg/sch/{1,2}/      JSONSchemaDraft4, then OpenApi3
 *   BASE/a/b/tree/reg/other/1/
 *   BASE/a/b/tree/aws.events/aws.s3@ObjectCreated/1/
 *
 * Input: up to 4 requests (fuzz_http.h), separated by lines "%%".  The
 * method may carry a prefix: '!' sends the request to a server that
 * checks SigV4, signed by iatk's signer now (as a client would); '~'
 * sends it there as it is.  "$NEXT" in the query becomes the NextToken of
 * the previous answer, so pages can be walked.
 *
 * Checks, for every answer:
 *  - the status is one the API has, and never 500: the tree is sound and
 *    memory plentiful, so no InternalServerErrorException is due; 501
 *    only for the DELETE operations, which the server declares unserved;
 *  - the body is valid JSON (RFC 8259, "\u0000" allowed, no repeated
 *    member); an error is {"Code": <the x-amzn-ErrorType code>,
 *    "Message": "..."} with the status of that code, a success an object;
 *    405 and only 405 comes with an Allow header;
 *  - a request signed by iatk is never refused with 403 (when its header
 *    names are ones HTTP can carry), an unsigned or re-signed one always;
 * and after each input:
 *  - nothing outside the tree changed (decoys, directories);
 *  - the tree holds only registry/schema/<number>/{meta.json,schema.json},
 *    no temporary leftovers, and is unchanged unless a write succeeded
 *    (a refused write leaves nothing behind; then it is made anew). */
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "fuzz_tree.h"
#include "fuzz_http.h"

#include "server/server_internal.h"

/* What the decoys outside the tree hold: never to be served. */
#define DECOY "{\"title\": \"decoy: never to be served\"}"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_REQUESTS 4
#define KEY_ID "AKIDFUZZSERVE"
#define KEY_SECRET "fuzz/serve/secret/key"
#define HOST "127.0.0.1:4010"

static char base[64], root[128];
static iatk_server *open_server, *keyed_server;
static iatk_buf snapshot; /* the made tree: "path size\n" lines */

static const char draft4_doc[] =
    "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"type\": "
    "\"object\", \"required\": [\"id\"], \"properties\": {\"id\": {\"type\": "
    "\"string\"}}}";
static const char openapi_doc[] =
    "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"Order\", \"version\": "
    "\"1.0.0\"}, \"paths\": {}, \"components\": {\"schemas\": {\"Order\": "
    "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": "
    "\"string\"}}}}}}";

/* ------------------------------------------------------------- the tree */

static void remove_base(void) {
  if (base[0])
    fuzz_remove_tree(base);
}

static void put(iatk_registry *reg, const char *r, const char *s,
                const char *type, const char *doc) {
  iatk_error err;
  iatk_error_clear(&err);
  if (iatk_registry_put(reg, r, s, type, doc, strlen(doc), NULL, &err) !=
      IATK_OK)
    fuzz_die("cannot make the tree: %s", err.message);
}

static void make_tree(void) {
  fuzz_remove_tree(root);
  iatk_registry *reg = iatk_registry_open(root, NULL);
  if (!reg)
    abort();
  put(reg, "reg", "sch", IATK_TYPE_JSONSCHEMA_DRAFT4, draft4_doc);
  put(reg, "reg", "sch", IATK_TYPE_OPENAPI3, openapi_doc);
  put(reg, "reg", "other", NULL, draft4_doc);
  put(reg, "aws.events", "aws.s3@ObjectCreated", IATK_TYPE_OPENAPI3,
      openapi_doc);
  iatk_registry_free(reg);
}

/* What a walk of the tree found: "path size" per entry. */
static iatk_strlist *walk_out;

static int is_number(const char *s) {
  return s[0] >= '1' && s[0] <= '9' && strspn(s, "0123456789") == strlen(s);
}

/* Depth 1 registries, 2 schemas, 3 versions (directories), 4 the two
 * files of a version: anything else was written where it must not be. */
static int walk_entry(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw) {
  const char *name = path + ftw->base;
  int dir = flag == FTW_D || flag == FTW_DP;
  int ok =
      ftw->level == 0 || (ftw->level <= 2 && dir && name[0] != '.') ||
      (ftw->level == 3 && dir && is_number(name)) ||
      (ftw->level == 4 && flag == FTW_F &&
       (strcmp(name, "meta.json") == 0 || strcmp(name, "schema.json") == 0));
  if (!ok)
    fuzz_die("the tree holds %s: not registry/schema/version/file (a write "
             "in the wrong place, or a temporary leftover)",
             path);
  char line[512];
  snprintf(line, sizeof line, "%s %lld", path + strlen(root),
           dir ? 0LL : (long long)st->st_size);
  if (iatk__strlist_push(walk_out, line) != IATK_OK)
    abort();
  return 0;
}

static int compare_lines(const char *a, const char *b) { return strcmp(a, b); }

/* The tree's entries, sorted (directory order is the file system's). */
static void walk_tree(iatk_buf *out) {
  walk_out = iatk__strlist_new();
  if (!walk_out || nftw(root, walk_entry, 16, FTW_PHYS) != 0)
    fuzz_die("cannot walk the tree %s", root);
  iatk__strlist_sort(walk_out, compare_lines);
  iatk__buf_reset(out);
  for (size_t i = 0; i < iatk_strlist_count(walk_out); i++)
    iatk__buf_printf(out, "%s\n", iatk_strlist_get(walk_out, i));
  iatk_strlist_free(walk_out);
  if (out->failed)
    abort();
}

/* BASE holds the decoys, a, a/b and the tree, nothing else. */
static void expect_only(const char *dir, const char *a, const char *b) {
  DIR *d = opendir(dir);
  if (!d)
    fuzz_die("cannot list %s", dir);
  struct dirent *e;
  int seen = 0;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (strcmp(e->d_name, a) != 0 && strcmp(e->d_name, b) != 0)
      fuzz_die("%s/%s appeared: a write outside the tree", dir, e->d_name);
    seen++;
  }
  closedir(d);
  if (seen != 2)
    fuzz_die("%s lost an entry", dir);
}

static void check_outside(void) {
  char path[256];
  expect_only(base, "a", "decoy.json");
  snprintf(path, sizeof path, "%s/a", base);
  expect_only(path, "b", "decoy.json");
  snprintf(path, sizeof path, "%s/a/b", base);
  expect_only(path, "tree", "decoy.json");
}

static iatk_server *server(int with_key) {
  iatk_registry *reg = iatk_registry_open(root, NULL);
  iatk_server *srv = reg ? iatk_server_new(reg, NULL) : NULL;
  iatk_registry_free(reg);
  if (!srv || (with_key &&
               iatk_server_add_key(srv, KEY_ID, KEY_SECRET, NULL) != IATK_OK))
    abort();
  return srv;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  snprintf(base, sizeof base, "%s/iatk-fuzz-serve-XXXXXX", fuzz_temp_dir());
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
  make_tree();
  iatk__buf_init(&snapshot);
  walk_tree(&snapshot);
  open_server = server(0);
  keyed_server = server(1);
  return 0;
}

/* ---------------------------------------------------------- one request */

typedef enum route_to { OPEN, SIGNED, UNSIGNED } route_to;

/* One request of the input, with what the harness made of it. */
typedef struct exchange {
  fuzz_http http;
  route_to to;
  char *query; /* the query with $NEXT replaced; owned */
  iatk__http_header headers[FUZZ_HTTP_MAX_HEADERS + 4];
  iatk__sigv4_signature sig;
  iatk__srv_reply reply;
  json_t *body; /* the reply's, parsed */
} exchange;

/* query with each "$NEXT" replaced by `token` ("" when none). */
static char *substitute(const char *query, const char *token) {
  if (!query)
    return NULL;
  iatk_buf b;
  iatk__buf_init(&b);
  for (const char *p = query, *at; *p; p = at + 5) {
    at = strstr(p, "$NEXT");
    if (!at) {
      iatk__buf_puts(&b, p);
      break;
    }
    iatk__buf_append(&b, p, (size_t)(at - p));
    iatk__buf_puts(&b, token ? token : "");
  }
  iatk__buf_reserve(&b, 1);
  if (b.failed)
    abort();
  return iatk__buf_steal(&b);
}

static int is_token(const char *name) {
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                              "TUVWXYZ0123456789!#$%&'*+-.^_`|~";
  return name[0] && strspn(name, chars) == strlen(name);
}

/* Whether a server must accept iatk's signature of this request: header
 * names an HTTP server can receive, no X-Amz-Content-SHA256 of its own
 * (iatk signs what it claims; the server checks it against the body). */
static int signable(const fuzz_http *h) {
  for (size_t i = 0; i < h->header_count; i++)
    if (!is_token(h->headers[i].name))
      return 0;
  return !fuzz_http_get(h, "x-amz-content-sha256");
}

/* Signs as a client does and lists the headers the server receives. */
static size_t sign(exchange *x) {
  fuzz_http *h = &x->http;
  iatk__sigv4_request req = {h->method, HOST,       h->path,
                             x->query,  h->headers, h->header_count,
                             h->body,   h->body_len};
  iatk__aws_creds creds = {(char *)KEY_ID, (char *)KEY_SECRET, NULL, 0, "fuzz"};
  iatk_error err;
  iatk_error_clear(&err);
  if (iatk__sigv4_sign(&req, &creds, "us-east-1", "schemas", time(NULL),
                       &x->sig, &err) != IATK_OK)
    fuzz_die("signing failed: %s", err.message);
  size_t n = 0;
  for (size_t i = 0; i < h->header_count; i++)
    if (strcasecmp(h->headers[i].name, "authorization") != 0 &&
        strcasecmp(h->headers[i].name, "x-amz-date") != 0)
      x->headers[n++] = h->headers[i];
  if (!fuzz_http_get(h, "host"))
    x->headers[n++] = (iatk__http_header){"Host", HOST};
  x->headers[n++] = (iatk__http_header){"X-Amz-Date", x->sig.amz_date};
  x->headers[n++] = (iatk__http_header){"Authorization", x->sig.authorization};
  return n;
}

/* What http.c's answer() does with a request whose body is in. */
static void handle(exchange *x) {
  fuzz_http *h = &x->http;
  iatk__srv_request req = {h->method,       h->path, x->query,   h->headers,
                           h->header_count, h->body, h->body_len};
  iatk_server *srv = x->to == OPEN ? open_server : keyed_server;
  if (x->to == SIGNED) {
    req.headers = x->headers;
    req.header_count = sign(x);
  }
  iatk__srv_reply_init(&x->reply);
  if (iatk__srv_authorize(srv, &req, &x->reply) == 0)
    iatk__srv_dispatch(srv, &req, &x->reply);
}

/* ------------------------------------------------------------- checks */

static const struct {
  int status;
  const char *code;
} codes[] = {
#define FUZZ_XX_CODE(id, status, code) {status, code},
    IATK__SRV_ERRORS(FUZZ_XX_CODE)
#undef FUZZ_XX_CODE
};

static int is_delete_route(const char *method) {
  return strcmp(method, "DELETE") == 0;
}

static void check_error_reply(const exchange *x) {
  const iatk__srv_reply *r = &x->reply;
  int known = 0;
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
    known |= strcmp(codes[i].code, r->error_code) == 0 &&
             codes[i].status == r->status;
  if (!known)
    fuzz_die("status %d with code %s: not a pair of the table", r->status,
             r->error_code);
  const char *code = json_string_value(json_object_get(x->body, "Code"));
  if (!code || strcmp(code, r->error_code) != 0 ||
      !json_is_string(json_object_get(x->body, "Message")) ||
      json_object_size(x->body) != 2)
    fuzz_die("error body %.*s does not match code %s", (int)r->body.len,
             r->body.data, r->error_code);
  if (r->status == 500)
    fuzz_die("InternalServerErrorException on a sound tree: %.*s",
             (int)r->body.len, r->body.data);
  if (r->status == 501 && !is_delete_route(x->http.method))
    fuzz_die("501 for %s %s", x->http.method, x->http.path);
}

static void check_reply(exchange *x) {
  const iatk__srv_reply *r = &x->reply;
  json_error_t jerr;
  x->body = json_loadb(r->body.data ? r->body.data : "", r->body.len,
                       JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  if (!x->body || !json_is_object(x->body))
    fuzz_die("status %d with a body that is not a JSON object (%s): %.*s",
             r->status, jerr.text, (int)r->body.len, r->body.data);
  if ((r->status == 405) != (r->allow[0] != '\0'))
    fuzz_die("status %d with Allow '%s'", r->status, r->allow);
  if (r->error_code)
    check_error_reply(x);
  else if (r->status != 200 && r->status != 201)
    fuzz_die("status %d without an error code", r->status);
  if (x->to == SIGNED && signable(&x->http) && r->status == 403)
    fuzz_die("a request iatk signed was refused: %.*s\n  authorization: %s",
             (int)r->body.len, r->body.data, x->sig.authorization);
  if (x->to == UNSIGNED && r->status != 403)
    fuzz_die("a request nobody signed got status %d", r->status);
}

/* ------------------------------------------------------------ the input */

/* The length of the next request of the input: up to a line "%%" (which
 * *skip passes over too), or the end. */
static size_t next_request(const uint8_t *data, size_t size, size_t *skip) {
  const uint8_t *sep = memmem(data, size, "\n%%\n", 4);
  if (!sep) {
    *skip = size;
    return size;
  }
  *skip = (size_t)(sep - data) + 4;
  return (size_t)(sep - data);
}

static route_to take_prefix(fuzz_http *h) {
  route_to to = h->method[0] == '!'   ? SIGNED
                : h->method[0] == '~' ? UNSIGNED
                                      : OPEN;
  if (to != OPEN)
    h->method++;
  return to;
}

/* Runs one request; returns 1 when it may have written to the tree. */
static int run_one(const uint8_t *data, size_t size, char **token) {
  exchange x;
  memset(&x, 0, sizeof x);
  if (fuzz_http_parse(&x.http, data, size) != 0)
    abort();
  x.to = take_prefix(&x.http);
  x.query = substitute(x.http.query, *token);
  handle(&x);
  if (fuzz_verbose())
    fprintf(stderr, "%s %s?%s -> %d %.*s\n", x.http.method, x.http.path,
            x.query ? x.query : "", x.reply.status, (int)x.reply.body.len,
            x.reply.body.data);
  check_reply(&x);
  const char *next = json_string_value(json_object_get(x.body, "NextToken"));
  free(*token);
  *token = next ? strdup(next) : NULL;
  int wrote = (strcmp(x.http.method, "POST") == 0 ||
               strcmp(x.http.method, "PUT") == 0) &&
              x.reply.status < 300;
  json_decref(x.body);
  iatk__srv_reply_release(&x.reply);
  iatk__sigv4_signature_release(&x.sig);
  free(x.query);
  fuzz_http_release(&x.http);
  return wrote;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT)
    return -1;
  char *token = NULL;
  int wrote = 0;
  size_t at = 0;
  for (int i = 0; i < MAX_REQUESTS && (at < size || i == 0); i++) {
    size_t skip, len = next_request(data + at, size - at, &skip);
    wrote |= run_one(data + at, len, &token);
    at += skip;
  }
  free(token);
  check_outside();
  iatk_buf now;
  iatk__buf_init(&now);
  walk_tree(&now);
  if (!wrote && (now.len != snapshot.len ||
                 memcmp(now.data, snapshot.data, now.len) != 0))
    fuzz_die("the tree changed without a successful write:\n%s\nwas\n%s",
             now.data, snapshot.data);
  iatk__buf_release(&now);
  if (wrote)
    make_tree();
  return 0;
}
