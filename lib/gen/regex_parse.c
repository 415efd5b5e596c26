/* Parsing ECMA-262 patterns into an rx_program (see regex_gen.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gen/regex_internal.h"

typedef struct parser {
  const char *p;
  rx_program *prog;
  int groups;
  int failed;
  int depth;
} parser;

#define MAX_RX_DEPTH 200

static int add_node(parser *ps, rx_node node) {
  rx_program *g = ps->prog;
  if (g->count == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 32;
    rx_node *nodes = realloc(g->nodes, cap * sizeof *nodes);
    if (!nodes) {
      ps->failed = 1;
      return -1;
    }
    g->nodes = nodes;
    g->cap = cap;
  }
  g->nodes[g->count] = node;
  return (int)g->count++;
}

static int add_kids(parser *ps, const int *kids, int n) {
  rx_program *g = ps->prog;
  int *all = realloc(g->kids, (g->kid_count + (size_t)n + 1) * sizeof *all);
  if (!all) {
    ps->failed = 1;
    return 0;
  }
  g->kids = all;
  memcpy(all + g->kid_count, kids, (size_t)n * sizeof *kids);
  int first = (int)g->kid_count;
  g->kid_count += (size_t)n;
  return first;
}

/* ------------------------------------------------------------- sets */

static void set_add(rx_set *s, uint32_t lo, uint32_t hi, parser *ps) {
  if (s->count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    uint32_t(*r)[2] = realloc(s->ranges, cap * sizeof *r);
    if (!r) {
      ps->failed = 1;
      return;
    }
    s->ranges = r;
    s->cap = cap;
  }
  s->ranges[s->count][0] = lo;
  s->ranges[s->count][1] = hi;
  s->count++;
}

static void add_class(rx_set *s, char cls, parser *ps) {
  switch (tolower((unsigned char)cls)) {
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
    set_add(s, 0xa0, 0xa0, ps);
    set_add(s, 0x2028, 0x2029, ps);
    set_add(s, 0xfeff, 0xfeff, ps);
    break;
  }
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

static int hex_digits(parser *ps, int n, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < n; i++) {
    char ch = ps->p[i];
    if (!isxdigit((unsigned char)ch))
      return 0;
    v = v * 16 + (uint32_t)(isdigit((unsigned char)ch) ? ch - '0' : tolower((unsigned char)ch) - 'a' + 10);
  }
  ps->p += n;
  *out = v;
  return 1;
}

/* A single-character escape after '\'; returns the code point or -1. */
static long escape_char(parser *ps) {
  char ch = *ps->p++;
  uint32_t v;
  switch (ch) {
  case 'n': return '\n';
  case 't': return '\t';
  case 'r': return '\r';
  case 'f': return '\f';
  case 'v': return '\v';
  case '0': return isdigit((unsigned char)*ps->p) ? -1 : 0;
  case 'x': return hex_digits(ps, 2, &v) ? (long)v : -1;
  case 'c': return isalpha((unsigned char)*ps->p) ? (*ps->p++ % 32) : -1;
  case 'u':
    if (*ps->p == '{') {
      ps->p++;
      const char *start = ps->p;
      while (isxdigit((unsigned char)*ps->p))
        ps->p++;
      int n = (int)(ps->p - start);
      ps->p = start;
      if (n == 0 || n > 6 || !hex_digits(ps, n, &v) || *ps->p++ != '}')
        return -1;
      return (long)v;
    }
    return hex_digits(ps, 4, &v) ? (long)v : -1;
  case '\0': return -1;
  default:
    return isalnum((unsigned char)ch) ? -1 : (unsigned char)ch;
  }
}

/* \p{...}: letters and digits are approximated by ASCII; other properties
 * are not known to the generator. */
static int property_escape(parser *ps, rx_set *s) {
  if (*ps->p != '{')
    return 0;
  const char *end = strchr(ps->p, '}');
  if (!end)
    return 0;
  size_t n = (size_t)(end - ps->p - 1);
  const char *name = ps->p + 1;
  ps->p = end + 1;
  if ((n == 1 && *name == 'L') || (n == 6 && !strncmp(name, "Letter", 6))) {
    set_add(s, 'a', 'z', ps);
    set_add(s, 'A', 'Z', ps);
    return 1;
  }
  if (n == 2 && !strncmp(name, "Nd", 2)) {
    set_add(s, '0', '9', ps);
    return 1;
  }
  return 0;
}

