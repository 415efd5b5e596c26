/* The EventBridge Schemas REST API over a local registry tree
 * (lib/server/), behind `iatk registry serve`.  Not installed.
 *
 *   server.c      the public iatk_server handle: settings, start, stop
 *   keys.c        the access keys requests may be signed with
 *   listen.c      "HOST:PORT" and the listening socket
 *   http.c        libmicrohttpd glue: the raw request target, bounded
 *                 bodies, responses, in-flight accounting, the log
 *   auth.c        SigV4 verification of a request
 *   route.c       the operation table and dispatch
 *   url.c         percent-decoding of path labels and query parameters
 *   reply.c       AWS responses and error shapes, iatk codes -> AWS errors
 *   body.c        request bodies: JSON members, what the tree cannot store
 *   page.c        limits and opaque, validated pagination tokens
 *   registries.c  ListRegistries, DescribeRegistry, CreateRegistry,
 *                 UpdateRegistry
 *   schemas.c     ListSchemas, DescribeSchema, CreateSchema, UpdateSchema
 *   versions.c    ListSchemaVersions
 *
 * Everything below http.c works on plain structs (a request in, a reply
 * out), so the API can be tested without a socket. */
#ifndef IATK_SERVER_INTERNAL_H
#define IATK_SERVER_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/aws_internal.h"
#include "common/internal.h"

/* Largest request body read; a larger one is refused (413) from its
 * Content-Length before any of it is read. */
#define IATK__SRV_MAX_BODY (1024u * 1024u)
/* Largest schema Content, in characters, as the service model says. */
#define IATK__SRV_MAX_CONTENT_CHARS 100000u
/* Per-connection memory for the request line and headers: a longer URL
 * or header block is refused by libmicrohttpd (414 / 431). */
#define IATK__SRV_MAX_HEADER_BYTES (64u * 1024u)
/* How far a signed request's X-Amz-Date may be from the server's clock. */
#define IATK__SRV_MAX_SKEW_SECONDS 300
/* Items per page when the request sets no limit, and the most it may ask. */
#define IATK__SRV_PAGE_DEFAULT 100
#define IATK__SRV_PAGE_MAX 100

/* ------------------------------------------------------------- the handle */

typedef struct iatk__srv_key {
  char *id;
  char *secret;
} iatk__srv_key;

struct iatk_server {
  char *root;             /* the registry tree; each request opens its own
                            * iatk_registry on it */
  char *region, *account; /* ARNs */
  iatk__srv_key *keys;    /* verify SigV4 when key_count > 0 */
  size_t key_count;
  unsigned char token_key[32]; /* HMAC key of pagination tokens */
  iatk_server_log_fn log;
  void *log_data;
  /* Creates and updates check, then write: serialised so two requests of
   * this server cannot both create the same schema. */
  pthread_mutex_t write_lock;
  /* Requests between their first byte and their completion, for a
   * shutdown that lets them finish. */
  pthread_mutex_t flight_lock;
  pthread_cond_t flight_done;
  unsigned in_flight;
  struct MHD_Daemon *daemon;
  int port;
  char url[80]; /* "http://127.0.0.1:4010" */
};

/* ------------------------------------------------------------ errors */

/* The errors the server answers with: XX(ID, HTTP status, AWS code).
 * The SigV4 ones are what AWS sends for a request it cannot
 * authenticate: all 403 with the code in x-amzn-ErrorType. */
#define IATK__SRV_ERRORS(XX)                                                   \
  XX(BAD_REQUEST, 400, "BadRequestException")                                  \
  XX(NOT_FOUND, 404, "NotFoundException")                                      \
  XX(CONFLICT, 409, "ConflictException")                                       \
  XX(UNKNOWN_OPERATION, 404, "UnknownOperationException")                      \
  XX(METHOD_NOT_ALLOWED, 405, "MethodNotAllowedException")                     \
  XX(TOO_LARGE, 413, "RequestEntityTooLargeException")                         \
  XX(INTERNAL, 500, "InternalServerErrorException")                            \
  XX(NOT_IMPLEMENTED, 501, "NotImplementedException")                          \
  XX(MISSING_TOKEN, 403, "MissingAuthenticationTokenException")                \
  XX(INCOMPLETE_SIGNATURE, 403, "IncompleteSignatureException")                \
  XX(UNRECOGNIZED_CLIENT, 403, "UnrecognizedClientException")                  \
  XX(INVALID_SIGNATURE, 403, "InvalidSignatureException")

