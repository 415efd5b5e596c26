/* Parsing ECMA-262 patterns into an rx_program (see regex_gen.h).
 *
 * The pattern is read as ECMA-262 with its Annex B (the reading of web
 * browsers and of most JSON Schema validators), plus \p{...} and \u{...} of
 * Unicode mode.  Escapes are decoded by the helpers the matcher's own
 * translation uses (validate/regex.h), so a generated string is what PCRE2
 * then matches.  The pattern is (pointer, length): U+0000 is a character. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "regex/regex_internal.h"
#include "regex/regex.h"

typedef struct parser {
  const char *p, *end;
  const char *pattern; /* the whole pattern, for group names */
  size_t len;
  rx_program *prog;
  int groups;       /* capturing groups opened so far */
  int total_groups; /* in the whole pattern: \2 may precede group 2 */
  int failed;       /* out of memory */
  int depth;
  int scans; /* Unicode scans left for classes without representatives */
} parser;

#define MAX_RX_DEPTH 200

static size_t left(const parser *ps) { return (size_t)(ps->end - ps->p); }
static int more(const parser *ps) { return ps->p < ps->end; }

/* The byte k places ahead, or -1 past the end (U+0000 is a byte like any). */
static int ahead(const parser *ps, size_t k) {
  return left(ps) > k ? (unsigned char)ps->p[k] : -1;
}

static int add_node(parser *ps, rx_node node) {
  rx_program *g = ps->prog;
  if (IATK_ARRAY_GROW(g->nodes, g->cap, g->count + 1, SIZE_MAX) != IATK_OK) {
    ps->failed = 1;
    return -1;
  }
  g->nodes[g->count] = node;
  return (int)g->count++;
}

/* Appends n kid indexes; an empty group or alternative "()" "(|a)" has
 * none, and then `kids` may be NULL: nothing is copied. */
static int add_kids(parser *ps, const int *kids, int n) {
  rx_program *g = ps->prog;
  int first = (int)g->kid_count;
  if (n == 0)
    return first;
  int *all = realloc(g->kids, (g->kid_count + (size_t)n) * sizeof *all);
  if (!all) {
    ps->failed = 1;
    return 0;
  }
  g->kids = all;
  memcpy(all + g->kid_count, kids, (size_t)n * sizeof *kids);
  g->kid_count += (size_t)n;
  return first;
}

/* ------------------------------------------------------------- sets */

static void set_add(rx_set *s, uint32_t lo, uint32_t hi, parser *ps) {
  if (IATK_ARRAY_GROW(s->ranges, s->cap, s->count + 1, SIZE_MAX) != IATK_OK) {
    ps->failed = 1;
    return;
  }
  s->ranges[s->count][0] = lo;
  s->ranges[s->count][1] = hi;
  s->count++;
}

/* \d \w \s (any case) as ranges.  \s is only ASCII whitespace: ECMA's also
 * has U+00A0, U+FEFF and others that PCRE2 (without UCP) or Python do not
 * count, and a generated string must match for every reader. */
static void add_class(rx_set *s, int cls, parser *ps) {
  switch (tolower(cls)) {
  case 'd': set_add(s, '0', '9', ps); break;
  case 'w':
    set_add(s, 'a', 'z', ps);
    set_add(s, 'A', 'Z', ps);
    set_add(s, '0', '9', ps);
    set_add(s, '_', '_', ps);
    break;
  case 's':
    set_add(s, ' ', ' ', ps);
    set_add(s, '\t', '\r', ps);
    break;
  }
}

static int is_class_escape(int ch) { return ch > 0 && strchr("dDwWsS", ch); }

/* \p{...} or \P{...} with its closing brace, ps->p at the letter. */
static int is_property(const parser *ps) {
  return (ahead(ps, 0) == 'p' || ahead(ps, 0) == 'P') && ahead(ps, 1) == '{' &&
         memchr(ps->p, '}', left(ps));
}

static int new_set(parser *ps, rx_set **out) {
  rx_program *g = ps->prog;
  rx_set *sets = realloc(g->sets, (g->set_count + 1) * sizeof *sets);
  if (!sets) {
    ps->failed = 1;
    return -1;
  }
  g->sets = sets;
  memset(&sets[g->set_count], 0, sizeof *sets);
  *out = &sets[g->set_count];
  return (int)g->set_count++;
}

/* Replaces set idx by what PCRE2 finds the class `text` matches (\p{...},
 * or a class with \p, \D, \W or \S in it), as a positive set. */
