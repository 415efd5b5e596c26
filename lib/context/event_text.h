/* An event as compact JSON text, edited by built-in contexts in place of a
 * parsed document (event_text.c). */
#ifndef IATK_CONTEXT_EVENT_TEXT_H
#define IATK_CONTEXT_EVENT_TEXT_H

#include "common/internal.h"

/* A member of the top-level object: offsets into the text. */
typedef struct text_member {
  size_t key;     /* the key's opening quote */
  size_t key_len; /* bytes between its quotes, escapes as written */
  size_t value, value_end;
} text_member;

/* A piece of the text that differs from one event to the next of a
 * generator's replayed template (pipeline_replay.c), and what writes it:
 * the generator's clock text number `clock`, or a value the EventBridge
 * context makes for each event. */
typedef enum text_mark_kind {
  MARK_GEN_CLOCK,     /* the generator's clock text, as it wrote it */
  MARK_EB_ID,         /* the context's UUID, drawn for the event */
  MARK_EB_ACCOUNT,    /* its account, drawn after the UUID */
  MARK_EB_TIME_GEN,   /* EventBridge time of the generator's instant */
  MARK_EB_TIME_CLOCK, /* EventBridge time of the pipeline's clock */
} text_mark_kind;

typedef struct text_mark {
  size_t at, len;
  text_mark_kind kind;
  size_t clock;  /* MARK_GEN_CLOCK: which of the generator's clock texts */
  size_t member; /* while a context rewrites the text: the top-level */
  size_t rel;    /* member holding the mark, and its place in the value */
} text_mark;

typedef struct event_text {
  const char *text; /* NUL-terminated */
  size_t len;
  iatk_buf bufs[2];     /* once edited, the text lives in one of them */
  int cur;              /* the one holding it, -1 while it is the caller's */
  text_member *members; /* the top-level object's members, in order */
  size_t member_count, member_cap;
  int is_object;
  int failed; /* out of memory: the text is no longer the event */
  /* Marks, kept only while `marking` (a recording for replay): edits
   * move them with the text and drop those they overwrite; a context that
   * decides anything from a marked byte sets `unreplayable`. */
  int marking, unreplayable;
  text_mark *marks;
  size_t mark_count, mark_cap;
} event_text;

/* Whether the editing contexts may answer with TEXT_DOM (see pipeline). */
enum { TEXT_DONE = 0, TEXT_DOM = 1 };

void iatk__event_text_init(event_text *e);
void iatk__event_text_release(event_text *e);

/*
 * Takes `text` (NUL-terminated at len; borrowed until the next load) when
 * it is what a parse and a write give back byte for byte, so that an edit
 * of the text is the edit of the parsed event: compact JSON in iatk's
 * form (canonical escapes,
 * valid UTF-8, integers within int64 and not "-0", no NUL in keys, nested
 * at most 2000 deep), an object or an array at the top.  Indexes the
 * top-level members.  0 when it is not; the caller then parses it, which
 * gives the result or the error the text would have had.  Real numbers
 * and duplicate names are not checked: the text must come from iatk's
 * generator, whose reals are in their shortest form and names unique.
 */
int iatk__event_text_load(event_text *e, const char *text, size_t len);

/* The document a parse of `text` (which iatk__event_text_load took) gives, built
 * without reading it a character at a time (event_text_dom.c); NULL when
 * that cannot be done (no memory, a real beyond a double): parse then. */
json_t *iatk__event_text_document(const char *text);

/* The end of the value starting at t[i] (the text was loaded). */
size_t iatk__event_text_skip(const char *t, size_t i);

/* The top-level member whose raw key is key[0..len), or -1. */
long iatk__event_text_member(const event_text *e, const char *key, size_t len);

/* Finds raw key `key` in the object whose '{' is at t[at]: 1 with its
 * value's span, or 0 with *close at the object's '}'. */
int iatk__event_text_find(const char *t, size_t at, const char *key, size_t len,
                          size_t *value, size_t *value_end, size_t *close);
/* Counts the items of the array whose '[' is at t[at], giving the span
 * of item `want` when there is one, and *close at the ']'. */
size_t iatk__event_text_items(const char *t, size_t at, size_t want,
                              size_t *item, size_t *item_end, size_t *close);

/* Replaces text[start, end) with the pieces, one after the other;
 * top-level members after it move, and a member whose value holds it
 * grows or shrinks. */
typedef struct text_piece {
  const char *text;
  size_t len;
} text_piece;
void iatk__event_text_splice(event_text *e, size_t start, size_t end,
                             const text_piece *pieces, size_t count);
/* The same with one piece. */
void iatk__event_text_replace(event_text *e, size_t start, size_t end,
                              const char *ins, size_t n);
/* Notes a top-level member the caller has just inserted (the text check
 * notes them all). */
void iatk__event_text_grow_members(event_text *e);
static inline void event_text_add_member(event_text *e, text_member m) {
  if (e->member_count == e->member_cap)
    iatk__event_text_grow_members(e);
  if (e->member_count < e->member_cap)
    e->members[e->member_count++] = m;
}

/* Rewriting the whole text: the buffer to write it in (empty), then
 * iatk__event_text_commit to make it the text.  Members are the caller's to
 * note again (after iatk__event_text_clear_members). */
iatk_buf *iatk__event_text_spare(event_text *e);
void iatk__event_text_commit(event_text *e);
void iatk__event_text_clear_members(event_text *e);

/* Marks (see text_mark): adds one (when marking); the first one that
 * overlaps [start, end), or -1. */
void iatk__event_text_mark(event_text *e, size_t at, size_t len,
                           text_mark_kind kind, size_t clock);
long iatk__event_text_marked(const event_text *e, size_t start, size_t end);
/* Drops the marks that overlap [start, end) (a value about to be
 * replaced). */
void iatk__event_text_unmark(event_text *e, size_t start, size_t end);
/* For a context that rewrites the whole text keeping the top-level
 * members' indexes: ties each mark to its member before, and places it
 * again from the members' new offsets after. */
void iatk__event_text_marks_to_members(event_text *e);
void iatk__event_text_marks_from_members(event_text *e);

#endif
