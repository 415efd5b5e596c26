/* fuzz_context: --set assignments (iatk_pipeline_add_set), merge patches
 * (iatk_pipeline_add_merge), the eventbridge context and pinned clocks,
 * applied to a fixed event.  Input: lines, each an operation:
 *   s/pointer=JSON   a set            m{...}   a merge patch
 *   e                eventbridge      n<time>  iatk_pipeline_set_now
 * (other lines are ignored; at most 16 operations).  Checks:
 *  - failures are ordinary errors, and running a pipeline fails only with
 *    ECONTEXT;
 *  - the pipeline is a pure function of (event, index): two runs on fresh
 *    copies agree, and iatk_pipeline_run_text agrees with iatk_pipeline_run;
 *  - the last operation is idempotent (set without "-", merge, eventbridge):
 *    applying it once more changes nothing;
 *  - after a last set "P=V", the value at P is V;
 *  - on a generator's events (barebone, with clock texts deep and at the
 *    top), iatk_pipeline_generate, which edits the text and from the
 *    second event replays the edits, gives the bytes (or the error) that
 *    iatk_pipeline_run_text gives on the generator's text. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPS 16
#define NOW "2023-10-18T21:08:04.782196-07:00"

static const char event_text[] =
    "{\"id\":\"x\",\"detail\":{\"a\":[1,2,{\"b\":null}],\"c\":{\"d\":\"e\","
    "\"~\":1,\"/\":2,\"\":[]}},\"list\":[],\"n\":1.5,\"empty\":{},"
    "\"time\":\"\",\"source\":\"s\"}";

typedef struct op {
  char kind;
  char *text;
} op;

static json_t *fresh_event(void) {
  json_t *e = json_loads(event_text, 0, NULL);
  if (!e)
    abort();
  return e;
}

static char *dump(const json_t *v) {
  char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  if (!s)
    fuzz_die("the event cannot be encoded (a cycle?)");
  return s;
}

/* Adds one operation; IATK_OK when it became a context of the pipeline. */
static int add_op(iatk_pipeline *p, const op *o) {
  iatk_error err;
  iatk_error_clear(&err);
  int rc;
  const char *call;
  switch (o->kind) {
  case 's':
    call = "iatk_pipeline_add_set";
    rc = iatk_pipeline_add_set(p, o->text, &err);
    break;
  case 'm':
    call = "iatk_pipeline_add_merge";
    rc = iatk_pipeline_add_merge(p, o->text, &err);
    break;
  case 'e':
    call = "iatk_pipeline_add_builtin";
    rc = iatk_pipeline_add_builtin(p, "eventbridge", NULL, &err);
    break;
  case 'n': /* a setting, not a context */
    rc = iatk_pipeline_set_now(p, o->text, &err);
    if (rc != IATK_OK)
      fuzz_check_error("iatk_pipeline_set_now", rc, &err);
    return -1;
  default: return -1;
  }
  if (rc != IATK_OK)
    fuzz_check_error(call, rc, &err);
  return rc;
}

static iatk_pipeline *new_pipeline(void) {
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  if (!p || iatk_pipeline_set_now(p, NOW, NULL) != IATK_OK)
    abort();
  iatk_pipeline_set_seed(p, 42);
  return p;
}

/* Runs `p` on a fresh event; returns it (NULL when the run failed). */
static json_t *run(iatk_pipeline *p, uint64_t index, int *rc_out) {
  iatk_error err;
  iatk_error_clear(&err);
  json_t *e = fresh_event();
  int rc = iatk_pipeline_run(p, e, index, &err);
  *rc_out = rc;
  if (rc == IATK_OK)
    return e;
  fuzz_check_error("iatk_pipeline_run", rc, &err);
  if (rc != IATK_ECONTEXT)
    fuzz_die("iatk_pipeline_run failed with %s, not ECONTEXT: %s",
             iatk_err_name(rc), err.message);
  json_decref(e);
  return NULL;
}

/* RFC 6901 lookup written here, independent of the library's.  Sets
 * *dash when a token is "-" (an append: no fixed place to look at). */
