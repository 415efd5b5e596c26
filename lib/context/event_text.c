/* An event as compact JSON text.  Built-in contexts (eventbridge, set)
 * edit the generator's text directly instead of parsing it, editing the
 * document and writing it again: the result is the same bytes when the
 * text is what a parse and a write would give back unchanged, which
 * iatk__event_text_load checks (event_text_check.c).  Here: finding members and
 * items in such text, and editing it. */
#include <stdlib.h>
#include <string.h>

#include "context/event_text.h"

void iatk__event_text_init(event_text *e) {
  memset(e, 0, sizeof *e);
  e->cur = -1;
}

void iatk__event_text_release(event_text *e) {
  iatk__buf_release(&e->bufs[0]);
  iatk__buf_release(&e->bufs[1]);
  free(e->members);
  free(e->marks);
  iatk__event_text_init(e);
}

void iatk__event_text_clear_members(event_text *e) { e->member_count = 0; }

void iatk__event_text_grow_members(event_text *e) {
  if (IATK_ARRAY_GROW(e->members, e->member_cap, e->member_cap + 1, SIZE_MAX) !=
      IATK_OK)
    e->failed = 1;
}

/* ------------------------------------------------------------ reading */

static size_t skip_string(const char *t, size_t i) {
  for (i++; t[i] != '"'; i++)
    if (t[i] == '\\')
      i++;
  return i + 1;
}

size_t iatk__event_text_skip(const char *t, size_t i) {
  if (t[i] == '"')
    return skip_string(t, i);
  if (t[i] != '{' && t[i] != '[') {
    while (t[i] && t[i] != ',' && t[i] != '}' && t[i] != ']')
      i++;
    return i;
  }
  int depth = 0;
  do {
    char c = t[i];
    if (c == '"') {
      i = skip_string(t, i);
      continue;
    }
    depth += (c == '{' || c == '[') - (c == '}' || c == ']');
    i++;
  } while (depth > 0);
  return i;
}

long iatk__event_text_member(const event_text *e, const char *key, size_t len) {
  for (size_t k = 0; k < e->member_count; k++) {
    const text_member *m = &e->members[k];
    if (m->key_len == len && memcmp(e->text + m->key + 1, key, len) == 0)
      return (long)k;
  }
  return -1;
}

int iatk__event_text_find(const char *t, size_t at, const char *key, size_t len,
                          size_t *value, size_t *value_end, size_t *close) {
  size_t i = at + 1;
  while (t[i] != '}') {
    size_t k = i + 1, end = skip_string(t, i); /* end: after the quote */
    *value = end + 1;
    *value_end = iatk__event_text_skip(t, *value);
    if (end - k - 1 == len && memcmp(t + k, key, len) == 0)
      return 1;
    i = *value_end + (t[*value_end] == ',');
  }
  *close = i;
  return 0;
}

size_t iatk__event_text_items(const char *t, size_t at, size_t want,
                              size_t *item, size_t *item_end, size_t *close) {
  size_t i = at + 1, count = 0;
  while (t[i] != ']') {
    size_t end = iatk__event_text_skip(t, i);
    if (count == want) {
      *item = i;
      *item_end = end;
    }
    count++;
    i = end + (t[end] == ',');
  }
  *close = i;
  return count;
}

/* ------------------------------------------------------------ editing */

iatk_buf *iatk__event_text_spare(event_text *e) {
  iatk_buf *b = &e->bufs[e->cur == 0 ? 1 : 0];
  iatk__buf_reset(b);
  return b;
}

void iatk__event_text_commit(event_text *e) {
  e->cur = e->cur == 0 ? 1 : 0;
  iatk_buf *b = &e->bufs[e->cur];
  if (b->failed || !b->data) {
    e->failed = 1;
    return;
  }
  e->text = b->data;
  e->len = b->len;
}

/* Marks after the edit at [start, end) move by grown - lost; those it
 * overlaps are gone. */
