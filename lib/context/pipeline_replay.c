/* Replaying what the built-in contexts made of a replayed generator event.
 *
 * A generator in barebone or sample mode replays a template: its events
 * differ only in their clock texts (gen/template.c).  The built-in
 * contexts that edit text (EventBridge, --set with a constant) then make
 * the same edits every time, but for the values they make per event (the
 * EventBridge id, account and time).  So the first replayed event runs
 * through the contexts with its clock texts marked (event_text marks);
 * the edits carry the marks along, drop those they overwrite, and add
 * marks for the values they make; a context that decided anything from a
 * marked byte makes the recording void.  What is kept is the output with
 * the marks cut out, and later events of the same template are that text
 * with each mark written again: the generator's clock text as it wrote it
 * this time, or the context's value drawn as the context would draw it.
 *
 * As with the generator's template, whether this is possible is observed
 * on the recorded event, not predicted; the bytes are those the contexts
 * would have written (tests/unit/test_context_text.c compares them). */
#include <stdlib.h>
#include <string.h>

#include "context/context_internal.h"
#include "gen/time_text.h"

void iatk__replay_init(pipeline_replay *r) {
  memset(r, 0, sizeof *r);
  iatk__buf_init(&r->text);
}

void iatk__replay_forget(pipeline_replay *r) {
  uint64_t replays = r->replays;
  iatk__buf_release(&r->text);
  free(r->marks);
  iatk__replay_init(r);
  r->replays = replays;
}

int iatk__replay_follows(const pipeline_replay *r, uint64_t serial) {
  return serial != 0 && r->serial == serial;
}

static int by_place(const void *a, const void *b) {
  const text_mark *x = a, *y = b;
  return x->at < y->at ? -1 : x->at > y->at;
}

/* The marks in text order, none overlapping another. */
static int sort_marks(text_mark *marks, size_t count) {
  qsort(marks, count, sizeof *marks, by_place);
  for (size_t i = 1; i < count; i++)
    if (marks[i].at < marks[i - 1].at + marks[i - 1].len)
      return -1;
  return 0;
}

void iatk__replay_keep(pipeline_replay *r, uint64_t serial, event_text *e) {
  iatk__replay_forget(r);
  if (e->failed || e->unreplayable || sort_marks(e->marks, e->mark_count))
    return;
  r->marks = malloc((e->mark_count + 1) * sizeof *r->marks);
  if (!r->marks)
    return;
  size_t from = 0;
  for (size_t i = 0; i < e->mark_count; i++) {
    text_mark m = e->marks[i];
    iatk__buf_append(&r->text, e->text + from, m.at - from);
    from = m.at + m.len;
    m.at = r->text.len;
    r->marks[r->count++] = m;
    if (m.kind == MARK_GEN_CLOCK && m.clock + 1 > r->clocks_needed)
      r->clocks_needed = m.clock + 1;
  }
  iatk__buf_append(&r->text, e->text + from, e->len - from);
  if (r->text.failed) {
    iatk__replay_forget(r);
    return;
  }
  r->serial = serial;
}

/* The longest text of a mark: a clock text (40 bytes at most). */
#define MAX_MARK_TEXT 64

/* The text of one mark for this event, into out (at most 64 bytes) or,
 * for a clock text of the generator, as a pointer into its event. */
static size_t mark_text(pipeline_replay *r, const text_mark *m,
                        const replay_event *ev, const char **text,
                        char out[MAX_MARK_TEXT]) {
  iatk_instant t;
  switch (m->kind) {
  case MARK_GEN_CLOCK:
    *text = ev->gen_text + ev->clocks[m->clock].at;
    return ev->clocks[m->clock].len;
  case MARK_EB_ID:
  case MARK_EB_ACCOUNT:
    if (!r->drawn) {
      iatk__eventbridge_draw(ev->env, r->id, r->account);
      r->drawn = 1;
    }
    *text = m->kind == MARK_EB_ID ? r->id : r->account;
    return m->kind == MARK_EB_ID ? sizeof r->id : sizeof r->account;
  case MARK_EB_TIME_GEN:
  case MARK_EB_TIME_CLOCK:
    t = m->kind == MARK_EB_TIME_GEN
            ? ev->gen_now
            : iatk__eventbridge_clock_now(&ev->env->clock);
    *text = out;
    return iatk__time_text_utc_cached(&r->utc, &t, out);
  }
  return 0; /* not reached: every kind is above */
}

/* Whether the marks fit this event: it has the clock texts they copy. */
static int fits(const pipeline_replay *r, const replay_event *ev) {
  return r->clocks_needed <= ev->clocks_n;
}

int iatk__replay_write(pipeline_replay *r, const replay_event *ev,
                       iatk_buf *out) {
  if (!iatk__replay_follows(r, ev->serial) || !fits(r, ev))
    return 0;
  iatk__buf_reset(out);
  if (iatk__buf_reserve(out, r->text.len + MAX_MARK_TEXT * r->count) != 0)
    return 0; /* the contexts then run as they would have */
  r->drawn = 0;
  char *w = out->data;
  size_t from = 0;
  for (size_t i = 0; i < r->count; i++) { /* copies into reserved space */
    const text_mark *m = &r->marks[i];
    char scratch[MAX_MARK_TEXT];
    const char *text = scratch;
    size_t n = mark_text(r, m, ev, &text, scratch);
    memcpy(w, r->text.data + from, m->at - from);
    w += m->at - from;
    memcpy(w, text, n);
    w += n;
    from = m->at;
  }
  memcpy(w, r->text.data + from, r->text.len - from);
  w += r->text.len - from;
  *w = '\0';
  out->len = (size_t)(w - out->data);
  r->replays++;
  return 1;
}