typedef enum iatk__srv_error {
#define IATK__XX_SRV_ENUM(id, status, code) IATK__SRV_##id,
  IATK__SRV_ERRORS(IATK__XX_SRV_ENUM)
#undef IATK__XX_SRV_ENUM
      IATK__SRV_ERROR_COUNT
} iatk__srv_error;

/* ------------------------------------------------------ request and reply */

/* A request as received.  Strings are borrowed. */
typedef struct iatk__srv_request {
  const char *method;
  const char *path;  /* as on the wire: percent-encoded */
  const char *query; /* as on the wire, without '?'; NULL when none */
  const iatk__http_header *headers; /* every header, for SigV4 */
  size_t header_count;
  const char *body;
  size_t body_len;
} iatk__srv_request;

/* The answer.  The first failure wins, like iatk_error. */
typedef struct iatk__srv_reply {
  int status;             /* 0 until something is decided */
  const char *error_code; /* static AWS code; NULL on success */
  iatk_buf body;          /* JSON */
  char allow[48];         /* the Allow header of a 405, else "" */
} iatk__srv_reply;

void iatk__srv_reply_init(iatk__srv_reply *r);
void iatk__srv_reply_release(iatk__srv_reply *r);
/* Answers error `id` with a message (AWS's {"Code", "Message"} body). */
void iatk__srv_fail(iatk__srv_reply *r, iatk__srv_error id, const char *fmt,
                    ...) IATK_PRINTF(3, 4);
/* The error whose AWS code is `code` (a SigV4 code), INTERNAL if none. */
iatk__srv_error iatk__srv_error_named(const char *code);
/* Answers `status` with `body` (stolen; NULL means out of memory). */
void iatk__srv_ok(iatk__srv_reply *r, int status, json_t *body);

/* One operation's view of a request: what the route decoded. */
typedef struct iatk__srv_call {
  iatk_server *srv;
  iatk_registry *reg;   /* a handle of this request's own */
  const char *registry; /* path labels, decoded and checked; NULL if none */
  const char *schema;
  const char *query; /* raw */
  const char *body;
  size_t body_len;
} iatk__srv_call;

/* Answers an error of the registry library with the AWS error it means
 * (iatk_code -> AWS table in reply.c). */
void iatk__srv_fail_iatk(iatk__srv_reply *r, const iatk__srv_call *call,
                         const iatk_error *err);

typedef void (*iatk__srv_handler)(iatk__srv_call *call, iatk__srv_reply *reply);

/* ---------------------------------------------------------------- route.c */

/* Routes a request to its operation and answers it. */
void iatk__srv_dispatch(iatk_server *srv, const iatk__srv_request *req,
                        iatk__srv_reply *reply);

/* ----------------------------------------------------------------- url.c */

/* Appends s[0..n) percent-decoded, once.  -1 for a malformed escape or a
 * decoded NUL (no name may hold one); `out` then holds garbage. */
int iatk__srv_url_decode(const char *s, size_t n, iatk_buf *out);
/* The first query parameter called `name` (compared after decoding),
 * decoded into *value (caller frees).  1 found, 0 absent, -1 malformed. */
int iatk__srv_query_get(const char *query, const char *name, char **value);

/* ---------------------------------------------------------------- auth.c */

/* 0 when the server verifies nothing or the request's SigV4 signature is
 * good; else fills `reply` with the error AWS would send and returns -1. */
int iatk__srv_authorize(const iatk_server *srv, const iatk__srv_request *req,
                        iatk__srv_reply *reply);

/* ---------------------------------------------------------------- body.c */

/* The body as a JSON object ({} when empty), or NULL after answering
 * BadRequestException.  Caller decrefs. */
