/* Shared by fuzz_sigv4 and fuzz_serve: an input read as an HTTP request,
 * so that seeds are requests as a client sends them:
 *
 *   METHOD TARGET            TARGET = path, then '?' and the query
 *   Name: value              headers, up to the first empty line
 *   ...
 *                            (empty line)
 *   body                     the rest, any bytes
 *
 * Lines end with "\n" or "\r\n".  Header names and values are C strings,
 * so a NUL ends them early (as on the wire it could not be sent); the
 * body is counted, NULs included.  Header-only on purpose, like
 * fuzz_common.h. */
#ifndef IATK_FUZZ_HTTP_H
#define IATK_FUZZ_HTTP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/aws_internal.h"

#define FUZZ_HTTP_MAX_HEADERS 32

typedef struct fuzz_http {
  char *copy; /* the input plus a NUL, cut in place; owned */
  const char *method, *path, *query; /* query NULL when there is no '?' */
  iatk__http_header headers[FUZZ_HTTP_MAX_HEADERS];
  size_t header_count;
  const char *body;
  size_t body_len;
} fuzz_http;

/* Cuts the line at *p (up to "\n" or the end) and moves *p past it; the
 * line loses a final '\r'.  NULL at the end of the text. */
static inline char *fuzz_http_line(char **p, char *end) {
  if (*p >= end)
    return NULL;
  char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
  char *stop = nl ? nl : end;
  *p = nl ? nl + 1 : end;
  *stop = '\0';
  if (stop > line && stop[-1] == '\r')
    stop[-1] = '\0';
  return line;
}

/* "Name: value": the value without the blanks after ':', as a server
 * hands it over.  A line without ':' is a header with an empty value. */
static inline void fuzz_http_header(fuzz_http *h, char *line) {
  if (h->header_count == FUZZ_HTTP_MAX_HEADERS)
    return;
  char *colon = strchr(line, ':');
  const char *value = "";
  if (colon) {
    *colon = '\0';
    value = colon + 1 + strspn(colon + 1, " \t");
  }
  h->headers[h->header_count++] = (iatk__http_header){line, value};
}

/* Reads data[0..size) into *h; 0, or -1 when out of memory. */
static inline int fuzz_http_parse(fuzz_http *h, const uint8_t *data,
                                  size_t size) {
  memset(h, 0, sizeof *h);
  h->copy = malloc(size + 1);
  if (!h->copy)
    return -1;
  memcpy(h->copy, data, size);
  h->copy[size] = '\0';
  char *p = h->copy, *end = h->copy + size;
  char *first = fuzz_http_line(&p, end);
  first = first ? first : end; /* the empty string */
  char *space = strchr(first, ' ');
  h->method = first;
  h->path = "";
  if (space) {
    *space = '\0';
    char *target = space + 1, *q = strchr(target, '?');
    if (q)
      *q = '\0', h->query = q + 1;
    h->path = target;
  }
  for (char *line; (line = fuzz_http_line(&p, end)) && *line;)
    fuzz_http_header(h, line);
  h->body = p;
  h->body_len = (size_t)(end - p);
  return 0;
}

static inline void fuzz_http_release(fuzz_http *h) {
  free(h->copy);
  h->copy = NULL;
}

/* The first value of a header (any case), or NULL. */
static inline const char *fuzz_http_get(const fuzz_http *h, const char *name) {
  for (size_t i = 0; i < h->header_count; i++)
    if (strcasecmp(h->headers[i].name, name) == 0)
      return h->headers[i].value;
  return NULL;
}

#endif
