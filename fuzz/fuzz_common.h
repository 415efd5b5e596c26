/* Shared by the fuzz targets: what "an ordinary error" means, how a broken
 * promise is reported, and the generate-then-validate check that
 * fuzz_schema and fuzz_pattern both run.  Header-only on purpose: each
 * target is one translation unit plus this file, and uses the public API
 * only. */
#ifndef IATK_FUZZ_COMMON_H
#define IATK_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iatk/iatk.h"

/* Inputs larger than this are not tried (the run scripts also pass
 * -max_len, this only guards inputs given by hand). */
#define FUZZ_MAX_INPUT (64u * 1024u)
/* Keywords that set a minimum size above this make the input too costly
 * for fuzzing: a few nested minItems of 1000 already mean megabytes. */
#define FUZZ_MAX_MIN_SIZE 64
/* Product of the {n,m} bounds of one pattern above this: skipped likewise
 * (an unsatisfiable "^.{1000}$" costs seconds: FINDINGS.md, F2). */
#define FUZZ_MAX_PATTERN_WORK 64.0
/* Events larger than this are not validated (generation already bounded). */
#define FUZZ_MAX_EVENT (1u << 20)

/* Called by fuzz_die before it aborts (fuzz_registry removes its tree). */
static void (*fuzz_cleanup)(void);

/* Prints a broken promise with its context and aborts, so that libFuzzer
 * keeps the input as a crash. */
__attribute__((noreturn, format(printf, 1, 2))) static inline void
fuzz_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("\n==== iatk fuzz: PROPERTY VIOLATED: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs("\n", stderr);
  va_end(ap);
  fflush(stderr);
  if (fuzz_cleanup)
    fuzz_cleanup();
  abort();
}

/* A failed call must leave an ordinary error: the code it returned, in
 * the table, with a NUL-terminated non-empty message. */
static inline void fuzz_check_error(const char *call, int rc,
                                    const iatk_error *err) {
  if (rc <= IATK_OK || rc >= IATK_ERROR_COUNT)
    fuzz_die("%s failed with code %d: no error set, or not an iatk_code", call,
             rc);
  if (err->code != rc)
    fuzz_die("%s returned %s but the error says %s (%s)", call,
             iatk_err_name(rc), iatk_err_name(err->code), err->message);
  if (!memchr(err->message, '\0', sizeof err->message) || !err->message[0])
    fuzz_die("%s failed with %s and an empty or unterminated message", call,
             iatk_err_name(rc));
  if (!memchr(err->where, '\0', sizeof err->where))
    fuzz_die("%s failed with an unterminated 'where'", call);
  if (rc == IATK_ENOMEM)
    fuzz_die("%s ran out of memory: %s", call, err->message);
}

/* ------------------------------------------------------ work limits */

/* Product of the counted quantifiers' bounds: a crude measure of how long
 * the longest string a pattern asks for is. */
static inline double fuzz_pattern_work(const char *p) {
  double work = 1;
  for (; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      continue;
    }
    if (*p != '{')
      continue;
    double bound = 0;
    for (const char *q = p + 1; *q && *q != '}'; q++)
      if (*q >= '0' && *q <= '9') {
        double n = 0;
        for (; *q >= '0' && *q <= '9'; q++)
          n = n * 10 + (*q - '0');
        bound = n > bound ? n : bound;
        q--;
      }
    if (bound > 1)
      work *= bound;
  }
  return work;
}

static inline int fuzz_is_size_keyword(const char *key) {
  static const char *const keys[] = {"minItems", "minLength", "minProperties",
                                     "minContains", NULL};
  for (int i = 0; keys[i]; i++)
    if (strcmp(key, keys[i]) == 0)
      return 1;
  return 0;
}

/* Non-zero when a group with a quantifier or an alternation inside is
 * itself repeated without bound ("(a+)+", "(a|aa)*", "(x?){2,}"): PCRE2
 * backtracks exponentially on those, up to its match limit, for each of
 * the generator's 200 attempts (FINDINGS.md, F3). */
