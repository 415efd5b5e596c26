/* Percent-decoding, done here exactly once per label or parameter.
 *
 * libmicrohttpd would decode the whole path before anyone sees it, which
 * loses two things: the path as sent, which SigV4 signs, and the
 * boundaries between segments ("..%2Fx" would become "../x", one segment
 * looking like two).  So the server keeps MHD from decoding anything, and
 * the route splits the raw path on '/' first and decodes each label
 * after.  A decoded label is then checked with the tree's own naming
 * rules, so "..", '/' and NUL never reach the file system. */
#include <string.h>

#include "server/server_internal.h"

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int iatk__srv_url_decode(const char *s, size_t n, iatk_buf *out) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '%') {
      if (n - i < 3)
        return -1;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0)
        return -1;
      c = (char)(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0')
      return -1;
    iatk__buf_putc(out, c);
  }
  return out->failed ? -1 : 0;
}

/* Decodes query[0..n) into a fresh string; NULL when malformed. */
static char *decode_part(const char *s, size_t n) {
  iatk_buf buf;
  iatk__buf_init(&buf);
  iatk__buf_reserve(&buf, n);
  if (iatk__srv_url_decode(s, n, &buf) != 0 || buf.failed) {
    iatk__buf_release(&buf);
    return NULL;
  }
  return iatk__buf_steal(&buf);
}

/* Whether the parameter query[0..n) ("name" or "name=value") is `name`;
 * sets *value_at to where its value starts (or NULL). */
static int is_param(const char *p, size_t n, const char *name,
                    const char **value_at, int *malformed) {
  const char *eq = memchr(p, '=', n);
  size_t name_len = eq ? (size_t)(eq - p) : n;
  char *decoded = decode_part(p, name_len);
  if (!decoded) {
    *malformed = 1;
    return 0;
  }
  int same = strcmp(decoded, name) == 0;
  iatk_free(decoded);
  *value_at = eq ? eq + 1 : NULL;
  return same;
}

int iatk__srv_query_get(const char *query, const char *name, char **value) {
  *value = NULL;
  for (const char *p = query; p && *p;) {
    size_t n = strcspn(p, "&");
    const char *at = NULL;
    int malformed = 0;
    if (n > 0 && is_param(p, n, name, &at, &malformed)) {
      size_t len = at ? n - (size_t)(at - p) : 0;
      *value = decode_part(at ? at : "", len);
      return *value ? 1 : -1;
    }
    if (malformed)
      return -1;
    p += n + (p[n] == '&');
  }
  return 0;
}
