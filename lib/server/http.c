/* The libmicrohttpd glue: one exchange per request, from its request line
 * to its completion.
 *
 *  - The request target is taken as received, from the URI log callback,
 *    and an unescape callback that changes nothing keeps MHD from decoding
 *    it: SigV4 signs the encoded path, and route.c splits it into segments
 *    before decoding each label once (see url.c).
 *  - A body is read only up to IATK__SRV_MAX_BODY: a larger
 *    Content-Length is answered 413 before any of it is read; a chunked
 *    body that grows past the limit closes the connection.
 *  - Each connection has a thread of its own, so a slow request (a put
 *    waits for fsync) never holds up the others.
 *  - Requests in flight are counted, so stopping can let them finish. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/server_internal.h"

/* Idle connections are closed after this many seconds. */
#define CONNECTION_TIMEOUT_SECONDS 30
#define MAX_CONNECTIONS 1000
/* How long stopping waits for requests in flight. */
#define STOP_GRACE_SECONDS 5
/* Longest request target shown in the log. */
#define LOG_TARGET_MAX 512

typedef struct exchange {
  iatk_server *srv;
  char *target; /* the request target as received */
  char method[16];
  struct timespec start;
  iatk_buf body;
  int started;            /* the handler has seen the headers */
  int status;             /* 0 until answered */
  const char *error_code; /* static */
} exchange;

/* ------------------------------------------------------- in-flight count */

static void flight_begin(iatk_server *srv) {
  pthread_mutex_lock(&srv->flight_lock);
  srv->in_flight++;
  pthread_mutex_unlock(&srv->flight_lock);
}

static void flight_end(iatk_server *srv) {
  pthread_mutex_lock(&srv->flight_lock);
  if (--srv->in_flight == 0)
    pthread_cond_broadcast(&srv->flight_done);
  pthread_mutex_unlock(&srv->flight_lock);
}

/* Waits until nothing is in flight, or the grace period is over. */
static void flight_wait(iatk_server *srv) {
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += STOP_GRACE_SECONDS;
  pthread_mutex_lock(&srv->flight_lock);
  int rc = 0;
  while (srv->in_flight > 0 && rc == 0)
    rc =
        pthread_cond_timedwait(&srv->flight_done, &srv->flight_lock, &deadline);
  pthread_mutex_unlock(&srv->flight_lock);
}

/* ------------------------------------------------------------ callbacks */

/* MHD_OPTION_URI_LOG_CALLBACK: the target before MHD touches it.  What
 * it returns is the exchange the other callbacks get. */
static void *on_target(void *cls, const char *uri, struct MHD_Connection *c) {
  (void)c;
  exchange *x = calloc(1, sizeof *x);
  if (x)
    x->target = iatk__strdup(uri ? uri : "");
  if (!x || !x->target) {
    free(x);
    return NULL; /* on_request then drops the connection */
  }
  x->srv = cls;
  clock_gettime(CLOCK_MONOTONIC, &x->start);
  iatk__buf_init(&x->body);
  flight_begin(x->srv);
  return x;
}

/* MHD_OPTION_UNESCAPE_CALLBACK: decode nothing (see the top). */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls, (void)c;
  return strlen(s);
}

static void log_exchange(const exchange *x) {
  char target[LOG_TARGET_MAX + 4];
  size_t n = 0;
  for (; x->target[n] && n < LOG_TARGET_MAX; n++) {
    unsigned char ch = (unsigned char)x->target[n];
    target[n] = ch > 0x20 && ch < 0x7f ? (char)ch : '?';
  }
  strcpy(target + n, x->target[n] ? "..." : "");
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double ms = (double)(now.tv_sec - x->start.tv_sec) * 1e3 +
              (double)(now.tv_nsec - x->start.tv_nsec) / 1e6;
  x->srv->log(x->method, target, x->status, x->error_code, ms,
              x->srv->log_data);
}

/* MHD_OPTION_NOTIFY_COMPLETED: answered, or the connection went away. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  exchange *x = *con_cls;
  *con_cls = NULL;
  if (!x)
    return;
  if (x->status && x->srv->log)
    log_exchange(x);
  iatk_server *srv = x->srv;
  free(x->target);
  iatk__buf_release(&x->body);
  free(x);
  flight_end(srv);
}

/* ------------------------------------------------------------- answering */

/* A request id per answer, as AWS sends in x-amzn-RequestId. */
static void request_id(char out[37]) {
  static _Thread_local iatk_rng rng;
  static _Thread_local int seeded;
  if (!seeded) {
    iatk__rng_init_fresh(&rng);
    seeded = 1;
  }
  iatk__rng_uuid4(&rng, out);
}

