/* Generation: walks a compiled plan and appends JSON text.  No parsing and
 * no lookups happen here; choices depend only on the mode, the plan and, in
 * random mode, the counter-based RNG keyed by (seed, event index). */
#include <stdlib.h>
#include <string.h>

#include "gen/gen_event.h"
#include "gen/gen_internal.h"
#include "regex/regex.h"
#include "validate/validator.h"
#include <stdio.h>

/* Attempts per event when the self-check rejects one; deterministic, so
 * the same (seed, index) always needs the same attempts. */
#define MAX_ATTEMPTS 200
#define BAREBONE_RETRY 8 /* see retry_mode */
#define RANDOM_GROWTH_BYTES 65536

int iatk_mode_parse(const char *name) {
  if (!name)
    return -1;
  if (strcmp(name, "barebone") == 0)
    return IATK_MODE_BAREBONE;
  if (strcmp(name, "sample") == 0)
    return IATK_MODE_SAMPLE;
  if (strcmp(name, "random") == 0)
    return IATK_MODE_RANDOM;
  return -1;
}

static int gen_value(iatk_gen *g, int node, int escape);

static int is_random(const iatk_gen *g) { return g->mode == IATK_MODE_RANDOM; }

static uint32_t node_rank(const iatk_gen *g, int node) {
  return node == NO_NODE ? 0 : g->plan->nodes[node].rank;
}

/* A random-mode coin that is fair but never lets recursion run away. */
static int coin(iatk_gen *g) {
  return g->depth < 12 && iatk__rng_below(&g->rng, 2) == 0;
}

static int needs_are_finite(const iatk_gen *g, const plan_node *n,
                            const plan_prop *p) {
  for (size_t k = 0; k < p->need_count; k++) {
    const plan_prop *q = &n->obj.props[p->needs[k]];
    if (q->impossible || node_rank(g, q->node) == RANK_INFINITE ||
        (q->node != NO_NODE && g->active[q->node]))
      return 0;
  }
  return 1;
}

/* Whether object `n` drops its optional properties: always under SCHEMA;
 * under AWS only when it has a `required` list, as AWS IATK decides. */
static int skips_optional(const iatk_gen *g, const plan_node *n) {
  return g->skip_optional == IATK_SKIP_OPTIONAL_SCHEMA ||
         (g->skip_optional == IATK_SKIP_OPTIONAL_AWS && n->obj.has_required);
}

static int include_optional(iatk_gen *g, const plan_node *n, const plan_prop *p,
                            int escape) {
  if (skips_optional(g, n) || escape || p->impossible ||
      node_rank(g, p->node) == RANK_INFINITE || !needs_are_finite(g, n, p))
    return 0;
  if (p->node != NO_NODE && g->active[p->node])
    return 0; /* optional recursion stops at the cycle */
  return is_random(g) ? coin(g) : 1;
}

/* Adds what included properties need (dependentRequired), to a fixed
 * point; returns how many are included. */
static size_t close_needs(const iatk_gen *g, const plan_node *n,
                          unsigned char *inc) {
  int changed = 1;
  while (changed) {
    changed = 0;
    for (size_t i = 0; i < n->obj.prop_count; i++)
      for (size_t k = 0; inc[i] && k < n->obj.props[i].need_count; k++) {
        int j = n->obj.props[i].needs[k];
        if (!inc[j] && !n->obj.props[j].impossible &&
            node_rank(g, n->obj.props[j].node) != RANK_INFINITE)
          inc[j] = changed = 1;
      }
  }
  size_t count = 0;
  for (size_t i = 0; i < n->obj.prop_count; i++)
    count += inc[i];
  return count;
}

/* Drops optional properties from the end while over maxProperties. */
static void cap_properties(const plan_node *n, unsigned char *inc,
                           size_t *count) {
  for (size_t i = n->obj.prop_count; i-- > 0 && n->obj.max_properties >= 0 &&
                                     (int64_t)*count > n->obj.max_properties;)
    if (inc[i] && !n->obj.props[i].required) {
      inc[i] = 0;
      (*count)--;
    }
}

/* An invented member (minProperties): its name is escaped here. */
static int emit_member(iatk_gen *g, const char *name, size_t len, int node,
                       int *first, int escape) {
  if (!*first)
    out_putc(g, ',');
  *first = 0;
  iatk__buf_json_string(&g->out, name, len);
  out_putc(g, ':');
  return gen_value(g, node, escape);
}

