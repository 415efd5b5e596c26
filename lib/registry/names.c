/* Naming rules of the local registry tree.  Every registry, schema and
 * version name becomes one path component, so these rules are what keeps
 * every path inside the tree: no '/', no '\\', no NUL, no "..", nothing
 * hidden.  They follow the EventBridge schema registry's character set. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "registry/registry_internal.h"

/* Shown characters of a name in a message; longer names end in "...". */
#define DISPLAY_CHARS 80

/* ASCII only, on purpose: isalnum() would follow the locale. */
static int allowed_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '@';
}

void iatk__registry_display(const char *name,
                            char out[IATK_REGISTRY_DISPLAY_SIZE]) {
  size_t o = 0, i = 0;
  /* Each shown byte takes at most 4 characters, so out cannot overflow. */
  for (; name[i] && i < DISPLAY_CHARS; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c == '\\')
      o += (size_t)snprintf(out + o, 3, "\\\\");
    else if (c < 0x20 || c >= 0x7f)
      o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
    else
      out[o++] = (char)c;
  }
  if (name[i])
    o += (size_t)snprintf(out + o, 4, "...");
  out[o] = '\0';
}

static size_t first_bad_char(const char *name) {
  size_t i = 0;
  while (name[i] && allowed_char((unsigned char)name[i]))
    i++;
  return i;
}

/* The rules proper, once the kind is known. */
static int check(const char *what, size_t max, const char *name,
                 iatk_error *err) {
  if (!name || !*name)
    return iatk__fail(err, IATK_ENAME,
                      "invalid %s name '': names must not be empty", what);
  char shown[IATK_REGISTRY_DISPLAY_SIZE];
  iatk__registry_display(name, shown);
  size_t len = strlen(name);
  if (first_bad_char(name) != len)
    return iatk__fail(err, IATK_ENAME,
                      "invalid %s name '%s': only letters, digits, '.', '-', "
                      "'_' and '@' are allowed",
                      what, shown);
  if (len > max)
    return iatk__fail(err, IATK_ENAME,
                      "invalid %s name '%s': names are at most %zu characters "
                      "long (this one has %zu)",
                      what, shown, max, len);
  /* Covers "." and "..", and keeps ".tmp-*" free for unfinished writes. */
  if (name[0] == '.')
    return iatk__fail(err, IATK_ENAME,
                      "invalid %s name '%s': names must not start with '.'",
                      what, shown);
  return IATK_OK;
}

int iatk_registry_check_name(char kind, const char *name, iatk_error *err) {
  if (kind == 'r')
    return check("registry", IATK_REGISTRY_NAME_MAX, name, err);
  if (kind == 's')
    return check("schema", IATK_SCHEMA_NAME_MAX, name, err);
  return iatk__fail(err, IATK_EINVAL,
                    "unknown name kind %d: expected 'r' (registry) or 's' "
                    "(schema)",
                    kind);
}

int iatk__registry_parse_version(const char *text) {
  if (!text || text[0] < '1' || text[0] > '9')
    return -1;
  int64_t v = 0;
  for (const char *p = text; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (*p - '0');
    if (v > INT_MAX) /* also stops the loop long before int64 overflows */
      return -1;
  }
  return (int)v;
}

int iatk__registry_check_version(const char *text, int *out, iatk_error *err) {
  int v = iatk__registry_parse_version(text);
  if (v > 0) {
    *out = v;
    return IATK_OK;
  }
  char shown[IATK_REGISTRY_DISPLAY_SIZE];
  iatk__registry_display(text ? text : "", shown);
  return iatk__fail(err, IATK_ENAME,
                    "invalid schema version '%s': expected a positive integer",
                    shown);
}
