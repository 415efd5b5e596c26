/* The EventBridge context: fills the envelope members an EventBridge event
 * must have, leaving every member that already has a value of the right
 * form untouched (so it composes with --set and user contexts), and
 * replacing values a generator made up that EventBridge would reject
 * (an account that is not 12 digits, a malformed region or time). */
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

/* Missing, null and "" count as "no value yet". */
static int is_empty(const json_t *v) {
  return !v || json_is_null(v) ||
         (json_is_string(v) && json_string_length(v) == 0);
}

/* What EventBridge accepts for a member; NULL: any non-empty value. */
typedef int (*member_check)(const char *text);

static int all_digits(const char *s, size_t n) {
  if (strlen(s) != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

static int is_account(const char *s) { return all_digits(s, 12); }

static int is_version(const char *s) { return *s && all_digits(s, strlen(s)); }

static int is_time(const char *s) {
  iatk_instant t;
  return iatk_instant_parse(s, &t, NULL) == IATK_OK;
}

/* e.g. us-east-1, eu-central-2, us-gov-west-1 */
static int is_region(const char *s) {
  size_t n = strlen(s), i = 0, dashes = 0;
  while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
    dashes += s[i++] == '-';
  return i >= 4 && i < n && s[i - 1] == '-' && dashes >= 2 && all_digits(s + i, n - i);
}

/* Keeps a member the user or the generator already set when it is of
 * EventBridge's form; fills it when missing, empty or malformed. */
static void fill_checked(json_t *event, const char *key, json_t *value,
                         member_check check) {
  const json_t *old = json_object_get(event, key);
  int keep = !is_empty(old) &&
             (!check || (json_is_string(old) && check(json_string_value(old))));
  if (value && !keep)
    json_object_set(event, key, value);
  json_decref(value);
}

static void fill(json_t *event, const char *key, json_t *value) {
  fill_checked(event, key, value, NULL);
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
  fill_checked(event, "version", json_string("0"), is_version);
  fill(event, "id", uuid(&rng));
  if (d->detail_type)
    fill(event, "detail-type", json_string(d->detail_type));
  if (d->source)
    fill(event, "source", json_string(d->source));
  fill_checked(event, "account", random_account(&rng), is_account);
  fill_checked(event, "time", utc_time(d->env), is_time);
  fill_checked(event, "region", json_string(d->region), is_region);
  if (!json_is_array(json_object_get(event, "resources")))
    json_object_set_new(event, "resources", json_array());
  if (is_empty(json_object_get(event, "detail")))
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
