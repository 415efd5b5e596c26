/* What the SigV4 files share: the canonical forms (sigv4_canonical.c) and
 * the signature computation (sigv4.c) that both signing and verifying run.
 * Private to lib/aws/sigv4*.c. */
#ifndef IATK_SIGV4_PRIVATE_H
#define IATK_SIGV4_PRIVATE_H

#include "aws/aws_internal.h"

#define IATK__SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define IATK__SIGV4_TERMINATOR "aws4_request"

/* One header that takes part in the signature. */
typedef struct iatk__sigv4_entry {
  char *name;        /* lower-cased copy, owned */
  const char *value; /* borrowed from the request */
  size_t order;      /* position of arrival: repeated names keep it */
} iatk__sigv4_entry;

/* The headers to sign, in arrival order until iatk__sigv4_headers_sort(). */
typedef struct iatk__sigv4_headers {
  iatk__sigv4_entry *items;
  size_t count, cap;
} iatk__sigv4_headers;

int iatk__sigv4_headers_add(iatk__sigv4_headers *h, const char *name,
                            const char *value, iatk_error *err);
void iatk__sigv4_headers_release(iatk__sigv4_headers *h);
/* Sorts by name, repeated names in arrival order (botocore's get_all). */
void iatk__sigv4_headers_sort(iatk__sigv4_headers *h);
/* Appends "a;b;c": the distinct names of a sorted set. */
void iatk__sigv4_signed_headers(iatk_buf *out, const iatk__sigv4_headers *h);

/* Whether a header name (any case) is `lower`, which is lower case. */
int iatk__sigv4_name_is(const char *name, const char *lower);

/* Everything a signature depends on, whoever computes it. */
typedef struct iatk__sigv4_input {
  const char *method;
  const char *path;             /* as on the wire; NULL or "" means "/" */
  const char *query;            /* as on the wire; NULL or "" when none */
  iatk__sigv4_headers *headers; /* sorted by iatk__sigv4_compute */
  const char *payload_hash; /* what the canonical request's last line holds */
  const char *amz_date;     /* "20150830T123600Z" */
  const char *secret_key;
  const char *region;
  const char *service;
} iatk__sigv4_input;

/* Fills out->canonical_request, string_to_sign and signature (and
 * amz_date) from `in`.  The caller releases `out` in every case. */
int iatk__sigv4_compute(const iatk__sigv4_input *in, iatk__sigv4_signature *out,
                        iatk_error *err);

/* The canonical request of `in` (sigv4_canonical.c). */
void iatk__sigv4_canonical_request(iatk_buf *out, const iatk__sigv4_input *in);

/* sigv4_time.c.  Writes `t` as "20150830T123600Z"; -1 when its year has
 * not 4 digits. */
int iatk__sigv4_amz_date(time_t t, char out[17]);
/* Reads "20150830T123600Z" (X-Amz-Date); 0, or -1 if it is not one. */
int iatk__sigv4_parse_amz_date(const char *text, time_t *out);
/* Reads an HTTP date, "Sun, 30 Aug 2015 12:36:00 GMT" (or -0000, +0000,
 * UTC); 0 or -1. */
int iatk__sigv4_parse_http_date(const char *text, time_t *out);

/* Lower-case hex SHA-256 of data[0..n). */
void iatk__sigv4_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
