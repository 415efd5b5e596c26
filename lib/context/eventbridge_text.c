/* The EventBridge context on event text: the same members kept, replaced
 * and added as eventbridge_apply (eventbridge.c) decides on the parsed
 * event, in the same order (a member replaced where it stands, missing
 * ones appended in the order eventbridge_apply sets them), drawing the
 * same id and account from the same stream.  The text of what does not
 * change per event (detail-type, source, region) is made once. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "context/context_internal.h"
#include "gen/time_text.h"

enum {
  EB_VERSION,
  EB_ID,
  EB_DETAIL_TYPE,
  EB_SOURCE,
  EB_ACCOUNT,
  EB_TIME,
  EB_REGION,
  EB_RESOURCES,
  EB_DETAIL,
  EB_COUNT
};

/* `,"name":` of each member, in the order eventbridge_apply sets them (the
 * order missing ones are appended in). */
#define MEMBER(name)                                                           \
  { ",\"" name "\":", sizeof(",\"" name "\":") - 1 }
static const struct {
  const char *text;
  size_t len;
} eb_members[EB_COUNT] = {
    MEMBER("version"), MEMBER("id"),        MEMBER("detail-type"),
    MEMBER("source"),  MEMBER("account"),   MEMBER("time"),
    MEMBER("region"),  MEMBER("resources"), MEMBER("detail")};
#undef MEMBER

static int named(const char *key, size_t len, int k) {
  return memcmp(eb_members[k].text + 2, key, len) == 0 ? k : -1;
}

/* Which envelope member a raw key names, or -1: by length first, as most
 * keys of an event are none of them. */
static int envelope_member(const char *key, size_t len) {
  int k;
  switch (len) {
  case 2: return named(key, len, EB_ID);
  case 4: return named(key, len, EB_TIME);
  case 6:
    return (k = named(key, len, EB_SOURCE)) >= 0 ||
                   (k = named(key, len, EB_REGION)) >= 0
               ? k
               : named(key, len, EB_DETAIL);
  case 7:
    return (k = named(key, len, EB_VERSION)) >= 0 ? k
                                                  : named(key, len, EB_ACCOUNT);
  case 9: return named(key, len, EB_RESOURCES);
  case 11: return named(key, len, EB_DETAIL_TYPE);
  default: return -1;
  }
}

/* The members appended to an event, as text, kept while events append the
 * same ones (usually all of them, to every event): a copy, then the id,
 * account and time written in their places. */
typedef struct appended {
  unsigned mask;   /* the members it appends (bit k), 0 when none kept */
  size_t time_len; /* the time's text length it was made for */
  iatk_buf text;   /* `,"version":"0",...`: a comma before each member */
  text_member members[EB_COUNT]; /* offsets in text */
  size_t count;
  size_t slot[EB_COUNT]; /* where member k's value starts in text */
} appended;

typedef struct text_value {
  const char *text; /* NULL: nothing is set (as json_string's NULL) */
  size_t len;
} text_value;

struct eventbridge_text {
  char *detail_type, *source, *region; /* "quoted", or NULL if not UTF-8 */
  size_t detail_type_len, source_len, region_len;
  time_text_cache utc; /* the clock's text, kept for the second */
  iatk_buf scratch;    /* an old time, NUL-terminated for parsing */
  appended *appended;  /* the text of the members last appended */
};

static void appended_free(appended *a) {
  if (a)
    iatk__buf_release(&a->text);
  free(a);
}

void iatk__eventbridge_text_free(void *userdata) {
  eventbridge_text *d = userdata;
  if (!d)
    return;
  free(d->detail_type);
  free(d->source);
  free(d->region);
  iatk__buf_release(&d->scratch);
  appended_free(d->appended);
  free(d);
}

/* The member text of a string, or NULL where json_string gives NULL (not
 * UTF-8): eventbridge_apply then sets nothing. */
static int quoted(const char *s, char **out, size_t *len) {
  json_t *v = json_string(s);
  *out = NULL;
  if (!v)
    return 0;
  json_decref(v);
  iatk_buf b;
  iatk__buf_init(&b);
  iatk__buf_json_string(&b, s, strlen(s));
  *len = b.len;
  if (b.failed) {
    iatk__buf_release(&b);
    return -1;
  }
  *out = iatk__buf_steal(&b);
  return 0;
}