/* A declared member: `,"name":` was escaped at compile time. */
static int emit_prop(iatk_gen *g, const plan_prop *p, int *first, int escape) {
  size_t skip = *first ? 1 : 0; /* the first member has no comma */
  *first = 0;
  out_append(g, p->member.text + skip, p->member.len - skip);
  return gen_value(g, p->node, escape);
}

static int name_taken(const plan_node *n, const char *name, size_t len) {
  for (size_t i = 0; i < n->obj.prop_count; i++)
    if (n->obj.props[i].name_len == len &&
        memcmp(n->obj.props[i].name, name, len) == 0)
      return 1;
  return 0;
}

/* A fresh member name for minProperties, and the node of its value: from
 * a patternProperties pattern, else propertyNames' pattern, else "extraN". */
/* Invented names must satisfy propertyNames whatever its form. */
static int name_passes_check(iatk_gen *g, const plan_node *n,
                             const iatk_buf *name) {
  if (!g->check)
    return 1;
  char *at = malloc(strlen(n->pointer) + sizeof "/propertyNames");
  json_t *value = json_stringn(name->data, name->len);
  int ok = 1;
  if (at && value) {
    sprintf(at, "%s/propertyNames", n->pointer);
    /* no propertyNames there: nothing to check */
    ok = !iatk__id_index_lookup(g->plan->ids, at) ||
         iatk__validator_check_at(g->check, at, value);
  }
  free(at);
  json_decref(value);
  return ok;
}

static int extra_name(iatk_gen *g, const plan_node *n, int k, json_t *seen,
                      iatk_buf *name) {
  for (int attempt = 0; attempt < 16; attempt++) {
    iatk__buf_reset(name);
    int node = n->obj.additional;
    size_t values = json_array_size(n->obj.name_values);
    const char *value =
        values
            ? json_string_value(json_array_get(
                  n->obj.name_values, ((size_t)k + (size_t)attempt) % values))
            : NULL;
    if (values && !value)
      continue; /* a non-string in propertyNames' enum names nothing */
    if (value) {
      iatk__buf_puts(name, value);
    } else if (n->obj.pattern_prop_count) {
      const plan_pattern_prop *pp =
          &n->obj.pattern_props[(size_t)k % n->obj.pattern_prop_count];
      if (pp->rx)
        iatk__rx_generate(pp->rx, &g->rng, attempt == 0 && !is_random(g),
                          4 + attempt, name);
      node = pp->node;
    } else if (n->obj.name_rx) {
      iatk__rx_generate(n->obj.name_rx, &g->rng, attempt == 0 && !is_random(g),
                        4 + attempt, name);
    }
    if (!name->len) /* short names: "a".."z", "aa"..; they fit most rules */
      for (int i = k + attempt * 26 + 1; i > 0; i = (i - 1) / 26)
        iatk__buf_putc(name, (char)('a' + (i - 1) % 26));
    if (node_rank(g, node) == RANK_INFINITE)
      continue; /* its value schema admits nothing: try another name */
    if (!name_taken(n, name->data, name->len) &&
        !json_object_get(seen, name->data) && name_passes_check(g, n, name)) {
      json_object_set_new(seen, name->data, json_true());
      return node;
    }
  }
  return -2;
}

static int add_extra_members(iatk_gen *g, const plan_node *n, size_t count,
                             int64_t want, int *first, int escape) {
  iatk_buf name;
  iatk__buf_init(&name);
  json_t *seen = json_object(); /* names already added to this object */
  int rc = IATK_OK;
  for (int k = 0; (int64_t)count < want && rc == IATK_OK; k++, count++) {
    int node = extra_name(g, n, k, seen, &name);
    if (node == -2 ||
        (n->obj.additional_forbidden && !n->obj.pattern_prop_count))
      break; /* the self-check reports what could not be met */
    rc = emit_member(g, name.data, name.len, node, first, escape);
  }
  json_decref(seen);
  iatk__buf_release(&name);
  return rc;
}

/* minProperties, or while searching (see generate_checked) sometimes one or
 * two undeclared members: keywords such as `not` or oneOf may need them. */
