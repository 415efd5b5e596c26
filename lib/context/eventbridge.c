/* The EventBridge context: fills the envelope members an EventBridge event
 * must have, leaving every member that already has a value untouched, so it
 * composes with --set and user contexts in any order. */
#include <stdlib.h>
#include <string.h>

#include "context/context_internal.h"

typedef struct eventbridge_data {
  const context_env *env;
  char *detail_type;
  char *source;
  char *region;
} eventbridge_data;

enum { STREAM_EVENTBRIDGE = 0xEB };

static void eventbridge_free(void *userdata) {
  eventbridge_data *d = userdata;
  if (!d)
    return;
  free(d->detail_type);
  free(d->source);
  free(d->region);
  free(d);
}

/* Missing, null, "" and [] all count as "no value yet". */
static int is_empty(const json_t *v) {
  return !v || json_is_null(v) ||
         (json_is_string(v) && json_string_length(v) == 0);
}

static void fill(json_t *event, const char *key, json_t *value) {
  if (value && is_empty(json_object_get(event, key)))
    json_object_set(event, key, value);
  json_decref(value);
}

static json_t *random_account(iatk_rng *rng) {
  char digits[13];
  for (int i = 0; i < 12; i++)
    digits[i] = (char)('0' + iatk_rng_below(rng, 10));
  digits[12] = '\0';
  return json_string(digits);
}

static json_t *utc_time(const context_env *env) {
  iatk_clock clock = env->clock; /* a copy: the context only reads the env */
  iatk_instant now = iatk_clock_read(&clock);
  char text[40];
  iatk_instant_format_utc(&now, text);
  return json_string(text);
}

static json_t *uuid(iatk_rng *rng) {
  char text[37];
  iatk_rng_uuid4(rng, text);
  return json_string(text);
}

static int eventbridge_apply(json_t *event, void *userdata, iatk_error *err) {
  const eventbridge_data *d = userdata;
  if (!json_is_object(event))
    return iatk_fail(err, IATK_ECONTEXT, "the event is not a JSON object");
  iatk_rng rng;
  context_env_rng(d->env, STREAM_EVENTBRIDGE, &rng);
  fill(event, "version", json_string("0"));
  fill(event, "id", uuid(&rng));
  if (d->detail_type)
    fill(event, "detail-type", json_string(d->detail_type));
  if (d->source)
    fill(event, "source", json_string(d->source));
  fill(event, "account", random_account(&rng));
  fill(event, "time", utc_time(d->env));
  fill(event, "region", json_string(d->region));
  if (!json_is_array(json_object_get(event, "resources")))
    json_object_set_new(event, "resources", json_array());
  if (!json_object_get(event, "detail"))
    json_object_set_new(event, "detail", json_object());
  return IATK_OK;
}

static const char *default_region(void) {
  const char *region = getenv("AWS_REGION");
  if (!region || !*region)
    region = getenv("AWS_DEFAULT_REGION");
  return region && *region ? region : "us-east-1";
}

int eventbridge_context_make(const context_env *env, const char *detail_type,
                             const char *source, builtin_context *out,
                             iatk_error *err) {
  eventbridge_data *d = calloc(1, sizeof *d);
  if (!d)
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  d->env = env;
  d->detail_type = detail_type ? strdup(detail_type) : NULL;
  d->source = source ? strdup(source) : NULL;
  d->region = strdup(default_region());
  if ((detail_type && !d->detail_type) || (source && !d->source) || !d->region) {
    eventbridge_free(d);
    return iatk_fail(err, IATK_ENOMEM, "out of memory");
  }
  *out = (builtin_context){eventbridge_apply, d, eventbridge_free};
  return IATK_OK;
}
