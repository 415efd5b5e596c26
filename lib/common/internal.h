/* Private helpers shared by every part of libiatk.  Not installed. */
#ifndef IATK_INTERNAL_H
#define IATK_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "iatk/iatk.h"

#define IATK_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Copies src[0..len) into dst (size bytes, NUL-terminated); when it does
 * not fit, its middle is replaced by "..." so both ends survive, cut on
 * UTF-8 character boundaries. */
void iatk__copy_elided(char *dst, size_t size, const char *src, size_t len);
/* Fills err (if non-NULL and still clear) and returns `code`, so callers can
 * write `return iatk__fail(err, IATK_EIO, "cannot read %s", path);`.  A
 * message longer than the buffer keeps its beginning and its end. */
int iatk__fail(iatk_error *err, int code, const char *fmt, ...)
    IATK_PRINTF(3, 4);
/* Same, with a location (JSON pointer or file:line:col). */
int iatk__fail_at(iatk_error *err, int code, const char *where, const char *fmt,
                  ...) IATK_PRINTF(4, 5);
/* Code of a possibly-NULL error, IATK_ENOMEM when err is NULL (callers use
 * it to propagate "some failure" when the caller passed no err). */
int iatk__error_code(const iatk_error *err, int fallback);

/* strdup that passes NULL through. */
char *iatk__strdup(const char *s);

/* ------------------------------------------------------ installed data */

/* Where data installed with iatk may be (data_dir.c): $env, else the
 * installed copy, else this source tree (for a build-tree library). */
typedef struct iatk__data_place {
  const char *env;         /* e.g. "IATK_RUNTIME_DIR" */
  const char *install_dir; /* "" when unknown */
  const char *source_dir;  /* "" when unknown */
} iatk__data_place;

/* The resolved path of DIR/relpath when it is readable, else NULL.  Caller
 * frees. */
char *iatk__data_path(const char *dir, const char *relpath);
/* iatk__data_path for a directory the user named (`what` says how, for the
 * EIO error when it lacks relpath). */
char *iatk__data_named(const char *dir, const char *what, const char *relpath,
                       iatk_error *err);
/* relpath in the first place that has it (a named $env must); EIO naming
 * the places looked in when none has.  Caller frees. */
char *iatk__data_find(const iatk__data_place *place, const char *relpath,
                      iatk_error *err);

/* ------------------------------------------------------- growable buffer */

typedef struct iatk_buf {
  char *data; /* always NUL-terminated once reserved */
  size_t len;
  size_t cap;
  size_t limit; /* most bytes of text it may hold; 0: no limit but memory */
  int failed;   /* sticky: IATK_ENOMEM, or IATK_ELIMIT past `limit`; the
               * content is then truncated */
} iatk_buf;

void iatk__buf_init(iatk_buf *b);
/* An empty buffer that fails with IATK_ELIMIT past `limit` bytes. */
void iatk__buf_init_limited(iatk_buf *b, size_t limit);
void iatk__buf_release(iatk_buf *b);
void iatk__buf_reset(iatk_buf *b);
int iatk__buf_reserve(iatk_buf *b, size_t extra);
void iatk__buf_append(iatk_buf *b, const char *s, size_t n);
void iatk__buf_puts(iatk_buf *b, const char *s);
void iatk__buf_putc(iatk_buf *b, char c);
void iatk__buf_printf(iatk_buf *b, const char *fmt, ...) IATK_PRINTF(2, 3);
/* Appends `s` (n bytes of UTF-8) as a quoted, escaped JSON string. */
void iatk__buf_json_string(iatk_buf *b, const char *s, size_t n);
/* Shortest text that reads back as the same double. */
void iatk__buf_double(iatk_buf *b, double v);
/* Appends a jansson value as compact JSON, numbers in shortest form. */
void iatk__json_write(iatk_buf *b, const json_t *v);
/* Appends compact JSON `text` indented by two spaces per level. */
void iatk__json_indent(iatk_buf *b, const char *text, size_t len);
/* Takes ownership of the data (caller frees with free()); resets b. */
char *iatk__buf_steal(iatk_buf *b);
/* The text and its length, handed over as iatk__buf_steal does; NULL (and
 * the buffer released) when an append failed. */
char *iatk__buf_take(iatk_buf *b, size_t *len);

/* ------------------------------------------------------------ JSON input */

/* Integers of a JSON text that int64 cannot hold, read as reals: their
 * values (sorted), so "written in digits" is still known. */
typedef struct iatk_wide_ints {
  double *values;
  size_t count, cap;
} iatk_wide_ints;

/* json_loadb with `flags` plus JSON_ALLOW_NUL, which also reads integers
 * beyond int64 (as reals, noted in `wide`).  `jerr` may be NULL; `wide`
 * may be NULL, else it is reset and the caller releases it whatever the
 * result.  Error positions refer to `text` as given. */
json_t *iatk__json_read(const char *text, size_t len, size_t flags,
                        json_error_t *jerr, iatk_wide_ints *wide);
/* Whether `v` is the value of a wide integer of the text (w may be NULL). */
int iatk__wide_ints_has(const iatk_wide_ints *w, double v);
void iatk__wide_ints_release(iatk_wide_ints *w);

/* --------------------------------------------------------- growing arrays */

/* Makes room for `want` items of `item_size` bytes in *items, whose
 * capacity is *cap, doubling it; never beyond `limit` items (SIZE_MAX: no
 * limit but memory).  IATK_OK, IATK_ELIMIT past the limit, or IATK_ENOMEM
 * (then *items and *cap are unchanged). */
int iatk__array_grow(void **items, size_t *cap, size_t want, size_t item_size,
                     size_t limit);
