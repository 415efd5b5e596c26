/* One HTTP exchange with libcurl's easy interface.  No retries here (that
 * is request.c's job), no redirects (AWS answers never need one, and a
 * signed request must not wander), libcurl's own proxy variables left on
 * (http_proxy, https_proxy, no_proxy), as the SDKs honour them too. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/http_private.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe in every libcurl we may meet. */
static void init_curl(void) {
  curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef iatk__http_exchange exchange;

static size_t on_body(char *data, size_t size, size_t n, void *user) {
  exchange *x = user;
  size_t len = size * n;
  if (len > x->max_response - x->resp->body.len) {
    x->too_big = 1;
    return 0;
  }
  iatk__buf_append(&x->resp->body, data, len);
  if (x->resp->body.failed) {
    x->nomem = 1;
    return 0;
  }
  return len;
}

/* Keeps the header lines of the last response only: a "100 Continue" or a
 * proxy's CONNECT answer comes first and starts with its own status line. */
static size_t on_header(char *data, size_t size, size_t n, void *user) {
  exchange *x = user;
  size_t len = size * n, keep = len;
  while (keep > 0 && (data[keep - 1] == '\r' || data[keep - 1] == '\n'))
    keep--;
  if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
    iatk_strlist_free(x->resp->headers);
    x->resp->headers = iatk__strlist_new();
    if (!x->resp->headers)
      x->nomem = 1;
    return x->nomem ? 0 : len;
  }
  if (keep == 0 || !x->resp->headers)
    return len;
  char *line = strndup(data, keep);
  if (!line || iatk__strlist_push(x->resp->headers, line) != IATK_OK)
    x->nomem = 1;
  free(line);
  return x->nomem ? 0 : len;
}

/* The host[:port] of a URL, without any user:password@, for messages. */
static void url_host(const char *url, char *out, size_t size) {
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  size_t n = strcspn(p, "/?#");
  const char *at = memchr(p, '@', n);
  if (at) {
    n -= (size_t)(at + 1 - p);
    p = at + 1;
  }
  iatk__copy_elided(out, size, p, n);
}

static struct curl_slist *build_headers(const iatk__http_request *req) {
  struct curl_slist *list = NULL, *next;
  int has_type = 0;
  iatk_buf line;
  iatk__buf_init(&line);
  for (size_t i = 0; i < req->header_count; i++) {
    iatk__buf_reset(&line);
    iatk__buf_printf(&line, "%s: %s", req->headers[i].name,
                     req->headers[i].value);
    has_type |= strcasecmp(req->headers[i].name, "Content-Type") == 0;
    if (line.failed || !(next = curl_slist_append(list, line.data)))
      goto fail;
    list = next;
  }
  /* No "Expect: 100-continue" round trip, and no Content-Type curl would
   * make up for a POST body. */
  if (!(next = curl_slist_append(list, "Expect:")))
    goto fail;
  list = next;
  if (!has_type && req->body_len) {
    if (!(next = curl_slist_append(list, "Content-Type:")))
      goto fail;
    list = next;
  }
  iatk__buf_release(&line);
  return list;
fail:
  iatk__buf_release(&line);
  curl_slist_free_all(list);
  return NULL;
}

static void set_method(CURL *curl, const iatk__http_request *req) {
  const char *m = req->method ? req->method : "GET";
  const char *body = req->body ? req->body : "";
  if (strcmp(m, "GET") == 0 && !req->body_len) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (strcmp(m, "HEAD") == 0) {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  if (strcmp(m, "POST") != 0)
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m);
  /* A body, even an empty one, so PUT and POST send Content-Length. */
  if (req->body_len || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t)req->body_len);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
  }
}

