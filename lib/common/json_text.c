/* JSON text for iatk's output: a writer for jansson values that prints
 * numbers in their shortest round-trip form (jansson always uses 17
 * digits), and an indenter that pretty-prints compact text without
 * re-reading it, so formatting never changes a number. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void iatk_buf_double(iatk_buf *out, double v) {
  if (v == floor(v) && fabs(v) < 9007199254740992.0) {
    iatk_buf_printf(out, "%.0f", v == 0 ? 0.0 : v); /* never "-0" */
    return;
  }
  char text[40];
  for (int precision = 15; precision <= 17; precision++) {
    snprintf(text, sizeof text, "%.*g", precision, v);
    if (strtod(text, NULL) == v)
      break;
  }
  iatk_buf_puts(out, text);
}

void iatk_json_write(iatk_buf *out, const json_t *v) {
  const char *key;
  json_t *child;
  size_t i;
  int first = 1;
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    iatk_buf_putc(out, '{');
    json_object_foreach((json_t *)v, key, child) {
      if (!first)
        iatk_buf_putc(out, ',');
      first = 0;
      iatk_buf_json_string(out, key, strlen(key));
      iatk_buf_putc(out, ':');
      iatk_json_write(out, child);
    }
    iatk_buf_putc(out, '}');
    return;
  case JSON_ARRAY:
    iatk_buf_putc(out, '[');
    json_array_foreach(v, i, child) {
      if (i)
        iatk_buf_putc(out, ',');
      iatk_json_write(out, child);
    }
    iatk_buf_putc(out, ']');
    return;
  case JSON_STRING:
    iatk_buf_json_string(out, json_string_value(v), json_string_length(v));
    return;
  case JSON_INTEGER:
    iatk_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return;
  case JSON_REAL: /* an integral real keeps its ".0": it was written so */
    if (json_real_value(v) == floor(json_real_value(v)) &&
        fabs(json_real_value(v)) < 1e15) {
      iatk_buf_printf(out, "%.1f", json_real_value(v));
      return;
    }
    iatk_buf_double(out, json_real_value(v));
    return;
  case JSON_TRUE: iatk_buf_puts(out, "true"); return;
  case JSON_FALSE: iatk_buf_puts(out, "false"); return;
  case JSON_NULL: iatk_buf_puts(out, "null"); return;
  }
}

static void newline(iatk_buf *out, int depth) {
  iatk_buf_putc(out, '\n');
  for (int i = 0; i < depth; i++)
    iatk_buf_append(out, "  ", 2);
}

/* Copies a string literal starting at text[i] (a '"'); returns the index
 * after its closing quote. */
static size_t copy_string(iatk_buf *out, const char *text, size_t len, size_t i) {
  size_t start = i++;
  while (i < len && text[i] != '"')
    i += text[i] == '\\' ? 2 : 1;
  iatk_buf_append(out, text + start, (i < len ? i + 1 : len) - start);
  return i + 1;
}

void iatk_json_indent(iatk_buf *out, const char *text, size_t len) {
  int depth = 0;
  for (size_t i = 0; i < len;) {
    char ch = text[i];
    if (ch == '"') {
      i = copy_string(out, text, len, i);
      continue;
    }
    i++;
    if ((ch == '{' || ch == '[') && i < len && (text[i] == '}' || text[i] == ']')) {
      iatk_buf_putc(out, ch);
      iatk_buf_putc(out, text[i++]); /* {} and [] stay on one line */
    } else if (ch == '{' || ch == '[') {
      iatk_buf_putc(out, ch);
      newline(out, ++depth);
    } else if (ch == '}' || ch == ']') {
      newline(out, --depth);
      iatk_buf_putc(out, ch);
    } else if (ch == ',') {
      iatk_buf_putc(out, ',');
      newline(out, depth);
    } else if (ch == ':') {
      iatk_buf_append(out, ": ", 2);
    } else {
      iatk_buf_putc(out, ch);
    }
  }
}

char *iatk_format_json(const char *text, size_t len, int pretty, iatk_error *err) {
  json_error_t jerr;
  json_t *doc =
      text ? json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr) : NULL;
  if (!doc) {
    iatk_fail(err, IATK_EJSON, "not valid JSON: %d:%d: %s", text ? jerr.line : 0,
              text ? jerr.column : 0, text ? jerr.text : "no text");
    return NULL;
  }
  iatk_buf compact, out;
  iatk_buf_init(&compact);
  iatk_buf_init(&out);
  iatk_json_write(&compact, doc);
  json_decref(doc);
  if (pretty)
    iatk_json_indent(&out, compact.data, compact.len);
  iatk_buf *result = pretty ? &out : &compact;
  char *final = result->failed ? NULL : iatk_buf_steal(result);
  iatk_buf_release(&compact);
  iatk_buf_release(&out);
  if (!final)
    iatk_fail(err, IATK_ENOMEM, "out of memory");
  return final;
}
