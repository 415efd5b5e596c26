/* Walking an rx_program to produce a string the pattern matches. */
#include <string.h>

#include "regex/regex_internal.h"

/* Output past which a walk gives up: the candidate is then too long for any
 * sensible string, and the PCRE2 check rejects what was produced. */
#define RX_MAX_OUTPUT (1u << 20)

typedef struct rx_walk {
  const rx_program *p;
  iatk_rng *rng;
  int minimal, extra;
  iatk_buf *out;
  size_t group_start[RX_MAX_GROUPS + 1], group_end[RX_MAX_GROUPS + 1];
  int depth;
  int stop; /* over RX_MAX_OUTPUT: every pending repetition ends too */
} rx_walk;

/* Characters tried, in order, for a negated set: readable ones first. */
static const char pool[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " _-.!#$%&()*+,/:;<=>?@[]^{|}~'\"\\`";

size_t iatk__rx_utf8(uint32_t cp, char b[4]) {
  if (cp < 0x80) {
    b[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    b[0] = (char)(0xc0 | (cp >> 6));
    b[1] = (char)(0x80 | (cp & 63));
    return 2;
  }
  if (cp < 0x10000) {
    b[0] = (char)(0xe0 | (cp >> 12));
    b[1] = (char)(0x80 | ((cp >> 6) & 63));
    b[2] = (char)(0x80 | (cp & 63));
    return 3;
  }
  b[0] = (char)(0xf0 | (cp >> 18));
  b[1] = (char)(0x80 | ((cp >> 12) & 63));
  b[2] = (char)(0x80 | ((cp >> 6) & 63));
  b[3] = (char)(0x80 | (cp & 63));
  return 4;
}

uint32_t iatk__rx_utf8_decode(const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  if (u[0] < 0x80)
    return u[0];
  size_t n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : 2;
  uint32_t cp = u[0] & (0x7f >> n);
  for (size_t i = 1; i < n; i++)
    cp = (cp << 6) | (u[i] & 63);
  return cp;
}

static void put_utf8(iatk_buf *out, uint32_t cp) {
  char b[4];
  iatk__buf_append(out, b, iatk__rx_utf8(cp, b));
}

static int in_set(const rx_set *s, uint32_t cp) {
  for (size_t i = 0; i < s->count; i++)
    if (cp >= s->ranges[i][0] && cp <= s->ranges[i][1])
      return 1;
  return 0;
}

/* Surrogates cannot be encoded in UTF-8; U+0000 can (JSON writes \u0000). */
static int usable(uint32_t cp) {
  return (cp < 0xd800 || cp > 0xdfff) && cp <= 0x10ffff;
}

/* A character outside the set, or -1 when none is found. */
static long pick_negated(rx_walk *w, const rx_set *s) {
  uint32_t options[sizeof pool];
  size_t n = 0;
  for (size_t i = 0; i + 1 < sizeof pool; i++)
    if (!in_set(s, (unsigned char)pool[i]))
      options[n++] = (unsigned char)pool[i];
  if (n == 0) {
    for (uint32_t cp = 0xa1; cp < 0x250; cp++)
      if (!in_set(s, cp))
        return cp;
    return -1;
  }
  return w->minimal ? options[0] : options[iatk__rng_below(w->rng, n)];
}

/* The minimal choice: the first character that is not a control, so
 * [\0-\uFFFF] gives " " rather than U+0000; else the first one. */
static long first_of(const rx_set *s) {
  for (size_t i = 0; i < s->count; i++) {
    uint32_t lo = s->ranges[i][0], hi = s->ranges[i][1];
    uint32_t cp = lo < 0x20 ? 0x20 : lo >= 0x7f && lo < 0xa0 ? 0xa0 : lo;
    if (cp <= hi && usable(cp))
      return (long)cp;
  }
  for (size_t i = 0; i < s->count; i++)
    if (usable(s->ranges[i][0]))
      return (long)s->ranges[i][0];
  return -1;
}

/* A character of the set, or -1 when it has none ("[]" matches nothing:
 * the candidate will be rejected). */
static long pick_positive(rx_walk *w, const rx_set *s) {
  uint64_t total = 0;
  for (size_t i = 0; i < s->count; i++)
    total += s->ranges[i][1] - s->ranges[i][0] + 1;
  if (total == 0)
    return -1;
  long first = w->minimal ? first_of(s) : -1;
  if (first >= 0)
    return first;
  for (int tries = 0; tries < 16; tries++) {
    uint64_t k = iatk__rng_below(w->rng, total);
    for (size_t i = 0; i < s->count; i++) {
      uint64_t size = s->ranges[i][1] - s->ranges[i][0] + 1;
      if (k < size) {
        uint32_t cp = s->ranges[i][0] + (uint32_t)k;
        if (usable(cp))
          return cp;
        break;
      }
      k -= size;
    }
  }
  return -1;
}

static void walk(rx_walk *w, int node);

/* Appends out[start, end); reserves first since the source is the buffer. */
static void copy_group(iatk_buf *out, size_t start, size_t end) {
  size_t len = end - start;
  if (iatk__buf_reserve(out, len) != 0)
    return;
  memcpy(out->data + out->len, out->data + start, len);
  out->len += len;
  out->data[out->len] = '\0';
}

static void walk_kids(rx_walk *w, const rx_node *n) {
  for (int i = 0; i < n->count; i++)
    walk(w, w->p->kids[n->first + i]);
}

static void walk_repeat(rx_walk *w, const rx_node *n) {
  int times = n->a;
  if (!w->minimal) {
    int room = n->b < 0 ? w->extra : n->b - n->a;
    if (room > w->extra)
      room = w->extra;
    times += room > 0 ? (int)iatk__rng_below(w->rng, (uint64_t)room + 1) : 0;
  }
  for (int i = 0; i < times && !w->out->failed && !w->stop; i++)
    walk(w, n->first);
}

static void walk(rx_walk *w, int node) {
  const rx_node *n = &w->p->nodes[node];
  if (w->out->len > RX_MAX_OUTPUT)
    w->stop = 1; /* ((a{1000}){1000}){1000}: not 1e9 more calls */
  if (w->stop || w->depth >= 400)
    return; /* a pathological pattern: the check will reject the result */
  w->depth++;
  switch (n->kind) {
  case RX_EMPTY: break;
  case RX_SET: {
    const rx_set *s = &w->p->sets[n->set];
    long cp = s->negated ? pick_negated(w, s) : pick_positive(w, s);
    if (cp >= 0)
      put_utf8(w->out, (uint32_t)cp);
    break;
  }
  case RX_SEQ: walk_kids(w, n); break;
  case RX_ALT: {
    int k = w->minimal ? 0 : (int)iatk__rng_below(w->rng, (uint64_t)n->count);
    walk(w, w->p->kids[n->first + k]);
    break;
  }
  case RX_REPEAT: walk_repeat(w, n); break;
  case RX_GROUP:
    w->group_start[n->a] = w->out->len;
    walk(w, n->first);
    w->group_end[n->a] = w->out->len;
    break;
  case RX_BACKREF:
    if (n->a <= RX_MAX_GROUPS && w->group_end[n->a] > w->group_start[n->a])
      copy_group(w->out, w->group_start[n->a], w->group_end[n->a]);
    break;
  }
  w->depth--;
}

void iatk__rx_generate(const rx_program *p, iatk_rng *rng, int minimal,
                       int extra, iatk_buf *out) {
  rx_walk w = {
      .p = p, .rng = rng, .minimal = minimal, .extra = extra, .out = out};
  walk(&w, p->root);
}
