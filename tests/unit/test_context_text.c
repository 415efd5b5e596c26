/* The built-in contexts on event text (event_text.c, set_text.c,
 * eventbridge_text.c, pipeline_event.c) must give exactly what the same
 * contexts give on the parsed event: the same bytes, or the same error.
 * Each case runs both ways: iatk__pipeline_process_text (text first, parsed when
 * a context needs it) and iatk_pipeline_run_text (always parsed). */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"
#include "context/context_internal.h"

/* ------------------------------------------------- which texts qualify */

static int loads(const char *text) {
  event_text e;
  iatk__event_text_init(&e);
  int ok = iatk__event_text_load(&e, text, strlen(text));
  iatk__event_text_release(&e);
  return ok;
}

static void test_only_canonical_text_is_edited(void **state) {
  (void)state;
  static const char *good[] = {
      "{}",
      "[]",
      "{\"a\":1}",
      "[1,[2],{\"a\":\"b\"}]",
      "{\"a\":-9223372036854775808}",
      "{\"a\":9223372036854775807}",
      "{\"a\":\"\\u001f\\u0000\\n\\\"\\\\\"}",
      "{\"a\":1.5e-07}",
      "{\"\xc3\xa9\":\"\xe2\x82\xac\xf0\x9f\x98\x80\"}",
      "{\"a\":[true,false,null,0,-1]}"};
  static const char *bad[] = {" {}",
                              "{} ",
                              "{\"a\": 1}",
                              "{\"a\":-0}",
                              "{\"a\":01}",
                              "{\"a\":9223372036854775808}",
                              "{\"a\":-9223372036854775809}",
                              "{\"a\":\"\\/\"}",
                              "{\"a\":\"\\u0041\"}",
                              "{\"a\":\"\\u000a\"}",
                              "{\"\\u0000\":1}",
                              "{\"a\":\"\xff\"}",
                              "{\"a\":\"\xc0\x80\"}",
                              "{\"a\":\"\xed\xa0\x80\"}",
                              "{\"a\":\"\x01\"}",
                              "1",
                              "\"a\"",
                              "{\"a\":1}x",
                              "{\"a\":tru}",
                              "{\"a\":1,}",
                              "[1,]",
                              "{\"a\"}",
                              ""};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    if (!loads(good[i]))
      fail_msg("refused %s", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (loads(bad[i]))
      fail_msg("took %s", bad[i]);
  /* jansson stops at 2048 levels: deep text is left to it */
  char deep[2 * 2100 + 1];
  for (int depth = 1990; depth <= 2100; depth += 110) {
    memset(deep, '[', (size_t)depth);
    memset(deep + depth, ']', (size_t)depth);
    deep[2 * depth] = '\0';
    assert_int_equal(loads(deep), depth <= 2000);
  }
}

/* ------------------------------------------ text and parsed agree */

typedef struct step {
  char kind; /* 'e' eventbridge, 's' set, 'm' merge */
  const char *arg;
} step;

static iatk_pipeline *make_pipeline(const step *steps) {
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  iatk_pipeline_set_seed(p, 42);
  assert_int_equal(iatk_pipeline_set_now(p, PINNED_NOW, NULL), IATK_OK);
  for (; steps->kind; steps++) {
    int rc = steps->kind == 'e'
                 ? iatk_pipeline_add_builtin(p, "eventbridge", NULL, NULL)
             : steps->kind == 's'
                 ? iatk_pipeline_add_set(p, steps->arg, NULL)
                 : iatk_pipeline_add_merge(p, steps->arg, NULL);
    assert_int_equal(rc, IATK_OK);
  }
  return p;
}

/* Runs `event` both ways; returns whether the text way edited text all
 * along (no parse). */
static int agree(const step *steps, const char *event, int pretty) {
  iatk_pipeline *dom = make_pipeline(steps), *text = make_pipeline(steps);
  iatk_error a, b;
  iatk_error_clear(&a);
  iatk_error_clear(&b);
  char *want = iatk_pipeline_run_text(dom, event, 7, &a);
  if (want && pretty) {
    char *indented = iatk_format_json(want, strlen(want), 1, &a);
    iatk_free(want);
    want = indented;
  }
  const char *got = NULL;
  size_t len = 0;
  int rc = iatk__pipeline_process_text(text, event, strlen(event), 7, NULL, 0,
                                       pretty, &got, &len, &b);
  if (!want) {
    if (rc != a.code || strcmp(a.message, b.message) != 0 ||
        strcmp(a.where, b.where) != 0)
      fail_msg("%s: parsed failed with %d %s (%s), text gave %d %s (%s)", event,
               a.code, a.message, a.where, rc, b.message, b.where);
  } else if (rc != IATK_OK || strcmp(want, got) != 0 || strlen(got) != len) {
    fail_msg("%s:\n parsed: %s\n text:   %s (%d %s)", event, want,
             rc ? "" : got, rc, b.message);
  }
  int edited = rc == IATK_OK && !pretty && got == text->text.text;
  iatk_free(want);
  iatk_pipeline_free(dom);
  iatk_pipeline_free(text);
  return edited;
}

static const char *events[] = {
    "{}",
    "[]",
    "[1,[2],{\"a\":3}]",
    "{\"a\":{\"b\":{}},\"list\":[{\"c\":1}],\"s\":\"x\",\"n\":null}",
    "{\"version\":\"1\",\"id\":\"x\",\"account\":\"12\",\"region\":\"mars\",\"resources\":[1],"
    "\"detail\":[],\"time\":\"2023-10-18T21:08:04.782196-07:00\",\"source\":\"\","
    "\"detail-type\":\"dt\"}",
    "{\"detail\":{\"x\":[]},\"version\":\"0\",\"id\":\"3FA85F64-5717-4562-b3fc-2c963f66afa6\","
    "\"account\":\"123456789012\",\"region\":\"us-gov-west-1\",\"resources\":[\"a\",\"b\\\"c\"],"
    "\"time\":\"bad\",\"source\":\"s\",\"detail-type\":\"d\"}",
    "{\"account\":\"123456789012\\u0000x\",\"version\":\"0\\u0000\",\"id\":\"\\n\"}",
    "{\"time\":\"2023-10-18T21:08:04Z\\u0000\"}",
    "{\"time\":12,\"region\":\"eu-west-1x\",\"resources\":{},\"detail\":\"{}\"}",
    "{\"time\":\"9999-12-31T23:59:59-01:00\",\"region\":\"e-west-1\"}",
    "{\"time\":\"0000-01-01T00:30:00+01:00\",\"source\":\"\\u0000\",\"detail-type\":null}",
    "{\"time\":\"2019-11-30T09:02:36.5Z\",\"x\":1.5,\"y\":-2.25e+30,\"z\":[\"\xc3\xa9\"]}",
};

static const step eventbridge[] = {{'e', NULL}, {0, NULL}};
static const step sets[] = {{'s', "/a={}"},
                            {'s', "/a/b/c=2"},
                            {'s', "/list/0/c=5"},
                            {'s', "/list/-={\"d\":null}"},
                            {'s', "/list/2=[]"},
                            {'s', "/new/0/x=1"},
                            {'s', "/new/-/y=true"},
                            {'s', "/o/p/q={}"},
                            {'s', "/s2/a~1b~0=\"\\n\""},
                            {0, NULL}};
static const step set_errors[][2] = {
    {{'s', "/list/5=1"}, {0, NULL}},
    {{'s', "/s/x=1"}, {0, NULL}},
    {{'s', "/new/1/x=1"}, {0, NULL}},
    {{'s', "/list/x=1"}, {0, NULL}},
    {{'s', "/0=1"}, {0, NULL}},
    {{'s', "/-=[1]"}, {0, NULL}},
    {{'s', "={\"z\":{\"y\":1}}"}, {0, NULL}},
    {{'s', "/a/b/0/0=1"}, {0, NULL}},
    {{'s', "/list/01=1"}, {0, NULL}},
};
static const step mixed[] = {{'s', "/id=\"not a uuid\""}, {'e', NULL},
                             {'s', "/detail/k=1"},        {'e', NULL},
                             {'s', "/resources/-=\"r\""}, {0, NULL}};
static const step with_merge[] = {{'e', NULL},
                                  {'m', "{\"detail\":{\"m\":1},\"id\":null}"},
                                  {'e', NULL},
                                  {'s', "/x=1"},
                                  {0, NULL}};
static const step whole_then_eventbridge[] = {
    {'s', "={\"version\":\"0\",\"b\":[1]}"},
    {'e', NULL},
    {'s', "/b/-=2"},
    {0, NULL}};

static void test_text_and_parsed_agree(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
    for (int pretty = 0; pretty <= 1; pretty++) {
      agree(eventbridge, events[i], pretty);
      agree(sets, events[i], pretty);
      agree(mixed, events[i], pretty);
      agree(with_merge, events[i], pretty);
      agree(whole_then_eventbridge, events[i], pretty);
      for (size_t k = 0; k < sizeof set_errors / sizeof set_errors[0]; k++)
        agree(set_errors[k], events[i], pretty);
    }
}

static void test_built_ins_never_parse_plain_events(void **state) {
  (void)state;
  assert_true(agree(eventbridge, events[3], 0));
  assert_true(agree(eventbridge, events[4], 0));
  assert_true(agree(sets, events[3], 0));
  assert_true(agree(mixed, events[5], 0));
  assert_true(agree(whole_then_eventbridge, events[3], 0));
  /* an escaped value EventBridge checks: the parsed event decides */
  assert_false(agree(eventbridge, events[6], 0));
  assert_false(agree(with_merge, events[3], 0));
}

/* The document built from checked text is the one the parser reads. */
static void test_documents_are_the_parsed_ones(void **state) {
  (void)state;
  static const char *more[] = {
      "{\"r\":[1.5,-0.0,2.0,1e+300,1.7976931348623157e+308,5e-324,-9223372036854775808],"
      "\"s\":\"a\\u0000b\\n\\u001f\\\"\\\\\",\"\\\"k\\n\":{\"x\":\"\\t\"}}",
      "[[[]],{},\"\",0,-1,true,false,null]"};
  for (size_t i = 0; i < sizeof events / sizeof events[0] + 2; i++) {
    const char *text = i < sizeof events / sizeof events[0]
                           ? events[i]
                           : more[i - sizeof events / sizeof events[0]];
    event_text e;
    iatk__event_text_init(&e);
    assert_true(iatk__event_text_load(&e, text, strlen(text)));
    json_t *built = iatk__event_text_document(text),
           *parsed = iatk__json_read(text, strlen(text), 0, NULL, NULL);
    assert_non_null(built);
    assert_non_null(parsed);
    iatk_buf a, b;
    iatk__buf_init(&a);
    iatk__buf_init(&b);
    iatk__json_write(&a, built);
    iatk__json_write(&b, parsed);
    if (!json_equal(built, parsed) || strcmp(a.data, b.data) != 0)
      fail_msg("%s: built %s, parsed %s", text, a.data, b.data);
    iatk__buf_release(&a);
    iatk__buf_release(&b);
    json_decref(built);
    json_decref(parsed);
    iatk__event_text_release(&e);
  }
}

/* ---------------------------------------- from the generator, per event */

static void test_generated_events_agree(void **state) {
  (void)state;
  iatk_error err;
  iatk_plan *plan = compile_text(seed_schema, "MyEvent", &err);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  iatk_gen_set_mode(gen, IATK_MODE_RANDOM);
  iatk_gen_set_seed(gen, 3);
  assert_int_equal(iatk_gen_set_now(gen, PINNED_NOW, &err), IATK_OK);
  static const step steps[] = {{'e', NULL},
                               {'s', "/orderItems/-={\"count\":1}"},
                               {'s', "/orderItems/0/sku=\"k\""},
                               {'s', "/time=1"},
                               {'e', NULL},
                               {0, NULL}};
  iatk_pipeline *dom = make_pipeline(steps), *text = make_pipeline(steps);
  for (uint64_t i = 0; i < 300; i++) {
    const char *event, *got;
    assert_int_equal(iatk_gen_event(gen, i, &event, NULL, &err), IATK_OK);
    char *want = iatk_pipeline_run_text(dom, event, i, &err);
    assert_non_null(want);
    assert_int_equal(
        iatk_pipeline_generate(text, gen, i, NULL, 0, &got, NULL, &err),
        IATK_OK);
    assert_string_equal(got, want);
    iatk_free(want);
  }
  iatk_pipeline_free(dom);
  iatk_pipeline_free(text);
  iatk_gen_free(gen);
  iatk_plan_free(plan);
}

/* ---------------------------------- replayed events (pipeline_replay.c) */

/* Schemas whose barebone and sample events replay a template: clock texts
 * at the top ("time"), deeper, and where EventBridge reads them. */
static const char *replay_schemas[] = {
    /* an envelope: "time" is the generator's clock */
    "{\"type\":\"object\",\"required\":[\"version\",\"id\",\"time\",\"detail\"],"
    "\"properties\":{\"version\":{\"type\":\"string\"},\"id\":{\"type\":\"string\"},"
    "\"time\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"detail\":{\"type\":\"object\",\"required\":[\"at\",\"day\",\"n\"],"
    "\"properties\":{\"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"day\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"n\":{\"type\":\"integer\",\"examples\":[7]}}}}}",
    /* "time" a date: not an EventBridge time, the pipeline's clock is */
    "{\"type\":\"object\",\"required\":[\"time\",\"x\"],"
    "\"properties\":{\"time\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"x\":{\"type\":\"string\",\"format\":\"time\"}}}",
    /* no "time": EventBridge appends it */
    "{\"type\":\"object\",\"required\":[\"when\"],"
    "\"properties\":{\"when\":{\"type\":\"string\",\"format\":\"date-time\"}}}",
    /* the clock where EventBridge checks a form: never replayed */
    "{\"type\":\"object\",\"required\":[\"id\",\"region\"],"
    "\"properties\":{\"id\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"region\":{\"type\":\"string\",\"format\":\"date\"}}}",
};

static const step replay_steps[][4] = {
    {{'e', NULL}, {0, NULL}},
    {{'s', "/detail/n=1"}, {0, NULL}},
    {{'e', NULL}, {'s', "/detail/Cause=\"bench\""}, {0, NULL}},
    {{'s', "/time=\"2020-01-01T00:00:00Z\""}, {'e', NULL}, {0, NULL}},
    {{'s', "/detail/at=1"}, {'e', NULL}, {'s', "/when/x=1"}, {0, NULL}},
    {{'s', "={\"a\":1}"}, {'e', NULL}, {0, NULL}},
    {{'e', NULL}, {'m', "{\"x\":1}"}, {0, NULL}},
};

/* Runs events 0..n-1 of `gen` through `steps` both ways: the parsed
 * contexts on the generator's text, and iatk_pipeline_generate (which
 * replays after the first events); returns how many it replayed. */
static uint64_t replay_agrees(iatk_gen *gen, const step *steps) {
  iatk_pipeline *dom = make_pipeline(steps), *fast = make_pipeline(steps);
  iatk_error err;
  for (uint64_t i = 0; i < 40; i++) {
    const char *event, *got;
    assert_int_equal(iatk_gen_event(gen, i, &event, NULL, &err), IATK_OK);
    char *want = iatk_pipeline_run_text(dom, event, i, &err);
    int rc =
        iatk_pipeline_generate(fast, gen, i, NULL, i % 2, &got, NULL, &err);
    if (!want) {
      assert_int_not_equal(rc, IATK_OK);
      continue;
    }
    assert_int_equal(rc, IATK_OK);
    char *indented =
        i % 2 ? iatk_format_json(want, strlen(want), 1, &err) : NULL;
    assert_string_equal(got, indented ? indented : want);
    iatk_free(indented);
    iatk_free(want);
  }
  uint64_t replays = iatk__pipeline_replays(fast);
  iatk_pipeline_free(dom);
  iatk_pipeline_free(fast);
  return replays;
}

static void test_replayed_events_agree(void **state) {
  (void)state;
  iatk_error err;
  /* the generator's clock and the pipeline's differ, so a time taken from
   * the wrong one shows */
  for (size_t k = 0; k < sizeof replay_schemas / sizeof *replay_schemas; k++)
    for (int mode = IATK_MODE_BAREBONE; mode <= IATK_MODE_SAMPLE; mode++) {
      iatk_plan *plan = compile_text(replay_schemas[k], NULL, &err);
      assert_non_null(plan);
      iatk_gen *gen = iatk_gen_new(plan, &err);
      iatk_gen_set_mode(gen, (iatk_mode)mode);
      assert_int_equal(
          iatk_gen_set_now(gen, "2001-02-03T04:05:06.789012+05:30", &err),
          IATK_OK);
      for (size_t s = 0; s < sizeof replay_steps / sizeof *replay_steps; s++) {
        uint64_t replays = replay_agrees(gen, replay_steps[s]);
        /* a merge patch parses; EventBridge reads forms in schema 3's
         * clock texts; "/when/x" descends into schema 2's clock text */
        int merges = s == 6, whole = s == 5, into_clock = k == 2 && s == 4,
            forms_read = k == 3 && s != 1; /* steps 1: no EventBridge */
        if (merges || into_clock || (forms_read && !whole))
          assert_int_equal(replays, 0);
        else if (replays < 30)
          fail_msg("schema %zu, steps %zu: %llu events replayed", k, s,
                   (unsigned long long)replays);
      }
      iatk_gen_free(gen);
      iatk_plan_free(plan);
    }
}

/* Unpinned, the EventBridge time of a replayed event is the generator's
 * instant for it, as the parsed context reads it from the text. */
static void test_replay_follows_the_generator_clock(void **state) {
  (void)state;
  iatk_error err;
  iatk_plan *plan = compile_text(replay_schemas[0], NULL, &err);
  iatk_gen *gen = iatk_gen_new(plan, &err);
  static const step steps[] = {{'e', NULL}, {0, NULL}};
  iatk_pipeline *p = iatk_pipeline_new(NULL);
  assert_int_equal(iatk_pipeline_add_builtin(p, "eventbridge", NULL, NULL),
                   IATK_OK);
  iatk_pipeline *dom = make_pipeline(steps);
  for (uint64_t i = 0; i < 20; i++) {
    const char *got;
    assert_int_equal(
        iatk_pipeline_generate(p, gen, i, NULL, 0, &got, NULL, &err), IATK_OK);
    json_t *event = json_loads(got, 0, NULL);
    const char *t = json_string_value(json_object_get(event, "time"));
    const char *at = json_string_value(
        json_object_get(json_object_get(event, "detail"), "at"));
    /* detail/at is the generator's clock text; time its second in UTC */
    iatk_instant a, b;
    assert_int_equal(iatk__instant_parse(t, &a, NULL), IATK_OK);
    assert_int_equal(iatk__instant_parse(at, &b, NULL), IATK_OK);
    assert_true(a.epoch_us == b.epoch_us - b.epoch_us % 1000000);
    json_decref(event);
  }
  assert_true(iatk__pipeline_replays(p) >= 18);
  iatk_pipeline_free(dom);
  iatk_pipeline_free(p);
  iatk_gen_free(gen);
  iatk_plan_free(plan);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_only_canonical_text_is_edited),
      cmocka_unit_test(test_text_and_parsed_agree),
      cmocka_unit_test(test_built_ins_never_parse_plain_events),
      cmocka_unit_test(test_documents_are_the_parsed_ones),
      cmocka_unit_test(test_generated_events_agree),
      cmocka_unit_test(test_replayed_events_agree),
      cmocka_unit_test(test_replay_follows_the_generator_clock),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