/* Decodes the UTF-8 character at ps->p and advances; -1 if malformed. */
static long utf8_char(parser *ps) {
  const unsigned char *u = (const unsigned char *)ps->p;
  uint32_t cp = u[0];
  int n = 1;
  if (u[0] >= 0xf0) {
    cp = u[0] & 7;
    n = 4;
  } else if (u[0] >= 0xe0) {
    cp = u[0] & 15;
    n = 3;
  } else if (u[0] >= 0xc0) {
    cp = u[0] & 31;
    n = 2;
  }
  for (int i = 1; i < n; i++) {
    if ((u[i] & 0xc0) != 0x80)
      return -1;
    cp = (cp << 6) | (u[i] & 63);
  }
  ps->p += n;
  return (long)cp;
}

/* Reads one class member: a character, a range or an escape class. */
static int class_member(parser *ps, rx_set *s) {
  long lo;
  if (*ps->p == '\\') {
    ps->p++;
    char ch = *ps->p;
    if (strchr("dDwWsS", ch) && ch) {
      ps->p++;
      if (isupper((unsigned char)ch))
        return 0; /* negated classes inside a class: not generated */
      add_class(s, ch, ps);
      return 1;
    }
    if (ch == 'p') {
      ps->p++;
      return property_escape(ps, s);
    }
    if (ch == 'b') {
      ps->p++;
      lo = '\b';
    } else if ((lo = escape_char(ps)) < 0) {
      return 0;
    }
  } else if ((lo = utf8_char(ps)) < 0) {
    return 0;
  }
  if (ps->p[0] == '-' && ps->p[1] && ps->p[1] != ']') {
    ps->p++;
    long hi;
    if (*ps->p == '\\') {
      ps->p++;
      hi = escape_char(ps);
    } else {
      hi = utf8_char(ps);
    }
    if (hi < lo || hi > 0x10ffff)
      return 0;
    set_add(s, (uint32_t)lo, (uint32_t)hi, ps);
    return 1;
  }
  set_add(s, (uint32_t)lo, (uint32_t)lo, ps);
  return 1;
}