/* iatk__array_grow for an array variable `items` of any pointer type, with
 * its size_t capacity `cap` (a GNU statement expression: gcc and clang). */
#define IATK_ARRAY_GROW(items, cap, want, limit)                               \
  __extension__({                                                              \
    void *grow_items_ = (items);                                               \
    int grow_rc_ = iatk__array_grow(&grow_items_, &(cap), (want),              \
                                    sizeof *(items), (limit));                 \
    (items) = grow_items_;                                                     \
    grow_rc_;                                                                  \
  })

/* ----------------------------------------------------------- string lists */

iatk_strlist *iatk__strlist_new(void);
int iatk__strlist_push(iatk_strlist *l, const char *s);
void iatk__strlist_sort(iatk_strlist *l,
                        int (*cmp)(const char *, const char *));

/* ----------------------------------------------------------------- clock */

/* An instant with the UTC offset it should be written in. */
typedef struct iatk_instant {
  int64_t epoch_us;   /* microseconds since 1970-01-01T00:00:00Z */
  int offset_minutes; /* offset used when printing local time */
} iatk_instant;

/* Parses RFC 3339 ("2023-10-18T21:08:04.782196-07:00", "...Z").  0 or EINVAL. */
int iatk__instant_parse(const char *text, iatk_instant *out, iatk_error *err);
/* "2023-10-18T21:08:04.782196-07:00" (Python isoformat style, local offset). */
size_t iatk__instant_format_local(const iatk_instant *t, char out[40]);
/* "2019-11-30T09:02:36Z" (EventBridge style: UTC, whole seconds). */
size_t iatk__instant_format_utc(const iatk_instant *t, char out[40]);

/* A pinned clock, or the system clock when not pinned. */
typedef struct iatk_clock {
  int pinned;
  iatk_instant instant;
  int64_t offset_second; /* second for which offset_minutes was computed */
  int offset_minutes;    /* cached: localtime_r is costly per event */
} iatk_clock;
iatk_instant iatk__clock_read(iatk_clock *c);
int iatk__clock_pin(iatk_clock *c, const char *rfc3339, iatk_error *err);

/* ------------------------------------------------------------ randomness */

/* Counter-based generator: every draw is a pure function of
 * (seed, stream, counter), so event i never depends on event i-1. */
typedef struct iatk_rng {
  uint64_t key;
  uint64_t counter;
} iatk_rng;

void iatk__rng_init(iatk_rng *r, uint64_t seed, uint64_t stream);
/* SplitMix64's finaliser, and the next draw: a hash of (key, counter).
 * Inline, as per-event values (UUIDs, digits) draw many times. */
static inline uint64_t iatk__rng_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static inline uint64_t iatk__rng_next(iatk_rng *r) {
  return iatk__rng_mix64(r->key + 0x9e3779b97f4a7c15ULL * ++r->counter);
}
/* digits.c: "00" "01" ... "99", two characters per number; and `digits`
 * (even) lowercase hex digits of v, written at out without a NUL. */
extern const char iatk__decimal_pairs[201];
extern const char iatk__hex_pairs[513];
static inline void iatk__put_hex(char *out, uint64_t v, int digits) {
  for (int i = digits - 2; i >= 0; i -= 2, v >>= 8)
    memcpy(out + i, iatk__hex_pairs + 2 * (v & 0xff), 2);
}
/* Uniform in [0, n) (n > 0). */
uint64_t iatk__rng_below(iatk_rng *r, uint64_t n);
/* Seeds from the operating system's randomness (getrandom). */
void iatk__rng_init_fresh(iatk_rng *r);
/* Writes a UUID version 4 ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"). */
void iatk__rng_uuid4(iatk_rng *r, char out[37]);

/* ------------------------------------------------------------ small files */

/* Reads a whole file ("-" = stdin), refusing more than `limit` bytes
 * (a regular file before reading it, anything else after limit + 1). */
char *iatk__read_file(const char *path, size_t limit, size_t *len,
                      iatk_error *err);
/* The same for an open descriptor, which it closes; `name` is for messages. */
char *iatk__read_fd(int fd, const char *name, size_t limit, size_t *len,
                    iatk_error *err);

/* ---------------------------------------------------------- JSON pointers */

/* Decodes the token after the '/' at *p into `token` ("~0", "~1", and with
 * `percent` the %XX escapes of URI fragments) and moves *p to its end.
 * 0, or -1 for a malformed escape. */
int iatk__pointer_token(const char **p, int percent, iatk_buf *token);
/* An array index token: a decimal without leading zeros, or "-" (which
 * means `size`, one past the end).  -1 when it is neither. */
long iatk__pointer_index(const char *token, size_t size);
/* "#/a/b" + "c/d" -> "#/a/b/c~1d" (RFC 6901 escaping).  Caller frees;
 * NULL when memory ran out. */
char *iatk__pointer_append(const char *parent, const char *key);
/* "#/a" + 3 -> "#/a/3". */
char *iatk__pointer_append_index(const char *parent, size_t index);
/* The value at `pointer` ("" or "/a/0") below `root`, or NULL. */
const json_t *iatk__pointer_get(const json_t *root, const char *pointer,
                                int percent);

/* ------------------------------------------------------------ pointer map */

/* Maps addresses (schema objects) to node numbers.  Open addressing; no
 * removal, which compile never needs. */
typedef struct iatk_ptrmap {
  const void **keys;
  int *values;
  size_t count;
  size_t cap;
} iatk_ptrmap;

void iatk__ptrmap_init(iatk_ptrmap *m);
void iatk__ptrmap_release(iatk_ptrmap *m);
/* The value stored for key, or -1. */
int iatk__ptrmap_get(const iatk_ptrmap *m, const void *key);
int iatk__ptrmap_put(iatk_ptrmap *m, const void *key, int value);

#endif