static enum MHD_Result queue(exchange *x, struct MHD_Connection *c,
                             iatk__srv_reply *reply) {
  size_t len = reply->body.len;
  char *data = iatk__buf_steal(&reply->body);
  struct MHD_Response *r =
      MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
  if (!r) {
    free(data);
    return MHD_NO;
  }
  char id[37];
  request_id(id);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
  MHD_add_response_header(r, "x-amzn-RequestId", id);
  if (reply->error_code)
    MHD_add_response_header(r, "x-amzn-ErrorType", reply->error_code);
  if (reply->allow[0])
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, reply->allow);
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)reply->status, r);
  MHD_destroy_response(r);
  x->status = reply->status;
  x->error_code = reply->error_code;
  return ok;
}

/* Every request header, for the SigV4 check. */
typedef struct header_list {
  iatk__http_header *items;
  size_t count, cap;
  int nomem;
} header_list;

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value) {
  (void)kind;
  header_list *l = cls;
  if (IATK_ARRAY_GROW(l->items, l->cap, l->count + 1, SIZE_MAX) != IATK_OK) {
    l->nomem = 1;
    return MHD_NO;
  }
  l->items[l->count++] = (iatk__http_header){key, value ? value : ""};
  return MHD_YES;
}

/* Answers a request whose body has arrived in full. */
static enum MHD_Result answer(exchange *x, struct MHD_Connection *c) {
  header_list headers = {NULL, 0, 0, 0};
  if (x->srv->key_count > 0)
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, &headers);
  size_t path_len = strcspn(x->target, "?");
  char *path = strndup(x->target, path_len);
  const char *query = x->target[path_len] ? x->target + path_len + 1 : NULL;
  iatk__srv_request req = {x->method,     path,          query,
                           headers.items, headers.count, x->body.data,
                           x->body.len};
  iatk__srv_reply reply;
  iatk__srv_reply_init(&reply);
  if (!path || headers.nomem)
    iatk__srv_fail(&reply, IATK__SRV_INTERNAL, "out of memory");
  else if (iatk__srv_authorize(x->srv, &req, &reply) == 0)
    iatk__srv_dispatch(x->srv, &req, &reply);
  enum MHD_Result ok = queue(x, c, &reply);
  iatk__srv_reply_release(&reply);
  free(headers.items);
  free(path);
  return ok;
}

/* The headers are in: refuse a body announced too large before reading
 * a byte of it. */
static enum MHD_Result start(exchange *x, struct MHD_Connection *c,
                             const char *method) {
  x->started = 1;
  snprintf(x->method, sizeof x->method, "%s", method);
  const char *length = MHD_lookup_connection_value(
      c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (!length || strtoull(length, NULL, 10) <= IATK__SRV_MAX_BODY)
    return MHD_YES;
  iatk__srv_reply reply;
  iatk__srv_reply_init(&reply);
  iatk__srv_fail(&reply, IATK__SRV_TOO_LARGE,
                 "the request body (%s bytes) is larger than the %u bytes "
                 "accepted",
                 length, IATK__SRV_MAX_BODY);
  enum MHD_Result ok = queue(x, c, &reply);
  iatk__srv_reply_release(&reply);
  return ok;
}

static enum MHD_Result take_body(exchange *x, const char *data, size_t *size) {
  if (*size > IATK__SRV_MAX_BODY - x->body.len)
    return MHD_NO; /* a chunked body past the limit: close */
  iatk__buf_append(&x->body, data, *size);
  *size = 0;
  return x->body.failed ? MHD_NO : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *size, void **con_cls) {
  (void)cls, (void)url, (void)version;
  exchange *x = *con_cls;
  if (!x)
    return MHD_NO;
  if (!x->started)
    return start(x, c, method);
  if (*size)
    return take_body(x, data, size);
  return answer(x, c);
}

/* ------------------------------------------------------------ start, stop */

static int socket_family(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 ? ss.ss_family
                                                            : AF_INET;
}

int iatk__srv_http_start(iatk_server *srv, int fd, iatk_error *err) {
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_ITC;
  if (socket_family(fd) == AF_INET6)
    flags |= MHD_USE_IPv6;
  srv->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET, fd,
      MHD_OPTION_URI_LOG_CALLBACK, on_target, srv, MHD_OPTION_UNESCAPE_CALLBACK,
      keep_escaped, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)IATK__SRV_MAX_HEADER_BYTES,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_SECONDS,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
      MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
  if (!srv->daemon)
    return iatk__fail(err, IATK_EIO,
                      "cannot start the HTTP server on %s (libmicrohttpd "
                      "refused)",
                      srv->url);
  return IATK_OK;
}

void iatk__srv_http_stop(iatk_server *srv) {
  if (!srv->daemon)
    return;
  /* No new connections; the listening socket comes back to us. */
  MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
  if (fd != MHD_INVALID_SOCKET)
    close(fd);
  flight_wait(srv);
  MHD_stop_daemon(srv->daemon); /* closes the socket unless quiesced */
  srv->daemon = NULL;
}