static inline int fuzz_pattern_nested(const char *p) {
  unsigned char inner[64] = {0}; /* per open group: quantifier or '|' seen */
  int depth = 0, in_class = 0;
  for (; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      continue;
    }
    if (in_class) {
      in_class = *p != ']';
      continue;
    }
    switch (*p) {
    case '[': in_class = 1; break;
    case '(':
      if (depth + 1 >= (int)sizeof inner)
        return 1;
      inner[++depth] = 0;
      if (p[1] == '?')
        p++; /* "(?" is no quantifier */
      break;
    case ')':
      if (depth > 0) {
        int busy = inner[depth--];
        int unbounded = p[1] == '*' || p[1] == '+' ||
                        (p[1] == '{' && strchr(p + 1, '}') &&
                         strchr(p + 1, '}')[-1] == ',');
        if (busy && unbounded)
          return 1;
        inner[depth] |= busy;
      }
      break;
    case '*':
    case '+':
    case '?':
    case '{':
    case '|': inner[depth] = 1; break;
    }
  }
  return 0;
}

/* JSON equality where numbers compare by value: iatk's writer spells an
 * integral real without ".0" (JSON does not tell 1.0 from 1), jansson
 * keeps it a real. */
static inline int fuzz_same_json(const json_t *a, const json_t *b) {
  if (json_is_number(a) && json_is_number(b))
    return json_number_value(a) == json_number_value(b);
  if (json_typeof(a) != json_typeof(b))
    return 0;
  if (json_is_array(a)) {
    if (json_array_size(a) != json_array_size(b))
      return 0;
    for (size_t i = 0; i < json_array_size(a); i++)
      if (!fuzz_same_json(json_array_get(a, i), json_array_get(b, i)))
        return 0;
    return 1;
  }
  if (json_is_object(a)) {
    const char *key;
    size_t key_len;
    json_t *value;
    if (json_object_size(a) != json_object_size(b))
      return 0;
    json_object_keylen_foreach((json_t *)a, key, key_len, value) {
      const json_t *other = json_object_getn(b, key, key_len);
      if (!other || !fuzz_same_json(value, other))
        return 0;
    }
    return 1;
  }
  return json_equal(a, b);
}

/* Non-zero when the pattern is cheap to generate from and to match. */
static inline int fuzz_pattern_ok(const char *p) {
  return fuzz_pattern_work(p) <= FUZZ_MAX_PATTERN_WORK &&
         !fuzz_pattern_nested(p);
}

/* Non-zero when the document asks for nothing too costly to fuzz.  Looks at every member, whatever its role, so it
 * over-approximates. */
static inline int fuzz_within_limits(const json_t *v, int depth) {
  if (depth > 4000)
    return 0;
  if (json_is_array(v)) {
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
      if (!fuzz_within_limits(item, depth + 1))
        return 0;
    }
    return 1;
  }
  if (!json_is_object(v))
    return 1;
  const char *key;
  json_t *item;
  json_object_foreach((json_t *)v, key, item) {
    if (fuzz_is_size_keyword(key) && json_is_number(item) &&
        json_number_value(item) > FUZZ_MAX_MIN_SIZE)
      return 0;
    if (strcmp(key, "pattern") == 0 && json_is_string(item) &&
        !fuzz_pattern_ok(json_string_value(item)))
      return 0;
    if (strcmp(key, "patternProperties") == 0 && json_is_object(item)) {
      const char *name;
      json_t *ignored;
      json_object_foreach(item, name, ignored) {
        if (!fuzz_pattern_ok(name))
          return 0;
      }
    }
    if (!fuzz_within_limits(item, depth + 1))
      return 0;
  }
  return 1;
}

/* ------------------------------------------ generate, then validate */

typedef struct fuzz_run {
  const char *mode_name;
  iatk_mode mode;
  uint64_t seed, index;
  int skip_optional;
} fuzz_run;