static json_t *lookup(json_t *v, const char *pointer, int *dash) {
  const char *p = pointer;
  while (v && *p == '/') {
    char token[1024];
    size_t n = 0;
    for (p++; *p && *p != '/'; p++) {
      char c = *p;
      if (c == '~')
        c = *++p == '1' ? '/' : '~';
      if (n + 1 >= sizeof token)
        return NULL;
      token[n++] = c;
    }
    token[n] = '\0';
    if (strcmp(token, "-") == 0)
      *dash = 1;
    if (json_is_object(v))
      v = json_object_get(v, token);
    else if (json_is_array(v) && n > 0 && strspn(token, "0123456789") == n)
      v = json_array_get(v, strtoul(token, NULL, 10));
    else
      v = NULL;
  }
  return v;
}

static void check_set_landed(const json_t *event, const char *assignment) {
  const char *eq = strchr(assignment, '=');
  json_t *value = json_loads(eq + 1, JSON_DECODE_ANY, NULL);
  char *pointer = strndup(assignment, (size_t)(eq - assignment));
  int dash = 0;
  json_t *at = lookup((json_t *)event, pointer, &dash);
  if (!dash && value && !json_equal(at, value)) {
    char *shown = dump(event);
    fuzz_die("after --set '%s' the event is %.2000s", assignment, shown);
  }
  free(pointer);
  json_decref(value);
}

/* The last operation once more on the result: nothing may change. */
static void check_idempotent(const json_t *result, const op *last) {
  if (last->kind == 's') {
    const char *eq = strchr(last->text, '=');
    int dash = 0;
    char *pointer = strndup(last->text, (size_t)(eq - last->text));
    for (const char *t = pointer; *t; t++)
      if (t[0] == '/' && t[1] == '-' && (t[2] == '/' || !t[2]))
        dash = 1;
    free(pointer);
    if (dash)
      return;
  }
  iatk_pipeline *p = new_pipeline();
  if (add_op(p, last) != IATK_OK)
    fuzz_die("operation '%c%s' was accepted once, not twice", last->kind,
             last->text ? last->text : "");
  json_t *again = json_deep_copy(result);
  iatk_error err;
  iatk_error_clear(&err);
  int rc = iatk_pipeline_run(p, again, 0, &err);
  if (rc != IATK_OK || !json_equal(again, result)) {
    char *a = dump(result), *b = dump(again);
    fuzz_die("operation '%c%s' is not idempotent:\n  once:  %.2000s\n  "
             "twice: %.2000s (%s)",
             last->kind, last->text ? last->text : "", a, b, err.message);
  }
  json_decref(again);
  iatk_pipeline_free(p);
}

/* The generated event: clock texts where EventBridge reads the time, deep
 * in the detail, and where a set may land; everything else empty. */
static const char gen_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\",\"detail\",\"list\",\"time\","
    "\"source\",\"n\"],\"properties\":{\"id\":{\"type\":\"string\"},"
    "\"detail\":{\"type\":\"object\",\"required\":[\"a\",\"c\"],\"properties\":{"
    "\"a\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"c\":{\"type\":\"object\",\"required\":[\"d\",\"e\"],\"properties\":{"
    "\"d\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"e\":{\"type\":\"array\"}}}}},"
    "\"list\":{\"type\":\"array\"},\"n\":{\"type\":\"number\"},"
    "\"time\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"source\":{\"type\":\"string\",\"format\":\"time\"}}}";

static iatk_gen *gen_for_fuzzing(iatk_plan **plan) {
  iatk_error err;
  iatk_schema *schema =
      iatk_schema_load(gen_schema, strlen(gen_schema), NULL, NULL, &err);
  *plan = schema ? iatk_compile(schema, NULL, &err) : NULL;
  iatk_schema_free(schema);
  iatk_gen *gen = *plan ? iatk_gen_new(*plan, &err) : NULL;
  if (!gen || iatk_gen_set_now(gen, "2001-02-03T04:05:06.789012+05:30", &err) !=
                  IATK_OK)
    fuzz_die("the fuzz target's schema: %s", err.message);
  return gen;
}

