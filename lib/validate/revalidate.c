/* Incremental revalidation: a stream of events that differ from the last
 * one validated in full only inside a few string values (the generator's
 * clock text, an id) is judged by re-checking those strings alone.
 *
 * A revalidator keeps the text of the last event it validated in full and
 * found valid (the reference), and, for every string value of it (not the
 * member names), where its contents stand in the text, whether it is
 * "separable", and the schema objects that were applied to it.  The full
 * validation that makes a reference is traced (vctx.trace, one branch on
 * the plain path): iatk__v_keywords reports every schema object it applies
 * to every value, $refs followed (so the targets are recorded themselves,
 * and no base URI is needed to check them again).  A new text of the same
 * length whose differences all lie inside separable strings, and are
 * printable ASCII there, is valid when every changed string passes the
 * string keywords (iatk__v_string_keys, iatk__v_check_string_keys: type,
 * const, enum, minLength, maxLength, pattern, format) of each schema
 * object recorded for it; in any other case it is validated in full, and
 * becomes the reference when valid.  An invalid event is always found by
 * the full validator, so its message is the full validator's.
 *
 * Why that verdict is the full validator's.  Take the full validation of
 * the reference, R, and of the new text, N.  Their documents differ only
 * in the values of some separable strings (same length, same bytes outside
 * them, no escape appears or disappears, every string stays a string, no
 * member name changes).  The validator's verdict on any value is made of:
 * keywords that look at the value itself, and subschemas it applies to the
 * value or to its members and items.  For an object or an array, the
 * keywords that look at the value itself read its size, its member names,
 * the types of its children (via subschemas), and, for enum, const and
 * uniqueItems only, the values below it as a whole: a string below a
 * value that had one of these three applied is not separable (rule A).
 * Every other way a string's value reaches a verdict is through a schema
 * applied to the string itself, which ends in iatk__v_keywords with the
 * string as instance.  Those applications split in two:
 * - quiet ones (c->quiet > 0: under anyOf, oneOf, not, if, contains, at
 *   any depth), whose failure does not make the event invalid but changes
 *   what happens next (which branch counts, then or else, how many items
 *   match contains, which members anyOf marks evaluated for
 *   unevaluatedProperties/Items): a string with one is not separable
 *   (rule B);
 * - the others, on the path to a valid verdict, all of which passed in R:
 *   their string keywords are checked again on the new value.
 * (The boolean schemas true and false read no value: a false applied
 * other than quietly made R invalid.)  Then by induction over R's
 * evaluation, every application made in N gives the result it gave in R:
 * applications to separable strings pass (what iatk__v_keywords decides
 * about a string is its string keywords plus the subschemas it applies to
 * the same string, which were recorded too, and all were checked); quiet
 * ones never reach a changed string (B) and read nothing else that
 * changed; keywords on containers read nothing that changed (A).  So N is
 * evaluated along the same path as R, applying the same schema objects to
 * the same values, which ended valid, with the same number of steps (the
 * work budget) and the same depth.  In particular:
 * - if/then/else: `if` is quiet (B); then/else are applied like allOf.
 * - not, anyOf, oneOf, contains/minContains/maxContains: quiet (B).
 * - allOf, $ref, dependentSchemas/dependencies (schema form), properties,
 *   patternProperties, additionalProperties, items, prefixItems,
 *   additionalItems, unevaluatedProperties/Items: plain applications,
 *   replayed where they reach a string; which members and items they
 *   cover depends on names and positions only, and the evaluated sets of
 *   unevaluated* depend on branch verdicts, which are quiet (B).
 * - propertyNames, required, dependentRequired, patternProperties' match:
 *   member names, which never change on this path (a change outside a
 *   string value's contents goes to the full validator).
 * - draft-04's $ref replacing its siblings, and draft-04's integers
 *   (wide ints): the dialect and numbers do not change.
 * - $dynamicRef and $recursiveRef resolve through the dynamic scope; the
 *   scope follows the schema path, not the values, but a document that
 *   uses either anywhere is not revalidated at all (rule C, the simple
 *   rule).
 * - format, pattern, minLength, maxLength, enum/const/type on the string:
 *   the replay (a PCRE2 limit there is a halt: validated in full).
 * - a string with an escape ("\n", "\u00e9") is not separable (its bytes
 *   are not its value), nor is a changed byte outside 0x20-0x7E or '"' or
 *   '\\' (in the old text or the new), so UTF-8 stays as it was read.
 * The reference belongs to one validator: another one (or the same one
 * with another budget or noted base: a new serial) starts afresh.
 *
 * What it costs: a traced full validation maps text to document (a pass
 * over the text, a pointer map) and records per string; a stream that the
 * fast path keeps missing is therefore traced only now and then
 * (TRACE_ALWAYS, TRACE_EVERY).  Memory: one event's text, its strings and
 * their schema objects (at most MAX_STRING_SCHEMAS each). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "validate/validate_internal.h"

/* ------------------------------------------------------------ storage */

