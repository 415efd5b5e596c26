/* A growable text buffer.  Generation appends JSON text here; allocation
 * failure is sticky so hot paths need not check every append. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void iatk__buf_init(iatk_buf *b) { memset(b, 0, sizeof *b); }

void iatk__buf_init_limited(iatk_buf *b, size_t limit) {
  iatk__buf_init(b);
  b->limit = limit;
}

void iatk__buf_release(iatk_buf *b) {
  free(b->data);
  iatk__buf_init_limited(b, b->limit);
}

/* Empties the buffer for reuse, keeping its memory and its limit. */
void iatk__buf_reset(iatk_buf *b) {
  b->len = 0;
  b->failed = 0;
  if (b->data)
    b->data[0] = '\0';
}

/* Most buffers hold a short text: start there rather than grow through
 * 8, 16, 32... */
#define BUF_FIRST_CAP 256

int iatk__buf_reserve(iatk_buf *b, size_t extra) {
  if (b->failed)
    return -1;
  if (extra < b->cap - b->len || (b->cap && extra + 1 <= b->cap - b->len))
    return 0;
  size_t text_limit = b->limit ? b->limit : SIZE_MAX - 1;
  if (extra > text_limit - b->len) {
    b->failed = b->limit ? IATK_ELIMIT : IATK_ENOMEM; /* else: overflow */
    return -1;
  }
  size_t want = b->len + extra + 1; /* and the NUL */
  void *data = b->data;
  int rc = iatk__array_grow(&data, &b->cap,
                            want < BUF_FIRST_CAP ? BUF_FIRST_CAP : want, 1,
                            text_limit + 1);
  if (rc == IATK_ELIMIT) /* the first capacity is past a small limit */
    rc = iatk__array_grow(&data, &b->cap, want, 1, text_limit + 1);
  if (rc != IATK_OK) {
    b->failed = rc;
    return -1;
  }
  b->data = data;
  b->data[b->len] = '\0'; /* "NUL-terminated once reserved" */
  return 0;
}

void iatk__buf_append(iatk_buf *b, const char *s, size_t n) {
  if (iatk__buf_reserve(b, n) != 0)
    return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void iatk__buf_puts(iatk_buf *b, const char *s) {
  iatk__buf_append(b, s, strlen(s));
}

void iatk__buf_putc(iatk_buf *b, char c) { iatk__buf_append(b, &c, 1); }

void iatk__buf_printf(iatk_buf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = IATK_ENOMEM;
    return;
  }
  if ((size_t)n < sizeof small) {
    iatk__buf_append(b, small, (size_t)n);
    return;
  }
  if (iatk__buf_reserve(b, (size_t)n) != 0)
    return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

static int needs_escape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

static void put_escape(iatk_buf *b, unsigned char c) {
  static const char hex[] = "0123456789abcdef";
  switch (c) {
  case '"': iatk__buf_append(b, "\\\"", 2); return;
  case '\\': iatk__buf_append(b, "\\\\", 2); return;
  case '\n': iatk__buf_append(b, "\\n", 2); return;
  case '\r': iatk__buf_append(b, "\\r", 2); return;
  case '\t': iatk__buf_append(b, "\\t", 2); return;
  case '\b': iatk__buf_append(b, "\\b", 2); return;
  case '\f': iatk__buf_append(b, "\\f", 2); return;
  default: {
    char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    iatk__buf_append(b, u, 6);
  }
  }
}

void iatk__buf_json_string(iatk_buf *b, const char *s, size_t n) {
  iatk__buf_putc(b, '"');
  size_t run = 0; /* copy unescaped runs in one append */
  for (size_t i = 0; i < n; i++) {
    if (!needs_escape((unsigned char)s[i]))
      continue;
    iatk__buf_append(b, s + run, i - run);
    put_escape(b, (unsigned char)s[i]);
    run = i + 1;
  }
  iatk__buf_append(b, s + run, n - run);
  iatk__buf_putc(b, '"');
}

char *iatk__buf_take(iatk_buf *b, size_t *len) {
  if (b->failed) {
    iatk__buf_release(b);
    return NULL;
  }
  *len = b->len;
  return iatk__buf_steal(b);
}

char *iatk__buf_steal(iatk_buf *b) {
  char *data = b->data;
  if (!data)
    data = calloc(1, 1);
  iatk__buf_init(b);
  return data;
}
