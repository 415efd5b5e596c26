/* The error table made into code: names, descriptions, exit statuses, and
 * the first-error-wins filling of iatk_error. */
#include <stdio.h>
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

static int known_code(int code) {
  return code >= 0 && code < IATK_ERROR_COUNT;
}

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

static int error_is_set(const iatk_error *err) {
  return err->code != IATK_OK;
}

static int fail_v(iatk_error *err, int code, const char *where,
                  const char *fmt, va_list ap) {
  if (!err || error_is_set(err))
    return code;
  err->code = code;
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  if (where)
    snprintf(err->where, sizeof err->where, "%s", where);
  return code;
}

int iatk_fail(iatk_error *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fail_v(err, code, NULL, fmt, ap);
  va_end(ap);
  return code;
}

int iatk_fail_at(iatk_error *err, int code, const char *where,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fail_v(err, code, where, fmt, ap);
  va_end(ap);
  return code;
}

int iatk_error_code(const iatk_error *err, int fallback) {
  return err && err->code ? err->code : fallback;
}

const char *iatk_version(void) { return IATK_VERSION_STRING; }
