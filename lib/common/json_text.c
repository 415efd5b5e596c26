/* JSON text for iatk's output: a writer for jansson values that prints
 * numbers in their shortest round-trip form (jansson always uses 17
 * digits), and an indenter that pretty-prints compact text without
 * re-reading it, so formatting never changes a number. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void iatk__buf_double(iatk_buf *out, double v) {
  if (v == floor(v) && fabs(v) < 9007199254740992.0) {
    iatk__buf_printf(out, "%.0f", v == 0 ? 0.0 : v); /* never "-0" */
    return;
  }
  char text[40];
  for (int precision = 15; precision <= 17; precision++) {
    snprintf(text, sizeof text, "%.*g", precision, v);
    if (strtod(text, NULL) == v)
      break;
  }
  iatk__buf_puts(out, text);
}

void iatk__json_write(iatk_buf *out, const json_t *v) {
  const char *key;
  json_t *child;
  size_t i;
  int first = 1;
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    iatk__buf_putc(out, '{');
    json_object_foreach((json_t *)v, key, child) {
      if (!first)
        iatk__buf_putc(out, ',');
      first = 0;
      iatk__buf_json_string(out, key, strlen(key));
      iatk__buf_putc(out, ':');
      iatk__json_write(out, child);
    }
    iatk__buf_putc(out, '}');
    return;
  case JSON_ARRAY:
    iatk__buf_putc(out, '[');
    json_array_foreach(v, i, child) {
      if (i)
        iatk__buf_putc(out, ',');
      iatk__json_write(out, child);
    }
    iatk__buf_putc(out, ']');
    return;
  case JSON_STRING:
    iatk__buf_json_string(out, json_string_value(v), json_string_length(v));
    return;
  case JSON_INTEGER:
    iatk__buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return;
  case JSON_REAL: /* an integral real keeps its ".0": it was written so */
    if (json_real_value(v) == floor(json_real_value(v)) &&
        fabs(json_real_value(v)) < 1e15) {
      iatk__buf_printf(out, "%.1f", json_real_value(v));
      return;
    }
    iatk__buf_double(out, json_real_value(v));
    return;
  case JSON_TRUE: iatk__buf_puts(out, "true"); return;
  case JSON_FALSE: iatk__buf_puts(out, "false"); return;
  case JSON_NULL: iatk__buf_puts(out, "null"); return;
  }
}

/* Appends to text being indented: a copy when the buffer has room, which
 * it mostly has (iatk__json_indent reserves first); the NUL is written at
 * the end. */
static inline void put(iatk_buf *out, const char *s, size_t n) {
  if (out->cap - out->len > n) {
    memcpy(out->data + out->len, s, n);
    out->len += n;
  } else {
    iatk__buf_append(out, s, n);
  }
}

/* A newline and the indentation of `depth` levels, a line of spaces at a
 * time. */
#define INDENT_CHUNK 64
static void newline(iatk_buf *out, int depth) {
  static const char line[] = "\n" /* and 64 spaces */
                             "                                "
                             "                                ";
  _Static_assert(sizeof line == 1 + INDENT_CHUNK + 1, "a newline, 64 spaces");
  size_t n = depth > 0 ? 2 * (size_t)depth : 0;
  size_t chunk = n < INDENT_CHUNK ? n : INDENT_CHUNK;
  put(out, line, 1 + chunk);
  for (n -= chunk; n > 0; n -= chunk) {
    chunk = n < INDENT_CHUNK ? n : INDENT_CHUNK;
    put(out, line + 1, chunk);
  }
}

/* The index of the quote closing the string literal that opens at
 * text[i], or len: the next '"' not escaped (an even run of backslashes
 * before it), found with memchr rather than a byte at a time. */
static size_t string_end(const char *text, size_t len, size_t i) {
  size_t from = i + 1;
  for (;;) {
    const char *q = memchr(text + from, '"', len - from);
    if (!q)
      return len;
    size_t at = (size_t)(q - text), backslashes = 0;
    while (at - backslashes > i + 1 && text[at - backslashes - 1] == '\\')
      backslashes++;
    if (backslashes % 2 == 0)
      return at;
    from = at + 1;
  }
}

/* Copies a string literal starting at text[i] (a '"'); returns the index
 * after its closing quote. */
static size_t copy_string(iatk_buf *out, const char *text, size_t len,
                          size_t i) {
  size_t end = string_end(text, len, i);
  put(out, text + i, (end < len ? end + 1 : len) - i);
  return end + 1;
}

void iatk__json_indent(iatk_buf *out, const char *text, size_t len) {
  /* room for most small events at once (indenting about doubles them);
   * larger ones grow as they are written, never reserving far beyond */
  if (iatk__buf_reserve(out, len < 65536 ? 2 * len : len + len / 2) != 0)
    return;
  int depth = 0;
  for (size_t i = 0; i < len;) {
    char ch = text[i];
    if (ch == '"') {
      i = copy_string(out, text, len, i);
      continue;
    }
    i++;
    if ((ch == '{' || ch == '[') && i < len &&
        (text[i] == '}' || text[i] == ']')) {
      put(out, text + i - 1, 2); /* {} and [] stay on one line */
      i++;
    } else if (ch == '{' || ch == '[') {
      put(out, &ch, 1);
      newline(out, ++depth);
    } else if (ch == '}' || ch == ']') {
      newline(out, --depth);
      put(out, &ch, 1);
    } else if (ch == ',') {
      put(out, ",", 1);
      newline(out, depth);
    } else if (ch == ':') {
      put(out, ": ", 2);
    } else { /* a number or literal: up to the next structural byte */
      size_t start = i - 1;
      while (i < len && !strchr("\"{}[],:", text[i]))
        i++;
      put(out, text + start, i - start);
    }
  }
  if (!out->failed)
    out->data[out->len] = '\0';
}

/* Compact text as written: whitespace outside strings dropped.  For text
 * with integers beyond int64, whose digits a jansson round trip would
 * round to a double. */
static void strip_whitespace(iatk_buf *out, const char *text, size_t len) {
  for (size_t i = 0; i < len;) {
    if (text[i] == '"')
      i = copy_string(out, text, len, i);
    else if (strchr(" \t\r\n", text[i]) && text[i])
      i++;
    else
      iatk__buf_putc(out, text[i++]);
  }
}

char *iatk_format_json(const char *text, size_t len, int pretty,
                       iatk_error *err) {
  json_error_t jerr;
  iatk_wide_ints wide = {0};
  json_t *doc =
      text ? iatk__json_read(text, len, JSON_DECODE_ANY, &jerr, &wide) : NULL;
  if (!doc) {
    iatk__wide_ints_release(&wide);
    iatk__fail(err, IATK_EJSON, "not valid JSON: %d:%d: %s",
               text ? jerr.line : 0, text ? jerr.column : 0,
               text ? jerr.text : "no text");
    return NULL;
  }
  iatk_buf compact, out;
  iatk__buf_init(&compact);
  iatk__buf_init(&out);
  if (wide.count)
    strip_whitespace(&compact, text, len);
  else
    iatk__json_write(&compact, doc);
  json_decref(doc);
  iatk__wide_ints_release(&wide);
  if (pretty)
    iatk__json_indent(&out, compact.data, compact.len);
  iatk_buf *result = pretty ? &out : &compact;
  char *final = result->failed ? NULL : iatk__buf_steal(result);
  iatk__buf_release(&compact);
  iatk__buf_release(&out);
  if (!final)
    iatk__fail(err, IATK_ENOMEM, "out of memory");
  return final;
}
