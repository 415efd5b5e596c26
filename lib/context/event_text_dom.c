/* Event text as a jansson document, for the validator, without jansson's
 * parser: on a text iatk__event_text_load accepted, every value is known to be
 * well formed, so building it is a walk that creates values, where the
 * parser reads the text a character at a time (it was half of what
 * validating an event cost).  The document is the one the parser gives:
 * the same values, integers and reals told apart the same way (a '.' or
 * an exponent makes a real, read with strtod), the same escapes decoded,
 * members in the same order.  Anything unexpected (a real beyond a
 * double) gives NULL, and the caller parses instead. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "context/event_text.h"

typedef struct builder {
  const char *p;
  iatk_buf scratch; /* decoded strings that had escapes */
} builder;

static json_t *build_value(builder *b);

static int hex(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

/* The string at b->p (its opening quote): its bytes, decoded, in *s. */
static int read_string(builder *b, const char **s, size_t *n) {
  const char *start = ++b->p, *end = start;
  while (*end != '"' && *end != '\\')
    end++;
  if (*end == '"') { /* no escape: the text is the value */
    *s = start;
    *n = (size_t)(end - start);
    b->p = end + 1;
    return 0;
  }
  iatk__buf_reset(&b->scratch);
  for (const char *q = start;; q++) {
    char c = *q;
    if (c == '"') {
      b->p = q + 1;
      break;
    }
    if (c == '\\') {
      static const char from[] = "\"\\nrtbf", to[] = "\"\\\n\r\t\b\f";
      c = *++q;
      if (c == 'u') { /* \u00XX: the only \u form iatk__event_text_load takes */
        c = (char)(hex(q[3]) * 16 + hex(q[4]));
        q += 4;
      } else {
        c = to[strchr(from, c) - from];
      }
    }
    iatk__buf_putc(&b->scratch, c);
  }
  *s = b->scratch.data ? b->scratch.data : "";
  *n = b->scratch.len;
  return b->scratch.failed ? -1 : 0;
}

static json_t *build_number(builder *b) {
  const char *start = b->p, *q = start + (*start == '-');
  int real = 0;
  for (; (*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
         *q == '+' || *q == '-';
       q++)
    real |= *q == '.' || *q == 'e' || *q == 'E';
  char *end;
  errno = 0;
  json_t *v;
  if (real) {
    double d = strtod(start, &end);
    /* as the parser: an overflow is refused, an underflow read */
    v = errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL) ? NULL
                                                             : json_real(d);
  } else {
    long long i = strtoll(start, &end, 10);
    v = errno == ERANGE ? NULL : json_integer(i);
  }
  b->p = q;
  return end == q ? v : (json_decref(v), NULL);
}

static json_t *build_object(builder *b) {
  json_t *object = json_object();
  b->p++;
  while (object && *b->p != '}') {
    const char *key;
    size_t len;
    char *copy = NULL;
    if (read_string(b, &key, &len) != 0 ||
        (key == b->scratch.data && !(key = copy = strndup(key, len)))) {
      json_decref(object);
      return NULL;
    }
    b->p++; /* ':' */
    json_t *value = build_value(b);
    if (!value || json_object_setn_new_nocheck(object, key, len, value) != 0) {
      json_decref(object);
      object = NULL;
    }
    free(copy);
    b->p += *b->p == ',';
  }
  b->p++;
  return object;
}

static json_t *build_array(builder *b) {
  json_t *array = json_array();
  b->p++;
  while (array && *b->p != ']') {
    json_t *value = build_value(b);
    if (!value || json_array_append_new(array, value) != 0) {
      json_decref(array);
      array = NULL;
    }
    b->p += *b->p == ',';
  }
  b->p++;
  return array;
}

static json_t *build_value(builder *b) {
  const char *s;
  size_t n;
  switch (*b->p) {
  case '{': return build_object(b);
  case '[': return build_array(b);
  case '"':
    return read_string(b, &s, &n) == 0 ? json_stringn_nocheck(s, n) : NULL;
  case 't': b->p += 4; return json_true();
  case 'f': b->p += 5; return json_false();
  case 'n': b->p += 4; return json_null();
  default: return build_number(b);
  }
}

json_t *iatk__event_text_document(const char *text) {
  builder b = {text, {0}};
  json_t *doc = build_value(&b);
  iatk__buf_release(&b.scratch);
  return doc;
}
