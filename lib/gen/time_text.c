/* RFC 3339 text of instants.  snprintf and gmtime_r were most of a
 * barebone event's cost (its date-time is "now"), so the calendar is done
 * here with integer arithmetic (Howard Hinnant's civil_from_days, the
 * inverse of clock.c's days_from_civil) and digits are written by hand.
 * Years outside 0000-9999, which printf would write with another width,
 * are left to clock.c, so the text never differs from what it writes. */
#include <string.h>

#include "gen/time_text.h"

#define US_PER_S 1000000
#define S_PER_DAY 86400
/* Local seconds of 0000-01-01T00:00:00 and 10000-01-01T00:00:00. */
#define FIRST_SECOND (-62167219200LL)
#define END_SECOND 253402300800LL

typedef struct civil {
  int year, month, day, hour, minute, second;
} civil;

/* Splits local microseconds into seconds (floored) and microseconds. */
static int64_t split_us(int64_t local_us, int *us) {
  int64_t secs = local_us / US_PER_S, rem = local_us % US_PER_S;
  if (rem < 0) {
    rem += US_PER_S;
    secs--;
  }
  *us = (int)rem;
  return secs;
}

static civil civil_from_seconds(int64_t secs) {
  int64_t days = secs / S_PER_DAY, tod = secs % S_PER_DAY;
  if (tod < 0) {
    tod += S_PER_DAY;
    days--;
  }
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  civil c;
  c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
  c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
  c.year = (int)(yoe + era * 400 + (c.month <= 2));
  c.hour = (int)(tod / 3600);
  c.minute = (int)(tod / 60 % 60);
  c.second = (int)(tod % 60);
  return c;
}

static char *put2(char *p, int v) {
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
  return p + 2;
}

/* "YYYY-MM-DDTHH:MM:SS" (19 bytes). */
static char *put_civil(char *p, civil c) {
  p = put2(p, c.year / 100);
  p = put2(p, c.year % 100);
  *p++ = '-';
  p = put2(p, c.month);
  *p++ = '-';
  p = put2(p, c.day);
  *p++ = 'T';
  p = put2(p, c.hour);
  *p++ = ':';
  p = put2(p, c.minute);
  *p++ = ':';
  return put2(p, c.second);
}

static void put_micros(char *p, int us) {
  memcpy(p, iatk__decimal_pairs + 2 * (us / 10000), 2);
  memcpy(p + 2, iatk__decimal_pairs + 2 * (us / 100 % 100), 2);
  memcpy(p + 4, iatk__decimal_pairs + 2 * (us % 100), 2);
}

static int offset_fits(int minutes) {
  return minutes > -6000 && minutes < 6000;
}

size_t iatk__time_text_local(const iatk_instant *t, char out[40]) {
  int us;
  int64_t secs =
      split_us(t->epoch_us + (int64_t)t->offset_minutes * 60 * US_PER_S, &us);
  if (secs < FIRST_SECOND || secs >= END_SECOND ||
      !offset_fits(t->offset_minutes))
    return iatk__instant_format_local(t, out);
  char *p = put_civil(out, civil_from_seconds(secs));
  *p++ = '.';
  put_micros(p, us);
  p += 6;
  int off = t->offset_minutes < 0 ? -t->offset_minutes : t->offset_minutes;
  *p++ = t->offset_minutes < 0 ? '-' : '+';
  p = put2(p, off / 60);
  *p++ = ':';
  p = put2(p, off % 60);
  *p = '\0';
  return (size_t)(p - out);
}

size_t iatk__time_text_utc(const iatk_instant *t, char out[40]) {
  int us;
  int64_t secs = split_us(t->epoch_us, &us);
  if (secs < FIRST_SECOND || secs >= END_SECOND)
    return iatk__instant_format_utc(t, out);
  char *p = put_civil(out, civil_from_seconds(secs));
  *p++ = 'Z';
  *p = '\0';
  return (size_t)(p - out);
}

/* The microseconds of "YYYY-MM-DDTHH:MM:SS.uuuuuu..." start here. */
#define MICROS_AT 20

size_t iatk__time_text_local_cached(time_text_cache *c, const iatk_instant *t,
                                    char out[40]) {
  int us;
  int64_t secs =
      split_us(t->epoch_us + (int64_t)t->offset_minutes * 60 * US_PER_S, &us);
  if (!c->valid || secs != c->second ||
      t->offset_minutes != c->offset_minutes) {
    c->len = iatk__time_text_local(t, c->text);
    c->second = secs;
    c->offset_minutes = t->offset_minutes;
    /* only the 4-digit-year form has its microseconds at MICROS_AT */
    c->valid = c->len > MICROS_AT + 6 && c->text[MICROS_AT - 1] == '.';
    memcpy(out, c->text, c->len + 1);
    return c->len;
  }
  memcpy(out, c->text, sizeof c->text); /* a fixed size: a few moves */
  put_micros(out + MICROS_AT, us);
  return c->len;
}

size_t iatk__time_text_local_put(time_text_cache *c, const iatk_instant *t,
                                 time_text_part part, char *out) {
  int us;
  int64_t secs =
      split_us(t->epoch_us + (int64_t)t->offset_minutes * 60 * US_PER_S, &us);
  if (!c->valid || secs != c->second ||
      t->offset_minutes != c->offset_minutes) { /* the text of `t` itself */
    c->len = iatk__time_text_local(t, c->text);
    c->second = secs;
    c->offset_minutes = t->offset_minutes;
    c->valid = c->len > MICROS_AT + 6 && c->text[MICROS_AT - 1] == '.';
  }
  size_t from = part == TIME_TEXT_TIME ? 11 : 0;
  size_t n = part == TIME_TEXT_DATE ? 10 : c->len - from;
  memcpy(out, c->text + from, n);
  if (part != TIME_TEXT_DATE && c->valid)
    put_micros(out + MICROS_AT - from, us);
  return n;
}

size_t iatk__time_text_utc_cached(time_text_cache *c, const iatk_instant *t,
                                  char out[40]) {
  int us;
  int64_t secs = split_us(t->epoch_us, &us);
  if (!c->valid || secs != c->second) {
    c->len = iatk__time_text_utc(t, c->text);
    c->second = secs;
    c->valid = 1;
  }
  memcpy(out, c->text, c->len + 1);
  return c->len;
}