static int resolve_set(parser *ps, int idx, const char *text, size_t len) {
  uint32_t *members = malloc(RX_MEMBERS_MAX * sizeof *members);
  if (!members) {
    ps->failed = 1;
    return -1;
  }
  int n = iatk__rx_class_members(text, len, members, &ps->scans);
  rx_set *s = &ps->prog->sets[idx];
  s->count = 0;
  s->negated = 0;
  for (int i = 0; i < n; i++) {
    if (s->count && s->ranges[s->count - 1][1] + 1 == members[i])
      s->ranges[s->count - 1][1]++; /* runs such as a..z stay one range */
    else
      set_add(s, members[i], members[i], ps);
  }
  free(members);
  return n < 0 ? -1 : 0;
}

/* Decodes the UTF-8 character at ps->p and advances; -1 if malformed. */
static long utf8_char(parser *ps) {
  const unsigned char *u = (const unsigned char *)ps->p;
  size_t n = 1, avail = left(ps);
  if (avail == 0)
    return -1;
  uint32_t cp = u[0];
  if (u[0] >= 0xf0) {
    cp = u[0] & 7;
    n = 4;
  } else if (u[0] >= 0xe0) {
    cp = u[0] & 15;
    n = 3;
  } else if (u[0] >= 0xc0) {
    cp = u[0] & 31;
    n = 2;
  } else if (u[0] >= 0x80) {
    return -1;
  }
  if (n > avail)
    return -1;
  for (size_t i = 1; i < n; i++) {
    if ((u[i] & 0xc0) != 0x80)
      return -1;
    cp = (cp << 6) | (u[i] & 63);
  }
  ps->p += n;
  return (long)cp;
}

static int hex2(const parser *ps, uint32_t *out) {
  uint32_t v = 0;
  for (size_t i = 1; i <= 2; i++) {
    int ch = ahead(ps, i);
    if (ch < 0 || !isxdigit(ch))
      return 0;
    v = v * 16 + (uint32_t)(isdigit(ch) ? ch - '0' : tolower(ch) - 'a' + 10);
  }
  *out = v;
  return 1;
}

/* A character escape, ps->p just after the '\': its code point, or -1 when
 * it is not one character (a class, an assertion, a reference) or is
 * malformed.  Reads escapes as translate_escape() in validate/regex.c does:
 * \0 and legacy octal, \xHH, \uHHHH, \u{...}, surrogate pairs, \cX, and any
 * other letter or character standing for itself (Annex B). */
static long escape_char(parser *ps, int in_class) {
  int ch = ahead(ps, 0);
  uint32_t v;
  size_t used;
  if (ch < 0)
    return -1;
  if (isdigit(ch)) {
    int backref;
    used = iatk__regex_decimal_escape(ps->p, left(ps), in_class,
                                      ps->total_groups, &backref, &v);
    if (backref)
      return -1;
    ps->p += used;
    return (long)v;
  }
  if (ch == 'u' &&
      (used = iatk__regex_unicode_escape(ps->p, left(ps), &v)) != 0) {
    ps->p += used;
    return (long)v;
  }
  if (ch == 'x' && hex2(ps, &v)) {
    ps->p += 3;
    return (long)v;
  }
  if (ch == 'c') {
    int next = ahead(ps, 1);
    if (next > 0 &&
        (isalpha(next) || (in_class && (isdigit(next) || next == '_')))) {
      ps->p += 2;
      return next % 32;
    }
    return '\\'; /* Annex B: a backslash; the 'c' is read next as itself */
  }
  if (is_class_escape(ch) || is_property(ps) ||
      (ch == 'k' && ahead(ps, 1) == '<') ||
      (!in_class && (ch == 'b' || ch == 'B')))
    return -1;
  ps->p++;
  switch (ch) {
  case 'n': return '\n';
  case 't': return '\t';
  case 'r': return '\r';
  case 'f': return '\f';
  case 'v': return 0x0b;
  case 'b': return '\b'; /* in a class */
  }
  if (ch < 0x80)
    return ch; /* an identity escape, U+0000 included */
  ps->p--;
  return utf8_char(ps);
}

/* The '\' of a class member's escape at ps->p: a class (\d, \p{...}) rather
 * than a character? */
static int class_escape_at(const parser *ps) {
  if (ahead(ps, 0) != '\\')
    return 0;
  parser after = *ps;
  after.p++;
  return is_class_escape(ahead(&after, 0)) || is_property(&after);
}

