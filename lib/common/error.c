/* The error table made into code: names, descriptions, exit statuses, and
 * the first-error-wins filling of iatk_error, and its layout for bindings. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct {
  const char *name;
  const char *text;
  int exit_status;
} error_table[] = {
#define IATK_XX_ROW(name, exit_status, text) {"IATK_" #name, text, exit_status},
    IATK_ERROR_MAP(IATK_XX_ROW)
#undef IATK_XX_ROW
};

static int known_code(int code) { return code >= 0 && code < IATK_ERROR_COUNT; }

const char *iatk_strerror(int code) {
  return known_code(code) ? error_table[code].text : "unknown error";
}

const char *iatk_err_name(int code) {
  return known_code(code) ? error_table[code].name : "IATK_UNKNOWN";
}

int iatk_err_exit_status(int code) {
  return known_code(code) ? error_table[code].exit_status : 1;
}

void iatk_error_clear(iatk_error *err) {
  if (err)
    memset(err, 0, sizeof *err);
}

/* Sets *out when the caller asked for it. */
static void store_size(size_t *out, size_t value) {
  if (out)
    *out = value;
}

/* Reports the layout as compiled here, not as any header copy says: that is
 * what a binding's own declaration has to agree with. */
size_t iatk_error_layout(size_t *where_offset, size_t *where_size,
                         size_t *message_offset, size_t *message_size) {
  store_size(where_offset, offsetof(iatk_error, where));
  store_size(where_size, sizeof((iatk_error *)0)->where);
  store_size(message_offset, offsetof(iatk_error, message));
  store_size(message_size, sizeof((iatk_error *)0)->message);
  return sizeof(iatk_error);
}

static int error_is_set(const iatk_error *err) { return err->code != IATK_OK; }

/* Steps back from `at` to the start of a UTF-8 character. */
static size_t char_start(const char *s, size_t at) {
  while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
    at--;
  return at;
}

void iatk__copy_elided(char *dst, size_t size, const char *src, size_t len) {
  static const char mark[] = "...";
  if (len < size) {
    memcpy(dst, src, len);
    dst[len] = '\0';
    return;
  }
  /* The head says what failed and the tail usually why: keep both. */
  size_t keep = (size - sizeof mark) / 2;
  size_t head = char_start(src, keep);
  size_t tail = len - keep;
  while (tail < len && ((unsigned char)src[tail] & 0xc0) == 0x80)
    tail++;
  memcpy(dst, src, head);
  memcpy(dst + head, mark, sizeof mark - 1);
  memcpy(dst + head + sizeof mark - 1, src + tail, len - tail);
  dst[head + sizeof mark - 1 + len - tail] = '\0';
}

static int fail_v(iatk_error *err, int code, const char *where, const char *fmt,
                  va_list ap) {
  if (!err || error_is_set(err))
    return code;
  err->code = code;
  va_list again;
  va_copy(again, ap);
  int len = vsnprintf(err->message, sizeof err->message, fmt, ap);
  char *whole =
      len >= (int)sizeof err->message ? malloc((size_t)len + 1) : NULL;
  if (whole) { /* too long for the buffer: elide its middle, not its end */
    vsnprintf(whole, (size_t)len + 1, fmt, again);
    iatk__copy_elided(err->message, sizeof err->message, whole, (size_t)len);
    free(whole);
  }
  va_end(again);
  if (where)
    iatk__copy_elided(err->where, sizeof err->where, where, strlen(where));
  return code;
}

int iatk__fail(iatk_error *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fail_v(err, code, NULL, fmt, ap);
  va_end(ap);
  return code;
}

int iatk__fail_at(iatk_error *err, int code, const char *where, const char *fmt,
                  ...) {
  va_list ap;
  va_start(ap, fmt);
  fail_v(err, code, where, fmt, ap);
  va_end(ap);
  return code;
}

int iatk__error_code(const iatk_error *err, int fallback) {
  return err && err->code ? err->code : fallback;
}

const char *iatk_version(void) { return IATK_VERSION_STRING; }