typedef struct rstring {
  size_t start, end; /* its contents in the text: [start, end) */
  int sep;           /* separable (see above) */
  int compares;      /* a const or an enum is among its schema objects */
  size_t leaf;       /* its schema objects: leaves[leaf, next one's leaf) */
} rstring;

/* A text and its strings: the reference, or one being traced. */
typedef struct ref {
  char *text;
  size_t len, text_cap;
  rstring *strings;
  size_t count, cap;
  string_keys *leaves; /* a schema object's keywords for strings */
  size_t leaf_count, leaf_cap;
} ref;

typedef struct tcontainer {
  size_t first, end; /* its strings: [first, end) */
  int compared;      /* enum, const or uniqueItems applied to it (rule A) */
} tcontainer;

typedef struct tleaf {
  size_t string;
  const json_t *schema;
  string_keys keys;
} tleaf;

struct vtrace {
  ref *into;         /* the strings, filled by begin */
  iatk_ptrmap nodes; /* node -> 2 * string, or 2 * container + 1 */
  tcontainer *containers;
  size_t container_count, container_cap;
  tleaf *leaves;
  size_t leaf_count, leaf_cap;
  const char *text;
  size_t pos, len;
  int active; /* begin matched text and document */
  int failed; /* out of memory, $dynamicRef met: not to be used */
};

struct iatk__revalidator {
  const iatk_validator *v; /* the validator of the reference */
  uint64_t serial;         /* ...and its serial then */
  int dynamic;             /* its document has $dynamicRef/$recursiveRef */
  int have;                /* cur is a reference */
  ref cur, next;
  vtrace trace;
  size_t *changed, *hot; /* the strings that changed now, and last time */
  size_t changed_cap, hot_count;
  json_t *scratch; /* the value of a changed string */
  vctx ctx;        /* where its keywords are checked: not quiet, no err */
  vscope outermost;
  uint64_t fast, full;
  uint64_t misses; /* valid events validated in full since the last fast
                     verdict */
};

static void ref_release(ref *f) {
  free(f->text);
  free(f->strings);
  free(f->leaves);
  memset(f, 0, sizeof *f);
}

static void trace_release(vtrace *t) {
  iatk__ptrmap_release(&t->nodes);
  free(t->containers);
  free(t->leaves);
  memset(t, 0, sizeof *t);
}

iatk__revalidator *iatk__revalidator_new(void) {
  iatk__revalidator *r = calloc(1, sizeof(iatk__revalidator));
  if (r) {
    r->outermost = (vscope){NULL, ""};
    r->ctx.base = "";
    r->ctx.scope = &r->outermost;
    r->ctx.budget = 1;
  }
  return r;
}

void iatk__revalidator_free(iatk__revalidator *r) {
  if (!r)
    return;
  ref_release(&r->cur);
  ref_release(&r->next);
  trace_release(&r->trace);
  free(r->changed);
  free(r->hot);
  json_decref(r->scratch);
  free(r);
}

void iatk__revalidator_stats(const iatk__revalidator *r, uint64_t *fast,
                             uint64_t *full) {
  if (fast)
    *fast = r ? r->fast : 0;
  if (full)
    *full = r ? r->full : 0;
}

/* ------------------------------------------------ text and document */

/* The compact form only (no whitespace), each member name looked up in
 * the document, so jansson's member order does not matter. */
#define MAX_SCAN_DEPTH 1000
/* Full validations are traced while fewer than TRACE_ALWAYS follow one
 * another, then one in TRACE_EVERY (see iatk__revalidator_full). */
#define TRACE_ALWAYS 8
#define TRACE_EVERY 64
/* The most schema objects recorded for one string (see iatk__v_trace). */
#define MAX_STRING_SCHEMAS 64

static int scan_value(vtrace *t, const json_t *node, int depth);