/* Reads one class member into s: a character, a range, \d \w \s.  Members
 * only PCRE2 can enumerate (\D \W \S \p{...}) set *complex.  0 when
 * malformed. */
static int class_member(parser *ps, rx_set *s, int *complex) {
  long lo;
  if (class_escape_at(ps)) {
    ps->p++;
    int ch = ahead(ps, 0);
    if (is_class_escape(ch) && islower(ch)) {
      add_class(s, ch, ps);
      ps->p++;
    } else {
      *complex = 1;
      ps->p = ch == 'p' || ch == 'P'
                  ? (const char *)memchr(ps->p, '}', left(ps)) + 1
                  : ps->p + 1;
    }
    return 1;
  }
  if (ahead(ps, 0) == '\\') {
    ps->p++;
    lo = escape_char(ps, 1);
  } else {
    lo = utf8_char(ps);
  }
  if (lo < 0)
    return 0;
  if (ahead(ps, 0) != '-' || ahead(ps, 1) < 0 || ahead(ps, 1) == ']') {
    set_add(s, (uint32_t)lo, (uint32_t)lo, ps);
    return 1;
  }
  ps->p++;
  if (class_escape_at(ps)) { /* Annex B: [a-\d] is "a", "-" and \d */
    ps->p--;
    set_add(s, (uint32_t)lo, (uint32_t)lo, ps);
    return 1;
  }
  long hi;
  if (ahead(ps, 0) == '\\') {
    ps->p++;
    hi = escape_char(ps, 1);
  } else {
    hi = utf8_char(ps);
  }
  if (hi < lo)
    return 0;
  set_add(s, (uint32_t)lo, (uint32_t)hi, ps);
  return 1;
}

/* "[...]", ps->p after the '['.  "[]" matches nothing, "[^]" anything. */
static int parse_class(parser *ps) {
  const char *start = ps->p - 1;
  rx_set *s;
  int idx = new_set(ps, &s);
  if (idx < 0)
    return -1;
  if (ahead(ps, 0) == '^') {
    s->negated = 1;
    ps->p++;
  }
  int complex = 0;
  while (more(ps) && *ps->p != ']')
    if (!class_member(ps, &ps->prog->sets[idx], &complex))
      return -1;
  if (!more(ps))
    return -1;
  ps->p++;
  if (complex && resolve_set(ps, idx, start, (size_t)(ps->p - start)) != 0)
    return -1;
  return add_node(ps, (rx_node){.kind = RX_SET, .set = idx});
}

static int single_set(parser *ps, uint32_t lo, uint32_t hi, int negated) {
  rx_set *s;
  int idx = new_set(ps, &s);
  if (idx < 0)
    return -1;
  s->negated = negated;
  set_add(s, lo, hi, ps);
  return add_node(ps, (rx_node){.kind = RX_SET, .set = idx});
}

static int class_node(parser *ps, int cls) {
  rx_set *s;
  int idx = new_set(ps, &s);
  if (idx < 0)
    return -1;
  s->negated = isupper(cls) != 0;
  add_class(s, cls, ps);
  return add_node(ps, (rx_node){.kind = RX_SET, .set = idx});
}

/* ".": anything but the four line terminators. */
static int dot_node(parser *ps) {
  int node = single_set(ps, '\n', '\n', 1);
  if (node >= 0) {
    rx_set *s = &ps->prog->sets[ps->prog->set_count - 1];
    set_add(s, '\r', '\r', ps);
    set_add(s, 0x2028, 0x2029, ps);
  }
  return node;
}

/* ------------------------------------------------------------- atoms */

static int parse_alt(parser *ps);
static int braces(parser *ps, int *min, int *max);

/* A lookaround generates nothing, or for a positive one also its body's
 * text: "a(?=b)" and "(?<=a)b" need it, "^(?=a)a$" must not have it; the
 * first (and minimal) choice is nothing, and the PCRE2 check decides. */
static int lookaround_node(parser *ps, int body) {
  int empty = add_node(ps, (rx_node){.kind = RX_EMPTY});
  if (body < 0 || empty < 0)
    return empty;
  int kids[2] = {empty, body};
  int first = add_kids(ps, kids, 2);
  return add_node(ps, (rx_node){.kind = RX_ALT, .first = first, .count = 2});
}