static int parse_class(parser *ps) {
  rx_set *s;
  int idx = new_set(ps, &s);
  if (idx < 0)
    return -1;
  if (*ps->p == '^') {
    s->negated = 1;
    ps->p++;
  }
  while (*ps->p && *ps->p != ']') {
    s = &ps->prog->sets[idx]; /* class_member may not move sets, but be safe */
    if (!class_member(ps, s))
      return -1;
  }
  if (*ps->p++ != ']')
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

static int class_node(parser *ps, char cls) {
  rx_set *s;
  int idx = new_set(ps, &s);
  if (idx < 0)
    return -1;
  s->negated = isupper((unsigned char)cls) != 0;
  add_class(s, cls, ps);
  return add_node(ps, (rx_node){.kind = RX_SET, .set = idx});
}

/* ------------------------------------------------------------- atoms */

static int parse_alt(parser *ps);

static int parse_group(parser *ps) {
  int capture = 1, lookaround = 0;
  if (*ps->p == '?') {
    ps->p++;
    capture = 0;
    if (*ps->p == ':')
      ps->p++;
    else if (*ps->p == '=' || *ps->p == '!') {
      ps->p++;
      lookaround = 1;
    } else if (*ps->p == '<' && (ps->p[1] == '=' || ps->p[1] == '!')) {
      ps->p += 2;
      lookaround = 1;
    } else if (*ps->p == '<') {
      const char *end = strchr(ps->p, '>');
      if (!end)
        return -1;
      ps->p = end + 1;
      capture = 1;
    } else {
      return -1;
    }
  }
  int index = capture ? ++ps->groups : 0;
  int body = parse_alt(ps);
  if (body < 0 || *ps->p++ != ')')
    return -1;
  if (lookaround) /* not generated: the PCRE2 check decides */
    return add_node(ps, (rx_node){.kind = RX_EMPTY});
  if (index > RX_MAX_GROUPS)
    return body;
  return add_node(ps, (rx_node){.kind = RX_GROUP, .a = index, .first = body});
}

static int parse_escape_atom(parser *ps) {
  char ch = *ps->p;
  if (ch && strchr("dDwWsS", ch)) {
    ps->p++;
    return class_node(ps, ch);
  }
  if (ch == 'b' || ch == 'B') {
    ps->p++;
    return add_node(ps, (rx_node){.kind = RX_EMPTY});
  }
  if (ch >= '1' && ch <= '9') {
    ps->p++;
    return add_node(ps, (rx_node){.kind = RX_BACKREF, .a = ch - '0'});
  }
  if (ch == 'p' || ch == 'P') {
    ps->p++;
    rx_set *s;
    int idx = new_set(ps, &s);
    if (idx < 0 || !property_escape(ps, &ps->prog->sets[idx]))
      return -1;
    ps->prog->sets[idx].negated = ch == 'P';
    return add_node(ps, (rx_node){.kind = RX_SET, .set = idx});
  }
  long cp = escape_char(ps);
  return cp < 0 ? -1 : single_set(ps, (uint32_t)cp, (uint32_t)cp, 0);
}

/* A literal character (one or more UTF-8 bytes). */
static int literal(parser *ps) {
  long cp = utf8_char(ps);
  return cp < 0 ? -1 : single_set(ps, (uint32_t)cp, (uint32_t)cp, 0);
}

static int parse_atom(parser *ps) {
  char ch = *ps->p++;
  switch (ch) {
  case '(': return parse_group(ps);
  case '[': return parse_class(ps);
  case '.': return single_set(ps, '\n', '\n', 1);
  case '^':
  case '$': return add_node(ps, (rx_node){.kind = RX_EMPTY});
  case '\\': return parse_escape_atom(ps);
  case '*': case '+': case '?': case ')': case '|': return -1;
  default:
    ps->p--;
    return literal(ps);
  }
}

/* ------------------------------------------------------- quantifiers */

static int read_int(parser *ps, int *out) {
  if (!isdigit((unsigned char)*ps->p))
    return 0;
  long v = strtol(ps->p, (char **)&ps->p, 10);
  *out = v > 100000 ? 100000 : (int)v; /* the walk stops at 1 MiB anyway */
  return 1;
}

/* Reads {n}, {n,}, {n,m}; a '{' that is not a quantifier is a literal. */
static int braces(parser *ps, int *min, int *max) {
  const char *save = ps->p;
  ps->p++;
  if (!read_int(ps, min))
    goto literal;
  *max = *min;
  if (*ps->p == ',') {
    ps->p++;
    *max = -1;
    read_int(ps, max);
  }
  if (*ps->p++ == '}')
    return 1;
literal:
  ps->p = save;
  return 0;
}

static int quantify(parser *ps, int atom) {
  int min, max;
  char ch = *ps->p;
  if (ch == '*' || ch == '+' || ch == '?') {
    ps->p++;
    min = ch == '+';
    max = ch == '?' ? 1 : -1;
  } else if (ch != '{' || !braces(ps, &min, &max)) {
    return atom;
  }
  if (*ps->p == '?')
    ps->p++; /* lazy: same language */
  if (max >= 0 && max < min)
    return -1;
  return add_node(ps, (rx_node){.kind = RX_REPEAT, .a = min, .b = max, .first = atom});
}

/* ------------------------------------------------ sequences, alternation */

/* A growable list of node numbers while a sequence or alternation is read. */
typedef struct kid_list {
  int *items;
  int count, cap;
} kid_list;

static int kid_push(kid_list *k, int node) {
  if (k->count == k->cap) {
    int cap = k->cap ? k->cap * 2 : 16;
    int *items = realloc(k->items, (size_t)cap * sizeof *items);
    if (!items)
      return -1;
    k->items = items;
    k->cap = cap;
  }
  k->items[k->count++] = node;
  return 0;
}

/* Turns a kid list into a node of `kind` (frees the list). */
static int kids_node(parser *ps, kid_list *k, rx_kind kind) {
  int first = add_kids(ps, k->items, k->count);
  int count = k->count;
  free(k->items);
  return add_node(ps, (rx_node){.kind = kind, .first = first, .count = count});
}

static int parse_seq(parser *ps) {
  kid_list kids = {0};
  while (*ps->p && *ps->p != '|' && *ps->p != ')') {
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
  do {
    int seq = parse_seq(ps);
    if (seq < 0 || kid_push(&kids, seq) != 0) {
      free(kids.items);
      return -1;
    }
  } while (*ps->p == '|' && ps->p++);
  ps->depth--;
  if (kids.count == 1) {
    int only = kids.items[0];
    free(kids.items);
    return only;
  }
  return kids_node(ps, &kids, RX_ALT);
}

rx_program *rx_parse(const char *pattern) {
  rx_program *prog = calloc(1, sizeof *prog);
  if (!prog)
    return NULL;
  parser ps = {.p = pattern, .prog = prog};
  prog->root = parse_alt(&ps);
  if (prog->root < 0 || ps.failed || *ps.p) {
    rx_free(prog);
    return NULL;
  }
  return prog;
}

void rx_free(rx_program *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->set_count; i++)
    free(p->sets[i].ranges);
  free(p->sets);
  free(p->nodes);
  free(p->kids);
  free(p);
}