static int add_string(vtrace *t, const json_t *node) {
  const char *s = t->text;
  size_t i = ++t->pos, start = i;
  int escaped = 0;
  while (i < t->len && s[i] != '"') {
    if (s[i] == '\\') {
      escaped = 1;
      i++;
    }
    i++;
  }
  if (i >= t->len || !json_is_string(node))
    return 0;
  t->pos = i + 1;
  /* Without escapes, the value is the bytes: check it is (a document
   * that is not this text's would give no trace). */
  if (!escaped && (json_string_length(node) != i - start ||
                   memcmp(json_string_value(node), s + start, i - start)))
    return 0;
  ref *f = t->into;
  if (f->count >= INT32_MAX / 4 ||
      IATK_ARRAY_GROW(f->strings, f->cap, f->count + 1, SIZE_MAX) != IATK_OK ||
      iatk__ptrmap_put(&t->nodes, node, (int)(2 * f->count)) != IATK_OK)
    return 0;
  f->strings[f->count++] = (rstring){start, i, !escaped, 0, 0};
  return 1;
}

/* A member name: no escape, so its bytes are the name. */
static int scan_name(vtrace *t, const char **name, size_t *name_len) {
  const char *s = t->text;
  size_t i = t->pos;
  if (i >= t->len || s[i] != '"')
    return 0;
  size_t start = ++i;
  while (i < t->len && s[i] != '"' && s[i] != '\\')
    i++;
  if (i + 1 >= t->len || s[i] != '"' || s[i + 1] != ':')
    return 0;
  *name = s + start;
  *name_len = i - start;
  t->pos = i + 2;
  return 1;
}

/* The members or items of `node` ('{' or '[' at pos). */
static int scan_container(vtrace *t, const json_t *node, int depth) {
  int object = t->text[t->pos] == '{';
  if (object ? !json_is_object(node) : !json_is_array(node))
    return 0;
  size_t index = t->container_count;
  if (index >= INT32_MAX / 4 ||
      IATK_ARRAY_GROW(t->containers, t->container_cap, index + 1, SIZE_MAX) !=
          IATK_OK ||
      iatk__ptrmap_put(&t->nodes, node, (int)(2 * index + 1)) != IATK_OK)
    return 0;
  t->container_count++;
  t->containers[index] = (tcontainer){t->into->count, 0, 0};
  char close = object ? '}' : ']';
  size_t n = 0;
  t->pos++;
  if (t->pos < t->len && t->text[t->pos] == close) {
    t->pos++;
  } else {
    for (;; n++) {
      const json_t *child;
      if (object) {
        const char *name;
        size_t name_len;
        if (!scan_name(t, &name, &name_len))
          return 0;
        child = json_object_getn(node, name, name_len);
      } else {
        child = json_array_get(node, n);
      }
      if (!child || !scan_value(t, child, depth + 1) || t->pos >= t->len)
        return 0;
      char c = t->text[t->pos++];
      if (c == close)
        break;
      if (c != ',')
        return 0;
    }
    n++;
  }
  /* A repeated member name: the document holds one of them only. */
  if (n != (object ? json_object_size(node) : json_array_size(node)))
    return 0;
  t->containers[index].end = t->into->count;
  return 1;
}

static int scan_literal(vtrace *t, const char *word, int ok) {
  size_t n = strlen(word);
  if (!ok || t->len - t->pos < n || memcmp(t->text + t->pos, word, n))
    return 0;
  t->pos += n;
  return 1;
}

static int scan_value(vtrace *t, const json_t *node, int depth) {
  if (t->pos >= t->len || depth > MAX_SCAN_DEPTH)
    return 0;
  char c = t->text[t->pos];
  switch (c) {
  case '"': return add_string(t, node);
  case '{':
  case '[': return scan_container(t, node, depth);
  case 't': return scan_literal(t, "true", json_is_true(node));
  case 'f': return scan_literal(t, "false", json_is_false(node));
  case 'n': return scan_literal(t, "null", json_is_null(node));
  default: break;
  }
  if (!json_is_number(node))
    return 0;
  size_t start = t->pos;
  while (t->pos < t->len && strchr("-+.eE0123456789", t->text[t->pos]) &&
         t->text[t->pos])
    t->pos++;
  return t->pos > start;
}