static const fuzz_run fuzz_runs[] = {
    {"barebone", IATK_MODE_BAREBONE, 0, 0, 0},
    {"barebone", IATK_MODE_BAREBONE, 0, 0, 1},
    {"sample", IATK_MODE_SAMPLE, 0, 0, 0},
    {"random", IATK_MODE_RANDOM, 1, 0, 0},
    {"random", IATK_MODE_RANDOM, 1, 1, 0},
    {"random", IATK_MODE_RANDOM, 0xfeedfacecafebeefULL, 7, 0},
    {"random", IATK_MODE_RANDOM, 0xfeedfacecafebeefULL, 8, 1},
};

/* IATK_FUZZ_VERBOSE=1 in the environment: every compile result and event
 * is printed (to look at what one input does). */
static inline int fuzz_verbose(void) {
  static int verbose = -1;
  if (verbose < 0) {
    const char *s = getenv("IATK_FUZZ_VERBOSE");
    verbose = s && *s == '1';
  }
  return verbose;
}

/* IATK_FUZZ_STRICT in the environment: 1 reports a generation failure
 * after another run of the same plan found a valid event (the schema is
 * satisfiable, yet iatk says "may be unsatisfiable": FINDINGS.md, F4);
 * 2 reports every generation failure after a successful compile.  By
 * default both count as "iatk says why none exists". */
static inline int fuzz_strict(void) {
  static int strict = -1;
  if (strict < 0) {
    const char *s = getenv("IATK_FUZZ_STRICT");
    strict = s && *s >= '0' && *s <= '9' ? *s - '0' : 0;
  }
  return strict;
}

static inline void fuzz_report_event(const char *what, const char *ref,
                                     const fuzz_run *r, const char *event,
                                     const iatk_error *err) {
  fuzz_die("%s\n  event_ref: %s\n  mode: %s seed=%llu index=%llu "
           "skip_optional=%d\n  event: %.4000s\n  error: %s: %s\n  at: %s",
           what, ref ? ref : "(null)", r->mode_name,
           (unsigned long long)r->seed, (unsigned long long)r->index,
           r->skip_optional, event ? event : "(none)", iatk_err_name(err->code),
           err->message, err->where);
}

/* One event: generated (twice in random mode, to check it is a pure
 * function of seed and index), then validated.  `satisfiable`: an earlier
 * run of this plan found a valid event.  Returns the generator's answer. */
static inline int fuzz_one_event(iatk_gen *gen, iatk_validator *v,
                                 const char *ref, const fuzz_run *r,
                                 int satisfiable) {
  iatk_error err;
  const char *text = NULL;
  size_t len = 0;
  iatk_error_clear(&err);
  iatk_gen_set_mode(gen, r->mode);
  iatk_gen_set_seed(gen, r->seed);
  iatk_gen_set_skip_optional(gen, r->skip_optional);
  int rc = iatk_gen_event(gen, r->index, &text, &len, &err);
  if (fuzz_verbose())
    fprintf(stderr, "[%s seed=%llu index=%llu skip=%d] %s\n", r->mode_name,
            (unsigned long long)r->seed, (unsigned long long)r->index,
            r->skip_optional, rc == IATK_OK ? text : err.message);
  if (rc != IATK_OK) {
    fuzz_check_error("iatk_gen_event", rc, &err);
    if (rc != IATK_ELIMIT &&
        (fuzz_strict() >= 2 || (fuzz_strict() == 1 && satisfiable)))
      fuzz_report_event(satisfiable ? "generation failed, though another "
                                      "mode found a valid event"
                                    : "compiled, but generation failed",
                        ref, r, NULL, &err);
    return rc;
  }
  if (!text || strlen(text) != len)
    fuzz_die("iatk_gen_event: text and length disagree");
  if (len > FUZZ_MAX_EVENT)
    return IATK_OK;
  char *first = strdup(text);
  if (!first)
    abort();
  if (r->mode == IATK_MODE_RANDOM) {
    rc = iatk_gen_event(gen, r->index, &text, &len, &err);
    if (rc != IATK_OK || strcmp(first, text) != 0)
      fuzz_report_event("random mode: the same seed and index gave another "
                        "event (or an error) the second time",
                        ref, r, first, &err);
  }
  iatk_error_clear(&err);
  rc = iatk_validate_text(v, first, strlen(first), &err);
  if (rc != IATK_OK)
    fuzz_report_event("the validator rejects a generated event", ref, r, first,
                      &err);
  free(first);
  return IATK_OK;
}

