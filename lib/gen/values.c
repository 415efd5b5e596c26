/* Scalar values: strings (plain and formatted) and numbers within bounds.
 * (Literal JSON from the schema is copied as compile time wrote it.) */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/gen_internal.h"
#include "gen/number_text.h"
#include "regex/regex.h"
#include "validate/validator.h"

#define PATTERN_ATTEMPTS 64

/* ------------------------------------------------------------- numbers */

typedef struct range {
  double lo, hi; /* inclusive; infinities when unbounded */
} range;

/* Beyond 2^53 a bound written in digits (18446744073709551615) may have
 * been rounded to a double past it (2^64): the next double inward is
 * within the written bound, whatever its last digits were. */
static double inward(double bound, double toward) {
  return fabs(bound) >= 9007199254740992.0 ? nextafter(bound, toward) : bound;
}

/* The inclusive range a node allows, for integers or for numbers. */
static range allowed_range(const plan_node *n, int integer) {
  range r = {-INFINITY, INFINITY};
  if (n->num.has_minimum) {
    r.lo = inward(n->num.minimum, INFINITY);
    if (integer)
      r.lo = n->num.exclusive_minimum ? floor(r.lo) + 1 : ceil(r.lo);
  }
  if (n->num.has_maximum) {
    r.hi = inward(n->num.maximum, -INFINITY);
    if (integer)
      r.hi = n->num.exclusive_maximum ? ceil(r.hi) - 1 : floor(r.hi);
  }
  return r;
}

/* Moves v inside the range (exclusive real bounds step off the bound). */
static double clamp(const plan_node *n, range r, double v, int integer) {
  if (v < r.lo || (!integer && n->num.exclusive_minimum && v <= r.lo)) {
    v = r.lo;
    if (!integer && n->num.exclusive_minimum) /* just above, at any magnitude */
      v = fmax(nextafter(r.lo, INFINITY),
               isfinite(r.hi) ? r.lo + fmin(1, (r.hi - r.lo) / 2) : r.lo + 1);
  }
  if (v > r.hi || (!integer && n->num.exclusive_maximum && v >= r.hi)) {
    v = r.hi;
    if (!integer && n->num.exclusive_maximum)
      v = fmin(nextafter(r.hi, -INFINITY),
               isfinite(r.lo) ? r.hi - fmin(1, (r.hi - r.lo) / 2) : r.hi - 1);
  }
  return v;
}

/* The multiple of m nearest v inside the range, preferring upward. */
static double snap_multiple(const plan_node *n, range r, double v) {
  double m = n->num.multiple_of;
  if (!isfinite(v / m))
    return v; /* no double multiple there: the self-check refuses it */
  double k = ceil(v / m) * m;
  if (k > r.hi || (n->num.exclusive_maximum && k >= r.hi))
    k = floor(v / m) * m;
  return k == 0 ? 0 : k; /* no "-0" */
}

static double random_in(iatk_gen *g, range r, int integer) {
  double lo = isfinite(r.lo) ? r.lo : (isfinite(r.hi) ? r.hi - 1000 : -1000);
  double hi = isfinite(r.hi) ? r.hi : lo + 1000;
  double u = (double)(iatk__rng_next(&g->rng) >> 11) / 9007199254740992.0;
  if (!isfinite(hi - lo)) /* a range wider than a double: mix the halves */
    return lo * (1 - u) + hi * u;
  if (integer) /* every integer of [lo, hi] equally likely */
    return fmin(hi, floor(lo + (hi - lo + 1) * u));
  return lo + (hi - lo) * u;
}

/* Beyond 2^52 multiples of m, v/m stops being exact (and past the largest
 * double it overflows), so whether v is a multiple can no longer be told:
 * random draws stay where it can, when the bounds allow. */
static range where_multiples_are_exact(const plan_node *n, range r) {
  double limit = n->num.multiple_of * 4503599627370496.0;
  if (n->num.multiple_of <= 0 || !isfinite(limit))
    return r;
  range near = {fmax(r.lo, -limit), fmin(r.hi, limit)};
  return near.lo <= near.hi ? near : r;
}