json_t *iatk__srv_body_object(const iatk__srv_call *call,
                              iatk__srv_reply *reply);
/* A string member: 1 present (*out borrowed, *len its bytes), 0 absent or
 * null, -1 another type (BadRequestException answered). */
int iatk__srv_body_string(const json_t *body, const char *member,
                          const char **out, size_t *len,
                          iatk__srv_reply *reply);
/* Refuses a non-empty Description or tags, which the local tree does not
 * store: 0, or -1 after answering BadRequestException. */
int iatk__srv_body_refuse_unstored(const json_t *body, iatk__srv_reply *reply);

/* ---------------------------------------------------------------- page.c */

/* One listing to page through: sorted `names`, those `keep` accepts. */
typedef struct iatk__srv_listing {
  const char *scope;  /* the operation and its filters: a token is
                         * valid only for the listing that issued it */
  const char *member; /* "Registries", "Schemas", "SchemaVersions" */
  const iatk_strlist *names;
  int (*cmp)(const char *a, const char *b); /* the list's order */
  int (*keep)(const char *name, void *ctx); /* NULL keeps all */
  /* Appends the item for `name` to `items`: 0, or -1 after failing reply. */
  int (*emit)(iatk__srv_call *call, const char *name, json_t *items, void *ctx,
              iatk__srv_reply *reply);
  void *ctx;
} iatk__srv_listing;

/* Reads limit and nextToken from the query and answers one page:
 * {"<member>": [...], "NextToken": "..."} (NextToken only when more
 * items follow). */
void iatk__srv_page(iatk__srv_call *call, const iatk__srv_listing *listing,
                    iatk__srv_reply *reply);

/* ---------------------------------------------------- response members */

/* Sets obj[member] to the ARN of a registry (schema NULL) or schema. */
int iatk__srv_set_arn(json_t *obj, const char *member, const iatk_server *srv,
                      const char *registry, const char *schema);
/* Sets obj[member] to an instant as AWS writes it ("2024-01-02T03:04:05Z"). */
int iatk__srv_set_time(json_t *obj, const char *member, int64_t epoch_us);
/* Sets obj[member] to len bytes of text: -1 when they are not UTF-8. */
int iatk__srv_set_text(json_t *obj, const char *member, const char *text,
                       size_t len);

/* --------------------------------------------------------------- handlers */

void iatk__srv_list_registries(iatk__srv_call *call, iatk__srv_reply *reply);
void iatk__srv_describe_registry(iatk__srv_call *call, iatk__srv_reply *reply);
void iatk__srv_create_registry(iatk__srv_call *call, iatk__srv_reply *reply);
void iatk__srv_update_registry(iatk__srv_call *call, iatk__srv_reply *reply);
void iatk__srv_list_schemas(iatk__srv_call *call, iatk__srv_reply *reply);
void iatk__srv_describe_schema(iatk__srv_call *call, iatk__srv_reply *reply);
void iatk__srv_create_schema(iatk__srv_call *call, iatk__srv_reply *reply);
void iatk__srv_update_schema(iatk__srv_call *call, iatk__srv_reply *reply);
void iatk__srv_list_schema_versions(iatk__srv_call *call,
                                    iatk__srv_reply *reply);

/* -------------------------------------------------------------- listen.c */

/* Parses "HOST:PORT" (HOST an IPv4 literal, "[IPv6]", "localhost" or
 * empty for 127.0.0.1) and opens a listening, non-blocking socket on it;
 * *fd is its descriptor, *port the port bound (useful with port 0). */
int iatk__srv_listen_socket(const char *address, int *fd, int *port,
                            char url[80], iatk_error *err);

/* ---------------------------------------------------------------- http.c */

/* Starts libmicrohttpd on the listening socket `fd`, which it takes in
 * every case: MHD closes it when it stops, and on most of its own failure
 * paths too, so the caller must not close it even after a failure (at
 * worst a failed start leaks it). */
int iatk__srv_http_start(iatk_server *srv, int fd, iatk_error *err);
/* Stops accepting, lets in-flight requests finish (bounded), stops. */
void iatk__srv_http_stop(iatk_server *srv);

#endif
