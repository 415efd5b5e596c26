/* Instants: reading the clock, parsing and printing RFC 3339. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static int local_offset_minutes(time_t when) {
  struct tm local;
  if (!localtime_r(&when, &local))
    return 0;
  return (int)(local.tm_gmtoff / 60);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * well-known days_from_civil formula), so parsing needs no time zone. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int read_digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)(*p)[i]))
      return -1;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return 0;
}

static int expect(const char **p, const char *set) {
  if (**p && strchr(set, **p)) {
    (*p)++;
    return 0;
  }
  return -1;
}

static int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

static int parse_fraction_us(const char **p) {
  int us = 0, scale = 100000;
  while (isdigit((unsigned char)**p)) {
    us += (**p - '0') * scale;
    scale /= 10;
    (*p)++;
  }
  return us;
}

static int parse_offset(const char **p, int *minutes) {
  if (**p == 'Z' || **p == 'z') {
    (*p)++;
    *minutes = 0;
    return 0;
  }
  int sign = **p == '-' ? -1 : 1, hh, mm;
  if (expect(p, "+-") || read_digits(p, 2, &hh) || expect(p, ":") ||
      read_digits(p, 2, &mm) || hh > 23 || mm > 59)
    return -1;
  *minutes = sign * (hh * 60 + mm);
  return 0;
}

int iatk__instant_parse(const char *text, iatk_instant *out, iatk_error *err) {
  const char *p = text ? text : "";
  int y, mo, d, h, mi, s, us = 0, off;
  if (read_digits(&p, 4, &y) || expect(&p, "-") || read_digits(&p, 2, &mo) ||
      expect(&p, "-") || read_digits(&p, 2, &d) || expect(&p, "Tt ") ||
      read_digits(&p, 2, &h) || expect(&p, ":") || read_digits(&p, 2, &mi) ||
      expect(&p, ":") || read_digits(&p, 2, &s))
    goto bad;
  if (*p == '.') {
    p++;
    if (!isdigit((unsigned char)*p))
      goto bad;
    us = parse_fraction_us(&p);
  }
  if (parse_offset(&p, &off) || *p != '\0')
    goto bad;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
      mi > 59 || s > 60)
    goto bad;
  int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  out->epoch_us = (secs - off * 60) * 1000000 + us;
  out->offset_minutes = off;
  return IATK_OK;
bad:
  return iatk__fail(err, IATK_EINVAL,
                    "'%s' is not an RFC 3339 date-time "
                    "(expected e.g. 2023-10-18T21:08:04.782196-07:00)",
                    text ? text : "");
}

static void split(const iatk_instant *t, int offset_minutes, struct tm *tm,
                  int *us) {
  int64_t local_us = t->epoch_us + (int64_t)offset_minutes * 60000000;
  int64_t secs = local_us / 1000000;
  int64_t rem = local_us % 1000000;
  if (rem < 0) {
    rem += 1000000;
    secs--;
  }
  time_t tt = (time_t)secs;
  gmtime_r(&tt, tm);
  *us = (int)rem;
}

size_t iatk__instant_format_local(const iatk_instant *t, char out[40]) {
  struct tm tm;
  int us;
  split(t, t->offset_minutes, &tm, &us);
  int off = t->offset_minutes < 0 ? -t->offset_minutes : t->offset_minutes;
  return (size_t)snprintf(
      out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%06d%c%02d:%02d",
      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
      tm.tm_sec, us, t->offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

size_t iatk__instant_format_utc(const iatk_instant *t, char out[40]) {
  struct tm tm;
  int us;
  split(t, 0, &tm, &us);
  return (size_t)snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec);
}

iatk_instant iatk__clock_read(iatk_clock *c) {
  if (c->pinned)
    return c->instant;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (ts.tv_sec != c->offset_second || c->offset_second == 0) {
    c->offset_second = ts.tv_sec;
    c->offset_minutes = local_offset_minutes(ts.tv_sec);
  }
  iatk_instant t = {(int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000,
                    c->offset_minutes};
  return t;
}

int iatk__clock_pin(iatk_clock *c, const char *rfc3339, iatk_error *err) {
  if (!rfc3339) {
    c->pinned = 0;
    return IATK_OK;
  }
  iatk_instant t;
  int rc = iatk__instant_parse(rfc3339, &t, err);
  if (rc != IATK_OK)
    return rc;
  c->pinned = 1;
  c->instant = t;
  return IATK_OK;
}
