/* The EventBridge context: makes the envelope look as EventBridge delivers
 * it.  A member that already has a value of EventBridge's form is left
 * untouched (so the context composes with --set and user contexts); one
 * that is missing, or that a generator made up in a form EventBridge never
 * delivers (an account that is not 12 digits, an id that is not a UUID, a
 * made-up region), is filled.  `time` keeps its instant but is always
 * written in EventBridge's form. */
#include <stdlib.h>
#include <string.h>

#include "context/context_internal.h"

typedef struct eventbridge_data {
  const context_env *env;
  char *detail_type;
  char *source;
  char *region;
} eventbridge_data;

static void eventbridge_free(void *userdata) {
  eventbridge_data *d = userdata;
  if (!d)
    return;
  free(d->detail_type);
  free(d->source);
  free(d->region);
  free(d);
}

/* What EventBridge delivers for a member: a value that passes is kept. */
typedef int (*member_check)(const json_t *value);

static int is_nonempty_string(const json_t *v) {
  return json_is_string(v) && json_string_length(v) > 0;
}

/* The string checks are eventbridge_form.c's, on the whole C string (as
 * strlen reads it). */
static int string_is(const json_t *v, int (*form)(const char *, size_t)) {
  const char *s = json_string_value(v);
  return s && form(s, strlen(s));
}

static int is_version(const json_t *v) {
  return string_is(v, iatk__eventbridge_form_version);
}
static int is_account(const json_t *v) {
  return string_is(v, iatk__eventbridge_form_account);
}
static int is_uuid(const json_t *v) {
  return string_is(v, iatk__eventbridge_form_uuid);
}
static int is_region(const json_t *v) {
  return string_is(v, iatk__eventbridge_form_region);
}

static int is_string_array(const json_t *v) {
  size_t i;
  json_t *item;
  if (!json_is_array(v))
    return 0;
  json_array_foreach(v, i, item) {
    if (!json_is_string(item))
      return 0;
  }
  return 1;
}

static int is_object(const json_t *v) { return json_is_object(v); }

/* Keeps a member the user or the generator already set when it is of
 * EventBridge's form; sets `value` (stolen) when it is missing or not. */
static void fill_checked(json_t *event, const char *key, json_t *value,
                         member_check check) {
  if (value && !check(json_object_get(event, key)))
    json_object_set(event, key, value);
  json_decref(value);
}

static json_t *random_account(iatk_rng *rng) {
  char digits[12];
  iatk__eventbridge_account(rng, digits);
  return json_stringn(digits, sizeof digits);
}

static json_t *uuid(iatk_rng *rng) {
  char text[37];
  iatk__rng_uuid4(rng, text);
  return json_string(text);
}

/* Instants EventBridge's form can write: years 0000 to 9999. */
#define FIRST_US (-62167219200LL * 1000000)
#define END_US (253402300800LL * 1000000)

/* "time" as EventBridge writes it: UTC, whole seconds, "Z"
 * (2019-11-30T09:02:36Z), since consumers may parse it strictly.  A
 * date-time already there (the generator's, a --set one) keeps its instant
 * in that form; anything else is the clock's (--now) instant. */
static json_t *eventbridge_time(const json_t *old, const context_env *env) {
  iatk_instant t;
  const char *text = json_string_value(old);
  if (!text || iatk__instant_parse(text, &t, NULL) != IATK_OK ||
      t.epoch_us < FIRST_US || t.epoch_us >= END_US) {
    iatk_clock clock = env->clock; /* a copy: the context only reads the env */
    t = iatk__clock_read(&clock);
  }
  char out[40];
  iatk__instant_format_utc(&t, out);
  return json_string(out);
}

static int eventbridge_apply(json_t *event, void *userdata, iatk_error *err) {
  const eventbridge_data *d = userdata;
  if (!json_is_object(event))
    return iatk__fail(err, IATK_ECONTEXT, "the event is not a JSON object");
  iatk_rng rng;
  iatk__context_env_rng(d->env, STREAM_EVENTBRIDGE, &rng);
  fill_checked(event, "version", json_string("0"), is_version);
  fill_checked(event, "id", uuid(&rng), is_uuid);
  fill_checked(event, "detail-type", json_string(d->detail_type),
               is_nonempty_string);
  fill_checked(event, "source", json_string(d->source), is_nonempty_string);
  fill_checked(event, "account", random_account(&rng), is_account);
  json_object_set_new(event, "time",
                      eventbridge_time(json_object_get(event, "time"), d->env));
  fill_checked(event, "region", json_string(d->region), is_region);
  fill_checked(event, "resources", json_array(), is_string_array);
  fill_checked(event, "detail", json_object(), is_object);
  return IATK_OK;
}

static const char *default_region(void) {
  const char *region = getenv("AWS_REGION");
  if (!region || !*region)
    region = getenv("AWS_DEFAULT_REGION");
  return region && *region ? region : "us-east-1";
}

int iatk__eventbridge_context_make(const context_env *env,
                                   const char *detail_type, const char *source,
                                   builtin_context *out, iatk_error *err) {
  eventbridge_data *d = calloc(1, sizeof *d);
  if (!d)
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  d->env = env;
  /* EventBridge never delivers an event without them; lacking the schema's
   * x-amazon-events-*, use AWS IATK's placeholders. */
  d->detail_type =
      strdup(detail_type && *detail_type ? detail_type : "detail-type");
  d->source = strdup(source && *source ? source : "source");
  d->region = strdup(env->region ? env->region : default_region());
  /* its text form writes the same members into the event text */
  eventbridge_text *text =
      d->detail_type && d->source && d->region
          ? iatk__eventbridge_text_new(d->detail_type, d->source, d->region)
          : NULL;
  if (!text) {
    eventbridge_free(d);
    return iatk__fail(err, IATK_ENOMEM, "out of memory");
  }
  *out = (builtin_context){eventbridge_apply,
                           d,
                           eventbridge_free,
                           iatk__eventbridge_text_apply,
                           text,
                           iatk__eventbridge_text_free};
  return IATK_OK;
}