/* Compiles `ref`; when that succeeds, every mode's events must validate. */
static inline void fuzz_check_ref(const iatk_schema *schema, const char *ref) {
  iatk_error err;
  iatk_error_clear(&err);
  iatk_plan *plan = iatk_compile(schema, ref, &err);
  if (fuzz_verbose())
    fprintf(stderr, "[compile %s] %s %s %s\n", ref ? ref : "(root)",
            plan ? "ok" : iatk_err_name(err.code), err.message, err.where);
  if (!plan) {
    fuzz_check_error("iatk_compile", err.code, &err);
    return;
  }
  iatk_error_clear(&err);
  iatk_validator *v = iatk_validator_new(schema, ref, &err);
  if (!v)
    fuzz_die("iatk_compile accepted event_ref %s, iatk_validator_new did "
             "not: %s: %s",
             ref ? ref : "(null)", iatk_err_name(err.code), err.message);
  iatk_error_clear(&err);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  if (!gen) {
    fuzz_check_error("iatk_gen_new", err.code, &err);
  } else {
    iatk_gen_set_now(gen, "2024-02-29T23:59:59.123456+05:30", NULL);
    /* A failure before any success most likely means an unsatisfiable
     * schema: the other runs would repeat its (costly) attempts. */
    int satisfiable = 0;
    for (size_t i = 0; i < sizeof fuzz_runs / sizeof fuzz_runs[0]; i++) {
      if (fuzz_one_event(gen, v, ref, &fuzz_runs[i], satisfiable) == IATK_OK)
        satisfiable = 1;
      else if (!satisfiable)
        break;
    }
  }
  iatk_gen_free(gen);
  iatk_validator_free(v);
  iatk_plan_free(plan);
}

/* The first name under an object member of the document, if any. */
static inline const char *fuzz_first_name(const json_t *doc, const char *a,
                                          const char *b) {
  const json_t *o = json_object_get(doc, a);
  if (b)
    o = json_object_get(o, b);
  if (!json_is_object(o))
    return NULL;
  void *it = json_object_iter((json_t *)o);
  return it ? json_object_iter_key(it) : NULL;
}

/* Schema text through the whole path: load, compile the root (NULL) and
 * one named event, generate in every mode, validate everything. */
static inline void fuzz_check_document(const char *text, size_t len) {
  iatk_error err;
  iatk_error_clear(&err);
  if (fuzz_verbose())
    fprintf(stderr, "[schema] %.*s\n", (int)(len < 4000 ? len : 4000), text);
  iatk_schema *schema = iatk_schema_load(text, len, NULL, "fuzz.json", &err);
  if (!schema) {
    fuzz_check_error("iatk_schema_load", err.code, &err);
    return;
  }
  const json_t *doc = iatk_schema_document(schema);
  if (fuzz_within_limits(doc, 0)) {
    fuzz_check_ref(schema, NULL);
    const char *name = fuzz_first_name(doc, "components", "schemas");
    if (!name)
      name = fuzz_first_name(doc, "$defs", NULL);
    if (!name)
      name = fuzz_first_name(doc, "definitions", NULL);
    if (name) {
      char *copy = strdup(name); /* keys live in the document */
      if (!copy)
        abort();
      fuzz_check_ref(schema, copy);
      free(copy);
    }
  }
  iatk_schema_free(schema);
}

#endif