int iatk__v_trace_begin(vtrace *t, const char *text, size_t len,
                        const json_t *event) {
  ref *f = t->into;
  f->len = f->count = f->leaf_count = 0;
  t->container_count = t->leaf_count = 0;
  t->active = t->failed = 0;
  iatk__ptrmap_release(&t->nodes);
  t->text = text;
  t->len = len;
  t->pos = 0;
  if (!text || !scan_value(t, event, 0) || t->pos != len) {
    iatk__ptrmap_release(&t->nodes);
    return 0;
  }
  t->active = 1;
  return 1;
}

/* --------------------------------------------------------- the trace */

void iatk__v_trace(vctx *c, const json_t *s, const json_t *inst) {
  vtrace *t = c->trace;
  if (json_object_get(s, "$dynamicRef") || json_object_get(s, "$recursiveRef"))
    t->failed = 1; /* rule C (the document was checked: belt and braces) */
  int i = iatk__ptrmap_get(&t->nodes, inst);
  if (i < 0) /* not a value of the event: a member name (propertyNames) */
    return;
  if (i & 1) {
    if (json_object_get(s, "enum") || json_object_get(s, "const") ||
        json_object_get(s, "uniqueItems"))
      t->containers[i >> 1].compared = 1; /* rule A */
    return;
  }
  rstring *str = &t->into->strings[i >> 1];
  if (c->quiet) {
    str->sep = 0; /* rule B */
    return;
  }
  string_keys k;
  if (!str->sep || !iatk__v_string_keys(c, s, &k))
    return;
  /* A schema that applies itself to one string over and over (allOf fan
   * outs) would make the trace as long as the work budget: such a string
   * is simply validated in full.  (str->leaf counts, until trace_finish.) */
  if (++str->leaf > MAX_STRING_SCHEMAS) {
    str->sep = 0;
    return;
  }
  if (IATK_ARRAY_GROW(t->leaves, t->leaf_cap, t->leaf_count + 1, SIZE_MAX) !=
      IATK_OK) {
    t->failed = 1;
    return;
  }
  t->leaves[t->leaf_count++] = (tleaf){(size_t)(i >> 1), s, k};
}

static int same_keys(const string_keys *a, const string_keys *b) {
  return a->type == b->type && a->cnst == b->cnst && a->enm == b->enm &&
         a->min_length == b->min_length && a->max_length == b->max_length &&
         a->pattern == b->pattern && a->format_check == b->format_check &&
         (a->format == b->format ||
          (a->format && b->format && !strcmp(a->format, b->format)));
}

/* Completes t->into after a valid verdict: rule A, then each separable
 * string's schema objects, once each, in one array.  0: out of memory. */
static int trace_finish(vtrace *t, const char *text, size_t len) {
  ref *f = t->into;
  for (size_t k = 0; k < t->container_count; k++)
    if (t->containers[k].compared)
      for (size_t i = t->containers[k].first; i < t->containers[k].end; i++)
        f->strings[i].sep = 0;
  iatk__ptrmap_release(&t->nodes);
  /* counting sort by string */
  for (size_t i = 0; i < f->count; i++)
    f->strings[i].leaf = 0;
  for (size_t k = 0; k < t->leaf_count; k++)
    f->strings[t->leaves[k].string].leaf++;
  size_t total = 0;
  for (size_t i = 0; i < f->count; i++) {
    size_t n = f->strings[i].sep ? f->strings[i].leaf : 0;
    f->strings[i].leaf = total;
    total += n;
  }
  if (IATK_ARRAY_GROW(f->leaves, f->leaf_cap, total + 1, SIZE_MAX) != IATK_OK ||
      IATK_ARRAY_GROW(f->text, f->text_cap, len + 1, SIZE_MAX) != IATK_OK)
    return 0;
  size_t *fill = calloc(f->count + 1, sizeof *fill);
  if (!fill)
    return 0;
  for (size_t k = 0; k < t->leaf_count; k++) {
    size_t i = t->leaves[k].string;
    if (!f->strings[i].sep)
      continue;
    string_keys *mine = f->leaves + f->strings[i].leaf;
    const string_keys *k1 = &t->leaves[k].keys;
    size_t j = 0;
    while (j < fill[i] && !same_keys(&mine[j], k1))
      j++;
    if (j == fill[i]) /* a schema object applied twice is checked once */
      mine[fill[i]++] = *k1;
    f->strings[i].compares |= k1->cnst || k1->enm;
  }
  /* compact each string's list to its distinct schema objects */
  size_t out = 0;
  for (size_t i = 0; i < f->count; i++) {
    size_t from = f->strings[i].leaf;
    f->strings[i].leaf = out;
    memmove(f->leaves + out, f->leaves + from, fill[i] * sizeof *f->leaves);
    out += fill[i];
  }
  free(fill);
  f->leaf_count = out;
  memcpy(f->text, text, len);
  f->len = len;
  return 1;
}