static void move_marks(event_text *e, size_t start, size_t end, size_t grown) {
  size_t kept = 0;
  for (size_t i = 0; i < e->mark_count; i++) {
    text_mark m = e->marks[i];
    if (m.at >= end)
      m.at += grown - (end - start);
    else if (m.at + m.len > start)
      continue;
    e->marks[kept++] = m;
  }
  e->mark_count = kept;
}

/* Members after the edit at [start, end) move by grown - lost; a member
 * whose value holds it (an insertion right after a value is not in it)
 * grows or shrinks. */
static void move_members(event_text *e, size_t start, size_t end,
                         size_t grown) {
  size_t lost = end - start; /* unsigned: a shrink wraps back */
  for (size_t k = 0; k < e->member_count; k++) {
    text_member *m = &e->members[k];
    if (m->key >= end) {
      m->key += grown - lost;
      m->value += grown - lost;
      m->value_end += grown - lost;
    } else if (m->value <= start && end <= m->value_end &&
               !(start == end && end == m->value_end)) {
      m->value_end += grown - lost;
    }
  }
}

void iatk__event_text_splice(event_text *e, size_t start, size_t end,
                             const text_piece *pieces, size_t count) {
  size_t grown = 0;
  for (size_t i = 0; i < count; i++)
    grown += pieces[i].len;
  iatk_buf *b = iatk__event_text_spare(e);
  if (iatk__buf_reserve(b, e->len - (end - start) + grown) != 0) {
    e->failed = 1;
    return;
  }
  char *w = b->data;
  memcpy(w, e->text, start);
  w += start;
  for (size_t i = 0; i < count; i++) {
    memcpy(w, pieces[i].text, pieces[i].len);
    w += pieces[i].len;
  }
  memcpy(w, e->text + end, e->len - end);
  w += e->len - end;
  *w = '\0';
  b->len = (size_t)(w - b->data);
  iatk__event_text_commit(e);
  move_members(e, start, end, grown);
  move_marks(e, start, end, grown);
}

void iatk__event_text_replace(event_text *e, size_t start, size_t end,
                              const char *ins, size_t n) {
  text_piece piece = {ins, n};
  iatk__event_text_splice(e, start, end, &piece, 1);
}

/* ------------------------------------------------------------ marks */

void iatk__event_text_mark(event_text *e, size_t at, size_t len,
                           text_mark_kind kind, size_t clock) {
  if (!e->marking)
    return;
  if (IATK_ARRAY_GROW(e->marks, e->mark_cap, e->mark_count + 1, SIZE_MAX) !=
      IATK_OK) {
    e->unreplayable = 1;
    return;
  }
  e->marks[e->mark_count++] = (text_mark){at, len, kind, clock, 0, 0};
}

long iatk__event_text_marked(const event_text *e, size_t start, size_t end) {
  for (size_t i = 0; i < e->mark_count; i++)
    if (e->marks[i].at < end && e->marks[i].at + e->marks[i].len > start)
      return (long)i;
  return -1;
}

void iatk__event_text_unmark(event_text *e, size_t start, size_t end) {
  size_t kept = 0;
  for (size_t i = 0; i < e->mark_count; i++)
    if (!(e->marks[i].at < end && e->marks[i].at + e->marks[i].len > start))
      e->marks[kept++] = e->marks[i];
  e->mark_count = kept;
}

void iatk__event_text_marks_to_members(event_text *e) {
  for (size_t i = 0; i < e->mark_count; i++) {
    text_mark *m = &e->marks[i];
    size_t k = 0;
    while (k < e->member_count &&
           !(e->members[k].value <= m->at && m->at < e->members[k].value_end))
      k++;
    if (k == e->member_count) /* not in a member's value: never seen */
      e->unreplayable = 1;
    m->member = k;
    m->rel = k < e->member_count ? m->at - e->members[k].value : 0;
  }
}

void iatk__event_text_marks_from_members(event_text *e) {
  for (size_t i = 0; i < e->mark_count; i++) {
    text_mark *m = &e->marks[i];
    if (m->member < e->member_count)
      m->at = e->members[m->member].value + m->rel;
  }
}