static int parse_group(parser *ps) {
  int capture = 1, lookaround = 0; /* 1 positive, -1 negative */
  if (ahead(ps, 0) == '?') {
    int c1 = ahead(ps, 1), c2 = ahead(ps, 2);
    capture = 0;
    if (c1 == ':') {
      ps->p += 2;
    } else if (c1 == '=' || c1 == '!') {
      ps->p += 2;
      lookaround = c1 == '=' ? 1 : -1;
    } else if (c1 == '<' && (c2 == '=' || c2 == '!')) {
      ps->p += 3;
      lookaround = c2 == '=' ? 1 : -1;
    } else if (c1 == '<') {
      const char *close = memchr(ps->p, '>', left(ps));
      if (!close)
        return -1;
      ps->p = close + 1;
      capture = 1;
    } else {
      return -1;
    }
  }
  int index = capture ? ++ps->groups : 0;
  int body = parse_alt(ps);
  if (body < 0 || ahead(ps, 0) != ')')
    return -1;
  ps->p++;
  if (lookaround)
    return lookaround_node(ps, lookaround > 0 ? body : -1);
  if (index > RX_MAX_GROUPS)
    return body;
  return add_node(ps, (rx_node){.kind = RX_GROUP, .a = index, .first = body});
}

static int backref_node(parser *ps, int group) {
  if (group > RX_MAX_GROUPS)
    return -1; /* its text is not recorded */
  return add_node(ps, (rx_node){.kind = RX_BACKREF, .a = group});
}

/* \k<name>, ps->p at the 'k'. */
static int named_backref(parser *ps) {
  const char *close = memchr(ps->p, '>', left(ps));
  if (!close)
    return -1;
  int group = iatk__regex_groups(ps->pattern, ps->len, ps->p + 2,
                                 (size_t)(close - ps->p - 2));
  ps->p = close + 1;
  return group > 0 ? backref_node(ps, group) : -1;
}

/* \p{...} or \P{...} outside a class, ps->p at the letter. */
static int property_node(parser *ps) {
  const char *start = ps->p - 1;
  ps->p = (const char *)memchr(ps->p, '}', left(ps)) + 1;
  rx_set *s;
  int idx = new_set(ps, &s);
  if (idx < 0 || resolve_set(ps, idx, start, (size_t)(ps->p - start)) != 0)
    return -1;
  return add_node(ps, (rx_node){.kind = RX_SET, .set = idx});
}

static int parse_escape_atom(parser *ps) {
  int ch = ahead(ps, 0);
  if (is_class_escape(ch)) {
    ps->p++;
    return class_node(ps, ch);
  }
  if (ch == 'b' || ch == 'B') {
    ps->p++;
    return add_node(ps, (rx_node){.kind = RX_EMPTY});
  }
  if (ch >= '1' && ch <= '9') {
    int backref;
    uint32_t v;
    size_t used = iatk__regex_decimal_escape(ps->p, left(ps), 0,
                                             ps->total_groups, &backref, &v);
    if (backref) {
      ps->p += used;
      return backref_node(ps, backref);
    }
  }
  if (ch == 'k' && ahead(ps, 1) == '<')
    return named_backref(ps);
  if (is_property(ps))
    return property_node(ps);
  long cp = escape_char(ps, 0);
  return cp < 0 ? -1 : single_set(ps, (uint32_t)cp, (uint32_t)cp, 0);
}

/* A literal character (one or more UTF-8 bytes). */
static int literal(parser *ps) {
  long cp = utf8_char(ps);
  return cp < 0 ? -1 : single_set(ps, (uint32_t)cp, (uint32_t)cp, 0);
}

static int parse_atom(parser *ps) {
  int min, max;
  switch (ahead(ps, 0)) {
  case '(': ps->p++; return parse_group(ps);
  case '[': ps->p++; return parse_class(ps);
  case '.': ps->p++; return dot_node(ps);
  case '^':
  case '$': ps->p++; return add_node(ps, (rx_node){.kind = RX_EMPTY});
  case '\\': ps->p++; return more(ps) ? parse_escape_atom(ps) : -1;
  case '*':
  case '+':
  case '?':
  case ')':
  case '|': return -1;
  case '{': /* a literal brace, unless it is a quantifier with nothing to repeat */
    if (braces(ps, &min, &max))
      return -1;
    ps->p++;
    return single_set(ps, '{', '{', 0);
  default: return literal(ps);
  }
}

/* ------------------------------------------------------- quantifiers */

