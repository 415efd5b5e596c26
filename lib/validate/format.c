/* Format checks for the formats iatk generates.  Strict enough to catch a
 * generator mistake; unknown formats are annotations and pass. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "document/keywords.h"
#include "validate/validate_internal.h"

/* isdigit's answer in every locale, without its table lookup call */
static int digit(char c) { return c >= '0' && c <= '9'; }

static int digits(const char *s, int n) {
  for (int i = 0; i < n; i++)
    if (!digit(s[i]))
      return 0;
  return 1;
}

static int num(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

static int date_ok(const char *s, size_t len) {
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (len != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
      s[7] != '-' || !digits(s + 8, 2))
    return 0;
  int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return 0;
  return !(m == 2 && d == 29 && !leap);
}

static int time_ok(const char *s, size_t len) {
  if (len < 9 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) ||
      s[5] != ':' || !digits(s + 6, 2))
    return 0;
  if (num(s, 2) > 23 || num(s + 3, 2) > 59 || num(s + 6, 2) > 60)
    return 0;
  size_t i = 8;
  if (s[i] == '.') {
    size_t start = ++i;
    while (i < len && digit(s[i]))
      i++;
    if (i == start)
      return 0;
  }
  if (i < len && (s[i] == 'Z' || s[i] == 'z'))
    return i + 1 == len;
  return len - i == 6 && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) &&
         s[i + 3] == ':' && digits(s + i + 4, 2) && num(s + i + 1, 2) < 24 &&
         num(s + i + 4, 2) < 60;
}

static int date_time_ok(const char *s, size_t len) {
  return len > 11 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
         date_ok(s, 10) && time_ok(s + 11, len - 11);
}

static int ipv4_ok(const char *s, size_t len) {
  int parts = 0;
  size_t i = 0;
  while (i < len) {
    size_t start = i;
    while (i < len && digit(s[i]))
      i++;
    size_t n = i - start;
    if (n == 0 || n > 3 || (n > 1 && s[start] == '0') ||
        num(s + start, (int)n) > 255)
      return 0;
    parts++;
    if (i < len && (s[i] != '.' || ++i == len))
      return 0;
  }
  return parts == 4;
}

static int email_ok(const char *s, size_t len) {
  const char *at = memchr(s, '@', len);
  return at && at != s && at != s + len - 1 &&
         !memchr(at + 1, '@', len - (size_t)(at - s) - 1);
}

static int uuid_ok(const char *s, size_t len) {
  if (len != 36)
    return 0;
  for (size_t i = 0; i < 36; i++) {
    int dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
      return 0;
  }
  return 1;
}

static int hostname_ok(const char *s, size_t len) {
  if (len == 0 || len > 253)
    return 0;
  size_t label = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '.') {
      if (label == 0 || s[i - 1] == '-')
        return 0;
      label = 0;
      continue;
    }
    if (!isalnum((unsigned char)s[i]) && !(s[i] == '-' && label > 0))
      return 0;
    if (++label > 63)
      return 0;
  }
  return label > 0 && s[len - 1] != '-';
}

static int uri_ok(const char *s, size_t len) {
  size_t i = 0;
  if (len == 0 || !isalpha((unsigned char)s[0]))
    return 0;
  while (i < len && (isalnum((unsigned char)s[i]) || strchr("+-.", s[i])))
    i++;
  if (i == len || s[i] != ':')
    return 0;
  for (; i < len; i++)
    if (isspace((unsigned char)s[i]) || s[i] == '\\' || s[i] == '"')
      return 0;
  return 1;
}

static int json_pointer_ok(const char *s, size_t len) {
  if (len && s[0] != '/')
    return 0;
  for (size_t i = 0; i < len; i++)
    if (s[i] == '~' && (i + 1 == len || (s[i + 1] != '0' && s[i + 1] != '1')))
      return 0;
  return 1;
}

static int base64_ok(const char *s, size_t len) {
  if (len % 4)
    return 0;
  for (size_t i = 0; i < len; i++) {
    int pad_ok =
        s[i] == '=' && i >= len - 2 && (i == len - 1 || s[len - 1] == '=');
    if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/' && !pad_ok)
      return 0;
  }
  return 1;
}

typedef int (*format_checker)(const char *text, size_t len);

static const format_checker checkers[CHECK_COUNT] = {
    [CHECK_DATE_TIME] = date_time_ok,
    [CHECK_DATE] = date_ok,
    [CHECK_TIME] = time_ok,
    [CHECK_EMAIL] = email_ok,
    [CHECK_HOSTNAME] = hostname_ok,
    [CHECK_IPV4] = ipv4_ok,
    [CHECK_URI] = uri_ok,
    [CHECK_UUID] = uuid_ok,
    [CHECK_JSON_POINTER] = json_pointer_ok,
    [CHECK_BYTE] = base64_ok,
};

iatk__v_format_fn iatk__v_format_checker(const char *format) {
  const schema_format_row *row = iatk__schema_format_find(format);
  return row ? checkers[row->check] : NULL;
}

int iatk__v_format_ok(const char *format, const char *text, size_t len) {
  format_checker check = iatk__v_format_checker(format);
  return check ? check(text, len) : 1;
}
