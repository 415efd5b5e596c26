/* JSON pointers (RFC 6901), shared by $ref resolution, the validator's
 * $id index and --set, so they all decode tokens the same way. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int hex_value(char ch) {
  if (isdigit((unsigned char)ch))
    return ch - '0';
  ch = (char)tolower((unsigned char)ch);
  return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

int iatk__pointer_token(const char **p, int percent, iatk_buf *token) {
  iatk__buf_reset(token);
  iatk__buf_reserve(token, 1);
  const char *s = *p + 1; /* past the '/' */
  for (; *s && *s != '/'; s++) {
    char ch = *s;
    if (percent && ch == '%') { /* URI fragments are percent-encoded */
      int hi = hex_value(s[1]), lo = hi < 0 ? -1 : hex_value(s[2]);
      if (lo < 0)
        return -1;
      ch = (char)(hi * 16 + lo);
      s += 2;
    }
    if (ch == '~') {
      if (s[1] != '0' && s[1] != '1')
        return -1;
      ch = *++s == '0' ? '~' : '/';
    }
    iatk__buf_putc(token, ch);
  }
  *p = s;
  return token->failed ? -1 : 0;
}

long iatk__pointer_index(const char *token, size_t size) {
  if (token[0] == '-' && token[1] == '\0')
    return (long)size;
  if (!*token || (token[0] == '0' && token[1]) || strlen(token) > 9)
    return -1;
  for (const char *q = token; *q; q++)
    if (!isdigit((unsigned char)*q))
      return -1;
  return strtol(token, NULL, 10);
}

const json_t *iatk__pointer_get(const json_t *root, const char *pointer,
                                int percent) {
  iatk_buf token;
  iatk__buf_init(&token);
  const json_t *node = root;
  const char *p = pointer;
  while (node && *p == '/') {
    if (iatk__pointer_token(&p, percent, &token) != 0) {
      node = NULL;
      break;
    }
    if (json_is_object(node)) {
      node = json_object_get(node, token.data);
    } else {
      long i = json_is_array(node) ? iatk__pointer_index(token.data, (size_t)-1)
                                   : -1;
      node = i >= 0 && token.data[0] != '-' ? json_array_get(node, (size_t)i)
                                            : NULL;
    }
  }
  iatk__buf_release(&token);
  return *p ? NULL : node;
}

char *iatk__pointer_append(const char *parent, const char *key) {
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_puts(&b, parent);
  iatk__buf_putc(&b, '/');
  for (const char *p = key; *p; p++) {
    if (*p == '~')
      iatk__buf_append(&b, "~0", 2);
    else if (*p == '/')
      iatk__buf_append(&b, "~1", 2);
    else
      iatk__buf_putc(&b, *p);
  }
  if (b.failed) {
    iatk__buf_release(&b);
    return NULL;
  }
  return iatk__buf_steal(&b);
}

char *iatk__pointer_append_index(const char *parent, size_t index) {
  char key[32];
  snprintf(key, sizeof key, "%zu", index);
  return iatk__pointer_append(parent, key);
}
