/* The pieces of http.c that multi.c needs to run exchanges on a libcurl
 * multi handle instead of curl_easy_perform.  Only lib/aws includes it
 * (it pulls in curl.h, which nothing above this layer should see). */
#ifndef IATK_AWS_HTTP_PRIVATE_H
#define IATK_AWS_HTTP_PRIVATE_H

#include <curl/curl.h>

#include "aws/aws_internal.h"

/* One exchange on an easy handle: what the callbacks fill and what the
 * result is judged with.  Owned by whoever started it. */
typedef struct iatk__http_exchange {
  CURL *curl;
  struct curl_slist *headers;
  iatk__http_response *resp;
  const char *url; /* borrowed from the request, for messages */
  size_t max_response;
  int read_timeout_ms;    /* 0: none (see on_progress in http.c) */
  int64_t quiet_since_ms; /* monotonic time bytes last moved */
  curl_off_t moved;       /* bytes up and down, as last seen */
  int read_timed_out;
  int too_big;
  int nomem;
  char errbuf[CURL_ERROR_SIZE];
} iatk__http_exchange;

/* curl_global_init, once per process, thread-safe.  ENETWORK when
 * libcurl cannot start. */
int iatk__http_global_init(iatk_error *err);

/* Makes an easy handle for `req`, ready for curl_easy_perform or
 * curl_multi_add_handle.  `req`'s URL and body must outlive the
 * exchange (libcurl does not copy the body).  ENOMEM or ENETWORK (libcurl
 * did not start); on failure nothing is left to release. */
int iatk__http_exchange_start(iatk__http_exchange *x,
                              const iatk__http_request *req,
                              iatk__http_response *resp, iatk_error *err);
/* Judges a finished transfer: IATK_OK with resp->status set, or ENETWORK,
 * ELIMIT, ENOMEM, EINVAL as iatk__http_perform.  Frees the handle. */
int iatk__http_exchange_end(iatk__http_exchange *x, CURLcode rc,
                            iatk_error *err);

#endif