static iatk_pipeline *pipeline_of(op *ops, size_t count) {
  iatk_pipeline *p = new_pipeline();
  for (size_t i = 0; i < count; i++)
    add_op(p, &ops[i]);
  return p;
}

/* The generator's events through the pipeline both ways. */
static void check_generated(op *ops, size_t count) {
  iatk_plan *plan;
  iatk_gen *gen = gen_for_fuzzing(&plan);
  iatk_pipeline *parsed = pipeline_of(ops, count),
                *edited = pipeline_of(ops, count);
  for (uint64_t i = 0; i < 4; i++) {
    iatk_error a, b;
    iatk_error_clear(&a);
    iatk_error_clear(&b);
    const char *event, *got = NULL;
    if (iatk_gen_event(gen, i, &event, NULL, &a) != IATK_OK)
      fuzz_die("the fuzz target's schema: %s", a.message);
    char *want = iatk_pipeline_run_text(parsed, event, i, &a);
    int rc = iatk_pipeline_generate(edited, gen, i, NULL, 0, &got, NULL, &b);
    if (want ? rc != IATK_OK || strcmp(want, got) != 0
             : rc != a.code || strcmp(a.message, b.message) != 0)
      fuzz_die("event %llu: iatk_pipeline_run_text gave %.2000s (%s), "
               "iatk_pipeline_generate %.2000s (%s)",
               (unsigned long long)i, want ? want : "nothing", a.message,
               rc == IATK_OK ? got : "nothing", b.message);
    iatk_free(want);
  }
  iatk_pipeline_free(parsed);
  iatk_pipeline_free(edited);
  iatk_gen_free(gen);
  iatk_plan_free(plan);
}

static size_t parse_ops(const uint8_t *data, size_t size, op *ops) {
  size_t count = 0;
  for (size_t i = 0; i < size && count < MAX_OPS;) {
    const uint8_t *nl = memchr(data + i, '\n', size - i);
    size_t end = nl ? (size_t)(nl - data) : size;
    if (end > i) {
      ops[count].kind = (char)data[i];
      ops[count].text = strndup((const char *)data + i + 1, end - i - 1);
      if (!ops[count].text)
        abort();
      count++;
    }
    i = end + 1;
  }
  return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 8192)
    return -1;
  op ops[MAX_OPS];
  size_t count = parse_ops(data, size, ops);
  iatk_pipeline *p = new_pipeline();
  const op *last = NULL;
  for (size_t i = 0; i < count; i++)
    if (add_op(p, &ops[i]) == IATK_OK)
      last = &ops[i];
  if (iatk_pipeline_count(p) != 0 && !last)
    fuzz_die("the pipeline counts contexts none of which was added");

  int rc1, rc2;
  json_t *a = run(p, 3, &rc1), *b = run(p, 3, &rc2);
  if (rc1 != rc2)
    fuzz_die("the same pipeline failed once and not the other time");
  if (a) {
    char *ta = dump(a), *tb = dump(b);
    if (strcmp(ta, tb) != 0)
      fuzz_die("two runs on the same event differ:\n  %.2000s\n  %.2000s", ta,
               tb);
    iatk_error err;
    iatk_error_clear(&err);
    char *text = iatk_pipeline_run_text(p, event_text, 3, &err);
    json_t *parsed =
        text ? json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL) : NULL;
    if (!parsed || !fuzz_same_json(parsed, a))
      fuzz_die("iatk_pipeline_run_text gave %.2000s (%s), iatk_pipeline_run "
               "%.2000s",
               text ? text : "nothing", err.message, ta);
    json_decref(parsed);
    iatk_free(text);
    if (last && last->kind == 's')
      check_set_landed(a, last->text);
    if (last)
      check_idempotent(a, last);
    free(ta);
    free(tb);
  }
  json_decref(a);
  json_decref(b);
  iatk_pipeline_free(p);
  check_generated(ops, count);
  for (size_t i = 0; i < count; i++)
    free(ops[i].text);
  return 0;
}