eventbridge_text *iatk__eventbridge_text_new(const char *detail_type,
                                             const char *source,
                                             const char *region) {
  eventbridge_text *d = calloc(1, sizeof *d);
  if (!d || !(d->appended = calloc(1, sizeof *d->appended)) ||
      quoted(detail_type, &d->detail_type, &d->detail_type_len) < 0 ||
      quoted(source, &d->source, &d->source_len) < 0 ||
      quoted(region, &d->region, &d->region_len) < 0) {
    iatk__eventbridge_text_free(d);
    return NULL;
  }
  return d;
}

/* ------------------------------------------------ what a member holds */

/* The member's value, when present. */
typedef struct current {
  const char *value; /* NULL: missing */
  size_t len;
} current;

static int is_string(current c) { return c.value && c.value[0] == '"'; }

/* A string's contents when it has no escape: the checks then read it as
 * eventbridge.c reads the C string.  An escape (where "\u0000" would end
 * that C string early) is left to the parsed event: 0. */
static int plain(current c, const char **s, size_t *n) {
  *s = c.value + 1;
  *n = c.len - 2;
  return memchr(*s, '\\', *n) == NULL;
}

/* 1 keep, 0 replace, -1 parse the event instead. */
static int keeps_form(current c, int (*form)(const char *, size_t)) {
  const char *s;
  size_t n;
  if (!is_string(c))
    return 0;
  return plain(c, &s, &n) ? form(s, n) : -1;
}

static int is_string_array(current c) {
  if (!c.value || c.value[0] != '[')
    return 0;
  for (size_t i = 1; c.value[i] != ']';) {
    if (c.value[i] != '"')
      return 0;
    i = iatk__event_text_skip(c.value, i);
    i += c.value[i] == ',';
  }
  return 1;
}

/* ----------------------------------------------------- new values */

/* iatk__rng_uuid4's draws and text, quoted. */
static void quoted_uuid(iatk_rng *rng, char out[38]) {
  char text[37];
  iatk__rng_uuid4(rng, text);
  out[0] = out[37] = '"';
  memcpy(out + 1, text, 36);
}

/* 12 decimal digits, uniform, from one draw below 10^12 (a draw per
 * digit cost more than the rest of a replayed event). */
void iatk__eventbridge_account(iatk_rng *rng, char out[12]) {
  /* iatk__rng_below(rng, 10^12) with its rejection bound a constant */
  static const uint64_t below = 1000000000000ULL,
                        limit = UINT64_MAX - UINT64_MAX % below;
  uint64_t v;
  do
    v = iatk__rng_next(rng);
  while (v >= limit);
  v %= below;
  /* three groups of four digits: short chains of divisions by constants
   * the processor runs side by side */
  uint32_t group[3] = {(uint32_t)(v / 100000000), (uint32_t)(v / 10000 % 10000),
                       (uint32_t)(v % 10000)};
  for (int g = 0; g < 3; g++) {
    memcpy(out + 4 * g, iatk__decimal_pairs + 2 * (group[g] / 100), 2);
    memcpy(out + 4 * g + 2, iatk__decimal_pairs + 2 * (group[g] % 100), 2);
  }
}

static void quoted_account(iatk_rng *rng, char out[14]) {
  out[0] = out[13] = '"';
  iatk__eventbridge_account(rng, out + 1);
}

/* Instants EventBridge's form can write: years 0000 to 9999. */
#define FIRST_US (-62167219200LL * 1000000)
#define END_US (253402300800LL * 1000000)

/* The clock's instant, as iatk__clock_read gives it (its offset does not
 * matter: the text is UTC). */