/* ------------------------------------------------------------ rule C */

static int uses_dynamic_refs(const json_t *j, int depth) {
  const char *key;
  json_t *child;
  size_t i;
  if (depth > MAX_SCAN_DEPTH)
    return 1;
  if (json_is_object(j)) {
    json_object_foreach((json_t *)j, key, child) {
      if (!strcmp(key, "$dynamicRef") || !strcmp(key, "$recursiveRef") ||
          uses_dynamic_refs(child, depth + 1))
        return 1;
    }
  } else if (json_is_array(j)) {
    json_array_foreach(j, i,
                       child) if (uses_dynamic_refs(child, depth + 1)) return 1;
  }
  return 0;
}

/* Starts afresh with `v` when it is not the reference's validator. */
static void adopt_validator(iatk__revalidator *r, const iatk_validator *v) {
  if (r->v == v && r->serial == v->serial)
    return;
  r->have = 0;
  r->misses = 0;
  r->v = v;
  r->serial = v->serial;
  r->dynamic = uses_dynamic_refs(v->doc, 0) || uses_dynamic_refs(v->root, 0);
}

/* ------------------------------------------------------------ verdicts */

/* Room for `n` strings in both r->changed and r->hot. */
static int grow_changes(iatk__revalidator *r, size_t n) {
  if (n <= r->changed_cap)
    return 1;
  size_t *a = realloc(r->changed, n * sizeof *a);
  if (a)
    r->changed = a;
  size_t *b = a ? realloc(r->hot, n * sizeof *b) : NULL;
  if (b)
    r->hot = b;
  if (!b)
    return 0;
  r->changed_cap = n;
  return 1;
}

int iatk__revalidator_full(iatk__revalidator *r, iatk_validator *v,
                           const char *text, size_t len, const json_t *event,
                           iatk_error *err) {
  if (!r || !v)
    return iatk__v_validate_text(v, text, len, event, NULL, err);
  adopt_validator(r, v);
  r->full++;
  /* A stream the fast path keeps missing (a string that changes every
   * time and is judged from above) is validated in full without the
   * trace's cost, but for one valid event in TRACE_EVERY, which may give a
   * reference that serves (invalid events do not count). */
  int trace =
      !r->dynamic && (r->misses < TRACE_ALWAYS || r->misses % TRACE_EVERY == 0);
  vtrace *t = trace ? &r->trace : NULL;
  if (t)
    t->into = &r->next;
  int rc = iatk__v_validate_text(v, text, len, event, t, err);
  r->misses += rc == IATK_OK;
  if (t && rc == IATK_OK && t->active && !t->failed &&
      trace_finish(t, text, len) && grow_changes(r, r->next.count + 1)) {
    ref swap = r->cur;
    r->cur = r->next;
    r->next = swap;
    r->have = 1;
    r->hot_count = 0;
  }
  if (t) { /* what only the trace needed */
    iatk__ptrmap_release(&t->nodes);
    t->active = 0;
  }
  return rc;
}

/* A byte that may change inside a string value: printable ASCII that
 * needs no escape, so the text stays canonical JSON and UTF-8. */