void iatk__gen_number(iatk_gen *g, const plan_node *n, int integer) {
  range r = allowed_range(n, integer);
  double v = g->mode == IATK_MODE_RANDOM ? random_in(g, r, integer) : 0;
  range exact = where_multiples_are_exact(n, r);
  v = fmin(fmax(v, exact.lo), exact.hi);
  v = clamp(n, r, v, integer);
  if (n->num.multiple_of > 0)
    v = snap_multiple(n, r, v);
  if (integer) /* all digits, never an exponent: readers must see an integer */
    iatk__number_text_integer(&g->out, v);
  else
    iatk__number_text_double(&g->out, v);
}

/* ------------------------------------------------------------- strings */

/* The event's "now" in barebone and sample modes; a random instant
 * between 1970 and 2100, in a random offset, in random mode. */
static iatk_instant instant_for(iatk_gen *g) {
  if (g->mode != IATK_MODE_RANDOM) {
    iatk__template_note_clock(g);
    return g->now;
  }
  static const int offsets[] = {0, 60, 120, -300, -420, 330, 540, 600};
  iatk_instant t;
  t.epoch_us = (int64_t)iatk__rng_below(&g->rng, 4102444800ULL * 1000000ULL);
  t.offset_minutes = offsets[iatk__rng_below(&g->rng, 8)];
  return t;
}

/* Writes the time-based formats and uuid into `b`; 0 for other formats. */
static int time_or_uuid(iatk_gen *g, schema_format format, iatk_buf *b) {
  char text[40];
  iatk_instant t;
  size_t len;
  switch (format) {
  case FMT_DATE_TIME:
  case FMT_DATE:
  case FMT_TIME:
    t = instant_for(g);
    /* "now" is written for every event: its text is kept for the second */
    len = g->mode == IATK_MODE_RANDOM
              ? iatk__time_text_local(&t, text)
              : iatk__time_text_local_cached(&g->now_text, &t, text);
    if (format == FMT_DATE_TIME)
      iatk__buf_append(b, text, len);
    else if (format == FMT_DATE)
      iatk__buf_append(b, text, 10);
    else
      iatk__buf_append(b, text + 11, len - 11);
    return 1;
  case FMT_UUID:
    if (g->mode == IATK_MODE_RANDOM)
      iatk__rng_uuid4(&g->rng, text);
    else
      memcpy(text, "3fa85f64-5717-4562-b3fc-2c963f66afa6", 37);
    iatk__buf_append(b, text, 36);
    return 1;
  default: return 0;
  }
}

/* The representative value of a format, for barebone and sample modes. */
static const char *format_sample(schema_format format) {
  static const char *samples[] = {
      [FMT_DURATION] = "P1D",
      [FMT_EMAIL] = "user@example.com",
      [FMT_HOSTNAME] = "example.com",
      [FMT_IPV4] = "192.0.2.1",
      [FMT_IPV6] = "2001:db8::1",
      [FMT_URI] = "https://example.com/",
      [FMT_URI_REFERENCE] = "https://example.com/",
      [FMT_JSON_POINTER] = "/example",
      [FMT_RELATIVE_JSON_POINTER] = "0",
      [FMT_REGEX] = "^[a-z]+$",
      [FMT_URI_TEMPLATE] = "https://example.com/{id}",
      [FMT_BYTE] = "aWF0aw==",
      [FMT_COLOR] = "#000000",
  };
  return format < sizeof samples / sizeof samples[0] ? samples[format] : NULL;
}