static int64_t members_wanted(iatk_gen *g, const plan_node *n, size_t count,
                              int escape) {
  int64_t want = n->obj.min_properties;
  int open = !n->obj.additional_forbidden || n->obj.pattern_prop_count;
  if (g->exploring && !escape && open && coin(g))
    want = (int64_t)count + 1 + (int64_t)iatk__rng_below(&g->rng, 2);
  if (n->obj.max_properties >= 0 && want > n->obj.max_properties)
    want = n->obj.max_properties;
  return want > n->obj.min_properties ? want : n->obj.min_properties;
}

static int gen_object(iatk_gen *g, const plan_node *n, int escape) {
  unsigned char small[64];
  unsigned char *inc =
      n->obj.prop_count <= sizeof small ? small : calloc(n->obj.prop_count, 1);
  if (!inc)
    return iatk__fail(g->err, IATK_ENOMEM, "out of memory");
  for (size_t i = 0; i < n->obj.prop_count; i++)
    inc[i] = n->obj.props[i].required ||
             include_optional(g, n, &n->obj.props[i], escape);
  size_t count = close_needs(g, n, inc);
  cap_properties(n, inc, &count);
  int first = 1, rc = IATK_OK;
  out_putc(g, '{');
  for (size_t i = 0; i < n->obj.prop_count && rc == IATK_OK; i++)
    if (inc[i])
      rc = emit_prop(g, &n->obj.props[i], &first, escape);
  int64_t want = members_wanted(g, n, count, escape);
  if (rc == IATK_OK && (int64_t)count < want)
    rc = add_extra_members(g, n, count, want, &first, escape);
  out_putc(g, '}');
  if (inc != small)
    free(inc);
  return rc;
}

/* Longest array whose every item admits a value, capped at max_items. */
static int64_t feasible_length(const iatk_gen *g, const plan_node *n,
                               int64_t want) {
  if (n->arr.max_items >= 0 && want > n->arr.max_items)
    want = n->arr.max_items;
  for (int64_t i = n->arr.min_items; i < want; i++)
    if (node_rank(g, plan_item_node(n, (size_t)i)) == RANK_INFINITE)
      return i;
  return want;
}

static int64_t array_length(iatk_gen *g, const plan_node *n, int escape) {
  int64_t len = n->arr.min_items;
  if (n->arr.contains != NO_NODE &&
      len < (int64_t)n->arr.prefix_count + n->arr.min_contains)
    len = (int64_t)n->arr.prefix_count + n->arr.min_contains;
  if (escape)
    return len;
  /* Extra items only near the top and while the event is small: nested
   * random lengths multiply, and a random event has no need to be huge. */
  if (is_random(g) && g->depth < 12 && g->out.len < RANDOM_GROWTH_BYTES)
    len += (int64_t)iatk__rng_below(&g->rng, 4);
  else if (g->mode == IATK_MODE_SAMPLE && len == 0)
    len = 1; /* one item reads better in a fixture than none */
  return feasible_length(g, n, len);
}

/* Whether the item written at out[start..] equals an earlier item. */
static int repeats_earlier(const iatk_gen *g, const size_t *starts, int64_t i,
                           size_t start) {
  size_t len = g->out.len - start;
  for (int64_t k = 0; k < i; k++) {
    size_t klen = starts[k + 1] - starts[k] - 1; /* minus the comma */
    if (klen == len &&
        memcmp(g->out.data + starts[k], g->out.data + start, len) == 0)
      return 1;
  }
  return 0;
}

/* uniqueItems: an item equal to an earlier one is drawn again, at random,
 * a bounded number of times (the self-check judges what remains). */
static int gen_unique_item(iatk_gen *g, int node, int escape, size_t *starts,
                           int64_t i) {
  iatk__template_note_impure(g); /* items compared: they may hold the clock */
  size_t start = g->out.len;
  iatk_mode mode = g->mode;
  int rc = IATK_OK;
  for (int attempt = 0; attempt < 32 && rc == IATK_OK; attempt++) {
    g->out.len = start;
    rc = gen_value(g, node, escape);
    if (!repeats_earlier(g, starts, i, start))
      break;
    g->mode = IATK_MODE_RANDOM;
  }
  g->mode = mode;
  starts[i + 1] = g->out.len + 1;
  return rc;
}

static int item_node(const plan_node *n, int64_t i) {
  if (n->arr.contains != NO_NODE && i >= (int64_t)n->arr.prefix_count &&
      i < (int64_t)n->arr.prefix_count + n->arr.min_contains)
    return n->arr.contains;
  return plan_item_node(n, (size_t)i);
}