static inline int plain(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Each changed string against its schema objects: 1 when all pass. */
static int recheck(iatk__revalidator *r, iatk_validator *v, const char *text,
                   size_t changed) {
  const ref *f = &r->cur;
  for (size_t k = 0; k < changed; k++) {
    size_t i = r->changed[k];
    const rstring *s = &f->strings[i];
    size_t end = i + 1 < f->count ? f->strings[i + 1].leaf : f->leaf_count;
    if (s->leaf == end)
      continue; /* nothing looks at it */
    const char *value = text + s->start;
    size_t len = s->end - s->start;
    /* The value as a JSON string only for const and enum (the others read
     * its type and text: any string will do). */
    if (!r->scratch && !(r->scratch = json_string("")))
      return 0;
    if (s->compares && json_string_setn_nocheck(r->scratch, value, len) != 0)
      return 0;
    vctx *c = &r->ctx; /* made once: the string keywords read v alone */
    c->v = v;
    c->halted = 0;
    for (size_t j = s->leaf; j < end; j++)
      if (!iatk__v_check_string_keys(c, &f->leaves[j], r->scratch, value, len,
                                     NULL, NULL) ||
          c->halted)
        return 0;
  }
  return 1;
}

/* The new text's changes within string k's contents, from byte i on: 0
 * when one is not plain (in the old text or the new). */
/* Whether all 8 bytes of x are plain (exact tests: "Bit Twiddling Hacks",
 * haszero, hasless, hasmore). */
#define BYTES(n) (0x0101010101010101ull * (n))
static inline int plain_word(uint64_t x) {
  uint64_t q = x ^ BYTES('"'), b = x ^ BYTES('\\');
  uint64_t bad = ((x - BYTES(0x20)) & ~x) | ((x + BYTES(127 - 0x7e)) | x) |
                 ((q - BYTES(1)) & ~q) | ((b - BYTES(1)) & ~b);
  return !(bad & BYTES(0x80));
}

static int plain_changes(const char *old, const char *text, size_t i,
                         size_t end) {
  while (i < end) {
    uint64_t a, b;
    if (end - i >= 8 && (memcpy(&a, old + i, 8), memcpy(&b, text + i, 8),
                         a == b || (plain_word(a) && plain_word(b)))) {
      i += 8;
      continue;
    }
    for (size_t stop = end - i >= 8 ? i + 8 : end; i < stop; i++)
      if (old[i] != text[i] &&
          (!plain((unsigned char)old[i]) || !plain((unsigned char)text[i])))
        return 0;
  }
  return 1;
}

/* Where the new text differs from the reference in [i, to), which holds
 * whole strings only: appended to r->changed (*changed of them).  0 when
 * a difference is not inside a separable string, or not plain.  *k: a
 * cursor over the strings, which only moves forward. */
static int scan_changes(iatk__revalidator *r, const char *text, size_t i,
                        size_t to, size_t *k, size_t *changed) {
  const char *old = r->cur.text;
  if (!memcmp(old + i, text + i, to - i))
    return 1;
  const rstring *strings = r->cur.strings;
  size_t n = r->cur.count;
  while (i < to) {
    if (to - i >= 8) {
      uint64_t a, b;
      memcpy(&a, old + i, 8);
      memcpy(&b, text + i, 8);
      if (a == b) {
        i += 8;
        continue;
      }
    }
    if (old[i] == text[i]) {
      i++;
      continue;
    }
    /* The string whose contents hold byte i, if any. */
    while (*k < n && strings[*k].end <= i)
      ++*k;
    if (*k == n || strings[*k].start > i || !strings[*k].sep ||
        !plain_changes(old, text, i, strings[*k].end))
      return 0;
    i = strings[*k].end;
    r->changed[(*changed)++] = (*k)++;
  }
  return 1;
}

/* The strings that changed last time are likely to change again: they are
 * compared on their own, and the text between them with memcmp. */
int iatk__revalidator_quick(iatk__revalidator *r, iatk_validator *v,
                            const char *text, size_t len) {
  if (!r || !v || !r->have || r->v != v || r->serial != v->serial ||
      len != r->cur.len || !text)
    return 0;
  const char *old = r->cur.text;
  size_t pos = 0, k = 0, changed = 0;
  for (size_t h = 0; h < r->hot_count; h++) {
    const rstring *s = &r->cur.strings[r->hot[h]];
    if (!scan_changes(r, text, pos, s->start, &k, &changed))
      return 0;
    if (memcmp(old + s->start, text + s->start, s->end - s->start)) {
      if (!plain_changes(old, text, s->start, s->end))
        return 0;
      r->changed[changed++] = r->hot[h];
    }
    pos = s->end;
  }
  if (!scan_changes(r, text, pos, len, &k, &changed) ||
      !recheck(r, v, text, changed))
    return 0;
  size_t *swap = r->hot; /* this time's changes: next time's hint */
  r->hot = r->changed;
  r->changed = swap;
  r->hot_count = changed;
  r->fast++;
  r->misses = 0;
  return 1;
}

int iatk__revalidate(iatk__revalidator *r, iatk_validator *v, const char *text,
                     size_t len, const json_t *event, iatk_error *err) {
  if (iatk__revalidator_quick(r, v, text, len))
    return IATK_OK;
  return iatk__revalidator_full(r, v, text, len, event, err);
}
