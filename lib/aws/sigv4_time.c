/* The two ways a SigV4 request carries its time: X-Amz-Date's ISO 8601
 * basic format, which the string to sign holds, and the HTTP Date header,
 * which botocore sends instead when the caller set one. */
#include <stdio.h>
#include <string.h>

#include "aws/sigv4_private.h"

int iatk__sigv4_amz_date(time_t now, char out[17]) {
  struct tm tm;
  if (!gmtime_r(&now, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year < -1900)
    return -1;
  return strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 16 ? 0 : -1;
}

int iatk__sigv4_parse_amz_date(const char *text, time_t *out) {
  struct tm tm = {0};
  char again[17];
  if (strlen(text) != 16 ||
      sscanf(text, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
             &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *out = timegm(&tm);
  /* timegm() normalises 20151340: only a date that reads back is one */
  return iatk__sigv4_amz_date(*out, again) == 0 && strcmp(again, text) == 0
             ? 0
             : -1;
}

/* "Sun, 30 Aug 2015 12:36:00 GMT", or "-0000" as botocore's formatdate()
 * writes it when a request carries Date instead of X-Amz-Date. */
int iatk__sigv4_parse_http_date(const char *text, time_t *out) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char day[4], month[4], zone[6];
  int n = 0;
  struct tm tm = {0};
  if (sscanf(text, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %5s%n", day,
             &tm.tm_mday, month, &tm.tm_year, &tm.tm_hour, &tm.tm_min,
             &tm.tm_sec, zone, &n) != 8 ||
      text[n] != '\0')
    return -1;
  const char *m = strstr(months, month);
  if (!m || strlen(month) != 3 || (m - months) % 3 != 0 ||
      (strcmp(zone, "GMT") && strcmp(zone, "UTC") && strcmp(zone, "+0000") &&
       strcmp(zone, "-0000")))
    return -1;
  if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return -1;
  tm.tm_mon = (int)(m - months) / 3;
  tm.tm_year -= 1900;
  *out = timegm(&tm);
  return 0;
}