static int64_t monotonic_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* libcurl has no read timeout (its low-speed check averages over seconds
 * of a small request's upload), so the exchange ends here when no byte
 * has moved for read_timeout_ms: connected, and no answer coming. */
static int on_progress(void *data, curl_off_t dl_total, curl_off_t dl_now,
                       curl_off_t ul_total, curl_off_t ul_now) {
  (void)dl_total;
  (void)ul_total;
  exchange *x = data;
  int64_t now = monotonic_ms();
  if (dl_now + ul_now != x->moved || x->quiet_since_ms == 0) {
    x->moved = dl_now + ul_now;
    x->quiet_since_ms = now;
    return 0;
  }
  x->read_timed_out = now - x->quiet_since_ms >= x->read_timeout_ms;
  return x->read_timed_out;
}

static void set_options(CURL *curl, const iatk__http_request *req,
                        exchange *x) {
  curl_easy_setopt(curl, CURLOPT_URL, req->url);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM */
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "iatk/" IATK_VERSION_STRING);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, x->headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, x);
  curl_easy_setopt(curl, CURLOPT_PRIVATE, x);
  if (req->connect_timeout_ms > 0)
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)req->connect_timeout_ms);
  if (req->timeout_ms > 0)
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
  if (req->read_timeout_ms > 0) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, x);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  if (req->ca_bundle)
    curl_easy_setopt(curl, CURLOPT_CAINFO, req->ca_bundle);
  set_method(curl, req);
}

static int curl_failure(CURLcode rc, const exchange *x, iatk_error *err) {
  char host[256];
  url_host(x->url, host, sizeof host);
  const char *why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
  if (x->too_big)
    return iatk__fail(err, IATK_ELIMIT,
                      "the answer from %s is larger than "
                      "%zu bytes",
                      host, x->max_response);
  if (x->nomem || rc == CURLE_OUT_OF_MEMORY)
    return iatk__fail(err, IATK_ENOMEM, "out of memory reading from %s", host);
  if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
    return iatk__fail(err, IATK_EINVAL, "cannot use URL for %s: %s", host, why);
  if (x->read_timed_out)
    return iatk__fail(err, IATK_ENETWORK, "no answer from %s within %d s", host,
                      (x->read_timeout_ms + 999) / 1000);
  return iatk__fail(err, IATK_ENETWORK, "cannot reach %s: %s", host, why);
}

int iatk__http_global_init(iatk_error *err) {
  pthread_once(&curl_once, init_curl);
  if (curl_init_result != CURLE_OK)
    return iatk__fail(err, IATK_ENETWORK, "libcurl could not start: %s",
                      curl_easy_strerror(curl_init_result));
  return IATK_OK;
}

int iatk__http_exchange_start(exchange *x, const iatk__http_request *req,
                              iatk__http_response *resp, iatk_error *err) {
  memset(x, 0, sizeof *x);
  memset(resp, 0, sizeof *resp);
  iatk__buf_init(&resp->body);
  if (iatk__http_global_init(err) != IATK_OK)
    return IATK_ENETWORK;
  x->curl = curl_easy_init();
  x->headers = x->curl ? build_headers(req) : NULL;
  if (!x->curl || !x->headers) {
    curl_easy_cleanup(x->curl);
    x->curl = NULL;
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  x->resp = resp;
  x->url = req->url;
  x->max_response = req->max_response ? req->max_response : SIZE_MAX;
  x->read_timeout_ms = req->read_timeout_ms;
  set_options(x->curl, req, x);
  return IATK_OK;
}

int iatk__http_exchange_end(exchange *x, CURLcode rc, iatk_error *err) {
  if (rc == CURLE_OK && !x->nomem)
    curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->resp->status);
  long request_bytes = 0; /* the request's headers, once written out */
  if (curl_easy_getinfo(x->curl, CURLINFO_REQUEST_SIZE, &request_bytes) ==
      CURLE_OK)
    x->resp->sent = request_bytes > 0;
  int result = rc == CURLE_OK && !x->nomem ? IATK_OK : curl_failure(rc, x, err);
  curl_slist_free_all(x->headers);
  curl_easy_cleanup(x->curl);
  x->headers = NULL;
  x->curl = NULL;
  return result;
}

int iatk__http_perform(const iatk__http_request *req, iatk__http_response *resp,
                       iatk_error *err) {
  exchange x;
  int rc = iatk__http_exchange_start(&x, req, resp, err);
  if (rc != IATK_OK)
    return rc;
  return iatk__http_exchange_end(&x, curl_easy_perform(x.curl), err);
}

const char *iatk__http_header_get(const iatk__http_response *resp,
                                  const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < iatk_strlist_count(resp->headers); i++) {
    const char *line = iatk_strlist_get(resp->headers, i);
    if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
      line += n + 1;
      return line + strspn(line, " \t");
    }
  }
  return NULL;
}

void iatk__http_response_release(iatk__http_response *resp) {
  if (!resp)
    return;
  iatk__buf_release(&resp->body);
  iatk_strlist_free(resp->headers);
  resp->headers = NULL;
  resp->status = 0;
}