static int gen_array(iatk_gen *g, const plan_node *n, int escape) {
  int64_t len = array_length(g, n, escape);
  size_t *starts =
      n->arr.unique_items ? calloc((size_t)len + 1, sizeof *starts) : NULL;
  if (n->arr.unique_items && !starts)
    return iatk__fail(g->err, IATK_ENOMEM, "out of memory");
  out_putc(g, '[');
  int rc = IATK_OK;
  if (starts)
    starts[0] = g->out.len;
  for (int64_t i = 0; i < len && rc == IATK_OK; i++) {
    if (i)
      out_putc(g, ',');
    rc = starts ? gen_unique_item(g, item_node(n, i), escape, starts, i)
                : gen_value(g, item_node(n, i), escape);
  }
  free(starts);
  out_putc(g, ']');
  return rc;
}

/* Preferred type: the first declared one that admits a finite value; when
 * escaping a cycle, the one with the smallest instance (scalars first). */
static unsigned choose_type(iatk_gen *g, const plan_node *n, int escape) {
  unsigned finite = n->finite_types;
  unsigned scalars = finite & ~(unsigned)(JT_ARRAY | JT_OBJECT);
  if (escape && scalars)
    finite = scalars;
  if (is_random(g)) {
    unsigned options[JT_COUNT], count = 0;
    for (int i = 0; i < n->type_count; i++)
      if (finite & (1u << n->type_order[i]))
        options[count++] = 1u << n->type_order[i];
    return count ? options[iatk__rng_below(&g->rng, count)] : 0;
  }
  for (int i = 0; i < n->type_count; i++)
    if (finite & (1u << n->type_order[i]))
      return 1u << n->type_order[i];
  return finite & -finite;
}

static int gen_typed(iatk_gen *g, const plan_node *n, int escape) {
  switch (choose_type(g, n, escape)) {
  case JT_OBJECT: return gen_object(g, n, escape);
  case JT_ARRAY: return gen_array(g, n, escape);
  case JT_STRING: iatk__gen_string(g, n); return IATK_OK;
  case JT_INTEGER: iatk__gen_number(g, n, 1); return IATK_OK;
  case JT_NUMBER: iatk__gen_number(g, n, 0); return IATK_OK;
  case JT_BOOLEAN:
    if (is_random(g) && coin(g))
      out_append(g, "true", 4);
    else
      out_append(g, "false", 5);
    return IATK_OK;
  case JT_NULL: out_append(g, "null", 4); return IATK_OK;
  }
  return iatk__fail_at(g->err, IATK_EUNSAT, n->pointer,
                       "schema at %s allows no value", n->pointer);
}

static int pick_variant(iatk_gen *g, const plan_node *n, int escape) {
  if (escape)
    return n->variants[n->escape_variant];
  uint64_t count = 0;
  for (size_t v = 0; v < n->variant_count; v++)
    count += node_rank(g, n->variants[v]) != RANK_INFINITE;
  uint64_t pick = is_random(g) ? iatk__rng_below(&g->rng, count) : 0;
  for (size_t v = 0; v < n->variant_count; v++)
    if (node_rank(g, n->variants[v]) != RANK_INFINITE && pick-- == 0)
      return n->variants[v];
  return n->variants[n->escape_variant];
}

/* Enum values, samples and consts are copied as compile time wrote them. */
static int gen_enum(iatk_gen *g, const plan_node *n) {
  size_t count = json_array_size(n->enum_values);
  size_t i = is_random(g) ? (size_t)iatk__rng_below(&g->rng, count) : 0;
  out_append(g, n->enum_texts[i].text, n->enum_texts[i].len);
  return IATK_OK;
}

static int gen_sample(iatk_gen *g, const plan_node *n) {
  out_append(g, n->sample_text.text, n->sample_text.len);
  return IATK_OK;
}

static int gen_node(iatk_gen *g, const plan_node *n, int escape) {
  if (n->const_text) {
    out_append(g, n->const_text, n->const_len);
    return IATK_OK;
  }
  if (n->variant_count)
    return gen_value(g, pick_variant(g, n, escape), escape);
  if (json_array_size(n->samples) &&
      (g->mode == IATK_MODE_SAMPLE || (n->declared && is_random(g))))
    return gen_sample(g, n); /* vetted at compile time, enum included */
  if (n->enum_values)
    return gen_enum(g, n);
  return gen_typed(g, n, escape);
}

