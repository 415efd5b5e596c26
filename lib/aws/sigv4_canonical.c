/* SigV4's canonical request, byte for byte as botocore's SigV4Auth builds
 * it (botocore/auth.py, canonical_request()), because botocore is what
 * both our peers run: the AWS CLI signs what our server verifies, and AWS
 * accepts what botocore signs. */
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4_private.h"

/* ------------------------------------------------------- percent-encoding */

static int is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

void iatk__aws_uri_encode(iatk_buf *out, const char *s, size_t n,
                          int keep_slash) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      iatk__buf_putc(out, (char)c);
    } else {
      char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
      iatk__buf_append(out, esc, 3);
    }
  }
}

/* ------------------------------------------------------------------- path */

/* botocore.utils.remove_dot_segments: RFC 3986 5.2.4, and empty segments
 * ("//") dropped too, which AWS services want; a trailing slash survives
 * only when a segment does. */
static void remove_dot_segments(iatk_buf *out, const char *path) {
  size_t start = out->len;
  const char *p = path;
  while (*p) {
    const char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (out->len > start && out->data[out->len - 1] != '/')
        out->len--;
      if (out->len > start)
        out->len--; /* the '/' before the popped segment */
      if (out->data)
        out->data[out->len] = '\0';
    } else if (n > 0 && !(n == 1 && p[0] == '.')) {
      iatk__buf_putc(out, '/');
      iatk__buf_append(out, p, n);
    }
    p += n + (end != NULL);
  }
}

/* The canonical URI: the wire path normalised, then percent-encoded once
 * more with '/' kept (non-S3 services sign "%40" as "%2540"). */
static void canonical_path(iatk_buf *out, const char *path) {
  if (!path || !*path) { /* normalize_url_path('') is '/' */
    iatk__buf_putc(out, '/');
    return;
  }
  iatk_buf norm;
  iatk__buf_init(&norm);
  iatk__buf_reserve(&norm, strlen(path));
  remove_dot_segments(&norm, path);
  const char *kept = norm.data ? norm.data : "";
  size_t len = norm.len;
  if (path[0] == '/') {
    if (len == 0)
      kept = "/", len = 1;
  } else if (len > 0) { /* a relative path has no leading '/' */
    kept++, len--;
  }
  iatk__buf_reserve(out, 3 * len + 1);
  iatk__aws_uri_encode(out, kept, len, 1);
  if (path[strlen(path) - 1] == '/' && norm.len > 0)
    iatk__buf_putc(out, '/');
  out->failed |= norm.failed;
  iatk__buf_release(&norm);
}

/* ------------------------------------------------------------------ query */

typedef struct query_pair {
  const char *key, *value;
  size_t key_len, value_len;
} query_pair;

static int compare_span(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  if (c)
    return c;
  return an < bn ? -1 : an > bn;
}

/* Python's sorted() on (key, value) tuples of str: code point order, which
 * is the byte order of their UTF-8. */
static int compare_pairs(const void *pa, const void *pb) {
  const query_pair *a = pa, *b = pb;
  int c = compare_span(a->key, a->key_len, b->key, b->key_len);
  return c ? c : compare_span(a->value, a->value_len, b->value, b->value_len);
}

static void split_pair(query_pair *pair, const char *s, size_t n) {
  const char *eq = memchr(s, '=', n);
  pair->key = s;
  pair->key_len = eq ? (size_t)(eq - s) : n;
  pair->value = eq ? eq + 1 : s + n;
  pair->value_len = eq ? n - pair->key_len - 1 : 0;
}

/* botocore's _canonical_query_string_url: a request carries its query in
 * the URL, already encoded by the serializer, so the pairs are sorted as
 * they are, never re-encoded ("a" becomes "a=", "+" stays "+"). */
static void canonical_query(iatk_buf *out, const char *query) {
  if (!query || !*query)
    return;
  size_t count = 1;
  for (const char *p = query; *p; p++)
    count += *p == '&';
  query_pair *pairs = calloc(count, sizeof *pairs);
  if (!pairs) {
    out->failed = 1;
    return;
  }
  const char *p = query;
  for (size_t i = 0; i < count; i++) {
    size_t n = strcspn(p, "&");
    split_pair(&pairs[i], p, n);
    p += n + 1;
  }
  qsort(pairs, count, sizeof *pairs, compare_pairs);
  for (size_t i = 0; i < count; i++) {
    if (i)
      iatk__buf_putc(out, '&');
    iatk__buf_append(out, pairs[i].key, pairs[i].key_len);
    iatk__buf_putc(out, '=');
    iatk__buf_append(out, pairs[i].value, pairs[i].value_len);
  }
  free(pairs);
}

/* ---------------------------------------------------------------- headers */