static const char alphabet[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

static int64_t string_length(iatk_gen *g, const plan_node *n) {
  int64_t len = n->str.min_length;
  if (g->mode == IATK_MODE_SAMPLE && len == 0)
    len = 6; /* "string" */
  if (g->mode == IATK_MODE_RANDOM) {
    int64_t room = n->str.max_length < 0 ? 12 : n->str.max_length - len;
    len += (int64_t)iatk__rng_below(&g->rng,
                                    (uint64_t)(room > 12 ? 12 : room) + 1);
  }
  if (n->str.max_length >= 0 && len > n->str.max_length)
    len = n->str.max_length;
  return len;
}

static size_t code_points(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += ((unsigned char)s[i] & 0xc0) != 0x80;
  return n;
}

static int fits_length(const plan_node *n, const iatk_buf *b) {
  if (n->str.min_length <= 0 && n->str.max_length < 0)
    return 1; /* any length: no need to count */
  size_t len = code_points(b->data ? b->data : "", b->len);
  return (int64_t)len >= n->str.min_length &&
         (n->str.max_length < 0 || (int64_t)len <= n->str.max_length);
}

/* Fills a short candidate up to minLength and keeps the first filling the
 * pattern still matches: the match's last character repeated at the end
 * (^[A-Z]+$), its first repeated at the start, or 'a' at either end (an
 * unanchored pattern matches inside any filler). */
static void pad_to_min_length(iatk_gen *g, const plan_node *n, iatk_buf *b) {
  size_t have = code_points(b->data ? b->data : "", b->len);
  if ((int64_t)have >= n->str.min_length || !n->str.pattern_is_own ||
      b->len == 0 || (b->data[b->len - 1] & 0x80) || (b->data[0] & 0x80))
    return;
  size_t need = (size_t)n->str.min_length - have, len = b->len;
  char *orig = malloc(len); /* not strndup: the candidate may hold U+0000 */
  if (orig)
    memcpy(orig, b->data, len);
  const char fill[4][2] = {{orig ? orig[len - 1] : 'a', 1},
                           {orig ? orig[0] : 'a', 0},
                           {'a', 1},
                           {'a', 0}};
  for (int k = 0; orig && k < 4; k++) {
    iatk__buf_reset(b);
    if (!fill[k][1])
      for (size_t i = 0; i < need; i++)
        iatk__buf_putc(b, fill[k][0]);
    iatk__buf_append(b, orig, len);
    if (fill[k][1])
      for (size_t i = 0; i < need; i++)
        iatk__buf_putc(b, fill[k][0]);
    if (b->failed ||
        iatk__regex_search_n(g->regexes, n->str.pattern, n->str.pattern_len,
                             b->data, b->len) == 1)
      break;
  }
  free(orig);
}

/* Candidates from the pattern until one fits the length bounds and PCRE2
 * confirms the match; the first is minimal unless in random mode. */
static void gen_pattern(iatk_gen *g, const plan_node *n) {
  iatk_buf *b = &g->scratch;
  for (int attempt = 0; attempt < PATTERN_ATTEMPTS; attempt++) {
    iatk__buf_reset(b);
    int minimal = attempt == 0 && g->mode != IATK_MODE_RANDOM;
    int extra = 3 + attempt / 2 +
                (int)(n->str.min_length > 0 ? n->str.min_length / 2 : 0);
    iatk__rx_generate(n->str.rx, &g->rng, minimal, extra, b);
    pad_to_min_length(g, n, b);
    if (!b->failed && fits_length(n, b) &&
        iatk__regex_search_n(g->regexes, n->str.pattern, n->str.pattern_len,
                             b->data ? b->data : "", b->len) == 1)
      break;
  }
  iatk__buf_json_string(&g->out, b->data ? b->data : "", b->len);
}

/* date-time and time also have a short UTC form, for tight maxLength. */
static int short_time(iatk_gen *g, const plan_node *n, iatk_buf *b) {
  if (n->str.format != FMT_DATE_TIME && n->str.format != FMT_TIME)
    return 0;
  char text[40];
  iatk_instant t = instant_for(g); /* random mode: random, never the clock */
  iatk__time_text_utc(&t, text);
  iatk__buf_reset(b);
  iatk__buf_puts(b, n->str.format == FMT_TIME ? text + 11 : text);
  return fits_length(n, b);
}

/* A formatted value when one fits the length bounds: the format's own
 * (now, a uuid, the representative sample) outside random mode. */
static int gen_format_value(iatk_gen *g, const plan_node *n) {
  iatk_buf *b = &g->scratch;
  iatk__buf_reset(b);
  if (time_or_uuid(g, n->str.format, b)) {
    if (n->str.min_length <= 0 && n->str.max_length < 0 &&
        n->str.format != FMT_UUID)
      iatk__template_note_slot(g, g->out.len + 1, b->len,
                               n->str.format); /* no check read it */
    else if (!fits_length(n, b) && !short_time(g, n, b))
      return 0;
  } else {
    const char *sample = format_sample(n->str.format);
    if (!sample || g->mode == IATK_MODE_RANDOM)
      return 0; /* random values come from the format's pattern */
    iatk__buf_puts(b, sample);
    if (!fits_length(n, b))
      return 0;
  }
  /* times, UUIDs and the samples above have nothing to escape */
  out_plain_string(g, b->data, b->len);
  return 1;
}

/* A value of the node's format into `b` (time, uuid, or the template). */
static void format_candidate(iatk_gen *g, const plan_node *n, iatk_buf *b) {
  iatk__buf_reset(b);
  if (time_or_uuid(g, n->str.format, b))
    return;
  const char *sample = format_sample(n->str.format);
  if (sample)
    iatk__buf_puts(b, sample);
}

static int string_ok(iatk_gen *g, const plan_node *n, const char *s,
                     size_t len) {
  iatk_buf view = {.data = (char *)s, .len = len, .cap = len + 1};
  return fits_length(n, &view) &&
         iatk__regex_search_n(g->regexes, n->str.pattern, n->str.pattern_len, s,
                              len) == 1 &&
         iatk__v_format_ok(iatk__schema_format_name(n->str.format), s, len);
}

/* Tries the pattern match `cand` alone, followed by the tail of the format
 * value `fmt`, and after its head; leaves the first acceptable one in mix. */
static int try_completions(iatk_gen *g, const plan_node *n,
                           const iatk_buf *cand, const iatk_buf *fmt,
                           iatk_buf *mix) {
  const char *cs = cand->data ? cand->data : "",
             *fs = fmt->data ? fmt->data : "";
  size_t c = cand->len, f = fmt->len, rest = f > c ? f - c : 0;
  for (int form = 0; form < 3; form++) {
    iatk__buf_reset(mix);
    if (form == 2)
      iatk__buf_append(mix, fs, rest); /* format head, then the match */
    iatk__buf_append(mix, cs, c);
    if (form == 1 && rest)
      iatk__buf_append(mix, fs + c, rest); /* the match, then the format tail */
    if (!mix->failed && mix->data && string_ok(g, n, mix->data, mix->len))
      return 1;
  }
  return 0;
}

static void upper_case(iatk_buf *b) {
  for (size_t i = 0; i < b->len; i++)
    b->data[i] = (char)toupper((unsigned char)b->data[i]);
}

/* Both a pattern and a format: a pattern match completed by a format value
 * (as it is, then in upper case) until PCRE2 and the format check agree. */
static int gen_pattern_and_format(iatk_gen *g, const plan_node *n) {
  iatk_buf cand, fmt, mix;
  iatk__buf_init(&cand);
  iatk__buf_init(&fmt);
  iatk__buf_init(&mix);
  int found = 0;
  for (int attempt = 0; attempt < PATTERN_ATTEMPTS && !found; attempt++) {
    iatk__buf_reset(&cand);
    iatk__rx_generate(n->str.rx, &g->rng, attempt == 0, 3 + attempt / 4, &cand);
    format_candidate(g, n, &fmt);
    found = try_completions(g, n, &cand, &fmt, &mix);
    if (!found && fmt.data) {
      upper_case(&fmt);
      found = try_completions(g, n, &cand, &fmt, &mix);
    }
  }
  if (found)
    iatk__buf_json_string(&g->out, mix.data, mix.len);
  iatk__buf_release(&cand);
  iatk__buf_release(&fmt);
  iatk__buf_release(&mix);
  return found;
}

void iatk__gen_string(iatk_gen *g, const plan_node *n) {
  if (n->str.format != FMT_NONE && !n->str.pattern_is_own &&
      gen_format_value(g, n))
    return;
  if (n->str.format != FMT_NONE && n->str.pattern_is_own && n->str.rx &&
      gen_pattern_and_format(g, n))
    return;
  if (n->str.rx) {
    gen_pattern(g, n);
    return;
  }
  int64_t len = string_length(g, n);
  if (iatk__buf_reserve(&g->out, (size_t)len + 2) != 0)
    return;
  char *p = g->out.data + g->out.len; /* room for len + 2 was made above */
  *p++ = '"';
  for (int64_t i = 0; i < len; i++) {
    char ch = "string"[i % 6];
    if (g->mode == IATK_MODE_BAREBONE)
      ch = 'a';
    else if (g->mode == IATK_MODE_RANDOM)
      ch = alphabet[iatk__rng_below(&g->rng, sizeof alphabet - 1)];
    *p++ = ch;
  }
  *p++ = '"';
  *p = '\0';
  g->out.len = (size_t)(p - g->out.data);
}
