/* URI references resolved against a base URI (RFC 3986 section 5), as
 * "$id" and "$ref" need them.  Nothing is fetched: only the text of the
 * URIs is combined. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "document/document.h"

static size_t scheme_length(const char *uri) {
  size_t i = 0;
  if (!isalpha((unsigned char)uri[0]))
    return 0;
  while (uri[i] && (isalnum((unsigned char)uri[i]) || strchr("+-.", uri[i])))
    i++;
  return uri[i] == ':' ? i + 1 : 0;
}

static char *concat(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  char *out = malloc(alen + blen + 1);
  if (!out)
    return NULL;
  memcpy(out, a, alen);
  memcpy(out + alen, b, blen + 1);
  return out;
}

/* Drops the last segment written to out[0..*n) (RFC 3986 5.2.4 step C). */
static void drop_segment(char *out, size_t *n) {
  while (*n > 0 && out[*n - 1] != '/')
    (*n)--;
  if (*n > 0)
    (*n)--;
}

/* RFC 3986 remove_dot_segments on path[0..len), in place; returns the new
 * length.  "a/b/../c" and "a/./c" are "a/c": relative ids and refs such as
 * "./bar.json" must name the resource its id names. */
static size_t remove_dots(char *path, size_t len) {
  size_t in = 0, n = 0; /* n <= in: the output overwrites read input only */
  while (in < len) {
    const char *p = path + in;
    size_t rest = len - in;
    if (rest >= 3 && !strncmp(p, "../", 3)) {
      in += 3;
    } else if (rest >= 2 && !strncmp(p, "./", 2)) {
      in += 2;
    } else if (rest >= 3 && !strncmp(p, "/./", 3)) {
      in += 2;
    } else if (rest == 2 && !strncmp(p, "/.", 2)) {
      path[n++] = '/';
      in = len;
    } else if (rest >= 4 && !strncmp(p, "/../", 4)) {
      drop_segment(path, &n);
      in += 3;
    } else if (rest == 3 && !strncmp(p, "/..", 3)) {
      drop_segment(path, &n);
      path[n++] = '/';
      in = len;
    } else if ((rest == 1 && p[0] == '.') ||
               (rest == 2 && !strncmp(p, "..", 2))) {
      in = len;
    } else {
      do
        path[n++] = path[in++];
      while (in < len && path[in] != '/');
    }
  }
  return n;
}

/* Where the path of an absolute URI starts: after "scheme://authority", or
 * after "scheme:" (urn:...); 0 for a relative one. */
static size_t path_start(const char *uri) {
  size_t s = scheme_length(uri);
  if (s && uri[s] == '/' && uri[s + 1] == '/')
    return s + 2 + strcspn(uri + s + 2, "/?#");
  return s;
}

static char *normalize(char *uri) {
  if (!uri)
    return NULL;
  size_t start = path_start(uri), len = strcspn(uri + start, "?#");
  size_t kept = remove_dots(uri + start, len);
  memmove(uri + start + kept, uri + start + len, strlen(uri + start + len) + 1);
  return uri;
}

static char *join(const char *base, const char *ref) {
  if (scheme_length(ref))
    return strdup(ref);
  size_t doc_len = strcspn(base, "#");
  if (ref[0] == '#' || ref[0] == '\0')
    return concat(base, doc_len, ref);
  if (ref[0] == '/') {
    size_t s = scheme_length(base);
    if (s && base[s] == '/' && base[s + 1] == '/') {
      const char *path = strchr(base + s + 2, '/');
      return concat(base, path ? (size_t)(path - base) : doc_len, ref);
    }
    return strdup(ref);
  }
  size_t dir = doc_len;
  while (dir > 0 && base[dir - 1] != '/')
    dir--;
  return concat(base, dir, ref);
}

char *iatk__uri_join(const char *base, const char *ref) {
  return normalize(join(base, ref));
}