iatk_instant iatk__eventbridge_clock_now(const iatk_clock *c) {
  if (c->pinned)
    return c->instant;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  iatk_instant t = {(int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, 0};
  return t;
}

/* eventbridge_time: the old date-time's instant in EventBridge's form, or
 * the clock's.  0, or -1 when the old value needs parsing (an escape). */
static int time_value(eventbridge_text *d, const context_env *env, current old,
                      char out[42], size_t *len, int *from_old_out) {
  iatk_instant t;
  int from_old = 0;
  if (is_string(old)) {
    const char *s;
    size_t n;
    if (!plain(old, &s, &n))
      return -1;
    iatk__buf_reset(&d->scratch);
    iatk__buf_append(&d->scratch, s, n);
    from_old = !d->scratch.failed &&
               iatk__instant_parse(d->scratch.data ? d->scratch.data : "", &t,
                                   NULL) == IATK_OK &&
               t.epoch_us >= FIRST_US && t.epoch_us < END_US;
  }
  if (!from_old)
    t = iatk__eventbridge_clock_now(&env->clock);
  *from_old_out = from_old;
  out[0] = '"';
  *len = iatk__time_text_utc_cached(&d->utc, &t, out + 1) + 2;
  out[*len - 1] = '"';
  return 0;
}

/* ------------------------------------------------------- rewriting */

typedef struct plan_of_event {
  current now[EB_COUNT];
  long at[EB_COUNT];        /* member index, or -1 */
  text_value set[EB_COUNT]; /* the new value, or NULL text to keep */
  int replaced[EB_COUNT];   /* members present whose value changes, in */
  size_t replaced_count;    /* the order they stand in */
} plan_of_event;

static void list_replaced(plan_of_event *p) {
  p->replaced_count = 0;
  for (int k = 0; k < EB_COUNT; k++) {
    if (p->at[k] < 0 || !p->set[k].text)
      continue;
    size_t i = p->replaced_count++;
    for (; i > 0 && p->at[p->replaced[i - 1]] > p->at[k]; i--)
      p->replaced[i] = p->replaced[i - 1];
    p->replaced[i] = k;
  }
}

static unsigned appended_mask(const plan_of_event *p) {
  unsigned mask = 0;
  for (int k = 0; k < EB_COUNT; k++)
    if (p->at[k] < 0 && p->set[k].text)
      mask |= 1u << k;
  return mask;
}

static void make_appended(appended *a, const plan_of_event *p, unsigned mask) {
  iatk__buf_reset(&a->text);
  a->count = 0;
  a->mask = 0;
  for (int k = 0; k < EB_COUNT; k++) {
    if (!(mask & (1u << k)))
      continue;
    text_member *m = &a->members[a->count++];
    m->key = a->text.len + 1; /* after the comma */
    m->key_len = eb_members[k].len - 4;
    iatk__buf_append(&a->text, eb_members[k].text, eb_members[k].len);
    m->value = a->slot[k] = a->text.len;
    iatk__buf_append(&a->text, p->set[k].text, p->set[k].len);
    m->value_end = a->text.len;
  }
  if (!a->text.failed) {
    a->mask = mask;
    a->time_len = p->set[EB_TIME].len;
  }
}

/* Copies the old members, each changed value written where it stands. */
static char *put_members(char *w, const event_text *e, const plan_of_event *p) {
  size_t from = 1; /* after the '{' */
  for (size_t i = 0; i < p->replaced_count; i++) {
    int k = p->replaced[i];
    const text_member *m = &e->members[p->at[k]];
    memcpy(w, e->text + from, m->value - from);
    w += m->value - from;
    memcpy(w, p->set[k].text, p->set[k].len);
    w += p->set[k].len;
    from = m->value_end;
  }
  memcpy(w, e->text + from, e->len - 1 - from); /* up to the '}' */
  return w + (e->len - 1 - from);
}

/* Moves the member offsets as put_members moved the text. */
static void move_members(event_text *e, const plan_of_event *p) {
  if (!p->replaced_count)
    return;
  size_t delta = 0, next = 0; /* unsigned arithmetic: shrinking wraps back */
  for (size_t j = (size_t)p->at[p->replaced[0]]; j < e->member_count; j++) {
    text_member *m = &e->members[j];
    m->key += delta;
    m->value += delta;
    m->value_end += delta;
    if (next < p->replaced_count && (size_t)p->at[p->replaced[next]] == j) {
      size_t grown =
          p->set[p->replaced[next++]].len - (m->value_end - m->value);
      m->value_end += grown;
      delta += grown;
    }
  }
}

/* Appends the missing members at w (base: the text's start). */
static char *put_appended(char *w, char *base, event_text *e, appended *a,
                          const plan_of_event *p) {
  if (a->count == 0)
    return w;
  size_t skip = e->member_count == 0; /* no comma before the first member */
  size_t at = (size_t)(w - base) - skip;
  memcpy(w, a->text.data + skip, a->text.len - skip);
  for (int k = EB_ID; k <= EB_TIME; k++) /* the values that change */
    if (a->mask & (1u << k))
      memcpy(w - skip + a->slot[k], p->set[k].text, p->set[k].len);
  for (size_t i = 0; i < a->count; i++) {
    text_member m = a->members[i];
    m.key += at;
    m.value += at;
    m.value_end += at;
    event_text_add_member(e, m);
  }
  return w + a->text.len - skip;
}

/* ------------------------------------------ marks (pipeline_replay.c) */

/* The members whose decision reads their value's characters: a mark
 * (a text that differs between replayed events) in one of them makes the
 * event unreplayable.  "resources" and "detail" are decided by their
 * structure, which marks (inside strings) never touch; "time" is below. */
static int decided_by_content(int k) {
  return k != EB_TIME && k != EB_RESOURCES && k != EB_DETAIL;
}

/* Where this event's time comes from, on every event replayed like it:
 * the generator's instant when the old time is its whole clock text, the
 * pipeline's clock when the old time is no date-time; -1: a constant. */
static int time_mark_kind(event_text *e, const plan_of_event *p, int from_old) {
  long at = p->at[EB_TIME];
  if (at < 0)
    return MARK_EB_TIME_CLOCK;
  const text_member *m = &e->members[at];
  long k = iatk__event_text_marked(e, m->value, m->value_end);
  if (k < 0)
    return from_old ? -1 : MARK_EB_TIME_CLOCK;
  const text_mark *mark = &e->marks[k];
  int whole = mark->kind == MARK_GEN_CLOCK && mark->at == m->value + 1 &&
              mark->len + 2 == m->value_end - m->value;
  if (!whole)
    e->unreplayable = 1;
  return from_old ? MARK_EB_TIME_GEN : MARK_EB_TIME_CLOCK;
}

static void check_marks_read(event_text *e, const plan_of_event *p) {
  for (int k = 0; k < EB_COUNT; k++) {
    const text_member *m = p->at[k] >= 0 ? &e->members[p->at[k]] : NULL;
    if (m && decided_by_content(k) &&
        iatk__event_text_marked(e, m->value, m->value_end) >= 0)
      e->unreplayable = 1;
  }
}

/* Before the rewrite: marks in replaced values go, the others hold on to
 * their members. */
static void detach_marks(event_text *e, const plan_of_event *p) {
  for (int k = 0; k < EB_COUNT; k++)
    if (p->at[k] >= 0 && p->set[k].text)
      iatk__event_text_unmark(e, e->members[p->at[k]].value,
                              e->members[p->at[k]].value_end);
  iatk__event_text_marks_to_members(e);
}

static void mark_member(event_text *e, int k, text_mark_kind kind) {
  for (size_t j = 0; j < e->member_count; j++) {
    const text_member *m = &e->members[j];
    if (envelope_member(e->text + m->key + 1, m->key_len) == k) {
      iatk__event_text_mark(e, m->value + 1, m->value_end - m->value - 2, kind,
                            0);
      return;
    }
  }
  e->unreplayable = 1; /* not reached: the member was just written */
}

/* After the rewrite: the old marks where their members went, and the
 * values this context makes for each event. */
static void attach_marks(event_text *e, const plan_of_event *p, const char *id,
                         const char *account, int time_kind) {
  iatk__event_text_marks_from_members(e);
  if (p->set[EB_ID].text == id)
    mark_member(e, EB_ID, MARK_EB_ID);
  if (p->set[EB_ACCOUNT].text == account)
    mark_member(e, EB_ACCOUNT, MARK_EB_ACCOUNT);
  if (time_kind >= 0)
    mark_member(e, EB_TIME, (text_mark_kind)time_kind);
}

/* ------------------------------------------------------- writing */

/* Writes the event: changed members where they stand, missing ones at the
 * end, as json_object_set does.  The space is reserved first, so the
 * writing is copies. */
static void rewrite(event_text *e, appended *a, plan_of_event *p) {
  unsigned mask = appended_mask(p);
  if (mask != a->mask || p->set[EB_TIME].len != a->time_len)
    make_appended(a, p, mask);
  iatk_buf *b = iatk__event_text_spare(e);
  size_t need = e->len + a->text.len + 1;
  for (int k = 0; k < EB_COUNT; k++)
    need += p->at[k] >= 0 && p->set[k].text ? p->set[k].len : 0;
  if (a->mask != mask || iatk__buf_reserve(b, need) != 0) {
    e->failed = 1;
    return;
  }
  char *w = b->data;
  *w++ = '{';
  list_replaced(p);
  w = put_members(w, e, p);
  move_members(e, p);
  w = put_appended(w, b->data, e, a, p);
  *w++ = '}';
  *w = '\0';
  b->len = (size_t)(w - b->data);
  iatk__event_text_commit(e);
}

/* Sets `value` unless the member is kept (keep: 1, or -1 to parse). */
static int decide(plan_of_event *p, int k, int keep, const char *value,
                  size_t len) {
  if (keep < 0)
    return -1;
  if (!keep)
    p->set[k] = (text_value){value, len};
  return 0;
}

int iatk__eventbridge_text_apply(event_text *e, const context_env *env,
                                 void *userdata) {
  eventbridge_text *d = userdata;
  if (!e->is_object || e->failed)
    return TEXT_DOM; /* eventbridge_apply reports it */
  plan_of_event p;
  memset(&p, 0, sizeof p);
  for (int k = 0; k < EB_COUNT; k++)
    p.at[k] = -1;
  for (size_t j = 0; j < e->member_count; j++) {
    const text_member *m = &e->members[j];
    int k = envelope_member(e->text + m->key + 1, m->key_len);
    if (k >= 0) {
      p.at[k] = (long)j;
      p.now[k] = (current){e->text + m->value, m->value_end - m->value};
    }
  }
  iatk_rng rng;
  iatk__context_env_rng(env, STREAM_EVENTBRIDGE, &rng);
  char id[38], account[14], time[42];
  quoted_uuid(&rng, id); /* drawn whether kept or not, as eventbridge_apply */
  quoted_account(&rng, account);
  size_t time_len;
  int time_from_old;
  int nonempty_dt =
      is_string(p.now[EB_DETAIL_TYPE]) && p.now[EB_DETAIL_TYPE].len > 2;
  int nonempty_src = is_string(p.now[EB_SOURCE]) && p.now[EB_SOURCE].len > 2;
  if (decide(&p, EB_VERSION,
             keeps_form(p.now[EB_VERSION], iatk__eventbridge_form_version),
             "\"0\"", 3) ||
      decide(&p, EB_ID, keeps_form(p.now[EB_ID], iatk__eventbridge_form_uuid),
             id, 38) ||
      decide(&p, EB_DETAIL_TYPE, nonempty_dt, d->detail_type,
             d->detail_type_len) ||
      decide(&p, EB_SOURCE, nonempty_src, d->source, d->source_len) ||
      decide(&p, EB_ACCOUNT,
             keeps_form(p.now[EB_ACCOUNT], iatk__eventbridge_form_account),
             account, 14) ||
      time_value(d, env, p.now[EB_TIME], time, &time_len, &time_from_old) ||
      decide(&p, EB_TIME, 0, time, time_len) ||
      decide(&p, EB_REGION,
             keeps_form(p.now[EB_REGION], iatk__eventbridge_form_region),
             d->region, d->region_len) ||
      decide(&p, EB_RESOURCES, is_string_array(p.now[EB_RESOURCES]), "[]", 2) ||
      decide(&p, EB_DETAIL,
             p.now[EB_DETAIL].value && p.now[EB_DETAIL].value[0] == '{', "{}",
             2))
    return TEXT_DOM;
  if (!e->marking) {
    rewrite(e, d->appended, &p);
    return TEXT_DONE;
  }
  check_marks_read(e, &p);
  int time_kind = time_mark_kind(e, &p, time_from_old);
  detach_marks(e, &p);
  rewrite(e, d->appended, &p);
  attach_marks(e, &p, id, account, time_kind);
  return TEXT_DONE;
}

void iatk__eventbridge_draw(const context_env *env, char id[36],
                            char account[12]) {
  iatk_rng rng;
  iatk__context_env_rng(env, STREAM_EVENTBRIDGE, &rng);
  char quoted_id[38], quoted_acct[14];
  quoted_uuid(&rng, quoted_id);
  quoted_account(&rng, quoted_acct);
  memcpy(id, quoted_id + 1, 36);
  memcpy(account, quoted_acct + 1, 12);
}