/* The length of the white space character at p, 0 if there is none: what
 * Python's str.split() splits on (str.isspace), in UTF-8, since botocore
 * trims values with ' '.join(value.split()). */
static size_t space_len(const unsigned char *p) {
  if ((*p >= 0x09 && *p <= 0x0d) || (*p >= 0x1c && *p <= 0x20))
    return 1;
  if (p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
    return 2; /* U+0085, U+00A0 */
  if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
    return 3; /* U+1680 */
  if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
    return 3; /* U+3000 */
  if (p[0] != 0xe2)
    return 0;
  if (p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 ||
                       p[2] == 0xa9 || p[2] == 0xaf))
    return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
  return p[1] == 0x81 && p[2] == 0x9f ? 3 : 0; /* U+205F */
}

/* Appends `value` with white space runs collapsed to one space and none
 * at either end. */
static void append_trimmed(iatk_buf *out, const char *value) {
  const unsigned char *p = (const unsigned char *)value;
  int pending_space = 0, any = 0;
  while (*p) {
    size_t n = space_len(p);
    if (n) {
      pending_space = any;
      p += n;
      continue;
    }
    if (pending_space)
      iatk__buf_putc(out, ' ');
    pending_space = 0;
    any = 1;
    iatk__buf_putc(out, (char)*p++);
  }
}

int iatk__sigv4_name_is(const char *name, const char *lower) {
  for (; *name && *lower; name++, lower++) {
    char c = *name >= 'A' && *name <= 'Z' ? (char)(*name + 32) : *name;
    if (c != *lower)
      return 0;
  }
  return *name == *lower;
}

int iatk__sigv4_headers_add(iatk__sigv4_headers *h, const char *name,
                            const char *value, iatk_error *err) {
  if (IATK_ARRAY_GROW(h->items, h->cap, h->count + 1, SIZE_MAX) != IATK_OK)
    return iatk__fail(err, IATK_ENOMEM, "out of memory signing a request");
  char *lower = strdup(name);
  if (!lower)
    return iatk__fail(err, IATK_ENOMEM, "out of memory signing a request");
  for (char *c = lower; *c; c++) /* header names are ASCII tokens */
    if (*c >= 'A' && *c <= 'Z')
      *c = (char)(*c + 32);
  h->items[h->count] = (iatk__sigv4_entry){lower, value ? value : "", h->count};
  h->count++;
  return IATK_OK;
}

void iatk__sigv4_headers_release(iatk__sigv4_headers *h) {
  for (size_t i = 0; i < h->count; i++)
    free(h->items[i].name);
  free(h->items);
  memset(h, 0, sizeof *h);
}

static int compare_entries(const void *pa, const void *pb) {
  const iatk__sigv4_entry *a = pa, *b = pb;
  int c = strcmp(a->name, b->name);
  return c ? c : (a->order > b->order) - (a->order < b->order);
}

void iatk__sigv4_headers_sort(iatk__sigv4_headers *h) {
  if (h->count > 1)
    qsort(h->items, h->count, sizeof *h->items, compare_entries);
}

void iatk__sigv4_signed_headers(iatk_buf *out, const iatk__sigv4_headers *h) {
  for (size_t i = 0; i < h->count; i++) {
    if (i > 0 && strcmp(h->items[i].name, h->items[i - 1].name) == 0)
      continue;
    if (i > 0)
      iatk__buf_putc(out, ';');
    iatk__buf_puts(out, h->items[i].name);
  }
}

/* "name:v1,v2\n" per distinct name, repeated names joined with ','. */
static void canonical_headers(iatk_buf *out, const iatk__sigv4_headers *h) {
  for (size_t i = 0; i < h->count; i++) {
    int same = i > 0 && strcmp(h->items[i].name, h->items[i - 1].name) == 0;
    if (same) {
      iatk__buf_putc(out, ',');
    } else {
      if (i > 0)
        iatk__buf_putc(out, '\n');
      iatk__buf_puts(out, h->items[i].name);
      iatk__buf_putc(out, ':');
    }
    append_trimmed(out, h->items[i].value);
  }
}

void iatk__sigv4_canonical_request(iatk_buf *out, const iatk__sigv4_input *in) {
  for (const char *m = in->method; *m; m++) /* request.method.upper() */
    iatk__buf_putc(out, (char)(*m >= 'a' && *m <= 'z' ? *m - 32 : *m));
  iatk__buf_putc(out, '\n');
  canonical_path(out, in->path);
  iatk__buf_putc(out, '\n');
  canonical_query(out, in->query);
  iatk__buf_putc(out, '\n');
  canonical_headers(out, in->headers);
  iatk__buf_puts(out, "\n\n");
  iatk__sigv4_signed_headers(out, in->headers);
  iatk__buf_putc(out, '\n');
  iatk__buf_puts(out, in->payload_hash);
}