static int read_int(parser *ps, int *out) {
  if (ahead(ps, 0) < 0 || !isdigit(ahead(ps, 0)))
    return 0;
  long v = 0;
  for (; more(ps) && isdigit((unsigned char)*ps->p); ps->p++)
    if (v <= 100000)
      v = v * 10 + (*ps->p - '0');
  *out = v > 100000 ? 100000 : (int)v; /* the walk stops at 1 MiB anyway */
  return 1;
}

/* Reads {n}, {n,}, {n,m} at ps->p; anything else leaves ps->p alone (a
 * '{' that is not a quantifier is a literal). */
static int braces(parser *ps, int *min, int *max) {
  const char *save = ps->p;
  ps->p++;
  if (read_int(ps, min)) {
    *max = *min;
    if (ahead(ps, 0) == ',') {
      ps->p++;
      *max = -1;
      read_int(ps, max);
    }
    if (ahead(ps, 0) == '}') {
      ps->p++;
      return 1;
    }
  }
  ps->p = save;
  return 0;
}

static int quantify(parser *ps, int atom) {
  int min, max;
  int ch = ahead(ps, 0);
  if (ch == '*' || ch == '+' || ch == '?') {
    ps->p++;
    min = ch == '+';
    max = ch == '?' ? 1 : -1;
  } else if (ch != '{' || !braces(ps, &min, &max)) {
    return atom;
  }
  if (ahead(ps, 0) == '?')
    ps->p++; /* lazy: same language */
  if (max >= 0 && max < min)
    return -1;
  return add_node(
      ps, (rx_node){.kind = RX_REPEAT, .a = min, .b = max, .first = atom});
}

/* ------------------------------------------------ sequences, alternation */

/* A growable list of node numbers while a sequence or alternation is read. */
typedef struct kid_list {
  int *items;
  size_t count, cap;
} kid_list;

static int kid_push(kid_list *k, int node) {
  if (IATK_ARRAY_GROW(k->items, k->cap, k->count + 1, SIZE_MAX) != IATK_OK)
    return -1;
  k->items[k->count++] = node;
  return 0;
}

/* Turns a kid list into a node of `kind` (frees the list). */
static int kids_node(parser *ps, kid_list *k, rx_kind kind) {
  int first = add_kids(ps, k->items, (int)k->count);
  int count = (int)k->count;
  free(k->items);
  return add_node(ps, (rx_node){.kind = kind, .first = first, .count = count});
}

static int parse_seq(parser *ps) {
  kid_list kids = {0};
  while (more(ps) && *ps->p != '|' && *ps->p != ')') {
    int atom = parse_atom(ps);
    if (atom >= 0)
      atom = quantify(ps, atom);
    if (atom < 0 || kid_push(&kids, atom) != 0) {
      free(kids.items);
      return -1;
    }
  }
  return kids_node(ps, &kids, RX_SEQ);
}

static int parse_alt(parser *ps) {
  if (++ps->depth > MAX_RX_DEPTH)
    return -1;
  kid_list kids = {0};
  for (;;) {
    int seq = parse_seq(ps);
    if (seq < 0 || kid_push(&kids, seq) != 0) {
      free(kids.items);
      return -1;
    }
    if (ahead(ps, 0) != '|')
      break;
    ps->p++;
  }
  ps->depth--;
  if (kids.count == 1) {
    int only = kids.items[0];
    free(kids.items);
    return only;
  }
  return kids_node(ps, &kids, RX_ALT);
}

rx_program *iatk__rx_parse_n(const char *pattern, size_t len) {
  if (!pattern)
    pattern = "";
  rx_program *prog = calloc(1, sizeof *prog);
  if (!prog)
    return NULL;
  parser ps = {.p = pattern,
               .end = pattern + len,
               .pattern = pattern,
               .len = len,
               .prog = prog,
               .total_groups = iatk__regex_groups(pattern, len, NULL, 0),
               .scans = 2};
  prog->root = parse_alt(&ps);
  if (prog->root < 0 || ps.failed || more(&ps)) {
    iatk__rx_free(prog);
    return NULL;
  }
  return prog;
}

rx_program *iatk__rx_parse(const char *pattern) {
  return iatk__rx_parse_n(pattern, pattern ? strlen(pattern) : 0);
}

void iatk__rx_free(rx_program *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->set_count; i++)
    free(p->sets[i].ranges);
  free(p->sets);
  free(p->nodes);
  free(p->kids);
  free(p);
}