static int gen_value(iatk_gen *g, int node, int escape) {
  if (g->out.len > MAX_EVENT_BYTES)
    return iatk__fail(g->err, IATK_ELIMIT,
                      "the event would be larger than %u MiB",
                      MAX_EVENT_BYTES / (1024 * 1024));
  if (node == NO_NODE) {
    out_append(g, "null", 4);
    return IATK_OK;
  }
  const plan_node *n = &g->plan->nodes[node];
  if (g->out.len > MAX_EVENT_BYTES)
    return iatk__fail_at(
        g->err, IATK_ELIMIT, n->pointer,
        "the event would be larger than %u MiB (reached at %s)",
        MAX_EVENT_BYTES / (1024 * 1024), n->pointer);
  if (g->depth >= MAX_GEN_DEPTH)
    return iatk__fail_at(g->err, IATK_ELIMIT, n->pointer,
                         "event nests deeper than %d levels at %s",
                         MAX_GEN_DEPTH, n->pointer);
  escape |= g->active[node] > 0;
  g->active[node]++;
  g->depth++;
  int rc = gen_node(g, n, escape);
  g->depth--;
  g->active[node]--;
  return rc;
}

/* ----------------------------------------------------------- public API */

iatk_gen *iatk_gen_new(const iatk_plan *plan, iatk_error *err) {
  if (!plan) {
    iatk__fail(err, IATK_EINVAL, "no plan given");
    return NULL;
  }
  iatk_gen *g = calloc(1, sizeof *g);
  if (!g || !(g->active = calloc(plan->count, sizeof *g->active))) {
    free(g);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  g->plan = plan;
  if (plan->needs_check &&
      !(g->check = iatk__validator_borrow(plan->doc, plan->ids, plan->dialect,
                                          plan->pointer, err))) {
    iatk_gen_free(g);
    return NULL;
  }
  iatk__buf_init(&g->out);
  iatk__buf_init(&g->pretty_out);
  iatk__buf_init(&g->scratch);
  if (!(g->regexes = iatk__regex_cache_new())) {
    iatk_gen_free(g);
    iatk__fail(err, IATK_ENOMEM, "out of memory");
    return NULL;
  }
  return g;
}

void iatk_gen_free(iatk_gen *g) {
  if (!g)
    return;
  iatk__template_forget(&g->tpl);
  iatk__buf_release(&g->out);
  iatk__buf_release(&g->pretty_out);
  iatk_validator_free(g->check);
  iatk__regex_cache_free(g->regexes);
  iatk__buf_release(&g->scratch);
  free(g->active);
  free(g);
}

/* Setters ignore a NULL generator (and an unknown mode), as the header says. */
/* A setting that changes what events are forgets the replay template. */
void iatk_gen_set_mode(iatk_gen *g, iatk_mode mode) {
  if (g && mode >= IATK_MODE_BAREBONE && mode <= IATK_MODE_RANDOM) {
    g->mode = mode;
    iatk__template_forget(&g->tpl);
  }
}
void iatk_gen_set_seed(iatk_gen *g, uint64_t seed) {
  if (g) {
    g->seed = seed;
    iatk__template_forget(&g->tpl);
  }
}
void iatk_gen_set_skip_optional(iatk_gen *g, iatk_skip_optional skip) {
  if (g && skip >= IATK_SKIP_OPTIONAL_OFF && skip <= IATK_SKIP_OPTIONAL_AWS) {
    g->skip_optional = skip;
    iatk__template_forget(&g->tpl);
  }
}
void iatk_gen_set_pretty(iatk_gen *g, int pretty) {
  if (g)
    g->pretty = pretty;
}

int iatk_gen_set_now(iatk_gen *g, const char *rfc3339, iatk_error *err) {
  if (!g)
    return iatk__fail(err, IATK_EINVAL, "no generator given");
  iatk__template_forget(&g->tpl);
  return iatk__clock_pin(&g->clock, rfc3339, err);
}

/* Pretty output re-indents the compact text: numbers stay as written. */
static int prettify(iatk_gen *g, iatk_error *err) {
  iatk__buf_reset(&g->pretty_out);
  iatk__json_indent(&g->pretty_out, g->out.data, g->out.len);
  if (g->pretty_out.failed)
    return iatk__fail(err, IATK_ENOMEM, "out of memory formatting the event");
  return IATK_OK;
}

/* One attempt: attempt 0 is the mode's own choice; later ones draw random
 * values from a stream keyed by (seed, index, attempt). */
/* The mode a retry draws in: random, except one barebone try after a few
 * failed ones, since the smallest event is the likeliest to meet upper
 * bounds (maxLength, maxContains) that random draws overshoot. */
static iatk_mode retry_mode(const iatk_gen *g, unsigned attempt) {
  if (attempt == 0)
    return g->mode;
  return attempt == BAREBONE_RETRY ? IATK_MODE_BAREBONE : IATK_MODE_RANDOM;
}

static int generate_once(iatk_gen *g, uint64_t index, unsigned attempt) {
  iatk__buf_reset(&g->out);
  iatk__rng_init(&g->rng, g->seed + attempt * 0x9e3779b97f4a7c15ULL, index);
  g->depth = 0;
  iatk_mode mode = g->mode;
  iatk_skip_optional skip = g->skip_optional;
  g->mode = retry_mode(g, attempt);
  g->exploring = attempt % 2 == 0 && attempt > 0; /* every other retry */
  if (attempt >= MAX_ATTEMPTS / 2) /* validity comes before brevity */
    g->skip_optional = IATK_SKIP_OPTIONAL_OFF;
  int rc = gen_value(g, g->plan->root, 0);
  g->mode = mode;
  g->skip_optional = skip;
  g->exploring = 0;
  if (rc != IATK_OK) /* an error unwound the stack without the decrements */
    memset(g->active, 0, g->plan->count * sizeof *g->active);
  if (rc == IATK_OK && g->out.failed)
    rc = iatk__fail(g->err, IATK_ENOMEM, "out of memory generating the event");
  return rc;
}

/* One attempt without a self-check: replayed when a template allows. */
static int generate_unchecked(iatk_gen *g, uint64_t index) {
  if (iatk__template_replay(g))
    return g->out.failed ? iatk__fail(g->err, IATK_ENOMEM,
                                      "out of memory generating the event")
                         : IATK_OK;
  iatk__template_begin(g);
  int rc = generate_once(g, index, 0);
  iatk__template_finish(g, rc);
  return rc;
}

/* Generates until the validator accepts, or explains why it never did. */
static int generate_checked(iatk_gen *g, uint64_t index) {
  if (!g->check) /* valid by construction: one attempt, nothing to explain */
    return generate_unchecked(g, index);
  iatk_error last;
  iatk_error_clear(&last);
  for (unsigned attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    int rc = generate_once(g, index, attempt);
    if (rc != IATK_OK)
      return rc;
    iatk_error_clear(&last);
    rc = iatk_validate_text(g->check, g->out.data, g->out.len, &last);
    if (rc == IATK_OK)
      return IATK_OK;
    if (rc != IATK_EINVALID) { /* a limit or resource error is no verdict */
      if (g->err && !g->err->code)
        *g->err = last;
      return rc;
    }
  }
  return iatk__fail_at(g->err, IATK_EUNSAT, last.where,
                       "no valid event found in %d attempts (the schema may be "
                       "unsatisfiable); the last one failed: %s",
                       MAX_ATTEMPTS, last.message);
}

int iatk__gen_event_compact(iatk_gen *g, uint64_t index, const char **text,
                            size_t *len, iatk_error *err) {
  if (!g || !text)
    return iatk__fail(err, IATK_EINVAL, "no generator or output given");
  g->now = iatk__clock_read(&g->clock);
  g->err = err;
  int rc = generate_checked(g, index);
  if (rc != IATK_OK)
    return rc;
  *text = g->out.data;
  if (len)
    *len = g->out.len;
  return IATK_OK;
}

int iatk_gen_event(iatk_gen *g, uint64_t index, const char **text, size_t *len,
                   iatk_error *err) {
  int rc = iatk__gen_event_compact(g, index, text, len, err);
  if (rc != IATK_OK || !g->pretty)
    return rc;
  if ((rc = prettify(g, err)) != IATK_OK)
    return rc;
  *text = g->pretty_out.data;
  if (len)
    *len = g->pretty_out.len;
  return IATK_OK;
}

int iatk__gen_checked_like(const iatk_gen *g, const iatk_validator *v) {
  return g->check && iatk__validator_judges_alike(g->check, v);
}
