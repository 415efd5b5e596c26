/* Whether event text may be edited as text (iatk__event_text_load): compact
 * JSON exactly as iatk writes it, which jansson reads and iatk writes back
 * byte for byte.  One pass, which also indexes the top-level members.
 * The text is NUL-terminated, and NUL is no byte of a valid text, so the
 * inner loops stop on it without counting. */
#include <string.h>

#include "context/event_text.h"

/* jansson refuses documents nested deeper than 2048: such an event goes to
 * the parser, which reports it as it always did. */
#define MAX_TEXT_DEPTH 2000

/* Bytes a string holds as they are: printable ASCII but '"' and '\\'. */
static const unsigned char plain[256] = {
#define R8(v) v, v, v, v, v, v, v, v
    R8(0), R8(0), R8(0), R8(0), /* 0x00-0x1f: escaped */
    1,     1,     0,     1,     1,     1, 1, 1,
    R8(1),                                      /* 0x20-0x2f: '"' is 0x22 */
    R8(1), R8(1), R8(1), R8(1), R8(1),          /* 0x30-0x57 */
    1,     1,     1,     1,     0,     1, 1, 1, /* 0x58-0x5f: '\\' is 0x5c */
    R8(1), R8(1), R8(1), R8(1),                 /* 0x60-0x7f */
#undef R8
};

typedef const unsigned char *cursor;

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int hex_lower(unsigned char c) {
  return is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* An escape as iatk writes it: the short forms, else \u00XX for the other
 * control characters (lowercase hex).  `key`: \u0000 is refused there,
 * as jansson refuses NUL in member names.  Returns the byte after it. */
static cursor canonical_escape(cursor p, int key) {
  if (p[1] && strchr("\"\\nrtbf", p[1]))
    return p + 2;
  if (p[1] != 'u' || p[2] != '0' || p[3] != '0')
    return NULL;
  int hi = hex_lower(p[4]), lo = hi < 0 ? -1 : hex_lower(p[5]);
  int c = lo < 0 ? -1 : hi * 16 + lo;
  if (c < 0 || c >= 0x20 || (c && strchr("\b\t\n\f\r", c)) || (key && c == 0))
    return NULL;
  return p + 6;
}

/* One UTF-8 sequence as jansson accepts it: shortest form, no surrogates,
 * at most U+10FFFF.  Returns the byte after it. */
static cursor utf8_sequence(cursor s) {
  unsigned c = s[0];
  size_t n = c >= 0xc2 && c <= 0xdf   ? 2
             : c >= 0xe0 && c <= 0xef ? 3
             : c >= 0xf0 && c <= 0xf4 ? 4
                                      : 0;
  for (size_t k = 1; k < n; k++) /* a NUL ends it: not a continuation */
    if ((s[k] & 0xc0) != 0x80)
      return NULL;
  if (!n || (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
      (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
    return NULL;
  return s + n;
}

/* A string from its opening quote; returns the byte after it. */
static cursor check_string(cursor p, int key) {
  for (p++;;) {
    while (plain[*p])
      p++;
    if (*p == '"')
      return p + 1;
    if (*p == '\\')
      p = canonical_escape(p, key);
    else if (*p >= 0x80)
      p = utf8_sequence(p);
    else
      return NULL; /* a control byte, or the end */
    if (!p)
      return NULL;
  }
}

/* An integer jansson reads as one and writes back the same: not "-0",
 * no leading zero, within int64. */
static int integer_fits(cursor d, size_t n, int negative) {
  if ((n > 1 && d[0] == '0') || (negative && n == 1 && d[0] == '0'))
    return 0;
  return n < 19 ||
         (n == 19 &&
          memcmp(d, negative ? "9223372036854775808" : "9223372036854775807",
                 19) <= 0);
}

static cursor check_number(cursor p) {
  int negative = *p == '-';
  cursor at = p += negative;
  while (is_digit(*p))
    p++;
  size_t n = (size_t)(p - at);
  int real = *p == '.' || *p == 'e' || *p == 'E';
  if (*p == '.' && !is_digit(*++p))
    return NULL;
  while (is_digit(*p))
    p++;
  if (*p == 'e' || *p == 'E') {
    p += p[1] == '+' || p[1] == '-';
    if (!is_digit(*++p))
      return NULL;
    while (is_digit(*p))
      p++;
  }
  if (n == 0 || (real ? n > 1 && *at == '0' : !integer_fits(at, n, negative)))
    return NULL;
  return p;
}

static cursor check_word(cursor p, const char *word, size_t n) {
  return strncmp((const char *)p, word, n) == 0 ? p + n : NULL;
}

static cursor check_value(cursor p, int depth, event_text *top);

/* Members of an object, or items of an array, from its opening byte;
 * `top` (the top level) gets the members noted. */
static cursor check_container(cursor p, int depth, event_text *top) {
  unsigned char close = *p == '{' ? '}' : ']';
  int object = close == '}';
  if (depth > MAX_TEXT_DEPTH)
    return NULL;
  if (*++p == close)
    return p + 1;
  for (cursor start = p;; start = p) {
    text_member m = {0, 0, 0, 0};
    if (object) {
      if (*p != '"' || !(p = check_string(p, 1)) || *p != ':')
        return NULL;
      m.key_len = (size_t)(p - start - 2);
      p++;
    }
    cursor value = p;
    if (!(p = check_value(p, depth, NULL)))
      return NULL;
    if (top && object) {
      const unsigned char *base = (const unsigned char *)top->text;
      event_text_add_member(
          top, (text_member){(size_t)(start - base), m.key_len,
                             (size_t)(value - base), (size_t)(p - base)});
    }
    if (*p == close)
      return p + 1;
    if (*p++ != ',')
      return NULL;
  }
}

static cursor check_value(cursor p, int depth, event_text *top) {
  switch (*p) {
  case '{':
  case '[': return check_container(p, depth + 1, top);
  case '"': return check_string(p, 0);
  case 't': return check_word(p, "true", 4);
  case 'f': return check_word(p, "false", 5);
  case 'n': return check_word(p, "null", 4);
  default: return check_number(p);
  }
}

int iatk__event_text_load(event_text *e, const char *text, size_t len) {
  e->text = text;
  e->len = len;
  e->cur = -1;
  e->failed = 0;
  e->marking = e->unreplayable = 0;
  e->mark_count = 0;
  iatk__event_text_clear_members(e);
  e->is_object = len > 0 && text[0] == '{';
  if (len == 0 || (text[0] != '{' && text[0] != '['))
    return 0; /* jansson reads only objects and arrays here */
  cursor end = check_value((cursor)text, 0, e);
  return end == (cursor)text + len && !e->failed;
}
