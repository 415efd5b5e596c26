/* RFC 3339 text of instants without snprintf or gmtime_r: byte for byte
 * what iatk__instant_format_local/_utc (common/clock.c) write. */
#ifndef IATK_GEN_TIME_TEXT_H
#define IATK_GEN_TIME_TEXT_H

#include "common/internal.h"

/* "2023-10-18T21:08:04.782196-07:00", as iatk__instant_format_local. */
size_t iatk__time_text_local(const iatk_instant *t, char out[40]);
/* "2019-11-30T09:02:36Z", as iatk__instant_format_utc. */
size_t iatk__time_text_utc(const iatk_instant *t, char out[40]);

/* The last second written, so that a clock read many times within one
 * second costs a copy and six digits.  Zero it to start empty. */
typedef struct time_text_cache {
  int valid;
  int64_t second; /* local seconds since the epoch */
  int offset_minutes;
  size_t len;
  char text[40];
} time_text_cache;

/* iatk__time_text_local through the cache. */
size_t iatk__time_text_local_cached(time_text_cache *c, const iatk_instant *t,
                                    char out[40]);
/* Part of iatk__time_text_local's text through the cache, written at
 * `out` (room for 40 bytes): all of it, the date (its first 10 bytes) or
 * the time (from byte 11).  Returns its length.  Written in place, not
 * through a scratch text copied again, which stalled the copy. */
typedef enum time_text_part {
  TIME_TEXT_ALL,
  TIME_TEXT_DATE,
  TIME_TEXT_TIME
} time_text_part;
size_t iatk__time_text_local_put(time_text_cache *c, const iatk_instant *t,
                                 time_text_part part, char *out);
/* iatk__time_text_utc through the cache (whole seconds: a hit is a copy). */
size_t iatk__time_text_utc_cached(time_text_cache *c, const iatk_instant *t,
                                  char out[40]);

#endif
